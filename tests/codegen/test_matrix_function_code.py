"""Generated code for expm, logm, sqrtm and their Fréchet derivatives, on every path it takes.

The three paths (the eigendecomposition at a symmetric point, SciPy's ``expm_frechet``, the
block-triangular identity) must agree with each other and with finite differences; a backend
without the function says which function it lacks; a point outside the domain of the real
principal branch is a :class:`matdiff.DomainError`, not complex numbers.
"""

from __future__ import annotations

import array_api_strict as strict
import numpy as np
import pytest
from scipy.linalg import expm, logm, sqrtm

import matdiff as md

RNG = np.random.default_rng(7)
N = 4
_M = RNG.standard_normal((N, N))
SPD = _M @ _M.T + N * np.eye(N)
GENERAL = RNG.standard_normal((N, N)) * 0.4 + 2 * np.eye(N)
B = RNG.standard_normal((N, N))
FUNCTIONS = {"expm": expm, "logm": logm, "sqrtm": sqrtm}


def _block_frechet(f, X, E):
    return np.real(f(np.block([[X, E], [np.zeros_like(X), X]]))[:N, N:])


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_the_eigendecomposition_at_a_symmetric_point_agrees_with_the_block_identity(name):
    d = md.derivative(f"tr(B*{name}(S))", wrt="S", vars={"S": "spd", "B": (N, N)})
    got = d.evaluate(S=SPD, B=B)
    adjoint = _block_frechet(FUNCTIONS[name], SPD, B.T)
    np.testing.assert_allclose(got, (adjoint + adjoint.T) / 2, rtol=1e-8, atol=1e-10)
    assert "_scalar_function" in d.code()  # the Daleckii–Krein path was generated


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_a_general_point_agrees_with_the_block_identity(name):
    d = md.derivative(f"tr(B*{name}(X))", wrt="X", vars={"X": (N, N), "B": (N, N)})
    np.testing.assert_allclose(d.evaluate(X=GENERAL, B=B),
                               _block_frechet(FUNCTIONS[name], GENERAL.T, B.T),
                               rtol=1e-8, atol=1e-10)


def test_second_frechet_derivative_nests_the_block_identity():
    d = md.derivative("tr(B*expm(X))", wrt="X", vars={"X": (N, N), "B": (N, N)}, order=2)
    hessian = d.evaluate(X=GENERAL, B=B)
    assert hessian.shape == (N, N, N, N)
    h = 1e-6
    E = RNG.standard_normal((N, N))
    grad = md.derivative("tr(B*expm(X))", wrt="X", vars={"X": (N, N), "B": (N, N)})
    fd = (grad.evaluate(X=GENERAL + h * E, B=B) - grad.evaluate(X=GENERAL - h * E, B=B)) / (2 * h)
    np.testing.assert_allclose(np.einsum("ijkl,kl->ij", hessian, E), fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_dtype_in_is_the_dtype_out(dtype):
    f = md.derivative("tr(B*expm(X))", wrt="X", vars={"X": (N, N), "B": (N, N)}).compile()
    out = f(X=GENERAL.astype(dtype), B=B.astype(dtype))
    assert out.dtype == dtype
    np.testing.assert_allclose(out, _block_frechet(expm, GENERAL.T, B.T),
                               rtol=1e-4 if dtype == np.float32 else 1e-9)


def test_the_strict_array_api_evaluates_symmetric_points_and_names_what_it_lacks():
    symmetric = md.derivative("tr(B*logm(S))", wrt="S", vars={"S": "spd", "B": (N, N)})
    out = symmetric.compile()(S=strict.asarray(SPD), B=strict.asarray(B))
    adjoint = _block_frechet(logm, SPD, B.T)
    np.testing.assert_allclose(np.asarray(out), (adjoint + adjoint.T) / 2, rtol=1e-8)
    general = md.derivative("tr(B*expm(X))", wrt="X", vars={"X": (N, N), "B": (N, N)})
    with pytest.raises(NotImplementedError, match="array_api_strict has no matrix function expm"):
        general.compile()(X=strict.asarray(GENERAL), B=strict.asarray(B))


@pytest.mark.parametrize("name", ["logm", "sqrtm"])
def test_a_point_without_a_real_principal_branch_is_a_domain_error(name):
    e = md.parse(f"{name}(X)", {"X": (N, N)})
    with pytest.raises(md.DomainError, match=f"{name}: the matrix has an eigenvalue on the "
                                             "closed negative real axis"):
        e.evaluate(X=-np.eye(N))
