"""Random well-shaped expressions of matdiff's ASCII language, with an independent evaluator.

A :class:`Term` is this module's own tiny expression tree (nothing of matdiff's parser or IR
is used).  :func:`terms` is a ``hypothesis`` strategy that draws a term of a requested shape
over every operation of SPEC §3; :func:`render` writes it
as ASCII text (with the fewest parentheses the precedence table allows, and the alternative
spellings ``@``, ``.T`` and ``||·||``); :func:`evaluate` computes it with NumPy on a *batch*
of inputs at once, so finite differences cost one call.

Shapes are tuples of dimensions: ``()`` a scalar, ``("n",)`` a column vector, ``(1, "n")`` a
row, ``("n", "m")`` a matrix; a product of dimensions (the length of ``vec(A)`` or
``kron(x, y)``) is the string ``"m*n"`` with sorted factors.  The sizes (:data:`SIZES`) all
differ.  Domains are kept by construction: ``log``, ``sqrt``, ``./``, ``.^`` and ``/`` get
positive arguments (``exp(·)``, ``sigmoid(·)``, ``1 + (·).^2``); ``arcsin``/``arccos`` get
``0.5*tanh(·)`` and ``tan`` gets ``tanh(·)``; ``inv``, ``det``, ``logdet`` and ``^-1`` get
``E*E' + eye`` or ``eye + 0.2*tanh(E)`` (well conditioned, positive determinant);
``logm`` and ``sqrtm`` get ``eye + 0.2*tanh(E)`` (every eigenvalue in the disc of radius 0.8
around 1, where the principal branches are real) and ``expm`` gets ``0.5*tanh(E)``, of
sizes 2 and 3 only (the Jacobian of a matrix function by a 4×4 matrix is 16 Fréchet
derivatives, too slow for the default run).  Kinks
(``abs``, ``sign``, ``relu``, ``norm1``, ``norm2`` at zero) are not avoided by
construction: :class:`Trace` records their arguments so a test can reject the rare input whose
finite-difference stencil crosses one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import scipy.linalg
from hypothesis import strategies as st

__all__ = [
    "SIZES", "VARIABLES", "Term", "Trace", "terms", "render", "evaluate", "variables_of",
    "numeric_shape", "SHAPES_BY_KIND",
]

SIZES = {"n": 2, "m": 3, "p": 4}
"""Dimension sizes: small (second derivatives by a 4×4 matrix stay cheap) and all different."""

DIMS = tuple(SIZES)

VARIABLES: dict[str, tuple] = {
    "a": (), "b": (),
    "x": ("n",), "y": ("m",), "z": ("p",),
    "A": ("n", "n"), "B": ("n", "m"), "C": ("n", "p"),
    "D": ("m", "n"), "E": ("m", "m"), "F": ("m", "p"),
    "G": ("p", "n"), "H": ("p", "m"), "K": ("p", "p"),
}
"""One variable of every shape a leaf can take, declared to matdiff with these shapes."""

SHAPES_BY_KIND = {
    "scalar": [()],
    "vector": [(d,) for d in DIMS],
    "matrix": [(r, c) for r in DIMS for c in DIMS],
}

# Precedence levels of the rendered text, low to high (SPEC §3).
SUM, PRODUCT, UNARY, POWER, POSTFIX, ATOM = range(1, 7)


class Term(NamedTuple):
    """A node of the test's own expression tree.

    ``op`` is one of: ``var``, ``num``, ``eye``, ``fill``, ``add``, ``sub``, ``neg``,
    ``mul`` (scalar scale or matrix product, decided by the shapes as in the language),
    ``had``, ``ediv``, ``div``, ``pow`` (scalar power or matrix power), ``epow``, ``T``,
    ``call`` (a named function: ``value`` is its name), ``norm2``, ``norm1``.  ``value``
    carries the name, number or spelling choice.
    """

    op: str
    args: tuple
    shape: tuple
    value: Any = None


# -- shapes ----------------------------------------------------------------------------------
def dim_size(dim) -> int:
    if isinstance(dim, int):
        return dim
    size = 1
    for factor in dim.split("*"):
        size *= SIZES[factor]
    return size


def dim_product(a, b) -> str:
    return "*".join(sorted(a.split("*") + b.split("*")))


def numeric_shape(shape: tuple) -> tuple[int, ...]:
    return tuple(dim_size(d) for d in shape)


def _view(shape: tuple) -> tuple:
    """A shape as (rows, columns): a vector is a column."""
    if not shape:
        return (1, 1)
    if len(shape) == 1:
        return (shape[0], 1)
    return shape


def _canon(rows, cols) -> tuple:
    """The shape the language gives a (rows × columns) product."""
    if rows == 1 and cols == 1:
        return ()
    if cols == 1:
        return (rows,)
    return (rows, cols)


def _transposed(shape: tuple) -> tuple:
    if not shape:
        return ()
    if len(shape) == 1:
        return (1, shape[0])
    if shape[0] == 1:
        return (shape[1],)
    return (shape[1], shape[0])


def _is_square(shape: tuple) -> bool:
    return len(shape) == 2 and shape[0] == shape[1] and shape[0] != 1


# -- strategies ------------------------------------------------------------------------------
NUMBERS = (0.5, 2.0, 1.5, 3.0, 0.25)
FREE_FUNCTIONS = ("exp", "sin", "cos", "tanh", "arctan", "sigmoid", "abs", "sign", "relu",
                  "heaviside")


def _num(value: float) -> Term:
    return Term("num", (), (), value)


def _call(name: str, *args: Term, shape: tuple | None = None) -> Term:
    return Term("call", tuple(args), args[0].shape if shape is None else shape, name)


def _add(a: Term, b: Term) -> Term:
    return Term("add", (a, b), a.shape or b.shape)


def _mul(a: Term, b: Term, spelling: str = "*") -> Term:
    if not a.shape or not b.shape:
        return Term("mul", (a, b), a.shape or b.shape, "*")
    (r, _), (_, c) = _view(a.shape), _view(b.shape)
    return Term("mul", (a, b), _canon(r, c), spelling)


def _eye(n) -> Term:
    return Term("eye", (), (n, n))


@st.composite
def positive(draw, shape: tuple, depth: int) -> Term:
    """A term of ``shape`` whose entries are positive, away from zero."""
    inner = draw(terms(shape, depth))
    choice = draw(st.sampled_from(["exp", "sigmoid", "square"]))
    if choice == "square":
        return _add(_num(1.0), Term("epow", (inner, _num(2.0)), shape))
    return _call(choice, inner)


@st.composite
def well_conditioned(draw, n, depth: int) -> Term:
    """An n×n matrix with a positive determinant and a modest condition number."""
    if draw(st.booleans()):
        k = draw(st.sampled_from(DIMS + (1,)))
        left = draw(terms(_canon(n, k), depth))
        gram = _mul(left, Term("T", (left,), _transposed(left.shape), "'"))
        return _add(gram, _eye(n))
    inner = draw(terms((n, n), depth))
    small = _mul(_num(0.2), _call("tanh", inner))
    return _add(_eye(n), small) if draw(st.booleans()) else _add(small, _eye(n))


def _leaf(draw, shape: tuple) -> Term:
    if not shape:
        if draw(st.integers(0, 3)) == 0:
            return _num(draw(st.sampled_from(NUMBERS)))
        return Term("var", (), (), draw(st.sampled_from(["a", "b"])))
    if len(shape) == 2 and shape[0] == 1:
        return Term("T", (_leaf(draw, (shape[1],)),), shape, draw(st.sampled_from(["'", ".T"])))
    names = [name for name, s in VARIABLES.items() if s == shape]
    if not names:  # a product dimension: only reductions make these
        raise ValueError(f"no variable of shape {shape}")
    return Term("var", (), shape, names[0])


def _simple(shape: tuple) -> bool:
    """Shapes that have a variable (or are a transposed vector)."""
    return all(isinstance(d, int) or "*" not in d for d in shape)


@st.composite
def terms(draw, shape: tuple, depth: int, root: bool = False) -> Term:
    """A random term of ``shape`` at most ``depth`` operations deep (an operation, not a
    leaf, at the ``root``)."""
    if depth <= 0 or (not root and draw(st.integers(0, 9)) < 2):
        return _leaf(draw, shape)
    sub = depth - 1
    rules = ["add", "sub", "neg", "scale", "div", "had", "ediv", "epow", "func", "domain",
             "transpose", "matmul", "const"]
    if not shape:
        rules += ["trace", "det", "logdet", "sum", "norm2", "norm1", "logsumexp", "spow",
                  "kron", "vecdot", "matfunc"]
    elif len(shape) == 1:
        rules += ["diagv", "softmax"]
    elif _is_square(shape):
        rules += ["diagm", "matpow", "inverse"] + (["matfunc"] if shape[0] != "p" else [])
    rule = draw(st.sampled_from(rules))
    n = shape[0] if shape else None

    if rule in ("add", "sub"):
        left, right = draw(terms(shape, sub)), draw(terms(shape, sub))
        if shape and draw(st.integers(0, 3)) == 0:  # a scalar broadcasts
            right = draw(terms((), sub))
            if draw(st.booleans()):
                left, right = right, left
        return Term(rule, (left, right), shape)
    if rule == "neg":
        return Term("neg", (draw(terms(shape, sub)),), shape)
    if rule == "scale":
        factor, body = draw(terms((), sub)), draw(terms(shape, sub))
        return _mul(factor, body) if draw(st.booleans()) else _mul(body, factor)
    if rule == "div":
        return Term("div", (draw(terms(shape, sub)), draw(positive((), sub))), shape)
    if rule == "had":
        return Term("had", (draw(terms(shape, sub)), draw(terms(shape, sub))), shape)
    if rule == "ediv":
        numerator = draw(terms(shape if draw(st.integers(0, 3)) else (), sub))
        return Term("ediv", (numerator, draw(positive(shape, sub))), shape)
    if rule == "epow":
        base = draw(positive(shape, sub))
        if draw(st.booleans()):
            exponent = _num(draw(st.sampled_from([2.0, 3.0, 0.5, -1.0, 1.5])))
        else:
            exponent = _mul(_num(0.5), draw(terms(shape if draw(st.booleans()) else (), sub)))
        return Term("epow", (base, exponent), shape)
    if rule == "func":
        return _call(draw(st.sampled_from(FREE_FUNCTIONS)), draw(terms(shape, sub)))
    if rule == "domain":
        name = draw(st.sampled_from(["log", "sqrt", "arcsin", "arccos", "tan"]))
        if name in ("log", "sqrt"):
            return _call(name, draw(positive(shape, sub)))
        bounded = _call("tanh", draw(terms(shape, sub)))
        if name != "tan":
            bounded = _mul(_num(0.5), bounded)
        return _call(name, bounded)
    if rule == "transpose":
        inner = draw(terms(_transposed(shape), sub))
        return Term("T", (inner,), shape, draw(st.sampled_from(["'", "'", ".T"])))
    if rule == "matmul":
        rows, cols = _view(shape)
        inner = list(DIMS) + ([1] if rows != 1 and cols != 1 else [])
        k = draw(st.sampled_from(inner))
        left = draw(terms(_canon(rows, k) if rows != 1 else _canon_row(k), sub))
        right = draw(terms(_canon(k, cols) if k != 1 else (1, cols), sub))
        return _mul(left, right, draw(st.sampled_from(["*", "*", "@"])))
    if rule == "const":
        if not shape:
            return _mul(_num(draw(st.sampled_from(NUMBERS))), draw(terms((), sub)))
        body = draw(terms(shape, sub))
        if _is_square(shape) and draw(st.booleans()):
            const = _eye(n)
        elif len(shape) == 1:
            const = Term("fill", (), shape, draw(st.sampled_from(NUMBERS)))
        elif shape[0] == 1:
            const = Term("T", (Term("fill", (), (shape[1],), 1.0),), shape, "'")
        else:
            const = Term("fill", (), shape, draw(st.sampled_from(NUMBERS)))
        op = draw(st.sampled_from(["add", "sub", "had"]))
        return Term(op, (const, body) if draw(st.booleans()) else (body, const), shape)
    # scalar-valued reductions
    if rule == "trace":
        m = draw(st.sampled_from(DIMS))
        return _call("tr", draw(terms((m, m), sub)), shape=())
    if rule == "det":
        m = draw(st.sampled_from(DIMS))
        return _call("det", draw(well_conditioned(m, sub - 1)), shape=())
    if rule == "logdet":
        m = draw(st.sampled_from(DIMS))
        return _call("logdet", draw(well_conditioned(m, sub - 1)), shape=())
    if rule in ("sum", "norm2", "norm1"):
        inner = draw(terms(draw(_any_shape()), sub))
        if rule == "sum":
            return _call("sum", inner, shape=())
        return Term(rule, (inner,), (), draw(st.sampled_from(["call", "bars", "bars_sub"])))
    if rule == "logsumexp":
        return _call("logsumexp", draw(terms((draw(st.sampled_from(DIMS)),), sub)), shape=())
    if rule == "spow":
        if draw(st.booleans()):
            base = draw(terms((), sub))
            return Term("pow", (base, _num(draw(st.sampled_from([2.0, 3.0])))), ())
        exponent = draw(st.sampled_from([_num(0.5), _num(-1.0)]) | terms((), sub))
        return Term("pow", (draw(positive((), sub)), exponent), ())
    if rule == "kron":
        return draw(_kron_reduction(sub))
    if rule == "vecdot":
        return draw(_vec_product(sub))
    # vector and square-matrix constructions
    if rule == "diagv":
        return _call("diag", draw(terms((n, n), sub)), shape=(n,))
    if rule == "softmax":
        return _call("softmax", draw(terms(shape, sub)))
    if rule == "diagm":
        return _call("diag", draw(terms((n,), sub)), shape=(n, n))
    if rule == "matpow":
        k = draw(st.sampled_from([2.0, 3.0]))
        return Term("pow", (draw(terms(shape, sub)), _num(k)), shape)
    if rule == "inverse":
        inner = draw(well_conditioned(n, sub - 1))
        if draw(st.booleans()):
            return _call("inv", inner)
        return Term("pow", (inner, _num(-1.0)), shape)
    if rule == "matfunc":
        square = shape or (draw(st.sampled_from(["n", "m"])),) * 2
        name = draw(st.sampled_from(sorted(MATRIX_FUNCTIONS)))
        scale = _num(0.5 if name == "expm" else 0.2)
        bounded = _mul(scale, _call("tanh", draw(terms(square, sub))))
        value = _call(name, _add(_eye(square[0]), bounded) if name != "expm" else bounded)
        return value if shape else _call(draw(st.sampled_from(["tr", "sum"])), value, shape=())
    raise AssertionError(rule)


def _canon_row(k) -> tuple:
    return () if k == 1 else (1, k)


@st.composite
def _any_shape(draw) -> tuple:
    return draw(st.sampled_from([(), ("n",), ("p",), (1, "m"), ("n", "m"), ("p", "p"),
                                 ("m", "n")]))


@st.composite
def _kron_reduction(draw, depth: int) -> Term:
    """``sum``/``norm2``/``tr`` of a Kronecker product (its shape has product dimensions)."""
    if draw(st.booleans()):
        u, w = (draw(terms((draw(st.sampled_from(DIMS)),), depth)) for _ in range(2))
        product = _call("kron", u, w, shape=(dim_product(u.shape[0], w.shape[0]),))
    else:
        shapes = [draw(st.sampled_from(SHAPES_BY_KIND["matrix"])) for _ in range(2)]
        left, right = (draw(terms(s, depth)) for s in shapes)
        product = _call("kron", left, right, shape=(dim_product(shapes[0][0], shapes[1][0]),
                                                    dim_product(shapes[0][1], shapes[1][1])))
        if draw(st.booleans()) and shapes[0][0] == shapes[0][1] and shapes[1][0] == shapes[1][1]:
            return _call("tr", product, shape=())
    if draw(st.booleans()):
        product = _call(draw(st.sampled_from(["sin", "tanh", "exp"])), product)
    kind = draw(st.sampled_from(["sum", "norm2"]))
    if kind == "sum":
        return _call("sum", product, shape=())
    return Term("norm2", (product,), (), "call")


@st.composite
def _vec_product(draw, depth: int) -> Term:
    """``vec(E)'*vec(F)`` or ``vec(E)'*kron(u, w)`` (which is ``w'*E*u``)."""
    rows, cols = draw(st.sampled_from(SHAPES_BY_KIND["matrix"]))
    length = (dim_product(rows, cols),)
    left = Term("T", (_call("vec", draw(terms((rows, cols), depth)), shape=length),),
                (1, length[0]), "'")
    if draw(st.booleans()):
        right = _call("vec", draw(terms((rows, cols), depth)), shape=length)
    else:
        right = _call("kron", draw(terms((cols,), depth)), draw(terms((rows,), depth)),
                      shape=length)
    return _mul(left, right)


# -- rendering -------------------------------------------------------------------------------
def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def _wrap(term: Term, level: int) -> str:
    text, own = _render(term)
    return f"({text})" if own < level else text


def _render(term: Term) -> tuple[str, int]:
    op, args = term.op, term.args
    if op == "var":
        return term.value, ATOM
    if op == "num":
        if term.value < 0:
            return "-" + _number(-term.value), UNARY
        return _number(term.value), ATOM
    if op == "eye":
        return "eye", ATOM
    if op == "fill":
        kind = "vector" if len(term.shape) == 1 else "matrix"
        return f"{kind}({_number(term.value)})", ATOM
    if op in ("add", "sub"):
        sign = "+" if op == "add" else "-"
        return f"{_wrap(args[0], SUM)} {sign} {_wrap(args[1], PRODUCT)}", SUM
    if op == "neg":
        return "-" + _wrap(args[0], POWER), UNARY
    if op in ("mul", "had", "ediv", "div"):
        symbol = {"mul": term.value or "*", "had": " .* ", "ediv": " ./ ", "div": "/"}[op]
        return f"{_wrap(args[0], PRODUCT)}{symbol}{_wrap(args[1], UNARY)}", PRODUCT
    if op in ("pow", "epow"):
        symbol = "^" if op == "pow" else ".^"
        exponent = args[1]
        if exponent.op == "num":
            right = _render(exponent)[0]
        else:
            right = _wrap(exponent, ATOM)
        return f"{_wrap(args[0], POSTFIX)}{symbol}{right}", POWER
    if op == "T":
        return _wrap(args[0], POSTFIX) + term.value, POSTFIX
    if op == "call":
        return f"{term.value}({', '.join(_render(a)[0] for a in args)})", ATOM
    if op in ("norm2", "norm1"):
        inner = _render(args[0])[0]
        if term.value == "call" or "||" in inner:
            return f"{op}({inner})", ATOM
        if op == "norm1":
            return f"||{inner}||_1", ATOM
        suffix = "" if term.value == "bars" else ("_F" if len(args[0].shape) == 2 else "_2")
        return f"||{inner}||{suffix}", ATOM
    raise AssertionError(op)


def render(term: Term) -> str:
    """The term in matdiff's ASCII language."""
    return _render(term)[0]


def variables_of(term: Term) -> set[str]:
    if term.op == "var":
        return {term.value}
    return set().union(*(variables_of(a) for a in term.args)) if term.args else set()


# -- evaluation ------------------------------------------------------------------------------
@dataclass
class Trace:
    """What an evaluation saw that matters to finite differences: arguments of functions with
    a kink at zero, and the matrices that were inverted or whose determinant was taken."""

    kinks: list = field(default_factory=list)
    inverted: list = field(default_factory=list)
    largest: float = 0.0  # the largest magnitude of any intermediate value (inf if not finite)


def _expand(value: np.ndarray, rank: int) -> np.ndarray:
    """A batched value, padded with unit axes to broadcast against rank-``rank`` values."""
    return value.reshape(value.shape + (1,) * (rank + 1 - value.ndim))


def _as_matrix(value: np.ndarray, shape: tuple) -> np.ndarray:
    if not shape:
        return value[:, None, None]
    if len(shape) == 1:
        return value[:, :, None]
    return value


def _from_matrix(value: np.ndarray, shape: tuple) -> np.ndarray:
    if not shape:
        return value[:, 0, 0]
    if len(shape) == 1:
        return value[:, :, 0]
    return value


def _sigmoid(v):
    return 1 / (1 + np.exp(-v))


ELEMENTWISE = {
    "exp": np.exp, "log": np.log, "sin": np.sin, "cos": np.cos, "tan": np.tan,
    "arcsin": np.arcsin, "arccos": np.arccos, "arctan": np.arctan, "tanh": np.tanh,
    "sqrt": np.sqrt, "abs": np.abs, "sign": np.sign, "sigmoid": _sigmoid,
    "relu": lambda v: np.maximum(v, 0.0), "heaviside": lambda v: (v > 0).astype(float),
}
KINKED = {"abs", "sign", "relu", "heaviside"}

def _by_eigenvectors(f):
    """``f`` of a batch of diagonalisable matrices, ``V*diag(f(λ))*inv(V)`` (the drawn
    arguments are near the identity, their eigenvectors well conditioned)."""
    def apply(v):
        w, vecs = np.linalg.eig(v)
        return np.real(vecs @ (f(w)[..., None] * np.linalg.inv(vecs)))
    return apply


MATRIX_FUNCTIONS = {"expm": scipy.linalg.expm, "logm": _by_eigenvectors(np.log),
                    "sqrtm": _by_eigenvectors(np.sqrt)}
"""Each matrix function on a batch, by a method apart from matdiff's (SciPy's ``logm`` for
each matrix of a batch would dominate the suite's time)."""


def _reduce_axes(value: np.ndarray) -> tuple:
    return tuple(range(1, value.ndim))


def evaluate(term: Term, env: dict, trace: Trace | None = None) -> np.ndarray:
    """The value of ``term`` for a batch: ``env`` maps each variable to an array of shape
    ``(B,) + its shape``; the result has shape ``(B,) + numeric_shape(term.shape)``."""
    trace = Trace() if trace is None else trace
    batch = next(iter(env.values())).shape[0]
    memo: dict[int, np.ndarray] = {}

    def ev(t: Term) -> np.ndarray:
        key = id(t)
        if key not in memo:
            value = _evaluate(t, ev, env, batch, trace)
            size = float(np.max(np.abs(value), initial=0.0))
            trace.largest = max(trace.largest, size if np.isfinite(size) else np.inf)
            memo[key] = value
        return memo[key]

    return ev(term)


def _evaluate(t: Term, ev, env, batch: int, trace: Trace) -> np.ndarray:
    op, args, rank = t.op, t.args, len(t.shape)
    full = (batch,) + numeric_shape(t.shape)
    if op == "var":
        return np.asarray(env[t.value], dtype=float)
    if op == "num":
        return np.full((batch,), t.value)
    if op == "eye":
        return np.broadcast_to(np.eye(dim_size(t.shape[0])), full).copy()
    if op == "fill":
        return np.full(full, t.value)
    values = [ev(a) for a in args]
    if op in ("add", "sub", "had", "ediv", "div", "epow"):
        left, right = (_expand(v, rank) for v in values)
        if op == "add":
            out = left + right
        elif op == "sub":
            out = left - right
        elif op == "had":
            out = left * right
        elif op == "epow":
            out = left ** right
        else:
            out = left / right
        return np.broadcast_to(out, full).copy()
    if op == "neg":
        return -values[0]
    if op == "mul":
        a, b = args
        if not a.shape or not b.shape:
            return _expand(values[0], rank) * _expand(values[1], rank)
        product = _as_matrix(values[0], a.shape) @ _as_matrix(values[1], b.shape)
        return _from_matrix(product, t.shape)
    if op == "pow":
        base, exponent = args
        if not base.shape:
            return values[0] ** values[1]
        k = int(exponent.value)
        if k == -1:
            trace.inverted.append(values[0])
            return np.linalg.inv(values[0])
        return np.linalg.matrix_power(values[0], k)
    if op == "T":
        (a,) = args
        if not a.shape:
            return values[0]
        if len(a.shape) == 1:
            return values[0][:, None, :]
        if a.shape[0] == 1:
            return values[0][:, 0, :]
        return np.swapaxes(values[0], 1, 2)
    if op == "norm2":
        norm = np.sqrt(np.sum(values[0] ** 2, axis=_reduce_axes(values[0])))
        trace.kinks.append(norm)  # not differentiable where the argument is zero
        return norm
    if op == "norm1":
        trace.kinks.append(values[0])
        return np.sum(np.abs(values[0]), axis=_reduce_axes(values[0]))
    if op == "call":
        return _function(t, values, full, trace)
    raise AssertionError(op)


def _function(t: Term, values: list, full: tuple, trace: Trace) -> np.ndarray:
    name, arg = t.value, t.args[0]
    v = values[0]
    if name in ELEMENTWISE:
        if name in KINKED:
            trace.kinks.append(v)
        return ELEMENTWISE[name](v)
    if name == "tr":
        return v if not arg.shape else np.trace(v, axis1=1, axis2=2)
    if name in MATRIX_FUNCTIONS:
        return MATRIX_FUNCTIONS[name](v)
    if name == "det":
        trace.inverted.append(v)
        return np.linalg.det(v)
    if name == "logdet":
        trace.inverted.append(v)
        sign, logabs = np.linalg.slogdet(v)
        if np.any(sign <= 0):
            raise ValueError("logdet of a matrix with a non-positive determinant")
        return logabs
    if name == "inv":
        trace.inverted.append(v)
        return np.linalg.inv(v)
    if name == "sum":
        return np.sum(v, axis=_reduce_axes(v))
    if name == "logsumexp":
        top = np.max(v, axis=1, keepdims=True)
        return top[:, 0] + np.log(np.sum(np.exp(v - top), axis=1))
    if name == "softmax":
        e = np.exp(v - np.max(v, axis=1, keepdims=True))
        return e / np.sum(e, axis=1, keepdims=True)
    if name == "diag":
        if len(arg.shape) == 1:
            return v[:, :, None] * np.eye(v.shape[1])
        return np.diagonal(v, axis1=1, axis2=2).copy()
    if name == "vec":
        if len(arg.shape) == 1:
            return v
        return np.swapaxes(v, 1, 2).reshape(v.shape[0], -1)  # columns stacked
    if name == "kron":
        w = values[1]
        if v.ndim == 2:
            return np.einsum("zi,zk->zik", v, w).reshape(full)
        return np.einsum("zij,zkl->zikjl", v, w).reshape(full)
    raise AssertionError(name)
