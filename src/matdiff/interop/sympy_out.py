"""Writing an IR node as a SymPy expression: one rule per op (:data:`SYMPY_RULES`).

A vector of length ``n`` becomes an ``n×1`` ``MatrixSymbol``, a scalar variable a ``Symbol``,
a matrix an ``m×n`` ``MatrixSymbol``; symbolic dimensions become SymPy symbols of the same
name (a product of dimensions their product).  A scalar that SymPy holds as a ``1×1`` matrix
(``x'*A*x``) is used as its one entry ``(x.T*A*x)[0, 0]`` wherever SymPy needs a scalar (a
sum with scalars, a function's argument, a scale factor).  Element-wise functions of arrays
are ``applyfunc``; ``sum`` is a product with ones.  Ops with no SymPy matrix expression
(``vec``, index-form tensors, the Fréchet derivative …) raise :class:`UnsupportedError`
saying which; :data:`UNTRANSLATABLE` names them with the reason, and every op is in exactly
one of the two tables.  SymPy is passed in by the caller (it is optional).
"""

from __future__ import annotations

import operator
from functools import reduce
from typing import Any, Callable

from ..errors import UnsupportedError
from ..ir import Node, Op, Prod

__all__ = ["to_sympy", "SYMPY_RULES", "UNTRANSLATABLE", "ELEMENTWISE_SYMPY"]

ELEMENTWISE_SYMPY: dict[str, Callable[[Any, Any], Any]] = {
    "exp": lambda sp, a: sp.exp(a),
    "log": lambda sp, a: sp.log(a),
    "sin": lambda sp, a: sp.sin(a),
    "cos": lambda sp, a: sp.cos(a),
    "tan": lambda sp, a: sp.tan(a),
    "arcsin": lambda sp, a: sp.asin(a),
    "arccos": lambda sp, a: sp.acos(a),
    "arctan": lambda sp, a: sp.atan(a),
    "tanh": lambda sp, a: sp.tanh(a),
    "sqrt": lambda sp, a: sp.sqrt(a),
    "abs": lambda sp, a: sp.Abs(a),
    "sign": lambda sp, a: sp.sign(a),
    "sigmoid": lambda sp, a: 1 / (1 + sp.exp(-a)),
    "relu": lambda sp, a: sp.Max(0, a),
    "heaviside": lambda sp, a: sp.Heaviside(a, 0),
}
"""matdiff's element-wise functions as functions of one SymPy scalar."""

UNTRANSLATABLE = {
    Op.DIFF: "a differential dX (inside a derivation, never a result)",
    Op.FUSE: "the vec/Kronecker selection tensor (order 3)",
    Op.VEC: "vec (SymPy's matrix expressions cannot stack columns)",
    Op.EINSUM: "a tensor in index form (SymPy's matrix expressions have two axes)",
    Op.MATFUNC: "a matrix function such as expm (SymPy has no matrix expression for it)",
    Op.FRECHET: "the Fréchet derivative of a matrix function",
}
"""The ops with no SymPy matrix expression, and why."""


class _Writer:
    def __init__(self, sp):
        self.sp = sp
        self.done: dict[int, Any] = {}

    def dim(self, d) -> Any:
        if isinstance(d, int):
            return self.sp.Integer(d)
        if isinstance(d, Prod):
            return self.sp.Mul(d.coef, *(self.sp.Symbol(n) for n in d.names))
        return self.sp.Symbol(str(d))

    def matrix_shape(self, shape: tuple) -> tuple:
        """The ``rows, cols`` of a node's shape in SymPy (a vector is a column)."""
        dims = tuple(self.dim(d) for d in shape)
        return dims if len(dims) == 2 else (dims + (self.sp.Integer(1),))

    def scalar(self, value):
        """A SymPy scalar for a scalar node: the one entry of a ``1×1`` matrix expression
        (built as ``MatrixElement``: indexing would expand the product into a sum)."""
        if isinstance(value, self.sp.MatrixExpr):
            from sympy.matrices.expressions.matexpr import MatrixElement

            return MatrixElement(value, 0, 0)
        return value

    def made(self, cls, *args):
        """``cls(*args)`` in SymPy's canonical form, except around the entry of a ``1×1``
        matrix, which SymPy's ``doit`` would expand into a sum over indices."""
        from sympy.matrices.expressions.matexpr import MatrixElement

        expr = cls(*args)
        if any(isinstance(a, self.sp.Basic) and a.has(MatrixElement) for a in args):
            return expr
        return expr.doit(deep=False)

    def times(self, s, a):
        """Scalar ``s`` times ``a`` (a matrix expression or a scalar)."""
        if s == 1:
            return a
        if isinstance(a, self.sp.MatrixExpr):
            return self.made(self.sp.MatMul, s, a)
        return s * a

    def ones(self, shape: tuple):
        return self.sp.OneMatrix(*self.matrix_shape(shape))

    def sum_entries(self, value, shape: tuple):
        """``sum`` as SymPy writes it: ``1' A 1``, a scalar."""
        if not shape:
            return self.scalar(value)
        rows, cols = self.matrix_shape(shape)
        total = self.made(self.sp.MatMul, self.sp.OneMatrix(1, rows), value)
        if cols != 1:
            total = self.made(self.sp.MatMul, total, self.sp.OneMatrix(cols, 1))
        return self.scalar(total)

    def entrywise(self, fn: Callable, value, shape: tuple):
        """``fn`` of each entry: the function itself on a scalar, ``applyfunc`` on an array."""
        if not shape:
            return fn(self.scalar(value))
        return value.applyfunc(fn)

    def write(self, node: Node):
        for sub in node.walk():
            if id(sub) in self.done:
                continue
            if sub.op in UNTRANSLATABLE:
                raise UnsupportedError(f"cannot translate into SymPy: {UNTRANSLATABLE[sub.op]}")
            args = [self.done[id(a)] for a in sub.args]
            self.done[id(sub)] = SYMPY_RULES[sub.op](self, sub, args)
        return self.done[id(node)]


def _var(w: _Writer, node: Node, args):
    name = node.attrs[0]
    if node.rank == 0:
        return w.sp.Symbol(name)
    if node.rank > 2:
        raise UnsupportedError(f"cannot translate into SymPy: the tensor {name} of order "
                               f"{node.rank}")
    return w.sp.MatrixSymbol(name, *w.matrix_shape(node.shape))


def _number(w: _Writer, value: float):
    exact = w.sp.Rational(value).limit_denominator(1000)
    return exact if float(exact) == value else w.sp.Float(value)


def _fill(w: _Writer, node: Node, args):
    value = _number(w, node.attrs[0])
    if not node.shape:
        return value
    if node.rank > 2:
        raise UnsupportedError("cannot translate into SymPy: a constant tensor of order > 2")
    return w.ones(node.shape) if value == 1 else value * w.ones(node.shape)


def _add(w: _Writer, node: Node, args):
    if not node.shape:
        return reduce(operator.add, (w.scalar(a) for a in args))
    terms = [w.times(w.scalar(a), w.ones(node.shape)) if not t.shape else a
             for t, a in zip(node.args, args)]
    return w.made(w.sp.MatAdd, *terms)


def _scale(w: _Writer, node: Node, args):
    s, a = args
    return w.times(w.scalar(s), w.scalar(a) if not node.shape else a)


def _hadamard(w: _Writer, node: Node, args):
    if not node.shape:
        return w.scalar(args[0]) * w.scalar(args[1])
    return w.made(w.sp.HadamardProduct, *args)


def _div(w: _Writer, node: Node, args):
    (top, bottom), (a, b) = node.args, args
    if not bottom.shape:
        return w.times(1 / w.scalar(b), w.scalar(a) if not top.shape else a)
    inverse = w.sp.HadamardPower(b, -1)
    if not top.shape:
        return w.times(w.scalar(a), inverse)
    return w.made(w.sp.HadamardProduct, a, inverse)


def _pow(w: _Writer, node: Node, args):
    (base, exponent), (a, p) = node.args, args
    if exponent.shape:
        if base.shape:
            raise UnsupportedError("cannot translate into SymPy: an element-wise power whose "
                                   "base and exponent are both arrays")
        return p.applyfunc(lambda t: w.scalar(a) ** t)
    if not base.shape:
        return w.scalar(a) ** w.scalar(p)
    return w.sp.HadamardPower(a, w.scalar(p))


def _func(w: _Writer, node: Node, args):
    fn = ELEMENTWISE_SYMPY[node.attrs[0]]
    return w.entrywise(lambda t: fn(w.sp, t), args[0], node.args[0].shape)


def _transpose(w: _Writer, node: Node, args):
    return args[0] if not node.args[0].shape else w.sp.Transpose(args[0])


def _norm2(w: _Writer, node: Node, args):
    (a,), (inner,) = args, node.args
    if not inner.shape:
        return w.sp.Abs(w.scalar(a))
    return w.sp.sqrt(w.scalar(w.sp.Trace(w.made(w.sp.MatMul, w.sp.Transpose(a), a))))


def _norm1(w: _Writer, node: Node, args):
    inner = node.args[0]
    if not inner.shape:
        return w.sp.Abs(w.scalar(args[0]))
    return w.sum_entries(args[0].applyfunc(w.sp.Abs), inner.shape)


def _logsumexp(w: _Writer, node: Node, args):
    inner = node.args[0]
    return w.sp.log(w.sum_entries(w.entrywise(w.sp.exp, args[0], inner.shape), inner.shape))


def _softmax(w: _Writer, node: Node, args):
    inner = node.args[0]
    e = w.entrywise(w.sp.exp, args[0], inner.shape)
    return w.times(1 / w.sum_entries(e, inner.shape), e)


SYMPY_RULES: dict[Op, Callable[[_Writer, Node, list], Any]] = {
    Op.VAR: _var,
    Op.CONST: lambda w, node, args: _number(w, node.attrs[0]),
    Op.EYE: lambda w, node, args: w.sp.Identity(w.dim(node.shape[0])),
    Op.FILL: _fill,
    Op.ADD: _add,
    Op.NEG: lambda w, node, args: w.times(-1, args[0]) if node.shape else -w.scalar(args[0]),
    Op.SCALE: _scale,
    Op.MATMUL: lambda w, node, args: w.made(w.sp.MatMul, *args),
    Op.HADAMARD: _hadamard,
    Op.DIV: _div,
    Op.POW: _pow,
    Op.MATPOW: lambda w, node, args: w.sp.MatPow(args[0], node.attrs[0]),
    Op.TRANSPOSE: _transpose,
    Op.TRACE: lambda w, node, args: w.sp.Trace(args[0]),
    Op.DET: lambda w, node, args: w.sp.Determinant(args[0]),
    Op.LOGDET: lambda w, node, args: w.sp.log(w.sp.Determinant(args[0])),
    Op.INV: lambda w, node, args: w.sp.Inverse(args[0]),
    Op.DIAGM: lambda w, node, args: w.sp.DiagMatrix(args[0]),
    Op.DIAGV: lambda w, node, args: w.sp.DiagonalOf(args[0]),
    Op.SUM: lambda w, node, args: w.sum_entries(args[0], node.args[0].shape),
    Op.KRON: lambda w, node, args: w.sp.KroneckerProduct(*args),
    Op.NORM2: _norm2,
    Op.NORM1: _norm1,
    Op.FUNC: _func,
    Op.LOGSUMEXP: _logsumexp,
    Op.SOFTMAX: _softmax,
}
"""Each translatable op's SymPy form, from its arguments' SymPy forms."""


def to_sympy(node: Node, sp) -> Any:
    """``node`` as a SymPy expression (``sp`` is the ``sympy`` module)."""
    return _Writer(sp).write(node)
