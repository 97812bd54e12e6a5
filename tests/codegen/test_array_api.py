"""Generated code: its source for one node of every op, and its values on NumPy arrays and on
``array_api_strict`` arrays (the array API standard and nothing more) against NumPy itself.

The nodes are those of ``op_examples.py``.  The function of a node takes every variable of the
examples as a keyword array, reads the sizes off them and computes with their namespace, so the
same source serves both libraries.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.linalg import expm, sqrtm

from matdiff.codegen import compile_function, generate
from matdiff.codegen.array_api import WRITERS
from matdiff.errors import ArgumentError, ShapeError
from matdiff.ir import Op, build
from numeric import assert_close
from op_examples import EXAMPLES, SIZES, VARIABLES

n, m = SIZES["n"], SIZES["m"]
RNG = np.random.default_rng(7)
ARRAYS = {
    "A": RNG.uniform(-1, 1, (n, n)) + n * np.eye(n),  # well conditioned, det > 0
    "B": RNG.uniform(-1, 1, (n, m)),
    "x": RNG.uniform(0.3, 1.1, n),
    "a": 1.7,
}
A, B, x, a = (ARRAYS[k] for k in ("A", "B", "x", "a"))


def _softmax(v):
    e = np.exp(v - v.max())
    return e / e.sum()


# The body of the generated function after the namespace line, and the value NumPy computes.
EXPECTED = {
    Op.VAR: ("return A", A),
    Op.CONST: ("return 2.5", 2.5),
    Op.EYE: ("dtype = A.dtype\nn = A.shape[0]\nreturn xp.eye(n, dtype=dtype)", np.eye(n)),
    Op.FILL: ("dtype = A.dtype\nn = A.shape[0]\nreturn xp.full((n,), 1.0, dtype=dtype)",
              np.ones(n)),
    Op.FUSE: ("dtype = A.dtype\nn = A.shape[0]\nm = B.shape[1]\n"
              "return xp.reshape(xp.eye(m * n, dtype=dtype), (m * n, n, m))",
              np.eye(n * m).reshape(n * m, n, m)),
    Op.ADD: ("dtype = A.dtype\nn = A.shape[0]\nreturn A + xp.eye(n, dtype=dtype)",
             A + np.eye(n)),
    Op.NEG: ("return -B", -B),
    Op.SCALE: ("return a * B", a * B),
    Op.MATMUL: ("return A @ B", A @ B),
    Op.HADAMARD: ("return A * A", A * A),
    Op.DIV: ("return B / a", B / a),
    Op.POW: ("return x ** 2.0", x ** 2),
    Op.MATPOW: ("return xp.linalg.matrix_power(A, 3)", A @ A @ A),
    Op.TRANSPOSE: ("return B.T", B.T),
    Op.TRACE: ("return xp.linalg.trace(A)", np.trace(A)),
    Op.DET: ("return xp.linalg.det(A)", np.linalg.det(A)),
    Op.LOGDET: ("return xp.linalg.slogdet(A)[1]", np.log(np.linalg.det(A))),
    Op.INV: ("return xp.linalg.inv(A)", np.linalg.inv(A)),
    Op.DIAGM: ("dtype = x.dtype\nn = x.shape[0]\nreturn x[:, None] * xp.eye(n, dtype=dtype)",
               np.diag(x)),
    Op.DIAGV: ("return xp.linalg.diagonal(A)", np.diag(A)),
    Op.VEC: ("n = B.shape[0]\nm = B.shape[1]\nreturn xp.reshape(B.T, (m * n,))",
             B.flatten(order="F")),
    Op.SUM: ("return xp.sum(B)", B.sum()),
    Op.KRON: ("n = A.shape[0]\nm = B.shape[1]\n"
              "return xp.reshape(A[:, None, :, None] * B[None, :, None, :], (n * n, m * n))",
              np.kron(A, B)),
    Op.NORM2: ("return xp.sqrt(xp.sum(x * x))", np.linalg.norm(x)),
    Op.NORM1: ("return xp.sum(xp.abs(B))", np.abs(B).sum()),
    Op.FUNC: ("return xp.exp(x)", np.exp(x)),
    Op.LOGSUMEXP: ("return _logsumexp(xp, x)", np.log(np.exp(x).sum())),
    Op.SOFTMAX: ("return _softmax(xp, x)", _softmax(x)),
    Op.EINSUM: ("return _einsum(xp, 'ij,jk->ik', A, B)", A @ B),
    Op.MATFUNC: ("return _matfunc(xp, 'expm', False, A)", expm(A)),
    Op.FRECHET: ("return _frechet(xp, 'sqrtm', False, A, A.T)",
                 np.real(sqrtm(np.block([[A, A.T], [np.zeros((n, n)), A]]))[:n, n:])),
}
CODED = [op for op in Op if op is not Op.DIFF]


def body(source: str) -> str:
    """The lines of the generated function after ``def`` and the namespace line."""
    function = source[source.index("def derivative("):]
    return "\n".join(line.strip() for line in function.splitlines()[2:])


def compiled(node):
    gen = generate(node, VARIABLES)
    return gen, compile_function(gen, VARIABLES, set(gen.needed))


def test_every_op_has_a_writer():
    assert set(WRITERS) == set(Op)


def test_every_op_but_the_differential_has_code():
    assert set(EXPECTED) == set(CODED)
    with pytest.raises(ValueError, match="differential"):
        generate(EXAMPLES[Op.DIFF], VARIABLES)


@pytest.mark.parametrize("op", CODED, ids=[op.name for op in CODED])
def test_generated_source(op):
    gen = generate(EXAMPLES[op], VARIABLES)
    assert body(gen.source) == EXPECTED[op][0]
    assert gen.source.startswith("import array_api_compat\n")
    assert gen.source.count("def derivative(A, B, x, a):") == 1


@pytest.mark.parametrize("op", CODED, ids=[op.name for op in CODED])
def test_values_on_numpy_arrays(op):
    _, fn = compiled(EXAMPLES[op])
    got = fn(**ARRAYS)
    assert_close(np.asarray(got), EXPECTED[op][1], rtol=1e-12, what=op.name)


STRICT_OPS = [op for op in CODED if op not in (Op.EINSUM, Op.MATFUNC, Op.FRECHET)]
"""The standard has no einsum and no matrix functions (those of a symmetric matrix go through
its ``eigh``: ``test_matrix_function_code.py``)."""


@pytest.mark.parametrize("op", STRICT_OPS, ids=[op.name for op in STRICT_OPS])
def test_values_on_array_api_strict_arrays(op):
    xps = pytest.importorskip("array_api_strict")
    _, fn = compiled(EXAMPLES[op])
    arrays = {k: xps.asarray(v, dtype=xps.float64) for k, v in ARRAYS.items()}
    got = fn(**arrays)
    if op is not Op.CONST:  # a constant needs no input, so it has no namespace to come back in
        assert type(got).__module__.startswith("array_api_strict"), type(got)
    assert_close(np.asarray(got), EXPECTED[op][1], rtol=1e-12, what=op.name)


def test_einsum_on_array_api_strict_is_refused_by_the_namespace():
    """The standard has no einsum: an index-form result needs a library that has one."""
    xps = pytest.importorskip("array_api_strict")
    _, fn = compiled(EXAMPLES[Op.EINSUM])
    with pytest.raises(AttributeError, match="einsum"):
        fn(A=xps.asarray(A), B=xps.asarray(B))


def test_shared_subexpression_is_computed_once():
    inner = build.matmul(VARIABLES["A"], VARIABLES["B"])
    node = build.hadamard(inner, build.func("exp", inner))
    gen, fn = compiled(node)
    assert body(gen.source) == "_t1 = A @ B\nreturn _t1 * xp.exp(_t1)"
    assert_close(fn(A=A, B=B), (A @ B) * np.exp(A @ B), rtol=1e-12)


def test_sizes_that_disagree_are_a_shape_error():
    _, fn = compiled(EXAMPLES[Op.MATMUL])
    with pytest.raises(ShapeError, match=r"size n is 3 from A \(shape \(3, 3\)\) but 4 from B"):
        fn(A=A, B=np.ones((4, m)))
    with pytest.raises(ShapeError, match=r"B should be a matrix \(n×m\), got an array of "
                                         r"shape \(3,\)"):
        fn(A=A, B=np.ones(3))


def test_missing_and_unknown_arrays_are_argument_errors():
    _, fn = compiled(EXAMPLES[Op.MATMUL])
    with pytest.raises(ArgumentError, match="missing arrays for B"):
        fn(A=A)
    with pytest.raises(ArgumentError, match="no variable named C in the expression"):
        fn(A=A, B=B, C=B)


def test_names_that_clash_with_python_are_renamed():
    lam = build.var("lambda", ("n",))
    xp_var = build.var("xp", ("n",))
    node = build.hadamard(lam, xp_var)
    gen = generate(node, {"lambda": lam, "xp": xp_var})
    assert gen.params == {"lambda": "lambda_", "xp": "xp_"}
    fn = compile_function(gen, {"lambda": lam, "xp": xp_var}, set(gen.needed))
    assert_close(fn(**{"lambda": x, "xp": 2 * x}), 2 * x * x, rtol=1e-12)
