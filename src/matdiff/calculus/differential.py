"""The differential ``df`` of an expression: one rule per op, in matrix notation.

``differential(f, X)`` returns an expression linear in the differential node ``dX``
(``Op.DIFF``), or None when ``f`` does not depend on ``X``.  The rules are the ones people
write: ``d(XY) = dX Y + X dY``, ``d inv(X) = -inv(X) dX inv(X)``,
``d det(X) = det(X) tr(inv(X) dX)``, ``d‖A‖^p = p ‖A‖^(p-2) A : dA`` …
Each rule is named in :data:`RULE_NAMES` so a derivation can say what it used.
"""

from __future__ import annotations

from typing import Callable

from ..ir import Node, Op, build
from ..ir.build import ONE, const
from ..ir.symmetry import is_symmetric
from ..rewriting.rules_matfunc import frechet_form

__all__ = ["differential", "linearize", "Linearization", "D_RULES", "RULE_NAMES", "emul",
           "elementwise_derivative"]

Rule = Callable[[Node, Callable[[Node], Node | None]], Node | None]


def emul(a: Node, b: Node) -> Node:
    """Element-wise product, a scale when either side is a scalar."""
    if a.is_scalar or b.is_scalar:
        return build.mul(a, b)
    return build.hadamard(a, b)


def _sum(*terms: Node | None) -> Node | None:
    terms = tuple(t for t in terms if t is not None)
    return build.add(*terms) if terms else None


def _lin(op: Op) -> Rule:
    def rule(node, d):
        da = d(node.args[0])
        return None if da is None else build.construct(op, (da,), node.attrs)
    return rule


def _var(node, d):
    return None


def _add(node, d):
    return _sum(*(d(a) for a in node.args))


def _neg(node, d):
    da = d(node.args[0])
    return None if da is None else build.neg(da)


def _scale(node, d):
    s, a = node.args
    da, db = d(s), d(a)
    return _sum(da and build.scale(da, a), db and build.scale(s, db))


def _matmul(node, d):
    a, b = node.args
    da, db = d(a), d(b)
    return _sum(da and build.mul(da, b), db and build.mul(a, db))


def _hadamard(node, d):
    a, b = node.args
    da, db = d(a), d(b)
    return _sum(da and emul(da, b), db and emul(a, db))


def _div(node, d):
    a, b = node.args
    da, db = d(a), d(b)
    left = da and build.div(da, b)
    right = db and build.neg(build.div(emul(a, db), build.power(b, const(2))))
    return _sum(left, right)


def _pow(node, d):
    a, p = node.args
    if a.op is Op.NORM2 and p.op is Op.CONST:
        return _norm_power(node, d)
    da, dp = d(a), d(p)
    left = None
    if da is not None:
        if p.op is Op.CONST:
            q = p.attrs[0] - 1
            factor = None if q == 0 else a if q == 1 else build.power(a, const(q))
        else:
            factor = build.power(a, build.sub(p, ONE))
        left = emul(p if factor is None else emul(p, factor), da)
    right = dp and emul(emul(node, build.func("log", a)), dp)
    return _sum(left, right)


def _norm_power(node, d):
    """d‖A‖^p = p ‖A‖^(p-2) A : dA, the form that keeps ‖A‖² free of square roots."""
    (inner,) = node.args[0].args
    dinner = d(inner)
    if dinner is None:
        return None
    p = node.args[1].attrs[0]
    frob = build.unary(Op.SUM, emul(inner, dinner))
    if p == 2.0:
        return build.scale(const(2), frob)
    return build.scale(build.scale(const(p), build.power(node.args[0], const(p - 2))), frob)


def _matpow(node, d):
    (a,) = node.args
    da = d(a)
    if da is None:
        return None
    k = node.attrs[0]
    if k == 0:
        return None
    base, dbase = a, da
    if k < 0:
        base = build.unary(Op.INV, a)
        dbase = _inv(base, lambda _: da)
        k = -k

    def power(j: int) -> Node | None:
        return None if j == 0 else base if j == 1 else build.matpow(base, j)

    terms = []
    for j in range(k):
        left, right = power(j), power(k - 1 - j)
        t = dbase
        if left is not None:
            t = build.mul(left, t)
        if right is not None:
            t = build.mul(t, right)
        terms.append(t)
    return _sum(*terms)


def _det(node, d):
    (a,) = node.args
    da = d(a)
    if da is None:
        return None
    inner = build.mul(build.unary(Op.INV, a), da)
    return build.mul(node, build.unary(Op.TRACE, inner))


def _logdet(node, d):
    (a,) = node.args
    da = d(a)
    if da is None:
        return None
    return build.unary(Op.TRACE, build.mul(build.unary(Op.INV, a), da))


def _inv(node, d):
    da = d(node.args[0])
    if da is None:
        return None
    return build.neg(build.mul(build.mul(node, da), node))


def _kron(node, d):
    a, b = node.args
    da, db = d(a), d(b)
    k = lambda x, y: build.construct(Op.KRON, (x, y))  # noqa: E731
    return _sum(da and k(da, b), db and k(a, db))


def _norm2(node, d):
    (a,) = node.args
    da = d(a)
    if da is None:
        return None
    return build.div(build.unary(Op.SUM, emul(a, da)), node)


def _norm1(node, d):
    (a,) = node.args
    da = d(a)
    if da is None:
        return None
    return build.unary(Op.SUM, emul(build.func("sign", a), da))


def elementwise_derivative(name: str, a: Node, fa: Node) -> Node | None:
    """f'(a) for an element-wise function, given ``fa = f(a)``; None where f' = 0."""
    two = const(2)
    one_minus = lambda x: build.sub(ONE, x)  # noqa: E731
    table = {
        "exp": lambda: fa,
        "log": lambda: build.div(ONE, a),
        "sin": lambda: build.func("cos", a),
        "cos": lambda: build.neg(build.func("sin", a)),
        "tan": lambda: build.add(ONE, build.power(fa, two)),
        "arcsin": lambda: build.div(ONE, build.func("sqrt", one_minus(build.power(a, two)))),
        "arccos": lambda: build.neg(
            build.div(ONE, build.func("sqrt", one_minus(build.power(a, two))))),
        "arctan": lambda: build.div(ONE, build.add(ONE, build.power(a, two))),
        "tanh": lambda: one_minus(build.power(fa, two)),
        "sqrt": lambda: build.div(const(0.5), fa),
        "abs": lambda: build.func("sign", a),
        "sign": lambda: None,
        "sigmoid": lambda: emul(fa, one_minus(fa)),
        "relu": lambda: build.func("heaviside", a),
        "heaviside": lambda: None,
    }
    return table[name]()


def _func(node, d):
    (a,) = node.args
    da = d(a)
    if da is None:
        return None
    slope = elementwise_derivative(node.attrs[0], a, node)
    return None if slope is None else emul(slope, da)


def _logsumexp(node, d):
    (x,) = node.args
    da = d(x)
    if da is None:
        return None
    return build.mul(build.transpose(build.unary(Op.SOFTMAX, x)), da)


def _softmax(node, d):
    da = d(node.args[0])
    if da is None:
        return None
    s = node
    return build.sub(build.hadamard(s, da), build.mul(s, build.mul(build.transpose(s), da)))


def _matfunc(node, d):
    """d f(X) = L_f(X, dX): the Fréchet derivative (equal to f'(X) dX only when X and dX
    commute, which the simplifier shows where it can)."""
    (a,) = node.args
    da = d(a)
    return None if da is None else frechet_form(node.attrs[0], a, da)


def _frechet(node, d):
    """d L_f(X, E…) = L_f(X, dX, E…) + Σ L_f(X, …, dE, …): one direction more for the point,
    the multilinear rule for the directions (the new direction goes first, so a direction
    with a derivative per index stays last)."""
    x, *directions = node.args
    name = node.attrs[0]
    dx = d(x)
    terms = [None if dx is None else frechet_form(name, x, dx, *directions)]
    for k, e in enumerate(directions):
        de = d(e)
        if de is not None:
            terms.append(frechet_form(name, x, *directions[:k], de, *directions[k + 1:]))
    return _sum(*terms)


def _einsum(node, d):
    specs, out = node.attrs
    terms = []
    for k, arg in enumerate(node.args):
        dk = d(arg)
        if dk is not None:
            args = node.args[:k] + (dk,) + node.args[k + 1:]
            terms.append(build.einsum(specs, out, args))
    return _sum(*terms)


D_RULES: dict[Op, Rule] = {
    Op.VAR: _var, Op.DIFF: _var, Op.CONST: _var, Op.EYE: _var, Op.FILL: _var, Op.FUSE: _var,
    Op.ADD: _add, Op.NEG: _neg, Op.SCALE: _scale, Op.MATMUL: _matmul, Op.HADAMARD: _hadamard,
    Op.DIV: _div, Op.POW: _pow, Op.MATPOW: _matpow, Op.TRANSPOSE: _lin(Op.TRANSPOSE),
    Op.TRACE: _lin(Op.TRACE), Op.DET: _det, Op.LOGDET: _logdet, Op.INV: _inv,
    Op.DIAGM: _lin(Op.DIAGM), Op.DIAGV: _lin(Op.DIAGV), Op.VEC: _lin(Op.VEC),
    Op.SUM: _lin(Op.SUM), Op.KRON: _kron, Op.NORM2: _norm2, Op.NORM1: _norm1, Op.FUNC: _func,
    Op.LOGSUMEXP: _logsumexp, Op.SOFTMAX: _softmax, Op.EINSUM: _einsum,
    Op.MATFUNC: _matfunc, Op.FRECHET: _frechet,
}

RULE_NAMES: dict[Op, str] = {
    Op.ADD: "sum rule", Op.NEG: "d(-A) = -dA", Op.SCALE: "product rule (scalar)",
    Op.MATMUL: "product rule", Op.HADAMARD: "product rule (element-wise)",
    Op.DIV: "quotient rule", Op.POW: "power rule", Op.MATPOW: "d(A^k) = Σ A^i dA A^(k-1-i)",
    Op.TRANSPOSE: "d(A') = (dA)'", Op.TRACE: "d tr(A) = tr(dA)",
    Op.DET: "d det(X) = det(X) tr(inv(X) dX)", Op.LOGDET: "d logdet(X) = tr(inv(X) dX)",
    Op.INV: "d inv(X) = -inv(X) dX inv(X)", Op.DIAGM: "d diag(x) = diag(dx)",
    Op.DIAGV: "d diag(X) = diag(dX)", Op.VEC: "d vec(X) = vec(dX)",
    Op.SUM: "d sum(X) = sum(dX)", Op.KRON: "product rule (Kronecker)",
    Op.NORM2: "differential of the Frobenius norm", Op.NORM1: "d‖X‖₁ = sign(X) : dX",
    Op.FUNC: "chain rule (element-wise function)", Op.LOGSUMEXP: "d logsumexp(x) = softmax(x)' dx",
    Op.SOFTMAX: "d softmax(x) = (diag(s) - s s') dx", Op.EINSUM: "product rule (index form)",
    Op.MATFUNC: "d f(X) = L_f(X, dX), the Fréchet derivative",
    Op.FRECHET: "d L_f(X, E) = L_f(X, E, dX) + L_f(X, dE) (the next Fréchet derivative)",
}


class Linearization:
    """One run of the differential rules over ``f``: ``df``, the differential of every
    subexpression met on the way (so a derivation can show ``dM`` of a part ``M`` without
    differentiating again), and the nodes whose rule was applied, with their depth."""

    __slots__ = ("result", "memo", "applied")

    def __init__(self, result: Node | None, memo: dict[int, Node | None],
                 applied: list[tuple[int, Node]]):
        self.result, self.memo, self.applied = result, memo, applied

    def of(self, node: Node) -> Node | None:
        """The differential of ``node``, a subexpression of ``f``."""
        return self.memo.get(id(node))

    def rules(self, keep: Callable[[Node], bool] = lambda node: True) -> list[str]:
        """The names of the rules applied to the nodes ``keep`` accepts, outermost first."""
        used: list[str] = []
        for _, node in sorted(self.applied, key=lambda e: e[0]):
            name = _rule_name(node) if node.op in RULE_NAMES and keep(node) else None
            if name is not None and name not in used:
                used.append(name)
        return used


def linearize(f: Node, x: Node | tuple[Node, ...]) -> Linearization:
    """``df`` in terms of ``dX`` (``Op.DIFF`` of ``x``; several variables give a differential
    for each), with the differentials of the subexpressions (:class:`Linearization`)."""
    targets = {id(v): build.diff(v) for v in (x if isinstance(x, tuple) else (x,))}
    memo: dict[int, Node | None] = {}
    applied: list[tuple[int, Node]] = []
    depth = 0  # of the node being differentiated (an exception abandons the whole walk)

    def d(node: Node) -> Node | None:
        nonlocal depth
        key = id(node)
        if key in memo:
            return memo[key]
        if key in targets:
            result = targets[key]
        else:
            depth += 1
            result = D_RULES[node.op](node, d)
            depth -= 1
            if result is not None:
                if result.shape != node.shape:
                    result = build.scale(result, build.fill(1.0, node.shape))
                applied.append((depth, node))
        memo[key] = result
        return result

    return Linearization(d(f), memo, applied)


def differential(f: Node, x: Node | tuple[Node, ...],
                 used: list[str] | None = None) -> Node | None:
    """``df`` in terms of ``dX`` (``Op.DIFF`` of ``x``), or None if ``f`` is free of ``x``.

    ``x`` may be several variables (``df`` then has a differential for each); ``used``, when
    given, collects the names of the rules applied, outermost first.
    """
    run = linearize(f, x)
    if used is not None:
        used.extend(name for name in run.rules() if name not in used)
    return run.result


def _rule_name(node: Node) -> str:
    if node.op is Op.POW and node.args[0].op is Op.NORM2 and node.args[1].op is Op.CONST:
        return "differential of the Frobenius norm: d‖A‖^p = p ‖A‖^(p-2) A : dA"
    if node.op is Op.FUNC:
        return f"chain rule: d {node.attrs[0]}(A) = {node.attrs[0]}'(A) .* dA"
    if node.op is Op.MATFUNC:
        name = node.attrs[0]
        if is_symmetric(node.args[0]):
            return (f"Fréchet derivative at a symmetric point (Daleckii–Krein): d {name}(S) = "
                    f"L_{name}(S, dS) = U*(F.*(U'*dS*U))*U' where S = U*diag(λ)*U' and "
                    "F_ij = (f(λ_i) - f(λ_j))/(λ_i - λ_j), f'(λ_i) where λ_i = λ_j")
        return f"Fréchet derivative: d {name}(X) = L_{name}(X, dX)"
    if node.op is Op.SCALE and node.args[0].op is Op.CONST:
        return "constant factor: d(cA) = c dA"
    return RULE_NAMES[node.op]
