"""The one node type of matdiff's IR: immutable, interned, shaped.

Every expression — parsed input, differential, derivative, simplified result — is a DAG of
:class:`Node`.  Nodes are built only through :func:`make`, which interns them: two nodes with
the same op, the same argument objects, the same attributes and the same shape are the same
object, so structural equality is identity and memoising by ``id`` is free.  The span (where
the node stands in the input text) rides along but is not part of the identity; the first
construction of a node keeps its span.

Invariants: ``make`` never simplifies (``A*I`` stays ``A*I``); shapes are computed and checked
by :mod:`matdiff.ir.build`, which is the only module expected to call ``make`` for non-leaves.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from .dims import Shape

__all__ = ["Op", "Node", "make", "LEAVES", "ELEMENTWISE_FUNCS", "leading_number"]


class Op(Enum):
    """The closed set of operations."""

    VAR = "var"  # attrs: (name, kind); kind in "", "symmetric", "spd"
    DIFF = "diff"  # args: (var,); the differential dX of a variable
    CONST = "const"  # attrs: (value,); a scalar number
    EYE = "eye"  # identity matrix, shape (n, n)
    FILL = "fill"  # attrs: (value,); constant-filled array of the node's shape
    FUSE = "fuse"  # 0/1 tensor of shape (p*q, p, q): F[i*q + j, i, j] = 1 (vec, kron)
    ADD = "add"  # n-ary sum; scalars broadcast
    NEG = "neg"
    SCALE = "scale"  # (scalar, any)
    MATMUL = "matmul"  # matrix product; vectors are columns
    HADAMARD = "hadamard"  # element-wise product
    DIV = "div"  # element-wise quotient; scalars broadcast
    POW = "pow"  # element-wise power (base, exponent)
    MATPOW = "matpow"  # attrs: (k,); integer matrix power
    TRANSPOSE = "transpose"
    TRACE = "trace"
    DET = "det"
    LOGDET = "logdet"
    INV = "inv"
    DIAGM = "diagm"  # vector -> diagonal matrix
    DIAGV = "diagv"  # matrix -> vector of its diagonal
    VEC = "vec"  # columns stacked
    SUM = "sum"  # sum of all entries
    KRON = "kron"
    NORM2 = "norm2"  # Euclidean / Frobenius norm
    NORM1 = "norm1"  # sum of absolute values
    FUNC = "func"  # attrs: (name,); element-wise function
    LOGSUMEXP = "logsumexp"
    SOFTMAX = "softmax"
    EINSUM = "einsum"  # attrs: (input specs, output spec); '_' marks a size-1 axis

    __hash__ = object.__hash__  # members are singletons: identity hashing, at C speed


LEAVES = frozenset({Op.VAR, Op.DIFF, Op.CONST, Op.EYE, Op.FILL, Op.FUSE})

ELEMENTWISE_FUNCS = (
    "exp", "log", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "tanh",
    "sqrt", "abs", "sign", "sigmoid", "relu",
)

_INTERNED: dict[tuple, Node] = {}


class Node:
    """An IR node.  Compare with ``is``: equal nodes are the same object.

    Nodes are immutable by convention (interning depends on it): only :func:`make` creates
    them and nothing assigns to their fields afterwards.  A plain slotted class rather than
    a frozen dataclass, because creating nodes is on every derivation's critical path.
    """

    __slots__ = ("op", "args", "attrs", "shape", "span")

    op: Op
    args: tuple[Node, ...]
    attrs: tuple[Any, ...]
    shape: Shape
    span: tuple[int, int] | None

    def __init__(self, op: Op, args: tuple[Node, ...], attrs: tuple[Any, ...], shape: Shape,
                 span: tuple[int, int] | None = None):
        self.op, self.args, self.attrs, self.shape, self.span = op, args, attrs, shape, span

    @property
    def rank(self) -> int:
        return len(self.shape)

    @property
    def is_scalar(self) -> bool:
        return not self.shape

    def rebuild(self, args: tuple[Node, ...]) -> Node:
        """This node's op and attributes over new arguments (shape recomputed)."""
        old = self.args
        if len(args) == len(old):
            for a, b in zip(args, old):
                if a is not b:
                    break
            else:
                return self
        from .build import construct  # build depends on nodes; this is its inverse hook

        return construct(self.op, args, self.attrs, leaf_shape=self.shape)

    def walk(self):
        """Every distinct node of the DAG below and including this one, children first."""
        seen: set[int] = set()
        order: list[Node] = []
        stack: list[tuple[Node, bool]] = [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((a, False) for a in reversed(node.args))
        return order

    def __repr__(self) -> str:
        if self.op is Op.VAR:
            return f"Var({self.attrs[0]})"
        if self.op is Op.CONST:
            return f"Const({self.attrs[0]})"
        inner = ", ".join(repr(a) for a in self.args)
        extra = f"; {self.attrs}" if self.attrs else ""
        return f"{self.op.name}({inner}{extra})"


def make(op: Op, args: tuple[Node, ...], attrs: tuple, shape: Shape,
         span: tuple[int, int] | None = None) -> Node:
    """The interned node with these fields (created if new)."""
    key = (op, tuple(map(id, args)), attrs, shape)
    node = _INTERNED.get(key)
    if node is None:
        node = _INTERNED[key] = Node(op, tuple(args), attrs, shape, span)
    return node


def leading_number(node) -> float | None:
    """The number a scaled term starts with (``2`` in ``2*A`` or in ``2*a*A``), or None.

    A minus before such a term in a sum reads as a sign of that number (``B - 2*A`` is
    ``B + (-2)*A``, as ``B - 2`` is ``B + (-2)``): the parser folds it in and the printers
    print such a sum accordingly.  Any node-like object with ``op``, ``args`` and ``attrs``
    will do (shape inference asks it of its typed syntax nodes)."""
    if node.op is not Op.SCALE:
        return None
    first = node.args[0]
    while first.op is Op.SCALE:
        first = first.args[0]
    return first.attrs[0] if first.op is Op.CONST else None
