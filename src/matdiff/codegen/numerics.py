"""Numbers and numerically careful functions as generated Python.

Constants are written so that every value survives (``xp.inf``, ``xp.nan``, a number too large
for a float is an infinity of its sign); the element-wise functions the array API lacks, and
those whose textbook form overflows, are helper functions written once per module:
``sigmoid`` through ``exp(-|z|)`` (one ``exp``, no overflow at any ``z``), ``log(1 + exp(z))``
as the softplus ``max(z, 0) + log1p(exp(-|z|))``, ``logsumexp`` and ``softmax`` shifted by
the maximum.  :data:`HELPERS` holds their source by name; :data:`NAMES` the functions whose
spelling differs between the array API (``xp.linalg.trace``) and plain NumPy (``np.trace``,
which NumPy 1.26 has where it lacks ``np.linalg.trace``).
"""

from __future__ import annotations

import math

__all__ = ["number", "HELPERS", "ELEMENTWISE_HELPERS", "TEMPLATES", "NAMES"]


def number(value) -> str:
    """Python text of a constant's value, exact for every float and for infinities."""
    try:
        f = float(value)
    except OverflowError:
        f = math.inf if value > 0 else -math.inf
    if math.isnan(f):
        return "xp.nan"
    if math.isinf(f):
        return "xp.inf" if f > 0 else "-xp.inf"
    return repr(f)


HELPERS = {
    "_logsumexp": '''def _logsumexp(xp, a):
    top = xp.max(a)
    return top + xp.log(xp.sum(xp.exp(a - top), dtype=a.dtype))''',
    "_softmax": '''def _softmax(xp, a):
    e = xp.exp(a - xp.max(a))
    return e / xp.sum(e, dtype=e.dtype)''',
    "_sigmoid": '''def _sigmoid(xp, z):
    e = xp.exp(-xp.abs(z))
    r = 1 / (1 + e)
    return xp.where(z >= 0, r, e * r)''',
    "_softplus": '''def _softplus(xp, z):
    return (z + xp.abs(z)) / 2 + xp.log1p(xp.exp(-xp.abs(z)))''',
    "_einsum": '''def _einsum(xp, spec, *operands):
    try:
        return xp.einsum(spec, *operands, optimize=True)
    except TypeError:  # a library whose einsum chooses the contraction order itself
        return xp.einsum(spec, *operands)''',
}
"""Helper functions by name; a module defines those its code calls."""

ELEMENTWISE_HELPERS = {"sigmoid": "_sigmoid"}
"""The element-wise functions that are a helper rather than the array API's ``xp.<name>``."""

TEMPLATES = {
    "relu": "xp.where({0} > 0, {0}, 0 * {0})",
    "heaviside": "xp.where({0} > 0, 1.0, xp.zeros_like({0}))",
}
"""The element-wise functions written inline (``{0}`` their argument, a name)."""

NAMES = {
    "array_api": {"trace": "xp.linalg.trace", "diagonal": "xp.linalg.diagonal"},
    "numpy": {"trace": "xp.trace", "diagonal": "xp.diagonal"},
}
"""Functions spelled differently by target."""
