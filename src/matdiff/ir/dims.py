"""Symbolic dimensions: names, integers, and products of them.

A dimension is a ``str`` (a symbolic size such as ``"n"``), an ``int``, or a :class:`Prod`
of those (the length of ``vec(A)`` is ``m*n``).  Products are kept canonical: integer
factors multiplied out, names sorted, so equal products compare equal and hash alike.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Dim", "Shape", "Prod", "dim_mul", "dim_str", "shape_str"]


@dataclass(frozen=True, slots=True)
class Prod:
    """A product of symbolic dimensions with an integer coefficient."""

    coef: int
    names: tuple[str, ...]

    def __str__(self) -> str:
        parts = ([str(self.coef)] if self.coef != 1 else []) + list(self.names)
        return "*".join(parts)


Dim = str | int | Prod
Shape = tuple[Dim, ...]


def dim_mul(*dims: Dim) -> Dim:
    """The canonical product of ``dims``."""
    coef, names = 1, []
    for d in dims:
        if isinstance(d, int):
            coef *= d
        elif isinstance(d, str):
            names.append(d)
        else:
            coef *= d.coef
            names.extend(d.names)
    if not names:
        return coef
    if coef == 1 and len(names) == 1:
        return names[0]
    return Prod(coef, tuple(sorted(names)))


def dim_str(d: Dim) -> str:
    return str(d)


def shape_str(shape: Shape) -> str:
    """A shape as people write it: ``scalar``, ``vector of n``, ``3×4``."""
    if not shape:
        return "scalar"
    if len(shape) == 1:
        return f"vector of length {dim_str(shape[0])}"
    return "×".join(dim_str(d) for d in shape)
