"""The Matrix Cookbook as tests: each identity, differentiated by matdiff, checked two ways.

Sections follow the book (K. B. Petersen, M. S. Pedersen, *The Matrix Cookbook*, 2012;
equation numbers in the names where the book has one), then a few sections it does not have
(element-wise functions, softmax, symmetric variables, layouts, higher orders, matrix
functions).  Every
:class:`Identity` holds the expression, the variable, the declared shapes (all dimensions
different: n=3, m=4, p=5, k=2 from :data:`numeric.SIZES`), the textbook answer as text in
matdiff's ASCII language (``None`` for a tensor with no matrix form) and as a NumPy function,
and the expression itself as a NumPy function.

For each identity: the textbook NumPy answer agrees with central finite differences of the
expression (a check of this table, independent of matdiff); ``d.evaluate`` agrees with the
textbook answer; ``d.evaluate`` agrees with finite differences; ``d.shape`` names the shape of
what ``evaluate`` returns.  ``IDENTITIES`` is machine-readable so other tests can compare
matdiff's printed answer with ``answer_text``.

Conventions (SPEC §2, §4): numerator layout ``S_out + S_in`` unless ``layout`` says
denominator (``S_in + S_out``); the gradient by a symmetric variable is ``(G + G')/2``.
"""

from __future__ import annotations

import inspect
import zlib
from typing import Callable, NamedTuple

import numpy as np
import pytest
from scipy.linalg import expm, logm, sqrtm

import matdiff as md
import numeric as nu

inv, det, eye = np.linalg.inv, np.linalg.det, np.eye
N, M, P, K = (nu.SIZES[d] for d in "nmpk")


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def softmax(v):
    e = np.exp(v - np.max(v))
    return e / e.sum()


def logsumexp(v):
    top = np.max(v)
    return top + np.log(np.sum(np.exp(v - top)))


def logdet(X):
    sign, value = np.linalg.slogdet(X)
    assert sign > 0, "logdet of a matrix with a non-positive determinant"
    return value


class Identity(NamedTuple):
    """One textbook derivative: ``d/d wrt`` of ``expr`` is ``answer`` (text and NumPy)."""

    section: str
    name: str
    expr: str
    wrt: str
    vars: dict  # as given to md.derivative
    answer_text: str | None  # textbook form in the ASCII language; None: a tensor
    answer_numpy: Callable  # keyword arguments named like the variables
    f_numpy: Callable  # the expression itself
    order: int = 1
    layout: str = "numerator"
    draws: dict | None = None  # name -> kind ("positive", "spd", …) or shape of a kind var


IDENTITIES: list[Identity] = []


def identity(section, name, expr, wrt, vars, answer_text, answer_numpy, f_numpy, **extra):
    IDENTITIES.append(Identity(section, name, expr, wrt, vars, answer_text, answer_numpy,
                               f_numpy, **extra))


# -- 2.5 Derivatives of traces -----------------------------------------------------------
S = "traces"
identity(S, "tr(AB) by A (2.5)", "tr(A*B)", "A", {"A": ("n", "m"), "B": ("m", "n")},
         "B'", lambda A, B: B.T, lambda A, B: np.trace(A @ B))
identity(S, "tr(AB) by B", "tr(A*B)", "B", {"A": ("n", "m"), "B": ("m", "n")},
         "A'", lambda A, B: A.T, lambda A, B: np.trace(A @ B))
identity(S, "tr(X) (100)", "tr(X)", "X", {"X": ("n", "n")},
         "eye", lambda X: eye(N), lambda X: np.trace(X))
identity(S, "tr(XA') (101)", "tr(X'*A)", "X", {"X": ("n", "m"), "A": ("n", "m")},
         "A", lambda X, A: A, lambda X, A: np.trace(X.T @ A))
identity(S, "tr(AXB) (102)", "tr(A*X*B)", "X",
         {"A": ("m", "n"), "X": ("n", "p"), "B": ("p", "m")},
         "A'*B'", lambda A, X, B: A.T @ B.T, lambda A, X, B: np.trace(A @ X @ B))
identity(S, "tr(AX'B) (103)", "tr(A*X'*B)", "X",
         {"A": ("m", "p"), "X": ("n", "p"), "B": ("n", "m")},
         "B*A", lambda A, X, B: B @ A, lambda A, X, B: np.trace(A @ X.T @ B))
identity(S, "tr(kron(A,X)) (105)", "tr(kron(A, X))", "X", {"A": ("k", "k"), "X": ("n", "n")},
         "tr(A)*eye", lambda A, X: np.trace(A) * eye(N),
         lambda A, X: np.trace(np.kron(A, X)))
identity(S, "tr(X'X)", "tr(X'*X)", "X", {"X": ("n", "m")},
         "2*X", lambda X: 2 * X, lambda X: np.trace(X.T @ X))
identity(S, "tr(X^2) (106)", "tr(X^2)", "X", {"X": ("n", "n")},
         "2*X'", lambda X: 2 * X.T, lambda X: np.trace(X @ X))
identity(S, "tr(X^2 B) (107)", "tr(X^2*B)", "X", {"X": ("n", "n"), "B": ("n", "n")},
         "(X*B + B*X)'", lambda X, B: (X @ B + B @ X).T, lambda X, B: np.trace(X @ X @ B))
identity(S, "tr(X'BX) (108)", "tr(X'*B*X)", "X", {"X": ("n", "m"), "B": ("n", "n")},
         "B*X + B'*X", lambda X, B: B @ X + B.T @ X, lambda X, B: np.trace(X.T @ B @ X))
identity(S, "tr(XBX') (110)", "tr(X*B*X')", "X", {"X": ("n", "m"), "B": ("m", "m")},
         "X*B' + X*B", lambda X, B: X @ B.T + X @ B, lambda X, B: np.trace(X @ B @ X.T))
identity(S, "tr(AXBX) (111)", "tr(A*X*B*X)", "X",
         {"A": ("n", "m"), "X": ("m", "n"), "B": ("n", "m")},
         "A'*X'*B' + B'*X'*A'", lambda A, X, B: A.T @ X.T @ B.T + B.T @ X.T @ A.T,
         lambda A, X, B: np.trace(A @ X @ B @ X))
identity(S, "tr(X^3) (112)", "tr(X^3)", "X", {"X": ("n", "n")},
         "3*(X^2)'", lambda X: 3 * (X @ X).T, lambda X: np.trace(X @ X @ X))
identity(S, "tr(AX^3) (113)", "tr(A*X^3)", "X", {"A": ("n", "n"), "X": ("n", "n")},
         "(A*X^2 + X*A*X + X^2*A)'",
         lambda A, X: (A @ X @ X + X @ A @ X + X @ X @ A).T,
         lambda A, X: np.trace(A @ X @ X @ X))
identity(S, "tr(X'BXC) (116)", "tr(X'*B*X*C)", "X",
         {"X": ("n", "m"), "B": ("n", "n"), "C": ("m", "m")},
         "B*X*C + B'*X*C'", lambda X, B, C: B @ X @ C + B.T @ X @ C.T,
         lambda X, B, C: np.trace(X.T @ B @ X @ C))
identity(S, "tr(AXBX'C) (117)", "tr(A*X*B*X'*C)", "X",
         {"A": ("p", "n"), "X": ("n", "m"), "B": ("m", "m"), "C": ("n", "p")},
         "A'*C'*X*B' + C*A*X*B",
         lambda A, X, B, C: A.T @ C.T @ X @ B.T + C @ A @ X @ B,
         lambda A, X, B, C: np.trace(A @ X @ B @ X.T @ C))
identity(S, "tr(inv(X)) (124)", "tr(inv(X))", "X", {"X": ("n", "n")},
         "-(inv(X)^2)'", lambda X: -(inv(X) @ inv(X)).T, lambda X: np.trace(inv(X)))
identity(S, "tr(A inv(X) B) (124)", "tr(A*inv(X)*B)", "X",
         {"A": ("m", "n"), "X": ("n", "n"), "B": ("n", "m")},
         "-(inv(X)*B*A*inv(X))'", lambda A, X, B: -(inv(X) @ B @ A @ inv(X)).T,
         lambda A, X, B: np.trace(A @ inv(X) @ B))
identity(S, "tr(X^-1 A)", "tr(X^-1*A)", "X", {"X": ("n", "n"), "A": ("n", "n")},
         "-(inv(X)*A*inv(X))'", lambda X, A: -(inv(X) @ A @ inv(X)).T,
         lambda X, A: np.trace(inv(X) @ A))
identity(S, "tr(inv(X'CX) A) (125)", "tr(inv(X'*C*X)*A)", "X",
         {"X": ("m", "n"), "C": "spd", "A": ("n", "n")},
         "-C*X*inv(X'*C*X)*(A + A')*inv(X'*C*X)",
         lambda X, C, A: -C @ X @ inv(X.T @ C @ X) @ (A + A.T) @ inv(X.T @ C @ X),
         lambda X, C, A: np.trace(inv(X.T @ C @ X) @ A), draws={"C": ("m", "m")})

# -- 2.4.1 Derivatives of determinants --------------------------------------------------
S = "determinants"
identity(S, "det(X) (49)", "det(X)", "X", {"X": ("n", "n")},
         "det(X)*inv(X)'", lambda X: det(X) * inv(X).T, lambda X: det(X))
identity(S, "det(AXB) (50)", "det(A*X*B)", "X",
         {"A": ("n", "n"), "X": ("n", "n"), "B": ("n", "n")},
         "det(A*X*B)*inv(X)'", lambda A, X, B: det(A @ X @ B) * inv(X).T,
         lambda A, X, B: det(A @ X @ B))
identity(S, "logdet(X) (51)", "logdet(X)", "X", {"X": ("n", "n")},
         "inv(X)'", lambda X: inv(X).T, lambda X: logdet(X), draws={"X": "posdet"})
identity(S, "det(X'AX) (52)", "det(X'*A*X)", "X", {"X": ("m", "n"), "A": "symmetric"},
         "2*det(X'*A*X)*A*X*inv(X'*A*X)",
         lambda X, A: 2 * det(X.T @ A @ X) * A @ X @ inv(X.T @ A @ X),
         lambda X, A: det(X.T @ A @ X), draws={"A": ("m", "m")})
identity(S, "det(X^2) (53)", "det(X^2)", "X", {"X": ("n", "n")},
         "2*det(X^2)*inv(X)'", lambda X: 2 * det(X @ X) * inv(X).T, lambda X: det(X @ X))
identity(S, "det(inv(X))", "det(inv(X))", "X", {"X": ("n", "n")},
         "-det(inv(X))*inv(X)'", lambda X: -det(inv(X)) * inv(X).T, lambda X: det(inv(X)))
identity(S, "logdet(X'AX) (55)", "logdet(X'*A*X)", "X", {"X": ("m", "n"), "A": "spd"},
         "2*A*X*inv(X'*A*X)", lambda X, A: 2 * A @ X @ inv(X.T @ A @ X),
         lambda X, A: logdet(X.T @ A @ X), draws={"A": ("m", "m")})
identity(S, "logdet(X'X) (56)", "logdet(X'*X)", "X", {"X": ("m", "n")},
         "2*X*inv(X'*X)", lambda X: 2 * X @ inv(X.T @ X), lambda X: logdet(X.T @ X))
identity(S, "det(A + aB) by a (46)", "det(A + a*B)", "a",
         {"A": ("n", "n"), "B": ("n", "n"), "a": ()},
         "det(A + a*B)*tr(inv(A + a*B)*B)",
         lambda A, a, B: det(A + a * B) * np.trace(inv(A + a * B) @ B),
         lambda A, a, B: det(A + a * B))

# -- 2.2 Derivatives of an inverse ------------------------------------------------------
S = "inverses"
identity(S, "inv(X) (59)", "inv(X)", "X", {"X": ("n", "n")},
         None, lambda X: -np.einsum("ki,jl->klij", inv(X), inv(X)), lambda X: inv(X))
identity(S, "X^-1", "X^-1", "X", {"X": ("n", "n")},
         None, lambda X: -np.einsum("ki,jl->klij", inv(X), inv(X)), lambda X: inv(X))
identity(S, "u'inv(X)v (61)", "u'*inv(X)*v", "X", {"u": ("n",), "X": ("n", "n"), "v": ("n",)},
         "-inv(X)'*u*v'*inv(X)'", lambda u, X, v: -inv(X).T @ np.outer(u, v) @ inv(X).T,
         lambda u, X, v: u @ inv(X) @ v)
identity(S, "inv(A + aB) by a (40)", "inv(A + a*B)", "a",
         {"A": ("n", "n"), "B": ("n", "n"), "a": ()},
         "-inv(A + a*B)*B*inv(A + a*B)",
         lambda A, a, B: -inv(A + a * B) @ B @ inv(A + a * B),
         lambda A, a, B: inv(A + a * B))
identity(S, "inv(X)v by v", "inv(X)*v", "v", {"X": ("n", "n"), "v": ("n",)},
         "inv(X)", lambda X, v: inv(X), lambda X, v: inv(X) @ v)

# -- 2.4.2, 2.4.3 Linear and quadratic forms --------------------------------------------
S = "quadratic forms"
identity(S, "w'x by x (69)", "w'*x", "x", {"w": ("n",), "x": ("n",)},
         "w", lambda w, x: w, lambda w, x: w @ x)
identity(S, "x'w by x (69)", "x'*w", "x", {"w": ("n",), "x": ("n",)},
         "w", lambda w, x: w, lambda w, x: x @ w)
identity(S, "u'Xv by X (70)", "u'*X*v", "X", {"u": ("n",), "X": ("n", "m"), "v": ("m",)},
         "u*v'", lambda u, X, v: np.outer(u, v), lambda u, X, v: u @ X @ v)
identity(S, "u'X'v by X (71)", "u'*X'*v", "X", {"u": ("m",), "X": ("n", "m"), "v": ("n",)},
         "v*u'", lambda u, X, v: np.outer(v, u), lambda u, X, v: u @ X.T @ v)
identity(S, "u'Xu by X (72)", "u'*X*u", "X", {"u": ("n",), "X": ("n", "n")},
         "u*u'", lambda u, X: np.outer(u, u), lambda u, X: u @ X @ u)
identity(S, "x'Ax by A", "x'*A*x", "A", {"x": ("n",), "A": ("n", "n")},
         "x*x'", lambda x, A: np.outer(x, x), lambda x, A: x @ A @ x)
identity(S, "u'X'Xv by X (77)", "u'*X'*X*v", "X", {"u": ("m",), "X": ("n", "m"), "v": ("m",)},
         "X*(u*v' + v*u')", lambda u, X, v: X @ (np.outer(u, v) + np.outer(v, u)),
         lambda u, X, v: u @ X.T @ X @ v)
identity(S, "(Bx+v)'C(Dx+w) (78)", "(B*x + v)'*C*(D*x + w)", "x",
         {"B": ("m", "n"), "x": ("n",), "v": ("m",), "C": ("m", "p"), "D": ("p", "n"),
          "w": ("p",)},
         "B'*C*(D*x + w) + D'*C'*(B*x + v)",
         lambda B, x, v, C, D, w: B.T @ C @ (D @ x + w) + D.T @ C.T @ (B @ x + v),
         lambda B, x, v, C, D, w: (B @ x + v) @ C @ (D @ x + w))
identity(S, "x'Ax by x (81)", "x'*A*x", "x", {"x": ("n",), "A": ("n", "n")},
         "(A + A')*x", lambda x, A: (A + A.T) @ x, lambda x, A: x @ A @ x)
identity(S, "(x-s)'W(x-s) by x (84)", "(x - s)'*W*(x - s)", "x",
         {"x": ("n",), "s": ("n",), "W": "symmetric"},
         "2*W*(x - s)", lambda x, s, W: 2 * W @ (x - s),
         lambda x, s, W: (x - s) @ W @ (x - s), draws={"W": ("n", "n")})
identity(S, "(x-As)'W(x-As) by s (86)", "(x - A*s)'*W*(x - A*s)", "s",
         {"x": ("n",), "A": ("n", "m"), "s": ("m",), "W": "symmetric"},
         "-2*A'*W*(x - A*s)", lambda x, A, s, W: -2 * A.T @ W @ (x - A @ s),
         lambda x, A, s, W: (x - A @ s) @ W @ (x - A @ s), draws={"W": ("n", "n")})
identity(S, "u'X^3v by X (91)", "u'*X^3*v", "X", {"u": ("n",), "X": ("n", "n"), "v": ("n",)},
         "(X^2)'*u*v' + X'*u*v'*X' + u*v'*(X^2)'",
         lambda u, X, v: ((X @ X).T @ np.outer(u, v) + X.T @ np.outer(u, v) @ X.T
                          + np.outer(u, v) @ (X @ X).T),
         lambda u, X, v: u @ X @ X @ X @ v)
identity(S, "(w'x)(v'x) by x", "(w'*x)*(v'*x)", "x", {"w": ("n",), "x": ("n",), "v": ("n",)},
         "(v'*x)*w + (w'*x)*v", lambda w, x, v: (v @ x) * w + (w @ x) * v,
         lambda w, x, v: (w @ x) * (v @ x))
identity(S, "x'x by x", "x'*x", "x", {"x": ("n",)}, "2*x", lambda x: 2 * x, lambda x: x @ x)

# -- 2.6 Norms (10.?) and least squares ------------------------------------------------
S = "norms"
identity(S, "norm2(x)^2 (129)", "norm2(x)^2", "x", {"x": ("n",)},
         "2*x", lambda x: 2 * x, lambda x: np.sum(x * x))
identity(S, "norm2(x)", "norm2(x)", "x", {"x": ("n",)},
         "x/norm2(x)", lambda x: x / np.linalg.norm(x), lambda x: np.linalg.norm(x))
identity(S, "||x - v||_2 (130)", "||x - v||_2", "x", {"x": ("n",), "v": ("n",)},
         "(x - v)/norm2(x - v)", lambda x, v: (x - v) / np.linalg.norm(x - v),
         lambda x, v: np.linalg.norm(x - v))
identity(S, "norm2(X)^2 Frobenius (131)", "norm2(X)^2", "X", {"X": ("n", "m")},
         "2*X", lambda X: 2 * X, lambda X: np.sum(X * X))
identity(S, "norm2(X) Frobenius", "norm2(X)", "X", {"X": ("n", "m")},
         "X/norm2(X)", lambda X: X / np.linalg.norm(X), lambda X: np.linalg.norm(X))
identity(S, "||AX - B||_F^2", "||A*X - B||_F^2", "X",
         {"A": ("n", "m"), "X": ("m", "p"), "B": ("n", "p")},
         "2*A'*(A*X - B)", lambda A, X, B: 2 * A.T @ (A @ X - B),
         lambda A, X, B: np.sum((A @ X - B) ** 2))
identity(S, "||Ax - v||^2", "||A*x - v||^2", "x", {"A": ("m", "n"), "x": ("n",), "v": ("m",)},
         "2*A'*(A*x - v)", lambda A, x, v: 2 * A.T @ (A @ x - v),
         lambda A, x, v: np.sum((A @ x - v) ** 2))
identity(S, "seed: 0.5||DW - X||^2 by W", "0.5*norm2(D*W - X)^2", "W",
         {"D": ("n", "m"), "W": ("m", "p"), "X": ("n", "p")},
         "D'*(D*W - X)", lambda D, W, X: D.T @ (D @ W - X),
         lambda D, W, X: 0.5 * np.sum((D @ W - X) ** 2))
identity(S, "seed: 0.5||DW - X||^2 by D", "0.5*norm2(D*W - X)^2", "D",
         {"D": ("n", "m"), "W": ("m", "p"), "X": ("n", "p")},
         "(D*W - X)*W'", lambda D, W, X: (D @ W - X) @ W.T,
         lambda D, W, X: 0.5 * np.sum((D @ W - X) ** 2))
identity(S, "seed: 0.5||XA'||^2 by X", "0.5*norm2(X*A')^2", "X",
         {"X": ("n", "m"), "A": ("p", "m")},
         "X*A'*A", lambda X, A: X @ A.T @ A, lambda X, A: 0.5 * np.sum((X @ A.T) ** 2))
identity(S, "norm1(x)", "norm1(x)", "x", {"x": ("n",)},
         "sign(x)", lambda x: np.sign(x), lambda x: np.sum(np.abs(x)))
identity(S, "||x||_1", "||x||_1", "x", {"x": ("n",)},
         "sign(x)", lambda x: np.sign(x), lambda x: np.sum(np.abs(x)))
identity(S, "norm1(X)", "norm1(X)", "X", {"X": ("n", "m")},
         "sign(X)", lambda X: np.sign(X), lambda X: np.sum(np.abs(X)))
identity(S, "x/norm2(x) by x", "x/norm2(x)", "x", {"x": ("n",)},
         "(eye - x*x'/norm2(x)^2)/norm2(x)",
         lambda x: (eye(N) - np.outer(x, x) / (x @ x)) / np.linalg.norm(x),
         lambda x: x / np.linalg.norm(x))

# -- Element-wise functions ---------------------------------------------------------------
S = "element-wise"
identity(S, "sum(exp(x))", "sum(exp(x))", "x", {"x": ("n",)},
         "exp(x)", lambda x: np.exp(x), lambda x: np.sum(np.exp(x)))
identity(S, "exp(x)", "exp(x)", "x", {"x": ("n",)},
         "diag(exp(x))", lambda x: np.diag(np.exp(x)), lambda x: np.exp(x))
identity(S, "log(x)", "log(x)", "x", {"x": ("n",)},
         "diag(1./x)", lambda x: np.diag(1 / x), lambda x: np.log(x), draws={"x": "positive"})
identity(S, "sin(x)", "sin(x)", "x", {"x": ("n",)},
         "diag(cos(x))", lambda x: np.diag(np.cos(x)), lambda x: np.sin(x))
identity(S, "cos(x)", "cos(x)", "x", {"x": ("n",)},
         "-diag(sin(x))", lambda x: -np.diag(np.sin(x)), lambda x: np.cos(x))
identity(S, "tan(x)", "tan(x)", "x", {"x": ("n",)},
         "diag(1 + tan(x).^2)", lambda x: np.diag(1 + np.tan(x) ** 2), lambda x: np.tan(x),
         draws={"x": "unit"})
identity(S, "arcsin(x)", "arcsin(x)", "x", {"x": ("n",)},
         "diag(1./sqrt(1 - x.^2))", lambda x: np.diag(1 / np.sqrt(1 - x ** 2)),
         lambda x: np.arcsin(x),
         draws={"x": "unit"})
identity(S, "arccos(x)", "arccos(x)", "x", {"x": ("n",)},
         "-diag(1./sqrt(1 - x.^2))", lambda x: -np.diag(1 / np.sqrt(1 - x ** 2)),
         lambda x: np.arccos(x),
         draws={"x": "unit"})
identity(S, "arctan(x)", "arctan(x)", "x", {"x": ("n",)},
         "diag(1./(1 + x.^2))", lambda x: np.diag(1 / (1 + x ** 2)), lambda x: np.arctan(x))
identity(S, "tanh(x)", "tanh(x)", "x", {"x": ("n",)},
         "diag(1 - tanh(x).^2)", lambda x: np.diag(1 - np.tanh(x) ** 2), lambda x: np.tanh(x))
identity(S, "sqrt(x)", "sqrt(x)", "x", {"x": ("n",)},
         "diag(1./(2*sqrt(x)))", lambda x: np.diag(1 / (2 * np.sqrt(x))), lambda x: np.sqrt(x),
         draws={"x": "positive"})
identity(S, "abs(x)", "abs(x)", "x", {"x": ("n",)},
         "diag(sign(x))", lambda x: np.diag(np.sign(x)), lambda x: np.abs(x))
identity(S, "sign(x)", "sign(x)", "x", {"x": ("n",)},
         "matrix(0)", lambda x: np.zeros((N, N)), lambda x: np.sign(x))
identity(S, "sigmoid(x)", "sigmoid(x)", "x", {"x": ("n",)},
         "diag(sigmoid(x).*(1 - sigmoid(x)))",
         lambda x: np.diag(sigmoid(x) * (1 - sigmoid(x))), lambda x: sigmoid(x))
identity(S, "relu(x)", "relu(x)", "x", {"x": ("n",)},
         "diag(heaviside(x))", lambda x: np.diag((x > 0).astype(float)),
         lambda x: np.maximum(x, 0))
identity(S, "x.^3", "x.^3", "x", {"x": ("n",)},
         "diag(3*x.^2)", lambda x: np.diag(3 * x ** 2), lambda x: x ** 3)
identity(S, "x.*y by x", "x.*y", "x", {"x": ("n",), "y": ("n",)},
         "diag(y)", lambda x, y: np.diag(y), lambda x, y: x * y)
identity(S, "x./y by x", "x./y", "x", {"x": ("n",), "y": ("n",)},
         "diag(1./y)", lambda x, y: np.diag(1 / y), lambda x, y: x / y)
identity(S, "x./y by y", "x./y", "y", {"x": ("n",), "y": ("n",)},
         "-diag(x./y.^2)", lambda x, y: -np.diag(x / y ** 2), lambda x, y: x / y)
identity(S, "X.*Y by X", "X.*Y", "X", {"X": ("n", "m"), "Y": ("n", "m")},
         None, lambda X, Y: np.einsum("ik,jl,ij->ijkl", eye(N), eye(M), Y),
         lambda X, Y: X * Y)
identity(S, "sum(X.*log(X))", "sum(X.*log(X))", "X", {"X": ("n", "m")},
         "log(X) + 1", lambda X: np.log(X) + 1, lambda X: np.sum(X * np.log(X)),
         draws={"X": "positive"})
identity(S, "sum(X.^Y) by Y", "sum(X.^Y)", "Y", {"X": ("n", "m"), "Y": ("n", "m")},
         "X.^Y.*log(X)", lambda X, Y: X ** Y * np.log(X), lambda X, Y: np.sum(X ** Y),
         draws={"X": "positive"})
identity(S, "sum(2.^x)", "sum(2.^x)", "x", {"x": ("n",)},
         "log(2)*2.^x", lambda x: np.log(2) * 2.0 ** x, lambda x: np.sum(2.0 ** x))
identity(S, "w'exp(x)", "w'*exp(x)", "x", {"w": ("n",), "x": ("n",)},
         "w.*exp(x)", lambda w, x: w * np.exp(x), lambda w, x: w @ np.exp(x))
identity(S, "logistic loss", "sum(log(1 + exp(X*w)))", "w", {"X": ("n", "m"), "w": ("m",)},
         "X'*sigmoid(X*w)", lambda X, w: X.T @ sigmoid(X @ w),
         lambda X, w: np.sum(np.log(1 + np.exp(X @ w))))
identity(S, "sum(X)", "sum(X)", "X", {"X": ("n", "m")},
         "matrix(1)", lambda X: np.ones((N, M)), lambda X: np.sum(X))
identity(S, "sum(AX)", "sum(A*X)", "X", {"A": ("n", "m"), "X": ("m", "p")},
         "A'*matrix(1)", lambda A, X: A.T @ np.ones((N, P)), lambda A, X: np.sum(A @ X))

# -- Jacobians: vector by vector, matrix by matrix ----------------------------------------
S = "jacobians"
identity(S, "Ax by x", "A*x", "x", {"A": ("n", "m"), "x": ("m",)},
         "A", lambda A, x: A, lambda A, x: A @ x)
identity(S, "Ax by A", "A*x", "A", {"A": ("n", "m"), "x": ("m",)},
         None, lambda A, x: np.einsum("ik,l->ikl", eye(N), x), lambda A, x: A @ x)
identity(S, "x'A by x (a row)", "x'*A", "x", {"x": ("n",), "A": ("n", "m")},
         None, lambda x, A: A.T[None], lambda x, A: (x @ A)[None])
identity(S, "seed: AB by A", "A*B", "A", {"A": ("n", "m"), "B": ("m", "p")},
         None, lambda A, B: np.einsum("ik,lj->ijkl", eye(N), B), lambda A, B: A @ B)
identity(S, "AB by B", "A*B", "B", {"A": ("n", "m"), "B": ("m", "p")},
         None, lambda A, B: np.einsum("ik,jl->ijkl", A, eye(P)), lambda A, B: A @ B)
identity(S, "X' by X", "X'", "X", {"X": ("n", "m")},
         None, lambda X: np.einsum("jk,il->ijkl", eye(N), eye(M)), lambda X: X.T)
identity(S, "AXB by X", "A*X*B", "X", {"A": ("n", "m"), "X": ("m", "p"), "B": ("p", "k")},
         None, lambda A, X, B: np.einsum("ik,lj->ijkl", A, B), lambda A, X, B: A @ X @ B)
identity(S, "X^2 by X", "X^2", "X", {"X": ("n", "n")},
         None,
         lambda X: np.einsum("ik,lj->ijkl", eye(N), X) + np.einsum("ik,jl->ijkl", X, eye(N)),
         lambda X: X @ X)
identity(S, "kron(A,B) by A", "kron(A, B)", "A", {"A": ("k", "n"), "B": ("m", "p")},
         None,
         lambda A, B: np.einsum("ia,jb,rs->irjsab", eye(K), eye(N), B).reshape(K * M, N * P,
                                                                              K, N),
         lambda A, B: np.kron(A, B))
identity(S, "kron(x,y) by x", "kron(x, y)", "x", {"x": ("n",), "y": ("m",)},
         "kron(eye, y)", lambda x, y: np.kron(eye(N), y[:, None]), lambda x, y: np.kron(x, y))
identity(S, "vec(AXB) by X (520)", "vec(A*X*B)", "X",
         {"A": ("n", "m"), "X": ("m", "p"), "B": ("p", "k")},
         None,
         lambda A, X, B: np.kron(B.T, A).reshape(K * N, P, M).transpose(0, 2, 1),
         lambda A, X, B: (A @ X @ B).reshape(-1, order="F"))
identity(S, "kron(B',A)vec(X) by X (520)", "kron(B', A)*vec(X)", "X",
         {"A": ("n", "m"), "X": ("m", "p"), "B": ("p", "k")},
         None,
         lambda A, X, B: np.kron(B.T, A).reshape(K * N, P, M).transpose(0, 2, 1),
         lambda A, X, B: np.kron(B.T, A) @ X.reshape(-1, order="F"))
identity(S, "vec(X)'vec(Y) by X", "vec(X)'*vec(Y)", "X", {"X": ("n", "m"), "Y": ("n", "m")},
         "Y", lambda X, Y: Y, lambda X, Y: np.sum(X * Y))
identity(S, "sum(kron(x,y)) by x", "sum(kron(x, y))", "x", {"x": ("n",), "y": ("m",)},
         "sum(y)*vector(1)", lambda x, y: np.full(N, np.sum(y)),
         lambda x, y: np.sum(np.kron(x, y)))
identity(S, "xy' by x", "x*y'", "x", {"x": ("n",), "y": ("m",)},
         None, lambda x, y: np.einsum("ik,j->ijk", eye(N), y), lambda x, y: np.outer(x, y))
identity(S, "diag(x) by x", "diag(x)", "x", {"x": ("n",)},
         None, lambda x: np.einsum("ij,ik->ijk", eye(N), eye(N)), lambda x: np.diag(x))
identity(S, "diag(X) by X", "diag(X)", "X", {"X": ("n", "n")},
         None, lambda X: np.einsum("ik,il->ikl", eye(N), eye(N)), lambda X: np.diag(X))
identity(S, "tr(diag(x)A) by x", "tr(diag(x)*A)", "x", {"x": ("n",), "A": ("n", "n")},
         "diag(A)", lambda x, A: np.diag(A).copy(), lambda x, A: np.trace(np.diag(x) @ A))
identity(S, "u'diag(x)v by x", "u'*diag(x)*v", "x", {"u": ("n",), "x": ("n",), "v": ("n",)},
         "u.*v", lambda u, x, v: u * v, lambda u, x, v: u @ np.diag(x) @ v)
identity(S, "exp(Xw) by w", "exp(X*w)", "w", {"X": ("n", "m"), "w": ("m",)},
         "diag(exp(X*w))*X", lambda X, w: np.diag(np.exp(X @ w)) @ X,
         lambda X, w: np.exp(X @ w))

# -- Softmax and log-sum-exp --------------------------------------------------------------
S = "softmax"
identity(S, "logsumexp(x)", "logsumexp(x)", "x", {"x": ("n",)},
         "softmax(x)", lambda x: softmax(x), lambda x: logsumexp(x))
identity(S, "softmax(x) by x", "softmax(x)", "x", {"x": ("n",)},
         "diag(softmax(x)) - softmax(x)*softmax(x)'",
         lambda x: np.diag(softmax(x)) - np.outer(softmax(x), softmax(x)), lambda x: softmax(x))
identity(S, "logsumexp(Ax) by x", "logsumexp(A*x)", "x", {"A": ("m", "n"), "x": ("n",)},
         "A'*softmax(A*x)", lambda A, x: A.T @ softmax(A @ x), lambda A, x: logsumexp(A @ x))
identity(S, "cross-entropy", "-y'*log(softmax(x))", "x", {"y": ("n",), "x": ("n",)},
         "sum(y)*softmax(x) - y", lambda y, x: np.sum(y) * softmax(x) - y,
         lambda y, x: -y @ np.log(softmax(x)), draws={"y": "positive"})

# -- Hessians -----------------------------------------------------------------------------
S = "hessians"
identity(S, "x'Ax", "x'*A*x", "x", {"x": ("n",), "A": ("n", "n")},
         "A + A'", lambda x, A: A + A.T, lambda x, A: x @ A @ x, order=2)
identity(S, "0.5||Ax - v||^2", "0.5*norm2(A*x - v)^2", "x",
         {"A": ("m", "n"), "x": ("n",), "v": ("m",)},
         "A'*A", lambda A, x, v: A.T @ A, lambda A, x, v: 0.5 * np.sum((A @ x - v) ** 2),
         order=2)
identity(S, "exp(w'x)", "exp(w'*x)", "x", {"w": ("n",), "x": ("n",)},
         "exp(w'*x)*w*w'", lambda w, x: np.exp(w @ x) * np.outer(w, w),
         lambda w, x: np.exp(w @ x), order=2)
identity(S, "norm2(x)", "norm2(x)", "x", {"x": ("n",)},
         "(eye - x*x'/norm2(x)^2)/norm2(x)",
         lambda x: (eye(N) - np.outer(x, x) / (x @ x)) / np.linalg.norm(x),
         lambda x: np.linalg.norm(x), order=2)
identity(S, "sum(x.^4)", "sum(x.^4)", "x", {"x": ("n",)},
         "diag(12*x.^2)", lambda x: np.diag(12 * x ** 2), lambda x: np.sum(x ** 4), order=2)
identity(S, "logsumexp(x)", "logsumexp(x)", "x", {"x": ("n",)},
         "diag(softmax(x)) - softmax(x)*softmax(x)'",
         lambda x: np.diag(softmax(x)) - np.outer(softmax(x), softmax(x)), lambda x: logsumexp(x),
         order=2)
identity(S, "logistic loss", "sum(log(1 + exp(X*w)))", "w", {"X": ("n", "m"), "w": ("m",)},
         "X'*diag(sigmoid(X*w).*(1 - sigmoid(X*w)))*X",
         lambda X, w: X.T @ np.diag(sigmoid(X @ w) * (1 - sigmoid(X @ w))) @ X,
         lambda X, w: np.sum(np.log(1 + np.exp(X @ w))), order=2)
identity(S, "0.5||DW - X||^2 by W", "0.5*norm2(D*W - X)^2", "W",
         {"D": ("n", "m"), "W": ("m", "p"), "X": ("n", "p")},
         None, lambda D, W, X: np.einsum("ik,jl->ijkl", D.T @ D, eye(P)),
         lambda D, W, X: 0.5 * np.sum((D @ W - X) ** 2), order=2)
identity(S, "tr(X'AX) by X", "tr(X'*A*X)", "X", {"X": ("n", "m"), "A": ("n", "n")},
         None, lambda X, A: np.einsum("ik,jl->ijkl", A + A.T, eye(M)),
         lambda X, A: np.trace(X.T @ A @ X), order=2)
identity(S, "logdet(X) by X", "logdet(X)", "X", {"X": ("n", "n")},
         None, lambda X: -np.einsum("li,jk->ijkl", inv(X), inv(X)), lambda X: logdet(X), order=2,
         draws={"X": "posdet"})

# -- Higher orders ------------------------------------------------------------------------
S = "higher order"
identity(S, "sum(x.^4) order 3", "sum(x.^4)", "x", {"x": ("n",)},
         None, lambda x: 24 * np.einsum("i,ij,ik->ijk", x, eye(N), eye(N)),
         lambda x: np.sum(x ** 4), order=3)
identity(S, "(w'x)^3 order 3", "(w'*x)^3", "x", {"w": ("n",), "x": ("n",)},
         None, lambda w, x: 6 * np.einsum("i,j,k->ijk", w, w, w),
         lambda w, x: (w @ x) ** 3, order=3)
identity(S, "exp(w'x) order 3", "exp(w'*x)", "x", {"w": ("n",), "x": ("n",)},
         None, lambda w, x: np.exp(w @ x) * np.einsum("i,j,k->ijk", w, w, w),
         lambda w, x: np.exp(w @ x), order=3)
identity(S, "a^4 order 3", "a^4", "a", {"a": ()},
         "24*a", lambda a: 24 * a, lambda a: a ** 4, order=3)

# -- By scalar variables -----------------------------------------------------------------
S = "scalar variables"
identity(S, "aX by a", "a*X", "a", {"a": (), "X": ("n", "m")},
         "X", lambda a, X: X, lambda a, X: a * X)
identity(S, "exp(ax) by a", "exp(a*x)", "a", {"a": (), "x": ("n",)},
         "x.*exp(a*x)", lambda a, x: x * np.exp(a * x), lambda a, x: np.exp(a * x))
identity(S, "a^3 by a", "a^3", "a", {"a": ()}, "3*a^2", lambda a: 3 * a ** 2,
         lambda a: a ** 3)
identity(S, "sin(a)cos(b) by a", "sin(a)*cos(b)", "a", {"a": (), "b": ()},
         "cos(a)*cos(b)", lambda a, b: np.cos(a) * np.cos(b),
         lambda a, b: np.sin(a) * np.cos(b))
identity(S, "x'(A + aB)x by a", "x'*(A + a*B)*x", "a",
         {"x": ("n",), "A": ("n", "n"), "a": (), "B": ("n", "n")},
         "x'*B*x", lambda x, A, a, B: x @ B @ x, lambda x, A, a, B: x @ (A + a * B) @ x)
identity(S, "||x - av||^2 by a", "norm2(x - a*v)^2", "a", {"x": ("n",), "a": (), "v": ("n",)},
         "-2*v'*(x - a*v)", lambda x, a, v: -2 * v @ (x - a * v),
         lambda x, a, v: np.sum((x - a * v) ** 2))
identity(S, "a^2 b by a order 2", "a^2*b", "a", {"a": (), "b": ()},
         "2*b", lambda a, b: 2 * b, lambda a, b: a ** 2 * b, order=2)

# -- By symmetric variables (SPEC §4: (G + G')/2) ----------------------------------------
S = "symmetric variables"
identity(S, "tr(AS) by symmetric S", "tr(A*S)", "S", {"A": ("n", "n"), "S": "symmetric"},
         "(A + A')/2", lambda A, S: (A + A.T) / 2, lambda A, S: np.trace(A @ S),
         draws={"S": ("n", "n")})
identity(S, "u'Su by symmetric S", "u'*S*u", "S", {"u": ("n",), "S": "symmetric"},
         "u*u'", lambda u, S: np.outer(u, u), lambda u, S: u @ S @ u, draws={"S": ("n", "n")})
identity(S, "u'Sv by symmetric S", "u'*S*v", "S",
         {"u": ("n",), "S": "symmetric", "v": ("n",)},
         "(u*v' + v*u')/2", lambda u, S, v: (np.outer(u, v) + np.outer(v, u)) / 2,
         lambda u, S, v: u @ S @ v, draws={"S": ("n", "n")})
identity(S, "logdet(S) by spd S", "logdet(S)", "S", {"S": "spd"},
         "inv(S)", lambda S: inv(S), lambda S: logdet(S), draws={"S": ("n", "n")})
identity(S, "det(S) by symmetric S", "det(S)", "S", {"S": "symmetric"},
         "det(S)*inv(S)", lambda S: det(S) * inv(S), lambda S: det(S), draws={"S": ("n", "n")})
identity(S, "tr(S^2) by symmetric S", "tr(S^2)", "S", {"S": "symmetric"},
         "2*S", lambda S: 2 * S, lambda S: np.trace(S @ S), draws={"S": ("n", "n")})
identity(S, "tr(inv(S)A) by spd S", "tr(inv(S)*A)", "S", {"S": "spd", "A": ("n", "n")},
         "-(inv(S)*A*inv(S) + inv(S)*A'*inv(S))/2",
         lambda S, A: -(inv(S) @ A @ inv(S) + inv(S) @ A.T @ inv(S)) / 2,
         lambda S, A: np.trace(inv(S) @ A), draws={"S": ("n", "n")})
identity(S, "x'Sx by x", "x'*S*x", "x", {"x": ("n",), "S": "symmetric"},
         "2*S*x", lambda x, S: 2 * S @ x, lambda x, S: x @ S @ x, draws={"S": ("n", "n")})

# -- Denominator layout (SPEC §2: S_in + S_out) ------------------------------------------
S = "denominator layout"
identity(S, "Ax by x", "A*x", "x", {"A": ("n", "m"), "x": ("m",)},
         "A'", lambda A, x: A.T, lambda A, x: A @ x, layout="denominator")
identity(S, "exp(Xw) by w", "exp(X*w)", "w", {"X": ("n", "m"), "w": ("m",)},
         "X'*diag(exp(X*w))", lambda X, w: X.T @ np.diag(np.exp(X @ w)),
         lambda X, w: np.exp(X @ w), layout="denominator")
identity(S, "tr(AB) by A", "tr(A*B)", "A", {"A": ("n", "m"), "B": ("m", "n")},
         "B'", lambda A, B: B.T, lambda A, B: np.trace(A @ B), layout="denominator")
identity(S, "AB by A", "A*B", "A", {"A": ("n", "m"), "B": ("m", "p")},
         None, lambda A, B: np.einsum("ik,lj->klij", eye(N), B), lambda A, B: A @ B,
         layout="denominator")
identity(S, "kron(x,y) by x", "kron(x, y)", "x", {"x": ("n",), "y": ("m",)},
         "kron(eye, y')", lambda x, y: np.kron(eye(N), y[None, :]),
         lambda x, y: np.kron(x, y), layout="denominator")


# -- Matrix functions (Fréchet derivatives; Higham, *Functions of Matrices*, ch. 3) ---------
S = "matrix functions"


def frechet(f, X, E):
    """L_f(X, E), the corner of f([[X, E], [0, X]]) (the block-triangular identity)."""
    n = X.shape[0]
    return np.real(f(np.block([[X, E], [np.zeros((n, n)), X]]))[:n, n:])


def frechet_tensor(f, X):
    """T[i,j,k,l] = L_f(X, e_k e_l')[i,j]: the Jacobian of f at X."""
    n = X.shape[0]
    out = np.zeros((n, n, n, n))
    for k in range(n):
        for j in range(n):
            E = np.zeros((n, n))
            E[k, j] = 1.0
            out[:, :, k, j] = frechet(f, X, E)
    return out


def _log_euclidean_gradient(A, B):
    """∇_A ‖logm(R*B*R)‖², R = inv(sqrtm(A)), by adjoints (A, B symmetric)."""
    R = inv(sqrtm(A))
    Mx = R @ B @ R
    W = frechet(logm, Mx.T, 2 * logm(Mx))
    G_R = W @ R @ B + B @ R @ W
    G = frechet(sqrtm, A.T, -R.T @ G_R @ R.T)
    return (G + G.T) / 2


identity(S, "tr(expm(X)) by X", "tr(expm(X))", "X", {"X": ("n", "n")},
         "expm(X)'", lambda X: expm(X).T, lambda X: np.trace(expm(X)))
identity(S, "tr(logm(X)) by X", "tr(logm(X))", "X", {"X": ("n", "n")},
         "inv(X)'", lambda X: inv(X).T, lambda X: np.trace(logm(X)),
         draws={"X": "rightplane"})
identity(S, "tr(sqrtm(X)) by X", "tr(sqrtm(X))", "X", {"X": ("n", "n")},
         "0.5*inv(sqrtm(X))'", lambda X: 0.5 * inv(sqrtm(X)).T,
         lambda X: np.trace(sqrtm(X)), draws={"X": "rightplane"})
identity(S, "tr(logm(S)) by spd S", "tr(logm(S))", "S", {"S": "spd"},
         "inv(S)", lambda S: inv(S), lambda S: np.trace(logm(S)), draws={"S": ("n", "n")})
identity(S, "tr(A*expm(X)) by X", "tr(A*expm(X))", "X", {"A": ("n", "n"), "X": ("n", "n")},
         "L_expm(X', A')", lambda A, X: frechet(expm, X.T, A.T),
         lambda A, X: np.trace(A @ expm(X)))
identity(S, "expm(tA) by t", "expm(t*A)", "t", {"t": (), "A": ("n", "n")},
         "A*expm(t*A)", lambda t, A: A @ expm(t * A), lambda t, A: expm(t * A))
identity(S, "expm(tA) by t order 2", "expm(t*A)", "t", {"t": (), "A": ("n", "n")},
         "A^2*expm(t*A)", lambda t, A: A @ A @ expm(t * A), lambda t, A: expm(t * A),
         order=2)
identity(S, "||expm(tA)x - y||^2 by t", "norm2(expm(t*A)*x - y)^2", "t",
         {"t": (), "A": ("n", "n"), "x": ("n",), "y": ("n",)},
         "2*(expm(t*A)*x - y)'*A*expm(t*A)*x",
         lambda t, A, x, y: 2 * (expm(t * A) @ x - y) @ A @ expm(t * A) @ x,
         lambda t, A, x, y: np.sum((expm(t * A) @ x - y) ** 2))
identity(S, "||expm(tA)x - y||^2 by A", "norm2(expm(t*A)*x - y)^2", "A",
         {"t": (), "A": ("n", "n"), "x": ("n",), "y": ("n",)},
         "2*t*L_expm(t*A', (expm(t*A)*x - y)*x')",
         lambda t, A, x, y: 2 * t * frechet(expm, t * A.T, np.outer(expm(t * A) @ x - y, x)),
         lambda t, A, x, y: np.sum((expm(t * A) @ x - y) ** 2))
identity(S, "sqrtm(X) by X", "sqrtm(X)", "X", {"X": ("n", "n")},
         None, lambda X: frechet_tensor(sqrtm, X), lambda X: sqrtm(X),
         draws={"X": "rightplane"})
identity(S, "logm(X) by X", "logm(X)", "X", {"X": ("n", "n")},
         None, lambda X: frechet_tensor(logm, X), lambda X: logm(X),
         draws={"X": "rightplane"})
identity(S, "tr(expm(X)) by X order 2", "tr(expm(X))", "X", {"X": ("n", "n")},
         None, lambda X: np.swapaxes(frechet_tensor(expm, X), 0, 1),
         lambda X: np.trace(expm(X)), order=2)
identity(S, "log-Euclidean distance by spd A",
         "norm2(logm(inv(sqrtm(A))*B*inv(sqrtm(A))))^2", "A", {"A": "spd", "B": "spd"},
         None, _log_euclidean_gradient,
         lambda A, B: np.sum(logm(inv(sqrtm(A)) @ B @ inv(sqrtm(A))) ** 2),
         draws={"A": ("n", "n"), "B": ("n", "n")})


# -- The checks ---------------------------------------------------------------------------
FD_RTOL = {1: 1e-7, 2: 1e-6, 3: 1e-4}
"""Finite differences (five-point stencil) are trusted to this relative error by order,"""
FD_ATOL = {1: 1e-9, 2: 1e-8, 3: 1e-6}
"""and to this absolute error (their round-off, which is all there is of a zero derivative)."""


def _id(identity_: Identity) -> str:
    return f"{identity_.section}: {identity_.name}"


def _call(fn: Callable, arrays: dict):
    names = inspect.signature(fn).parameters
    return fn(**{name: arrays[name] for name in names})


def _arrays(case: Identity) -> dict:
    """Random inputs for the identity's variables, the same on every run."""
    rng = np.random.default_rng(zlib.crc32(case.name.encode()))
    specs = {}
    draws = case.draws or {}
    for name, decl in case.vars.items():
        if isinstance(decl, str):  # a kind: the shape comes from draws
            specs[name] = (draws[name], decl)
        else:
            specs[name] = (decl, draws.get(name, "general"))
    return nu.draw_arrays(rng, specs)


def _finite_differences(case: Identity, arrays: dict) -> np.ndarray:
    """The derivative by central differences, in the identity's layout and convention."""
    def f(value):
        return _call(case.f_numpy, {**arrays, case.wrt: value})
    fd = nu.jacobian(f, arrays[case.wrt], order=case.order)
    out_rank = fd.ndim - case.order * np.ndim(arrays[case.wrt])
    if case.vars[case.wrt] in ("symmetric", "spd"):
        assert out_rank == 0 and case.order == 1, "symmetric gradients only of scalars"
        fd = nu.symmetric_part(fd)
    if case.layout == "denominator":
        fd = nu.to_denominator(fd, out_rank)
    return fd


def _factors(dim) -> list:
    """The factors of a dimension as ``d.shape`` names it: ``"n"``, ``3`` or a product."""
    if isinstance(dim, int):
        return [dim]
    return [int(f) if f.isdigit() else f for f in str(dim).replace(" ", "").split("*")]


CASES = [pytest.param(c, id=_id(c)) for c in IDENTITIES]


def test_table_is_large_and_unique():
    names = [_id(c) for c in IDENTITIES]
    assert len(names) >= 60
    assert len(set(names)) == len(names), "identity names must be unique"


@pytest.mark.parametrize("case", CASES)
def test_textbook_answer_matches_finite_differences(case: Identity):
    """The table itself is right: each textbook answer is the derivative of its expression."""
    arrays = _arrays(case)
    nu.assert_close(_call(case.answer_numpy, arrays), _finite_differences(case, arrays),
                    rtol=FD_RTOL[case.order], atol=FD_ATOL[case.order],
                    what=f"textbook {case.answer_text or case.name}")


@pytest.mark.parametrize("case", CASES)
def test_derivative_equals_textbook(case: Identity):
    d = md.derivative(case.expr, wrt=case.wrt, vars=case.vars, order=case.order,
                      layout=case.layout)
    arrays = _arrays(case)
    nu.assert_close(d.evaluate(**arrays), _call(case.answer_numpy, arrays), rtol=1e-9,
                    what=f"d/d{case.wrt} {case.expr} (got {d}, textbook {case.answer_text})")


@pytest.mark.parametrize("case", CASES)
def test_derivative_equals_finite_differences(case: Identity):
    d = md.derivative(case.expr, wrt=case.wrt, vars=case.vars, order=case.order,
                      layout=case.layout)
    arrays = _arrays(case)
    nu.assert_close(d.evaluate(**arrays), _finite_differences(case, arrays),
                    rtol=FD_RTOL[case.order], atol=FD_ATOL[case.order],
                    what=f"d/d{case.wrt} {case.expr} (got {d})")


@pytest.mark.parametrize("case", CASES)
def test_shape_names_what_evaluate_returns(case: Identity):
    """``d.shape`` has one entry per axis; a declared name has its size, and a name the engine
    chose (for a variable declared by kind) stands for one size throughout."""
    d = md.derivative(case.expr, wrt=case.wrt, vars=case.vars, order=case.order,
                      layout=case.layout)
    value = d.evaluate(**_arrays(case))
    assert len(d.shape) == np.ndim(value), f"d.shape {d.shape} for a value of {value.shape}"
    declared = {dim for decl in case.vars.values() if isinstance(decl, tuple) for dim in decl}
    seen: dict = {}
    for dim, size in zip(d.shape, np.shape(value)):
        factors = _factors(dim)
        if len(factors) == 1 and isinstance(factors[0], str) and factors[0] not in declared:
            seen.setdefault(factors[0], size)
        product = 1
        for factor in factors:
            product *= factor if isinstance(factor, int) else (
                nu.SIZES[factor] if factor in declared else seen.get(factor, 0))
        assert product == size, f"d.shape {d.shape} but evaluate returned {value.shape}"


@pytest.mark.parametrize("case", [c for c in CASES if c.values[0].order == 1][:12])
def test_check_reports_a_small_error(case: Identity):
    """``md.check`` (SPEC §5) agrees that a correct derivative matches finite differences."""
    d = md.derivative(case.expr, wrt=case.wrt, vars=case.vars, order=case.order,
                      layout=case.layout)
    assert md.check(d, **_arrays(case)) < 1e-5
