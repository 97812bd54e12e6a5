"""The web API's ``vars`` in JSON: a kind string must be a kind, with the one meant suggested."""

import pytest

import matdiff as md
from matdiff.presentation import kind_typo
from matdiff.web.results import vars_from_json


def test_kinds_and_dimension_lists():
    assert vars_from_json({"S": "symmetric", "x": ["n"], "A": [3, "m"]}) == \
        {"S": "symmetric", "x": ("n",), "A": (3, "m")}
    assert vars_from_json({"x": ["sym"]}) == {"x": ("sym",)}  # a list is dimensions


@pytest.mark.parametrize("spec, meant", [("sym", "symmetric"), ("symetric", "symmetric"),
                                         ("psd", "spd"), ("Matrix", "matrix")])
def test_a_mistyped_kind_names_the_kind_meant(spec, meant):
    with pytest.raises(md.ArgumentError) as caught:
        vars_from_json({"S": spec})
    assert f"unknown kind {spec!r} for S: did you mean {meant}?" in caught.value.message


def test_a_word_far_from_every_kind_gets_the_list():
    with pytest.raises(md.ArgumentError) as caught:
        vars_from_json({"A": "hermitian"})
    assert "did you mean" not in caught.value.message
    assert "scalar, vector, matrix, symmetric, spd" in caught.value.message


@pytest.mark.parametrize("word", ["n", "m", "k", "rows", "cols", "batch", "hidden", "d", "sp"])
def test_dimension_names_are_no_kind_typos(word):
    assert kind_typo(word) is None
