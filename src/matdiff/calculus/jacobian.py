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

from dataclasses import dataclass

from ..ir import Node, build
from ..rewriting import simplify
from ..tensor import Indexer, Term, eliminate_deltas, lower, symmetrize, to_einsum, to_matrix
from .differential import Linearization, linearize

__all__ = ["Step", "jacobian_step"]


@dataclass(frozen=True)
class Step:
    """One differentiation: ``result``, the index form it came from, and the run of the
    differential rules (``linear``: ``dF`` and the differential of every part of ``F``)."""

    of: Node
    differential: Node | None
    terms: tuple[Term, ...]
    out: tuple
    result: Node
    linear: Linearization


def jacobian_step(f: Node, x: Node, *, n_out: int, denominator: bool = False,
                  symmetric_gradient: str = "projected") -> Step:
    """∂f/∂x; the first ``n_out`` axes of ``f`` are output axes (the rest, earlier ``x`` axes)."""
    ix = Indexer()
    f_idx = tuple(None if d == 1 else ix.fresh() for d in f.shape)
    targets = tuple(None if d == 1 else ix.fresh() for d in x.shape)
    dx = build.diff(x)
    ix.seed, ix.targets = dx, targets
    run = linearize(f, x)
    df = run.result
    free = {i for i in f_idx + targets if i is not None}
    terms = [] if df is None else [eliminate_deltas(t, free) for t in lower(df, f_idx, ix)]
    kind = x.attrs[1] if len(x.attrs) > 1 else ""
    if kind in ("symmetric", "spd") and x.rank == 2:
        terms = symmetrize(terms, targets[0], targets[1], symmetric_gradient)
    if denominator:
        out = f_idx[n_out:] + targets + f_idx[:n_out]
        shape = f.shape[n_out:] + x.shape + f.shape[:n_out]
    else:
        out = f_idx + targets
        shape = f.shape + x.shape
    node = to_matrix(terms, out, shape)
    if node is None:
        node = to_einsum(terms, out, shape)
    return Step(f, df, tuple(terms), out, simplify(node), run)
