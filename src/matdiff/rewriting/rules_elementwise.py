"""Rules of element-wise algebra: quotients, cancellation, the logistic function, broadcasts.

An element-wise product or quotient is read as a numerator and a denominator, each a list of
factors; a factor on both sides cancels (``s.*(y./s)`` is ``y``), and what is left is written
``num ./ den``.  ``exp(z)./(1 + exp(z))`` is ``sigmoid(z)``; a constant array in a sum with
arrays is the number it is filled with (``log(X) + 1``).
"""

from __future__ import annotations

from ..ir import Node, Op, build
from .engine import Rule, RuleSet
from .measure import cost
from .rules_matrix import on

__all__ = ["ELEMENTWISE"]


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


@on(Op.HADAMARD)
def _cancel_hadamard(node: Node) -> Node | None:
    return _cancel(node)


@on(Op.DIV)
def _cancel_div(node: Node) -> Node | None:
    return _cancel(node)


@on(Op.SCALE)
def _cancel_scale(node: Node) -> Node | None:
    return _cancel(node)


def _cancel(node: Node) -> Node | None:
    """Element-wise factors common to numerator and denominator cancel; 1./b becomes a./b."""
    num, den, coef = _fraction(node)
    if coef == 0:
        return None
    for f in list(num):
        if any(g is f for g in den):
            num.remove(f)
            den.remove(next(g for g in den if g is f))
    out = _rebuild(num, den, coef, node)
    return out if out is not node and cost(out) < cost(node) else None


@on(Op.DIV)
def _logistic(node: Node) -> Node | None:
    """exp(z)./(1 + exp(z)) = sigmoid(z), and 1./(1 + exp(-z)) likewise."""
    top, bottom = node.args
    if bottom.op is not Op.ADD or len(bottom.args) != 2:
        return None
    one, e = bottom.args
    if not (one.op is Op.CONST and one.attrs[0] == 1.0):
        one, e = e, one
    if not (one.op is Op.CONST and one.attrs[0] == 1.0) or e.op is not Op.FUNC \
            or e.attrs[0] != "exp":
        return None
    if top is e:
        return build.func("sigmoid", e.args[0])
    if top.op is Op.CONST and top.attrs[0] == 1.0 and e.args[0].op is Op.NEG:
        return build.func("sigmoid", e.args[0].args[0])
    return None


@on(Op.ADD)
def _broadcast_constant(node: Node) -> Node | None:
    """A constant array in a sum with arrays is the number it is filled with."""
    if not node.shape or not any(a.op is Op.FILL for a in node.args):
        return None
    if not any(a.op is not Op.FILL and a.shape for a in node.args):
        return None
    terms = [build.const(a.attrs[0]) if a.op is Op.FILL else a for a in node.args]
    return build.add(*terms)


@on(Op.MATMUL)
def _inner_product_cancels(node: Node) -> Node | None:
    """u'*v of vectors is sum(u.*v): written so when the element-wise product cancels."""
    a, b = node.args
    if node.shape or a.op is not Op.TRANSPOSE or a.args[0].rank != 1 or b.rank != 1:
        return None
    elementwise = build.hadamard(a.args[0], b)
    cancelled = _cancel(elementwise)
    if cancelled is None:
        return None
    out = build.unary(Op.SUM, cancelled)
    return out if cost(out) < cost(node) else None


ELEMENTWISE = RuleSet("elementwise", (
    Rule("element-wise factors cancel", _cancel_hadamard, example="s.*(y./s)"),
    Rule("element-wise quotient", _cancel_div, example="(x.*y)./x"),
    Rule("a scalar factor cancels", _cancel_scale, example="a*(x/a)"),
    Rule("the logistic function", _logistic, example="exp(x)./(1 + exp(x))"),
    Rule("a constant array broadcasts in a sum", _broadcast_constant,
         example="log(X) + matrix(1)"),
    Rule("inner product of cancelling factors", _inner_product_cancels,
         example="(y./s)'*s"),
))
