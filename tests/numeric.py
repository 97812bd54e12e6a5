"""Numerical ground truth for matdiff's tests: finite differences, random inputs, comparison.

Nothing here knows matdiff.  :func:`jacobian` differentiates any NumPy function by central
differences and returns the derivative in matdiff's layout (SPEC §2, that of
``jax.jacobian``): for ``f`` of shape ``S_out`` and ``x`` of shape ``S_in``, order ``k`` gives
shape ``S_out + k×S_in`` with entry ``[i…, j…]`` = ``∂f[i…]/∂x[j…]``.  It uses the five-point
stencil (error O(h⁴)) at every order, so order 1 is good to about 1e-10 and orders 2 and 3
to about 1e-8 and 1e-6 relative on inputs of size about one.

The random inputs have every entry bounded away from zero (so ``abs``/``sign``/``relu`` sit
far from their kinks), matrices with a bounded condition number, and special kinds:
positive, unit (inside (-1, 1)), symmetric and symmetric positive definite.  Dimension names
map to sizes that all differ (:data:`SIZES`), so a transposed index shows as a shape error.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

__all__ = [
    "SIZES", "STENCIL", "jacobian", "converged_jacobian", "symmetric_part", "to_denominator",
    "random_array", "random_symmetric", "random_spd", "draw_arrays", "assert_close",
    "relative_error",
]

SIZES = {"n": 3, "m": 4, "p": 5, "k": 2, "q": 6}
"""The size of each dimension name used by the tests; all different."""

STENCIL = ((-2, 1.0 / 12), (-1, -8.0 / 12), (1, 8.0 / 12), (2, -1.0 / 12))
"""Offsets and weights of the five-point central difference (its middle weight is zero)."""


def jacobian(f: Callable, x, order: int = 1, step: float = 1e-3,
             batched: bool = False) -> np.ndarray:
    """The ``order``-th derivative of ``f`` at ``x`` by central differences.

    ``f`` maps an array of the shape of ``x`` to an array (or a float).  With ``batched``,
    ``f`` instead takes a stack of inputs, shape ``(B,) + x.shape``, and returns the stack of
    outputs, shape ``(B,) + S_out``, which lets a vectorised function do all points at once.
    The derivative of order k evaluates ``f`` at ``(4·x.size)**k`` points.
    """
    if order < 1:
        raise ValueError("order must be at least 1")
    x = np.asarray(x, dtype=float)
    size = x.size
    offsets = np.array([o for o, _ in STENCIL], dtype=float)
    weights = np.array([w for _, w in STENCIL])
    # Displacement of each (coordinate, offset) pair: row j*4 + a moves x[j] by offset a.
    one = np.einsum("a,jl->jal", offsets * step, np.eye(size)).reshape(size * 4, size)
    shifts = one
    for _ in range(order - 1):
        shifts = (shifts[:, None, :] + one[None, :, :]).reshape(-1, size)
    points = x.reshape(1, size) + shifts
    points = points.reshape((-1,) + x.shape)
    if batched:
        values = np.asarray(f(points), dtype=float)
    else:
        values = np.stack([np.asarray(f(p), dtype=float) for p in points])
    out_shape = values.shape[1:]
    values = values.reshape((size, 4) * order + out_shape)
    for _ in range(order):
        # Contract the stencil axis of the leading (coordinate, offset) pair and roll the
        # coordinate axis to the back, so after k passes the axes are S_out + k coordinates.
        values = np.tensordot(weights, np.moveaxis(values, 1, 0), axes=1) / step
        values = np.moveaxis(values, 0, -1)
    return values.reshape(out_shape + x.shape * order)


def converged_jacobian(f: Callable, x, order: int = 1, batched: bool = False,
                       rtol: float = 1e-6, steps=(1e-3, 5e-4, 2.5e-4, 1.25e-4)):
    """:func:`jacobian` with its error estimated by halving the step.

    Returns ``(J, error)``: the derivative at the last step tried and ``max|J_h − J_{h/2}|``
    of the last pair, an upper estimate of the error of ``J`` (the stencil's error shrinks
    16-fold per halving).  Stops halving once that estimate is below ``rtol/10`` of the
    largest entry, so a function that varies fast gets a small enough step.
    """
    previous = jacobian(f, x, order=order, step=steps[0], batched=batched)
    error = float("inf")
    for step in steps[1:]:
        current = jacobian(f, x, order=order, step=step, batched=batched)
        error = float(np.max(np.abs(current - previous), initial=0.0))
        previous = current
        if error <= rtol / 10 * float(np.max(np.abs(current), initial=0.0)):
            break
    return previous, error


def symmetric_part(gradient: np.ndarray) -> np.ndarray:
    """``(G + G')/2``: the gradient in the space of symmetric matrices (SPEC §4)."""
    return (gradient + np.swapaxes(gradient, -1, -2)) / 2


def to_denominator(derivative: np.ndarray, out_rank: int) -> np.ndarray:
    """A numerator-layout derivative ``S_out + S_in`` moved to ``S_in + S_out``."""
    axes = list(range(derivative.ndim))
    return np.transpose(derivative, axes[out_rank:] + axes[:out_rank])


def _entries(rng: np.random.Generator, shape, low: float, high: float, signed: bool):
    values = rng.uniform(low, high, size=shape)
    if signed:
        values = values * rng.choice([-1.0, 1.0], size=shape)
    return values


def random_array(rng: np.random.Generator, shape: tuple[int, ...], kind: str = "general"):
    """A random array of ``shape`` for a test input.

    ``general``: entries with |v| in [0.3, 1.1] and random signs; a matrix is redrawn until
    its condition number is below 30.  ``positive``: entries in [0.5, 1.5].  ``unit``:
    |v| in [0.2, 0.7], inside the domain of arcsin and arccos.  ``posdet``: a general square
    matrix with a positive determinant.  ``rightplane``: a general square matrix plus
``2n*I``, every eigenvalue in the right half-plane (where the principal ``logm`` and
``sqrtm`` are real).  ``symmetric``, ``spd``: see below.  A scalar comes
    back as a Python float, as a user would pass it.
    """
    shape = tuple(shape)
    ranges = {"general": (0.3, 1.1, True), "positive": (0.5, 1.5, False),
              "unit": (0.2, 0.7, True)}
    if kind in ("symmetric", "spd"):
        if len(shape) != 2 or shape[0] != shape[1]:
            raise ValueError(f"a {kind} matrix needs a square shape, not {shape}")
        maker = random_symmetric if kind == "symmetric" else random_spd
        return maker(rng, shape[0])
    if kind == "rightplane":
        return random_array(rng, shape) + 2 * shape[0] * np.eye(shape[0])
    if kind == "posdet":
        values = random_array(rng, shape)
        if np.linalg.det(values) < 0:
            values[0] = -values[0]
        return values
    low, high, signed = ranges[kind]
    for _ in range(200):
        values = _entries(rng, shape, low, high, signed)
        if len(shape) != 2 or np.linalg.cond(values) < 30:
            break
    else:
        raise RuntimeError(f"no well-conditioned {shape} matrix in 200 draws")
    return float(values) if not shape else values


def random_symmetric(rng: np.random.Generator, n: int) -> np.ndarray:
    """A symmetric, indefinite, well-conditioned n×n matrix with entries away from zero."""
    for _ in range(200):
        a = _entries(rng, (n, n), 0.3, 1.1, True)
        s = (a + a.T) / 2
        eig = np.linalg.eigvalsh(s)
        if np.min(np.abs(s)) > 0.05 and np.min(np.abs(eig)) > 0.1 and np.linalg.cond(s) < 50:
            return s
    raise RuntimeError("no well-conditioned symmetric matrix in 200 draws")


def random_spd(rng: np.random.Generator, n: int) -> np.ndarray:
    """A symmetric positive definite n×n matrix with eigenvalues in about [1, 3]."""
    a = _entries(rng, (n, n), 0.3, 1.1, True)
    return a @ a.T / n + np.eye(n)


def draw_arrays(rng: np.random.Generator, specs: dict, sizes: dict | None = None) -> dict:
    """Arrays for named inputs: ``specs`` maps a name to ``(shape, kind)``.

    ``shape`` is a tuple of dimension names (looked up in ``sizes``, :data:`SIZES` by default)
    or integers; ``kind`` is one :func:`random_array` knows.
    """
    sizes = SIZES if sizes is None else sizes
    arrays = {}
    for name, (shape, kind) in specs.items():
        numeric = tuple(d if isinstance(d, int) else sizes[d] for d in shape)
        arrays[name] = random_array(rng, numeric, kind)
    return arrays


def relative_error(got, want) -> float:
    """``max|got − want| / max(max|want|, 1e-12)``: the error relative to the largest entry."""
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    if got.shape != want.shape:
        return float("inf")
    if got.size == 0:
        return 0.0
    scale = max(float(np.max(np.abs(want))), 1e-12)
    return float(np.max(np.abs(got - want))) / scale


def assert_close(got, want, rtol: float = 1e-7, atol: float = 0.0, what: str = "") -> None:
    """Assert ``got`` has the shape of ``want`` and ``|got − want| ≤ atol + rtol·max|want|``.

    The tolerance is relative to the largest entry of ``want`` (a derivative is judged as a
    whole, so a zero entry does not need infinite relative precision).  The message names the
    worst entry with both values.
    """
    label = f"{what}: " if what else ""
    got_arr, want_arr = np.asarray(got), np.asarray(want, dtype=float)
    assert isinstance(got, np.ndarray) or np.isscalar(got), (
        f"{label}expected a numpy array, got {type(got).__name__}")
    assert got_arr.shape == want_arr.shape, (
        f"{label}shape {got_arr.shape} but expected {want_arr.shape}")
    got_arr = got_arr.astype(float)
    assert np.all(np.isfinite(got_arr)), f"{label}non-finite entries in\n{got_arr}"
    if want_arr.size == 0:
        return
    diff = np.abs(got_arr - want_arr)
    scale = float(np.max(np.abs(want_arr)))
    bound = atol + rtol * scale
    worst = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.ndim else ()
    if float(diff[worst]) > bound:
        with np.printoptions(precision=6, suppress=True, threshold=200):
            raise AssertionError(
                f"{label}entry {tuple(int(i) for i in worst)}: got {float(got_arr[worst])!r}, "
                f"expected {float(want_arr[worst])!r} (max error {float(diff[worst]):.3g} > "
                f"bound {bound:.3g}, largest expected entry {scale:.3g})\n"
                f"got:\n{got_arr}\nexpected:\n{want_arr}")
