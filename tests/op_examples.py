"""One small, well-shaped IR node of every op, for the tests that go through the op tables.

:data:`EXAMPLES` maps every :class:`~matdiff.ir.Op` to a node whose root is that op, built with
the checked constructors over the variables of :data:`VARIABLES` (distinct dimension names, so
a swapped axis shows as a shape error).  A test that iterates over ``Op`` looks its node up
here; a new op without an example fails :func:`missing_examples` in ``test_architecture.py``.
"""

from __future__ import annotations

from matdiff.ir import Op, build

__all__ = ["VARIABLES", "EXAMPLES", "SIZES", "missing_examples"]

SIZES = {"n": 3, "m": 4}

A = build.var("A", ("n", "n"))
B = build.var("B", ("n", "m"))
x = build.var("x", ("n",))
a = build.var("a", ())

VARIABLES = {"A": A, "B": B, "x": x, "a": a}
"""The variables the examples are built over: a square matrix, a wide one, a vector, a
scalar."""

EXAMPLES = {
    Op.VAR: A,
    Op.DIFF: build.diff(A),
    Op.CONST: build.const(2.5),
    Op.EYE: build.eye("n"),
    Op.FILL: build.fill(1.0, ("n",)),
    Op.FUSE: build.fuse("n", "m"),
    Op.ADD: build.add(A, build.eye("n")),
    Op.NEG: build.neg(B),
    Op.SCALE: build.scale(a, B),
    Op.MATMUL: build.matmul(A, B),
    Op.HADAMARD: build.hadamard(A, A),
    Op.DIV: build.div(B, a),
    Op.POW: build.power(x, build.const(2.0)),
    Op.MATPOW: build.matpow(A, 3),
    Op.TRANSPOSE: build.transpose(B),
    Op.TRACE: build.unary(Op.TRACE, A),
    Op.DET: build.unary(Op.DET, A),
    Op.LOGDET: build.unary(Op.LOGDET, A),
    Op.INV: build.unary(Op.INV, A),
    Op.DIAGM: build.unary(Op.DIAGM, x),
    Op.DIAGV: build.unary(Op.DIAGV, A),
    Op.VEC: build.unary(Op.VEC, B),
    Op.SUM: build.unary(Op.SUM, B),
    Op.KRON: build.construct(Op.KRON, (A, B)),
    Op.NORM2: build.unary(Op.NORM2, x),
    Op.NORM1: build.unary(Op.NORM1, B),
    Op.FUNC: build.func("exp", x),
    Op.LOGSUMEXP: build.unary(Op.LOGSUMEXP, x),
    Op.SOFTMAX: build.unary(Op.SOFTMAX, x),
    Op.EINSUM: build.einsum(("ij", "jk"), "ik", (A, B)),
    Op.MATFUNC: build.matfunc("expm", A),
    Op.FRECHET: build.frechet("sqrtm", A, build.transpose(A)),
}
"""A node of every op (its root is that op)."""


def missing_examples() -> set[Op]:
    """The ops that have no example here."""
    return set(Op) - set(EXAMPLES)
