"""The text printer: golden outputs, and every printed expression parses back to itself.

The round trip is checked on random expressions of the whole language (the strategy of
``strategies.py``): parsed, printed, parsed again, the IR node is the same object (nodes are
interned, so this is structural equality); and the simplified form prints to text that parses
back to the simplified node (to the same text, where a constant array's sizes are free).
"""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

import matdiff as md
from matdiff.ir import Op
from matdiff.parsing import parse
from matdiff.printing.text import to_text
from matdiff.rewriting import simplify
from strategies import VARIABLES, render, terms

SHAPES = [(), ("n",), ("n", "m"), ("m", "m"), (1, "p")]


@st.composite
def expressions(draw):
    shape = draw(st.sampled_from(SHAPES))
    return render(draw(terms(shape, 3, root=True)))


@given(expressions())
def test_printed_expression_parses_back_to_itself(text):
    node = parse(text, VARIABLES).node
    printed = to_text(node)
    assert parse(printed, VARIABLES).node is node, printed


@given(expressions())
def test_simplified_expression_parses_back_to_itself(text):
    node = simplify(parse(text, VARIABLES).node)
    printed = to_text(node)
    again = parse(printed, VARIABLES).node
    if any(n.op is Op.FILL for n in node.walk()):
        assert to_text(again) == printed  # a constant array's sizes may be free in isolation
    else:
        assert again is node, printed


@pytest.mark.parametrize("text, want", [
    ("0.5*norm2(D*W - X)^2", "0.5*norm2(D*W - X)^2"),
    ("||A*x - b||_2^2", "norm2(A*x - b)^2"),
    ("A.T @ B", "A'*B"),
    ("(A*B)'", "(A*B)'"),
    ("2*X*B", "2*X*B"),
    ("(2*X)*B", "(2*X)*B"),
    ("-A*B", "-A*B"),
    ("(-A)*B", "(-A)*B"),
    ("a - (b - c)", "a - (b - c)"),
    ("(a + b) + c", "(a + b) + c"),
    ("x.^2 + exp(-x)", "x.^2 + exp(-x)"),
    ("A^-1 + A^2", "inv(A) + A^2"),
    ("a^-2", "a^-2"),
    ("kron(A, B)'", "kron(A, B)'"),
    ("1e-3*x", "0.001*x"),
    ("x./(1 + exp(x))", "x./(1 + exp(x))"),
    ("diag(diag(A)) - eye", "diag(diag(A)) - eye"),
    ("-(-(A*B))", "-(-A*B)"),
    ("exp(0.5)^(-x'*x)", "exp(0.5)^(-x'*x)"),
    ("B - 2*A", "B - 2*A"),
    ("B - A*2", "B - 2*A"),
    ("B - (2*A)", "B - (2*A)"),
    ("B - -2*A", "B + 2*A"),
    ("a - (2)", "a - (2)"),
    ("-(-A)*B", "-((-A)*B)"),
])
def test_golden_text(text, want):
    assert to_text(parse(text).node) == want


@pytest.mark.parametrize("text", ["--a*x", "-(-(x*a))", "---a*b*x", "-(-a)*x", "--A*B*y"])
def test_signs_before_a_product_round_trip(text):
    """Every sign written before a product applies to the whole product, however many."""
    node = parse(text, VARIABLES).node
    assert parse(to_text(node), VARIABLES).node is node


@pytest.mark.parametrize("expr, wrt, want", [
    ("0.5*norm2(D*W - X)^2", "W", "D'*(D*W - X)"),
    ("0.5*norm2(D*W - X)^2", "D", "(D*W - X)*W'"),
    ("0.5*norm2(X*A')^2", "X", "X*A'*A"),
    ("tr(A*B)", "A", "B'"),
    ("det(X)", "X", "det(X)*inv(X)'"),
    ("x'*A*x", "x", "(A + A')*x"),
    ("logdet(X)", "X", "inv(X)'"),
    ("tr(X'*X)", "X", "2*X"),
])
def test_seed_questions_print_their_textbook_forms(expr, wrt, want):
    assert str(md.derivative(expr, wrt=wrt)) == want


def test_the_elementwise_form_of_a_gradient():
    d = md.derivative("0.5*norm2(X*A')^2", wrt="X")
    assert d.elementwise == "∂f/∂X_ij = (X*A'*A)_ij"
    assert md.derivative("A*x", wrt="x").elementwise == "∂F_i/∂x_j = A_ij"
