"""Index form tidied for reading: numbers folded, like terms combined, deltas in order.

:func:`tidy` rewrites a sum of :class:`~.index_form.Term` s as an expert writes it by hand:
a factor that is a number (``(1/2)``, ``2*3``) goes into the coefficient; terms whose factors
are equal up to their order and the names of their summed indices are one term with the sum
of the coefficients (``δ_ik δ_jl + δ_ik δ_jl`` is ``2 δ_ik δ_jl``; terms that cancel go);
Kronecker deltas come first in a term, each with its indices in the order of the result's
axes (``X_ki δ_lj`` is ``δ_jl X_ki``).  The tidied terms have the same value as the given
ones (a delta is symmetric, factors commute); the order of the terms is that of their first
occurrence.
"""

from __future__ import annotations

from typing import Iterable

from ..ir import Node, Op
from .index_form import Factor, Index, Term

__all__ = ["tidy"]


def tidy(terms: Iterable[Term], out: tuple[Index, ...]) -> list[Term]:
    """``terms`` (free indices ``out``) with numbers folded and like terms combined."""
    rank = {i: k for k, i in enumerate(dict.fromkeys(i for i in out if i is not None))}
    combined: dict[tuple, Term] = {}
    for term in terms:
        term = _ordered(_folded(term), rank)
        key = _signature(term, rank)
        known = combined.get(key)
        combined[key] = term if known is None else Term(known.coef + term.coef,
                                                          known.factors)
    return [t for t in combined.values() if t.coef != 0.0]


def _folded(term: Term) -> Term:
    """Factors that are numbers (no index to range over) multiplied into the coefficient."""
    coef, factors = term.coef, []
    for f in term.factors:
        value = _number(f.node) if all(i is None for i in f.idx) else None
        if value is None:
            factors.append(f)
        else:
            coef *= value
    return Term(coef, factors)


_ARITHMETIC = {
    Op.ADD: sum, Op.NEG: lambda v: -v[0], Op.SCALE: lambda v: v[0] * v[1],
    Op.HADAMARD: lambda v: v[0] * v[1], Op.MATMUL: lambda v: v[0] * v[1],
    Op.DIV: lambda v: v[0] / v[1], Op.POW: lambda v: v[0] ** v[1],
    Op.TRANSPOSE: lambda v: v[0], Op.TRACE: lambda v: v[0],
}


def _number(node: Node) -> float | None:
    """The value of a node of one entry built from numbers alone, else None."""
    if any(d != 1 for d in node.shape):
        return None
    if node.op in (Op.CONST, Op.FILL):
        return float(node.attrs[0])
    rule = _ARITHMETIC.get(node.op)
    if rule is None:
        return None
    values = []
    for a in node.args:  # the first argument that is no number ends the walk
        value = _number(a)
        if value is None:
            return None
        values.append(value)
    try:
        value = rule(values)
    except (ZeroDivisionError, OverflowError):
        return None
    return value if isinstance(value, float) else None


def _index_rank(rank: dict, i: Index) -> tuple:
    return (0, rank[i]) if i in rank else (1, str(i))


def _ordered(term: Term, rank: dict) -> Term:
    """Deltas first, each with its indices in the order of the result's axes."""
    deltas, others = [], []
    for f in term.factors:
        if f.node.op is Op.EYE:
            deltas.append(Factor(f.node, tuple(sorted(f.idx,
                                                      key=lambda i: _index_rank(rank, i)))))
        else:
            others.append(f)
    deltas.sort(key=lambda f: [_index_rank(rank, i) for i in f.idx])
    return Term(term.coef, deltas + others)


def _signature(term: Term, rank: dict) -> tuple:
    """The factors up to their order and the names of their summed indices."""
    def masked(f: Factor) -> tuple:
        return (id(f.node), tuple(_slot(rank, i, {}) for i in f.idx))

    summed: dict[Index, int] = {}
    return tuple((id(f.node), tuple(_slot(rank, i, summed) for i in f.idx))
                 for f in sorted(term.factors, key=masked))


def _slot(rank: dict, i: Index, summed: dict) -> tuple:
    """A free index by its axis, a summed one by its first occurrence (all alike when
    ``summed`` is not kept)."""
    if i is None:
        return (1, 0)
    if i in rank:
        return (0, rank[i])
    return (2, summed.setdefault(i, len(summed)))
