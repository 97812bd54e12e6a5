"""The unknown sizes of shape inference: dimension variables and a union-find over them.

Declared names and integers are rigid; a fresh :class:`DVar` binds to whatever it is
unified with, except a literal 1 (a vector of unknown length is never silently 1×1).  A
:class:`Prod` is a product of sizes (the length of ``vec(A)``), its factors listed from the
slowest-varying index to the fastest (``kron(a, b)`` is ``a·b``, ``vec`` of an ``m×n`` matrix
``n·m``).  Products are compared as flat lists of factors after common factors cancel, so a
size equal to a product containing itself (``m = m·p``) is seen at once: it would force
the other factors to 1, which no unknown size is, and the equation fails.

An equation between products that several factorisations solve (``m·n = p·q`` with unknown
sizes on both sides) is not decided when it is met: it waits, and is looked at again
whenever a size becomes known, until it has a single solution (one unknown left on a side)
or fails.  Only those still open when the whole expression is checked are settled
(:meth:`Solver.settle`), pairing factors in order, slowest with slowest.  Sizes still free at
the end get readable names (``m``, ``n``, ``p`` … in order of appearance).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..errors import LimitError, ShapeError
from ..ir import dims as dimmod

__all__ = ["DVar", "Prod", "Solver", "MAX_FACTORS"]

MAX_FACTORS = 64
"""The most factors a product dimension may have (Kronecker products nested that deep)."""

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
    """A product of dimension terms, slowest-varying factor first (the length of vec(A))."""

    factors: tuple


@dataclass
class _Equation:
    """An equation between products waiting for more sizes to be known; ``fail`` raises the
    error of the place that stated it."""

    left: Any
    right: Any
    fail: Callable[[], None] | None


class Solver:
    """Union-find over dimension terms: declared names and integers are rigid."""

    def __init__(self):
        self.parent: dict[Any, Any] = {}
        self.serial = 0
        self.first_seen: list[DVar] = []
        self.waiting: list[_Equation] = []
        self.broken: _Equation | None = None

    def fresh(self) -> DVar:
        self.serial += 1
        v = DVar(self.serial)
        self.first_seen.append(v)
        return v

    # -- terms ---------------------------------------------------------------------------
    def _root(self, v: DVar):
        root = v
        while root.__class__ is DVar and root in self.parent:
            root = self.parent[root]
        while v.__class__ is DVar and v in self.parent and self.parent[v] is not root:
            self.parent[v], v = root, self.parent[v]
        return root

    def factors(self, t) -> tuple[int, list]:
        """``(coefficient, factors)`` of ``t``: its integer part, then its names and free
        unknowns in order, slowest first."""
        coef, out, todo = 1, [], [t]
        while todo:
            x = todo.pop()
            if x.__class__ is DVar:
                x = self._root(x)
            cls = x.__class__
            if cls is Prod:
                todo.extend(reversed(x.factors))
            elif cls is int:
                coef *= x
            else:
                out.append(x)
                if len(out) > MAX_FACTORS:
                    raise LimitError(f"a dimension is a product of more than {MAX_FACTORS} "
                                     "sizes (the limit on nested Kronecker products)")
        return coef, out

    def find(self, t):
        cls = t.__class__
        if cls is str or cls is int:
            return t
        if cls is DVar:
            root = self._root(t)
            if root.__class__ is not Prod:
                return root
        coef, out = self.factors(t)
        if not out:
            return coef
        if coef == 1 and len(out) == 1:
            return out[0]
        return Prod(tuple(out) if coef == 1 else (coef, *out))

    # -- equations -----------------------------------------------------------------------
    def union(self, a, b, fail: Callable[[], None] | None = None) -> bool:
        """State ``a = b``; False when it cannot hold (then ``broken`` is the waiting
        equation that failed, or None when this one did)."""
        self.broken = None
        state = self._equate(a, b)
        if state == "wait":
            self.waiting.append(_Equation(a, b, fail))
            return True
        if state == "bound":
            return self._recheck()
        return state == "holds"

    def _recheck(self) -> bool:
        """Look at the waiting equations again after a size became known."""
        changed = True
        while changed:
            changed = False
            for eq in list(self.waiting):
                state = self._equate(eq.left, eq.right)
                if state == "wait":
                    continue
                self.waiting.remove(eq)
                if state == "fails":
                    self.broken = eq
                    return False
                changed = changed or state == "bound"
        return True

    def _equate(self, a, b) -> str:
        """Decide ``a = b`` where one solution is forced: ``holds`` (nothing to do),
        ``bound`` (an unknown was given a size), ``fails``, or ``wait``."""
        ca, left = self.factors(a)
        cb, right = self.factors(b)
        for f in list(left):
            for i, g in enumerate(right):
                if g is f or (f.__class__ is str and f == g):
                    left.remove(f)
                    del right[i]
                    break
        if not left and not right:
            return "holds" if ca == cb else "fails"
        unknown_l = [f for f in left if f.__class__ is DVar]
        unknown_r = [f for f in right if f.__class__ is DVar]
        for cx, x, cy, y in ((ca, left, cb, right), (cb, right, ca, left)):
            if len(x) == 1 and x[0].__class__ is DVar and cy % cx == 0:
                return self._bind(x[0], cy // cx, y)
        if unknown_l and unknown_r:
            return "wait"
        if not unknown_l and not unknown_r:
            return "fails"
        (cx, x, ux), (cy, y) = ((ca, left, unknown_l), (cb, right)) if unknown_l else \
            ((cb, right, unknown_r), (ca, left))
        if len(ux) < len(x) or cy % cx:
            return "fails"  # a name or a factor on one side only, that nothing can supply
        spare = cy // cx
        if len(ux) > len(y) + (spare.bit_length() - 1):
            return "fails"  # too few factors to give every unknown one (none is 1)
        return "wait"

    def surplus(self, a, b) -> Prod | None:
        """Where every factor of ``a`` is one of ``b`` (or the other way round), the factors
        left over: ``m = m·n·p`` holds only if ``n·p`` is 1.  None otherwise."""
        (_, x), (_, y) = self.factors(a), self.factors(b)
        if len(x) > len(y):
            x, y = y, x
        rest = list(y)
        for f in x:
            match = next((i for i, g in enumerate(rest) if g is f or
                          (f.__class__ is str and f == g)), None)
            if match is None:
                return None
            del rest[match]
        return Prod(tuple(rest)) if x and rest else None

    def _bind(self, v: DVar, coef: int, factors: list) -> str:
        if not factors and coef == 1:
            return "fails"  # an unknown size is never 1; nor a product containing itself
        self.parent[v] = self.find(Prod((coef, *factors)))
        return "bound"

    def settle(self) -> None:
        """Settle the product equations still open, pairing factors in order (slowest with
        slowest); raise the error of the first that no pairing solves."""
        while self.waiting:
            eq = self.waiting.pop(0)
            if not (self._pair(eq, reverse=False) or self._pair(eq, reverse=True)):
                if eq.fail is not None:
                    eq.fail()
                raise ShapeError("no sizes make these products of dimensions equal: "
                                 f"{self.find(eq.left)} and {self.find(eq.right)}")

    def _pair(self, eq: _Equation, reverse: bool) -> bool:
        saved, waiting = dict(self.parent), list(self.waiting)
        _, left = self.factors(eq.left)
        _, right = self.factors(eq.right)
        if reverse:
            right.reverse()
        short, long = (left, right) if len(left) <= len(right) else (right, left)
        if not short:  # a number on one side: only a single unknown on the other is solved
            return self._holds(eq)
        pairs = list(zip(short[:-1], long)) + [(short[-1], Prod(tuple(long[len(short) - 1:])))]
        if all(self.union(x, y) for x, y in pairs) and self._holds(eq):
            return True
        self.parent, self.waiting = saved, waiting
        return False

    def _holds(self, eq: _Equation) -> bool:
        """Whether ``eq`` now holds (a pairing that leaves it waiting solved nothing: taking
        it as solved would put it back in the queue for ever)."""
        state = self._equate(eq.left, eq.right)
        return state == "holds" or (state == "bound" and self._recheck())

    # -- naming --------------------------------------------------------------------------
    def resolve(self, t, names: dict) -> dimmod.Dim:
        t = self.find(t)
        if isinstance(t, Prod):
            return dimmod.dim_mul(*(names.get(f, f"?{f.serial}") if isinstance(f, DVar)
                                    else f for f in t.factors))
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
