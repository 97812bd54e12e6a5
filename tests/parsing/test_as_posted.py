"""Input as people post it (SPEC §3): functions in plain letters, ``\\mbox``/``\\rm``, sizing,
``\\sigma(...)``, ``A^{(-1)}``, implicit products inside function arguments, and a "did you
mean" with a caret for what the languages do not know.  Every reading the text does not spell
out is in the result's ``reading``.
"""

from __future__ import annotations

import pytest

import matdiff as md
from matdiff.parsing import parse


def notes(text: str, vars: dict | None = None, topic: str = "notation") -> list[tuple]:
    """``(subject, meaning, span)`` of each choice of ``topic`` in the reading of ``text``."""
    return [(c.subject, c.meaning, c.span) for c in md.parse(text, vars).reading
            if c.topic == topic]


# -- the derivatives their writers meant ------------------------------------------------------
@pytest.mark.parametrize("text, wrt, want", [
    (r"\nabla_Wtr(DWX^T)", None, "D'*X"),
    (r"\mbox{tr}(A B)", "A", "B'"),
    (r"\text{tr}(A B)", "A", "B'"),
    (r"\rm tr(A B)", "A", "B'"),
    (r"{\rm tr}(A B)", "A", "B'"),
    (r"\mathrm{tr}\left(A B\right)", "A", "B'"),
    (r"\nabla_A tr(AB)", None, "B'"),
    (r"\nabla_A tr\Big(A^TB\Big)", None, "B"),
    (r"\nabla_A tr\bigl(A^TB\bigr)", None, "B"),
    (r"\nabla_A tr\left(A^TB\right)", None, "B"),
    (r"\nabla_X \log det(X)", None, "inv(X)'"),
    ("tr(D W)", "W", "D'"),
    ("tr(D W)", "D", "W'"),
])
def test_posted_latex_gives_the_meant_derivative(text, wrt, want):
    assert str(md.derivative(text, wrt=wrt)) == want


@pytest.mark.parametrize("text, twin", [
    (r"\nabla_W tr(W^T A)", "tr(W'*A)"),
    (r"tr\Big(A^TB\Big)", "tr(A'*B)"),
    (r"\mbox{Tr}(XA)", "tr(X*A)"),
    (r"\sqrt{x^Tx} + exp(a)", "sqrt(x'*x) + exp(a)"),
    (r"\frac{1}{2}\|DW-X\|^2 + \lambda tr(W^TW)", "1/2*norm2(D*W - X)^2 + lambda*tr(W'*W)"),
    (r"\operatorname{tr}(A) + tr(B)", "tr(A) + tr(B)"),
    (r"\sigma(Wx + b)", "sigmoid(W*x + b)"),
    (r"\sigma\left(Wx + b\right)", "sigmoid(W*x + b)"),
    (r"\sigma x", "sigma*x"),
    (r"A^{(-1)}", "inv(A)"),
    (r"A^{(2)} + A^{-1}", "A^2 + inv(A)"),
    ("A^(-1)", "inv(A)"),
    ("A^(2)*x", "A^2*x"),
    ("x^(-2)", "x^-2"),
    (r"\left|X\right|", "det(X)"),
    (r"\lvert X \rvert", "det(X)"),
    (r"\vert X \vert", "det(X)"),
    (r"\left|a\right| + \vert b \vert", "abs(a) + abs(b)"),
    ("tr(D W)", "tr(D*W)"),
    ("D W", "D*W"),
    ("norm2(D W - X)", "norm2(D*W - X)"),
    ("exp(2 x)", "exp(2*x)"),
])
def test_posted_input_reads_as_its_twin(text, twin):
    assert parse(text).node is parse(twin).node


def test_a_declared_name_that_spells_a_function_stays_a_name():
    vars = {"ln": "scalar", "sigma": "scalar"}
    assert parse(r"\nabla_x ln(x^Tx)", vars).node is parse("ln*(x'*x)", vars).node
    assert parse(r"\sigma(a+b)", vars).node is parse("sigma*(a + b)", vars).node
    assert parse(r"\nabla_x ln x", vars).node is parse("ln*x", vars).node
    assert parse(r"\nabla_x ln(x^Tx)").node is parse("log(x'*x)").node


def test_a_function_word_inside_a_longer_run_is_letters():
    assert parse(r"\nabla_x xtr(y)").node is parse("x*t*r*(y)").node
    assert parse(r"\|DWX\|^2").node is parse("norm2(D*W*X)^2").node


# -- the reading says what was read -----------------------------------------------------------
def test_plain_function_and_split_letters_are_noted():
    assert notes(r"\nabla_Wtr(DWX^T)") == [
        ("tr", "the function tr(...)", (8, 10)),
        ("DWX^T", "D*W*X^T", (11, 16)),
    ]
    choice = md.parse(r"\nabla_Wtr(DWX^T)").reading[0]
    assert choice.why == "a function name in plain letters before its argument"
    assert "letters side by side" in md.parse(r"\nabla_Wtr(DWX^T)").reading[1].why


def test_sigmoid_is_noted_and_a_declared_sigma_is_not():
    (subject, meaning, span), = [n for n in notes(r"\sigma(Wx + b)") if "sigmoid" in n[1]]
    assert subject == r"\sigma" and span == (0, 6)
    assert not [n for n in notes(r"\sigma(a + b)", {"sigma": "scalar"}) if "sigmoid" in n[1]]


def test_implicit_products_are_noted_inside_and_outside_function_arguments():
    assert ("D W", "D*W", (3, 6)) in notes("tr(D W)")
    assert ("D W", "D*W", (0, 3)) in notes("D W")
    assert md.parse("tr(D*W)").reading == tuple(c for c in md.parse("tr(D*W)").reading
                                                 if c.topic == "kind")


def test_a_parenthesised_latex_exponent_is_noted():
    assert ("^{(-1)}", "the power -1", (1, 8)) in notes(r"A^{(-1)}")


def test_bars_are_quoted_whole_with_their_sizing():
    assert [s for s, _, _ in notes(r"\nabla_X \log\left|X\right|")] == [r"\left|X\right|"]
    assert [s for s, _, _ in notes(r"\nabla_x \bigl\lvert x \bigr\rvert")] == \
        [r"\bigl\lvert x \bigr\rvert"]


def test_clean_latex_has_no_notation_notes():
    assert notes(r"\operatorname{tr}(A^\top B)") == []
    assert notes(r"\mathrm{tr}(A B)") == []


# -- errors that teach ------------------------------------------------------------------------
@pytest.mark.parametrize("text, fragment, mark", [
    ("trace(A*B)", "trace is not a known function: did you mean tr?", (0, 5)),
    ("2*Trace(A)", "did you mean tr?", (2, 7)),
    ("norm(x)", "norm is not a known function: did you mean norm2?", (0, 4)),
    ("x'*inverse(A)*x", "did you mean inv?", (3, 10)),
    ("determinant(A)", "did you mean det?", (0, 11)),
    ("transpose(A)*B", "did you mean A'?", (0, 9)),
    ("transpose(A + B)*B", "did you mean (A + B)'?", (0, 9)),
    ("ln(x)", "did you mean log?", (0, 2)),
    ("logdett(X)", "did you mean logdet?", (0, 7)),
    ("A(B + C)", "write A*(...) for a product", (0, 1)),
    ("x**2", "** is not an operator here: did you mean ^?", (1, 3)),
    ("x.**2", "did you mean .^?", (1, 4)),
    ("A.'*x", "did you mean '?", (1, 3)),
])
def test_unknown_names_and_operators_get_a_suggestion(text, fragment, mark):
    with pytest.raises(md.ParseError) as caught:
        md.derivative(text, wrt="x")
    error = caught.value
    assert fragment in error.message
    assert error.marks[0] == mark
    lines = str(error).splitlines()
    assert lines[-2] == "  " + text
    assert lines[-1].index("^") - 2 == mark[0]


def test_an_unknown_name_far_from_every_function_gets_no_guess():
    with pytest.raises(md.ParseError) as caught:
        md.parse("frobnicate(x)")
    assert caught.value.message == "frobnicate is not a known function"


@pytest.mark.parametrize("text, wrt, want", [
    ("w^Tx", "w", "x"),
    ("a^Tx", "x", "a"),
    ("x^T*A*x", "x", "(A + A')*x"),
    ("|x|", "x", "diag(sign(x))"),
    ("log(|X|)", "X", "inv(X)'"),
], ids=["w^Tx", "a^Tx", "x^T*A*x", "bars of a vector", "bars of a matrix"])
def test_latex_marks_without_a_backslash(text, wrt, want):
    """``^T`` before a letter is TeX's transpose, single bars are |.|, in ASCII text too."""
    assert str(md.derivative(text, wrt=wrt)) == want


def test_a_declared_T_keeps_the_caret_a_power():
    d = md.derivative("a^T", wrt="a", vars={"T": ()})
    assert str(d) == "T*a^(T - 1)"
