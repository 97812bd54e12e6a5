"""Rules of matrix algebra: transposes, traces, symmetry, scalars equal to their transposes.

Transposes go to the leaves or out of a product, whichever prints shorter; traces are brought
to one cyclic rotation (the shortest, then the first in text order), so equal traces look
equal; a scalar chain ``u'*M*v`` is written in whichever of its two equal orientations sorts
first, which lets like terms such as ``x'*A*y + y'*A'*x`` collect.
"""

from __future__ import annotations

from ..ir import Node, Op, build
from .engine import Rule, RuleSet
from .measure import chain, cost, is_symmetric, open_chain
from .patterns import Det, Hole, Inv, Logdet, T, Tr

__all__ = ["MATRIX", "on", "transposed", "product"]

A = Hole("A")


def on(op: Op):
    """Mark a rule function with the op it rewrites (the engine indexes rules by op)."""
    def mark(fn):
        fn.op = op
        return fn
    return mark


def transposed(node: Node) -> Node:
    """``node'`` without a double transpose, and nothing for what equals its transpose."""
    if node.op is Op.TRANSPOSE:
        return node.args[0]
    if node.is_scalar or is_symmetric(node):
        return node
    return build.transpose(node)


def product(factors: list[Node]) -> Node:
    node = factors[0]
    for f in factors[1:]:
        node = build.mul(node, f)
    return node


def _key(node: Node) -> tuple:
    return (cost(node), repr(node))


@on(Op.TRANSPOSE)
def _push_transpose(node: Node) -> Node | None:
    """(A*B)' = B'*A' and (A + B)' = A' + B', when the result is shorter."""
    inner = node.args[0]
    if inner.op is Op.MATMUL:
        out = product([transposed(f) for f in reversed(chain(inner))])
    elif inner.op is Op.ADD:
        out = build.add(*(transposed(t) for t in inner.args))
    elif inner.op is Op.HADAMARD:
        out = build.hadamard(*(transposed(t) for t in inner.args))
    else:
        return None
    return out if cost(out) <= cost(node) else None


@on(Op.MATMUL)
def _pull_transpose(node: Node) -> Node | None:
    """B'*A' = (A*B)', when it prints shorter."""
    factors = chain(node)
    if sum(f.op is Op.TRANSPOSE for f in factors) < 2 or node.rank != 2 or node.shape[0] == 1:
        return None
    out = transposed(product([transposed(f) for f in reversed(factors)]))
    return out if cost(out) < cost(node) else None


@on(Op.TRANSPOSE)
def _symmetric_transpose(node: Node) -> Node | None:
    return node.args[0] if is_symmetric(node.args[0]) else None


@on(Op.TRACE)
def _cyclic_trace(node: Node) -> Node | None:
    """tr(A*B*C) = tr(B*C*A) = tr(C'*B'*A'): one representative of them all."""
    factors = open_chain(node.args[0], transposed)
    if len(factors) < 2:
        return None
    flipped = [transposed(f) for f in reversed(factors)]
    candidates = []
    for seq in (factors, flipped):
        for k in range(len(seq)):
            rot = seq[k:] + seq[:k]
            if _fits(rot):
                prod = product(rot)
                candidates.append(prod if prod.is_scalar else build.unary(Op.TRACE, prod))
    best = min(candidates, key=_key)
    return None if best is node else best


def _fits(factors: list[Node]) -> bool:
    """The factors multiply left to right (a vector only at either end)."""
    try:
        product(factors)
    except ValueError:
        return False
    return True


@on(Op.MATMUL)
def _scalar_orientation(node: Node) -> Node | None:
    """u'*M*v = v'*M'*u: a scalar is written in the orientation that sorts first."""
    if not node.is_scalar:
        return None
    factors = open_chain(node, transposed)
    opened = product(factors)
    flipped = product([transposed(f) for f in reversed(factors)])
    best = min((node, opened, flipped), key=_key)
    return None if best is node else best


@on(Op.MATMUL)
def _associate(node: Node) -> Node | None:
    """A*(B*C) = A*B*C: products are written left to right."""
    if node.args[1].op is not Op.MATMUL:
        return None
    return product(chain(node))


@on(Op.ADD)
def _sum_of_diagonals(node: Node) -> Node | None:
    """diag(u) + diag(v) = diag(u + v)."""
    def vector_of(t: Node):
        if t.op is Op.DIAGM:
            return t.args[0]
        if t.op is Op.NEG and t.args[0].op is Op.DIAGM:
            return build.neg(t.args[0].args[0])
        if t.op is Op.SCALE and t.args[1].op is Op.DIAGM:
            return build.mul(t.args[0], t.args[1].args[0])
        return None
    vectors = [vector_of(t) for t in node.args]
    if sum(v is not None for v in vectors) < 2:
        return None
    merged = build.unary(Op.DIAGM, build.add(*(v for v in vectors if v is not None)))
    rest = [t for t, v in zip(node.args, vectors) if v is None]
    return build.add(merged, *rest)


MATRIX = RuleSet("matrix", (
    Rule("products associate", _associate, example="A*(B*C)"),
    Rule("sum of diagonal matrices", _sum_of_diagonals, example="diag(x) - diag(y)"),
    Rule("symmetric matrix equals its transpose", _symmetric_transpose, example="(A'*A)'"),
    Rule("transpose of a product or sum", _push_transpose, example="(A'*B)'"),
    Rule("transpose out of a product", _pull_transpose, example="B'*A'"),
    Rule("transpose of the inverse", Inv(T(A)), T(Inv(A)), example="inv(A')"),
    Rule("trace of a transpose", Tr(T(A)), Tr(A), example="tr(A')"),
    Rule("determinant of a transpose", Det(T(A)), Det(A), example="det(A')"),
    Rule("log-determinant of a transpose", Logdet(T(A)), Logdet(A), example="logdet(A')"),
    Rule("cyclic property of the trace", _cyclic_trace, example="tr(B*A)"),
    Rule("a scalar equals its transpose", _scalar_orientation, example="y'*A'*x"),
))
