"""Random points at which a claim and the truth are compared, and their evaluation.

A point binds every symbolic dimension to a small integer and draws an array for every
variable.  Judging points give the dimensions distinct sizes (2, 3, 4, …, or the reverse), so
a claim that mixes up ``A`` and ``A'`` or two dimensions cannot pass by accident; the search
for a counterexample to show a student gives every dimension the size 2 and rounds the drawn
values to one decimal, so the values printed are the values used.

Draws are well conditioned, so that ``inv``, ``det``, ``log``, ``sqrt`` and the matrix
functions exist: a square matrix is the identity plus noise (its size varies from point to
point, so that no pattern of signs holds at every point), and when a side is not finite there
the draw is retried with positive entries, then with entries inside (0, 1).  A variable
of kind ``symmetric`` is drawn symmetric, one of kind ``spd`` symmetric positive definite;
``symmetric`` names further variables to draw symmetric (the "holds only if A is symmetric"
test).
"""

from __future__ import annotations

import numpy as np

__all__ = ["Point", "draw_point", "evaluate_at", "relative_difference", "STYLES", "NOISES"]

STYLES = ("near identity", "positive", "unit interval")
NOISES = (0.4, 1.0, 0.7)


class Point(dict):
    """Arrays by variable name, with the sizes the dimensions were bound to."""

    sizes: dict[str, int]


def _bind_sizes(variables: dict[str, tuple], order: int, uniform: int | None) -> dict:
    names: list[str] = []
    for shape, _ in variables.values():
        for d in shape:
            for part in str(d).split("*"):
                if not part.isdigit() and part not in names:
                    names.append(part)
    if uniform is not None:
        return {n: uniform for n in names}
    pool = [2 + k for k in range(len(names))]
    if order % 2:
        pool.reverse()
    return dict(zip(names, pool))


def _size(d, sizes: dict[str, int]) -> int:
    value = 1
    for part in str(d).split("*"):
        value *= int(part) if part.isdigit() else sizes[part]
    return value


def _array(shape: tuple[int, ...], kind: str, style: int, rng, decimals: int | None,
           noise: float):
    square = len(shape) == 2 and shape[0] == shape[1]
    if style == 0:
        a = noise * rng.standard_normal(shape) if square else rng.standard_normal(shape)
    elif style == 1:
        a = rng.uniform(0.0, 0.3, shape) if square else rng.uniform(0.5, 1.5, shape)
    else:
        a = rng.uniform(0.0, 0.1, shape) if square else rng.uniform(0.1, 0.9, shape)
    if decimals is not None:
        a = np.round(a, decimals)
    if kind == "spd":
        return a @ a.T + shape[0] * np.eye(shape[0])
    if square:
        a = a + (np.eye(shape[0]) if style < 2 else 0.5 * np.eye(shape[0]))
    if kind == "symmetric":
        a = (a + a.T) / 2
    return a


def draw_point(variables: dict[str, tuple], rng, order: int = 0, style: int = 0,
               uniform: int | None = None, decimals: int | None = None,
               symmetric: frozenset = frozenset(), noise: float = NOISES[0]) -> Point:
    """A point for ``variables`` (name → (shape, kind)): sizes by ``order`` (distinct) or
    ``uniform``, arrays in draw ``style`` (an index into :data:`STYLES`); a square matrix is
    the identity plus ``noise`` times standard normal entries in the first style."""
    sizes = _bind_sizes(variables, order, uniform)
    point = Point()
    point.sizes = sizes
    for name, (shape, kind) in variables.items():
        concrete = tuple(_size(d, sizes) for d in shape)
        if name in symmetric and kind not in ("symmetric", "spd"):
            kind = "symmetric"
        point[name] = _array(concrete, kind, style, rng, decimals, noise)
    return point


def evaluate_at(side, point: Point) -> np.ndarray:
    """The value of an expression or derivative at ``point`` (NaN-filled on a domain error)."""
    arrays = {name: point[name] for name in side.variables_nodes}
    try:
        with np.errstate(all="ignore"):
            return np.asarray(side.evaluate(**arrays), dtype=float)
    except (np.linalg.LinAlgError, FloatingPointError, ZeroDivisionError, OverflowError):
        return np.asarray(np.nan)


def relative_difference(a: np.ndarray, b: np.ndarray) -> float:
    """``max|a - b|`` over the larger magnitude of the two (inf when the shapes differ)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return float("inf")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return float("inf")
    scale = max(float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(b), initial=0.0)),
                1e-8)
    return float(np.max(np.abs(a - b), initial=0.0)) / scale
