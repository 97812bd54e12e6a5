"""The benchmark's problems in tensorgrad, as its own tests write matrix calculus.

A tensor's axes are named edges whose sizes are SymPy symbols, and ``@`` contracts the edges
two tensors share, so a matrix product renames edges to meet: ``tr(A*B)`` is
``A @ B.rename(i="j", j="i")``.  The timed unit (see ``setup``) builds the ``Variable``
objects and the expression, then ``expr.grad(V).full_simplify()`` (``grad`` twice for a
Hessian).  Long sums are one ``Sum(terms)``: folding them with ``+`` nests a ``Sum`` per
term, and 300 terms then exceed Python's recursion limit.

The unit does not print: tensorgrad's evaluator fails on the installed torch, and its
printers are not what its users time, so tensorgrad is spared the printing that matdiff and
SymPy pay for.  Every repetition builds new objects, and tensorgrad's caches live on its
objects (apart from a small one for edge sizes), so no repetition reuses an earlier one.
"""

from __future__ import annotations

from typing import Callable

import tensorgrad.functions as F
from sympy import symbols
from tensorgrad import Sum, Tensor, Variable

from problems import job

__all__ = ["setup", "describe", "reset", "status"]

_SIZES = dict(zip("mnkp", symbols("m n k p")))
_EDGES = ("i", "j")


def _variables(key: str, tag: str) -> dict[str, Variable]:
    """One Variable per matdiff variable: axis 0 is edge ``i``, axis 1 edge ``j``."""
    return {name: Variable(name + tag, **{e: _SIZES[d] for e, d in zip(_EDGES, dims)})
            for name, dims in job(key).shapes.items()}


def _product(a, b):
    """The matrix product: ``a``'s ``j`` meets ``b``'s ``i`` on a fresh edge ``c``."""
    inner_b = b.rename(i="c", j="j") if "j" in b.edges else b.rename(i="c")
    return a.rename(j="c") @ inner_b


def _transpose(a):
    return a.rename(i="j", j="i")


def _seed(key: str, v: dict):
    """(expression, wrt) for a seed problem."""
    if key in ("lsq_W", "lsq_D"):
        return F.frobenius2(_product(v["D"], v["W"]) - v["X"]) / 2, v[key[-1]]
    table = {
        "xat": lambda: (F.frobenius2(_product(v["X"], _transpose(v["A"]))) / 2, v["X"]),
        "trab": lambda: (v["A"] @ _transpose(v["B"]), v["A"]),
        "ab_jac": lambda: (_product(v["A"], v["B"]), v["A"]),
        "quad_hess": lambda: (v["x"] @ v["A"] @ v["x"].rename(i="j"), v["x"]),
        "det": lambda: (F.det(v["X"]), v["X"]),
        "logdet": lambda: (F.log(F.det(v["X"])), v["X"]),
        "trinv": lambda: (F.inverse(v["X"]) @ _transpose(v["A"]), v["X"]),
        "logreg_grad": lambda: (F.sum(F.log(1 + F.exp(_product(v["X"], v["w"])))), v["w"]),
        "logreg_hess": lambda: (F.sum(F.log(1 + F.exp(_product(v["X"], v["w"])))), v["w"]),
    }
    return table[key]()


def _cycle(factors: list) -> object:
    """The trace of a product of square matrices: edge ``e_t`` joins factor t-1 to factor t."""
    count = len(factors)
    renamed = [f.rename(i=f"e{t}", j=f"e{(t + 1) % count}") for t, f in enumerate(factors)]
    out = renamed[0]
    for f in renamed[1:]:
        out = out @ f
    return out


def _scaling(key: str, v: dict):
    family, _, size = key.partition(":")
    n = int(size)
    if family == "chain":
        return _cycle([f for i in range(1, n + 1) for f in (v["X"], v[f"A{i}"])]), v["X"]
    if family == "sumtr":
        return Sum([v[f"A{i}"] @ _transpose(v["X"]) for i in range(n)]), v["X"]
    terms = [F.frobenius2(_product(v[f"A{i}"], v["x"]) - v[f"b{i}"]) for i in range(n)]
    return Sum(terms), v["x"]


def setup(key: str, tag: str) -> Callable[[], Tensor]:
    """The timed call: build the job's expression, simplify its derivative (``order`` times)."""
    return lambda: _derive(key, tag)


def _derive(key: str, tag: str) -> Tensor:
    v = _variables(key, tag)
    expr, wrt = _seed(key, v) if ":" not in key else _scaling(key, v)
    result = expr
    for _ in range(job(key).order):
        result = result.grad(wrt).full_simplify()
    return result


def describe(result) -> str:
    """The result as text, outside the timed unit."""
    return " ".join(repr(result).split())


def reset() -> None:
    """Nothing to forget: tensorgrad memoises within one call only."""


def status(text: str) -> str:
    return "unevaluated" if "Derivative(" in text else "ok"
