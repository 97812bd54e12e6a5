"""Matrix products planned before they are written: chains, their order, their shared parts.

A product of matrices, vectors, transposes, diagonal matrices and scalar factors is flattened
into one *chain*: the scalar coefficients and the list of :class:`Factor` (a node used as is or
transposed; ``diag(v)`` and ``eye`` as diagonal factors, which cost only a broadcast).  The
:class:`ChainPlanner` counts first, for each contiguous run of factors, in how many places of
the function it occurs (a run occurring more than once is kept in a local).  It then orders
each product by dynamic programming over the sizes (those bound at call time, or nominal ones)
in which a run planned before, for another chain, costs nothing: it is computed once.  Planned
left to right, the first chain of a sum leaves its suffix products behind and each further term
extends one prefix, so the gradient of ``tr(X*A1*X*A2*...)`` takes O(K) products, not O(K²).
A run and its transpose are the same work: runs are keyed by a canonical orientation.

Invariants: planning changes no value, only the order of associative products and where
scalars are applied; a factor is never an identity unless the whole chain is.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ir import Node, Op
from ..ir.dims import Dim, Prod

__all__ = ["Factor", "Chain", "flatten", "is_product", "ChainPlanner", "Plan", "NOMINAL_SIZE",
           "MAX_PRODUCTS"]

NOMINAL_SIZE = 100
"""The size planning assumes for a symbolic dimension when no array fixes it (``d.code()``)."""

MAX_PRODUCTS = 48
"""The most products one chain holds (planning is cubic in its length); a longer product is
planned in pieces of this many, each a factor of the one before."""

_CHAIN_OPS = frozenset({Op.MATMUL, Op.TRANSPOSE, Op.NEG, Op.SCALE})


@dataclass(frozen=True, slots=True)
class Factor:
    """One factor of a chain: ``node`` (transposed when ``flipped``), ``rows`` × ``cols`` as
    used; ``diagonal`` for ``diag(v)`` (``node`` is then ``v``) and ``eye`` (``node`` the eye).
    """

    node: Node
    flipped: bool
    rows: Dim
    cols: Dim
    diagonal: bool

    @property
    def key(self) -> tuple[int, bool]:
        return (id(self.node), self.flipped)

    @property
    def is_eye(self) -> bool:
        return self.node.op is Op.EYE


@dataclass(frozen=True, slots=True)
class Chain:
    """``sign * prod(scalars) * factors[0] @ factors[1] @ ...``."""

    sign: int
    scalars: tuple[Node, ...]
    factors: tuple[Factor, ...]


def _leaf(node: Node, flipped: bool) -> Factor:
    if node.op is Op.DIAGM:
        n = node.shape[0]
        return Factor(node.args[0], False, n, n, True)
    if node.op is Op.EYE:
        n = node.shape[0]
        return Factor(node, False, n, n, True)
    if node.op is Op.VAR and node.attrs[1] in ("symmetric", "spd"):
        flipped = False
    rows, cols = (node.shape[0], 1) if node.rank == 1 else node.shape
    if flipped:
        rows, cols = cols, rows
    return Factor(node, flipped, rows, cols, False)


def is_product(node: Node) -> bool:
    """Whether :func:`flatten` makes a chain of ``node`` (without flattening it)."""
    if node.op not in _CHAIN_OPS or node.rank > 2 or (node.rank == 0 and node.op is not
                                                      Op.MATMUL):
        return False
    n = node
    while True:
        if n.op is Op.MATMUL:
            return bool(n.args[0].rank and n.args[1].rank)
        if n.op is Op.TRANSPOSE and 0 < n.rank <= 2 and n.args[0].rank:
            n = n.args[0]
        elif n.op is Op.NEG and n.rank:
            n = n.args[0]
        elif n.op is Op.SCALE and n.args[1].rank:
            n = n.args[1]
        else:
            return False


def flatten(node: Node) -> Chain | None:
    """The chain ``node`` is, or None when it holds no matrix product.  Identity factors are
    dropped, so a chain may be left with one factor; past :data:`MAX_PRODUCTS` products, the
    rest of a product is one factor (a chain of its own)."""
    if node.op not in _CHAIN_OPS or node.rank > 2 or (node.rank == 0 and node.op is not
                                                      Op.MATMUL):
        return None
    sign, scalars, factors, products = 1, [], [], 0

    def visit(n: Node, flipped: bool) -> None:
        nonlocal sign, products
        if n.op is Op.MATMUL and n.args[0].rank and n.args[1].rank \
                and products < MAX_PRODUCTS:
            products += 1
            first, second = n.args[::-1] if flipped else n.args
            visit(first, flipped)
            visit(second, flipped)
        elif n.op is Op.TRANSPOSE and 0 < n.rank <= 2 and n.args[0].rank:
            visit(n.args[0], not flipped)
        elif n.op is Op.NEG and n.rank:
            sign = -sign
            visit(n.args[0], flipped)
        elif n.op is Op.SCALE and n.args[1].rank:
            scalars.append(n.args[0])
            visit(n.args[1], flipped)
        else:
            factors.append(_leaf(n, flipped))

    visit(node, False)
    if not products:
        return None
    if not all(f.is_eye for f in factors):
        factors = [f for f in factors if not f.is_eye]
    else:
        factors = factors[:1]
    return Chain(sign, tuple(scalars), tuple(factors))


class ChainPlanner:
    """The order of every chain's products; runs planned once are free for later chains."""

    def __init__(self, sizes: dict[str, int] | None = None):
        self.sizes = sizes or {}
        self.count: dict[tuple, int] = {}
        self.split: dict[tuple, int] = {}

    # -- keys ----------------------------------------------------------------------------
    @staticmethod
    def keys(factors: tuple[Factor, ...]) -> list[list[tuple | None]]:
        """``keys[i][j]``: the canonical key of factors ``i..j-1`` and whether it is reversed.
        """
        raw = [(id(f.node), f.flipped, f.diagonal) for f in factors]
        back = [(i, flipped if diag else not flipped, diag) for i, flipped, diag in reversed(raw)]
        n = len(raw)
        table: list[list] = [[None] * (n + 1) for _ in range(n)]
        for i in range(n):
            for j in range(i + 1, n + 1):
                key, rev = tuple(raw[i:j]), tuple(back[n - j:n - i])
                table[i][j] = (key, False) if key <= rev else (rev, True)
        return table

    def add(self, factors: tuple[Factor, ...]) -> None:
        """Count the runs of a chain that will be computed (before any :meth:`order`)."""
        table = self.keys(factors)
        n = len(factors)
        for i in range(n):
            for j in range(i + 2, n + 1):
                key = table[i][j][0]
                self.count[key] = self.count.get(key, 0) + 1

    # -- sizes ---------------------------------------------------------------------------
    def size(self, d: Dim) -> int:
        if isinstance(d, int):
            return d
        if isinstance(d, Prod):
            out = d.coef
            for name in d.names:
                out *= self.sizes.get(name, NOMINAL_SIZE)
            return out
        return self.sizes.get(d, NOMINAL_SIZE)

    # -- planning ------------------------------------------------------------------------
    def order(self, factors: tuple[Factor, ...]) -> Plan:
        """The cheapest way to compute ``factors`` given the runs planned before (free: they
        are computed once, in the order of planning); :meth:`commit` then plans its runs."""
        n = len(factors)
        table = self.keys(factors)
        rows = [self.size(f.rows) for f in factors]
        cols = [self.size(f.cols) for f in factors]
        cost = [[0.0] * (n + 1) for _ in range(n + 1)]
        choice = [[0] * (n + 1) for _ in range(n + 1)]
        dense = [0]  # dense[k]: how many of the first k factors are not diagonal
        for f in factors:
            dense.append(dense[-1] + (not f.diagonal))
        for length in range(2, n + 1):
            for i in range(n - length + 1):
                j = i + length
                key, reversed_ = table[i][j]
                part = self.split.get(key)
                if part is not None:
                    choice[i][j] = j - part if reversed_ else i + part
                    continue
                left, outer = cost[i], rows[i] * cols[j - 1]
                best, pick = float("inf"), i + 1
                if dense[j] == dense[i]:  # all diagonal: n products of numbers
                    best = rows[i] + left[i + 1] + cost[i + 1][j]
                else:
                    for k in range(i + 1, j):  # leftmost first: ties give X'*(c.*X)
                        if dense[k] == dense[i] or dense[j] == dense[k]:
                            flops = outer
                        else:
                            flops = outer * cols[k - 1]
                        total = left[k] + cost[k][j] + flops
                        if total < best:
                            best, pick = total, k
                cost[i][j], choice[i][j] = best, pick
        return Plan(table, cost, choice, rows, cols)

    def commit(self, plan: Plan, i: int, j: int) -> None:
        """Mark run ``i..j-1`` of ``plan`` and the runs it is made of as planned."""
        stack = [(i, j)]
        while stack:
            i, j = stack.pop()
            if j - i < 2:
                continue
            key, reversed_ = plan.table[i][j]
            if key in self.split:
                continue
            k = plan.choice[i][j]
            self.split[key] = j - k if reversed_ else k - i
            stack += [(i, k), (k, j)]


@dataclass(slots=True)
class Plan:
    """The planned order of one chain: ``cost[i][j]`` and ``choice[i][j]`` are the cost and
    the split point of the run of factors ``i..j-1`` (cost 0 for a run planned before);
    ``table`` their canonical keys (:meth:`ChainPlanner.keys`)."""

    table: list
    cost: list[list[float]]
    choice: list[list[int]]
    rows: list[int]
    cols: list[int]

    def split(self, i: int, j: int) -> int:
        return self.choice[i][j]

    def trace_split(self) -> int:
        """Where ``tr(chain)`` is best cut into ``tr(L*R) = sum(L .* R')``."""
        n = len(self.rows)
        return min(range(1, n), key=lambda k: (self.cost[0][k] + self.cost[k][n]
                                               + self.rows[0] * self.cols[k - 1], k))
