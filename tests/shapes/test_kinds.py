"""Kinds by inference (SPEC §4): undeclared names take the kind the expression forces, the
naming convention wherever it is consistent, and every choice is in ``reading``."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import matdiff as md
import strategies as gen
from numeric import relative_error


def kinds_read(reading) -> dict[str, str]:
    """``{name: meaning}`` of the kind choices in a reading."""
    return {c.subject: c.meaning for c in reading if c.topic == "kind"}


@pytest.mark.parametrize("text, wrt, expected", [
    ("a'*X*b", "X", "a*b'"),
    ("0.5*norm2(y - X*beta)^2", "beta", "-X'*(y - X*beta)"),
    (r"\frac{1}{2}\|y - X\beta\|_2^2", "beta", "-X'*(y - X*beta)"),
    ("c'*x", "x", "c"),
], ids=["bilinear form", "least squares", "least squares in LaTeX", "transposed scalar"])
def test_the_expression_forces_the_kind(text, wrt, expected):
    d = md.derivative(text, wrt=wrt)
    assert str(d) == expected
    forced = [c for c in d.reading if c.topic == "kind" and "forces" in c.why]
    assert forced, d.reading


def test_forced_kinds_are_said_with_their_shapes():
    d = md.derivative("a'*X*b", wrt="X")
    read = kinds_read(d.reading)
    assert read["a"].startswith("a vector") and read["b"].startswith("a vector")
    assert read["X"].startswith("a matrix")
    why = {c.subject: c.why for c in d.reading}
    assert "transposed" in why["a"] and "convention" in why["X"]


@pytest.mark.parametrize("text, name, kind", [
    ("A*b", "b", "a scalar"),
    ("x'*A*x + c", "c", "a scalar"),
    ("sum(exp(z))", "z", "a vector"),
    ("tr(S*X)", "S", "a matrix"),
])
def test_the_convention_wins_where_it_is_consistent(text, name, kind):
    read = kinds_read(md.parse(text).reading)
    assert read[name].startswith(kind)
    assert all("convention" in c.why for c in md.parse(text).reading if c.topic == "kind")


def test_declared_names_keep_their_declaration_and_are_not_in_the_reading():
    e = md.parse("y - X*beta", vars={"beta": (), "y": ("m", "n")})
    assert "beta" not in kinds_read(e.reading) and e.variables["beta"]["shape"] == ()
    assert kinds_read(e.reading)["X"].startswith("a matrix")


def test_a_tie_is_resolved_and_reported():
    reading = md.parse("x^2").reading
    (choice,) = [c for c in reading if c.subject == "x"]
    assert choice.meaning == "a scalar" and "ambiguous" in choice.why


def test_the_forced_reading_differentiates_correctly():
    d = md.derivative("a'*X*b", wrt="X")
    rng = np.random.default_rng(1)
    arrays = {"a": rng.standard_normal(3), "X": rng.standard_normal((3, 4)),
              "b": rng.standard_normal(4)}
    assert md.check(d, **arrays) < 1e-6
    assert np.allclose(d.evaluate(**arrays), np.outer(arrays["a"], arrays["b"]))


def test_reading_is_in_the_json_of_the_command_line_and_the_api():
    from matdiff.presentation import derivative_json

    body = derivative_json(md.derivative("a'*X*b", wrt="X"))
    subjects = [c["subject"] for c in body["reading"]]
    assert subjects == ["a", "X", "b"]
    assert all(set(c) >= {"topic", "subject", "meaning", "why", "span", "text"}
               for c in body["reading"])


# -- properties -------------------------------------------------------------------------------
_SHAPES = [(), ("n",), ("m",), ("n", "m"), ("m", "m")]
_OTHER_NAMES = {"scalar": "qrsuvw", "vector": "abcdef", "matrix": "abcdefqrsuvw"}
_KIND = {0: "scalar", 1: "vector", 2: "matrix"}


@settings(max_examples=60)
@given(st.data())
def test_every_undeclared_name_is_in_the_reading(data):
    term = data.draw(gen.terms(data.draw(st.sampled_from(_SHAPES)), 3, root=True))
    e = md.parse(gen.render(term))
    assert set(kinds_read(e.reading)) == set(e.variables)


def _renamed(text: str, names: set[str], draw) -> tuple[str, dict]:
    """``text`` with each variable renamed to a letter whose convention is another kind."""
    mapping = {}
    for name in sorted(names):
        kind = _KIND[len(gen.VARIABLES[name])]
        letter = draw(st.sampled_from(_OTHER_NAMES[kind]))
        if kind != "matrix" and draw(st.booleans()):
            letter = letter.upper()
        mapping[name] = f"{letter}{len(mapping)}"
    renamed = re.sub(r"\b[A-Za-z]\b(?!\()", lambda m: mapping.get(m.group(), m.group()), text)
    return renamed, mapping


@settings(max_examples=60)
@given(st.data())
def test_dropping_declarations_still_finds_a_well_shaped_reading(data):
    """A random well-shaped expression, its variables renamed against the convention and left
    undeclared: a well-shaped reading exists (the original kinds), so inference finds one."""
    term = data.draw(gen.terms(data.draw(st.sampled_from(_SHAPES)), 3, root=True))
    text, mapping = _renamed(gen.render(term), gen.variables_of(term), data.draw)
    e = md.parse(text)
    assert set(kinds_read(e.reading)) == set(mapping.values())
    for name in mapping.values():
        assert e.variables[name]["kind"] in ("scalar", "vector", "matrix")


@settings(max_examples=30)
@given(st.data())
def test_the_declared_reading_is_found_where_only_it_fits(data):
    """With the original names (the convention's kinds), the reading keeps every rank the
    declarations gave, and the value agrees with the declared expression's."""
    term = data.draw(gen.terms(data.draw(st.sampled_from(_SHAPES)), 3, root=True))
    text = gen.render(term)
    names = gen.variables_of(term)
    declared = md.parse(text, vars={n: gen.VARIABLES[n] for n in names})
    e = md.parse(text)
    ranks = {n: len(e.variables[n]["shape"]) for n in names}
    if ranks != {n: len(gen.VARIABLES[n]) for n in names}:
        return  # a doubtful reading was changed (a scalar after a row): not the declared one
    rng = np.random.default_rng(0)
    arrays = {n: rng.standard_normal(gen.numeric_shape(gen.VARIABLES[n])) for n in names}
    with np.errstate(all="ignore"):
        want, got = declared.evaluate(**arrays), e.evaluate(**arrays)
    if np.all(np.isfinite(want)):
        assert relative_error(got, want) < 1e-9


def test_many_transposed_names_are_all_vectors():
    text = " + ".join(f"a{i}'*X*b{i}" for i in range(8))
    read = kinds_read(md.parse(text).reading)
    assert all(read[f"a{i}"].startswith("a vector") for i in range(8))
    assert all(read[f"b{i}"].startswith("a vector") for i in range(8))


def test_a_transposed_scalar_stays_where_nothing_else_fits():
    read = kinds_read(md.parse("x/exp(0.5 + a')").reading)
    assert read["a"] == "a scalar"
