"""The budget of a derivation, checked before any work: its tensor order and its size.

A derivative of order ``k`` of ``f`` by ``X`` is a tensor of order ``rank(f) + k·rank(X)``;
past :data:`MAX_TENSOR_ORDER` it is refused.  Its size is estimated from the expression
(:func:`differential_terms`): the differential of ``f`` has about as many terms as ``X`` has
occurrences in ``f``, each matrix power ``A^k`` on the way multiplying the count by ``|k|``
(``d(A^k)`` is a sum of ``k`` products); each term is about a copy of the expression (the
product rule keeps the other factors), and beside a non-linear function its derivative.
Each further order multiplies the count again.  Past :data:`MAX_TERMS` terms or
:data:`MAX_SIZE` nodes the derivative is refused: a derivative of ``A^100000000`` is answered
at once with the limit rather than after hours of work.  What passes runs under a time bound,
:data:`MAX_SECONDS` of CPU time, and is refused when it runs out.  Every refusal is a
:class:`~matdiff.errors.LimitError` naming the limit.
"""

from __future__ import annotations

from ..errors import LimitError
from ..ir import Node, Op

__all__ = ["MAX_TENSOR_ORDER", "MAX_TERMS", "MAX_SIZE", "MAX_SECONDS", "differential_terms",
           "check_budget"]

MAX_TENSOR_ORDER = 8
"""The highest order of tensor a derivative may be (order 2 of a matrix by a matrix is 6)."""
MAX_TERMS = 4096
"""The most terms the estimate allows a derivative (of any order) before simplification."""
MAX_SIZE = 4000
"""The most nodes the estimate allows a derivative before simplification (the Matrix
Cookbook's largest is about 600, at order 2; the gradient of a trace of 40 products with
X in each, about 3,300)."""
MAX_SECONDS = 0.5
"""The most CPU time a derivation may take (:mod:`matdiff.ir.clock`): the size estimate
cannot tell every slow simplification from a quick one of the same size.  Half the second
that reading, deriving and printing an input may take in all (the fuzzer's bound)."""


def differential_terms(node: Node, var: Node) -> tuple[int, int]:
    """About how many terms the differential of ``node`` by ``var`` has (0: none), and how
    many nodes it has: the product rule copies the other factors into each term.  (A walk
    by recursion: the caller gives it the room a deep expression needs.)"""
    memo: dict[int, tuple[int, int, int]] = {}  # id → (terms, size of d, size of the node)
    cap = MAX_TERMS * MAX_SIZE

    def walk(n: Node) -> tuple[int, int, int]:
        got = memo.get(id(n))
        if got is not None:
            return got
        if n is var:
            got = (1, 0, 1)  # dX itself costs nothing: the copies around it do
        elif not n.args:
            got = (0, 0, 1)
        else:
            parts = [walk(a) for a in n.args]
            size = 1 + sum([p[2] for p in parts])
            terms = sum([p[0] for p in parts])
            op = n.op
            if not terms:
                dsize = 0
            elif op is Op.MATPOW:  # d(A^k): k products A^i dA A^(k-1-i)
                k = abs(n.attrs[0])
                terms, dsize = terms * k, k * (parts[0][1] + 2 * size)
            elif op is Op.ADD:  # a sum's differential is the sum of its terms'
                dsize = sum([p[1] for p in parts])
            else:
                copies = 2 * size if op not in _MULTILINEAR else 0  # f'(a) beside each da
                dsize = sum([p[1] + size - p[2] + copies for p in parts if p[0]])
            got = (min(terms, MAX_TERMS + 1), min(dsize, cap + 1), min(size, cap + 1))
        memo[id(n)] = got
        return got

    terms, dsize, _ = walk(node)
    return terms, dsize


_MULTILINEAR = frozenset({Op.NEG, Op.SCALE, Op.MATMUL, Op.HADAMARD, Op.KRON,
                          Op.TRANSPOSE, Op.TRACE, Op.SUM, Op.VEC, Op.DIAGM, Op.DIAGV})
"""Ops whose differential is the op itself applied with one argument differentiated; any
other op's differential carries a derivative of the same size as the node beside it."""


def check_budget(node: Node, var: Node, order: int, text: str | None = None,
                 spans: dict[int, tuple[int, int]] | None = None) -> None:
    """Refuse, before any work, a derivative past the tensor order or the size limit (the
    matrix powers marked where ``spans``, by node id, or their own spans place them)."""
    tensor_order = node.rank + order * var.rank
    if tensor_order > MAX_TENSOR_ORDER:
        raise LimitError(f"the derivative would be a tensor of order {tensor_order}, above "
                         f"the limit of {MAX_TENSOR_ORDER}", text)
    terms, size = differential_terms(node, var)
    if terms and (terms ** order > MAX_TERMS or size * terms ** (order - 1) > MAX_SIZE):
        spans = spans or {}
        powers = tuple(spans.get(id(n), n.span) for n in _matrix_powers(node))
        raise LimitError(f"the derivative would have more than {MAX_TERMS} terms or "
                         f"{MAX_SIZE} nodes before simplification (the limit on work: lower "
                         "the matrix power, the order or the size of the expression)", text,
                         powers)


def _matrix_powers(node: Node) -> list[Node]:
    seen, out, todo = set(), [], [node]
    while todo:
        n = todo.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if n.op is Op.MATPOW:
            out.append(n)
        todo.extend(n.args)
    return out
