"""Rules of element-wise algebra: quotients, cancellation, the logistic function, broadcasts.

An element-wise product or quotient is read as a numerator and a denominator, each a list of
factors; a factor on both sides cancels (``s.*(y./s)`` is ``y``), and what is left is written
``num ./ den``.  ``exp(z)./(1 + exp(z))`` is ``sigmoid(z)``; a constant array in a sum with
arrays is the number it is filled with (``log(X) + 1``).

Cancelling is in ``ELEMENTWISE_CHOICES``: the ``minimize`` strategy keeps the cancelled form
when it prints shorter.  The reading as a fraction is a rule function, since a product or
quotient may have any number of factors.
"""

from __future__ import annotations

from ..ir import Node, Op, build
from .engine import Rule, RuleSet
from .patterns import Add, Const, Div, Func, Hole, Mul, Neg, Of, Pat, T

__all__ = ["ELEMENTWISE", "ELEMENTWISE_CHOICES"]

Z = Hole("z")
ONE = Const(1)
U, V = Hole("u", lambda n: n.rank == 1), Hole("v", lambda n: n.rank == 1)


def _fraction(node: Node) -> tuple[list[Node], list[Node], float]:
    """``node`` as (numerator factors, denominator factors, number), element-wise."""
    if node.op is Op.HADAMARD:
        n1, d1, c1 = _fraction(node.args[0])
        n2, d2, c2 = _fraction(node.args[1])
        return n1 + n2, d1 + d2, c1 * c2
    if node.op is Op.DIV and node.args[0].shape == node.shape:
        n1, d1, c1 = _fraction(node.args[0])
        n2, d2, c2 = _fraction(node.args[1]) if node.args[1].shape == node.shape else \
            ([node.args[1]], [], 1.0)
        if c2 == 0:
            return [node], [], 1.0
        return n1 + d2, d1 + n2, c1 / c2
    if node.op is Op.DIV and node.args[0].op is Op.CONST:
        n2, d2, c2 = _fraction(node.args[1])
        if c2 == 0:
            return [node], [], 1.0
        return d2, n2, node.args[0].attrs[0] / c2
    if node.op is Op.SCALE:
        n1, d1, c1 = _fraction(node.args[0])
        n2, d2, c2 = _fraction(node.args[1])
        return n1 + n2, d1 + d2, c1 * c2
    if node.op is Op.CONST:
        return [], [], node.attrs[0]
    return [node], [], 1.0


def _product(factors: list[Node], like: Node) -> Node | None:
    if not factors:
        return None
    node = factors[0]
    for f in factors[1:]:
        node = build.hadamard(node, f) if node.shape and f.shape else build.mul(node, f)
    return node


def _rebuild(num: list[Node], den: list[Node], coef: float, like: Node) -> Node:
    if not num and not den:
        return build.fill(coef, like.shape) if like.shape else build.const(coef)
    top = _product(num, like)
    bottom = _product(den, like)
    if top is None:
        top = build.fill(1.0, like.shape) if like.shape and bottom is not None and \
            not bottom.shape else build.ONE
    out = top if bottom is None else build.div(top, bottom)
    if coef != 1.0:
        out = build.mul(build.const(coef), out)
    if out.shape != like.shape:
        out = build.hadamard(out, build.fill(1.0, like.shape)) if out.shape else \
            build.mul(out, build.fill(1.0, like.shape))
    return out


def _cancelled(b) -> Node | None:
    """Element-wise factors common to numerator and denominator cancel; 1./b becomes a./b."""
    return _cancel(b["node"])


def _cancel(node: Node) -> Node | None:
    num, den, coef = _fraction(node)
    if coef == 0:
        return None
    for f in list(num):
        if any(g is f for g in den):
            num.remove(f)
            den.remove(next(g for g in den if g is f))
    return _rebuild(num, den, coef, node)


def _broadcast_constant(b) -> Node | None:
    """A constant array in a sum with arrays is the number it is filled with."""
    node = b["node"]
    if not node.shape or not any(a.op is Op.FILL for a in node.args):
        return None
    if not any(a.op is not Op.FILL and a.shape for a in node.args):
        return None
    terms = [build.const(a.attrs[0]) if a.op is Op.FILL else a for a in node.args]
    return build.add(*terms)


def _inner_product(b) -> Node | None:
    """u'*v of vectors is sum(u.*v): written so when the element-wise product cancels."""
    elementwise = build.hadamard(b["u"], b["v"])
    cancelled = _cancel(elementwise)
    if cancelled is None or cancelled is elementwise:
        return None
    return build.unary(Op.SUM, cancelled)


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

ELEMENTWISE_CHOICES = RuleSet("element-wise choices", (
    Rule("element-wise factors cancel", Of(Op.HADAMARD), _cancelled, example="s.*(y./s)"),
    Rule("element-wise quotient", Of(Op.DIV), _cancelled, example="(x.*y)./x"),
    Rule("a scalar factor cancels", Of(Op.SCALE), _cancelled, example="a*(x/a)"),
    Rule("inner product of cancelling factors", Mul(T(U), V), _inner_product,
         example="(y./s)'*s"),
))
