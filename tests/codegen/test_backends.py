"""Generated code on every input a user may give it: the array API standard's strict namespace
(``array_api_strict``: only the standard's functions), float32 and float64 (the same dtype
out as in), plain Python numbers, hostile names (``_t`` sizes, names Python normalises), non-
finite constants, and a product of 99 factors; plain NumPy code without NumPy 2's names.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import matdiff as md
from matdiff.codegen import compile_function, generate
from matdiff.ir import build
from numeric import assert_close

xps = pytest.importorskip("array_api_strict")

SHAPES = {"X": ("m", "n"), "w": ("n",), "y": ("m",), "A": ("n", "n"), "B": ("n", "n"),
          "x": ("n",), "a": ()}
SIZES = {"m": 5, "n": 3}

CASES = [
    ("sum(log(1 + exp(X*w))) - y'*X*w", "w", 1),
    ("sum(log(1 + exp(X*w))) - y'*X*w", "w", 2),  # a diagonal between two factors
    ("tr(A*B*A')", "A", 1),  # a trace of a product
    ("x'*A*x", "x", 2),
    ("a*sum(sigmoid(A*x))", "x", 2),
    ("logsumexp(A*x)", "x", 1),
    ("0.5*norm2(A*x - x)^2", "A", 1),  # an outer product
]


def _arrays(rng, dtype):
    out = {}
    for name, dims in SHAPES.items():
        shape = tuple(SIZES[d] for d in dims)
        out[name] = rng.standard_normal(shape).astype(dtype) if shape else 1.3
    return out


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("text, wrt, order", CASES, ids=[f"{t} {o}" for t, _, o in CASES])
def test_strict_namespace_same_dtype_and_values(text, wrt, order, dtype):
    used = set(re.findall(r"[A-Za-z]+", text))
    d = md.derivative(text, wrt=wrt, vars={k: v for k, v in SHAPES.items() if k in used},
                      order=order)
    rng = np.random.default_rng(9)
    arrays = {k: v for k, v in _arrays(rng, dtype).items() if k in d.variables}
    want = d.evaluate(**{k: np.asarray(v, dtype=float) for k, v in arrays.items()})
    fn = d.compile()
    strict_dtype = getattr(xps, dtype)
    strict = {k: xps.asarray(v, dtype=strict_dtype) if isinstance(v, np.ndarray) else v
              for k, v in arrays.items()}
    got = fn(**strict)
    assert type(got).__module__.startswith("array_api_strict")
    assert got.dtype == strict_dtype
    plain = fn(**arrays)
    assert plain.dtype == np.dtype(dtype)
    tol = 1e-4 if dtype == "float32" else 1e-11
    assert_close(np.asarray(got), want, rtol=tol)
    assert_close(np.asarray(plain), want, rtol=tol)


def test_python_numbers_are_accepted_everywhere():
    d = md.derivative("a^2*b + a", wrt="a")
    assert d.compile()(a=2.0, b=3) == pytest.approx(13.0)
    assert md.parse("a*b").compile()(a=2.0, b=0.5) == pytest.approx(1.0)
    f = md.derivative("a*x'*x", wrt="x").compile()
    out = f(a=2.0, x=np.ones(3, dtype=np.float32))
    assert out.dtype == np.float32
    assert_close(out, 4 * np.ones(3))
    strict = f(a=2, x=xps.asarray([1.0, 2.0], dtype=xps.float32))
    assert strict.dtype == xps.float32


def test_sizes_named_like_the_functions_locals():
    d = md.derivative("sum(exp(A*x)) + x'*A*A*x", wrt="x",
                      vars={"A": ("_t1", "_t1"), "x": ("_t1",)})
    source = d.code("numpy")
    compile(source, "<test>", "exec")
    rng = np.random.default_rng(10)
    A, x = rng.standard_normal((3, 3)) / 3, rng.standard_normal(3)
    want = A.T @ np.exp(A @ x) + (A @ A + (A @ A).T) @ x
    assert_close(d.evaluate(A=A, x=x), want, rtol=1e-12)


def test_names_python_normalises_do_not_collide():
    fi_ligature, fi = build.var("ﬁ", ("n",)), build.var("fi", ("n",))
    variables = {"ﬁ": fi_ligature, "fi": fi}
    gen = generate(build.hadamard(fi_ligature, build.add(fi, fi)), variables)
    assert len(set(gen.params.values())) == 2
    fn = compile_function(gen, variables, set(gen.needed))
    assert_close(fn(**{"ﬁ": np.full(2, 3.0), "fi": np.full(2, 5.0)}), np.full(2, 30.0))
    square = build.var("x", ("²",))  # NFKC: "2", not a name
    gen = generate(build.hadamard(square, square), {"x": square})
    assert_close(compile_function(gen, {"x": square}, {"x"})(x=np.arange(3.0)),
                 np.arange(3.0) ** 2)


@pytest.mark.parametrize("value, text", [(float("inf"), "xp.inf"), (-float("inf"), "-xp.inf"),
                                         (float("nan"), "xp.nan")])
def test_non_finite_constants_are_written_as_the_namespace_constants(value, text):
    x = build.var("x", ("n",))
    node = build.scale(build.const(value), x)
    for target in ("numpy", "array_api"):
        gen = generate(node, {"x": x}, namespace=target)
        assert text in gen.source
    fn = compile_function(generate(node, {"x": x}), {"x": x}, {"x"})
    with np.errstate(invalid="ignore"):
        got = fn(x=np.ones(2))
    assert np.array_equal(got, np.full(2, value), equal_nan=True)


def test_a_product_of_99_factors_never_runs_out_of_index_letters():
    names = [f"A{i}" for i in range(99)]
    text = "*".join(names)
    d = md.derivative(text, wrt="A5", vars={k: ("n", "n") for k in names})
    rng = np.random.default_rng(11)
    arrays = {k: np.eye(2) + rng.standard_normal((2, 2)) / 10 for k in names}
    left = np.linalg.multi_dot([arrays[k] for k in names[:5]])
    right = np.linalg.multi_dot([arrays[k] for k in names[6:]])
    assert_close(d.evaluate(**arrays), np.einsum("ik,lj->ijkl", left, right), rtol=1e-10)


def test_numpy_code_uses_names_numpy_1_26_has():
    d = md.derivative("tr(A)*sum(diag(A))", wrt="A")
    e = md.parse("tr(A)*sum(diag(A))")
    for source in (d.code("numpy"), e.code("numpy")):
        assert "linalg.trace" not in source and "linalg.diagonal" not in source
    scope: dict = {}
    exec(compile(e.code("numpy"), "<test>", "exec"), scope)  # the engine's own source
    A = np.arange(9.0).reshape(3, 3)
    assert scope["expression"](A) == pytest.approx(12.0 * 12.0)


_LOGISTIC = ("sum(log(1 + exp(X*w))) - y'*X*w", {"X": ("m", "n"), "w": ("n",), "y": ("m",)})


def _logistic_case():
    d = md.derivative(_LOGISTIC[0], wrt="w", vars=_LOGISTIC[1], order=2)
    rng = np.random.default_rng(12)
    arrays = {"X": rng.standard_normal((6, 3)), "w": rng.standard_normal(3),
              "y": rng.uniform(size=6)}
    return d, arrays, d.evaluate(**arrays)


def test_runs_unchanged_under_jax_jit():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    d, arrays, want = _logistic_case()
    f = d.compile()
    got = jax.jit(lambda **kw: f(**kw))(**{k: jax.numpy.asarray(v) for k, v in arrays.items()})
    assert_close(np.asarray(got), want, rtol=1e-12)


def test_runs_unchanged_under_torch_compile():
    torch = pytest.importorskip("torch")
    d, arrays, want = _logistic_case()
    f = d.compile()
    got = torch.compile(lambda **kw: f(**kw))(**{k: torch.from_numpy(v)
                                                   for k, v in arrays.items()})
    assert got.dtype == torch.float64
    assert_close(got.numpy(), want, rtol=1e-12)


def test_a_product_longer_than_one_plan_is_planned_in_pieces():
    A, x = build.var("A", ("n", "n")), build.var("x", ("n",))
    node = A
    for _ in range(299):  # A^300 x: six pieces of at most MAX_PRODUCTS products
        node = build.matmul(node, A)
    node = build.matmul(node, x)
    variables = {"A": A, "x": x}
    fn = compile_function(generate(node, variables), variables, {"A", "x"})
    a = np.array([[1.0, 0.001], [0.0, 0.999]])
    assert_close(fn(A=a, x=np.ones(2)), np.linalg.matrix_power(a, 300) @ np.ones(2),
                 rtol=1e-12)
