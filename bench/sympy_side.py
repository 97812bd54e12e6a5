"""The benchmark's problems in SymPy 1.14, as a SymPy user would write them.

Variables are ``MatrixSymbol`` objects over integer dimension symbols; a derivative is
``expr.diff(V)`` followed by ``.doit()``; the timed unit (see ``setup``) also builds the
expression and prints the result with ``str``, the same unit as matdiff's
``str(md.derivative(...))``.  Squared norms are ``Trace(R.T*R)`` (``(r.T*r)`` for vectors),
the log-determinant is ``log(Determinant(X))``, and the logistic loss applies
``Lambda(t, log(1 + exp(t)))`` element-wise with ``ElementwiseApplyFunction`` and sums with
``OneMatrix`` (composing ``applyfunc(exp)`` and ``applyfunc(log)`` makes ``diff`` raise).
A sum of traces is written ``Trace(MatAdd(...))``: SymPy 1.14 differentiates
``Trace(A*X) + Trace(B*X)`` by ``X`` to 0.
A cold repetition calls ``sympy.core.cache.clear_cache()`` first (see ``reset``).
"""

from __future__ import annotations

from typing import Callable

from sympy import (Determinant, Dummy, Inverse, Lambda, MatAdd, MatMul, MatrixSymbol,
                   OneMatrix, Trace, exp, log, symbols)
from sympy.core.cache import clear_cache
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from problems import job

__all__ = ["setup", "describe", "reset", "status"]

_DIMS = dict(zip("mnkp", symbols("m n k p", integer=True, positive=True)))


def _symbols(key: str, tag: str) -> dict[str, MatrixSymbol]:
    """One MatrixSymbol per variable of the job, vectors as n×1 columns."""
    out = {}
    for name, dims in job(key).shapes.items():
        rows = _DIMS[dims[0]]
        cols = _DIMS[dims[1]] if len(dims) == 2 else 1
        out[name] = MatrixSymbol(name + tag, rows, cols)
    return out


def _sq(r):
    return Trace(r.T * r)


def _logistic(v):
    X, w = v["X"], v["w"]
    t = Dummy("t")
    softplus = ElementwiseApplyFunction(Lambda(t, log(1 + exp(t))), X * w)
    return OneMatrix(1, X.shape[0]) * softplus


def _seed(key: str, v: dict):
    """(expression, wrt) for a seed problem."""
    if key in ("lsq_W", "lsq_D"):
        return _sq(v["D"] * v["W"] - v["X"]) / 2, v[key[-1]]
    table = {
        "xat": lambda: (_sq(v["X"] * v["A"].T) / 2, v["X"]),
        "trab": lambda: (Trace(v["A"] * v["B"]), v["A"]),
        "ab_jac": lambda: (v["A"] * v["B"], v["A"]),
        "quad_hess": lambda: (v["x"].T * v["A"] * v["x"], v["x"]),
        "det": lambda: (Determinant(v["X"]), v["X"]),
        "logdet": lambda: (log(Determinant(v["X"])), v["X"]),
        "trinv": lambda: (Trace(Inverse(v["X"]) * v["A"]), v["X"]),
        "logreg_grad": lambda: (_logistic(v), v["w"]),
        "logreg_hess": lambda: (_logistic(v), v["w"]),
    }
    return table[key]()


def _scaling(key: str, v: dict):
    family, _, size = key.partition(":")
    n = int(size)
    if family == "chain":
        factors = [f for i in range(1, n + 1) for f in (v["X"], v[f"A{i}"])]
        return Trace(MatMul(*factors)), v["X"]
    if family == "sumtr":
        return Trace(MatAdd(*(v[f"A{i}"] * v["X"] for i in range(n)))), v["X"]
    residuals = (v[f"A{i}"] * v["x"] - v[f"b{i}"] for i in range(n))
    return MatAdd(*(r.T * r for r in residuals)), v["x"]


def setup(key: str, tag: str) -> Callable[[], str]:
    """The timed call: build the expression, differentiate it (``order`` times), print it."""
    return lambda: _derive(key, tag)


def _derive(key: str, tag: str) -> str:
    v = _symbols(key, tag)
    expr, wrt = _seed(key, v) if ":" not in key else _scaling(key, v)
    result = expr
    for _ in range(job(key).order):
        result = result.diff(wrt).doit()
    return str(result)


def describe(text: str) -> str:
    """The printed result (printing is part of SymPy's timed unit)."""
    return text


def reset() -> None:
    """Forget SymPy's global cache, so a repetition cannot reuse an earlier one's work."""
    clear_cache()


def status(text: str) -> str:
    """``ok``, or why the printed result is not a derivative (every answer here is nonzero)."""
    if "Derivative(" in text:
        return "unevaluated"
    if text.strip() == "0":
        return "wrong (0)"
    return "ok"
