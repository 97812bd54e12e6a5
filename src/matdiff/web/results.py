"""The JSON of the web API that the command line does not use: requests' ``vars``, parsed input.

A request's ``vars`` in JSON maps a name to a list of dimensions (``["m", 3]``, ``[]`` for a
scalar) or to a kind string (``"symmetric"``); :func:`vars_from_json` turns that into the
``vars`` argument of the API, raising ``md.ArgumentError`` on anything else.  The JSON both
front ends share (results, errors, verdicts) is :mod:`matdiff.presentation`.
"""

from __future__ import annotations

import re
from typing import Any

import matdiff as md

from ..presentation import KINDS, dims_from_text, kind_typo, reading_json, shape_json

__all__ = ["expression_json", "variables_json", "vars_from_json"]


def variables_json(variables) -> dict[str, dict[str, Any]]:
    """``{name: {"kind", "shape"}}`` with JSON shapes, in the order the API gives."""
    return {name: {"kind": info["kind"], "shape": shape_json(info["shape"])}
            for name, info in variables.items()}


def expression_json(e) -> dict:
    """What the page needs to fill its variable table from a parsed expression."""
    return {
        "variables": variables_json(e.variables),
        "wrt": e.wrt,
        "latex": e.latex,
        "shape": shape_json(e.shape),
        "reading": reading_json(e.reading),
    }


def vars_from_json(obj) -> dict | None:
    """The API's ``vars`` from its JSON form (``None`` or ``{}`` declares nothing)."""
    if obj is None:
        return None
    if not isinstance(obj, dict):
        raise md.ArgumentError("vars must be an object mapping names to dimensions or kinds")
    out: dict[str, Any] = {}
    for name, spec in obj.items():
        if not isinstance(name, str) or not re.match(r"[A-Za-z][A-Za-z0-9_]*\Z", name):
            raise md.ArgumentError(f"not a variable name: {name!r}")
        if isinstance(spec, str):
            if spec not in KINDS:
                typo = kind_typo(spec)
                hint = f"did you mean {typo}? " if typo else ""
                raise md.ArgumentError(f"unknown kind {spec!r} for {name}: {hint}"
                                       f"(the kinds: {', '.join(KINDS)})")
            out[name] = spec
        elif isinstance(spec, list):
            out[name] = dims_from_text(spec)
        else:
            raise md.ArgumentError(
                f"{name}: give a list of dimensions or a kind ({', '.join(KINDS)})")
    return out
