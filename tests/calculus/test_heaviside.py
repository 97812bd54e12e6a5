"""``heaviside``: 0 at 0 and below, 1 above; the derivative of ``relu`` (as in JAX and PyTorch).

What a user sees: relu's gradient prints as ``heaviside``, evaluates to 0 at the kink, prints
in LaTeX that parses back and runs on array-API arrays; ``abs`` and ``sign`` keep their own
derivatives, and heaviside's own derivative is zero (almost everywhere).
"""

from __future__ import annotations

import numpy as np
import pytest

import matdiff as md

SCALAR = {"z": ()}


def test_the_derivative_of_relu_is_heaviside():
    assert str(md.derivative("relu(z)", wrt="z", vars=SCALAR)) == "heaviside(z)"
    assert str(md.derivative("sum(relu(x))", wrt="x")) == "heaviside(x)"
    assert str(md.derivative("relu(x)", wrt="x")) == "diag(heaviside(x))"
    assert str(md.derivative("0.5*norm2(relu(W*x) - y)^2", wrt="W")) == \
        "(relu(W*x) - y).*heaviside(W*x)*x'"


def test_relu_has_slope_zero_at_zero_and_one_above():
    d = md.derivative("relu(z)", wrt="z", vars=SCALAR)
    assert d.evaluate(z=0.0) == 0.0
    assert d.evaluate(z=-1.5) == 0.0
    assert d.evaluate(z=2.0) == 1.0
    g = md.derivative("sum(relu(x))", wrt="x")
    assert g.evaluate(x=np.array([-1.0, 0.0, 2.0])).tolist() == [0.0, 0.0, 1.0]


def test_heaviside_evaluates_folds_and_has_derivative_zero():
    e = md.parse("heaviside(x)")
    assert e.evaluate(x=np.array([-2.0, 0.0, 0.5])).tolist() == [0.0, 0.0, 1.0]
    assert str(md.derivative("heaviside(0)*x + heaviside(2)*x", wrt="x")) == "eye"
    assert str(md.derivative("sum(heaviside(x))", wrt="x")) == "vector(0)"
    assert str(md.derivative("relu(z)", wrt="z", vars=SCALAR, order=2)) == "0"


def test_abs_and_sign_keep_their_derivatives():
    assert str(md.derivative("sum(abs(x))", wrt="x")) == "sign(x)"
    assert str(md.derivative("sum(sign(x))", wrt="x")) == "vector(0)"


def test_heaviside_in_latex_parses_back():
    d = md.derivative("relu(z)", wrt="z", vars=SCALAR)
    assert d.latex == r"\operatorname{heaviside}(z)"
    assert md.parse(d.latex, SCALAR).node is d.node
    assert md.parse(r"\operatorname{heaviside}(A)").latex == r"\operatorname{heaviside}(A)"


def test_heaviside_code_runs_on_array_api_arrays():
    d = md.derivative("sum(relu(x))", wrt="x")
    assert "xp.where(x > 0, 1.0, xp.zeros_like(x))" in d.code("array_api")
    xps = pytest.importorskip("array_api_strict")
    got = d.compile()(x=xps.asarray([-1.0, 0.0, 3.0], dtype=xps.float64))
    assert type(got).__module__.startswith("array_api_strict")
    assert np.asarray(got).tolist() == [0.0, 0.0, 1.0]


def test_step_suggests_heaviside():
    with pytest.raises(md.ParseError, match="did you mean heaviside"):
        md.parse("step(x)")
