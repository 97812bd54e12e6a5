"""The transpose rules (the adjoint of each linear op) and the one derivation record.

A transpose rule is sound when ``G : L(dX) = T(G) : dX`` for every ``G`` and ``dX``: each
rule is checked on random arrays, through the printed pairing of the engine's own nodes.
The record is checked by what it promises: one run of the differential rules however much
is read from it (steps, check, Kronecker form, index notation).
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest

import matdiff as md
from matdiff.calculus.transpose import TRANSPOSE_NAMES, TRANSPOSE_RULES, inner, transpose
from matdiff.ir import Op, build
from matdiff.tensor.index_form import _LOWER
from node_eval import evaluate, random_arrays

X = build.var("X", ("n", "n"))
Y = build.var("Y", ("n", "m"))
A = build.var("A", ("n", "n"))
x = build.var("x", ("n",))
s = build.var("s", ())
dX, dx, ds = build.diff(X), build.diff(x), build.diff(s)

LINEAR = {
    "sum": build.add(build.mul(A, dX), dX),
    "negation": build.neg(dX),
    "scale of the array": build.scale(s, dX),
    "scale by the differential": build.scale(ds, A),
    "product, right": build.matmul(A, dX),
    "product, left": build.matmul(dX, A),
    "product with a vector": build.matmul(build.transpose(x), build.matmul(dX, x)),
    "Hadamard": build.hadamard(A, dX),
    "quotient by a scalar": build.div(dX, s),
    "transpose": build.transpose(build.matmul(A, dX)),
    "trace": build.unary(Op.TRACE, build.matmul(A, dX)),
    "sum of entries": build.unary(Op.SUM, build.hadamard(A, dX)),
    "diag of a vector": build.matmul(A, build.unary(Op.DIAGM, dx)),
    "diag of a matrix": build.unary(Op.DIAGV, build.matmul(A, dX)),
    "broadcast scalar in a sum": build.add(ds, build.scale(ds, A)),
    "trace of a scalar": build.unary(Op.TRACE, build.scale(s, ds)),
    "sum of a scalar": build.unary(Op.SUM, build.scale(s, ds)),
}


def _target(lin):
    return next(v for v in (X, x, s) if any(n is build.diff(v) for n in lin.walk()))


@pytest.mark.parametrize("lin", LINEAR.values(), ids=LINEAR.keys())
def test_a_transpose_rule_is_the_adjoint(lin):
    """``G : L(dX) = T(G) : dX`` at random ``G``, ``dX`` and operands."""
    var = _target(lin)
    g = build.var("G", lin.shape)
    pairing = inner(g, lin)
    moved, applied = transpose(pairing, var)
    assert applied, "a rule was applied"
    direction = build.var("V", var.shape)
    left = _replace(pairing, build.diff(var), direction)
    right = inner(moved, direction)
    rng = np.random.default_rng(7)
    for _ in range(3):
        variables = {n.attrs[0]: n for n in (left.walk() + right.walk()) if n.op is Op.VAR}
        arrays = random_arrays(variables, rng)
        np.testing.assert_allclose(evaluate(right, variables, arrays),
                                   evaluate(left, variables, arrays), rtol=1e-10)


def _replace(node, old, new):
    if node is old:
        return new
    return node.rebuild(tuple(_replace(a, old, new) for a in node.args)) if node.args else node


def test_every_linear_op_has_a_transpose_rule_or_stays_with_index_form():
    index_only = {Op.DIFF, Op.VEC, Op.KRON, Op.EINSUM}
    assert set(_LOWER) - index_only == set(TRANSPOSE_RULES)
    assert set(TRANSPOSE_NAMES) == set(TRANSPOSE_RULES)


def test_kron_in_the_differential_is_left_to_index_form():
    df = build.unary(Op.SUM, build.construct(Op.KRON, (A, dX)))
    assert transpose(df, X) is None


def test_the_move_out_step_records_each_rule_applied():
    d = md.derivative("0.5*norm2(D*W - X)^2", wrt="W")
    (move,) = [s for s in d.steps if s.rule.startswith("move the differential out")]
    names = [name for name, _, _ in move.raw.details]
    assert names[-1] == TRANSPOSE_NAMES[Op.MATMUL]
    assert TRANSPOSE_NAMES[Op.SUM] in names and TRANSPOSE_NAMES[Op.HADAMARD] in names


def test_the_derivation_is_differentiated_once_whatever_is_read():
    jacobian = importlib.import_module("matdiff.calculus.jacobian")
    runs = []
    real = jacobian.linearize

    def counting(*args, **kwargs):
        runs.append(args[0])
        return real(*args, **kwargs)

    jacobian.linearize = counting
    try:
        d = md.derivative("sum(log(1 + exp(X*w)))", wrt="w", order=2)
        assert len(runs) == 2
        str(d.steps), d.index, d.kron, d.previous().node
        assert md.check(d) < 1e-5
        assert len(runs) == 2, "reading the record differentiated again"
    finally:
        jacobian.linearize = real


def test_the_lower_order_comes_from_the_same_record():
    d = md.derivative("x'*A*x", wrt="x", order=2, layout="denominator")
    first = d.previous()
    assert first.derivation.orders[0] is d.derivation.orders[0]
    assert str(first) == "(A + A')*x" and first.layout == "numerator"


@pytest.mark.parametrize("expr, wrt", [
    ("0.5*norm2(D*W - X)^2", "W"), ("x'*A*x", "x"), ("det(X)", "X"), ("tr(A*B)", "A"),
    ("sum(log(1 + exp(X*w)))", "w"),
])
def test_the_gradient_of_a_scalar_is_read_off_by_the_transpose_rules(expr, wrt):
    d = md.derivative(expr, wrt=wrt)
    first = d.derivation.orders[0]
    assert first.transposed, "the gradient came from the transpose rules"
    assert md.check(d) < 1e-6


def test_jacobians_stay_with_index_form():
    assert not md.derivative("A*x", wrt="x").derivation.orders[0].transposed
    assert not md.derivative("x'*A*x", wrt="x", order=2).derivation.orders[1].transposed


@pytest.mark.parametrize("convention, want", [
    ("projected", "0.5*(x*y' + y*x')"), ("cookbook", "x*y' + y*x' - diag(x.*y)"),
])
def test_a_symmetric_gradient_is_the_transposed_one_projected(convention, want):
    d = md.derivative("x'*S*y", wrt="S", vars={"S": "symmetric"},
                      symmetric_gradient=convention)
    assert d.derivation.orders[0].transposed
    assert str(d) == want
    if convention == "projected":  # the cookbook's form is no Frobenius gradient (SPEC §4)
        assert md.check(d) < 1e-6
