"""Element-wise structure in the raise from index form: Hadamard products and diagonals.

Helpers of :mod:`.to_matrix` for the factors of one term (:class:`.index_form.Factor`), before
its chains of products are walked.  An index is *crowded* when it stands in three places or
more (a free index counting once more); the walk in :mod:`.to_matrix` needs every index in
two places, and these passes remove the crowding without changing the term's value:

* factors over the same indices (a transposed one in the other order) are one Hadamard
  factor, ``A_ij B_ji = (A.*B')_ij``, and vectors over one index likewise;
* two chains of matrix products that leave a crowded index and meet again at the same index
  are one Hadamard factor, ``G_pq W_jq H_pj = ((G*W').*H)_pj``: the element-wise product of
  matrices that backpropagation through a batched layer gives;
* a chain from a crowded index that ends in a vector (or an index summed nowhere else, a
  vector of ones) is one vector, ``A_ip x_p = (A*x)_i``;
* a vector over a crowded index becomes a diagonal matrix, ``diag(v)``.

Each step replaces the factors it merges by one factor at the end of the list and keeps the
others in their order.
"""

from __future__ import annotations

from typing import NamedTuple

from ..ir import Node, Op, build
from ..ir.clock import spend
from .index_form import Factor

__all__ = ["NoMatrixForm", "occurrences", "merge_hadamard", "spread_diagonals",
           "reads_transposed", "chain", "product"]


class NoMatrixForm(Exception):
    """The term has no matrix notation here."""


def occurrences(factors: list[Factor], free) -> dict:
    """How often each index occurs in the factors, a free index counting once more."""
    occ = dict.fromkeys(free, 1)
    for f in factors:
        for i in f.idx:
            occ[i] = occ.get(i, 0) + 1
    return occ


def merge_hadamard(factors, free):
    """Factors over the same indices merge when one of them is crowded (three places)."""
    merged = len(factors) > 1
    while merged:
        spend()
        merged = False
        occ = occurrences(factors, free)
        for a in range(len(factors)):
            for b in range(a + 1, len(factors)):
                fa, fb = factors[a], factors[b]
                if set(fa.idx) != set(fb.idx) or len(fa.idx) != len(fb.idx):
                    continue
                if all(occ[i] <= 2 for i in fa.idx):
                    continue
                other = fb.node if fb.idx == fa.idx else build.transpose(fb.node)
                node = build.hadamard(fa.node, other)
                factors = [f for k, f in enumerate(factors) if k not in (a, b)]
                factors.append(Factor(node, fa.idx))
                merged = True
                break
            if merged:
                break
    return factors


def spread_diagonals(factors, free):
    """Crowded indices made uncrowded: a chain to a vector gathered into one vector, two
    chains between the same indices merged, a crowded vector made a diagonal matrix."""
    serial = 0
    while True:
        spend()
        occ = occurrences(factors, free)
        crowded = [f for f in factors if len(f.idx) == 1 and occ[f.idx[0]] > 2]
        if not crowded:
            busy = [i for i, n in occ.items() if n > 2]
            if not busy:
                return factors
            gathered = (_gather_any(factors, busy, free, occ, ones=False)
                        or _merge_parallel_chains(factors, busy, free, occ)
                        or _gather_any(factors, busy, free, occ, ones=True))
            if gathered is None:
                raise NoMatrixForm
            factors = gathered
            continue
        v = crowded[0]
        i = v.idx[0]
        gathered = _gather_vector(factors, i, free, occ)
        if gathered is not None:
            factors = merge_hadamard(gathered, free)
            continue
        outer = _merge_outer(factors, v, occ)
        if outer is not None:
            factors = outer
            continue
        serial += 1
        j = f"{i}'{serial}"
        partner = next(g for g in factors if g is not v and i in g.idx)
        renamed = Factor(partner.node, tuple(j if x == i else x for x in partner.idx))
        diag = Factor(build.unary(Op.DIAGM, v.node), (i, j))
        factors = [diag if g is v else renamed if g is partner else g for g in factors]


def _gather_any(factors, busy, free, occ, ones):
    """:func:`_gather_vector` at the first crowded index where it finds a chain."""
    for i in busy:
        gathered = _gather_vector(factors, i, free, occ, ones)
        if gathered is not None:
            return gathered
    return None


def _gather_vector(factors, i, free, occ, ones=False):
    """A matrix over ``i`` whose other index leads along a chain to a vector is, with that
    chain, one vector over ``i``: A_ip x_p is (A*x)_i.  With ``ones``, a chain that stops at
    an index summed nowhere else ends in a vector of ones: A_ip is (A*vector(1))_i."""
    for m in factors:
        if len(m.idx) != 2 or i not in m.idx or m.idx[0] == m.idx[1]:
            continue
        pos = m.idx.index(i)
        parts = [m.node if pos == 0 else build.transpose(m.node)]
        used = {id(m)}
        current = m.idx[1 - pos]
        while current not in free and current != i:
            following = [g for g in factors if id(g) not in used and current in g.idx]
            if ones and not following and occ[current] == 1:
                size = parts[-1].shape[1]
                vector = Factor(product(parts + [build.fill(1.0, (size,))]), (i,))
                return [f for f in factors if id(f) not in used] + [vector]
            if len(following) != 1 or i in following[0].idx:
                break
            g = following[0]
            used.add(id(g))
            if len(g.idx) == 1:
                vector = Factor(product(parts + [g.node]), (i,))
                return [f for f in factors if id(f) not in used] + [vector]
            p = g.idx.index(current)
            parts.append(g.node if p == 0 else build.transpose(g.node))
            current = g.idx[1 - p]
    return None


def _merge_outer(factors, v: Factor, occ):
    """A crowded vector, a matrix over its index and another index, and a crowded vector
    over that one are one factor: v_i M_ij w_j is (M.*(v*w'))_ij."""
    i = v.idx[0]
    for a, m in enumerate(factors):
        if len(m.idx) != 2 or i not in m.idx or m.idx[0] == m.idx[1]:
            continue
        j = m.idx[1 - m.idx.index(i)]
        b = next((k for k, g in enumerate(factors) if g.idx == (j,)), None)
        if b is None or occ[j] <= 2:
            continue
        w = factors[b]
        row, col = (v, w) if m.idx[0] == i else (w, v)
        outer = build.mul(row.node, build.transpose(col.node))
        merged = Factor(build.hadamard(m.node, outer), m.idx)
        c = next(k for k, g in enumerate(factors) if g is v)
        return [f for k, f in enumerate(factors) if k not in (a, b, c)] + [merged]
    return None


class _Path(NamedTuple):
    """A chain of matrix factors from one index to ``end``: each factor and whether it is
    read transposed, and the positions of the factors it uses."""

    end: str
    parts: list
    used: frozenset


def _merge_parallel_chains(factors, busy, free, occ):
    """Two chains of products from a crowded index that meet at the same index are the
    Hadamard product of their matrices, one factor over the two indices."""
    for start in busy:
        met: dict[str, _Path] = {}
        for k, f in enumerate(factors):
            if len(f.idx) != 2 or start not in f.idx:
                continue
            path = _path(factors, k, start, free, occ)
            if path is None or path.end == start:
                continue
            other = met.get(path.end)
            if other is not None and not other.used & path.used:
                return _merged(factors, start, other, path)
            met.setdefault(path.end, path)
    return None


def _path(factors, k, start, free, occ) -> _Path | None:
    """The chain entered at ``factors[k]`` from ``start``, followed through indices that
    stand in two places only; None when it ends in a vector or at a summed-out index."""
    used = {k}
    f = factors[k]
    pos = f.idx.index(start)
    parts = [(f.node, pos != 0)]
    current = f.idx[1 - pos]
    while current not in free and occ[current] == 2:
        following = [j for j, g in enumerate(factors) if j not in used and current in g.idx]
        if len(following) != 1 or len(factors[following[0]].idx) != 2:
            return None
        k = following[0]
        used.add(k)
        g = factors[k]
        pos = g.idx.index(current)
        parts.append((g.node, pos != 0))
        current = g.idx[1 - pos]
    if occ[current] < 2 and current not in free:
        return None
    return _Path(current, parts, frozenset(used))


def _merged(factors, start, first: _Path, second: _Path):
    """The two paths' factors replaced by the Hadamard product of their chains, read in the
    direction that needs fewer transposes."""
    parts = first.parts + second.parts
    if 2 * sum(reads_transposed(p) for p in parts) > len(parts):
        chains = [chain([(node, not t) for node, t in reversed(p.parts)])
                  for p in (first, second)]
        idx = (first.end, start)
    else:
        chains = [chain(first.parts), chain(second.parts)]
        idx = (start, first.end)
    used = first.used | second.used
    rest = [f for k, f in enumerate(factors) if k not in used]
    return rest + [Factor(build.hadamard(*chains), idx)]


def reads_transposed(part: tuple[Node, bool]) -> bool:
    """Whether the factor comes with a transpose (read transposed, or itself one; a
    diagonal matrix is its own transpose)."""
    node, transposed = part
    return node.op is not Op.DIAGM and (transposed or node.op is Op.TRANSPOSE)


def chain(parts: list[tuple[Node, bool]]) -> Node:
    """The product of the parts, each transposed where it is read so ((A')' is A, and a
    diagonal matrix stays as it is)."""
    return product([_transposed(node) if transposed else node for node, transposed in parts])


def _transposed(node: Node) -> Node:
    if node.op is Op.TRANSPOSE:
        return node.args[0]
    return node if node.op is Op.DIAGM else build.transpose(node)


def product(parts: list[Node]) -> Node:
    node = parts[0]
    for p in parts[1:]:
        node = build.mul(node, p)
    return node
