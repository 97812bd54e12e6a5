"""Checked constructors: the only way non-leaf nodes come into being.

:func:`~.nodes.construct` computes a node's shape with its rule from :mod:`.shape_rules`
under a unifier that demands exact equality, and interns the node.  The small builders below
(``add``, ``mul``, ``transpose`` …) are what the parser, the calculus and the rewriter call.
They check and never simplify, with one exception that is about meaning, not form: ``mul``
chooses between a scalar scale and a matrix product by the operands' shapes.
"""

from __future__ import annotations

from .dims import Dim, Shape, dim_mul
from .nodes import Node, construct, make
from .ops import Op

__all__ = [
    "construct", "var", "diff", "const", "eye", "fill", "fuse", "add", "neg", "sub", "mul",
    "scale", "matmul", "hadamard", "div", "power", "matpow", "transpose", "unary", "func",
    "einsum", "matfunc", "frechet", "ZERO", "ONE", "negate_leading_number",
]


def var(name: str, shape: Shape, kind: str = "", span=None) -> Node:
    return make(Op.VAR, (), (name, kind), tuple(shape), span)


def diff(v: Node) -> Node:
    """The differential ``dX`` of variable ``v``."""
    return make(Op.DIFF, (v,), (), v.shape)


def const(value: float, span=None) -> Node:
    return make(Op.CONST, (), (float(value),), (), span)


ZERO = const(0.0)
ONE = const(1.0)


def eye(n: Dim, span=None) -> Node:
    return make(Op.EYE, (), (), (n, n), span)


def fill(value: float, shape: Shape, span=None) -> Node:
    return make(Op.FILL, (), (float(value),), tuple(shape), span)


def fuse(p: Dim, q: Dim) -> Node:
    return make(Op.FUSE, (), (), (dim_mul(p, q), p, q))


def add(*terms: Node, span=None) -> Node:
    if len(terms) == 1:
        return terms[0]
    return construct(Op.ADD, tuple(terms), (), span)


def neg(a: Node, span=None) -> Node:
    return construct(Op.NEG, (a,), (), span)


def sub(a: Node, b: Node, span=None) -> Node:
    return add(a, neg(b), span=span)


def scale(s: Node, a: Node, span=None) -> Node:
    return construct(Op.SCALE, (s, a), (), span)


def matmul(a: Node, b: Node, span=None) -> Node:
    return construct(Op.MATMUL, (a, b), (), span)


def mul(a: Node, b: Node, span=None) -> Node:
    """``a*b``: a scale when either side is a scalar, else a matrix product."""
    if a.is_scalar:
        return scale(a, b, span)
    if b.is_scalar:
        return scale(b, a, span)
    return matmul(a, b, span)


def hadamard(a: Node, b: Node, span=None) -> Node:
    return construct(Op.HADAMARD, (a, b), (), span)


def div(a: Node, b: Node, span=None) -> Node:
    return construct(Op.DIV, (a, b), (), span)


def power(a: Node, p: Node, span=None) -> Node:
    return construct(Op.POW, (a, p), (), span)


def matpow(a: Node, k: int, span=None) -> Node:
    return construct(Op.MATPOW, (a,), (int(k),), span)


def transpose(a: Node, span=None) -> Node:
    return construct(Op.TRANSPOSE, (a,), (), span)


def unary(op: Op, a: Node, span=None) -> Node:
    return construct(op, (a,), (), span)


def func(name: str, a: Node, span=None) -> Node:
    return construct(Op.FUNC, (a,), (name,), span)


def matfunc(name: str, a: Node, span=None) -> Node:
    """The matrix function ``name`` (``expm``, ``logm``, ``sqrtm``) of a square matrix."""
    return construct(Op.MATFUNC, (a,), (name,), span)


def frechet(name: str, x: Node, *directions: Node) -> Node:
    """``L_f(X, E1, …, Ek)``: the k-th Fréchet derivative of matrix function ``name`` at ``x``."""
    return construct(Op.FRECHET, (x, *directions), (name,))


def einsum(specs: tuple[str, ...], out: str, args: tuple[Node, ...]) -> Node:
    return construct(Op.EINSUM, tuple(args), (tuple(specs), out))


def negate_leading_number(node: Node) -> Node:
    """A term with a :func:`~matdiff.ir.nodes.leading_number`, that number negated."""
    first = node.args[0]
    first = const(-first.attrs[0]) if first.op is Op.CONST else negate_leading_number(first)
    return scale(first, node.args[1])
