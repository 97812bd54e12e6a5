"""How a wrong claim relates to the truth: the tests behind a diagnosis.

Every test compares numbers, never the form of expressions.  With ``C`` the claim's values and
``G`` the truth's at the same random points:

- ``factor``: ``C = c·G`` for one constant ``c`` at every point (``c = -1`` is ``sign``);
- ``transpose`` / ``layout``: ``C`` is ``G`` with its two index groups swapped (a matrix's
  transpose; for a Jacobian, the other layout's arrangement);
- ``symmetric``: ``C = G`` at points where one square variable (or all of them) is drawn
  symmetric;
- ``trace``: the claim equals the gradient of ``tr(F)`` for the matrix ``F`` being
  differentiated (``tr(F)`` is built from ``F``'s printed text, which parses back).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..api import Derivative, derivative
from ..errors import MatdiffError

__all__ = ["constant_factor", "factor_words", "swapped", "swapped_shape", "trace_gradient",
           "equated_dims", "shape_words", "has_shape"]

_TOL = 1e-7


def constant_factor(pairs: list[tuple[np.ndarray, np.ndarray]]) -> float | None:
    """The simple constant ``c`` (not 0 or 1) with ``C = c·G`` at every ``(C, G)``, or None."""
    num = sum(float(np.sum(c * g)) for c, g in pairs)
    den = sum(float(np.sum(g * g)) for _, g in pairs)
    if den == 0.0 or not np.isfinite(num / den):
        return None
    c = float(Fraction(num / den).limit_denominator(12))
    if c in (0.0, 1.0):
        return None
    for claim, truth in pairs:
        scale = max(float(np.max(np.abs(claim), initial=0.0)), 1e-8)
        if float(np.max(np.abs(claim - c * truth), initial=0.0)) > _TOL * scale:
            return None
    return c


def factor_words(c: float) -> str:
    """``2`` → "twice", ``0.5`` → "half", else "3 times" / "-2 times"."""
    words = {2.0: "twice", 0.5: "half", 3.0: "three times", 4.0: "four times",
             1 / 3: "a third of", 0.25: "a quarter of", -2.0: "minus twice", -0.5: "minus half"}
    for value, word in words.items():
        if abs(c - value) < 1e-12:
            return word
    return f"{Fraction(c).limit_denominator(12)} times"


def _groups(truth) -> tuple[int, str] | None:
    """The size of the first index group to swap, and the mistake that swap is."""
    rank = truth.node.rank
    if isinstance(truth, Derivative) and truth.order == 1:
        n_in = truth.variables_nodes[truth.wrt].rank
        n_out = rank - n_in
        if n_in and n_out:
            return (n_out if truth.layout == "numerator" else n_in), "layout"
    if rank == 2:
        return 1, "transpose"
    if rank == 1:
        return 0, "transpose"
    return None


def swapped_shape(truth) -> tuple[tuple, str] | None:
    """The shape of the truth with its index groups swapped, and the mistake's name."""
    groups = _groups(truth)
    if groups is None:
        return None
    first, name = groups
    shape = tuple(truth.shape)
    if len(shape) == 1:
        return (1, shape[0]), name
    return shape[first:] + shape[:first], name


def swapped(value: np.ndarray, truth) -> np.ndarray:
    """A value of the truth with its index groups swapped (a vector becomes a row)."""
    first, _ = _groups(truth)
    if value.ndim == 1:
        return value.reshape(1, -1)
    axes = list(range(first, value.ndim)) + list(range(first))
    return np.transpose(value, axes)


def trace_gradient(truth) -> Derivative | None:
    """The gradient of ``tr(F)`` where the truth is the derivative of a matrix ``F``."""
    if not isinstance(truth, Derivative) or truth.order != 1 or truth.expression.node.rank != 2:
        return None
    kinds = {name: info["kind"] for name, info in truth.variables.items()}
    if "tensor" in kinds.values():
        return None
    try:
        return derivative(f"tr({truth.expression})", wrt=truth.wrt, vars=kinds,
                          layout=truth.layout)
    except MatdiffError:
        return None


def equated_dims(before: dict, after: dict) -> list[str]:
    """The dimension equalities that ``after``'s shapes impose on ``before``'s: ``m = p``."""
    parent: dict[str, str] = {}

    def root(d: str) -> str:
        while parent.setdefault(d, d) != d:
            d = parent[d]
        return d

    for name, info in before.items():
        if name not in after:
            continue
        for d, e in zip(info["shape"], after[name]["shape"]):
            parent[root("old " + str(d))] = root("new " + str(e))
    groups: dict[str, list[str]] = {}
    for key in list(parent):
        if key.startswith("old "):
            groups.setdefault(root(key), []).append(key[4:])
    return [" = ".join(sorted(g)) for g in groups.values() if len(g) > 1]


def shape_words(shape: tuple) -> str:
    """``()`` → "a scalar", ``("n",)`` → "(n,)", else "(m, n)"."""
    if not shape:
        return "a scalar"
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + ", ".join(str(d) for d in shape) + ")"


def has_shape(shape: tuple) -> str:
    """"has shape (m, n)", or "is a scalar"."""
    return "is a scalar" if not shape else f"has shape {shape_words(shape)}"
