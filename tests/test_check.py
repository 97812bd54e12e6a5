"""``md.check``, the numerical check of a derivative, in both layouts and at every order.

A derivative of order ``k`` is checked against finite differences of the order ``k-1``
result, which is kept in the numerator layout; a denominator-layout result
(``k×S_in + S_out``) must be brought to ``S_out + k×S_in`` before the comparison.  The cases
have outputs and variables of different sizes, so a comparison along the wrong axes fails.
"""

from __future__ import annotations

import numpy as np
import pytest

import matdiff as md

CASES = [
    ("A*x", "x", {"A": ("m", "n")}),
    ("x*y'", "x", {"x": ("m",), "y": ("n",)}),
    ("A*x", "A", {"A": ("m", "n")}),
    ("exp(X)*y", "X", {"X": ("m", "n"), "y": ("n",)}),
    ("X*A*X", "X", {"X": ("m", "n"), "A": ("n", "m")}),
    ("sin(B'*x)", "x", {"B": ("m", "n")}),
]


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
@pytest.mark.parametrize("order", [1, 2, 3])
@pytest.mark.parametrize("expr, wrt, vars", CASES, ids=[f"{c[0]} by {c[1]}" for c in CASES])
def test_check_passes_for_a_right_derivative(expr, wrt, vars, order, layout):
    d = md.derivative(expr, wrt=wrt, vars=vars, order=order, layout=layout)
    assert md.check(d) < 1e-6, f"{expr} by {wrt}, order {order}, {layout}: {d}"


def test_a_denominator_hessian_of_a_vector_has_the_variable_axes_first():
    """The check compares the entries a user reads: ∂²F_i/∂x_j∂x_k at [j, k, i]."""
    d = md.derivative("sin(B'*x)", wrt="x", vars={"B": ("m", "n")}, order=2,
                      layout="denominator")
    rng = np.random.default_rng(0)
    B, x = rng.standard_normal((3, 4)), rng.standard_normal(3)
    got = d.evaluate(B=B, x=x)
    want = np.einsum("ji,ki,i->jki", B, B, -np.sin(B.T @ x))
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    assert md.check(d, B=B, x=x) < 1e-6
