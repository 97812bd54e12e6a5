"""The vec/Kronecker form of a matrix-by-matrix Jacobian: ``vec(dF) = (B' ⊗ I) vec(dA)``.

The Jacobian ``J_ijkl = ∂F_ij/∂X_kl`` is the matrix ``∂vec(F)/∂vec(X)`` with rows ``(i, j)``
and columns ``(k, l)`` (vec stacks columns).  A term whose factors split into a part over
``i, k`` only and a part over ``j, l`` only is ``Q_ik P_jl``, which is ``kron(P, Q)`` in that
matrix; a sum of such terms is a sum of Kronecker products.  When a term does not split (the
transpose's ``δ_il δ_jk`` is the commutation matrix) there is no such form here, and
:func:`kron_form` answers None.
"""

from __future__ import annotations

from ..ir import Node, Op, build
from .index_form import Term
from .to_matrix import to_matrix

__all__ = ["kron_form"]


def _components(term: Term) -> list[tuple[set, list]]:
    """Groups of factors connected through shared indices."""
    groups: list[tuple[set, list]] = []
    for f in term.factors:
        idx = {i for i in f.idx if i is not None}
        touching = [g for g in groups if g[0] & idx]
        merged = (set(idx), [f])
        for g in touching:
            merged[0].update(g[0])
            merged[1].extend(g[1])
            groups.remove(g)
        groups.append(merged)
    return groups


def _side(factors: list, row, col, shape) -> Node | None:
    """The factors over (row, col) as a matrix of ``shape`` (row may be a unit axis)."""
    return to_matrix([Term(1.0, factors)], (row, col), shape)


def kron_form(terms: list[Term], out: tuple, f_shape, x_shape) -> Node | None:
    """``∂vec(F)/∂vec(X)`` as a sum of Kronecker products, or None."""
    if len(x_shape) != 2 or len(f_shape) not in (1, 2) or len(out) != len(f_shape) + 2:
        return None
    i, j = (out[0], out[1]) if len(f_shape) == 2 else (out[0], None)
    k, l = out[-2], out[-1]
    rows_f, cols_f = (f_shape[0], f_shape[1]) if len(f_shape) == 2 else (f_shape[0], 1)
    parts = []
    for term in terms:
        left, right, scalars = [], [], []
        for idx, factors in _components(term):
            if idx & {i, k} and idx & {j, l}:
                return None
            if idx & {i, k}:
                left.extend(factors)
            elif idx & {j, l}:
                right.extend(factors)
            else:
                scalars.extend(factors)
        q = _side(left, i, k, (rows_f, x_shape[0]))
        p = _side(right, j, l, (cols_f, x_shape[1]))
        if q is None or p is None:
            return None
        piece = build.construct(Op.KRON, (p, q))
        for s in scalars:
            s_node = to_matrix([Term(1.0, [s])], (), ())
            if s_node is None:
                return None
            piece = build.mul(s_node, piece)
        if term.coef != 1.0:
            piece = build.mul(build.const(term.coef), piece)
        parts.append(piece)
    if not parts:
        return None
    return build.add(*parts)
