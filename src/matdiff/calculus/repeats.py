"""Repeated subexpressions of a result, named for reading (``where s = sigmoid(X*w)``).

:func:`name_repeated` finds the compound subexpressions that a result prints more than once
and replaces them by new variables, as a person shortens an answer by hand:
``X'*diag(sigmoid(X*w).*(1 - sigmoid(X*w)))*X`` reads ``X'*diag(s.*(1 - s))*X`` with
``s = sigmoid(X*w)``.  A subexpression is named when that saves tokens (its occurrences,
less one token each, outweigh its definition), the greatest saving first; the definitions
come in that order and may use the names chosen before them.  A name is never a variable of
the expression: a function's initial where it is free (``s`` for sigmoid), else the first free
one of a pool; lower-case for scalars and vectors, capitals for matrices.  The named form is
for reading only: the result itself stays one expression.
"""

from __future__ import annotations

from ..ir import Node, Op, build
from ..rewriting.measure import cost
from .derivation import substitute

__all__ = ["name_repeated"]

_MAX_NAMES = 4
_MIN_COST = 4
_POOLS = {0: "c g a b k".split(), 1: "u v z q r s h".split(),
          2: "M N P Q R S U V Z".split()}
_PLAIN = frozenset({Op.VAR, Op.CONST, Op.EYE, Op.FILL})
_UNWRITABLE = frozenset({Op.EINSUM, Op.FUSE, Op.DIFF})


def name_repeated(node: Node, taken: set[str]) -> tuple[Node, tuple[tuple[str, Node], ...]]:
    """``node`` with its repeated subexpressions replaced by names not in ``taken``, and
    the definitions ``(name, subexpression)`` in the order they were chosen."""
    taken = set(taken)
    body, named = node, []
    while len(named) < _MAX_NAMES:
        pick = _most_saving(body, [d for _, d in named])
        name = None if pick is None else _name_for(pick, taken)
        if name is None:
            break
        taken.add(name)
        to_var = {id(pick): build.var(name, pick.shape)}
        body = substitute(body, to_var)
        named = [(n, substitute(d, to_var)) for n, d in named] + [(name, pick)]
    return body, tuple(named)


def _occurrences(roots: list[Node]) -> dict[int, tuple[Node, int]]:
    """How often each node stands in the printed trees of ``roots``."""
    total: dict[int, tuple[Node, int]] = {}
    for root in roots:
        times = {id(root): 1}
        for n in reversed(root.walk()):
            k = times.get(id(n), 0)
            for a in n.args:
                times[id(a)] = times.get(id(a), 0) + k
            seen = total.get(id(n), (n, 0))[1]
            total[id(n)] = (n, seen + k)
    return total


def _most_saving(body: Node, definitions: list[Node]) -> Node | None:
    """The subexpression whose naming saves the most tokens, if any saves some."""
    roots = [body, *definitions]
    best, best_key = None, (0, 0)
    for n, k in _occurrences(roots).values():
        if k < 2 or n.op in _PLAIN or any(n is r for r in roots) or n.rank > 2:
            continue
        c = cost(n)
        saving = k * (c - 1) - (c + 2)
        if c < _MIN_COST or saving < 0 or (saving, c) <= best_key:
            continue
        if any(m.op in _UNWRITABLE for m in n.walk()):
            continue
        best, best_key = n, (saving, c)
    return best


def _name_for(node: Node, taken: set[str]) -> str | None:
    rank = node.rank
    initial = node.attrs[0][0] if node.op is Op.FUNC else ""
    initial = initial.upper() if rank == 2 else initial
    for name in (initial, *_POOLS[rank]):
        if name and name not in taken:
            return name
    return None
