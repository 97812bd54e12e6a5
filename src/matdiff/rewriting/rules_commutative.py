"""Rules of commutative algebra: monomials with collected powers, polynomials, function
identities.

Scalar factors and element-wise products are read as monomials (:mod:`.monomials`): a
product, quotient or integer power is written with each base once, its powers collected
(``det(X)*det(X)`` is ``det(X)^2``, ``norm2(x)/norm2(x)^2`` is ``1/norm2(x)``); a sum is
expanded, its like monomials collected and cancelled (``-(1 - s).*y + s.*(1 - y)`` is
``s - y``); a base common to several terms of a sum is pulled out (``eye/n - x*x'/n^3`` is
``(eye - x*x'/n^2)/n``).  Those are ``COMMUTATIVE_CHOICES``: the ``minimize`` strategy keeps
such a form only when it prints shorter, so no rule here weighs its own result.

``PAIRS`` are identities of a product of two functions, one pattern a line
(``exp(a)*exp(b) = exp(a + b)``, ``sigmoid(z).*exp(-z) = sigmoid(-z)``): the writing of a
monomial tries them on every ordered pair of its factors, so they apply however the product
is parenthesised and ordered.  ``FUNCTIONS`` are identities that always simplify:
``log(exp(z)) = z``, and ``sigmoid(z) + sigmoid(-z) = 1``, ``1 - sigmoid(-z) = sigmoid(z)``
among the terms of any sum.  ``exp(log(z)) = z`` is not among them: it holds only for
``z > 0``; nor is ``1 - sigmoid(z) = sigmoid(-z)`` as a rewrite, since the expert's
``s.*(1 - s)`` repeats ``s`` where ``sigmoid(-z)`` would not.
"""

from __future__ import annotations

from ..ir import Node, Op, build
from .engine import Rule, RuleSet
from .monomials import Monomial, collect, expand, read, times, write, write_sum
from .patterns import Add, Div, Func, Hole, Mul, Neg, Of, Pat, T

__all__ = ["FUNCTIONS", "PAIRS", "COMMUTATIVE_CHOICES"]

A, B, Z = Hole("A"), Hole("B"), Hole("z")
U, V = Hole("u", lambda n: n.rank == 1), Hole("v", lambda n: n.rank == 1)
_TIMES = (Op.HADAMARD, Op.SCALE)


def Times(a, b) -> Pat:
    """An element-wise product or a scale: ``a.*b`` or ``a*b``."""
    return Pat(_TIMES, (a, b))


EXP_Z, EXP_MINUS_Z = Func("exp", Z), Func("exp", Neg(Z))
SIGMOID_Z, SIGMOID_MINUS_Z = Func("sigmoid", Z), Func("sigmoid", Neg(Z))

PAIRS = RuleSet("products of functions", (
    Rule("exponentials multiply", Times(Func("exp", A), Func("exp", B)),
         Func("exp", Add(A, B)), example="exp(x).*exp(y)"),
    Rule("exponentials divide", Div(Func("exp", A), Func("exp", B)),
         Func("exp", Add(A, Neg(B))), example="exp(x)./exp(y)"),
    Rule("logistic function times the exponential of its negative",
         Times(SIGMOID_Z, EXP_MINUS_Z), SIGMOID_MINUS_Z, example="sigmoid(x).*exp(-x)"),
    Rule("logistic function of a negative times the exponential",
         Times(SIGMOID_MINUS_Z, EXP_Z), SIGMOID_Z, example="sigmoid(-x).*exp(x)"),
    Rule("logistic function over the exponential", Div(SIGMOID_Z, EXP_Z), SIGMOID_MINUS_Z,
         example="sigmoid(x)./exp(x)"),
))
"""Identities of a product of two functions.  No rule set of the simplifier holds them: the
writing of a monomial tries them on every ordered pair of its factors."""


def _sum(terms: list[Node], like: Node) -> Node:
    out = build.add(*terms)
    if out.shape != like.shape and out.op is Op.CONST:
        return build.fill(out.attrs[0], like.shape)
    return out


def _opposites(b) -> Node | None:
    """sigmoid(z) + sigmoid(-z) = 1 and 1 - sigmoid(-z) = sigmoid(z), among any terms."""
    node = b["node"]
    terms = list(node.args)
    for k, t in enumerate(terms):
        if t.op is not Op.FUNC or t.attrs[0] != "sigmoid" or t.args[0].op is not Op.NEG:
            continue
        z = t.args[0].args[0]
        other = next((i for i, u in enumerate(terms) if u.op is Op.FUNC
                      and u.attrs[0] == "sigmoid" and u.args[0] is z), None)
        if other is not None:
            terms[k] = build.ONE
            del terms[other]
            return _sum(terms, node)
    for k, t in enumerate(terms):
        if t.op is Op.NEG and t.args[0].op is Op.FUNC and t.args[0].attrs[0] == "sigmoid" \
                and t.args[0].args[0].op is Op.NEG and build.ONE in terms:
            terms[k] = build.func("sigmoid", t.args[0].args[0].args[0])
            terms.remove(build.ONE)
            return _sum(terms, node)
    return None


FUNCTIONS = RuleSet("function identities", (
    Rule("logarithm of an exponential", Func("log", EXP_Z), Z, example="log(exp(x))"),
    Rule("logistic functions of opposites", Of(Op.ADD), _opposites,
         example="sigmoid(x) + sigmoid(-x) + 1 - sigmoid(-y)"),
))


def _one_factor(a: Node, b: Node, divide: bool) -> Node | None:
    """``a*b`` (``a/b`` when ``divide``) as one factor, by an identity of ``PAIRS``."""
    if a.op is not Op.FUNC or b.op is not Op.FUNC:
        return None
    node = build.div(a, b) if divide else times(a, b)
    for rule in PAIRS.steps:
        out = rule.apply(node)
        if out is not None:
            return out
    return None


def _only_reordered(m: Monomial) -> bool:
    """Writing ``m`` would only reorder its factors: each base was read once, none is in a
    denominator, and no two are functions (which an identity might write as one)."""
    if m.merged:
        return False
    functions = 0
    for base, e in m.powers.values():
        if e < 0:
            return False
        functions += base.op is Op.FUNC
    return functions < 2


def _monomial(b) -> Node | None:
    """The product with each base once, its powers collected, over its denominator."""
    node = b["node"]
    m = read(node)
    return None if _only_reordered(m) else write(m, node, _one_factor)


def _inner_product(b) -> Node | None:
    """u'*v of vectors is sum(u.*v): written so when the element-wise product collects."""
    elementwise = build.hadamard(b["u"], b["v"])
    written = write(read(elementwise), elementwise, _one_factor)
    if written is None or written is elementwise:
        return None
    return build.unary(Op.SUM, written)


def _expanded(b) -> Node | None:
    """The sum multiplied out, its like monomials collected (None: nothing to multiply out,
    collect or cancel)."""
    node = b["node"]
    terms = expand(node)
    if terms is None:
        return None
    collected = collect(terms)
    if len(collected) == len(terms) == len(node.args) and not any(m.merged for m in terms):
        return None
    return write_sum(collected, node, _one_factor)


def _common_bases(b) -> list[Node]:
    """a.*x + a.*y = a.*(x + y) and x/a + y/a^2 = (x + y/a)/a, for every base that terms
    share with exponents of one sign (the power nearest to one pulled out)."""
    node = b["node"]
    terms = [read(a) for a in node.args]
    sharing: dict[tuple[int, bool], list[int]] = {}
    for k, m in enumerate(terms):
        for key, (base, e) in m.powers.items():
            if e != 0 and base.op is not Op.CONST:
                sharing.setdefault((key, e > 0), []).append(k)
    out = []
    for (key, positive), members in sharing.items():
        if len(members) < 2:
            continue
        base = terms[members[0]].powers[key][0]
        exponents = [terms[k].powers[key][1] for k in members]
        pulled = Monomial(1.0, {key: [base, min(exponents) if positive else max(exponents)]})
        inner = collect([terms[k].times(pulled, -1) for k in members])
        arrays = any(f.shape for m in inner for f, e in m.powers.values() if e)
        inner_sum = write_sum(inner, node if arrays else build.ONE, _one_factor)
        if inner_sum is None:
            continue
        if id(inner_sum) in pulled.powers:  # the sum left inside is the base itself
            pulled.powers[id(inner_sum)][1] += 1.0
        else:
            pulled.powers[id(inner_sum)] = [inner_sum, 1.0]
        term = write(pulled, node if node.shape and (arrays or base.shape) else build.ONE)
        if term is None:
            continue
        rest = [a for k, a in enumerate(node.args) if k not in members]
        out.append(build.add(term, *rest) if rest else term)
    return out


COMMUTATIVE_CHOICES = RuleSet("commutative choices", (
    Rule("element-wise powers collect", Of(Op.HADAMARD), _monomial, example="s.*(y./s)"),
    Rule("powers in a quotient collect", Of(Op.DIV), _monomial, example="(x.*y)./x"),
    Rule("scalar powers collect", Of(Op.SCALE), _monomial, example="a*(x/a)"),
    Rule("inner product of collecting factors", Mul(T(U), V), _inner_product,
         example="(y./s)'*s"),
    Rule("multiply out and collect", Of(Op.ADD), _expanded, example="-(1 - s).*y + s.*(1 - y)"),
    Rule("pull out a common base", Of(Op.ADD), _common_bases, example="x/a + y/a^2"),
))
