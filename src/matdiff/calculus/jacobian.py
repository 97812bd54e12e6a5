"""Derivatives of any order: differential, index form, then matrix notation.

One step (:func:`jacobian_step`) takes ``F`` (any shape) and a variable ``X``: the
differential ``dF`` (:mod:`.differential`) is linear in ``dX``; written in index form with
``dX`` replaced by Kronecker deltas it *is* the derivative tensor ``∂F[i…]/∂X[j…]``; the deltas
are contracted away and the result is read back in matrix notation when it has one
(:mod:`matdiff.tensor.to_matrix`), else kept as ``EINSUM`` nodes.  Order ``k`` repeats the step
on its own result (:func:`.record.derive`), so Hessians and beyond need no rules of their own.

Layout: the numerator layout (SPEC §2, ``S_out + k×S_in``) throughout; the last step may put
the ``k×S_in`` axes first (denominator layout).  By a symmetric variable each step projects
its new index pair onto symmetric matrices (SPEC §4).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from ..ir import Node, Op, build
from ..rewriting import simplify
from ..tensor import Indexer, Term, eliminate_deltas, lower, symmetrize, to_einsum, to_matrix
from .differential import Linearization, linearize
from .transpose import Transposed, transpose

__all__ = ["Step", "jacobian_step"]


@dataclass(frozen=True)
class Step:
    """One differentiation: ``result``, its index form, the run of the differential rules
    (``linear``: ``dF`` and the differential of every part of ``F``), and for the gradient
    of a scalar the transpose rules that read it off (``transposed``).  The index form of a
    gradient read off by transposition is made when first asked for (index notation)."""

    of: Node
    differential: Node | None
    index_form: Callable[[], tuple[Term, ...]]
    out: tuple
    result: Node
    linear: Linearization
    transposed: tuple[Transposed, ...] = ()

    @cached_property
    def terms(self) -> tuple[Term, ...]:
        return self.index_form()


def jacobian_step(f: Node, x: Node, *, n_out: int, denominator: bool = False,
                  symmetric_gradient: str = "projected") -> Step:
    """∂f/∂x; the first ``n_out`` axes of ``f`` are output axes (the rest, earlier ``x`` axes).

    The gradient of a scalar comes from the transpose rules (:mod:`.transpose`; by a
    symmetric variable, projected onto symmetric matrices); everything else (and a
    differential with an op that has no transpose rule) from the index form raised to matrix
    notation."""
    ix = Indexer()
    f_idx = tuple(None if d == 1 else ix.fresh() for d in f.shape)
    targets = tuple(None if d == 1 else ix.fresh() for d in x.shape)
    ix.seed, ix.targets = build.diff(x), targets
    run = linearize(f, x)
    df = run.result
    kind = x.attrs[1] if len(x.attrs) > 1 else ""

    def index_form() -> tuple[Term, ...]:
        free = {i for i in f_idx + targets if i is not None}
        terms = [] if df is None else [eliminate_deltas(t, free) for t in lower(df, f_idx, ix)]
        if kind in ("symmetric", "spd") and x.rank == 2:
            terms = symmetrize(terms, targets[0], targets[1], symmetric_gradient)
        return tuple(terms)

    if denominator:
        out = f_idx[n_out:] + targets + f_idx[:n_out]
        shape = f.shape[n_out:] + x.shape + f.shape[:n_out]
    else:
        out = f_idx + targets
        shape = f.shape + x.shape
    moved = transpose(df, x) if not f.shape and df is not None else None
    if moved is not None:
        node, applied = moved
        if kind in ("symmetric", "spd") and x.rank == 2:
            node = _symmetric_gradient(node, symmetric_gradient)
        return Step(f, df, index_form, out, simplify(node), run, tuple(applied))
    terms = index_form()
    node = to_matrix(list(terms), out, shape)
    if node is None:
        node = to_einsum(list(terms), out, shape)
    return Step(f, df, lambda: terms, out, simplify(node), run)


def _symmetric_gradient(g: Node, convention: str) -> Node:
    """The gradient among symmetric matrices (SPEC §4): ``(G + G')/2``, or the Matrix
    Cookbook's ``G + G' - diag(diag(G))``."""
    both = build.add(g, build.transpose(g))
    if convention == "cookbook":
        return build.sub(both, build.unary(Op.DIAGM, build.unary(Op.DIAGV, g)))
    return build.scale(build.const(0.5), both)
