"""Generated code for the matrix functions and their Fréchet derivatives.

:data:`MATRIX_HELPERS` is the source of two functions that a generated module defines when it
needs them, so the module stays self-contained:

- ``_matfunc(xp, name, symmetric, a)``: ``expm``/``logm``/``sqrtm`` of ``a``.  A matrix that is
  symmetric by construction goes through the array API's ``eigh`` (any backend); otherwise
  the backend's own function: SciPy for NumPy, ``jax.scipy.linalg`` for JAX (no ``logm``
  there), ``torch.linalg.matrix_exp`` for PyTorch (``expm`` only), ``cupyx.scipy.linalg``
  for CuPy.  A backend without the function raises an error that names it.
- ``_frechet(xp, name, symmetric, x, *directions)``: the Fréchet derivative.  At a
  symmetric point, the Daleckii–Krein form ``U*(F.*(U'*E*U))*U'`` with ``x = U*diag(λ)*U'``
  and ``F`` the divided differences of ``f`` at the eigenvalues; for ``expm`` the library's
  ``expm_frechet`` where it has one; otherwise the block-triangular identity
  ``f([[X, E], [0, X]]) = [[f(X), L_f(X, E)], [0, f(X)]]``, nested once per direction for the
  higher derivatives.  A direction with trailing axes gives one derivative per index.

A real matrix whose principal logarithm or square root is not real (an eigenvalue on the
closed negative real axis) raises ``ValueError`` rather than returning complex numbers.
"""

from __future__ import annotations

__all__ = ["MATRIX_HELPERS"]

_MATFUNC = '''def _library(xp):
    """The library behind an array namespace: numpy, jax, torch, cupy, dask or its name."""
    name = xp.__name__
    for library in ("jax", "torch", "cupy", "dask", "numpy"):
        if name == library or name.startswith(library + ".") or name.endswith("." + library):
            return library
    return "dask" if name.endswith(".dask.array") else name


def _library_matfunc(xp, name):
    library = _library(xp)
    if library == "numpy":
        import numpy
        import scipy.linalg

        def call(a):
            out = getattr(scipy.linalg, name)(numpy.asarray(a, dtype=numpy.float64))
            if numpy.iscomplexobj(out):
                if numpy.abs(out.imag).max() > 1e-8 * (1 + numpy.abs(out.real).max()):
                    raise ValueError(f"{name}: the matrix has an eigenvalue on the closed "
                                     "negative real axis, so the result is not real")
                out = out.real
            return xp.asarray(out, dtype=a.dtype)
        return call
    if library == "jax":
        import jax.scipy.linalg
        if name == "expm":
            return jax.scipy.linalg.expm
        if name == "sqrtm":
            return lambda a: xp.real(jax.scipy.linalg.sqrtm(a)).astype(a.dtype)
    if library == "torch" and name == "expm":
        import torch
        return torch.linalg.matrix_exp
    if library == "cupy" and name == "expm":
        import cupyx.scipy.linalg
        return cupyx.scipy.linalg.expm
    label = {"jax": "JAX", "torch": "PyTorch", "cupy": "CuPy", "dask": "Dask"}.get(library, library)
    raise NotImplementedError(f"{label} has no matrix function {name} for a matrix that "
                              "is not symmetric: evaluate with NumPy arrays (SciPy)")


def _scalar_function(xp, name, w):
    """f and f' at the eigenvalues."""
    if name == "expm":
        e = xp.exp(w)
        return e, e
    if name == "logm":
        return xp.log(w), 1 / w
    r = xp.sqrt(w)
    return r, 0.5 / r


def _matfunc(xp, name, symmetric, a):
    if symmetric:
        w, u = xp.linalg.eigh(a)
        fw, _ = _scalar_function(xp, name, w)
        return (u * fw[None, :]) @ u.T
    return _library_matfunc(xp, name)(a)'''

_FRECHET = '''def _block_diagonal(xp, blocks, e):
    n = e.shape[0]
    eye = xp.eye(blocks, dtype=e.dtype)
    return xp.reshape(eye[:, None, :, None] * e[None, :, None, :], (blocks * n, blocks * n))


def _frechet(xp, name, symmetric, x, *directions):
    n = x.shape[0]
    batched = [k for k, e in enumerate(directions) if e.ndim > 2]
    if batched:
        k = batched[0]
        batch = tuple(directions[k].shape[2:])
        flat = xp.reshape(directions[k], (n, n, -1))
        outs = [_frechet(xp, name, symmetric, x, *directions[:k], flat[:, :, b],
                         *directions[k + 1:]) for b in range(flat.shape[2])]
        out = xp.stack(outs, axis=2)
        return xp.reshape(out, (n, n) + batch + tuple(out.shape[3:]))
    last = directions[-1]
    if symmetric and len(directions) == 1:
        w, u = xp.linalg.eigh(x)
        fw, dw = _scalar_function(xp, name, w)
        gap = w[:, None] - w[None, :]
        close = xp.abs(gap) <= 1e-9 * (1 + xp.max(xp.abs(w)))
        quotient = (fw[:, None] - fw[None, :]) / xp.where(close, xp.ones_like(gap), gap)
        divided = xp.where(close, (dw[:, None] + dw[None, :]) / 2, quotient)
        return u @ (divided * (u.T @ last @ u)) @ u.T
    if name == "expm" and len(directions) == 1:
        if _library(xp) == "numpy":
            import scipy.linalg
            return xp.asarray(scipy.linalg.expm_frechet(x, last, compute_expm=False),
                              dtype=x.dtype)
        if _library(xp) == "jax":
            import jax.scipy.linalg
            return jax.scipy.linalg.expm_frechet(x, last, compute_expm=False)
    concat = getattr(xp, "concat", None) or xp.concatenate
    b = x
    for e in directions:
        m = b.shape[0]
        zero = xp.zeros((m, m), dtype=b.dtype)
        top = concat([b, _block_diagonal(xp, m // n, e)], axis=1)
        b = concat([top, concat([zero, b], axis=1)], axis=0)
    return _matfunc(xp, name, False, b)[:n, -n:]'''

MATRIX_HELPERS = {"_matfunc": _MATFUNC, "_frechet": _FRECHET}
"""The helpers' source by name (``_frechet`` calls ``_matfunc``)."""
