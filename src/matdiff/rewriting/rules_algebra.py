"""Rules of plain algebra: constants, signs, scalars to the front, identities and zeros.

One rule a line: name, left side, right side, guard, and an example in the language on which
the rule fires (its soundness test evaluates both sides there).
"""

from __future__ import annotations

import math

from ..ir import Node, Op, build
from .engine import Rule, RuleSet
from .measure import is_zero
from .patterns import (
    Add, Const, DiagM, DiagV, Div, Eye, Had, Hole, Inv, Mul, Neg, Num, Of, Pat, Pow, Scale, Sum, T,
    Tr, Zero,
)

__all__ = ["ALGEBRA", "IDENTITIES"]

A, B, X = Hole("A"), Hole("B"), Hole("X")
S = Hole("s", lambda n: n.is_scalar)
NS = Hole("s", lambda n: n.is_scalar and n.op is not Op.CONST)
V = Hole("v", lambda n: n.rank == 1)
I = Hole("I", lambda n: n.op is Op.EYE)
c, d = Num("c"), Num("d")


def _nice(x: float) -> bool:
    """A number worth writing as a decimal (0.5, 0.25, 3), not 0.3333…"""
    return abs(x) < 1e12 and round(x, 6) == x


def _in_range(value: float, *operands: float) -> bool:
    """``value``, computed from ``operands``, is a finite double that did not underflow to
    zero (folding ``1e-200*1e-200`` to 0 would make a division by it a division by zero)."""
    return math.isfinite(value) and (value != 0 or 0 in operands)


def _power(c: float, d: float) -> float | None:
    """``c^d`` when it is a finite number (None past the range of a double)."""
    try:
        value = c ** d
    except (OverflowError, ZeroDivisionError):
        return None
    finite = isinstance(value, float) and math.isfinite(value) and (value != 0 or c == 0)
    return value if finite else None


def _value_of_function(b):
    """f(c) as a number, when it is a nice one."""
    try:
        value = _NUMERIC[b["f"][0]](b["c"])
    except (ValueError, OverflowError):
        return None
    return build.const(value) if _nice(value) else None


_NUMERIC = {
    "exp": math.exp, "log": math.log, "sin": math.sin, "cos": math.cos, "tan": math.tan,
    "arcsin": math.asin, "arccos": math.acos, "arctan": math.atan, "tanh": math.tanh,
    "sqrt": math.sqrt, "abs": abs, "sign": lambda v: float((v > 0) - (v < 0)),
    "sigmoid": lambda v: 1 / (1 + math.exp(-v)), "relu": lambda v: max(v, 0.0),
    "heaviside": lambda v: float(v > 0),
}
_PRODUCTS = (Op.MATMUL, Op.HADAMARD, Op.SCALE, Op.KRON)
_LINEAR = (Op.TRANSPOSE, Op.TRACE, Op.SUM, Op.NEG, Op.DIAGM, Op.DIAGV, Op.VEC)
Z = Hole("Z", is_zero)


def _ones_vector(node) -> bool:
    return node.op is Op.FILL and node.rank == 1 and node.attrs[0] == 1.0


def _transposed_fill(b) -> Node:
    """A constant matrix transposed is a constant array of the transposed shape (a row's is
    a vector; a vector's transpose stays one, the form the rules on ones read)."""
    p, q = b["F"].shape
    return build.fill(b["F"].attrs[0], (q,) if p == 1 else (q, p))


ONES = Hole("one", lambda n: n.op is Op.FILL and n.attrs[0] == 1.0)
FILL = Hole("F", lambda n: n.op is Op.FILL)


def _constant_value(node) -> float | None:
    """The value of a constant: a number, a constant array, a number times one."""
    if node.op is Op.CONST or node.op is Op.FILL:
        return node.attrs[0]
    if node.op is Op.SCALE and node.args[0].op is Op.CONST and node.args[1].op is Op.FILL:
        return node.args[0].attrs[0] * node.args[1].attrs[0]
    return None


def _constant_sum(b):
    """A sum of constants only (numbers broadcast, constant arrays, multiples of them) is one
    constant array."""
    node = b["node"]
    values = [_constant_value(t) for t in node.args]
    if not node.shape or any(v is None for v in values):
        return None
    return build.fill(sum(values), node.shape)


def _scalar_product(s, t):
    """s*t with a number first."""
    return build.mul(t, s) if t.op is Op.CONST and s.op is not Op.CONST else build.mul(s, t)


ALGEBRA = RuleSet("algebra", (
    Rule("double negation", Neg(Neg(A)), A, example="-(-x)"),
    Rule("double transpose", T(T(A)), A, example="(A')'"),
    Rule("negative number", Neg(c), lambda b: build.const(-b["c"]), example="x/(-(2))"),
    Rule("product of numbers", Scale(c, d), lambda b: build.const(b["c"] * b["d"]),
         when=lambda b: _in_range(b["c"] * b["d"], b["c"], b["d"]), example="(2*3)*x"),
    Rule("sum of numbers", Add(c, d), lambda b: build.const(b["c"] + b["d"]),
         when=lambda b: math.isfinite(b["c"] + b["d"]), example="(2 + 3)*x"),
    Rule("quotient of numbers", Div(c, d), lambda b: build.const(b["c"] / b["d"]),
         when=lambda b: b["d"] != 0 and _nice(b["c"] / b["d"])
         and _in_range(b["c"] / b["d"], b["c"]), example="(1/2)*x"),
    Rule("power of numbers", Pow(c, d), lambda b: build.const(_power(b["c"], b["d"])),
         when=lambda b: b["c"] > 0 and _power(b["c"], b["d"]) is not None
         and _nice(_power(b["c"], b["d"])), example="2^3*x"),
    Rule("one times", Scale(Const(1), A), A, example="1*x"),
    Rule("minus one times", Scale(Const(-1), A), Neg(A), example="-1*x"),
    Rule("zero times", Scale(Const(0), A), Zero(), example="0*x"),
    Rule("product with zero (left)", Pat(_PRODUCTS, (Z, A)), Zero(),
         example="matrix(0)*A + B"),
    Rule("product with zero (right)", Pat(_PRODUCTS, (A, Z)), Zero(), example="A*matrix(0) + B"),
    Rule("linear map of zero", Pat(_LINEAR, (Z,)), Zero(), example="matrix(0)' + A"),
    Rule("function of a number", Pat(Op.FUNC, (c,), "f"), _value_of_function,
         example="exp(0)*x"),
    Rule("numbers multiply", Scale(c, Scale(d, A)),
         lambda b: build.mul(build.const(b["c"] * b["d"]), b["A"]),
         when=lambda b: _in_range(b["c"] * b["d"], b["c"], b["d"]), example="2*(3*x)"),
    Rule("number before a scalar", Scale(NS, c), Scale(c, NS), example="a*2"),
    Rule("scalars multiply", Scale(S, Scale(Hole("t", lambda n: n.is_scalar), A)),
         lambda b: build.mul(_scalar_product(b["s"], b["t"]), b["A"]),
         when=lambda b: not (b["s"].op is Op.CONST and b["t"].op is Op.CONST),
         example="a*(2*x)"),
    Rule("scalar out of a product (left)", Mul(Scale(S, A), B), Scale(S, Mul(A, B)),
         example="(a*A)*B"),
    Rule("scalar out of a product (right)", Mul(A, Scale(S, B)), Scale(S, Mul(A, B)),
         example="A*(a*B)"),
    Rule("scalar out of an element-wise product (left)", Had(Scale(S, A), B),
         Scale(S, Had(A, B)), example="(a*x).*y"),
    Rule("scalar out of an element-wise product (right)", Had(A, Scale(S, B)),
         Scale(S, Had(A, B)), example="x.*(a*y)"),
    Rule("scalar out of a transpose", T(Scale(S, A)), Scale(S, T(A)), example="(a*x)'"),
    Rule("sign out of a product (left)", Mul(Neg(A), B), Neg(Mul(A, B)), example="(-A)*B"),
    Rule("sign out of a product (right)", Mul(A, Neg(B)), Neg(Mul(A, B)), example="A*(-B)"),
    Rule("sign out of an element-wise product (left)", Had(Neg(A), B), Neg(Had(A, B)),
         example="(-x).*y"),
    Rule("sign out of an element-wise product (right)", Had(A, Neg(B)), Neg(Had(A, B)),
         example="x.*(-y)"),
    Rule("sign out of a scale", Scale(S, Neg(A)), Neg(Scale(S, A)), example="a*(-x)"),
    Rule("sign out of a scalar factor", Scale(Neg(S), A), Neg(Scale(S, A)),
         example="(-a)*x"),
    Rule("number absorbs a sign", Neg(Scale(c, A)),
         lambda b: build.mul(build.const(-b["c"]), b["A"]), example="-(2*x)"),
    Rule("sign out of a transpose", T(Neg(A)), Neg(T(A)), example="(-x)'"),
    Rule("sign out of a trace", Tr(Neg(A)), Neg(Tr(A)), example="tr(-A)"),
    Rule("scalar out of a trace", Tr(Scale(S, A)), Scale(S, Tr(A)), example="tr(a*A)"),
    Rule("scale by a reciprocal", Scale(Div(Const(1), S), A), Div(A, S), example="(1/a)*x"),
    Rule("divide by one", Div(A, Const(1)), A, example="x/1"),
    Rule("power one", Pow(A, Const(1)), A, example="a^1"),
))

IDENTITIES = RuleSet("identities", (
    Rule("identity on the right", Mul(A, Eye()), A, example="A*eye"),
    Rule("identity on the left", Mul(Eye(), A), A, example="eye*A"),
    Rule("transpose of the identity", T(I), I, example="A + eye'"),
    Rule("inverse of the identity", Inv(I), I, example="A + inv(eye)"),
    Rule("inverse times itself (left)", Mul(Inv(A), A), lambda b: build.eye(b["A"].shape[0]),
         example="inv(A)*A"),
    Rule("inverse times itself (right)", Mul(A, Inv(A)), lambda b: build.eye(b["A"].shape[0]),
         example="A*inv(A)"),
    Rule("inverse of the inverse", Inv(Inv(A)), A, example="inv(inv(A))"),
    Rule("diagonal matrix times a vector", Mul(DiagM(V), Hole("x", lambda n: n.rank == 1)),
         Had(V, Hole("x")), example="diag(v)*x"),
    Rule("ones element-wise", Had(A, ONES), A, example="x.*vector(1)"),
    Rule("ones element-wise (left)", Had(ONES, A), A, example="vector(1).*x"),
    Rule("ones over an array, element-wise", Had(Div(ONES, A), B), Div(B, A),
         example="(vector(1)./exp(x)).*y"),
    Rule("identity over a scalar (right)", Mul(A, Div(I, S)), Div(A, S),
         example="A*(eye/a)"),
    Rule("identity over a scalar (left)", Mul(Div(I, S), A), Div(A, S),
         example="(eye/a)*A"),
    Rule("diagonal of a transpose", DiagV(T(A)), DiagV(A), example="diag(A')"),
    Rule("negated constant array", Neg(FILL), lambda b: build.fill(-b["F"].attrs[0],
                                                                    b["F"].shape),
         example="x + -vector(2)"),
    Rule("transpose of a constant matrix", T(Hole("F", lambda n: n.op is Op.FILL and n.rank == 2)),
         _transposed_fill, example="A + matrix(2)'"),
    Rule("diagonal of a constant matrix", DiagV(FILL),
         lambda b: build.fill(b["F"].attrs[0], b["F"].shape[:1]), example="x + diag(matrix(2))"),
    Rule("diagonal matrix of a constant vector", DiagM(FILL),
         lambda b: build.scale(build.const(b["F"].attrs[0]), build.eye(b["F"].shape[0])),
         example="A + diag(vector(2))"),
    Rule("scalar out of a diagonal matrix", DiagM(Scale(S, A)), Scale(S, DiagM(A)),
         example="diag(a*x)"),
    Rule("constant arrays add up", Of(Op.ADD), _constant_sum,
         example="x + (vector(1) + 2*vector(-1))"),
    Rule("diagonal of an outer product", DiagV(Mul(V, T(Hole("u", lambda n: n.rank == 1)))),
         Had(V, Hole("u")), example="diag(v*x')"),
    Rule("sum of a scalar", Sum(S), S, example="sum(a)"),
    Rule("ones times a vector", Mul(T(Hole("one", _ones_vector)), V), Sum(V),
         example="vector(1)'*v"),
    Rule("a vector times ones", Mul(T(V), Hole("one", _ones_vector)), Sum(V),
         example="v'*vector(1)"),
    Rule("trace of a scalar", Tr(S), S, example="tr(x'*y)"),
    Rule("transpose of a scalar", T(S), S, example="(x'*y)'"),
))
