"""The JSON form of results and errors, shared by ``matdiff --json`` and the web API.

Everything here goes through the public API only (``import matdiff as md``) and returns plain
``dict``/``list``/``str``/``int``/``float``/``None`` values that ``json.dumps`` accepts with
``allow_nan=False``: dimensions that are not integers become strings, a non-finite check
becomes ``None`` with a ``check_error`` beside it.

A request's ``vars`` in JSON maps a name to a list of dimensions (``["m", 3]``, ``[]`` for a
scalar) or to a kind string (``"symmetric"``); :func:`vars_from_json` turns that into the
``vars`` argument of the API, raising ``md.ArgumentError`` on anything else.
"""

from __future__ import annotations

import math
import re
from typing import Any

import matdiff as md

__all__ = [
    "KINDS",
    "derivative_json",
    "dims_from_text",
    "error_json",
    "expression_json",
    "shape_json",
    "steps_json",
    "variables_json",
    "vars_from_json",
]

KINDS = ("scalar", "vector", "matrix", "symmetric", "spd")
_DIM_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_MAX_RANK = 8


def shape_json(shape) -> list:
    """A shape as a JSON list: integers stay integers, symbolic sizes become strings."""
    return [d if isinstance(d, int) else str(d) for d in shape]


def steps_json(steps) -> list[dict[str, str]]:
    """The derivation steps as ``[{"rule", "text", "latex"}, ...]`` (empty when none)."""
    return [{"rule": str(s.rule), "text": str(s.text), "latex": str(s.latex)}
            for s in (steps or ())]


def variables_json(variables) -> dict[str, dict[str, Any]]:
    """``{name: {"kind", "shape"}}`` with JSON shapes, in the order the API gives."""
    return {name: {"kind": info["kind"], "shape": shape_json(info["shape"])}
            for name, info in variables.items()}


def derivative_json(d, code: str | None = "numpy", check: float | None = None) -> dict:
    """The fields of a derivative that both the command line and the web API report."""
    out = {
        "text": str(d),
        "latex": d.latex,
        "index": d.index,
        "shape": shape_json(d.shape),
        "steps": steps_json(d.steps),
        "code": d.code(code) if code else None,
        "check": None,
        "layout": d.layout,
        "order": d.order,
        "wrt": d.wrt,
    }
    if check is not None:
        if math.isfinite(check):
            out["check"] = float(check)
        else:
            out["check_error"] = f"the finite-difference comparison gave {check}"
    return out


def expression_json(e) -> dict:
    """What the page needs to fill its variable table from a parsed expression."""
    return {
        "variables": variables_json(e.variables),
        "wrt": e.wrt,
        "latex": e.latex,
        "shape": shape_json(e.shape),
    }


def error_json(e: md.MatdiffError) -> dict:
    """``{"kind", "message", "position", "marks", "detail"}``; ``detail`` has the caret lines."""
    return {
        "kind": e.kind,
        "message": e.message,
        "position": e.position,
        "marks": [list(m) for m in e.marks],
        "detail": str(e),
    }


def dims_from_text(items) -> tuple:
    """Dimensions from strings or integers: ``"3"`` → 3, ``"n"`` stays; else ArgumentError."""
    dims = []
    for item in items:
        if isinstance(item, bool):
            raise md.ArgumentError(f"a dimension must be a name or a positive integer: {item}")
        if isinstance(item, str):
            item = item.strip()
            if item.isdigit():
                item = int(item)
            elif not _DIM_NAME.match(item):
                raise md.ArgumentError(
                    f"a dimension must be a name or a positive integer, not {item!r}")
        if isinstance(item, int):
            if item < 1:
                raise md.ArgumentError(f"a dimension must be a positive integer, not {item}")
        elif not isinstance(item, str):
            raise md.ArgumentError(
                f"a dimension must be a name or a positive integer, not {item!r}")
        dims.append(item)
    if len(dims) > _MAX_RANK:
        raise md.ArgumentError(f"at most {_MAX_RANK} dimensions per variable")
    return tuple(dims)


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
                raise md.ArgumentError(
                    f"unknown kind {spec!r} for {name}: use one of {', '.join(KINDS)}")
            out[name] = spec
        elif isinstance(spec, list):
            out[name] = dims_from_text(spec)
        else:
            raise md.ArgumentError(
                f"{name}: give a list of dimensions or a kind ({', '.join(KINDS)})")
    return out
