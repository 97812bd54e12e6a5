"""Commutative algebra: products as monomials with collected powers, sums as polynomials.

Scalar factors and element-wise (Hadamard) products of same-shaped operands commute, so a
product, a quotient or an integer power of them is read as a :class:`Monomial`: a number
times bases raised to numeric exponents, each base once (``det(X)*det(X)`` is ``det(X)^2``,
``norm2(x)/norm2(x)^2`` is ``norm2(x)^-1``).  A base is any node that is not such a product
(a function, a matrix product, a sum …), scalar or of the product's shape.  Bases are keyed by
identity (nodes are interned) and kept in order of first appearance, so reading a written
monomial back gives the same monomial: writing is idempotent.  :func:`read` is memoised per
node, so its monomials are shared: every operation makes a new one and none is changed.

A sum is read as a polynomial by :func:`expand`: element-wise products and quotients are
distributed over the sums they multiply, and like monomials (same bases, same exponents) add
their numbers.  Only exponents that are integers are multiplied out (``(a*b)^2`` is
``a^2*b^2``; ``(a*b)^0.5`` stays a base), so no reading changes a value where it is defined.

Nothing here decides whether a form is better: the rules of :mod:`.rules_commutative` offer
these forms to the ``minimize`` strategy, which keeps them when they print shorter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

from ..ir import Node, Op, build

__all__ = ["Monomial", "read", "expand", "write", "write_sum", "collect", "times", "MAX_TERMS"]

MAX_TERMS = 24
"""The most monomials an expansion may give (a product of sums multiplies out fast)."""


@dataclass
class Monomial:
    """``coef`` times the product of ``base ** exponent`` over ``powers`` (id → [base, e]);
    ``merged``: some base was read more than once (its powers were collected)."""

    coef: float = 1.0
    powers: dict[int, list] = field(default_factory=dict)
    merged: bool = False

    def times(self, other: Monomial, sign: int = 1) -> Monomial:
        """This monomial times ``other`` (``sign=-1``: divided by it)."""
        out = Monomial(self.coef * other.coef if sign > 0 else self.coef / other.coef,
                       {k: list(v) for k, v in self.powers.items()},
                       self.merged or other.merged)
        for key, (base, e) in other.powers.items():
            if key in out.powers:
                out.powers[key][1] += sign * e
                out.merged = True
            else:
                out.powers[key] = [base, sign * e]
        return out

    def power(self, p: float) -> Monomial:
        try:
            coef = self.coef ** p
        except (OverflowError, ZeroDivisionError):
            coef = math.inf  # past the range of a double: such a monomial is never written
        return Monomial(coef, {k: [b, e * p] for k, (b, e) in self.powers.items()},
                        self.merged)

    def key(self) -> frozenset:
        """What like monomials share: their bases and exponents."""
        return frozenset((k, e) for k, (_, e) in self.powers.items() if e != 0)


def _atom(node: Node) -> Monomial:
    return Monomial(1.0, {id(node): [node, 1.0]})


def _fits(a: Node, like: Node) -> bool:
    return not a.shape or a.shape is like.shape or a.shape == like.shape


def read(node: Node) -> Monomial:
    """``node`` as a monomial (a node that is no product is a base of exponent one).  The
    result is shared (read once per node, kept in ``node.facts`` but for a node that is its
    own base): callers make new monomials, never change it."""
    facts = node.facts
    got = None if facts is None else facts.get("monomial")
    if got is None:
        got = _read(node)
        if id(node) not in got.powers:  # a node is not kept in its own facts (no cycle)
            if node.facts is None:
                node.facts = {}
            node.facts["monomial"] = got
    return got


def _read(node: Node) -> Monomial:
    op = node.op
    if op is Op.CONST:
        return Monomial(node.attrs[0])
    if op is Op.NEG:
        return read(node.args[0]).times(Monomial(-1.0))
    if op in (Op.SCALE, Op.HADAMARD):
        return read(node.args[0]).times(read(node.args[1]))
    if op is Op.DIV and _fits(node.args[0], node) and _fits(node.args[1], node):
        below = read(node.args[1])
        if below.coef == 0:
            return _atom(node)
        return read(node.args[0]).times(below, -1)
    if op is Op.POW and node.args[1].op is Op.CONST and _fits(node.args[0], node):
        p = node.args[1].attrs[0]
        if math.isfinite(p) and p == int(p):
            inner = read(node.args[0])
            if inner.coef != 0 or p > 0:
                return inner.power(p)
        return Monomial(1.0, {id(node.args[0]): [node.args[0], p]})
    return _atom(node)


def expand(node: Node) -> list[Monomial] | None:
    """``node`` as a sum of monomials, products distributed over sums (None: too many)."""
    op = node.op
    if op is Op.ADD:
        out: list[Monomial] = []
        for a in node.args:
            part = expand(a)
            if part is None:
                return None
            out.extend(part)
        return out if len(out) <= MAX_TERMS else None
    if op is Op.NEG:
        part = expand(node.args[0])
        return None if part is None else [m.times(Monomial(-1.0)) for m in part]
    if op in (Op.SCALE, Op.HADAMARD):
        left, right = expand(node.args[0]), expand(node.args[1])
        if left is None or right is None or len(left) * len(right) > MAX_TERMS:
            return None
        return [a.times(b) for a in left for b in right]
    if op is Op.DIV and _fits(node.args[0], node) and _fits(node.args[1], node):
        below = read(node.args[1])
        top = expand(node.args[0])
        if top is None or below.coef == 0:
            return None if top is None else [_atom(node)]
        return [m.times(below, -1) for m in top]
    return [read(node)]


def collect(terms: list[Monomial]) -> list[Monomial]:
    """Like monomials added, those that cancel dropped, in order of first appearance."""
    groups: dict[frozenset, Monomial] = {}
    for m in terms:
        key = m.key()
        if key in groups:
            groups[key].coef += m.coef
        else:
            groups[key] = Monomial(m.coef, {k: list(v) for k, v in m.powers.items() if v[1]})
    return [m for m in groups.values() if m.coef != 0]


def _nice(x: float) -> bool:
    return abs(x) < 1e12 and round(x, 6) == x


def times(a: Node | None, b: Node) -> Node:
    """``a*b``: element-wise for two arrays, else a scale (``a`` None: ``b``)."""
    if a is None:
        return b
    if a.shape and b.shape:
        return build.hadamard(a, b)
    return build.mul(a, b)


def _raised(base: Node, e: float) -> Node:
    return base if e == 1 else build.power(base, build.const(e))


Identity = Callable[[Node, Node, bool], "Node | None"]


def _combine(factors: list[list], identity: Identity | None) -> list[list]:
    """Pairs of factors of exponent ±1 that an identity writes as one factor, so written."""
    if identity is None:
        return factors
    changed = True
    while changed:
        changed = False
        for i, (a, ea) in enumerate(factors):
            for j, (b, eb) in enumerate(factors):
                if i == j or ea != 1 or abs(eb) != 1:
                    continue
                one = identity(a, b, eb < 0)
                if one is not None:
                    factors = [f for k, f in enumerate(factors) if k not in (i, j)]
                    factors.append([one, 1.0])
                    changed = True
                    break
            if changed:
                break
    return factors


def write(m: Monomial, like: Node, identity: Identity | None = None) -> Node | None:
    """The monomial as a node of ``like``'s shape: numbers first, then scalar bases, then
    arrays; positive powers over negative ones.  ``identity(a, b, divide)`` may write a pair of
    factors ``a*b`` (or ``a/b``) as one.  None when the shape cannot be kept, or the number
    is past the range of a double (the input's own numbers are then kept as written)."""
    if not math.isfinite(m.coef):
        return None
    factors = [[b, e] for b, e in m.powers.values() if e != 0]
    factors = _combine(factors, identity)
    factors.sort(key=lambda f: bool(f[0].shape))
    top = bottom = None
    for base, e in factors:
        if e > 0:
            top = times(top, _raised(base, e))
        else:
            bottom = times(bottom, _raised(base, -e))
    coef = m.coef
    if top is None and bottom is None:
        return build.fill(coef, like.shape) if like.shape else build.const(coef)
    if coef != 1 and coef != -1 and not _nice(coef) and _nice(1 / coef) and bottom is None:
        bottom, coef = build.const(abs(1 / coef)), 1.0 if coef > 0 else -1.0
    if top is None:
        top = build.fill(1.0, like.shape) if like.shape and not bottom.shape else build.ONE
    out = top if bottom is None else build.div(top, bottom)
    if coef == -1:
        out = build.neg(out)
    elif coef != 1:
        out = build.mul(build.const(coef), out)
    if out.shape != like.shape:
        if not like.shape:
            return None
        out = times(out, build.fill(1.0, like.shape)) if out.shape else \
            build.mul(out, build.fill(1.0, like.shape))
    return out


def write_sum(terms: list[Monomial], like: Node, identity: Identity | None = None
              ) -> Node | None:
    """The monomials as a sum of ``like``'s shape, a term with a positive number first."""
    if not terms:
        return build.fill(0.0, like.shape) if like.shape else build.ZERO
    first = next((k for k, m in enumerate(terms) if m.coef > 0), 0)
    ordered = [terms[first]] + terms[:first] + terms[first + 1:]
    nodes = []
    for m in ordered:
        scalar_only = all(not b.shape for b, _ in m.powers.values())
        node = write(m, build.ONE if scalar_only else like, identity)
        if node is None:
            return None
        nodes.append(node)
    out = build.add(*nodes)
    return out if out.shape == like.shape else None
