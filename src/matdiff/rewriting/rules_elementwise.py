"""Rules of element-wise algebra: the logistic function, broadcasts.

``exp(z)./(1 + exp(z))`` is ``sigmoid(z)``; a constant array in a sum with arrays is the
number it is filled with (``log(X) + 1``).  Products and quotients of element-wise factors
(cancelling, collecting powers) are commutative algebra: :mod:`.rules_commutative`.
"""

from __future__ import annotations

from ..ir import Node, Op, build
from .engine import Rule, RuleSet
from .patterns import Add, Const, Div, Func, Hole, Neg, Of, Pat

__all__ = ["ELEMENTWISE"]

Z = Hole("z")
ONE = Const(1)


def _broadcast_constant(b) -> Node | None:
    """A constant array in a sum with arrays is the number it is filled with."""
    node = b["node"]
    if not node.shape or not any(a.op is Op.FILL for a in node.args):
        return None
    if not any(a.op is not Op.FILL and a.shape for a in node.args):
        return None
    terms = [build.const(a.attrs[0]) if a.op is Op.FILL else a for a in node.args]
    return build.add(*terms)


EXP_Z = Func("exp", Z)
EXP_MINUS_Z = Func("exp", Neg(Z))
SIGMOID = Pat(Op.FUNC, (Z,), ("sigmoid",))

ELEMENTWISE = RuleSet("elementwise", (
    Rule("the logistic function", Div(EXP_Z, Add(ONE, EXP_Z)), SIGMOID,
         example="exp(x)./(1 + exp(x))"),
    Rule("the logistic function (sum reversed)", Div(EXP_Z, Add(EXP_Z, ONE)), SIGMOID,
         example="exp(x)./(exp(x) + 1)"),
    Rule("the logistic function of a negative", Div(ONE, Add(ONE, EXP_MINUS_Z)), SIGMOID,
         example="1./(1 + exp(-x))"),
    Rule("the logistic function of a negative (sum reversed)",
         Div(ONE, Add(EXP_MINUS_Z, ONE)), SIGMOID, example="1./(exp(-x) + 1)"),
    Rule("a constant array broadcasts in a sum", Of(Op.ADD), _broadcast_constant,
         example="log(X) + matrix(1)"),
))
