"""LaTeX input as it appears on math pages reads as its ASCII twin: the same interned IR node.

Each row is a formula typeset the way papers, lecture notes and the Matrix Cookbook write it
(spacing, ``\\left``/``\\right``, braces and transpose styles vary on purpose), the ASCII text
a user of the ASCII language would type for it, and the declarations both are read with.
"""

from __future__ import annotations

import logging

import pytest
from hypothesis import given, strategies as st

from matdiff.errors import MatdiffError, ParseError
from matdiff.parsing import is_latex, parse
from matdiff.parsing.latex import _grammar, parse_latex
from matdiff.shapes import infer

VEC = "vector"
MAT = "matrix"


def latex_node(text: str, vars: dict | None = None):
    """The IR of ``text`` read as LaTeX (through ``parse`` whenever it is detected as LaTeX)."""
    vars = vars or {}
    if is_latex(text):
        return parse(text, vars).node
    syn, _ = parse_latex(text, set(vars))
    return infer(syn, text, vars).node


TWINS = [
    # the brief's examples
    (r"\frac{1}{2}\|DW-X\|_F^2", "1/2*norm2(D*W - X)^2", {}),
    (r"\frac{1}{2} \big \| X A^T \big \|_F^2", "1/2*norm2(X*A')^2", {}),
    (r"\text{Tr}(X A^T A X^T)", "tr(X*A'*A*X')", {}),
    # quadratic forms and transposes in every style
    (r"x^TAx", "x'*A*x", {}),
    (r"x^\top A x", "x'*A*x", {}),
    (r"\mathbf{x}^{\top}\mathbf{A}\mathbf{x}", "x'*A*x", {}),
    (r"x^{\mathsf T} A x", "x'*A*x", {}),
    (r"x^{\mathsf{T}}Ax", "x'*A*x", {}),
    (r"x^{T} A\, x", "x'*A*x", {}),
    (r"x^\intercal A x", "x'*A*x", {}),
    (r"x' A x", "x'*A*x", {}),
    (r"\frac{1}{2} x^T A x + b^T x", "1/2*x'*A*x + b'*x", {"b": VEC}),
    (r"(x-\mu)^T\Sigma^{-1}(x-\mu)", "(x - mu)'*inv(Sigma)*(x - mu)", {"mu": VEC}),
    (r"\mathbf{w}^T\mathbf{x} + b", "w'*x + b", {}),
    # traces, determinants, logs
    (r"\operatorname{tr}(A^\top B)", "tr(A'*B)", {}),
    (r"\mathrm{tr}(X^{-1}A)", "tr(inv(X)*A)", {}),
    (r"\operatorname{Tr}\left( A X B \right)", "tr(A*X*B)", {}),
    (r"\operatorname{tr} AB", "tr(A*B)", {}),
    (r"\tr(X^T X)", "tr(X'*X)", {}),
    (r"\frac{1}{2}\operatorname{tr}(X^T X)", "1/2*tr(X'*X)", {}),
    (r"\log\det(X)", "logdet(X)", {}),
    (r"\log \det X", "logdet(X)", {}),
    (r"-\log\det X + \operatorname{tr}(SX)", "-logdet(X) + tr(S*X)", {}),
    (r"\det(X)", "det(X)", {}),
    (r"\det X^{-1}", "det(inv(X))", {}),
    (r"\sqrt{\det X}", "sqrt(det(X))", {}),
    (r"\operatorname{logdet}(X)", "logdet(X)", {}),
    # norms
    (r"\|x\|_2^2", "norm2(x)^2", {}),
    (r"\|x\|^2_2", "norm2(x)^2", {}),
    (r"\lVert x \rVert^2", "norm2(x)^2", {}),
    (r"\left\| A X - B \right\|_F^2", "norm2(A*X - B)^2", {}),
    (r"\|A\|_{F}^{2}", "norm2(A)^2", {}),
    (r"\|A\|_{\text{F}}^2", "norm2(A)^2", {}),
    (r"\bigl\| XW \bigr\|^2_F", "norm2(X*W)^2", {}),
    (r"\lambda \|w\|_1", "lambda*norm1(w)", {}),
    (r"\|\mathbf{y} - \mathbf{X}\boldsymbol{\beta}\|_2^2", "norm2(y - X*beta)^2", {"beta": VEC}),
    (r"\|x\|", "norm2(x)", {}),
    (r"\left| a \right|", "abs(a)", {}),
    (r"\lvert x \rvert", "abs(x)", {}),
    # element-wise functions, with and without parentheses
    (r"\log x", "log(x)", {}),
    (r"\exp(x)^T y", "exp(x)'*y", {}),
    (r"\tanh(Wx + b)", "tanh(W*x + b)", {}),
    (r"\frac{1}{1 + e^{-a}}", "1/(1 + exp(-a))", {}),
    (r"\sin a \cos b", "sin(a)*cos(b)", {}),
    (r"\log(1+\exp(-b\,w^T x))", "log(1 + exp(-b*w'*x))", {}),
    (r"\operatorname{sigmoid}(W_1 x)", "sigmoid(W_1*x)", {}),
    (r"\mathrm{ReLU}(Wx)", "relu(W*x)", {}),
    (r"\operatorname{softmax}(Wx)", "softmax(W*x)", {}),
    (r"\sqrt{x^T x}", "sqrt(x'*x)", {}),
    (r"\exp(-x^T x)", "exp(-x'*x)", {}),
    # products of every kind
    (r"a \cdot b", "a*b", {}),
    (r"a \times b", "a*b", {}),
    (r"A \circ B", "A .* B", {}),
    (r"A \odot B", "A .* B", {}),
    (r"A \otimes B", "kron(A, B)", {}),
    (r"x \otimes y", "kron(x, y)", {}),
    (r"A \oslash B", "A ./ B", {}),
    (r"A^{\circ 2}", "A.^2", {}),
    (r"\langle A, XB \rangle", "sum(A .* (X*B))", {}),
    (r"\mathbf{A} : \mathbf{B}", "sum(A .* B)", {}),
    (r"A \cdot B C", "A*(B*C)", {}),
    (r"A \odot BC", "A .* (B*C)", {}),
    (r"x / 2y", "x/(2*y)", {"y": "scalar"}),
    (r"-2x", "-2*x", {}),
    (r"-(2x)", "-(2*x)", {}),
    (r"-\mathbf{A}\mathbf{B}", "-A*B", {}),
    (r"(a + b) + c^{2}", "(a + b) + c^2", {}),
    (r"a + b - c^{2}", "a + b - c^2", {}),
    (r"2\mathbf{A}x", "2*A*x", {}),
    (r"\mathbf{A}(\mathbf{B}+\mathbf{C})", "A*(B + C)", {}),
    # fractions
    (r"\frac{x^T A x}{x^T x}", "(x'*A*x)/(x'*x)", {}),
    (r"\frac{A}{2}", "A/2", {}),
    (r"\tfrac12 \|x\|^2", "1/2*norm2(x)^2", {}),
    (r"\dfrac{a}{b}", "a/b", {}),
    # inverses and powers
    (r"X^{-1}", "inv(X)", {}),
    (r"X^{-T}", "inv(X)'", {}),
    (r"(A+B)^{-1}", "inv(A + B)", {}),
    (r"(\mathbf{I} + A)^{-1}", "inv(eye + A)", {}),
    (r"\mathbf{A}^2", "A^2", {}),
    (r"a^2 + b^{2}", "a^2 + b^2", {}),
    (r"\Sigma^{-1}", "inv(Sigma)", {}),
    # brackets and sizing
    (r"\Big( A + B \Big)^T", "(A + B)'", {}),
    (r"\left[ A B \right]^T", "(A*B)'", {}),
    (r"\operatorname{tr}(A)B", "tr(A)*B", {}),
    # other functions
    (r"\operatorname{diag}(x)", "diag(x)", {}),
    (r"\operatorname{vec}(X)^T \operatorname{vec}(Y)", "vec(X)'*vec(Y)", {}),
    (r"\text{vec}(X)", "vec(X)", {}),
    (r"\operatorname{sum}(X)", "sum(X)", {}),
    (r"\sum x", "sum(x)", {}),
    (r"\mathbf{1}^T x", "vector(1)'*x", {}),
    (r"\operatorname{kron}(A, B)", "kron(A, B)", {}),
    # names: Greek, fonts, subscripts, declared multi-letter names
    (r"\alpha x + \beta y", "alpha*x + beta*y", {}),
    (r"\mathbf{x}_i^T \mathbf{w}", "x_i'*w", {}),
    (r"W_1^TW_2", "W_1'*W_2", {}),
    (r"W_{2} \mathbf{W}_1 x", "W_2*W_1*x", {}),
    (r"\boldsymbol\theta^T x", "theta'*x", {"theta": VEC}),
    (r"\mathrm{W\_out}\, x", "W_out*x", {}),
    (r"\|Wout\, x\|^2", "norm2(Wout*x)^2", {"Wout": MAT}),
    (r"\|AWx\|^2", "norm2(AW*x)^2", {"AW": MAT}),
    (r"\beta_{\text{new}}^2", "beta_new^2", {}),
    (r"\bm{x}^\top \bm{y}", "x'*y", {"y": VEC}),
    (r"\mathit{Wout}\, x + \mathit{ln}", "Wout*x + ln", {}),
    (r"\tan a + \arcsin(b) \cdot \arccos c - \arctan a", "tan(a) + arcsin(b)*arccos(c) - arctan(a)",
     {}),
    (r"\biggl( a + b \biggr) \Bigg[ c \Bigg]", "(a + b)*(c)", {}),
    # definitions and punctuation around the formula
    (r"f(X) = \operatorname{tr}(X^T A X)", "tr(X'*A*X)", {}),
    (r"L(\mathbf{w}) := \tfrac{1}{2}\|X\mathbf{w} - y\|^2.", "1/2*norm2(X*w - y)^2", {}),
    (r"$x^\top y$", "x'*y", {}),
]


@pytest.mark.parametrize("text, twin, vars", TWINS, ids=[t for t, _, _ in TWINS])
def test_latex_reads_as_its_ascii_twin(text, twin, vars):
    assert latex_node(text, vars) is parse(twin, vars).node


def test_enough_twins():
    assert len(TWINS) >= 50


def test_brief_examples():
    assert parse(r"\frac{1}{2}\|DW-X\|_F^2").node is parse("1/2*norm2(D*W - X)^2").node
    typed = parse(r"\nabla_A \operatorname{tr}(AB)")
    assert typed.node is parse("tr(A*B)").node and typed.wrt == "A"
    assert parse(r"\frac{1}{2} \big \| X A^T \big \|_F^2").node \
        is parse("1/2*norm2(X*A')^2").node
    assert parse(r"\text{Tr}(X A^T A X^T)").node is parse("tr(X*A'*A*X')").node


PREFIXES = [
    (r"\nabla_W \frac{1}{2}\|DW - X\|_F^2", "1/2*norm2(D*W - X)^2", "W", {}),
    (r"\nabla_{W} \operatorname{tr}(W^T A)", "tr(W'*A)", "W", {}),
    (r"\nabla_{\mathbf{w}} \|X\mathbf{w} - y\|^2", "norm2(X*w - y)^2", "w", {}),
    (r"\nabla_\theta \|\theta\|^2", "norm2(theta)^2", "theta", {"theta": VEC}),
    (r"\frac{\partial}{\partial W} \log\det W", "logdet(W)", "W", {}),
    (r"\frac{\partial}{\partial \mathbf{x}} \mathbf{x}^T A \mathbf{x}", "x'*A*x", "x", {}),
    (r"\frac{\partial}{\partial X}\left( \operatorname{Tr}(AXB) \right)", "tr(A*X*B)", "X", {}),
    (r"\frac{d}{dx} x^T x", "x'*x", "x", {}),
    (r"\frac{\mathrm{d}}{\mathrm{d}x} x^T x", "x'*x", "x", {}),
    (r"\frac{\partial \mathbf{x}^T\mathbf{a}}{\partial \mathbf{x}}", "x'*a", "x", {"a": VEC}),
    (r"\frac{\partial f}{\partial W}", "f", "W", {}),
    (r"\nabla_{W_1} \|W_1 x\|^2", "norm2(W_1*x)^2", "W_1", {}),
    (r"\nabla_{Wout} \|Wout\|_F^2", "norm2(Wout)^2", "Wout", {}),
    (r"f(W) = \nabla_W \operatorname{tr}(W)", "tr(W)", "W", {}),
]


@pytest.mark.parametrize("text, twin, wrt, vars", PREFIXES, ids=[p[0] for p in PREFIXES])
def test_leading_derivative_names_the_variable(text, twin, wrt, vars):
    typed = parse(text, vars)
    assert typed.wrt == wrt
    assert typed.node is parse(twin, vars).node


def test_no_prefix_gives_no_variable():
    assert parse_latex(r"\frac{1}{2}\|x\|^2", set())[1] is None
    assert parse(r"\frac{1}{2}\|x\|^2").wrt is None


def test_letters_split_unless_declared():
    assert latex_node(r"\|XW\|^2") is parse("norm2(X*W)^2").node
    assert latex_node(r"\|XW\|^2", {"XW": MAT}) is parse("norm2(XW)^2", {"XW": MAT}).node
    assert latex_node(r"\|XWY\|^2", {"XW": MAT, "X": MAT}) \
        is parse("norm2(XW*Y)^2", {"XW": MAT, "X": MAT}).node


def test_identity_and_euler_e_yield_to_declarations():
    assert latex_node(r"\operatorname{tr}(I)") is parse("tr(eye)").node
    assert latex_node(r"\operatorname{tr}(I)", {"I": MAT}) is parse("tr(I)", {"I": MAT}).node
    assert latex_node(r"e^{2}", {"e": "scalar"}) is parse("e^2", {"e": "scalar"}).node
    assert latex_node(r"A + I_{3}") is parse("A + eye(3)").node


def test_sigma_before_parentheses_is_the_sigmoid_unless_declared():
    assert latex_node(r"\sigma(Wx)") is parse("sigmoid(W*x)").node
    assert latex_node(r"\sigma\left(Wx\right)") is parse("sigmoid(W*x)").node
    declared = {"sigma": "scalar"}
    assert latex_node(r"\sigma(Wx)", declared) is parse("sigma*(W*x)", declared).node
    assert latex_node(r"\sigma x") is parse("sigma*x").node


ERRORS = [
    # text, message fragment, the first mark
    (r"\foo x", r"\foo is not a known command", (0, 4)),
    (r"x^\foo", r"\foo is not a known command", (2, 6)),
    (r"\hat{x}", r"\hat is not a known command", (0, 4)),
    (r"\operatorname{foo}(x)", "foo is not a known function", (0, 18)),
    (r"\partial x", r"\partial cannot stand here", (0, 8)),
    (r"\left( A + B", "'(' is never closed", (5, 6)),
    (r"\left( A + B )", r"\left: it is never closed", (0, 5)),
    (r"\frac{1}{2", "'{' is never closed", (8, 9)),
    (r"\frac{1}{2}}", "'}' closes nothing", (11, 12)),
    (r"\|x", "ends too soon", (3, 4)),
    (r"\langle A, B", r"expected '\rangle'", (12, 13)),
    (r"A + * B\,", "unexpected '*'", (4, 5)),
    (r"\frac{1}", "expected an operand", (8, 9)),
    (r"\|x\|_3", "unknown norm subscript '3'", (5, 7)),
    (r"\sum_i x_i", "unexpected '_'", (4, 5)),
    (r"\sqrt[3]{x}", "unexpected '['", (5, 6)),
    (r"\operatorname{foo}(A)", "foo is not a known function", (0, 18)),
    (r"\operatorname{trace2}(A)", "did you mean tr?", (0, 21)),
    (r"x == y\,", "unexpected '='", (3, 4)),
    (r"\exp\{x\}", r"\{ is not a known command", (4, 6)),
    ("  \\, ", "ends too soon", (5, 6)),
    ("", "empty", (0, 1)),
]


@pytest.mark.parametrize("text, fragment, mark", ERRORS, ids=[e[0] or "empty" for e in ERRORS])
def test_errors_point_at_the_culprit(text, fragment, mark):
    with pytest.raises(ParseError) as caught:
        parse_latex(text, set())
    error = caught.value
    assert fragment in error.message
    assert error.marks[0] == mark
    assert error.position == mark[0]
    assert error.text == text
    caret_line = str(error).splitlines()[-1]
    assert caret_line.index("^") - 2 == min(mark[0], len(text))


def test_error_through_parse_quotes_the_input():
    with pytest.raises(ParseError) as caught:
        parse(r"\frac{1}{2}\|x\|_F^2 + \badmacro")
    assert r"\badmacro is not a known command" in str(caught.value)
    assert str(caught.value).splitlines()[-1].strip() == "^" * len(r"\badmacro")


_PIECES = st.sampled_from([
    "x", "A", "2", r"\frac", "{", "}", "(", ")", "[", "]", "^", "_", "T", r"\top", "'", "+",
    "-", r"\cdot", r"\|", "|", r"\left(", r"\right)", r"\operatorname{tr}", r"\log", r"\det",
    r"\alpha", r"\mathbf{x}", r"\nabla", r"\partial", r"\langle", r"\rangle", ",", " ", ":",
    r"\foo", r"\,", "=", r"\sqrt", "e", "I", "1", ".", r"\big", r"\circ", "-1", "{-T}",
])


@given(st.lists(_PIECES, max_size=14).map("".join))
def test_only_parse_errors_escape(text):
    try:
        parse_latex(text, {"AB"})
    except MatdiffError as e:
        assert isinstance(e, ParseError)
        assert e.marks and e.text == text


def test_grammar_is_lalr_without_conflicts(caplog):
    from lark import Lark, logger

    logger.setLevel(logging.DEBUG)
    try:
        with caplog.at_level(logging.DEBUG, logger="lark"):
            Lark(_grammar(), parser="lalr", maybe_placeholders=False, debug=True)
    finally:
        logger.setLevel(logging.WARNING)
    assert not [r for r in caplog.records if "conflict" in r.getMessage().lower()]
