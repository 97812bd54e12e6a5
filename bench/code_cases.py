"""The problems of the generated-code benchmark, each written once per tool.

Every case gives matdiff's input (text, variable, shapes, order), seeded float64 arrays at
its sizes (``full`` as issue 15 states them, ``quick`` for a smoke run), the function in JAX
and in PyTorch (a scalar function of the variable, the other arrays fixed), and the
derivative written by hand in NumPy the way a careful person would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

__all__ = ["Case", "CASES", "chain_text", "K"]

K = 20  # factors X of the trace chain


@dataclass(frozen=True)
class Case:
    key: str
    title: str
    text: str
    wrt: str
    shapes: dict
    order: int
    full: dict
    quick: dict
    hand: Callable  # (np, arrays) -> derivative
    jax_f: Callable  # (jnp, arrays) -> f(variable)
    torch_f: Callable  # (torch, arrays) -> f(variable)

    def arrays(self, sizes: dict, rng: np.random.Generator) -> dict:
        out = {}
        for name, dims in self.shapes.items():
            shape = tuple(sizes[d] for d in dims)
            out[name] = rng.standard_normal(shape) / np.sqrt(max(shape[-1:] or (1,)))
        if self.key == "gauss":
            n = sizes["n"]
            a = rng.standard_normal((n, 2 * n))
            out["S"] = a @ a.T / (2 * n) + np.eye(n)
            b = rng.standard_normal((n, 2 * n))
            out["C"] = b @ b.T / (2 * n)
        if self.key == "logreg" or self.key == "logreg_h":
            out["y"] = (rng.uniform(size=sizes["m"]) < 0.5).astype(float)
        if self.key == "chain":
            n = sizes["n"]
            for name in out:
                out[name] = np.eye(n) + rng.standard_normal((n, n)) / (4 * np.sqrt(n))
        return out


def _sigmoid(np_, z):
    return 1 / (1 + np_.exp(-z))


def _logreg_grad(np_, a):
    X, w, y = a["X"], a["w"], a["y"]
    return X.T @ (_sigmoid(np_, X @ w) - y)


def _logreg_hess(np_, a):
    X, w = a["X"], a["w"]
    s = _sigmoid(np_, X @ w)
    c = s * (1 - s)
    return X.T @ (c[:, None] * X)


def _mlp(np_, a, batched):
    x, y = (a["X"], a["Y"]) if batched else (a["x"], a["y"])
    W1, W2, W3 = a["W1"], a["W2"], a["W3"]
    h1 = np_.tanh(W1 @ x)
    h2 = np_.tanh(W2 @ h1)
    r = W3 @ h2 - y
    g2 = (W3.T @ r) * (1 - h2 ** 2)
    g1 = (W2.T @ g2) * (1 - h1 ** 2)
    return g1 @ x.T if batched else np_.outer(g1, x)


def _gauss(np_, a):
    Si = np_.linalg.inv(a["S"])
    return 0.5 * (Si @ a["C"] @ Si - Si)


def _chain(np_, a):
    """Prefix and suffix products: about 3K matrix products."""
    X = a["X"]
    B = [X @ a[f"A{k}"] for k in range(1, K + 1)]
    prefix = [None] * (K + 1)  # prefix[k] = B1...Bk
    prefix[1] = B[0]
    for k in range(2, K + 1):
        prefix[k] = prefix[k - 1] @ B[k - 1]
    suffix = [None] * (K + 2)  # suffix[k] = Bk...BK
    suffix[K] = B[K - 1]
    for k in range(K - 1, 0, -1):
        suffix[k] = B[k - 1] @ suffix[k + 1]
    total = a[f"A{K}"] @ prefix[K - 1]
    total = total + a["A1"] @ suffix[2]
    for k in range(2, K):
        total = total + a[f"A{k}"] @ suffix[k + 1] @ prefix[k - 1]
    return total.T


def chain_text(k: int) -> str:
    return "tr(" + "*".join(f"X*A{i}" for i in range(1, k + 1)) + ")"


def _chain_f(lib, a):
    As = [a[f"A{k}"] for k in range(1, K + 1)]

    def f(X):
        M = X @ As[0]
        for A in As[1:]:
            M = M @ X @ A
        return lib.trace(M)
    return f


def _jax_logreg(jnp, a):
    X, y = a["X"], a["y"]
    return lambda w: jnp.sum(jnp.logaddexp(0.0, X @ w)) - y @ (X @ w)


def _torch_logreg(torch, a):
    X, y = a["X"], a["y"]
    return lambda w: torch.nn.functional.softplus(X @ w).sum() - y @ (X @ w)


def _mlp_f(lib, a, batched):
    x, y = (a["X"], a["Y"]) if batched else (a["x"], a["y"])
    W2, W3 = a["W2"], a["W3"]

    def f(W1):
        r = W3 @ lib.tanh(W2 @ lib.tanh(W1 @ x)) - y
        return 0.5 * lib.sum(r * r)
    return f


def _gauss_jax(jnp, a):
    C = a["C"]
    return lambda S: -0.5 * jnp.linalg.slogdet(S)[1] - 0.5 * jnp.trace(jnp.linalg.inv(S) @ C)


def _gauss_torch(torch, a):
    C = a["C"]
    return lambda S: -0.5 * torch.linalg.slogdet(S)[1] - 0.5 * torch.trace(
        torch.linalg.inv(S) @ C)


_LOGREG = "sum(log(1 + exp(X*w))) - y'*X*w"
_LOGREG_SHAPES = {"X": ("m", "n"), "w": ("n",), "y": ("m",)}
_MLP = {"W1": ("h", "d"), "W2": ("h", "h"), "W3": ("o", "h")}

CASES = (
    Case("logreg", "logistic regression, gradient by w (X 5000×2000)", _LOGREG, "w",
         _LOGREG_SHAPES, 1, {"m": 5000, "n": 2000}, {"m": 500, "n": 200},
         _logreg_grad, _jax_logreg, _torch_logreg),
    Case("logreg_h", "logistic regression, Hessian by w (X 5000×2000)", _LOGREG, "w",
         _LOGREG_SHAPES, 2, {"m": 5000, "n": 2000}, {"m": 500, "n": 200},
         _logreg_hess, _jax_logreg, _torch_logreg),
    Case("lsq", "least squares 0.5‖A·X − B‖², gradient by X (500×500)",
         "0.5*norm2(A*X - B)^2", "X", {"A": ("n", "n"), "X": ("n", "n"), "B": ("n", "n")}, 1,
         {"n": 500}, {"n": 100}, lambda np_, a: a["A"].T @ (a["A"] @ a["X"] - a["B"]),
         lambda jnp, a: lambda X: 0.5 * jnp.sum((a["A"] @ X - a["B"]) ** 2),
         lambda torch, a: lambda X: 0.5 * torch.sum((a["A"] @ X - a["B"]) ** 2)),
    Case("mlp", "3-layer MLP, one vector, gradient by W1 (784→512→512→10)",
         "0.5*norm2(W3*tanh(W2*tanh(W1*x)) - y)^2", "W1",
         {**_MLP, "x": ("d",), "y": ("o",)}, 1, {"d": 784, "h": 512, "o": 10},
         {"d": 78, "h": 51, "o": 10}, lambda np_, a: _mlp(np_, a, False),
         lambda jnp, a: _mlp_f(jnp, a, False), lambda torch, a: _mlp_f(torch, a, False)),
    Case("mlp_b", "3-layer MLP, batch of 256, gradient by W1 (784→512→512→10)",
         "0.5*norm2(W3*tanh(W2*tanh(W1*X)) - Y)^2", "W1",
         {**_MLP, "X": ("d", "b"), "Y": ("o", "b")}, 1, {"d": 784, "h": 512, "o": 10, "b": 256},
         {"d": 78, "h": 51, "o": 10, "b": 26}, lambda np_, a: _mlp(np_, a, True),
         lambda jnp, a: _mlp_f(jnp, a, True), lambda torch, a: _mlp_f(torch, a, True)),
    Case("gauss", "Gaussian log-likelihood, gradient by S (500×500)",
         "-0.5*logdet(S) - 0.5*tr(inv(S)*C)", "S",
         {"S": ("n", "n"), "C": ("n", "n")}, 1, {"n": 500}, {"n": 60}, _gauss,
         _gauss_jax, _gauss_torch),
    Case("quad", "x'·A·x, Hessian by x (n = 2000)", "x'*A*x", "x",
         {"A": ("n", "n"), "x": ("n",)}, 2, {"n": 2000}, {"n": 200},
         lambda np_, a: a["A"] + a["A"].T,
         lambda jnp, a: lambda x: x @ a["A"] @ x, lambda torch, a: lambda x: x @ a["A"] @ x),
    Case("chain", f"tr(X·A1·X·A2·…·X·A{K}), gradient by X (200×200)", chain_text(K), "X",
         {"X": ("n", "n"), **{f"A{k}": ("n", "n") for k in range(1, K + 1)}}, 1,
         {"n": 200}, {"n": 30}, _chain, lambda jnp, a: _chain_f(jnp, a),
         lambda torch, a: _chain_f(torch, a)),
)
