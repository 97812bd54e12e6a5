"""Symmetry by construction: which square matrices equal their transpose whatever the values.

A declared symmetric or positive definite variable, the identity, a diagonal matrix, and what
the ops keep symmetric (``A'*S*A``, ``A + A'``, ``inv(S)``, ``expm(S)``, ``L_f(S, E)`` of
symmetric ``S`` and ``E`` …).  The rewriting rules consult it, and code generation chooses
the eigendecomposition for a matrix function of a symmetric matrix.
"""

from __future__ import annotations

from .nodes import Node
from .ops import Op

__all__ = ["is_symmetric"]


def _chain(node: Node) -> list[Node]:
    """The factors of a matrix-product chain, left to right."""
    if node.op is not Op.MATMUL:
        return [node]
    return _chain(node.args[0]) + _chain(node.args[1])


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
    if op in (Op.INV, Op.MATPOW, Op.NEG, Op.FUNC, Op.MATFUNC):
        return is_symmetric(node.args[0])
    if op is Op.FRECHET:
        return all(is_symmetric(a) for a in node.args)
    if op is Op.SCALE:
        return is_symmetric(node.args[1])
    if op in (Op.HADAMARD,):
        return all(is_symmetric(a) for a in node.args)
    if op is Op.ADD:
        if all(is_symmetric(a) for a in node.args):
            return True
        return _pairs_with_transposes(node.args)
    if op is Op.MATMUL:
        factors = _chain(node)
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
