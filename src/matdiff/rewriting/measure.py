"""Facts about expressions: printed size, symmetry, zero, product chains.

``cost`` counts the tokens the text printer would print (identifiers, numbers, operators,
function names; not parentheses), the same measure the quality table uses.  ``score`` is
what the ``minimize`` strategy compares: the cost first, so "cheaper" means shorter on the
page; then the number of nodes (``A^2`` over ``A*A``); then how much stands under transposes
(``B'*S`` over ``(S*B)'``: transposes go to the leaves when it costs nothing).
``text_order`` (the cost, then the text) chooses one of several equal forms, such as the
rotations of a trace.  Rules consult symmetry and zeros; no rule consults a cost.
"""

from __future__ import annotations

from ..ir import Node, Op

__all__ = ["cost", "score", "text_order", "is_symmetric", "is_zero", "chain", "open_chain"]

_COST: dict[int, int] = {}


def cost(node: Node) -> int:
    key = id(node)
    if key in _COST:
        return _COST[key]
    op = node.op
    if op in (Op.VAR, Op.EYE):
        c = 1
    elif op is Op.CONST:
        c = 1 if node.attrs[0] >= 0 else 2
    elif op is Op.FILL:
        c = 2
    elif op in (Op.EINSUM, Op.FUSE, Op.DIFF):
        c = 50 + sum(cost(a) for a in node.args)
    elif op is Op.ADD:
        c = len(node.args) - 1 + sum(cost(a) for a in node.args)
    elif op is Op.MATPOW:
        c = 2 + cost(node.args[0])
    else:
        c = 1 + sum(cost(a) for a in node.args)
    _COST[key] = c
    return c


_SCORE: dict[int, tuple[int, int, int]] = {}


def score(node: Node) -> tuple[int, int, int]:
    """(cost, number of nodes, nodes under a transpose), each counted over the tree."""
    key = id(node)
    got = _SCORE.get(key)
    if got is not None:
        return got
    size = lifted = 0
    for a in node.args:
        _, n, t = score(a)
        size += n
        lifted += t
    if node.op is Op.TRANSPOSE:
        lifted += size
    got = _SCORE[key] = (cost(node), size + 1, lifted)
    return got


_TEXT: dict[int, tuple[int, str]] = {}


def text_order(node: Node) -> tuple[int, str]:
    """The cost, then the structure as text: a total order to choose one of equal forms by."""
    key = id(node)
    got = _TEXT.get(key)
    if got is None:
        got = _TEXT[key] = (cost(node), repr(node))
    return got


def is_zero(node: Node) -> bool:
    return node.op in (Op.CONST, Op.FILL) and node.attrs[0] == 0.0


_CHAINS: dict[int, tuple[Node, ...]] = {}


def chain(node: Node) -> list[Node]:
    """The factors of a matrix-product chain, left to right."""
    if node.op is not Op.MATMUL:
        return [node]
    key = id(node)
    if key not in _CHAINS:
        _CHAINS[key] = tuple(chain(node.args[0]) + chain(node.args[1]))
    return list(_CHAINS[key])


def open_chain(node: Node, flip=None) -> list[Node]:
    """The factors of a chain with transposed products opened: (A*B)'*C is B', A', C.

    ``flip`` transposes one factor (it must avoid double transposes).
    """
    out = []
    for f in chain(node):
        if f.op is Op.TRANSPOSE and f.args[0].op is Op.MATMUL and flip is not None:
            out.extend(flip(g) for g in reversed(open_chain(f.args[0], flip)))
        else:
            out.append(f)
    return out


def is_symmetric(node: Node) -> bool:
    """True when ``node`` is a square matrix equal to its transpose by construction."""
    if node.rank != 2 or node.shape[0] != node.shape[1]:
        return False
    op = node.op
    if op is Op.VAR:
        return node.attrs[1] in ("symmetric", "spd")
    if op in (Op.EYE, Op.DIAGM):
        return True
    if op is Op.FILL:
        return True
    if op in (Op.INV, Op.MATPOW, Op.NEG, Op.FUNC):
        return is_symmetric(node.args[0])
    if op is Op.SCALE:
        return is_symmetric(node.args[1])
    if op in (Op.HADAMARD,):
        return all(is_symmetric(a) for a in node.args)
    if op is Op.ADD:
        if all(is_symmetric(a) for a in node.args):
            return True
        return _pairs_with_transposes(node.args)
    if op is Op.MATMUL:
        factors = chain(node)
        return all(_transposes(a, b) for a, b in zip(factors, reversed(factors))) and \
            (len(factors) % 2 == 0 or is_symmetric(factors[len(factors) // 2]))
    return False


def _transposes(a: Node, b: Node) -> bool:
    """``a`` is ``b'``."""
    if a.op is Op.TRANSPOSE and a.args[0] is b:
        return True
    if b.op is Op.TRANSPOSE and b.args[0] is a:
        return True
    return a is b and is_symmetric(a)


def _pairs_with_transposes(terms) -> bool:
    rest = list(terms)
    while rest:
        t = rest.pop()
        if is_symmetric(t):
            continue
        partner = next((u for u in rest if _transposes(t, u) and u is not t), None)
        if partner is None:
            return False
        rest.remove(partner)
    return True
