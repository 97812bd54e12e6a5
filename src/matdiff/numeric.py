"""The numerical check: a derivative against central finite differences on random inputs.

Missing arrays are drawn at random with small, distinct sizes (symmetric and SPD variables
drawn as such).  Inputs are first standard normal; if the expression is not finite there
(``log`` of a negative, say) they are drawn positive (square matrices shifted by ``n*I``,
so that their eigenvalues lie in the right half-plane, where the principal ``logm`` and
``sqrtm`` are real), then inside (0, 1).  The derivative of
order ``k`` is compared with finite differences of the order ``k-1`` result (which is in the
numerator layout: a denominator-layout result is brought to it first): in full, entry by
entry, when the variable is small, and along random directions otherwise (symmetric
directions for a symmetric variable, whose gradient lives in that space).
"""

from __future__ import annotations

import numpy as np

from .errors import ArgumentError, DomainError, MatdiffError
from .ir import Prod

__all__ = ["finite_difference_error", "random_inputs"]

_SIZES = (3, 4, 5, 2, 6, 7, 8, 9)
_FULL_LIMIT = 40


def _sizes(variables, reverse: bool) -> dict[str, int]:
    """Distinct small sizes for the symbolic dimensions (reversed: largest first)."""
    names: list[str] = []
    for var in variables.values():
        for d in var.shape:
            if isinstance(d, str) and d not in names:
                names.append(d)
    pool = [_SIZES[k % len(_SIZES)] + 2 * (k // len(_SIZES)) for k in range(len(names))]
    if reverse:
        pool.reverse()
    return dict(zip(names, pool))


def _concrete(shape, sizes: dict[str, int]) -> tuple[int, ...]:
    out = []
    for d in shape:
        if isinstance(d, int):
            out.append(d)
        elif isinstance(d, Prod):
            value = d.coef
            for n in d.names:
                value *= sizes[n]
            out.append(value)
        else:
            out.append(sizes[d])
    return tuple(out)


def random_inputs(variables, given: dict, rng: np.random.Generator, mode: int,
                  reverse: bool = False) -> dict:
    """Arrays for every variable not in ``given``; ``mode`` 0 normal, 1 positive, 2 in (0,1)."""
    from .codegen.compile import bind_sizes

    sizes = _sizes(variables, reverse)
    sizes.update(bind_sizes(variables, given))
    out = dict(given)
    for name, var in variables.items():
        if name in out:
            continue
        shape = _concrete(var.shape, sizes)
        if mode == 0:
            a = rng.standard_normal(shape)
        elif mode == 1:
            a = rng.uniform(0.5, 1.5, shape)
        else:
            a = rng.uniform(0.1, 0.9, shape)
        kind = var.attrs[1]
        if mode == 1 and len(shape) == 2 and shape[0] == shape[1] and not kind:
            a = a + shape[0] * np.eye(shape[0])  # eigenvalues in the right half-plane
        if kind == "symmetric":
            a = (a + a.T) / 2
        elif kind == "spd":
            a = a @ a.T + shape[0] * np.eye(shape[0])
        out[name] = a
    return out


def _finite(*arrays) -> bool:
    return all(np.all(np.isfinite(a)) for a in arrays)


def finite_difference_error(d, given: dict, seed: int | None) -> float:
    """The smallest error over a few random points (a point where the inputs happen to be
    ill-conditioned makes finite differences unreliable; a wrong derivative is wrong at all).
    """
    rng = np.random.default_rng(seed)
    variables = d.variables_nodes
    given = {k: np.asarray(v, dtype=float) for k, v in given.items()}
    unknown = set(given) - set(variables)
    if unknown:
        raise ArgumentError(f"no variable named {', '.join(sorted(unknown))} in the expression")
    prev = d.previous()
    best = None
    for attempt in range(6):
        arrays = random_inputs(variables, given, rng, attempt % 3, reverse=attempt % 2 == 1)
        try:
            with np.errstate(all="ignore"):
                value = d.evaluate(**arrays)
                base = prev.evaluate(**arrays)
                if not _finite(value, base):
                    continue
                err = _compare(d, prev, arrays, value, rng)
        except DomainError:  # outside a matrix function's domain: another point
            continue
        except MatdiffError:
            raise
        except np.linalg.LinAlgError:
            continue
        if np.isfinite(err):
            best = err if best is None else min(best, err)
            if best < 1e-6 or given:
                break
    if best is None:
        raise ArgumentError("the expression is not finite at any random point tried; "
                            "give the arrays to check at")
    return best


def _compare(d, prev, arrays: dict, value: np.ndarray, rng) -> float:
    x = arrays[d.wrt]
    var = d.variables_nodes[d.wrt]
    n_in = var.rank
    if d.layout == "denominator":  # k×S_in + S_out to S_out + k×S_in, as the lower orders
        n_out = value.ndim - d.order * n_in
        value = np.moveaxis(value, list(range(value.ndim - n_out, value.ndim)),
                            list(range(n_out)))
    symmetric = var.attrs[1] in ("symmetric", "spd")
    scale = max(1.0, float(np.max(np.abs(x)))) if x.size else 1.0
    h = 1e-5 * scale

    def at(delta: np.ndarray) -> np.ndarray:
        shifted = dict(arrays)
        plus = dict(arrays)
        shifted[d.wrt] = x - h * delta
        plus[d.wrt] = x + h * delta
        return (prev.evaluate(**plus) - prev.evaluate(**shifted)) / (2 * h)

    errors = []
    if x.size <= _FULL_LIMIT and not symmetric:
        fd = np.zeros(value.shape)
        for j in np.ndindex(*x.shape):
            e = np.zeros(x.shape)
            e[j] = 1.0
            fd[(Ellipsis,) + j] = at(e)
        errors.append(_relative(value, fd))
    else:
        for _ in range(4):
            v = rng.standard_normal(x.shape)
            if symmetric:
                v = (v + v.T) / 2
            axes = (tuple(range(value.ndim - n_in, value.ndim)), tuple(range(n_in)))
            errors.append(_relative(np.tensordot(value, v, axes=axes), at(v)))
    if symmetric and n_in == 2:
        errors.append(_relative(value, np.swapaxes(value, -1, -2)))
    return float(max(errors))


def _relative(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return float("inf")
    denom = max(float(np.max(np.abs(b), initial=0.0)), float(np.max(np.abs(a), initial=0.0)),
                1e-8)
    return float(np.max(np.abs(a - b), initial=0.0)) / denom
