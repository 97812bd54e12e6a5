"""Declarations (SPEC §4): a shape tuple, a kind, or both, each checked with a clear error."""

from __future__ import annotations

import pytest

import matdiff as md


def test_kind_and_shape_together():
    e = md.parse("logdet(S) + x'*S*x", vars={"S": {"kind": "spd", "shape": ("n", "n")}})
    assert e.variables["S"] == {"kind": "spd", "shape": ("n", "n")}
    assert e.variables["x"]["shape"] == ("n",)
    d = md.derivative("logdet(S)", wrt="S", vars={"S": {"kind": "spd", "shape": (3, 3)}})
    assert str(d) == "inv(S)" and d.shape == (3, 3)


@pytest.mark.parametrize("spec, words", [
    ("sym", ("did you mean 'symmetric'",)),
    ({"kind": "spd", "shape": ("n", "m")}, ("spd", "not one")),
    ({"kind": "vector", "shape": ("n", "n")}, ("vector",)),
    ({"shape": ("n",)}, ("kind",)),
    (5, ("tuple",)),
], ids=["kind typo", "spd not square", "rank differs", "no kind", "a number"])
def test_bad_declarations_say_what_is_wrong(spec, words):
    with pytest.raises(md.ArgumentError) as info:
        md.parse("S", vars={"S": spec})
    for word in words:
        assert word in info.value.message
