"""The code generator plans before it writes: each optimisation is checked twice, by what the
source says (no dense identity, the product order, one shared run, a free transpose) and by
the value the code computes against plain NumPy or finite differences.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import matdiff as md
from matdiff.codegen import compile_function, generate
from matdiff.ir import build
from numeric import assert_close, jacobian


def _body(source: str) -> str:
    return source[source.index("def derivative(") if "def derivative(" in source
                  else source.index("def expression("):]


def _products(source: str) -> int:
    return _body(source).count(" @ ")


def test_a_diagonal_matrix_between_two_factors_is_a_broadcast():
    d = md.derivative("sum(log(1 + exp(X*w))) - y'*X*w", wrt="w", order=2,
                      vars={"X": ("m", "n"), "w": ("n",), "y": ("m",)})
    source = d.code("numpy")
    assert "eye" not in source
    assert "[:, None] * X" in source and "return X.T @ " in source, source
    rng = np.random.default_rng(1)
    X, w, y = rng.standard_normal((7, 3)), rng.standard_normal(3), rng.uniform(size=7)
    s = 1 / (1 + np.exp(-X @ w))
    assert_close(d.evaluate(X=X, w=w, y=y), X.T @ np.diag(s * (1 - s)) @ X, rtol=1e-12)


def test_a_diagonal_result_is_the_one_place_an_identity_is_built():
    d = md.derivative("sum(exp(x))", wrt="x", order=2)
    assert "xp.eye" in d.code("numpy")
    x = np.array([0.1, -0.3, 0.7])
    assert_close(d.evaluate(x=x), np.diag(np.exp(x)), rtol=1e-12)


@pytest.mark.parametrize("text, expected", [
    ("diag(v)*B", "v[:, None] * B"),
    ("B*diag(v)", "B * v"),
    ("diag(v)*diag(u)*x", "v * (u * x)"),
])
def test_products_with_diagonal_matrices(text, expected):
    shapes = {"v": ("n",), "u": ("n",), "x": ("n",), "B": ("n", "n")}
    e = md.parse(text, vars=shapes)
    assert f"return {expected}" in e.code("numpy")
    rng = np.random.default_rng(2)
    arrays = {k: rng.standard_normal((3,) * len(s)) for k, s in shapes.items()}
    want = eval(text.replace("diag(v)", "np.diag(v)").replace("diag(u)", "np.diag(u)")
                .replace("*", "@"), {"np": np}, arrays)  # the test's own NumPy reference
    assert_close(e.evaluate(**{k: arrays[k] for k in e.variables}), want, rtol=1e-12)


def test_the_product_order_follows_the_sizes_bound_at_call_time():
    A, B, C = (build.var(k, s) for k, s in (("A", ("a", "b")), ("B", ("b", "c")),
                                               ("C", ("c", "d"))))
    node = build.matmul(build.matmul(A, B), C)
    variables = {"A": A, "B": B, "C": C}
    narrow_right = generate(node, variables, sizes={"a": 100, "b": 100, "c": 100, "d": 2})
    narrow_left = generate(node, variables, sizes={"a": 2, "b": 100, "c": 100, "d": 100})
    assert "return A @ (B @ C)" in narrow_right.source
    assert "return A @ B @ C" in narrow_left.source
    fn = compile_function(narrow_left, variables, {"A", "B", "C"})
    rng = np.random.default_rng(3)
    for a, d in ((40, 2), (2, 40)):  # one plan per size signature, each right
        arrays = {"A": rng.standard_normal((a, 30)), "B": rng.standard_normal((30, 30)),
                  "C": rng.standard_normal((30, d))}
        assert_close(fn(**arrays), arrays["A"] @ arrays["B"] @ arrays["C"], rtol=1e-12)


def test_a_vector_is_multiplied_first_and_a_transposed_matrix_is_not_transposed():
    d = md.derivative("0.5*norm2(A*x - b)^2", wrt="x",
                      vars={"A": ("m", "n"), "x": ("n",), "b": ("m",)})
    assert "return (A @ x - b) @ A" in d.code("numpy")
    e = md.parse("x'*A'*B*y", vars={"A": ("m", "n"), "B": ("m", "p"), "x": ("n",),
                                     "y": ("p",)})
    assert ".T" not in e.code("numpy")
    rng = np.random.default_rng(4)
    arrays = {"A": rng.standard_normal((4, 3)), "B": rng.standard_normal((4, 5)),
              "x": rng.standard_normal(3), "y": rng.standard_normal(5)}
    assert_close(e.evaluate(**arrays),
                 arrays["x"] @ arrays["A"].T @ arrays["B"] @ arrays["y"], rtol=1e-12)


def test_an_outer_product_is_a_broadcast_and_is_never_multiplied_as_a_matrix():
    d = md.derivative("0.5*norm2(W*x - y)^2", wrt="W", vars={"W": ("m", "n"), "x": ("n",),
                                                             "y": ("m",)})
    source = d.code("numpy")
    assert "[:, None] * x" in source and "reshape" not in source
    rng = np.random.default_rng(5)
    W, x, y = rng.standard_normal((4, 3)), rng.standard_normal(3), rng.standard_normal(4)
    assert_close(d.evaluate(W=W, x=x, y=y), np.outer(W @ x - y, x), rtol=1e-12)


def _chain(k: int) -> tuple[str, dict]:
    text = "tr(" + "*".join(f"X*A{i}" for i in range(1, k + 1)) + ")"
    return text, {"X": ("n", "n"), **{f"A{i}": ("n", "n") for i in range(1, k + 1)}}


def test_the_trace_chain_gradient_shares_prefix_and_suffix_products():
    counts = {}
    for k in (5, 10, 20):
        text, shapes = _chain(k)
        counts[k] = _products(md.derivative(text, wrt="X", vars=shapes).code("numpy"))
    assert counts[20] <= 5 * 20  # without sharing: 20 terms of 38 products (760)
    assert counts[20] - counts[10] <= 5 * 10  # linear in K
    text, shapes = _chain(6)
    d = md.derivative(text, wrt="X", vars=shapes)
    rng = np.random.default_rng(6)
    arrays = {k: np.eye(3) + rng.standard_normal((3, 3)) / 3 for k in shapes}

    def f(X):
        return md.parse(text, vars=shapes).evaluate(**{**arrays, "X": X})
    assert_close(d.evaluate(**arrays), jacobian(f, arrays["X"]), rtol=1e-8)


def test_the_trace_of_a_product_is_a_sum_of_an_elementwise_product():
    e = md.parse("tr(A*B)", vars={"A": ("m", "n"), "B": ("n", "m")})
    assert "return xp.sum(A * B.T)" in e.code("numpy")
    rng = np.random.default_rng(7)
    A, B = rng.standard_normal((3, 4)), rng.standard_normal((4, 3))
    assert_close(e.evaluate(A=A, B=B), np.trace(A @ B), rtol=1e-12)


def test_value_and_gradient_share_their_forward_work():
    d = md.derivative("sum(log(1 + exp(X*w))) - y'*X*w", wrt="w",
                      vars={"X": ("m", "n"), "w": ("n",), "y": ("m",)})
    f = d.compile(with_value=True)
    assert f.__doc__.count("X @ w") == 1
    rng = np.random.default_rng(8)
    X, w, y = rng.standard_normal((9, 4)), rng.standard_normal(4), rng.uniform(size=9)
    value, gradient = f(X=X, w=w, y=y)
    assert_close(value, np.sum(np.log1p(np.exp(X @ w))) - y @ X @ w, rtol=1e-12)
    assert_close(gradient, d.evaluate(X=X, w=w, y=y), rtol=1e-12)
    with pytest.raises(md.ArgumentError, match="with_value=True is for a derivative"):
        md.parse("x'*x").compile(with_value=True)


def test_stable_sigmoid_softplus_and_logsumexp_at_huge_arguments():
    x = np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0])
    s = np.where(x >= 0, 1 / (1 + np.exp(-np.abs(x))), np.exp(-np.abs(x)) /
                 (1 + np.exp(-np.abs(x))))
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = md.parse("sum(log(1 + exp(x)))").evaluate(x=x)
        gradient = md.derivative("sum(log(1 + exp(x)))", wrt="x").evaluate(x=x)
        hessian = md.derivative("sum(log(1 + exp(x)))", wrt="x", order=2).evaluate(x=x)
        third = md.derivative("sum(sigmoid(x))", wrt="x", order=2).evaluate(x=x)
        lse = md.derivative("logsumexp(x)", wrt="x").evaluate(x=x)
    assert_close(value, np.sum(np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))), rtol=1e-14)
    assert_close(gradient, s, rtol=1e-14)
    assert_close(hessian, np.diag(s * (1 - s)), rtol=1e-14)
    assert np.all(np.isfinite(third))
    assert_close(lse, np.exp(x - x.max()) / np.exp(x - x.max()).sum(), rtol=1e-14)


def test_no_branch_on_sizes_in_the_generated_function():
    d = md.derivative("0.5*norm2(W3*tanh(W2*tanh(W1*x)) - y)^2", wrt="W1",
                      vars={"W1": ("h", "d"), "W2": ("h", "h"), "W3": ("o", "h"),
                            "x": ("d",), "y": ("o",)})
    body = _body(d.code("array_api"))
    assert not re.search(r"\b(if|for|while)\b", body), body
