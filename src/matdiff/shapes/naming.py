"""What an undeclared name is, by the convention matrixcalculus.org users know.

A name starting with ``a``–``g`` or a lower-case Greek name is a scalar, one starting with
``h``–``z`` a vector, one starting with a capital (``Sigma`` too) a matrix.  Declarations
(SPEC §4) override it: a shape tuple, a kind among ``scalar``, ``vector``, ``matrix``,
``symmetric``, ``spd``, or both (``{"kind": "spd", "shape": ("n", "n")}``);
:func:`declaration` checks one and gives the shape and kind it declares.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..errors import ArgumentError
from ..ir.vocabulary import GREEK, KIND_RANKS, KINDS

__all__ = ["kind_by_convention", "convention_reason", "greek_base", "declaration", "MAX_SIZE"]

MAX_SIZE = 2**31 - 1
"""The largest size a declaration may give a dimension."""


def greek_base(name: str) -> str | None:
    """``lambda_1`` → ``lambda``; None when the name does not start with a Greek letter."""
    m = re.match(r"[A-Za-z]+", name)
    if m and m.group(0).lower() in GREEK:
        return m.group(0)
    return None


def kind_by_convention(name: str) -> str:
    """``scalar``, ``vector`` or ``matrix`` for an undeclared name."""
    base = greek_base(name)
    if base is not None:
        return "matrix" if base[0].isupper() else "scalar"
    first = name[0]
    if first.isupper():
        return "matrix"
    return "scalar" if first.lower() <= "g" else "vector"


def convention_reason(name: str) -> str:
    """Why the convention gives ``name`` its kind, in words."""
    base = greek_base(name)
    if base is not None:
        return ("naming convention: a capital Greek name is a matrix" if base[0].isupper()
                else "naming convention: a Greek name is a scalar")
    if name[0].isupper():
        return "naming convention: a capital is a matrix"
    if name[0].lower() <= "g":
        return "naming convention: a name starting with a-g is a scalar"
    return "naming convention: a name starting with h-z is a vector"


def _kind(name: str, spec) -> str:
    if spec in KINDS:
        return spec
    word = str(spec)
    meant = [k for k in KINDS if len(word) > 2 and k.startswith(word.lower())]
    hint = f"did you mean {meant[0]!r}? " if meant else ""
    raise ArgumentError(f"unknown kind {word!r} for {name}: {hint}use one of "
                        f"{', '.join(KINDS)} or a shape tuple")


def _shape(name: str, spec) -> tuple:
    if isinstance(spec, (str, bytes)) or not hasattr(spec, "__iter__"):
        raise ArgumentError(f"the shape of {name} must be a tuple of dimensions, not {spec!r}")
    shape = tuple(spec)
    for d in shape:
        if not (isinstance(d, str) and d.isidentifier()) and not (
                isinstance(d, int) and not isinstance(d, bool) and 0 < d <= MAX_SIZE):
            shown = repr(d) if not isinstance(d, int) or d.bit_length() < 64 else "a huge number"
            raise ArgumentError(f"bad dimension {shown} in the shape of {name}: use names or "
                                f"positive integers up to {MAX_SIZE}")
    return shape


def declaration(name: str, spec, fresh: Callable[[], object]) -> tuple[tuple, str]:
    """``(shape, kind)`` of a declared ``spec``; ``kind`` is ``symmetric``, ``spd`` or ``""``
    (a plain array).  Unknown sizes come from ``fresh``."""
    if isinstance(spec, dict):
        if set(spec) - {"kind", "shape"} or "kind" not in spec:
            raise ArgumentError(f"the declaration of {name} takes a kind and a shape: "
                                "{'kind': 'spd', 'shape': ('n', 'n')}")
        kind = _kind(name, spec["kind"])
        if "shape" not in spec:
            return declaration(name, kind, fresh)
        shape = _shape(name, spec["shape"])
        square = kind not in ("symmetric", "spd") or shape[:1] == shape[-1:]
        if len(shape) != KIND_RANKS[kind] or not square:
            raise ArgumentError(f"{name} is declared {kind} but its shape {shape} is not one")
        return shape, kind if kind in ("symmetric", "spd") else ""
    if isinstance(spec, str):
        kind = _kind(name, spec)
        if kind == "scalar":
            return (), ""
        if kind == "vector":
            return (fresh(),), ""
        if kind == "matrix":
            return (fresh(), fresh()), ""
        n = fresh()
        return (n, n), kind
    return _shape(name, spec), ""
