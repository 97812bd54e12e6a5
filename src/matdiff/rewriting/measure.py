"""Facts about expressions: printed size, symmetry, zero, product chains.

``cost`` counts the tokens the text printer would print (identifiers, numbers, operators,
function names; not parentheses), the same measure the quality table uses.  ``score`` is
what the ``minimize`` strategy compares: the cost first, so "cheaper" means shorter on the
page; then the number of nodes (``A^2`` over ``A*A``); then how much stands under transposes
(``B'*S`` over ``(S*B)'``: transposes go to the leaves when it costs nothing).
``text_order`` (the cost, then the text) chooses one of several equal forms, such as the
rotations of a trace.  Rules consult symmetry and zeros; no rule consults a cost.  What is
measured is kept on the node (``node.facts``), for as long as the node lives.
"""

from __future__ import annotations

from ..ir import Node, Op
from ..ir.symmetry import is_symmetric

__all__ = ["cost", "score", "text_order", "is_symmetric", "is_zero", "chain", "open_chain",
           "power_of", "ChainSummary", "chain_summary"]

def cost(node: Node) -> int:
    facts = node.facts
    if facts is None:
        facts = node.facts = {}
    else:
        c = facts.get("cost")
        if c is not None:
            return c
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
    facts["cost"] = c
    return c


def score(node: Node) -> tuple[int, int, int]:
    """(cost, number of nodes, nodes under a transpose), each counted over the tree."""
    facts = node.facts
    got = None if facts is None else facts.get("score")
    if got is not None:
        return got
    size = lifted = 0
    for a in node.args:
        _, n, t = score(a)
        size += n
        lifted += t
    if node.op is Op.TRANSPOSE:
        lifted += size
    got = (cost(node), size + 1, lifted)
    node.facts["score"] = got  # cost() made the facts
    return got


def text_order(node: Node) -> tuple[int, str]:
    """The cost, then the structure as text: a total order to choose one of equal forms by."""
    facts = node.facts
    got = None if facts is None else facts.get("text order")
    if got is None:
        got = (cost(node), repr(node))
        node.facts["text order"] = got
    return got


def is_zero(node: Node) -> bool:
    return node.op in (Op.CONST, Op.FILL) and node.attrs[0] == 0.0


def chain(node: Node) -> list[Node]:
    """The factors of a matrix-product chain, left to right."""
    if node.op is not Op.MATMUL:
        return [node]
    facts = node.facts
    if facts is None:
        facts = node.facts = {}
    got = facts.get("chain")
    if got is None:
        got = facts["chain"] = tuple(chain(node.args[0]) + chain(node.args[1]))
    return list(got)


def power_of(f: Node) -> tuple[Node, int]:
    """A chain factor as base and integer exponent: inv(A)^2 is (A, -2)."""
    if f.op is Op.MATPOW:
        base, k = power_of(f.args[0])
        return base, k * f.attrs[0]
    if f.op is Op.INV and not f.is_scalar:
        base, k = power_of(f.args[0])
        return base, -k
    return f, 1


class ChainSummary:
    """What the rules over a whole product chain ask of it first, so that a long chain with
    nothing for them costs no walk: how many factors are transposes, whether one is a
    constant fill (or its transpose), whether two neighbours are powers of one base, whether
    a factor is the inverse of a product; and the bases at its ends.  Built from the
    summaries of a product's two sides, so each prefix of a chain costs one step."""

    __slots__ = ("transposes", "fills", "neighbours", "inverted_products", "first", "last")

    def __init__(self, transposes: int, fills: bool, neighbours: bool,
                 inverted_products: bool, first: Node, last: Node):
        self.transposes, self.fills, self.neighbours = transposes, fills, neighbours
        self.inverted_products, self.first, self.last = inverted_products, first, last


def chain_summary(node: Node) -> ChainSummary:
    """The :class:`ChainSummary` of ``node``'s chain (kept in its facts)."""
    facts = node.facts
    if facts is None:
        facts = node.facts = {}
    got = facts.get("chain summary")
    if got is not None:
        return got
    if node.op is Op.MATMUL:
        a, b = chain_summary(node.args[0]), chain_summary(node.args[1])
        got = ChainSummary(a.transposes + b.transposes, a.fills or b.fills,
                           a.neighbours or b.neighbours or a.last is b.first,
                           a.inverted_products or b.inverted_products, a.first, b.last)
    else:
        op = node.op
        inner = node.args[0].op if node.args else None
        base = power_of(node)[0]
        got = ChainSummary(int(op is Op.TRANSPOSE),
                           op is Op.FILL or (op is Op.TRANSPOSE and inner is Op.FILL), False,
                           op is Op.INV and inner is Op.MATMUL, base, base)
    facts["chain summary"] = got
    return got


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
