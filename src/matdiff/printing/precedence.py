"""The one precedence table the printers share, from the grammar of SPEC §3.

Higher binds tighter.  A printer parenthesises a child whose level is below what its slot
needs: the right operand of a product needs more than ``PRODUCT`` (products associate to the
left), the operand of a unary minus at least ``POWER``, a postfix operand ``ATOM``.
"""

from __future__ import annotations

from ..ir import Node, Op

__all__ = ["SUM", "PRODUCT", "UNARY", "POWER", "POSTFIX", "ATOM", "level"]

SUM, PRODUCT, UNARY, POWER, POSTFIX, ATOM = range(1, 7)

_LEVELS = {
    Op.ADD: SUM,
    Op.SCALE: PRODUCT, Op.MATMUL: PRODUCT, Op.HADAMARD: PRODUCT, Op.DIV: PRODUCT,
    Op.KRON: ATOM,
    Op.NEG: UNARY,
    Op.POW: POWER, Op.MATPOW: POWER,
    Op.TRANSPOSE: POSTFIX,
}


def level(node: Node) -> int:
    """How tightly the printed form of ``node`` binds."""
    if node.op is Op.CONST and node.attrs[0] < 0:
        return UNARY
    return _LEVELS.get(node.op, ATOM)

