"""Rules of sums: flatten, drop zeros, collect like terms, pull common factors out.

A term is read as ``number × scalar factor × chain of matrix factors``.  Like terms (same
scalar factor and chain) add their numbers: ``X*B + X*B`` is ``2*X*B``.  Terms that share the
first (or last) factor of their chains, or their scalar factor, or their number, can have it
pulled out: ``D'*D*W - D'*X`` is ``D'*(D*W - X)``.  Those four ways are ``SUMS_CHOICES``,
alternatives the ``minimize`` strategy weighs against the sum as it stands, so a factor is
pulled out only when that prints shorter.  Every rule here is a rule function, since each
reads a sum of any number of terms (the left side ``Of(Op.ADD)``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ir import Node, Op, build
from .engine import Rule, RuleSet
from .measure import chain, is_zero
from .patterns import Of
from .rules_matrix import product

__all__ = ["SUMS", "SUMS_CHOICES"]


@dataclass
class _Term:
    coef: float
    scalar: Node | None
    factors: list[Node]

    def node(self) -> Node | None:
        body = product(self.factors) if self.factors else None
        if self.scalar is not None:
            body = self.scalar if body is None else build.mul(self.scalar, body)
        if body is None:
            return build.const(self.coef)
        if self.coef == 1.0:
            return body
        if self.coef == -1.0:
            return build.neg(body)
        if self.coef == 0.0:
            return None
        return build.mul(build.const(self.coef), body)


def _read(node: Node) -> _Term:
    if node.op is Op.NEG:
        t = _read(node.args[0])
        return _Term(-t.coef, t.scalar, t.factors)
    if node.op is Op.CONST:
        return _Term(node.attrs[0], None, [])
    if node.op is Op.SCALE:
        s, body = node.args
        t = _read(body)
        if s.op is Op.CONST:
            return _Term(t.coef * s.attrs[0], t.scalar, t.factors)
        scalar = s if t.scalar is None else build.mul(s, t.scalar)
        return _Term(t.coef, scalar, t.factors)
    return _Term(1.0, None, chain(node) if node.op is Op.MATMUL else [node])


def _sum(terms: list[_Term], shape) -> Node:
    nodes = [n for n in (t.node() for t in terms) if n is not None]
    if not nodes:
        return build.fill(0.0, shape) if shape else build.ZERO
    return build.add(*nodes)


def _flatten(b) -> Node | None:
    """(a + b) + c = a + b + c, and a + 0 = a."""
    node = b["node"]
    if not any(a.op is Op.ADD or is_zero(a) for a in node.args):
        return None
    terms = []
    for a in node.args:
        if a.op is Op.ADD:
            terms.extend(a.args)
        elif not is_zero(a):
            terms.append(a)
    if not terms:
        return build.fill(0.0, node.shape) if node.shape else build.ZERO
    if len(terms) == 1 and terms[0].shape != node.shape:
        return None
    return build.add(*terms)


def _collect(b) -> Node | None:
    """a*X + b*X = (a + b)*X for numbers a, b."""
    node = b["node"]
    groups: dict[tuple, _Term] = {}
    for a in node.args:
        t = _read(a)
        key = (id(t.scalar), tuple(id(f) for f in t.factors))
        if key in groups:
            groups[key].coef += t.coef
        else:
            groups[key] = _Term(t.coef, t.scalar, list(t.factors))
    if len(groups) == len(node.args):
        return None
    out = _sum(list(groups.values()), node.shape)
    if out.shape != node.shape:
        return None
    return out


def _common_factors(b) -> list[Node]:
    """a*x + a*y = a*(x + y), for a common number, scalar, first or last factor of the terms."""
    node = b["node"]
    terms = [_read(a) for a in node.args]
    pulled = (by(terms, node) for by in (_by_number, _by_scalar, _by_left, _by_right))
    return [out for out in pulled if out is not None]


def _split(terms: list[_Term], key) -> tuple[object, list[int]] | tuple[None, None]:
    """The most common key among the terms (None-keys never pair) and who has it."""
    seen: dict = {}
    for k, t in enumerate(terms):
        value = key(t)
        if value is not None:
            seen.setdefault(id(value) if isinstance(value, Node) else value, []).append(k)
    groups = [ks for ks in seen.values() if len(ks) > 1]
    if not groups:
        return None, None
    members = max(groups, key=len)
    return key(terms[members[0]]), members


def _rebuild(terms, members, inner_terms, combine, shape) -> Node | None:
    """The members' common factor pulled out of their sum, beside the other terms; None
    where what is left of the members cannot be added (a scalar term broadcast in the sum,
    as ``z'*z`` beside ``C*z``, leaves a row where the others leave a matrix)."""
    if len({n.shape for n in (t.node() for t in inner_terms) if n is not None}) > 1:
        return None
    inner = _sum(inner_terms, None)
    pulled = combine(inner)
    rest = [t for k, t in enumerate(terms) if k not in members]
    if not rest:
        return pulled
    return build.add(pulled, *(n for n in (t.node() for t in rest) if n is not None))


def _by_number(terms, node):
    value, members = _split(terms, lambda t: t.coef if abs(t.coef) != 1.0 else None)
    if value is None:
        return None
    inner = [_Term(t.coef / value, t.scalar, t.factors) for k, t in enumerate(terms)
             if k in members]
    return _rebuild(terms, members, inner, lambda s: build.mul(build.const(value), s),
                    node.shape)


def _by_scalar(terms, node):
    value, members = _split(terms, lambda t: t.scalar)
    if value is None:
        return None
    inner = [_Term(t.coef, None, t.factors) for k, t in enumerate(terms) if k in members]
    return _rebuild(terms, members, inner, lambda s: build.mul(value, s), node.shape)


def _by_left(terms, node):
    value, members = _split(terms, lambda t: t.factors[0] if len(t.factors) > 1 else None)
    if value is None:
        return None
    inner = [_Term(t.coef, t.scalar, t.factors[1:]) for k, t in enumerate(terms)
             if k in members]
    return _rebuild(terms, members, inner, lambda s: build.mul(value, s), node.shape)


def _by_right(terms, node):
    value, members = _split(terms, lambda t: t.factors[-1] if len(t.factors) > 1 else None)
    if value is None:
        return None
    inner = [_Term(t.coef, t.scalar, t.factors[:-1]) for k, t in enumerate(terms)
             if k in members]
    return _rebuild(terms, members, inner, lambda s: build.mul(s, value), node.shape)


SUMS = RuleSet("sums", (
    Rule("flatten sums and drop zeros", Of(Op.ADD), _flatten, example="(x + y) + 0*z"),
    Rule("collect like terms", Of(Op.ADD), _collect, example="X*B + X*B"),
))

SUMS_CHOICES = RuleSet("sum choices", (
    Rule("pull out a common factor", Of(Op.ADD), _common_factors, example="D'*D*W - D'*X"),
))
