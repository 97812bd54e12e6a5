"""Random well-shaped expressions, differentiated by matdiff and checked by finite differences.

``strategies.terms`` draws an expression over every operation of the ASCII language (SPEC §3,
the matrix functions included); ``strategies.evaluate`` is an evaluator of its own, so
the reference never goes through matdiff.  For each kind of variable (scalar, vector, matrix)
and order 1 and 2, the derivative ``d.evaluate(...)`` must equal central finite differences
(five-point stencil, nested for order 2) of the independent evaluator, to a tolerance
relative to the derivative's largest entry plus the differences' own round-off.

The step of the differences is halved until two successive estimates agree (a function that
varies fast needs a small step); their difference widens the tolerance.  An input is rejected
(``assume``) when the stencil crosses a kink of ``abs``/``sign``/``relu``/``norm1``/``norm2``,
when a matrix to invert is badly conditioned there, when an intermediate value grows past
300, or when the differences do not settle — the expression is fine, the point is not.

Examples: 300 per test under the default profile, 10,000 with ``MATDIFF_LONG=1`` (see
``tests/conftest.py``); derandomised.  ``REGRESSIONS`` keeps, as plain cases, small
expressions that once failed.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pytest
from hypothesis import assume, given, note, settings, strategies as st

import matdiff as md
import numeric as nu
import strategies as gen

OUTPUT_SHAPES = {
    1: [(), ("n",), (1, "m"), ("m", "p"), ("p", "p")],
    2: [(), ("n",), ("m", "n")],
}
DEPTH = {1: 3, 2: 2}
"""Operations deep: second derivatives of deep expressions cost matdiff much time to evaluate."""
RTOL = {1: 1e-6, 2: 1e-5}
ROUNDOFF = {1: 1e-9, 2: 1e-6}
"""Finite differences' absolute round-off per unit of the function's size, by order."""


class Case(NamedTuple):
    term: gen.Term
    text: str
    wrt: str
    seed: int

    def __repr__(self) -> str:
        return f"Case(text={self.text!r}, wrt={self.wrt!r}, seed={self.seed})"


def _kind(shape: tuple) -> str:
    return {0: "scalar", 1: "vector", 2: "matrix"}[len(shape)]


@st.composite
def cases(draw, kind: str, order: int) -> Case:
    """An expression that contains a variable of ``kind``, and that variable."""
    term = draw(gen.terms(draw(st.sampled_from(OUTPUT_SHAPES[order])), DEPTH[order], root=True))
    names = sorted(v for v in gen.variables_of(term) if _kind(gen.VARIABLES[v]) == kind)
    if not names:  # bring one in, as a scalar term added to one of the leaves
        name = draw(st.sampled_from([v for v, s in gen.VARIABLES.items() if _kind(s) == kind]))
        var = gen.Term("var", (), gen.VARIABLES[name], name)
        func = draw(st.sampled_from(["sin", "tanh", "exp"]))
        extra = gen.Term("call", (var,), var.shape, func)
        if var.shape:
            extra = gen.Term("call", (extra,), (), "sum")
        leaves = _variable_leaves(term)
        if leaves:
            leaf = leaves[draw(st.integers(0, len(leaves) - 1))]
            term = _substitute(term, leaf, gen.Term("add", (leaf, extra), leaf.shape))
        else:
            term = gen.Term("add", (term, extra), term.shape)
        names = [name]
    wrt = draw(st.sampled_from(names))
    return Case(term, gen.render(term), wrt, draw(st.integers(0, 2 ** 32 - 1)))


def _variable_leaves(term: gen.Term) -> list:
    found, seen = [], set()

    def walk(t):
        if t.op == "var" and id(t) not in seen:
            seen.add(id(t))
            found.append(t)
        for a in t.args:
            walk(a)
    walk(term)
    return found


def _substitute(term: gen.Term, old: gen.Term, new: gen.Term) -> gen.Term:
    """``term`` with every occurrence of the object ``old`` replaced (shared subterms, as in
    ``E*E' + eye``, stay shared)."""
    memo: dict[int, gen.Term] = {}

    def walk(t):
        if t is old:
            return new
        if id(t) not in memo:
            memo[id(t)] = t._replace(args=tuple(walk(a) for a in t.args)) if t.args else t
        return memo[id(t)]
    return walk(term)


def _inputs(case: Case) -> dict:
    rng = np.random.default_rng(case.seed)
    arrays = {}
    for name in sorted(gen.variables_of(case.term)):
        value = rng.uniform(-1.0, 1.0, size=gen.numeric_shape(gen.VARIABLES[name]))
        arrays[name] = float(value) if value.ndim == 0 else value
    return arrays


def _batched(arrays: dict, size: int) -> dict:
    return {k: np.broadcast_to(np.asarray(v, dtype=float), (size,) + np.shape(v))
            for k, v in arrays.items()}


def check_against_finite_differences(case: Case, order: int) -> None:
    note(f"expression: {case.text}\nwrt: {case.wrt}, order {order}")
    arrays = _inputs(case)
    with np.errstate(all="ignore"):
        base = gen.Trace()
        value = gen.evaluate(case.term, _batched(arrays, 1), base)
        # No intermediate value past 300: beyond it exp() and sigmoid() saturate, and 0*inf
        # in a correct but unstable formula is not what this test is about.
        assume(base.largest < 300)
        trace = gen.Trace()

        def f(stack):
            env = {**_batched(arrays, stack.shape[0]), case.wrt: stack}
            return gen.evaluate(case.term, env, trace)

        want, fd_error = nu.converged_jacobian(f, arrays[case.wrt], order=order,
                                               batched=True, rtol=RTOL[order])
    assume(np.all(np.isfinite(want)) and np.max(np.abs(want), initial=0) < 1e6)
    assume(fd_error < 1e-3 * max(1.0, float(np.max(np.abs(want)))))
    for kink in trace.kinks:  # the stencil must stay on one side of every kink
        signs = np.sign(kink)
        assume(np.all(signs == signs[:1]) and np.min(np.abs(kink), initial=1) > 1e-6)
    for matrix in trace.inverted:
        assume(np.max(np.linalg.cond(matrix[:1])) < 1e4)
    declared = {v: gen.VARIABLES[v] for v in arrays}
    d = md.derivative(case.text, wrt=case.wrt, vars=declared, order=order)
    got = d.evaluate(**arrays)
    scale = max(1.0, float(np.max(np.abs(value))))
    nu.assert_close(got, want, rtol=RTOL[order], atol=ROUNDOFF[order] * scale + fd_error,
                    what=f"order {order} by {case.wrt} of {case.text} (matdiff: {d})")


@pytest.mark.parametrize("kind", ["scalar", "vector", "matrix"])
@given(data=st.data())
def test_first_derivative(kind, data):
    check_against_finite_differences(data.draw(cases(kind, 1), label="case"), 1)


@pytest.mark.parametrize("kind", ["scalar", "vector", "matrix"])
@given(data=st.data())
def test_second_derivative(kind, data):
    check_against_finite_differences(data.draw(cases(kind, 2), label="case"), 2)


@given(case=cases("matrix", 1))
def test_expression_value(case):
    """matdiff reads the rendered text as the strategy meant it: ``md.parse(text).evaluate``
    equals the independent evaluator (a check of the renderer, the parser and evaluate)."""
    arrays = _inputs(case)
    with np.errstate(all="ignore"):
        want = gen.evaluate(case.term, _batched(arrays, 1))[0]
    assume(np.all(np.isfinite(want)) and np.max(np.abs(want), initial=0) < 1e6)
    expression = md.parse(case.text, {v: gen.VARIABLES[v] for v in arrays})
    nu.assert_close(expression.evaluate(**arrays), want, rtol=1e-10, atol=1e-12,
                    what=f"{case.text} (matdiff read it as {expression})")


def test_the_strategy_covers_the_language():
    """Every operation of SPEC §3 shows up in drawn expressions."""
    seen: set[str] = set()

    @settings(max_examples=1000)
    @given(cases("matrix", 1))
    def collect(case):
        seen.update(_ops(case.term))

    collect()
    wanted = {"+", "-", "neg", "scale", "matmul", ".*", "./", "/", "^k", "^-1", ".^", "'",
              "tr", "det", "logdet", "inv", "diag(vector)", "diag(matrix)", "vec", "sum",
              "norm2", "norm1", "eye", "vector(c)", "matrix(c)", "logsumexp", "softmax",
              "kron", "s^p", *gen.ELEMENTWISE, *gen.MATRIX_FUNCTIONS}
    assert wanted <= seen, f"never drawn: {sorted(wanted - seen)}"


def _ops(term: gen.Term) -> set[str]:
    op, args = term.op, term.args
    names = {"add": "+", "sub": "-", "neg": "neg", "had": ".*", "ediv": "./", "div": "/",
             "epow": ".^", "T": "'", "eye": "eye", "norm2": "norm2", "norm1": "norm1"}
    found = {names[op]} if op in names else set()
    if op == "fill":
        found.add("vector(c)" if len(term.shape) == 1 else "matrix(c)")
    if op == "mul":
        found.add("scale" if not args[0].shape or not args[1].shape else "matmul")
    if op == "pow":
        if not args[0].shape:
            found.add("s^p")
        else:
            found.add("^-1" if args[1].value == -1 else "^k")
    if op == "call":
        name = term.value
        if name == "diag":
            name = "diag(vector)" if len(args[0].shape) == 1 else "diag(matrix)"
        found.add(name)
    for a in args:
        found |= _ops(a)
    return found


def _sigmoid(v):
    return 1 / (1 + np.exp(-v))


REGRESSIONS = [
    # (expression, wrt, order, declared shapes, the expression in NumPy)
    ("sign(3^1.5)*x", "x", 1, {"x": ("n",)}, lambda x: np.sign(3 ** 1.5) * x),
    ("x + sin(a)", "a", 1, {"x": ("n",), "a": ()}, lambda x, a: x + np.sin(a)),
    ("a*sum(x)", "x", 1, {"x": ("n",), "a": ()}, lambda x, a: a * np.sum(x)),
    ("y + x'*x", "x", 2, {"x": ("n",), "y": ("m",)}, lambda x, y: y + x @ x),
    ("x/sigmoid(a)", "a", 1, {"x": ("n",), "a": ()}, lambda x, a: x / _sigmoid(a)),
    ("x", "x", 2, {"x": ("n",)}, lambda x: x),
    ("vec(G)'*kron(x, z)", "x", 1, {"G": ("p", "n"), "x": ("n",), "z": ("p",)},
     lambda G, x, z: G.reshape(-1, order="F") @ np.kron(x, z)),
    ("sum(kron(1 + 0*A, B + a))", "a", 1, {"A": ("n", "n"), "B": ("m", "p"), "a": ()},
     lambda A, B, a: np.sum(np.kron(1 + 0 * A, B + a))),
    ("softmax(x*a)", "a", 2, {"x": ("n",), "a": ()},
     lambda x, a: np.exp(a * x) / np.sum(np.exp(a * x))),
]


@pytest.mark.parametrize("text, wrt, order, declared, f", REGRESSIONS,
                         ids=[f"{r[0]} by {r[1]} order {r[2]}" for r in REGRESSIONS])
def test_expressions_the_strategy_once_broke(text, wrt, order, declared, f):
    """Small expressions that failed when the strategy first ran (kept as plain cases)."""
    rng = np.random.default_rng(7)
    arrays = {k: float(v) if np.ndim(v) == 0 else v for k, v in (
        (k, rng.uniform(-1, 1, gen.numeric_shape(s))) for k, s in declared.items())}
    d = md.derivative(text, wrt=wrt, vars=declared, order=order)
    assert str(d), "the derivative prints as nothing"
    want = nu.jacobian(lambda v: f(**{**arrays, wrt: v}), arrays[wrt], order=order)
    nu.assert_close(d.evaluate(**arrays), want, rtol=RTOL[order], atol=1e-8,
                    what=f"order {order} by {wrt} of {text} (matdiff: {d})")
