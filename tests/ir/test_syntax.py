"""The syntax tree the parsers build before shapes are known, and the record of how the input
was read (:class:`~matdiff.ir.reading.Choice`).

A syntax node keeps what the text says and where: ``A*B'`` is a ``mul`` whose right operand is
a ``transpose``, each with its span in the text; parentheses stay as a ``group`` so that
``(a+b)+c`` is not the flat sum ``a+b+c``.  Every reading the text does not spell out (a
name's kind, ``|S|`` as a determinant, letters side by side as a product) is one choice, with
its span in the text as given.
"""

from __future__ import annotations

import pytest

from matdiff.ir.reading import Choice
from matdiff.ir.syntax import SYN_KINDS, Syn
from matdiff.parsing import parse, parse_ascii


def outline(syn: Syn) -> str:
    """A syntax tree as ``kind[value](args)``: names and numbers by value, spans left out."""
    if syn.kind in ("name", "number", "call"):
        head = f"{syn.kind}[{syn.value}]"
    else:
        head = syn.kind
    return head + (f"({', '.join(outline(a) for a in syn.args)})" if syn.args else "")


@pytest.mark.parametrize("text, tree", [
    ("A*B'", "mul(name[A], transpose(name[B]))"),
    ("(a+b)+c", "add(group(add(name[a], name[b])), name[c])"),
    ("a+b-c", "sub(add(name[a], name[b]), name[c])"),
    ("-x.^2", "neg(epow(name[x], number[2.0]))"),
    ("tr(A)/2", "div(call[tr](name[A]), number[2.0])"),
    ("A.*B ./ C", "ediv(hadamard(name[A], name[B]), name[C])"),
])
def test_the_ascii_parser_builds_the_tree_the_text_says(text, tree):
    assert outline(parse_ascii(text)) == tree


def test_every_node_of_the_tree_knows_its_place_in_the_text():
    text = "A*B'"
    syn = parse_ascii(text)
    left, right = syn.args
    assert [text[slice(*s.span)] for s in (syn, left, right, right.args[0])] \
        == ["A*B'", "A", "B'", "B"]
    assert text[slice(*syn.value)] == "*" and text[slice(*right.value)] == "'"


def test_an_unknown_kind_of_syntax_node_is_refused():
    assert "mul" in SYN_KINDS and "matmul" not in SYN_KINDS
    with pytest.raises(ValueError, match="unknown syntax kind 'matmul'"):
        Syn("matmul")


# -- readings --------------------------------------------------------------------------------
def test_a_choice_reads_as_a_sentence_and_as_json():
    choice = Choice("notation", "|S|", "the determinant (det)",
                    "|A| of a matrix is its determinant", (0, 3))
    assert str(choice) == "|S| read as the determinant (det) (|A| of a matrix is its determinant)"
    assert choice.as_json() == {
        "topic": "notation", "subject": "|S|", "meaning": "the determinant (det)",
        "why": "|A| of a matrix is its determinant", "span": [0, 3], "text": str(choice)}
    assert Choice("kind", "x", "a vector", "convention").as_json()["span"] is None


def test_a_choice_of_an_unknown_topic_is_refused():
    with pytest.raises(ValueError, match="unknown reading topic 'guess'"):
        Choice("guess", "x", "a vector", "why not")


def test_parsing_records_every_choice_the_text_leaves_open():
    text = r"|S| + \sigma(a)"
    readings = {str(c): text[slice(*c.span)] for c in parse(text).reading}
    assert readings == {
        r"\sigma read as the logistic sigmoid sigmoid(...) (\sigma before parentheses is the "
        r"sigmoid unless sigma is declared)": r"\sigma",
        "S read as a matrix (m×m) (naming convention: a capital is a matrix)": "S",
        "a read as a scalar (naming convention: a name starting with a-g is a scalar)": "a",
        "|S| read as the determinant (det) (|A| of a matrix is its determinant)": "|S|",
    }


def test_a_declared_name_is_not_a_choice():
    reading = parse("x'*y", {"x": ("n",), "y": ("n",)}).reading
    assert reading == ()
