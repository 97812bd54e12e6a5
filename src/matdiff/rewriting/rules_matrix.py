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


def _transpose_change(node: Node) -> int:
    """How many tokens transposing ``node`` adds (-1 when it removes a transpose)."""
    if node.op is Op.TRANSPOSE:
        return -1
    return 0 if node.is_scalar or is_symmetric(node) else 1


def product(factors: list[Node]) -> Node:
    node = factors[0]
    for f in factors[1:]:
        node = build.mul(node, f)
    return node


def _key(node: Node) -> tuple:
    return (cost(node), repr(node))


@on(Op.TRANSPOSE)
def _push_transpose(node: Node) -> Node | None:
    """(A*B)' = B'*A', (A + B)' = A' + B' and (A/c)' = A'/c, when the result is shorter."""
    inner = node.args[0]
    if inner.op is Op.MATMUL:
        factors = chain(inner)
        if sum(_transpose_change(f) for f in factors) > 1:
            return None
        out = product([transposed(f) for f in reversed(factors)])
    elif inner.op is Op.ADD:
        out = build.add(*(transposed(t) for t in inner.args))
    elif inner.op is Op.HADAMARD:
        out = build.hadamard(*(transposed(t) for t in inner.args))
    elif inner.op is Op.DIV and inner.args[1].is_scalar:
        out = build.div(transposed(inner.args[0]), inner.args[1])
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


def _power_of(f: Node) -> tuple[Node, int]:
    """A chain factor as base and integer exponent: inv(A)^2 is (A, -2)."""
    if f.op is Op.MATPOW:
        base, k = _power_of(f.args[0])
        return base, k * f.attrs[0]
    if f.op is Op.INV and not f.is_scalar:
        base, k = _power_of(f.args[0])
        return base, -k
    return f, 1


def _with_power(base: Node, k: int) -> Node | None:
    if k == 0:
        return None
    if k == 1:
        return base
    if k == -1:
        return build.unary(Op.INV, base)
    if k < 0:
        return build.matpow(build.unary(Op.INV, base), -k)
    return build.matpow(base, k)


def _merge_powers(factors: list[Node]) -> list[Node]:
    merged: list[tuple[Node, int]] = []
    for f in factors:
        base, k = _power_of(f)
        if merged and merged[-1][0] is base and base.rank == 2:
            merged[-1] = (base, merged[-1][1] + k)
            if merged[-1][1] == 0:
                merged.pop()
        else:
            merged.append((base, k))
    out = [_with_power(b, k) for b, k in merged]
    return [f for f in out if f is not None]


def _expand_inverses(factors: list[Node]) -> list[Node]:
    """inv(A*B) = inv(B)*inv(A) when every factor is square."""
    out = []
    for f in factors:
        inner = chain(f.args[0]) if f.op is Op.INV and f.args[0].op is Op.MATMUL else None
        if inner and all(g.rank == 2 and g.shape[0] == g.shape[1] for g in inner):
            out.extend(build.unary(Op.INV, g) for g in reversed(inner))
        else:
            out.append(f)
    return out


@on(Op.MATMUL)
def _powers_in_a_product(node: Node) -> Node | None:
    """A*A = A^2, A^2*inv(A) = A, inv(A*B)*A = inv(B): powers of one base in a row combine."""
    factors = chain(node)
    expanded = _expand_inverses(factors)
    bases = [_power_of(f)[0] for f in expanded]
    if len(expanded) == len(factors) and all(a is not b for a, b in zip(bases, bases[1:])):
        return None
    best = None
    for candidate in (factors, expanded):
        merged = _merge_powers(candidate)
        if len(merged) == len(candidate) and candidate is factors:
            continue
        out = product(merged) if merged else build.eye(node.shape[0])
        if out.shape == node.shape and out is not node and cost(out) <= cost(node) and \
                len(merged) < len(factors) and (best is None or cost(out) < cost(best)):
            best = out
    return best


@on(Op.MATMUL)
def _outer_ones(node: Node) -> Node | None:
    """vector(1)*vector(1)' = matrix(1), inside a product too."""
    factors = chain(node)
    for k in range(len(factors) - 1):
        a, b = factors[k], factors[k + 1]
        if a.op is Op.FILL and a.rank == 1 and b.op is Op.TRANSPOSE and \
                b.args[0].op is Op.FILL and b.args[0].rank == 1 and \
                a.attrs == b.args[0].attrs:
            ones = build.fill(a.attrs[0] * 1.0, (a.shape[0], b.shape[1]))
            if a.attrs[0] != 1.0:
                ones = build.fill(a.attrs[0] ** 2, ones.shape)
            return product(factors[:k] + [ones] + factors[k + 2:])
    return None


@on(Op.ADD)
def _transpose_out_of_a_sum(node: Node) -> Node | None:
    """A' + B' = (A + B)', when it prints shorter."""
    transposed_terms = [t for t in node.args if t.op is Op.TRANSPOSE and t.rank == 2]
    if len(transposed_terms) < 2:
        return None
    inner = build.add(*(t.args[0] for t in transposed_terms))
    rest = [t for t in node.args if not (t.op is Op.TRANSPOSE and t.rank == 2)]
    out = build.add(build.transpose(inner), *rest)
    return out if cost(out) < cost(node) else None


@on(Op.MATPOW)
def _transpose_out_of_a_power(node: Node) -> Node | None:
    """(A')^k = (A^k)'."""
    base = node.args[0]
    if base.op is not Op.TRANSPOSE:
        return None
    return build.transpose(build.matpow(base.args[0], node.attrs[0]))


MATRIX = RuleSet("matrix", (
    Rule("transpose out of a power", _transpose_out_of_a_power, example="(A')^2"),
    Rule("powers in a product combine", _powers_in_a_product, example="A*A*inv(A)*B"),
    Rule("outer product of ones", _outer_ones, example="A*vector(1)*vector(1)' + B"),
    Rule("transpose out of a sum", _transpose_out_of_a_sum, example="(A*B)' + (B*A)'"),
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
