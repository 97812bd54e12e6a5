"""Compiled derivatives on Dask arrays: lazily, chunk by chunk, and on a distributed cluster.

``d.compile()`` computes with the namespace of its inputs, so Dask arrays in give a lazy Dask
array out (``d.evaluate`` computes it into NumPy).  The logistic-regression gradient over a row-chunked ``X`` is computed on a
``LocalCluster`` of two worker processes and matches NumPy.  Every op's generated code is run
on chunked Dask arrays too; the ops Dask's ``linalg`` lacks are listed with the reason.
"""

from __future__ import annotations

import dask
import dask.array as da
import numpy as np
import pytest
from distributed import Client, LocalCluster, wait

import matdiff as md
from matdiff.codegen import compile_function, generate
from matdiff.ir import Op
from numeric import assert_close
from op_examples import EXAMPLES, SIZES, VARIABLES

LOSS = "-y'*log(sigmoid(X*w)) - (1 - y)'*log(1 - sigmoid(X*w))"
ROWS, FEATURES, CHUNK = 4000, 6, 500


def _sigmoid(v):
    return 1 / (1 + np.exp(-v))


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((ROWS, FEATURES))
    w = rng.standard_normal(FEATURES) / 2
    y = (rng.uniform(size=ROWS) < _sigmoid(X @ w)).astype(float)
    return X, w, y


@pytest.fixture(scope="module")
def gradient():
    d = md.derivative(LOSS, wrt="w")
    assert str(d) == "X'*(sigmoid(X*w) - y)"
    return d.compile()


def test_dask_arrays_in_give_a_lazy_dask_array_out(gradient, data):
    X, w, y = data
    Xd, yd = da.from_array(X, chunks=(CHUNK, FEATURES)), da.from_array(y, chunks=CHUNK)
    out = gradient(X=Xd, w=da.from_array(w), y=yd)
    assert isinstance(out, da.Array)
    assert out.shape == (FEATURES,)
    with dask.config.set(scheduler="threads"):
        assert_close(out.compute(), X.T @ (_sigmoid(X @ w) - y))


def test_evaluate_computes_dask_arrays_into_numpy(data):
    X, w, y = data
    d = md.derivative(LOSS, wrt="w")
    with dask.config.set(scheduler="threads"):
        value = d.evaluate(X=da.from_array(X, chunks=(CHUNK, FEATURES)), w=da.from_array(w),
                           y=da.from_array(y, chunks=CHUNK))
    assert_close(value, X.T @ (_sigmoid(X @ w) - y))


def test_the_logistic_gradient_on_a_two_process_cluster_matches_numpy(gradient, data):
    X, w, y = data
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        Xd = client.persist(da.from_array(X, chunks=(CHUNK, FEATURES)))
        yd = client.persist(da.from_array(y, chunks=CHUNK))
        wait([Xd, yd])
        holders = {worker for held in client.who_has(Xd).values() for worker in held}
        assert len(holders) == 2, "the row chunks of X are spread over both workers"
        out = gradient(X=Xd, w=da.from_array(w), y=yd)
        assert isinstance(out, da.Array)
        assert_close(client.compute(out).result(), X.T @ (_sigmoid(X @ w) - y))


# The ops whose generated code calls a function Dask does not have: on Dask arrays these
# fail, and the test says so until they work.
NOT_ON_DASK = {
    Op.MATPOW: (AttributeError, "dask.array.linalg has no matrix_power"),
    Op.DET: (AttributeError, "dask.array.linalg has no det"),
    Op.LOGDET: (AttributeError, "dask.array.linalg has no slogdet"),
    Op.MATFUNC: (NotImplementedError, "expm, logm, sqrtm of a non-symmetric matrix need SciPy"),
    Op.FRECHET: (NotImplementedError, "as for MATFUNC"),
}
COMPUTED = [op for op in EXAMPLES if op is not Op.DIFF]


@pytest.mark.parametrize("op", COMPUTED, ids=[op.name for op in COMPUTED])
def test_every_op_computes_on_chunked_dask_arrays(op):
    n, m = SIZES["n"], SIZES["m"]
    rng = np.random.default_rng(11)
    arrays = {"A": rng.uniform(-1, 1, (n, n)) + n * np.eye(n), "B": rng.uniform(-1, 1, (n, m)),
              "x": rng.uniform(0.3, 1.1, n), "a": 1.7}
    # Dask factorises a square matrix only in square chunks: A is one chunk, B and x several.
    chunked = {k: da.from_array(v, chunks=-1 if k == "A" else 2)
               if isinstance(v, np.ndarray) else v for k, v in arrays.items()}
    gen = generate(EXAMPLES[op], VARIABLES, "f", "array_api")
    fn = compile_function(gen, VARIABLES, set(gen.needed))
    with dask.config.set(scheduler="synchronous"):
        if op in NOT_ON_DASK:
            with pytest.raises(NOT_ON_DASK[op][0]):
                fn(**chunked).compute()
            return
        out = fn(**chunked)
        value = out.compute() if isinstance(out, da.Array) else out
    assert_close(np.asarray(value, dtype=float), np.asarray(fn(**arrays), dtype=float))
