"""From index form back to matrix notation, where one exists.

Each term is read as a graph: factors are vertices (matrices have two index slots, vectors
one), a summed index joins the two slots it occupies.  Walking that graph from a free index
gives a chain of matrix products (a slot entered from its second index reads as a transpose);
a chain that closes on itself is a trace; one that runs from vector to vector is a scalar
``u'*M*v``; two chains that end in vectors at the two free indices make an outer product.
Before the walk, a repeated index in one factor becomes ``tr`` or ``diag``, and an index that
stands in three places is made to stand in two (:mod:`.elementwise_raise`): factors over the
same indices, or two chains of products between the same two indices, merge into a Hadamard
product; a chain that ends in a vector becomes one vector; a vector becomes ``diag(v)``.  A
term that still does not fit (a tensor of order three or more, an index in three matrices
that lead to three different places) has no matrix form here: :func:`to_matrix` answers None
and the caller keeps index notation.
"""

from __future__ import annotations

from ..ir import Node, Op, build
from .elementwise_raise import (NoMatrixForm, chain, merge_hadamard, occurrences,
                                reads_transposed, spread_diagonals)
from .index_form import Factor, Term, eliminate_deltas

__all__ = ["to_matrix"]


_CONTRACTIBLE = frozenset({Op.EYE, Op.FILL, Op.FUSE})  # what eliminate_deltas works on


def to_matrix(terms: list[Term], out: tuple, shape) -> Node | None:
    """A matrix-notation node equal to the sum of ``terms`` with output axes ``out``."""
    free = tuple(i for i in out if i is not None)
    if len(free) > 2:
        return None
    collected: dict[int, tuple[Node, float]] = {}
    try:
        for term in terms:
            node, coef = _raise_term(term, free)
            node = _fit(node, shape)
            prev = collected.get(id(node))
            collected[id(node)] = (node, coef + (prev[1] if prev else 0.0))
    except NoMatrixForm:
        return None
    parts = []
    for node, coef in collected.values():
        if coef == 0.0:
            continue
        if node is build.ONE:
            parts.append(build.const(coef))
        elif coef == 1.0:
            parts.append(node)
        elif coef == -1.0:
            parts.append(build.neg(node))
        else:
            parts.append(build.scale(build.const(coef), node))
    if not parts:
        return build.fill(0.0, shape) if shape else build.ZERO
    return build.add(*parts)


def _fit(node: Node, shape) -> Node:
    """Adapt a column or scalar to the expected shape (rows of size 1)."""
    if node.shape == tuple(shape):
        return node
    if len(shape) == 2 and shape[0] == 1 and node.shape == (shape[1],):
        return build.transpose(node)
    raise NoMatrixForm


def _normalize(f: Factor) -> Factor:
    node, idx = f.node, f.idx
    if None in idx:
        if node.rank != 2:
            raise NoMatrixForm
        if idx == (None, None):
            return Factor(build.unary(Op.TRACE, node), ())
        if idx[0] is None:
            return Factor(build.transpose(node), (idx[1],))
        return Factor(build.unary(Op.VEC, node), (idx[0],))
    if node.rank > 2:
        raise NoMatrixForm
    return f


def _raise_term(term: Term, free: tuple[str, ...]) -> tuple[Node, float]:
    factors = _raise_fuses(list(term.factors), free)
    factors = [_normalize(f) for f in factors]
    factors = _collapse_repeated(factors, free)
    scalars = [f.node for f in factors if not f.idx]
    factors = [f for f in factors if f.idx]
    factors = merge_hadamard(factors, free)
    factors = spread_diagonals(factors, free)
    coef = term.coef
    if any(f.node.op in _CONTRACTIBLE for f in factors):
        contracted = eliminate_deltas(Term(1.0, factors), set(free))
        factors, coef = contracted.factors, coef * contracted.coef
    factors = _close_dangling(factors, free)
    chains = _Walker(factors, free)
    result = chains.result()
    scalars += chains.scalars
    for s in scalars:
        result = build.mul(s, result) if result is not None else s
    if result is None:
        return build.ONE, coef
    return result, coef


def _groups(factors: list[Factor]) -> list[tuple[set, list[Factor]]]:
    """Factors connected through shared indices."""
    groups: list[tuple[set, list[Factor]]] = []
    for f in factors:
        idx = {i for i in f.idx if i is not None}
        merged = (set(idx), [f])
        for g in [g for g in groups if g[0] & idx]:
            merged[0].update(g[0])
            merged[1].extend(g[1])
            groups.remove(g)
        groups.append(merged)
    return groups


def _dim(index: str, factors: list[Factor]):
    for f in factors:
        if index in f.idx:
            return f.node.shape[f.idx.index(index)]
    raise NoMatrixForm


def _sub_matrix(factors: list[Factor], out: tuple, shape) -> Node:
    node = to_matrix([Term(1.0, factors)], out, shape)
    if node is None:
        raise NoMatrixForm
    return node


def _raise_fuses(factors: list[Factor], free: tuple) -> list[Factor]:
    """vec and kron back from their selection tensors: F[r,a,b] with the factors over a and
    b is vec(M) (M over (b, a)); two of them, or one beside a free column, a kron."""
    fuses = [f for f in factors if f.node.op is Op.FUSE]
    if not fuses:
        return factors
    rest = [f for f in factors if f.node.op is not Op.FUSE]
    serial = 0
    for f in fuses:
        for pos in (1, 2):
            if f.idx[pos] in free:
                serial += 1
                fresh = f"{f.idx[pos]}'f{serial}"
                rest.append(Factor(build.eye(f.node.shape[pos]), (fresh, f.idx[pos])))
                f_idx = list(f.idx)
                f_idx[pos] = fresh
                fuses[fuses.index(f)] = f = Factor(f.node, tuple(f_idx))
    groups = _groups(rest)

    def take(indices: set) -> list[Factor]:
        chosen = [g for g in groups if g[0] & indices]
        for g in chosen:
            groups.remove(g)
        return [h for g in chosen for h in g[1]]

    out: list[Factor] = []
    if len(fuses) == 2:
        (r, i, k), (c, j, l) = fuses[0].idx, fuses[1].idx
        left, right = take({i, j}), take({k, l})
        p = _sub_matrix(left, (i, j), (fuses[0].node.shape[1], fuses[1].node.shape[1]))
        q = _sub_matrix(right, (k, l), (fuses[0].node.shape[2], fuses[1].node.shape[2]))
        out.append(Factor(build.construct(Op.KRON, (p, q)), (r, c)))
    elif len(fuses) == 1:
        (r, a, b) = fuses[0].idx
        left, right = take({a}), take({b})
        cols = [i for i in free if any(i in h.idx for h in left + right)]
        da, db = fuses[0].node.shape[1], fuses[0].node.shape[2]
        if not cols and not (set().union(*(set(h.idx) for h in left)) & {b}):
            out.append(Factor(build.construct(Op.KRON, (_sub_matrix(left, (a,), (da,)),
                                                         _sub_matrix(right, (b,), (db,)))),
                              (r,)))
        elif len(cols) == 1:
            c = cols[0]
            dc = _dim(c, left + right)
            side_a = any(c in h.idx for h in left)
            p = _sub_matrix(left, (a, c) if side_a else (a,), (da, dc) if side_a else (da,))
            q = _sub_matrix(right, (b,) if side_a else (b, c), (db,) if side_a else (db, dc))
            out.append(Factor(build.construct(Op.KRON, (p, q)), (r, c)))
        else:
            m = _sub_matrix(left + right, (b, a), (db, da))
            out.append(Factor(build.unary(Op.VEC, m), (r,)))
    else:
        raise NoMatrixForm
    return out + [h for g in groups for h in g[1]]


def _collapse_repeated(factors, free):
    out = []
    for f in factors:
        if len(f.idx) == 2 and f.idx[0] == f.idx[1]:
            i = f.idx[0]
            elsewhere = i in free or any(i in g.idx for g in factors if g is not f)
            if elsewhere:
                out.append(Factor(build.unary(Op.DIAGV, f.node), (i,)))
            else:
                out.append(Factor(build.unary(Op.TRACE, f.node), ()))
        else:
            out.append(f)
    return out


def _close_dangling(factors, free):
    """An index summed inside one factor only is a product with a vector of ones."""
    occ = occurrences(factors, free)
    extra = []
    for f in factors:
        for pos, i in enumerate(f.idx):
            if occ[i] == 1 and i not in free:
                extra.append(Factor(build.fill(1.0, (f.node.shape[pos],)), (i,)))
                occ[i] += 1
    return factors + extra


class _Walker:
    """Chains of products through the index graph of one term."""

    def __init__(self, factors: list[Factor], free: tuple[str, ...]):
        self.factors, self.free = factors, free
        self.used: set[int] = set()
        self.scalars: list[Node] = []
        self.slots: dict[str, list[tuple[int, int]]] = {}
        for k, f in enumerate(factors):
            for pos, i in enumerate(f.idx):
                self.slots.setdefault(i, []).append((k, pos))

    def _next_slot(self, index: str):
        for k, pos in self.slots.get(index, []):
            if k not in self.used:
                return k, pos
        return None

    def _walk(self, index: str, parts: list[tuple[Node, bool]]):
        """Follow the chain from ``index``: ('free', i), ('vector', None) or ('closed', i).

        ``parts`` gets each factor met and whether it is read transposed."""
        while True:
            slot = self._next_slot(index)
            if slot is None:
                return ("closed", index)
            k, pos = slot
            self.used.add(k)
            f = self.factors[k]
            if len(f.idx) == 1:
                parts.append((f.node, False))
                return ("vector", None)
            parts.append((f.node, pos != 0))
            index = f.idx[1 - pos]
            if index in self.free:
                return ("free", index)

    def _column_from(self, index: str):
        parts: list[tuple[Node, bool]] = []
        end, last = self._walk(index, parts)
        if not parts:
            raise NoMatrixForm
        if end == "free" and 2 * sum(reads_transposed(p) for p in parts) > len(parts):
            flipped = [(node, not t) for node, t in reversed(parts)]
            return build.transpose(chain(flipped)), end, last
        return chain(parts), end, last

    def result(self) -> Node | None:
        free = self.free
        node = None
        if len(free) == 1:
            node, end, _ = self._column_from(free[0])
            if end != "vector":
                raise NoMatrixForm
        elif len(free) == 2:
            first, end, last = self._column_from(free[0])
            if end == "free" and last == free[1]:
                node = first
            elif end == "vector":
                second, end2, _ = self._column_from(free[1])
                if end2 != "vector":
                    raise NoMatrixForm
                node = build.mul(first, build.transpose(second))
            else:
                raise NoMatrixForm
        self._scalar_chains()
        return node

    def _scalar_chains(self):
        for k, f in enumerate(self.factors):
            if k in self.used or len(f.idx) != 1:
                continue
            self.used.add(k)
            parts = [(f.node, True)]
            end, _ = self._walk(f.idx[0], parts)
            if end != "vector":
                raise NoMatrixForm
            self.scalars.append(chain(parts))
        for k, f in enumerate(self.factors):
            if k in self.used:
                continue
            self.used.add(k)
            parts = [(f.node, False)]
            end, last = self._walk(f.idx[1], parts)
            if end != "closed" or last != f.idx[0]:
                raise NoMatrixForm
            self.scalars.append(build.unary(Op.TRACE, chain(parts)))
