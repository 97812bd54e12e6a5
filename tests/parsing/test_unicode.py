"""Unicode as pasted (SPEC §3): read as the languages' own spelling, noted in the reading, and
every caret and every span in the text as given.

The property: the LaTeX printer's output of a random expression, with its signs, transposes,
norms, products, small powers and Greek names written in Unicode, parses back to the same IR.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, strategies as st

import matdiff as md
from matdiff.parsing import parse
from matdiff.parsing.unicode import rewrite_pasted
from matdiff.printing.latex import to_latex
from strategies import VARIABLES, render, terms


@pytest.mark.parametrize("text, twin", [
    ("x − y", "x - y"),
    ("x – y — z", "x - y - z"),
    ("½‖x‖²", "1/2*norm2(x)^2"),
    ("⅓a + ¼b + ¾c", "1/3*a + 1/4*b + 3/4*c"),
    ("‖x‖₂", "norm2(x)"),
    ("‖A‖_F^2", "norm2(A)^2"),
    ("Aᵀ", "A'"),
    ("xᵀAx", "x'*A*x"),
    ("A⁻¹", "inv(A)"),
    ("A⁻ᵀ", "inv(A)'"),
    ("x²", "x^2"),
    ("A ⊙ B", "A .* B"),
    ("A ∘ B", "A .* B"),
    ("A⊗B", "kron(A, B)"),
    ("a · b × c", "a*b*c"),
    ("x ⁄ 2 + y ÷ 3", "x/2 + y/3"),
    ("(x − μ)ᵀ Σ⁻¹ (x − μ)", "(x - mu)'*inv(Sigma)*(x - mu)"),
    ("y − Xβ", "y - X*beta"),
    ("λ‖w‖²", "lambda*norm2(w)^2"),
    ("𝐱ᵀ𝐀𝐱", "x'*A*x"),
    ("x\u00a0+\u2009y\u202f+\u200bz", "x + y + z"),
    ("x′Ax", "x'*A*x"),
    ("√(x'x)", "sqrt(x'*x)"),
    ("σ(Wx + b)", "sigmoid(W*x + b)"),
])
def test_pasted_unicode_reads_as_its_twin(text, twin):
    assert parse(text).node is parse(twin).node


@pytest.mark.parametrize("text, wrt, want", [
    ("∇_W ½‖DW − X‖²", None, "D'*(D*W - X)"),
    ("∂/∂W tr(WᵀA)", "W", None),
    ("tr(AᵀB)", "A", "B"),
])
def test_pasted_derivatives(text, wrt, want):
    if want is None:  # \partial/\partial is not a form of the language: a parse error
        with pytest.raises(md.ParseError):
            md.derivative(text, wrt=wrt)
        return
    assert str(md.derivative(text, wrt=wrt)) == want


def test_each_kind_of_replacement_is_noted_once_at_its_first_place():
    reading = md.parse("(x − μ)ᵀ Σ⁻¹ (x − μ)").reading
    pasted = [(c.subject, c.meaning, c.span) for c in reading if c.topic == "unicode"]
    assert pasted == [
        ("−", "-", (3, 4)),
        ("μ", "\\mu", (5, 6)),
        ("ᵀ", "^{T}", (7, 8)),
        ("Σ", "\\Sigma", (9, 10)),
        ("⁻¹", "^{-1}", (10, 12)),
    ]
    assert all(c.why for c in reading)


def test_spans_of_names_and_notes_point_into_the_text_as_given():
    text = "∇_W tr(DWXᵀ)"
    typed = parse(text)
    assert typed.text == text
    assert {name: text[a:b] for name, (a, b) in typed.spans.items()} == \
        {"D": "D", "W": "W", "X": "X"}
    by_subject = {c.subject: c for c in typed.reading if c.topic == "notation"}
    assert by_subject["tr"].span == (4, 6)
    assert text[slice(*by_subject["DWXᵀ"].span)] == "DWXᵀ"


@pytest.mark.parametrize("text, bad", [
    ("x − ½ + #", "#"),
    ("‖x‖² + $$ y ? z", "?"),
    ("Σ⁻¹ + x**2", "**"),
    ("αβγ + \\foo", "\\foo"),
])
def test_error_carets_land_in_the_text_as_given(text, bad):
    with pytest.raises(md.ParseError) as caught:
        md.parse(text)
    error = caught.value
    assert error.text == text
    assert error.position == text.index(bad)
    quoted, carets = str(error).splitlines()[-2:]
    assert quoted == "  " + text
    assert carets.index("^") - 2 == text.index(bad)


def test_a_shape_error_after_replacement_quotes_the_text_as_given():
    text = "A⊙x + y²"
    with pytest.raises(md.MatdiffError) as caught:
        md.parse(text, {"A": ("m", "n"), "x": ("n",)})
    assert caught.value.text == text
    assert all(0 <= a < b <= len(text) for a, b in caught.value.marks)


def test_plain_ascii_is_not_rewritten():
    pasted = rewrite_pasted("x'*A*x - 2")
    assert not pasted.rewritten and pasted.notes == ()


# -- the property -----------------------------------------------------------------------------
GREEK_NAMES = {"a": "alpha", "b": "beta", "x": "mu"}
GREEK_VARS = {GREEK_NAMES.get(name, name): shape for name, shape in VARIABLES.items()}
_ASCII_NAME = re.compile(r"(?<![A-Za-z0-9_])([abx])(?![A-Za-z0-9_(])")

TO_UNICODE = [
    (re.compile(r"\^\\top|\^\{T\}"), "ᵀ"),
    (re.compile(r"\^\{-1\}"), "⁻¹"),
    (re.compile(r"\^\{?2\}?(?![0-9.])"), "²"),
    (re.compile(r"\\odot(?![A-Za-z])"), " ⊙ "),
    (re.compile(r"\\circ(?![A-Za-z])"), "∘"),
    (re.compile(r"\\otimes(?![A-Za-z])"), "⊗"),
    (re.compile(r"\\oslash(?![A-Za-z])"), "⊘"),
    (re.compile(r"\\cdot(?![A-Za-z])"), "·"),
    (re.compile(r"\\\|"), "‖"),
    (re.compile(r"\\alpha(?![A-Za-z])"), "α"),
    (re.compile(r"\\beta(?![A-Za-z])"), "β"),
    (re.compile(r"\\mu(?![A-Za-z])"), "μ"),
    (re.compile(r"\\,"), "\u2009"),
    (re.compile(r"-"), "−"),
]


def in_unicode(latex: str) -> str:
    for pattern, replacement in TO_UNICODE:
        latex = pattern.sub(replacement, latex)
    return latex


@st.composite
def greek_expressions(draw):
    shape = draw(st.sampled_from([(), ("n",), ("n", "m"), ("m", "m")]))
    text = render(draw(terms(shape, 3, root=True)))
    return _ASCII_NAME.sub(lambda m: GREEK_NAMES[m.group(1)], text)


@given(greek_expressions())
def test_printed_latex_in_unicode_parses_back_to_itself(text):
    node = parse(text, GREEK_VARS).node
    pasted = "$" + in_unicode(to_latex(node)) + "$\\,"  # \, : read as LaTeX, as printed
    assert parse(pasted, GREEK_VARS).node is node, pasted
