"""One shape rule per op, shared by IR construction and by shape inference.

A rule receives the argument shapes, the node's attributes and a *unifier*, and returns the
node's shape.  It states every constraint through the unifier: ``u.dim(a, b, i, j, reason)``
says dimension ``a`` (of argument ``i``) must equal ``b`` (of argument ``j``);
``u.fail(reason, i, j)`` rejects the combination outright.  Reasons are templates where
``{L}``/``{R}`` name the operands (``D (3×4)``) and ``{a}``/``{b}`` the two dimensions.

IR construction passes a unifier that demands exact equality (:mod:`matdiff.ir.nodes`);
inference over parsed input passes one that binds unknown dimensions
(:mod:`matdiff.shapes.infer`), so the rules exist once.
"""

from __future__ import annotations

from typing import Callable, Protocol

from .dims import Dim, Shape
from .ops import LEAVES, Op

__all__ = ["Unifier", "SHAPE_RULES", "matrix_view"]


class Unifier(Protocol):
    def dim(self, a: Dim, b: Dim, i: int, j: int, reason: str) -> Dim: ...

    def fail(self, reason: str, i: int, j: int = -1) -> None: ...

    def prod(self, *dims: Dim) -> Dim: ...


def matrix_view(shape: Shape) -> tuple[Dim, Dim]:
    """A vector is a column: ``(n,)`` is viewed as ``(n, 1)``."""
    return (shape[0], 1) if len(shape) == 1 else (shape[0], shape[1])


def _same_or_scalar(shapes: list[Shape], u: Unifier, reason: str) -> Shape:
    """Element-wise combination: equal shapes, a scalar broadcasting to the others."""
    result: Shape = ()
    owner = -1
    for k, s in enumerate(shapes):
        if not s:
            continue
        if not result:
            result, owner = s, k
            continue
        if len(s) != len(result):
            u.fail(reason, owner, k)
        result = tuple(u.dim(a, b, owner, k, reason) for a, b in zip(result, s))
    return result


def _add(shapes, attrs, u):
    return _same_or_scalar(shapes, u, "cannot add {L} and {R}: the shapes differ")


def _elementwise(shapes, attrs, u):
    return _same_or_scalar(shapes, u, "element-wise operation on {L} and {R}: the shapes differ")


def _same(shapes, attrs, u):
    return shapes[0]


def _scale(shapes, attrs, u):
    if shapes[0]:
        u.fail("{L} must be a scalar to scale {R}", 0, 1)
    return shapes[1]


def _matmul(shapes, attrs, u):
    sa, sb = shapes
    if not sa or not sb:
        u.fail("internal: a scalar product is a scale, not a matrix product", 0, 1)
    if len(sa) > 2 or len(sb) > 2:
        u.fail("cannot multiply {L} by {R}: a matrix product needs matrices or vectors", 0, 1)
    ra, ca = matrix_view(sa)
    rb, cb = matrix_view(sb)
    if len(sa) == 1 and len(sb) == 1:
        u.fail("cannot multiply {L} by {R}: both are column vectors "
               "(write x'*y for the inner product, x*y' for the outer one, x.*y element-wise)",
               0, 1)
    u.dim(ca, rb, 0, 1, "cannot multiply {L} by {R}: the inner dimensions {a} and {b} differ")
    rows, cols = ra, cb
    if rows == 1 and cols == 1:
        return ()
    if len(sb) == 1:
        return (rows,)
    return (rows, cols)


def _transpose(shapes, attrs, u):
    s = shapes[0]
    if len(s) > 2:
        u.fail("cannot transpose {L}: transpose needs a matrix or a vector", 0)
    if not s:
        return ()
    if len(s) == 1:
        return (1, s[0])
    if s[0] == 1:
        return (s[1],) if s[1] != 1 else ()
    return (s[1], s[0])


def _square_or_scalar(reason: str, result: Callable[[Shape], Shape]):
    def rule(shapes, attrs, u):
        s = shapes[0]
        if not s:
            return ()
        if len(s) != 2:
            u.fail(reason + ": {L} is not a square matrix", 0)
        n = u.dim(s[0], s[1], 0, 0, reason + ": {L} is not square ({a}×{b})")
        return result((n, n))
    return rule


def _diagm(shapes, attrs, u):
    s = shapes[0]
    if len(s) != 1:
        u.fail("diag of {L}: a diagonal matrix is built from a vector", 0)
    return (s[0], s[0])


def _diagv(shapes, attrs, u):
    s = shapes[0]
    if len(s) != 2:
        u.fail("diag of {L}: the diagonal is taken of a matrix", 0)
    n = u.dim(s[0], s[1], 0, 0, "diag of {L}: the matrix is not square ({a}×{b})")
    return (n,)


def _vec(shapes, attrs, u):
    s = shapes[0]
    if len(s) not in (1, 2):
        u.fail("vec of {L}: vec needs a matrix or a vector", 0)
    return (u.prod(s[1], s[0]),) if len(s) == 2 else s  # columns stacked: the column slowest


def _to_scalar(shapes, attrs, u):
    return ()


def _kron(shapes, attrs, u):
    sa, sb = shapes
    if len(sa) not in (1, 2) or len(sb) not in (1, 2):
        u.fail("kron of {L} and {R}: it takes matrices or vectors", 0, 1)
    if len(sa) == len(sb):
        return tuple(u.prod(a, b) for a, b in zip(sa, sb))
    (ra, ca), (rb, cb) = matrix_view(sa), matrix_view(sb)
    return (u.prod(ra, rb), ca if len(sb) == 1 else cb)


def _on_vector(result_is_vector: bool, name: str):
    def rule(shapes, attrs, u):
        s = shapes[0]
        if len(s) != 1:
            u.fail(name + " of {L}: it takes a vector", 0)
        return s if result_is_vector else ()
    return rule


def _norm(shapes, attrs, u):
    return ()


def _pow(shapes, attrs, u):
    return _same_or_scalar(shapes, u, "power of {L} by {R}: the shapes differ")


def _einsum(shapes, attrs, u):
    specs, out = attrs
    sizes: dict[str, tuple[Dim, int]] = {}
    for k, (spec, s) in enumerate(zip(specs, shapes)):
        if len(spec) != len(s):
            u.fail("internal: einsum spec does not fit {L}", k)
        for ch, d in zip(spec, s):
            if ch == "_":
                u.dim(d, 1, k, k, "internal: einsum unit axis of {L} has size {a}")
            elif ch in sizes:
                d0, k0 = sizes[ch]
                u.dim(d0, d, k0, k, "internal: einsum index sizes {a} and {b} differ")
            else:
                sizes[ch] = (d, k)
    return tuple(1 if ch == "_" else sizes[ch][0] for ch in out)


def _matfunc(shapes, attrs, u):
    s = shapes[0]
    if len(s) != 2:
        u.fail(f"{attrs[0]} of {{L}}: a matrix function takes a square matrix (exp, log and "
               "sqrt act element-wise)", 0)
    n = u.dim(s[0], s[1], 0, 0, f"{attrs[0]} of {{L}}: the matrix is not square ({{a}}×{{b}})")
    return (n, n)


def _frechet(shapes, attrs, u):
    """``L_f(X, E1, …)``: square ``X``, each direction of its shape; a direction's trailing
    axes (a derivative per index) are the result's, in the order of the directions."""
    n, _ = _matfunc(shapes[:1], attrs, u)
    reason = "Fréchet derivative at {L} in the direction {R}: the shapes differ"
    batch: tuple = ()
    for k, s in enumerate(shapes[1:], start=1):
        if len(s) < 2:
            u.fail(reason, 0, k)
        u.dim(n, s[0], 0, k, reason)
        u.dim(n, s[1], 0, k, reason)
        batch += tuple(s[2:])
    return (n, n) + batch


def _leaf(shapes, attrs, u):
    u.fail("internal: a leaf has no shape rule", -1)


SHAPE_RULES: dict[Op, Callable] = {
    Op.ADD: _add,
    Op.NEG: _same,
    Op.SCALE: _scale,
    Op.MATMUL: _matmul,
    Op.HADAMARD: _elementwise,
    Op.DIV: _elementwise,
    Op.POW: _pow,
    Op.MATPOW: _square_or_scalar("matrix power", lambda s: s),
    Op.TRANSPOSE: _transpose,
    Op.TRACE: _square_or_scalar("trace", lambda s: ()),
    Op.DET: _square_or_scalar("determinant", lambda s: ()),
    Op.LOGDET: _square_or_scalar("log-determinant", lambda s: ()),
    Op.INV: _square_or_scalar("inverse", lambda s: s),
    Op.DIAGM: _diagm,
    Op.DIAGV: _diagv,
    Op.VEC: _vec,
    Op.SUM: _to_scalar,
    Op.KRON: _kron,
    Op.NORM2: _norm,
    Op.NORM1: _norm,
    Op.FUNC: _same,
    Op.LOGSUMEXP: _on_vector(False, "logsumexp"),
    Op.SOFTMAX: _on_vector(True, "softmax"),
    Op.EINSUM: _einsum,
    Op.MATFUNC: _matfunc,
    Op.FRECHET: _frechet,
    **{op: _leaf for op in LEAVES},
}
