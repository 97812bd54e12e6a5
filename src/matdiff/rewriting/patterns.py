"""Patterns over IR nodes: the left and right sides of rewrite rules.

A pattern is a tree of :class:`Pat` (an op with sub-patterns), :class:`Hole` (matches any
node, optionally only scalars, non-scalars, square matrices …) and :class:`Num` (matches a
constant and binds its value).  :func:`matcher` compiles a pattern into a function that
gives the bindings or None; :func:`instantiate` builds the right side through the checked
constructors, so a rewrite cannot produce an ill-shaped node.  The small functions at the
end (``T``, ``Mul``, ``Tr`` …) make rules read like the identities they state:
``Rule("transpose of product", T(Mul(A, B)), Mul(T(B), T(A)))``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..ir import Node, Op, build

__all__ = [
    "Pat", "Hole", "Num", "matcher", "instantiate", "T", "Mul", "Scale", "Neg", "Had", "Inv",
    "Tr", "Det", "Sum", "DiagM", "DiagV", "Eye", "Add2", "Div", "Pow", "Logdet", "Const",
]


@dataclass(frozen=True)
class Hole:
    name: str
    test: Callable[[Node], bool] | None = None


@dataclass(frozen=True)
class Num:
    name: str


@dataclass(frozen=True)
class Pat:
    op: Op
    args: tuple = ()
    attrs: tuple | None = None


def matcher(pat) -> Callable[[Node], dict | None]:
    """``pat`` compiled into a function giving the bindings under which it is a node, or None.

    Each pattern node becomes one closure that checks its own op, arity and attributes and
    calls its children's closures, so matching walks no pattern data at run time."""
    check = _compile(pat)

    def match(node: Node) -> dict | None:
        b: dict = {}
        return b if check(node, b) else None

    return match


_UNBOUND = object()


def _compile(pat) -> Callable[[Node, dict], bool]:
    if isinstance(pat, Hole):
        name, test = pat.name, pat.test

        def hole(node: Node, b: dict) -> bool:
            if test is not None and not test(node):
                return False
            bound = b.get(name, _UNBOUND)
            if bound is _UNBOUND:
                b[name] = node
                return True
            return bound is node
        return hole
    if isinstance(pat, Num):
        name = pat.name

        def num(node: Node, b: dict) -> bool:
            if node.op is not Op.CONST:
                return False
            bound = b.get(name, _UNBOUND)
            if bound is _UNBOUND:
                b[name] = node.attrs[0]
                return True
            return bound == node.attrs[0]
        return num
    op, attrs, arity = pat.op, pat.attrs, len(pat.args)
    subs = tuple(_compile(p) for p in pat.args)

    def node_pattern(node: Node, b: dict) -> bool:
        if node.op is not op or len(node.args) != arity:
            return False
        if attrs is not None and attrs != node.attrs:
            return False
        for sub, a in zip(subs, node.args):
            if not sub(a, b):
                return False
        return True
    return node_pattern


_BUILDERS: dict[Op, Callable[..., Node]] = {
    Op.TRANSPOSE: build.transpose,
    Op.MATMUL: build.mul,
    Op.SCALE: build.mul,
    Op.NEG: build.neg,
    Op.HADAMARD: build.hadamard,
    Op.ADD: build.add,
    Op.DIV: build.div,
    Op.POW: build.power,
}


def instantiate(template, b: dict, like: Node) -> Node:
    """Build ``template`` with bindings ``b``; ``like`` gives sizes for a bare ``Eye``."""
    if isinstance(template, Hole):
        return b[template.name]
    if isinstance(template, Num):
        return build.const(b[template.name])
    if callable(template) and not isinstance(template, Pat):
        return template(b)
    args = [instantiate(a, b, like) for a in template.args]
    if template.op is Op.EYE:
        return build.eye(like.shape[0])
    if template.op in _BUILDERS:
        return _BUILDERS[template.op](*args)
    return build.construct(template.op, tuple(args), template.attrs or ())


def T(a) -> Pat:
    return Pat(Op.TRANSPOSE, (a,))


def Mul(a, b) -> Pat:
    return Pat(Op.MATMUL, (a, b))


def Scale(s, a) -> Pat:
    return Pat(Op.SCALE, (s, a))


def Neg(a) -> Pat:
    return Pat(Op.NEG, (a,))


def Had(a, b) -> Pat:
    return Pat(Op.HADAMARD, (a, b))


def Inv(a) -> Pat:
    return Pat(Op.INV, (a,))


def Tr(a) -> Pat:
    return Pat(Op.TRACE, (a,))


def Det(a) -> Pat:
    return Pat(Op.DET, (a,))


def Logdet(a) -> Pat:
    return Pat(Op.LOGDET, (a,))


def Sum(a) -> Pat:
    return Pat(Op.SUM, (a,))


def DiagM(a) -> Pat:
    return Pat(Op.DIAGM, (a,))


def DiagV(a) -> Pat:
    return Pat(Op.DIAGV, (a,))


def Eye() -> Pat:
    return Pat(Op.EYE, (), ())


def Add2(a, b) -> Pat:
    return Pat(Op.ADD, (a, b))


def Div(a, b) -> Pat:
    return Pat(Op.DIV, (a, b))


def Pow(a, p) -> Pat:
    return Pat(Op.POW, (a, p))


def Const(value: float) -> Pat:
    return Pat(Op.CONST, (), (float(value),))


