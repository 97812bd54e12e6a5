"""Patterns over IR nodes: the left and right sides of rewrite rules.

A pattern is a tree of :class:`Pat` (an op, or a tuple of ops, with sub-patterns),
:class:`Hole` (matches any node, optionally only scalars, vectors, symmetric matrices …),
:class:`Num` (matches a constant and binds its value) and :class:`Rest` (the last argument
of an n-ary op: binds all the arguments from there on).  A :class:`Pat` may bind the node it
matched (``bind``) and its attributes (``attrs`` given as a name).  :func:`matcher` compiles a
pattern into a function that gives the bindings or None; :func:`instantiate` builds a right
side through the checked constructors, so a rewrite cannot produce an ill-shaped node.

The op a rule rewrites is the op of its left side's root: a rule declares it nowhere else.
The small functions at the end (``T``, ``Mul``, ``Tr`` …) make rules read like the
identities they state: ``Rule("transpose of the inverse", Inv(T(A)), T(Inv(A)))``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..ir import Node, Op, build

__all__ = [
    "Pat", "Hole", "Num", "Rest", "Apply", "matcher", "instantiate", "T", "Mul", "Scale",
    "Neg", "Had", "Inv", "Tr", "Det", "Sum", "DiagM", "DiagV", "Eye", "Div", "Pow", "Logdet",
    "Const", "Add", "MatPow", "Func", "Zero", "Of",
]


@dataclass(frozen=True)
class Hole:
    name: str
    test: Callable[[Node], bool] | None = None


@dataclass(frozen=True)
class Num:
    name: str


@dataclass(frozen=True)
class Rest:
    """The remaining arguments of an n-ary node (at least one), bound as a tuple."""

    name: str


@dataclass(frozen=True)
class Pat:
    """``op`` (one op or a tuple of them) over ``args``; ``args=None`` matches any arguments.

    ``attrs`` is a tuple to match, a name to bind the node's attributes to, or None (any);
    ``bind`` names the whole matched node."""

    op: Op | tuple[Op, ...]
    args: tuple | None = ()
    attrs: tuple | str | None = None
    bind: str | None = None


@dataclass(frozen=True)
class Apply:
    """A right-side template: ``fn`` of the built ``args`` (``fn`` may give None: no rewrite)."""

    fn: Callable[..., Node | None]
    args: tuple = ()


def matcher(pat: Pat) -> Callable[[Node], dict | None]:
    """``pat`` compiled into a function giving the bindings under which it is a node, or None.

    Each pattern node becomes one closure that checks its own op, arity and attributes and
    calls its children's closures (each gives the bindings so far, or None), so matching
    walks no pattern data at run time; the root's closure is the matcher itself."""
    if pat.args is None and pat.attrs is None and pat.bind is not None:
        ops, bind = pat.op if isinstance(pat.op, tuple) else (pat.op,), pat.bind

        def match_op(node: Node) -> dict | None:
            return {bind: node} if node.op in ops else None
        return match_op
    return _compile_pat(pat)


_UNBOUND = object()
Check = Callable[[Node, dict], "dict | None"]


def _compile(pat) -> Check:
    if isinstance(pat, Hole):
        name, test = pat.name, pat.test

        def hole(node: Node, b: dict) -> dict | None:
            if test is not None and not test(node):
                return None
            bound = b.get(name, _UNBOUND)
            if bound is _UNBOUND:
                b[name] = node
                return b
            return b if bound is node else None
        return hole
    if isinstance(pat, Num):
        name = pat.name

        def num(node: Node, b: dict) -> dict | None:
            if node.op is not Op.CONST:
                return None
            bound = b.get(name, _UNBOUND)
            if bound is _UNBOUND:
                b[name] = node.attrs[0]
                return b
            return b if bound == node.attrs[0] else None
        return num
    return _compile_pat(pat)


def _compile_pat(pat: Pat) -> Check:
    ops = pat.op if isinstance(pat.op, tuple) else (pat.op,)
    attrs, bind = pat.attrs, pat.bind
    args = pat.args
    rest = args[-1].name if args and isinstance(args[-1], Rest) else None
    fixed = args[:-1] if rest is not None else args
    subs = tuple(_compile(p) for p in fixed) if fixed is not None else None
    arity = len(subs) if subs is not None else 0

    def node_pattern(node: Node, b: dict | None = None) -> dict | None:
        if node.op not in ops:
            return None
        if b is None:
            b = {}
        if subs is not None:
            n = len(node.args)
            if n != arity if rest is None else n <= arity:
                return None
            for sub, a in zip(subs, node.args):
                if sub(a, b) is None:
                    return None
            if rest is not None:
                b[rest] = node.args[arity:]
        if isinstance(attrs, str):
            b[attrs] = node.attrs
        elif attrs is not None and attrs != node.attrs:
            return None
        if bind is not None:
            b[bind] = node
        return b
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


def instantiate(template, b: dict, like: Node) -> Node | None:
    """Build ``template`` with bindings ``b``; ``like`` (the node rewritten) gives the shape of
    a bare ``Eye`` or ``Zero``.  None when a function in the template declines."""
    if isinstance(template, Hole):
        return b[template.name]
    if isinstance(template, Num):
        return build.const(b[template.name])
    if isinstance(template, Apply):
        args = [instantiate(a, b, like) for a in template.args]
        return None if any(a is None for a in args) else template.fn(*args)
    args = [instantiate(a, b, like) for a in template.args]
    if any(a is None for a in args):
        return None
    op, attrs = template.op, template.attrs
    if op is Op.EYE:
        return build.eye(like.shape[0])
    if op is Op.FILL:
        return build.fill(attrs[0], like.shape) if like.shape else build.const(attrs[0])
    if op in _BUILDERS:
        return _BUILDERS[op](*args)
    attrs = b[attrs] if isinstance(attrs, str) else attrs
    return build.construct(op, tuple(args), attrs or ())


def Of(*ops: Op) -> Pat:
    """Any node of these ops, bound as ``node`` (the left side of a rule function)."""
    return Pat(ops, None, None, "node")


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


def Add(*terms) -> Pat:
    return Pat(Op.ADD, terms)


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


def Zero() -> Pat:
    """As a right side: the zero of the rewritten node's shape."""
    return Pat(Op.FILL, (), (0.0,))


def Div(a, b) -> Pat:
    return Pat(Op.DIV, (a, b))


def Pow(a, p) -> Pat:
    return Pat(Op.POW, (a, p))


def MatPow(a, k: str) -> Pat:
    """``a^k``, the integer ``k`` bound by name."""
    return Pat(Op.MATPOW, (a,), k)


def Func(name: str, a) -> Pat:
    """The element-wise function ``name`` of ``a``."""
    return Pat(Op.FUNC, (a,), (name,))


def Const(value: float) -> Pat:
    return Pat(Op.CONST, (), (float(value),))
