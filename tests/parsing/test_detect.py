"""ASCII or LaTeX: the choice made by a flag on the ASCII parser's error, not by its wording.

Two operands side by side with no operator (``2x``, ``D W``, ``tr(D W)``) are the one ASCII
failure flagged ``implicit_product``; the entry point then reads the text as LaTeX without a
backslash.  Any other ASCII error is the answer as it is.
"""

from __future__ import annotations

import pytest

import matdiff as md
from matdiff.errors import ParseError
from matdiff.parsing.ascii import parse_ascii


@pytest.mark.parametrize("text", ["2x", "D W", "tr(D W)", "2 (a + b)", "A B'"])
def test_operands_side_by_side_are_flagged(text):
    with pytest.raises(ParseError) as caught:
        parse_ascii(text)
    assert caught.value.implicit_product


@pytest.mark.parametrize("text", ["x +", "(a + b", "A ** 2", "2 * * x", "+", "trace(A)"])
def test_other_ascii_errors_are_not_flagged(text):
    with pytest.raises(ParseError) as caught:
        parse_ascii(text)
    assert not caught.value.implicit_product


def test_the_flag_survives_quoting_the_text_again():
    error = ParseError("no operator", marks=((1, 2),), implicit_product=True)
    quoted = error.with_text("2x")
    assert quoted.implicit_product and quoted.text == "2x" and quoted.marks == ((1, 2),)


def test_a_flagged_text_is_read_as_latex_and_the_products_noted():
    e = md.parse("D W", {"D": ("m", "n"), "W": ("n", "p")})
    assert str(e) == "D*W"
    assert any(choice.topic == "notation" for choice in e.reading)


def test_an_unflagged_error_is_the_answer_as_it_is():
    with pytest.raises(md.ParseError, match="ends too soon"):
        md.parse("x +")
