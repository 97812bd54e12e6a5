"""The unknown sizes of shape inference: dimension variables and a union-find over them.

Declared names and integers are rigid; a fresh :class:`DVar` binds to whatever it is
unified with, except a literal 1 (a vector of unknown length is never silently 1×1).  A
:class:`Prod` is a product of sizes not yet known (the length of ``vec(A)``); products
unify factor by factor after common factors cancel.  Sizes still free at the end get
readable names (``m``, ``n``, ``p`` … in order of appearance).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..ir import dims as dimmod

__all__ = ["DVar", "Prod", "Solver"]

_NAMES = "m n p q r s t k l u v w a b c d e f g h i j".split()


class DVar:
    """An unknown dimension."""

    __slots__ = ("serial",)

    def __init__(self, serial: int):
        self.serial = serial

    def __repr__(self) -> str:
        return f"?{self.serial}"


@dataclass(frozen=True)
class Prod:
    """A product of dimension terms not yet known (the length of vec(A))."""

    factors: tuple


class Solver:
    """Union-find over dimension terms: declared names and integers are rigid."""

    def __init__(self):
        self.parent: dict[Any, Any] = {}
        self.serial = 0
        self.first_seen: list[DVar] = []

    def fresh(self) -> DVar:
        self.serial += 1
        v = DVar(self.serial)
        self.first_seen.append(v)
        return v

    def find(self, t):
        cls = t.__class__
        if cls is str or cls is int:
            return t
        if cls is Prod:
            return Prod(tuple(self.find(f) for f in t.factors))
        root = t
        while isinstance(root, DVar) and root in self.parent:
            root = self.parent[root]
        while isinstance(t, DVar) and t in self.parent and self.parent[t] is not root:
            self.parent[t], t = root, self.parent[t]
        return root

    def union(self, a, b) -> bool:
        a, b = self.find(a), self.find(b)
        if a is b or (not isinstance(a, DVar) and a == b):
            return True
        if isinstance(b, DVar) and not isinstance(a, DVar):
            a, b = b, a
        if isinstance(a, DVar):
            if b == 1 or (isinstance(b, Prod) and a in b.factors):
                return False
            self.parent[a] = b
            return True
        if isinstance(a, Prod) and isinstance(b, Prod):
            return self.union_products(list(a.factors), list(b.factors))
        if isinstance(a, Prod) or isinstance(b, Prod):
            ra, rb = self.resolve(a, {}), self.resolve(b, {})
            return ra == rb
        return False

    def union_products(self, left: list, right: list) -> bool:
        """Products commute: common factors cancel, the rest pair up in order."""
        for f in list(left):
            match = next((g for g in right if g is f or (not isinstance(f, DVar)
                                                         and not isinstance(g, DVar)
                                                         and f == g)), None)
            if match is not None:
                left.remove(f)
                right.remove(match)
        if len(left) != len(right):
            return False
        return all(self.union(x, y) for x, y in zip(left, right))

    def resolve(self, t, names: dict) -> dimmod.Dim:
        t = self.find(t)
        if isinstance(t, Prod):
            return dimmod.dim_mul(*(self.resolve(f, names) for f in t.factors))
        if isinstance(t, DVar):
            return names.get(t, f"?{t.serial}")
        return t

    def names(self, taken: set[str]) -> dict:
        """Readable names for the unknown sizes still free, in order of appearance."""
        out: dict = {}
        pool = [n for n in _NAMES if n not in taken]
        extra = 0
        for v in self.first_seen:
            root = self.find(v)
            if not isinstance(root, DVar) or root in out:
                continue
            if pool:
                out[root] = pool.pop(0)
            else:
                extra += 1
                out[root] = f"n{extra}"
        return out
