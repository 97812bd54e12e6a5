"""The benchmark's problems, stated once and shared by every tool.

A *job* is one problem at one size, named by a key: a seed question (``lsq_W``) or a point of
a scaling family (``chain:20``, ``sumtr:300``).  For matdiff a job is an input string, the
variable to differentiate by, the declared shapes and the order; the SymPy and tensorgrad
modules build the same mathematics under the same keys.  ``tag`` renames every variable
(``D`` becomes ``Dr3``): distinct tags share no interned node, so a repetition with a fresh
tag cannot reuse an earlier repetition's work.

The numeric side (evaluation speed) states each seed problem as a function of arrays written
against an array namespace ``xp`` (``jax.numpy`` or ``torch``), with concrete sizes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "Job", "SEEDS", "SEED_TITLES", "FAMILIES", "FAMILY_TITLES", "job", "scaling_keys",
    "NUMERIC_DIMS", "numeric_dims", "LOSSES",
]


@dataclass(frozen=True)
class Job:
    """One matdiff question: ``order``-th derivative of ``text`` by ``wrt``."""

    key: str
    text: str
    wrt: str
    shapes: dict[str, tuple[str, ...]]
    order: int = 1

    def tagged(self, tag: str) -> tuple[str, str, dict[str, tuple[str, ...]]]:
        """Text, wrt and shapes with every variable renamed by ``tag``."""
        if not tag:
            return self.text, self.wrt, self.shapes
        names = sorted(self.shapes, key=len, reverse=True)
        pattern = re.compile(r"\b(" + "|".join(names) + r")\b")
        text = pattern.sub(lambda m: m.group(1) + tag, self.text)
        shapes = {name + tag: dims for name, dims in self.shapes.items()}
        return text, self.wrt + tag, shapes


_LSQ = {"D": ("m", "k"), "W": ("k", "n"), "X": ("m", "n")}
_LOGREG = {"X": ("m", "n"), "w": ("n",)}
_SQUARE = {"X": ("n", "n"), "A": ("n", "n")}

SEEDS: dict[str, Job] = {j.key: j for j in (
    Job("lsq_W", "0.5*norm2(D*W - X)^2", "W", _LSQ),
    Job("lsq_D", "0.5*norm2(D*W - X)^2", "D", _LSQ),
    Job("xat", "0.5*norm2(X*A')^2", "X", {"X": ("m", "n"), "A": ("k", "n")}),
    Job("trab", "tr(A*B)", "A", {"A": ("m", "n"), "B": ("n", "m")}),
    Job("ab_jac", "A*B", "A", {"A": ("m", "n"), "B": ("n", "p")}),
    Job("quad_hess", "x'*A*x", "x", {"x": ("n",), "A": ("n", "n")}, order=2),
    Job("det", "det(X)", "X", {"X": ("n", "n")}),
    Job("logdet", "logdet(X)", "X", {"X": ("n", "n")}),
    Job("trinv", "tr(inv(X)*A)", "X", _SQUARE),
    Job("logreg_grad", "sum(log(1 + exp(X*w)))", "w", _LOGREG),
    Job("logreg_hess", "sum(log(1 + exp(X*w)))", "w", _LOGREG, order=2),
)}

SEED_TITLES = {
    "lsq_W": "∇_W 0.5‖DW − X‖²", "lsq_D": "∇_D 0.5‖DW − X‖²", "xat": "∇_X 0.5‖XAᵀ‖²",
    "trab": "∇_A tr(AB)", "ab_jac": "∂(AB)/∂A (4th order)", "quad_hess": "Hessian of xᵀAx",
    "det": "∇_X det X", "logdet": "∇_X logdet X", "trinv": "∇_X tr(X⁻¹A)",
    "logreg_grad": "∇_w Σ log(1 + e^{Xw})", "logreg_hess": "Hessian of Σ log(1 + e^{Xw})",
}


def _chain(k: int) -> Job:
    """tr(X*A1*X*A2*...*X*Ak): k copies of X."""
    factors = "*".join(f"X*A{i}" for i in range(1, k + 1))
    shapes = {"X": ("n", "n"), **{f"A{i}": ("n", "n") for i in range(1, k + 1)}}
    return Job(f"chain:{k}", f"tr({factors})", "X", shapes)


def _sum_trace(count: int) -> Job:
    text = " + ".join(f"tr(A{i}*X)" for i in range(count))
    shapes = {"X": ("m", "n"), **{f"A{i}": ("n", "m") for i in range(count)}}
    return Job(f"sumtr:{count}", text, "X", shapes)


def _sum_lsq(count: int) -> Job:
    text = " + ".join(f"norm2(A{i}*x - b{i})^2" for i in range(count))
    shapes = {"x": ("n",)}
    for i in range(count):
        shapes[f"A{i}"], shapes[f"b{i}"] = ("m", "n"), ("m",)
    return Job(f"sumlsq:{count}", text, "x", shapes)


FAMILIES = {"chain": (_chain, (5, 10, 20, 40)),
            "sumtr": (_sum_trace, (10, 30, 100, 300, 1000)),
            "sumlsq": (_sum_lsq, (10, 30, 100, 300, 1000))}
FAMILY_TITLES = {"chain": "tr(X·A1·X·A2·…·X·Ak) by X, k =",
                 "sumtr": "Σ_k tr(A_k·X) by X, terms =",
                 "sumlsq": "Σ_k ‖A_k·x − b_k‖² by x, terms ="}


def job(key: str) -> Job:
    """The job named ``key``: a seed key or ``family:size``."""
    if key in SEEDS:
        return SEEDS[key]
    family, _, size = key.partition(":")
    return FAMILIES[family][0](int(size))


def scaling_keys(family: str) -> list[str]:
    return [f"{family}:{size}" for size in FAMILIES[family][1]]


# --- numeric evaluation ----------------------------------------------------------------------

NUMERIC_DIMS = {"m": 200, "n": 100, "k": 50, "p": 100}
_SMALL = {"m": 20, "n": 20, "p": 20}  # the 4th-order Jacobian has m·n·n·p entries


def numeric_dims(key: str) -> dict[str, int]:
    return _SMALL if key == "ab_jac" else NUMERIC_DIMS


def _lsq(xp, D, W, X):
    return 0.5 * xp.sum((D @ W - X) ** 2)


def _logreg(xp, X, w):
    return xp.sum(xp.log(1 + xp.exp(X @ w)))


LOSSES = {
    "lsq_W": _lsq,
    "lsq_D": _lsq,
    "xat": lambda xp, X, A: 0.5 * xp.sum((X @ A.T) ** 2),
    "trab": lambda xp, A, B: xp.trace(A @ B),
    "ab_jac": lambda xp, A, B: A @ B,
    "quad_hess": lambda xp, x, A: x @ A @ x,
    "det": lambda xp, X: xp.linalg.det(X),
    "logdet": lambda xp, X: xp.linalg.slogdet(X)[1],
    "trinv": lambda xp, X, A: xp.trace(xp.linalg.inv(X) @ A),
    "logreg_grad": _logreg,
    "logreg_hess": _logreg,
}
