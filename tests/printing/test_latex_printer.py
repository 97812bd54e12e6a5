"""The LaTeX printer: golden outputs, and every printed expression parses back to itself.

The round trip runs on random expressions of the whole language (``strategies.py``): parsed
from ASCII, printed as LaTeX, parsed as LaTeX, the IR node is the same object.  Names of every
shape (Greek, subscripted, multi-letter, ``I`` and ``e``) come back whole whatever is declared.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given, strategies as st

import matdiff as md
from matdiff.errors import UnsupportedError
from matdiff.ir import Op, build
from matdiff.parsing import parse
from matdiff.parsing.latex import parse_latex
from matdiff.ir.vocabulary import CALLS
from matdiff.printing.latex import latex_name, latex_number, to_latex
from matdiff.rewriting import simplify
from matdiff.shapes import infer
from strategies import VARIABLES, render, terms

SHAPES = [(), ("n",), ("n", "m"), ("m", "m"), (1, "p")]


def read_latex(text: str, vars: dict):
    """The IR of LaTeX ``text`` (read as LaTeX even without a backslash in it)."""
    syn, _ = parse_latex(text, set(vars))
    return infer(syn, text, vars).node


@st.composite
def expressions(draw):
    shape = draw(st.sampled_from(SHAPES))
    return render(draw(terms(shape, 3, root=True)))


@given(expressions())
def test_printed_latex_parses_back_to_itself(text):
    node = parse(text, VARIABLES).node
    printed = to_latex(node)
    assert read_latex(printed, VARIABLES) is node, printed


@given(expressions())
def test_simplified_latex_parses_back_to_itself(text):
    node = simplify(parse(text, VARIABLES).node)
    # A constant row (FILL of shape 1×p) has no written form in either language: the sizes
    # of matrix(c) are fresh, and fresh sizes never unify with 1.
    assume(not any(n.op is Op.FILL and 1 in n.shape for n in node.walk()))
    printed = to_latex(node)
    again = read_latex(printed, VARIABLES)
    if any(n.op in (Op.FILL, Op.EYE) for n in node.walk()):
        assert to_latex(again) == printed  # a constant array's sizes may be free in isolation
    else:
        assert again is node, printed


NAMES = ["x", "A", "W_1", "x_i", "W_out", "Wout", "Wout_1", "x2", "x_1_2", "lambda",
         "lambda_1", "alpha_beta", "Sigma", "I", "I_1", "e", "T", "ln", "Tr", "d", "ell"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("template", ["{0}", "{0}^2 + {0}", "2*{0}*{0}", "exp({0}^(-{0}))"])
def test_names_come_back_whole(name, template):
    vars = {name: "scalar"}
    node = parse(template.format(name), vars).node
    printed = to_latex(node)
    assert read_latex(printed, vars) is node
    assert _names(parse_latex(printed, set())[0]) == {name}  # whole, even undeclared


def _names(syn) -> set[str]:
    own = {syn.value} if syn.kind == "name" else set()
    return own.union(*(_names(a) for a in syn.args))


@pytest.mark.parametrize("text, want", [
    ("0.5*norm2(D*W - X)^2", r"0.5 \|D W - X\|_F^{2}"),
    ("1/2*norm2(D*W - X)^2", r"\frac{1}{2} \|D W - X\|_F^{2}"),
    ("D'*(D*W - X)", r"D^\top (D W - X)"),
    ("x'*A*x", r"x^\top A x"),
    ("(A + A')*x", r"(A + A^\top) x"),
    ("inv(X)'", r"X^{-\top}"),
    ("det(X)*inv(X)'", r"\det(X) X^{-\top}"),
    ("logdet(X) + tr(inv(X)*S)", r"\log\det(X) + \operatorname{tr}(X^{-1} S)"),
    ("A.*B - C", r"A \odot B - C"),
    ("kron(A, B)'", r"(A \otimes B)^\top"),
    ("kron(x, y)*a", r"a (x \otimes y)"),
    ("x./(1 + exp(x))", r"x \oslash (1 + \exp(x))"),
    ("exp(x).^2", r"\exp(x)^{\circ 2}"),
    ("a^-2 + sqrt(a)/b", r"a^{-2} + \frac{\sqrt{a}}{b}"),
    ("lambda*norm1(w) + norm2(x)", r"\lambda \|w\|_1 + \|x\|_2"),
    ("diag(diag(A)) - eye", r"\operatorname{diag}(\operatorname{diag}(A)) - I"),
    ("vec(X)'*vec(Y)", r"\operatorname{vec}(X)^\top \operatorname{vec}(Y)"),
    ("-A*B", r"-A B"),
    ("(-A)*B", r"(-A) B"),
    ("-2*x + (a + b) + c", r"-2 x + (a + b) + c"),
    ("W_1*x + Wout*y + ln", r"W_{1} x + \mathit{Wout} y + \mathit{ln}"),
    ("vector(1)'*x", r"\mathbf{1}^\top x"),
    ("sigmoid(a)*abs(b)", r"\operatorname{sigmoid}(a) \lvert b \rvert"),
    ("abs(abs(x) + x)", r"\lvert \lvert x \rvert + x \rvert"),
    ("B - 2*A", r"B - 2 A"),
    ("B - (2*A)", r"B - (2 A)"),
])
def test_golden_latex(text, want):
    assert to_latex(parse(text, {"w": "vector", "y": "vector"}).node) == want


@pytest.mark.parametrize("expr, wrt, want", [
    ("0.5*norm2(D*W - X)^2", "W", r"D^\top (D W - X)"),
    ("tr(A*B)", "A", r"B^\top"),
    ("det(X)", "X", r"\det(X) X^{-\top}"),
    ("logdet(X)", "X", r"X^{-\top}"),
])
def test_derivatives_print_their_textbook_forms(expr, wrt, want):
    d = md.derivative(expr, wrt=wrt)
    assert to_latex(d.node) == want
    vars = {name: v.shape for name, v in d.variables_nodes.items()}
    assert read_latex(want, vars) is d.node


def test_frobenius_product_prints_with_a_colon_and_parses_back():
    node = parse("sum(A.*(D*W))").node
    assert to_latex(node, frobenius=True) == "A : D W"
    assert read_latex("A : D W", {}) is node


def test_numbers_print_without_exponents():
    assert latex_number(1e-5) == "0.00001"
    assert latex_number(2.0) == "2"
    assert latex_number(0.1 + 0.2) == "0.30000000000000004"
    assert latex_name("lambda_2") == r"\lambda_{2}"
    assert latex_name("x_1_2") == r"\mathit{x\_1\_2}"
    assert latex_name("I") == r"\mathit{I}"


def test_index_form_tensors_have_no_latex_form():
    a = build.var("A", ("n", "n"))
    with pytest.raises(UnsupportedError, match="index-form"):
        to_latex(build.einsum(("ij",), "ji", (a,)))
    with pytest.raises(UnsupportedError):
        to_latex(build.fuse("m", "n"))


@pytest.mark.parametrize("op", list(Op), ids=[op.name for op in Op])
def test_every_op_has_a_latex_rule(op):
    from matdiff.printing import latex

    assert hasattr(latex._Printer, "p_" + op.name.lower()) or op in CALLS


def test_a_name_sigma_before_parentheses_prints_as_a_name():
    for text in ("sigma*(a + b)", "a*sigma*(a + b)"):
        node = parse(text).node
        printed = to_latex(node)
        assert "{\\sigma} (a + b)" in printed
        assert parse(printed).node is node  # not the sigmoid, even undeclared
