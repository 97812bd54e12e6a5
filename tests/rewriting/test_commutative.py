"""Commutative algebra: monomials with collected powers, sums multiplied out and collected,
identities of exp, log and sigmoid; and, on random expressions, that simplification keeps
values and is idempotent.

The random expressions are ``strategies.terms`` (domains kept by construction), read by
matdiff without simplification; the simplified node and the node as read are both evaluated
by the generated code on the same random inputs.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, note, settings, strategies as st

import matdiff as md
import strategies as gen
from matdiff.parsing import parse
from matdiff.printing.text import to_text
from matdiff.rewriting import simplify
from node_eval import evaluate

SHAPES = [(), ("n",), ("m", "p"), ("p", "p")]


@pytest.mark.parametrize("text, want", [
    ("det(X)*det(X)", "det(X)^2"),
    ("norm2(x)/norm2(x)^2", "1/norm2(x)"),
    ("exp(a)*b*(-1/exp(a)^2)", "-(b/exp(a))"),
    ("-(1 - s).*y + s.*(1 - y)", "s - y"),
    ("x.*x.*x./x", "x.^2"),
    ("(a*b)^2/a", "a*b^2"),
    ("x.*y + x.*z", "x.*(y + z)"),
    ("s.*(1 - s) + s.^2", "s"),
    ("2*x.*y - y.*x*2", "vector(0)"),
    ("(x - a).*x - a*(x - a)", "(x - a).^2"),  # the sum left inside is the base pulled out
    ("(x - y).*x - y.*(x - y)", "(x - y).^2"),
])
def test_products_are_monomials_and_sums_are_collected(text, want):
    assert to_text(simplify(parse(text).node)) == want


@pytest.mark.parametrize("text, want", [
    ("sigmoid(z).*exp(-z)", "sigmoid(-z)"),
    ("exp(-x).*y.*sigmoid(x)", "y.*sigmoid(-x)"),
    ("exp(a)*exp(b)", "exp(a + b)"),
    ("log(exp(x))", "x"),
    ("1 - sigmoid(-x)", "sigmoid(x)"),
    ("y + sigmoid(x) + sigmoid(-x)", "y + 1"),
])
def test_identities_of_functions(text, want):
    assert to_text(simplify(parse(text).node)) == want


@pytest.mark.parametrize("text", ["exp(log(x))", "sigmoid(x).*(1 - sigmoid(x))"])
def test_forms_left_alone(text):
    """``exp(log(x))`` is ``x`` only for positive ``x``; ``s.*(1 - s)`` is the expert's form
    of the logistic function's derivative."""
    assert to_text(simplify(parse(text).node)) == text


@pytest.mark.parametrize("expr, wrt, want", [
    ("-y'*log(sigmoid(X*w)) - (1 - y)'*log(1 - sigmoid(X*w))", "w", "X'*(sigmoid(X*w) - y)"),
    ("sum(log(1 + exp(-y.*(X*w))))", "w", "-X'*(sigmoid(-(y.*(X*w))).*y)"),
    ("det(X)^2", "X", "2*det(X)^2*inv(X)'"),
    ("x/norm2(x)", "x", "eye/norm2(x) - x*x'/norm2(x)^3"),
    ("x'*y/(norm2(x)*norm2(y))", "x", "(y/norm2(x) - x'*y*x/norm2(x)^3)/norm2(y)"),
])
def test_gradients_in_the_experts_form(expr, wrt, want):
    """The expert's form, up to the order of the factors of an element-wise product."""
    assert str(md.derivative(expr, wrt=wrt)) == want


@st.composite
def expressions(draw):
    """A random well-shaped expression, as matdiff reads it (unsimplified), and its text."""
    term = draw(gen.terms(draw(st.sampled_from(SHAPES)), 3, root=True))
    text = gen.render(term)
    declared = {v: gen.VARIABLES[v] for v in gen.variables_of(term)}
    return md.parse(text, declared).node, text


def _values(node, variables, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    arrays = {name: rng.uniform(-1.0, 1.0, size=gen.numeric_shape(gen.VARIABLES[name]))
              for name in variables}
    with np.errstate(all="ignore"):
        return evaluate(node, variables, arrays)


@settings(max_examples=120)
@given(case=expressions(), seed=st.integers(0, 2 ** 32 - 1))
def test_simplification_keeps_values(case, seed):
    node, text = case
    simple = simplify(node)
    note(f"{text}\nsimplified: {to_text(simple)}")
    variables = {n.attrs[0]: n for n in node.walk() if n.op.name == "VAR"}
    want = _values(node, variables, seed)
    assume(np.all(np.isfinite(want)) and np.max(np.abs(want), initial=0) < 1e6)
    got = _values(simple, variables, seed)
    scale = 1.0 + np.max(np.abs(want), initial=0)
    np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-9 * scale)


@settings(max_examples=120)
@given(case=expressions())
def test_simplification_is_idempotent(case):
    node, text = case
    once = simplify(node)
    note(f"{text}\nsimplified: {to_text(once)}")
    assert simplify(once) is once
