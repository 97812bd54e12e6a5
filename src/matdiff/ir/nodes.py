"""The one node type of matdiff's IR: immutable, interned, shaped, and its checked constructor.

Every expression — parsed input, differential, derivative, simplified result — is a DAG of
:class:`Node`.  Nodes are built only through :func:`make`, which interns them: two nodes with
the same op, the same argument objects, the same attributes and the same shape are the same
object, so structural equality is identity and memoising by ``id`` is free.  The span (where
the node stands in the input text) rides along but is not part of the identity; the first
construction of a node keeps its span.

The intern table holds its nodes weakly: a node lives while something (an expression, a
derivation, a rule's pattern) refers to it, and leaves the table when nothing does, so a
long-running process does not keep every expression it ever saw.  While a node lives, every
construction of it gives that same object.  Memo tables keyed by ``id`` must therefore not
outlive the nodes they key: facts worth keeping across calls (a node's printed cost, its
chain of factors) are kept on the node itself, in :attr:`Node.facts`, and go with it.  A
computation that builds and drops many nodes (a derivation) runs inside :func:`holding`, which
keeps every node it makes alive until it ends, and then through the next :data:`RECENT`
computations: per-call memos keyed by ``id`` stay sound, a form built, dropped and built again
is not made twice, and asking the same question again finds its work done.

Invariants: ``make`` never simplifies (``A*I`` stays ``A*I``); :func:`construct` computes and
checks the shape of a non-leaf with its rule (:mod:`.shape_rules`) and is the only caller of
``make`` for non-leaves (the builders of :mod:`.build` and :meth:`Node.rebuild` go through
it).  Imports inside ``ir`` point one way: dims ← ops ← shape_rules ← nodes ← build.
"""

from __future__ import annotations

import sys
from collections import deque
from functools import wraps
from threading import get_ident
from typing import Any
from weakref import ref as weak_ref

from ..errors import ShapeError
from .dims import Dim, Shape, dim_mul, shape_str
from .ops import LEAVES, Op
from .shape_rules import SHAPE_RULES

__all__ = ["Node", "make", "construct", "leading_number", "holding", "interned_count", "RECENT",
           "deep_recursion", "RECURSION"]

_INTERNED: dict[tuple, weak_ref] = {}
"""Weak references to the nodes, by op, argument identities, attributes and (for a leaf)
shape: a non-leaf's shape is a function of the others, so a node built before is found
without running its shape rule again.  The entry of a dead node stays until the next sweep
(:func:`_sweep`, when the table has doubled since the last): it cannot be mistaken for a live
node, since its reference is dead, and while a node lives so do its arguments, whose
identities are in its key."""

_sweep_at = 1024
"""The table size that starts the next sweep of dead entries."""

RECENT = 4
"""How many finished computations' nodes are kept alive after them."""

_HELD: dict[int, list[Node]] = {}
"""The nodes made inside the outermost :func:`holding` running in each thread, by thread."""

_KEPT: deque[list[Node]] = deque(maxlen=RECENT)
"""The nodes of the last :data:`RECENT` computations, oldest first."""


def _sweep() -> None:
    """Drop the entries of dead nodes (amortised: the next sweep waits for twice the size)."""
    global _sweep_at
    for key, ref in list(_INTERNED.items()):
        if ref() is None and _INTERNED.get(key) is ref:
            del _INTERNED[key]
    _sweep_at = max(1024, 2 * len(_INTERNED))


class Node:
    """An IR node.  Compare with ``is``: equal nodes are the same object.

    Nodes are immutable by convention (interning depends on it): only :func:`make` creates
    them and nothing assigns to their fields afterwards but to ``facts``, a cache of what
    follows from them.  A plain slotted class rather than a frozen dataclass, because
    creating nodes is on every derivation's critical path.

    ``facts`` holds what other modules compute about a node and keep for as long as it lives
    (its printed cost, its factors …), by the fact's name; None until the first.
    """

    __slots__ = ("op", "args", "attrs", "shape", "span", "facts", "__weakref__")

    op: Op
    args: tuple[Node, ...]
    attrs: tuple[Any, ...]
    shape: Shape
    span: tuple[int, int] | None
    facts: dict[str, Any] | None

    def __init__(self, op: Op, args: tuple[Node, ...], attrs: tuple[Any, ...], shape: Shape,
                 span: tuple[int, int] | None = None):
        self.op, self.args, self.attrs, self.shape, self.span = op, args, attrs, shape, span
        self.facts = None

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
    key = (op, tuple(map(id, args)), attrs, shape) if op in LEAVES else \
        (op, tuple(map(id, args)), attrs)
    ref = _INTERNED.get(key)
    if ref is not None:
        node = ref()
        if node is not None:
            return node
    return _intern(key, Node(op, tuple(args), attrs, shape, span))


def _intern(key: tuple, node: Node) -> Node:
    _INTERNED[key] = weak_ref(node)
    if len(_INTERNED) > _sweep_at:
        _sweep()
    if _HELD:
        held = _HELD.get(get_ident())
        if held is not None:
            held.append(node)
    return node


class holding:
    """Keep every node made inside alive until the outermost ``holding`` ends (nested ones
    add to it), and through the next :data:`RECENT` outermost ones: a derivation's
    intermediate forms are then made once, a memo keyed by ``id`` cannot meet a dead node's
    reused id, and a derivation repeated soon after finds its nodes (and their facts).
    A context manager, or a decorator (``@holding()``: each call held).  A class rather
    than a generator: every derivation enters it several times."""

    __slots__ = ("thread",)

    def __enter__(self) -> None:
        thread = get_ident()
        if thread in _HELD:
            self.thread = None
        else:
            self.thread = thread
            _HELD[thread] = []

    def __exit__(self, *exc) -> None:
        if self.thread is not None:
            _KEPT.append(_HELD.pop(self.thread))

    def __call__(self, fn):
        @wraps(fn)
        def held(*args, **kwargs):
            with holding():
                return fn(*args, **kwargs)
        return held


RECURSION = 20_000
"""The recursion limit while a deep expression is walked: the expression language nests 200
levels, and a walk takes a few Python frames a level."""


class deep_recursion:
    """Room for the recursion the walks over a deep expression need (the limit restored
    after); a context manager."""

    __slots__ = ("limit",)

    def __enter__(self) -> None:
        self.limit = sys.getrecursionlimit()
        if self.limit < RECURSION:
            sys.setrecursionlimit(RECURSION)

    def __exit__(self, *exc) -> None:
        if self.limit < RECURSION:
            sys.setrecursionlimit(self.limit)


def interned_count() -> int:
    """How many nodes are alive in the intern table (dead entries swept first)."""
    _sweep()
    return len(_INTERNED)


class _Mismatch(Exception):
    """A shape rule rejected the operands (turned into :class:`ShapeError` by construct)."""

    def __init__(self, reason: str, i: int, j: int):
        super().__init__(reason)
        self.reason, self.i, self.j = reason, i, j


class _Exact:
    """The unifier of constructed nodes: dimensions must already be equal (stateless, one
    instance for every construction)."""

    def dim(self, a: Dim, b: Dim, i: int, j: int, reason: str) -> Dim:
        if a != b:
            raise _Mismatch(reason.replace("{a}", str(a)).replace("{b}", str(b)), i, j)
        return a

    def prod(self, *dims: Dim) -> Dim:
        return dim_mul(*dims)

    def fail(self, reason: str, i: int, j: int = -1) -> None:
        raise _Mismatch(reason, i, j)


_EXACT = _Exact()


def construct(op: Op, args: tuple[Node, ...], attrs: tuple = (), span=None,
              leaf_shape: Shape | None = None) -> Node:
    """The interned node ``op(args; attrs)``, its shape computed and checked."""
    if op in LEAVES:
        return make(op, args, attrs, leaf_shape if leaf_shape is not None else (), span)
    args, attrs = tuple(args), tuple(attrs)
    key = (op, tuple(map(id, args)), attrs)
    ref = _INTERNED.get(key)
    if ref is not None:
        node = ref()
        if node is not None:
            return node
    shapes = [a.shape for a in args]
    try:
        shape = SHAPE_RULES[op](shapes, attrs, _EXACT)
    except _Mismatch as e:
        def name(k: int) -> str:
            return f"an operand ({shape_str(shapes[k])})" if 0 <= k < len(shapes) else "it"
        text = e.reason.replace("{L}", name(e.i)).replace("{R}", name(e.j))
        named = text.split(":", 1)[0].replace(" ", "").isalpha() and ":" in text
        raise ShapeError(text if named else f"{op.value}: {text}") from None
    return _intern(key, Node(op, args, attrs, shape, span))


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
