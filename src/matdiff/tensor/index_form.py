"""Index (Einstein) form: an expression as a sum of products of indexed factors.

A :class:`Term` is a number times a product of :class:`Factor` s, each an IR node with one
index symbol per axis; an index that is not free is summed over.  ``None`` stands for the
index of an axis of size 1 (a row vector's first axis), which has nothing to range over.

:func:`lower` writes an expression that is *linear in a differential* ``dX`` in index form,
treating every subexpression free of ``dX`` as an opaque factor (``(D*W - X)_ab``) and
replacing ``dX_ab`` by Kronecker deltas ``δ_a,j δ_b,l`` that tie it to the derivative's own
indices ``j, l``.  :func:`eliminate_deltas` then contracts the deltas away, which is how
``d(A*B)/dA`` becomes ``δ_ik B_lj``.  :func:`to_einsum` turns terms into IR ``EINSUM`` nodes
when no matrix notation is found for them (:mod:`.to_matrix` tries that first).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count
from typing import NamedTuple

from ..ir import Node, Op, build
from ..ir.clock import spend
from ..ir.shape_rules import matrix_view

__all__ = ["Factor", "Term", "Indexer", "lower", "eliminate_deltas", "to_einsum",
           "rename", "symmetrize", "unit_directions"]

Index = str | None


class Factor(NamedTuple):
    """An IR node with one index per axis (a tuple: created by the thousand)."""

    node: Node
    idx: tuple[Index, ...]


@dataclass(slots=True)
class Term:
    coef: float
    factors: list[Factor] = field(default_factory=list)


class Indexer:
    """Fresh index names, and which nodes depend on the differential being lowered."""

    def __init__(self, seed: Node | None = None, targets: tuple[Index, ...] = ()):
        self._counter = count()
        self.seed, self.targets = seed, targets
        self._depends: dict[int, bool] = {}

    def fresh(self) -> str:
        return f"i{next(self._counter)}"

    def depends(self, node: Node) -> bool:
        """Whether ``node`` contains the seed (memoised; as deep as :func:`lower` itself)."""
        known = self._depends.get(id(node))
        if known is None:
            known = node is self.seed
            for a in node.args:
                if self.depends(a):
                    known = True
            self._depends[id(node)] = known
        return known


def _unit(node: Node, idx: tuple[Index, ...]) -> tuple[Index, ...]:
    """Indices of size-1 axes become None."""
    if 1 not in node.shape:
        return idx
    return tuple(None if d == 1 else i for d, i in zip(node.shape, idx))


def _mul(*groups: list[Term]) -> list[Term]:
    """The product of sums of terms, expanded (the last group varies fastest)."""
    out = groups[0]
    for group in groups[1:]:
        out = [Term(t.coef * u.coef, t.factors + u.factors) for t in out for u in group]
    return out


def _atom(node: Node, idx: tuple[Index, ...]) -> list[Term]:
    if node.op is Op.FUSE and 1 in node.shape[1:]:
        return _unit_selection(node, idx)
    return [Term(1.0, [Factor(node, idx)])]


def _unit_selection(node: Node, idx: tuple[Index, ...]) -> list[Term]:
    """A selection tensor ``F[r, a, b]`` with a component of size one (``vec`` of a row
    vector, ``kron`` with a row or a vector) is a Kronecker delta between ``r`` and the other
    component, or the number one when both components are of size one: every FUSE factor of
    a term then has three indices."""
    _, p, q = node.shape
    if p == 1 and q == 1:
        return [Term(1.0)]
    dim, other = (q, idx[2]) if p == 1 else (p, idx[1])
    return [Term(1.0, [Factor(build.eye(dim), (idx[0], other))])]


def lower(node: Node, idx: tuple[Index, ...], ix: Indexer) -> list[Term]:
    """``node[idx]`` as a sum of terms (``node`` linear in ``ix.seed``)."""
    idx = _unit(node, idx)
    if not ix.depends(node):
        if node.op is Op.CONST:
            return [Term(node.attrs[0])]
        if node.op not in _PRODUCTS:
            return _atom(node, idx)
    rule = _LOWER.get(node.op)
    if rule is None:
        raise ValueError(f"internal: {node.op.name} of a differential is not linear")
    return rule(node, idx, ix)


def _seed(node, idx, ix):
    factors = [Factor(build.eye(d), (i, t))
               for d, i, t in zip(node.shape, idx, ix.targets) if i is not None]
    return [Term(1.0, factors)]


def _add(node, idx, ix):
    out = []
    for a in node.args:
        if a.shape:
            out.extend(lower(a, idx, ix))
        else:
            ones = _atom(build.fill(1.0, node.shape), idx) if node.shape else [Term(1.0)]
            out.extend(_mul(lower(a, (), ix), ones))
    return out


def _neg(node, idx, ix):
    return [Term(-t.coef, t.factors) for t in lower(node.args[0], idx, ix)]


def _scale(node, idx, ix):
    return _mul(lower(node.args[0], (), ix), lower(node.args[1], idx, ix))


def _elementwise(node, idx, ix):
    a, b = node.args
    ia = idx if a.shape else ()
    ib = idx if b.shape else ()
    if node.op is Op.DIV:
        if ix.depends(b):
            raise ValueError("internal: a differential in a denominator")
        return _mul(lower(a, ia, ix), _atom(build.div(build.ONE, b), ib))
    return _mul(lower(a, ia, ix), lower(b, ib, ix))


def _matmul(node, idx, ix):
    a, b = node.args
    (_, inner), _ = matrix_view(a.shape), matrix_view(b.shape)
    if not node.shape:
        row, col = None, None
    elif len(node.shape) == 1:
        row, col = idx[0], None
    else:
        row, col = idx
    k = None if inner == 1 else ix.fresh()
    ia = (row,) if a.rank == 1 else (row, k)
    ib = (k,) if b.rank == 1 else (k, col)
    return _mul(lower(a, ia, ix), lower(b, ib, ix))


def _transpose(node, idx, ix):
    (a,) = node.args
    if a.rank == 0:
        return lower(a, (), ix)
    if a.rank == 1:
        return lower(a, (idx[1],), ix)
    if not node.shape:
        return lower(a, (None, None), ix)
    if node.rank == 1:
        return lower(a, (None, idx[0]) if a.shape[0] == 1 else (idx[0], None), ix)
    return lower(a, (idx[1], idx[0]), ix)


def _trace(node, idx, ix):
    (a,) = node.args
    if a.rank == 0:
        return lower(a, (), ix)
    k = ix.fresh()
    return lower(a, (k, k), ix)


def _sum(node, idx, ix):
    (a,) = node.args
    return lower(a, tuple(ix.fresh() for _ in a.shape), ix)


def _diagm(node, idx, ix):
    return _mul(lower(node.args[0], (idx[0],), ix), _atom(build.eye(node.shape[0]), idx))


def _diagv(node, idx, ix):
    return lower(node.args[0], (idx[0], idx[0]), ix)


def _vec(node, idx, ix):
    (a,) = node.args
    if a.rank == 1:
        return lower(a, idx, ix)
    r, c = ix.fresh(), ix.fresh()
    fuse = build.fuse(a.shape[1], a.shape[0])
    return _mul(_atom(fuse, (idx[0], c, r)), lower(a, (r, c), ix))


def _kron(node, idx, ix):
    """kron(A, B)[i*p + k, j*q + l] = A_ij B_kl; a vector is a column (its column axis is
    the other operand's)."""
    a, b = node.args
    ia = tuple(ix.fresh() for _ in a.shape)
    ib = tuple(ix.fresh() for _ in b.shape)
    fused = [_atom(build.fuse(a.shape[0], b.shape[0]), (idx[0], ia[0], ib[0]))]
    if a.rank == 2 and b.rank == 2:
        fused.append(_atom(build.fuse(a.shape[1], b.shape[1]), (idx[1], ia[1], ib[1])))
    elif a.rank == 2:
        ia = (ia[0], idx[1])
    elif b.rank == 2:
        ib = (ib[0], idx[1])
    return _mul(*fused, lower(a, ia, ix), lower(b, ib, ix))


def _einsum(node, idx, ix):
    specs, out = node.attrs
    names: dict[str, Index] = dict(zip(out, idx))
    names["_"] = None
    groups = []
    for spec, arg in zip(specs, node.args):
        for ch in spec:
            if ch not in names:
                names[ch] = ix.fresh()
        groups.append(lower(arg, tuple(names[ch] for ch in spec), ix))
    return _mul(*groups)


def unit_directions(n) -> Node:
    """The (n, n, n, n) tensor ``U[p,q,a,b] = δ_pa δ_qb``: the unit matrices ``e_a e_b'`` as
    a batch of directions, one per index pair."""
    return build.einsum(("ac", "bd"), "abcd", (build.eye(n), build.eye(n)))


def _frechet(node, idx, ix):
    """``L_f(X, …, E)_ij = T_ijab E_ab`` with the derivative tensor
    ``T_ijab = L_f(X, …, e_a e_b')_ij``: a factor of its own, as the Fréchet derivative has
    no index form (the other directions' per-index axes stay between)."""
    x, *directions = node.args
    k = next((k for k, e in enumerate(directions) if ix.depends(e)), None)
    if ix.depends(x) or k is None or directions[k].rank > 2:
        raise ValueError("internal: a Fréchet derivative is linear in one plain direction")
    others = directions[:k] + directions[k + 1:]
    tensor = build.frechet(node.attrs[0], x, *others, unit_directions(x.shape[0]))
    a, b = ix.fresh(), ix.fresh()
    return _mul(_atom(tensor, (*idx, a, b)), lower(directions[k], (a, b), ix))


_LOWER = {
    Op.DIFF: _seed, Op.ADD: _add, Op.NEG: _neg, Op.SCALE: _scale, Op.MATMUL: _matmul,
    Op.HADAMARD: _elementwise, Op.DIV: _elementwise, Op.TRANSPOSE: _transpose,
    Op.TRACE: _trace, Op.SUM: _sum, Op.DIAGM: _diagm, Op.DIAGV: _diagv, Op.VEC: _vec,
    Op.KRON: _kron, Op.EINSUM: _einsum, Op.FRECHET: _frechet,
}


_PRODUCTS = frozenset({Op.MATMUL, Op.TRANSPOSE, Op.SCALE, Op.NEG, Op.VEC, Op.KRON})


def rename(term: Term, old: Index, new: Index) -> Term:
    return Term(term.coef, [Factor(f.node, tuple(new if i == old else i for i in f.idx))
                            for f in term.factors])


def eliminate_deltas(term: Term, free: set[str]) -> Term:
    """Contract Kronecker deltas and constant fills away where an index allows it.

    The factors are scanned in order and the scan starts again after every contraction
    (each step is work for the time bound, :mod:`matdiff.ir.clock`)."""
    coef, factors = term.coef, list(term.factors)
    changed, k = False, 0
    while k < len(factors):
        spend()
        f = factors[k]
        op = f.node.op
        if op is Op.EYE and f.idx[0] != f.idx[1]:
            a, b = f.idx
            if a not in free:
                old, new = a, b
            elif b not in free:
                old, new = b, a
            else:
                k += 1
                continue
            del factors[k]
            if not _rename_in(factors, old, new):
                factors.append(Factor(build.fill(1.0, (f.node.shape[0],)), (new,)))
        elif op is Op.FUSE and (contracted := _contract_fuse(Term(coef, factors), k, free)):
            coef, factors = contracted.coef, list(contracted.factors)
        elif op is Op.FUSE and (summed := _sum_components(factors, k, free)) is not None:
            factors = summed
        elif op is Op.FILL:
            value = f.node.attrs[0]
            others = {i for j, g in enumerate(factors) if j != k for i in g.idx}
            if all(i is None or i in others for i in f.idx):
                del factors[k]
            elif value != 1.0:
                factors[k] = Factor(build.fill(1.0, f.node.shape), f.idx)
            else:
                k += 1
                continue
            coef *= value
        else:
            k += 1
            continue
        changed, k = True, 0
    return Term(coef, factors) if changed else term


def _rename_in(factors: list[Factor], old: Index, new: Index) -> bool:
    """Rename ``old`` to ``new`` in place; whether ``old`` occurred at all."""
    found = False
    for j, g in enumerate(factors):
        if old in g.idx:
            factors[j] = Factor(g.node, tuple(new if i == old else i for i in g.idx))
            found = True
    return found


def _contract_fuse(term: Term, k: int, free: set) -> Term | None:
    """Σ_r F[r,a,b] F[r,c,d] = δ_ac δ_bd, and Σ_r F[r,a,b] = 1 (the fused index summed)."""
    f = term.factors[k]
    r = f.idx[0]
    if r is None or r in free:
        return None
    others = [j for j, g in enumerate(term.factors) if j != k and r in g.idx]
    rest = [g for j, g in enumerate(term.factors) if j != k and j not in others]
    if not others:
        ones = [Factor(build.fill(1.0, (d,)), (i,))
                for d, i in zip(f.node.shape[1:], f.idx[1:])
                if i is not None and i not in free and not any(i in g.idx for g in rest)]
        kept = [Factor(build.fill(1.0, (d,)), (i,))
                for d, i in zip(f.node.shape[1:], f.idx[1:]) if i in free
                and not any(i in g.idx for g in rest)]
        return Term(term.coef, rest + ones + kept)
    if len(others) != 1:
        return None
    g = term.factors[others[0]]
    if g.node is not f.node or g.idx[0] != r:
        return None
    deltas = [Factor(build.eye(d), (i, j))
              for d, i, j in zip(f.node.shape[1:], f.idx[1:], g.idx[1:])]
    return Term(term.coef, rest + deltas)


def _sum_components(factors: list[Factor], k: int, free: set) -> list[Factor] | None:
    """Σ_ab F[r,a,b] = 1 for every r: a selection whose two component indices are summed and
    stand nowhere else is a fill of ones over the fused index."""
    f = factors[k]
    r, a, b = f.idx
    if None in f.idx or len({r, a, b}) < 3 or a in free or b in free:
        return None
    if any(a in g.idx or b in g.idx for j, g in enumerate(factors) if j != k):
        return None
    return factors[:k] + factors[k + 1:] + [Factor(build.fill(1.0, (f.node.shape[0],)), (r,))]


def symmetrize(terms: list[Term], a: str, b: str, mode: str) -> list[Term]:
    """Terms of the gradient in the space of symmetric matrices over the index pair (a, b).

    ``projected``: (G + G')/2.  ``cookbook``: G + G' - diag(diag(G)).
    """
    out = []
    for t in terms:
        swapped = rename(rename(rename(t, a, "#"), b, a), "#", b)
        if mode == "projected":
            out += [Term(t.coef / 2, t.factors), Term(swapped.coef / 2, swapped.factors)]
        else:
            diag = rename(t, b, a)
            dim = next(f.node.shape[f.idx.index(a)] for f in t.factors if a in f.idx)
            diag = Term(-diag.coef, diag.factors + [Factor(build.eye(dim), (a, b))])
            out += [t, swapped, diag]
    return out


def _labels():
    """Axis labels for an ``EINSUM`` node: the letters first, then as many other characters
    as a term needs (code generation maps them to what each library accepts)."""
    yield from "ijklmnopqrstuvwxyzabcdefghABCDEFGHIJKLMNOPQRSTUVWXYZ"
    yield from (chr(code) for code in count(0x4E00))


def to_einsum(terms: list[Term], out: tuple[Index, ...], shape) -> Node:
    """The terms as a sum of IR ``EINSUM`` nodes with output axes ``out``."""
    nodes = []
    for term in terms:
        letters: dict[Index, str] = {None: "_"}
        pool = _labels()
        for i in out:
            if i not in letters:
                letters[i] = next(pool)
        for f in term.factors:
            for i in f.idx:
                if i not in letters:
                    letters[i] = next(pool)
        specs = tuple("".join(letters[i] for i in f.idx) for f in term.factors)
        spec_out = "".join(letters[i] for i in out)
        args = tuple(f.node for f in term.factors)
        if not args:
            node = build.fill(1.0, shape) if shape else build.ONE
        else:
            node = build.einsum(specs, spec_out, args)
        if term.coef != 1.0:
            node = build.scale(build.const(term.coef), node)
        nodes.append(node)
    if not nodes:
        return build.fill(0.0, shape) if shape else build.ZERO
    return build.add(*nodes)
