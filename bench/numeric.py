"""Evaluation speed, in a fresh process: the numeric derivative of each seed problem.

``numeric.py --tool {matdiff,matdiff-jax,jax,torch} --out DIR``

This is not derivation speed.  JAX and PyTorch differentiate numerically (automatic
differentiation at given arrays); matdiff evaluates the formula it derived.  Each tool
computes the same derivative (``jax.jacobian`` layout) of the same float64 arrays:
  matdiff      ``md.derivative(...).compile()`` called on NumPy arrays;
  matdiff-jax  that same compiled function under ``jax.jit``, on JAX arrays;
  jax          ``jax.jit`` of ``jax.grad`` (``jax.jacrev`` for the Jacobian, ``jax.hessian``);
  torch        ``torch.autograd.grad`` after the forward pass (``torch.autograd.functional``
               ``jacobian``/``hessian`` with ``vectorize=True``), forward pass included.
JIT compilation happens in an untimed warm-up call.  The parent runs this with one thread for
BLAS, XLA and torch.  Each result is saved to DIR as ``TOOL-KEY.npy``, so that the parent can
check that the tools agree.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import numpy as np

from problems import LOSSES, SEEDS, numeric_dims
from timing import emit, repeat

__all__ = ["arrays", "main"]

_WELL_CONDITIONED = ("det", "logdet", "trinv")


def arrays(key: str) -> dict[str, np.ndarray]:
    """Seeded float64 inputs; matrices to invert are close to the identity."""
    rng = np.random.default_rng(sorted(SEEDS).index(key))
    sizes = numeric_dims(key)
    out = {}
    for name, dims in SEEDS[key].shapes.items():
        a = rng.standard_normal(tuple(sizes[d] for d in dims))
        if key in _WELL_CONDITIONED and name == "X":
            n = a.shape[0]
            a = np.eye(n) + a / (4 * np.sqrt(n))
        out[name] = a
    return out


def _matdiff(key: str, values: dict, use_jax: bool):
    import matdiff as md

    job = SEEDS[key]
    f = md.derivative(job.text, wrt=job.wrt, vars=job.shapes, order=job.order).compile()
    if not use_jax:
        return lambda: f(**values)
    import jax

    names = list(values)
    jitted = jax.jit(lambda *vals: f(**dict(zip(names, vals))))
    inputs = [jax.numpy.asarray(v) for v in values.values()]
    return lambda: jitted(*inputs).block_until_ready()


def _jax(key: str, values: dict):
    import jax
    import jax.numpy as jnp

    job, names = SEEDS[key], list(values)
    loss = LOSSES[key]

    def f(*vals):
        return loss(jnp, **dict(zip(names, vals)))

    argnum = names.index(job.wrt)
    if job.order == 2:
        d = jax.hessian(f, argnums=argnum)
    elif key == "ab_jac":
        d = jax.jacrev(f, argnums=argnum)
    else:
        d = jax.grad(f, argnums=argnum)
    jitted = jax.jit(d)
    inputs = [jnp.asarray(v) for v in values.values()]
    return lambda: jitted(*inputs).block_until_ready()


def _torch(key: str, values: dict):
    import torch

    torch.set_num_threads(1)
    job = SEEDS[key]
    loss = LOSSES[key]
    tensors = {k: torch.tensor(v, dtype=torch.float64) for k, v in values.items()}

    def f(v):
        return loss(torch, **{**tensors, job.wrt: v})

    x = tensors[job.wrt]
    if job.order == 2:
        return lambda: torch.autograd.functional.hessian(f, x, vectorize=True)
    if key == "ab_jac":
        return lambda: torch.autograd.functional.jacobian(f, x, vectorize=True)
    leaf = x.clone().requires_grad_(True)
    return lambda: torch.autograd.grad(f(leaf), leaf)[0]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tool", required=True, choices=("matdiff", "matdiff-jax", "jax", "torch"))
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--budget", type=float, default=1.0)
    a = p.parse_args()
    if a.tool in ("jax", "matdiff-jax"):
        import jax

        jax.config.update("jax_enable_x64", True)
    for key in SEEDS:
        emit(key=key)
        values = arrays(key)
        try:
            if a.tool == "torch":
                call = _torch(key, values)
            elif a.tool == "jax":
                call = _jax(key, values)
            else:
                call = _matdiff(key, values, use_jax=a.tool == "matdiff-jax")
            result = call()
            repeat(lambda tag: call, itertools.repeat(""), a.budget, 5, 1000, 60.0)
        except Exception as e:  # a tool that cannot do a problem is a result to report
            emit(error=f"{type(e).__name__}: {e}"[:300])
            continue
        np.save(a.out / f"{a.tool}-{key}.npy", np.asarray(result, dtype=float))


if __name__ == "__main__":
    main()
