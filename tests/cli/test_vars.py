"""``--var`` on the command line: kinds and dimensions, and a clear error for a mistyped kind.

A one-item spec is a vector of that length (``x=n``), except a word that abbreviates (three
letters or more), aliases or misspells a kind (``S=sym``): that is an error with the kind it
most likely means.  A trailing comma makes any word a dimension (``x=sym,``).
"""

import subprocess
import sys

import pytest

import matdiff as md
from matdiff.cli import _parse_vars


@pytest.mark.parametrize("items, want", [
    (["S=symmetric"], {"S": "symmetric"}),
    (["x=n"], {"x": ("n",)}),
    (["x=3"], {"x": (3,)}),
    (["A=m,n"], {"A": ("m", "n")}),
    (["x=sym,"], {"x": ("sym",)}),
    (["x=rows"], {"x": ("rows",)}),
    (["x=m", "A=spd"], {"x": ("m",), "A": "spd"}),
])
def test_kinds_and_dimensions(items, want):
    assert _parse_vars(items) == want


@pytest.mark.parametrize("item, meant", [
    ("S=sym", "symmetric"), ("S=symm", "symmetric"), ("S=symetric", "symmetric"),
    ("S=Symmetric", "symmetric"), ("A=mat", "matrix"), ("x=vec", "vector"),
    ("a=scal", "scalar"), ("X=psd", "spd"), ("X=pd", "spd"),
])
def test_a_mistyped_kind_is_an_error_with_the_kind_meant(item, meant):
    name, _, spec = item.partition("=")
    with pytest.raises(md.ArgumentError) as caught:
        _parse_vars([item])
    message = caught.value.message
    assert f"did you mean {name}={meant}?" in message
    assert f"write {name}={spec}," in message  # how to say a vector of that length


def test_the_error_reaches_the_user_without_a_traceback():
    r = subprocess.run([sys.executable, "-m", "matdiff", "x'*S*x", "--wrt", "S", "--var",
                        "S=sym"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("matdiff: argument error: --var S=sym: 'sym' is not a kind: "
                               "did you mean S=symmetric?")
    assert "Traceback" not in r.stderr


def test_help_says_how_to_write_a_dimension_that_looks_like_a_kind():
    r = subprocess.run([sys.executable, "-m", "matdiff", "--help"], capture_output=True,
                       text=True, timeout=60)
    assert "x=sym," in r.stdout and "S=sym" in r.stdout
