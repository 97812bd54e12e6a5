"""The gradient of a scalar by transposing its differential: ``df = G : dX`` read off.

A differential is linear in ``dX``.  Written as a pairing ``1 : L(dX)``, it is brought to
``G : dX`` by moving one linear op at a time from the right of the pairing to the left, each
by its transpose rule (the adjoint, as in JAX's autodidax ``transpose_rules``):
``G : A*L = A'*G : L``, ``g tr(L) = g*I : L``, ``G : (A .* L) = (G .* A) : L`` …  A sum
splits the pairing into one pairing a term, so the work is a walk down the differential from
its root, once per path to ``dX``.

:data:`TRANSPOSE_RULES` has one rule per linear op, the closed set that index-form lowering
also knows (:mod:`matdiff.tensor.index_form`) except ``vec``, ``kron`` and index-form tensors,
which stay with index form.  :func:`transpose` returns the gradient before simplification and
every application as a :class:`Transposed` record (rule name, the pairing before and after),
which the derivation keeps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..ir import Node, Op, build

__all__ = ["TRANSPOSE_RULES", "TRANSPOSE_NAMES", "Transposed", "transpose", "inner"]

Rule = Callable[[Node, Node, int], Node | None]
"""``rule(node, G, i)``: the cotangent of ``node.args[i]`` when ``node``'s is ``G`` (None
where the rule has none for this node: index form takes the whole differential)."""


@dataclass(frozen=True)
class Transposed:
    """One application: ``G : L`` became ``Σ G_i : L_i`` by the rule ``name``."""

    name: str
    before: tuple[Node, Node]
    after: tuple[tuple[Node, Node], ...]


def inner(g: Node, a: Node) -> Node:
    """``G : A`` as a scalar node: ``g*a`` for scalars, ``g'*a`` for vectors, ``tr(G'*A)``
    for matrices."""
    if g.is_scalar or a.is_scalar:
        return build.mul(g, a)
    if g.rank == 1:
        return build.matmul(build.transpose(g), a)
    return build.unary(Op.TRACE, build.matmul(build.transpose(g), a))


def _number(node: Node) -> float | None:
    return node.attrs[0] if node.op is Op.CONST else None


def _scaled(s: Node, g: Node) -> Node:
    """``s*G`` for a scalar ``s``, a factor of one dropped and numbers multiplied, so the
    cotangents stay as small as a hand derivation keeps them."""
    if _number(s) == 1.0:
        return g
    if _number(g) == 1.0:
        return s
    if _number(s) is not None and _number(g) is not None:
        return build.const(_number(s) * _number(g))
    if _number(s) is not None and g.op is Op.SCALE and _number(g.args[0]) is not None:
        return _scaled(build.const(_number(s) * _number(g.args[0])), g.args[1])
    return build.mul(s, g)


def _flipped(g: Node) -> Node:
    """``G'``: the node under a transpose, a product's factors flipped in reverse order, a
    scale's array flipped, so a cotangent reads as a hand derivation writes it."""
    if g.op is Op.TRANSPOSE:
        return g.args[0]
    if g.op is Op.MATMUL:
        return _product(_flipped(g.args[1]), _flipped(g.args[0]))
    if g.op is Op.SCALE:
        return _scaled(g.args[0], _flipped(g.args[1]))
    if g.op is Op.DIV and g.args[1].is_scalar:
        return build.div(_flipped(g.args[0]), g.args[1])
    if g.op is Op.FILL and g.rank == 1:
        return build.fill(g.attrs[0], (1, g.shape[0]))
    if g.op is Op.FILL and g.shape[0] == 1:
        return build.fill(g.attrs[0], (g.shape[1],))
    return build.transpose(g)


def _identity_scale(node: Node) -> Node | None:
    """``s`` where ``node`` is ``s*I`` (``1`` for ``I``), else None."""
    if node.op is Op.EYE:
        return build.ONE
    if node.op is Op.SCALE and node.args[1].op is Op.EYE:
        return node.args[0]
    return None


def _product(a: Node, b: Node) -> Node:
    """``a*b``, a scaled identity on either side applied as the scale it is."""
    if a.is_scalar or b.is_scalar:
        return _scaled(a, b) if a.is_scalar else _scaled(b, a)
    s = _identity_scale(a)
    if s is not None:
        return _scaled(s, b)
    s = _identity_scale(b)
    if s is not None:
        return _scaled(s, a)
    return build.matmul(a, b)


def _sum_to(g: Node, arg: Node) -> Node:
    """A cotangent of a broadcast scalar: the sum of the broadcast one."""
    return g if arg.shape == g.shape else build.unary(Op.SUM, g)


def _add(node, g, i):
    return _sum_to(g, node.args[i])


def _neg(node, g, i):
    return _scaled(build.const(-1.0), g)


def _scale(node, g, i):
    s, a = node.args
    return _scaled(s, g) if i == 1 else inner(g, a)


def _matmul(node, g, i):
    a, b = node.args
    if i == 1:
        return _product(_flipped(a), g)
    return _product(g, _flipped(b))


def _ones(node: Node) -> bool:
    return node.op is Op.FILL and node.attrs[0] == 1.0


def _hadamard(node, g, i):
    """``G : A.*L = (A.*G) : L``; a cotangent of ones (from ``sum``) gives ``A`` itself, as
    ``sum(A .* L) = A : L`` is written by hand."""
    other = node.args[1 - i]
    if _ones(g):
        return other
    if g.op is Op.SCALE and _ones(g.args[1]):
        return _scaled(g.args[0], other)
    return build.hadamard(g, other)


def _div(node, g, i):
    return _sum_to(build.div(g, node.args[1]), node.args[0])


def _transpose(node, g, i):
    return _flipped(g)


def _trace(node, g, i):
    arg = node.args[0]
    return g if arg.is_scalar else _scaled(g, build.eye(arg.shape[0]))


def _sum(node, g, i):
    arg = node.args[0]
    return g if arg.is_scalar else _scaled(g, build.fill(1.0, arg.shape))


def _diagm(node, g, i):
    return build.unary(Op.DIAGV, g)


def _diagv(node, g, i):
    return build.unary(Op.DIAGM, g)


def _frechet(node, g, i):
    """``G : L_f(X, …, E) = L_f(X', …', G) : E``: f has a power series with real
    coefficients, so the adjoint of a Fréchet derivative is the derivative at the transpose
    (each other direction transposed too).  A direction with a derivative per index has no
    adjoint here (None: index form takes it)."""
    if any(a.rank > 2 for a in node.args) or g.rank > 2:
        return None
    x, *directions = node.args
    others = [_flipped(e) for k, e in enumerate(directions, start=1) if k != i]
    return build.frechet(node.attrs[0], _flipped(x), *others, g)


TRANSPOSE_RULES: dict[Op, Rule] = {
    Op.ADD: _add, Op.NEG: _neg, Op.SCALE: _scale, Op.MATMUL: _matmul,
    Op.HADAMARD: _hadamard, Op.DIV: _div, Op.TRANSPOSE: _transpose, Op.TRACE: _trace,
    Op.SUM: _sum, Op.DIAGM: _diagm, Op.DIAGV: _diagv, Op.FRECHET: _frechet,
}

TRANSPOSE_NAMES: dict[Op, str] = {
    Op.ADD: "G : (L1 + L2) = G : L1 + G : L2",
    Op.NEG: "G : -L = -G : L",
    Op.SCALE: "G : s*L = s*G : L",
    Op.MATMUL: "G : A*L*B = A'*G*B' : L",
    Op.HADAMARD: "G : A.*L = (A.*G) : L",
    Op.DIV: "G : L/s = G/s : L",
    Op.TRANSPOSE: "G : L' = G' : L",
    Op.TRACE: "g tr(L) = g*I : L",
    Op.SUM: "g sum(L) = g*ones : L",
    Op.DIAGM: "G : diag(l) = diag(G) : l",
    Op.DIAGV: "g : diag(L) = diag(g) : L",
    Op.FRECHET: "G : L_f(X, L) = L_f(X', G) : L (the adjoint of a Fréchet derivative)",
}


def transpose(differential: Node, x: Node) -> tuple[Node, list[Transposed]] | None:
    """``G`` with ``differential = G : dX`` (unsimplified), and the applications in order;
    None where the differential has an op without a transpose rule (index form takes it)."""
    dx = build.diff(x)
    depends: dict[int, bool] = {}

    def has_dx(node: Node) -> bool:
        key = id(node)
        if key not in depends:
            depends[key] = node is dx or any(has_dx(a) for a in node.args)
        return depends[key]

    pending = [(build.ONE, differential)]
    done: list[Node] = []
    applied: list[Transposed] = []
    while pending:
        g, lin = pending.pop()
        if lin is dx:
            done.append(g)
            continue
        rule = TRANSPOSE_RULES.get(lin.op)
        if rule is None:
            return None
        after = tuple((rule(lin, g, i), a) for i, a in enumerate(lin.args) if has_dx(a))
        if any(cotangent is None for cotangent, _ in after):
            return None
        applied.append(Transposed(TRANSPOSE_NAMES[lin.op], (g, lin), after))
        pending.extend(reversed(after))
    return _oriented(build.add(*done)), applied


def _chain(node: Node) -> list[Node]:
    """The factors of a product chain, in order."""
    if node.op is not Op.MATMUL:
        return [node]
    return _chain(node.args[0]) + _chain(node.args[1])


def _oriented(g: Node) -> Node:
    """``g`` with every product chain whose factors are mostly transposed written as the
    transpose of the chain reversed (``A3'*X'*A1' = (A1*X*A3)'``), as the transpose rules
    leave a cotangent that went down a long chain."""
    memo: dict[int, Node] = {}

    def visit(node: Node) -> Node:
        key = id(node)
        if key in memo:
            return memo[key]
        if node.op is Op.MATMUL:
            factors = [visit(f) for f in _chain(node)]
            out = factors[0]
            if 2 * sum(f.op is Op.TRANSPOSE for f in factors) > len(factors):
                out = _flipped(factors[-1])
                for f in reversed(factors[:-1]):
                    out = build.matmul(out, _flipped(f))
                out = build.transpose(out)
            else:
                for f in factors[1:]:
                    out = build.matmul(out, f)
        elif node.args:
            out = node.rebuild(tuple(visit(a) for a in node.args))
        else:
            out = node
        memo[key] = out
        return out

    return visit(g)
