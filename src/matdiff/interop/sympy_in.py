"""Reading a SymPy expression into matdiff's IR, with one rule per SymPy class.

:func:`sympy_node` walks a SymPy matrix (or scalar) expression with :data:`_RULES`, looked up
along the class's MRO, and builds the node with the checked constructors of
:mod:`matdiff.ir.build`, so SymPy's tree is kept as it is and every size stays what SymPy
says: ``Identity(n)`` is ``eye`` of size ``n``, ``OneMatrix(m, n)`` ones of that shape.  A
``MatrixSymbol`` ``n×1`` is a vector of length ``n``, other ``MatrixSymbol`` s matrices, a
``Symbol`` a scalar; symbolic sizes are SymPy symbols and become dimension names.  The body of
an element-wise ``applyfunc`` is read entry by entry over the matrix it applies to.  Anything
else raises :class:`UnsupportedError` naming the SymPy class and the subexpression.  SymPy is
passed in by the caller (it is optional); this module only reads the objects it is given.
"""

from __future__ import annotations

import re
from functools import reduce
from typing import Any, Callable

from ..errors import ArgumentError, UnsupportedError
from ..ir import Dim, Node, Op, build, dim_mul
from ..ir.vocabulary import KIND_ALIASES, KIND_RANKS

__all__ = ["sympy_node", "SYMPY_FUNCTIONS"]

SYMPY_FUNCTIONS = {
    "exp": "exp", "log": "log", "sin": "sin", "cos": "cos", "tan": "tan", "asin": "arcsin",
    "acos": "arccos", "atan": "arctan", "tanh": "tanh", "Abs": "abs", "sign": "sign",
    "Heaviside": "heaviside",
}
"""SymPy's element-wise functions by class name, and matdiff's name for each."""

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_PROPERTY_KINDS = ("symmetric", "spd")


class _Reader:
    """One translation: the variables met on the way and the kinds asked for."""

    def __init__(self, sp, kinds: dict[str, str]):
        self.sp = sp
        self.kinds = kinds
        self.variables: dict[str, Node] = {}
        self.bound: dict[Any, Node] = {}  # an applyfunc's dummy -> the matrix it stands for

    def node(self, expr) -> Node:
        if expr in self.bound:
            return self.bound[expr]
        for cls in type(expr).__mro__:
            rule = _RULES.get(cls.__name__)
            if rule is not None:
                return rule(self, expr)
        if isinstance(expr, self.sp.Function):
            return self.function(expr)
        raise UnsupportedError(f"cannot translate SymPy's {type(expr).__name__} into matdiff: "
                               f"{expr}")

    def args(self, expr) -> list[Node]:
        return [self.node(a) for a in expr.args]

    def variable(self, name: str, shape: tuple) -> Node:
        if not _NAME.match(name):
            raise UnsupportedError(f"the SymPy name {name!r} is not a matdiff name (letters, "
                                   "digits and _, starting with a letter)")
        kind = KIND_ALIASES.get(self.kinds.get(name, ""), self.kinds.get(name, ""))
        if kind and kind not in KIND_RANKS:
            raise ArgumentError(f"unknown kind {kind!r} for {name}: use one of "
                                f"{', '.join(KIND_RANKS)}")
        if kind and KIND_RANKS[kind] != len(shape):
            raise ArgumentError(f"{name} cannot be {kind}: it has shape {shape} in SymPy")
        if kind in _PROPERTY_KINDS and shape[0] != shape[1]:
            raise ArgumentError(f"{name} cannot be {kind}: it is not square in SymPy")
        var = build.var(name, shape, kind if kind in _PROPERTY_KINDS else "")
        if self.variables.setdefault(name, var) is not var:
            raise ArgumentError(f"{name} has two shapes in the SymPy expression: "
                                f"{self.variables[name].shape} and {shape}")
        return var

    def dim(self, size, expr) -> Dim:
        if isinstance(size, (int, self.sp.Integer)):
            return int(size)
        if isinstance(size, self.sp.Symbol) and _NAME.match(size.name):
            return size.name
        if isinstance(size, self.sp.Mul):
            return dim_mul(*(self.dim(factor, expr) for factor in size.args))
        raise UnsupportedError(f"the size {size} of {expr} is neither a number nor a symbol: "
                               "matdiff's dimensions are names or integers")

    def shape(self, expr) -> tuple:
        """A matrix expression's shape in matdiff: a column ``n×1`` is a vector."""
        rows, cols = (self.dim(d, expr) for d in expr.shape)
        return (rows,) if cols == 1 else (rows, cols)

    def function(self, expr) -> Node:
        name = SYMPY_FUNCTIONS.get(type(expr).__name__)
        if name is None or not expr.args:
            raise UnsupportedError(f"cannot translate the SymPy function {expr.func} into "
                                   f"matdiff: {expr}")
        return build.func(name, self.node(expr.args[0]))


def _matrix_symbol(r: _Reader, expr) -> Node:
    rows, cols = (r.dim(d, expr) for d in expr.shape)
    if rows == 1:
        raise UnsupportedError(f"the SymPy matrix symbol {expr.name} has one row: matdiff's "
                               "vectors are columns (use an n×1 symbol and transpose it), its "
                               "scalars SymPy Symbols")
    return r.variable(expr.name, r.shape(expr))


def _number(r: _Reader, expr) -> Node:
    if not expr.is_real:
        raise UnsupportedError(f"the number {expr} is not a real number")
    return build.const(float(expr))


def _mul(r: _Reader, expr) -> Node:
    """A product: scalars scale, matrices multiply, and inside an ``applyfunc`` body arrays
    multiply entry by entry."""
    first, *rest = expr.args
    if first == -1 and rest:
        return build.neg(r.node(expr.func(*rest)))

    summed = _sum_of_entries(r, expr)
    if summed is not None:
        return summed

    def times(a: Node, b: Node) -> Node:
        if a.shape and b.shape and expr.is_commutative:
            return build.hadamard(a, b)
        return build.mul(a, b)
    return reduce(times, r.args(expr))


def _sum_of_entries(r: _Reader, expr) -> Node | None:
    """``1' M 1`` (or ``1' v`` of a column): the sum of the entries, as matdiff writes it."""
    args = list(expr.args)
    ones = r.sp.OneMatrix
    if expr.is_commutative or len(args) < 2 or not isinstance(args[0], ones) \
            or args[0].rows != 1:
        return None
    if isinstance(args[-1], ones) and args[-1].cols == 1 and len(args) > 2:
        inner = args[1:-1]
    elif args[-1].cols == 1:
        inner = args[1:]
    else:
        return None
    return build.unary(Op.SUM, reduce(build.mul, (r.node(a) for a in inner)))


def _pow(r: _Reader, expr) -> Node:
    base, exponent = r.args(expr)
    if expr.exp == r.sp.Rational(1, 2):
        return build.func("sqrt", base)
    if expr.exp == -1:
        return build.div(build.ONE, base)
    return build.power(base, exponent)


def _max(r: _Reader, expr) -> Node:
    others = [a for a in expr.args if a != 0]
    if len(others) == 1 and len(expr.args) == 2:
        return build.func("relu", r.node(others[0]))
    raise UnsupportedError(f"cannot translate SymPy's Max into matdiff: {expr} (only "
                           "Max(0, x), the relu)")


def _mat_pow(r: _Reader, expr) -> Node:
    base, k = expr.args
    if not k.is_Integer:
        raise UnsupportedError(f"the matrix power {expr} has an exponent that is not an "
                               "integer")
    node = r.node(base)
    if k < 0:
        node, k = build.unary(Op.INV, node), -k
    return node if k == 1 else build.matpow(node, int(k))


def _filled(value: float) -> Callable[[_Reader, Any], Node]:
    def rule(r: _Reader, expr) -> Node:
        rows, cols = (r.dim(d, expr) for d in expr.shape)
        if rows == 1 and cols != 1:
            return build.transpose(build.fill(value, (cols,)))
        return build.fill(value, r.shape(expr))
    return rule


def _entry(r: _Reader, expr) -> Node:
    parent, i, j = expr.args
    if parent.shape == (1, 1) and i == 0 and j == 0:
        return r.node(parent)
    raise UnsupportedError(f"cannot translate the entry {expr} into matdiff: only the one "
                           "entry of a 1×1 matrix (a scalar) reads as an expression")


def _applyfunc(r: _Reader, expr) -> Node:
    fn, arg = expr.function, expr.expr
    if not isinstance(fn, r.sp.Lambda):
        d = r.sp.Dummy("d")
        fn = r.sp.Lambda(d, fn(d))
    (d,), body = fn.variables, fn.expr
    r.bound[d] = r.node(arg)
    try:
        return r.node(body)
    finally:
        del r.bound[d]


def _unary(op: Op) -> Callable[[_Reader, Any], Node]:
    return lambda r, expr: build.unary(op, r.node(expr.args[0]))


def _fold(combine: Callable[[Node, Node], Node]) -> Callable[[_Reader, Any], Node]:
    return lambda r, expr: reduce(combine, r.args(expr))


_RULES: dict[str, Callable[[_Reader, Any], Node]] = {
    "MatrixSymbol": _matrix_symbol,
    "Symbol": lambda r, expr: r.variable(expr.name, ()),
    "Number": _number,
    "NumberSymbol": _number,
    "Add": lambda r, expr: build.add(*r.args(expr)),
    "MatAdd": lambda r, expr: build.add(*r.args(expr)),
    "Mul": _mul,
    "MatMul": _mul,
    "Pow": _pow,
    "Max": _max,
    "MatPow": _mat_pow,
    "Inverse": _unary(Op.INV),
    "Transpose": lambda r, expr: build.transpose(r.node(expr.args[0])),
    "Trace": _unary(Op.TRACE),
    "Determinant": _unary(Op.DET),
    "HadamardProduct": _fold(build.hadamard),
    "HadamardPower": lambda r, expr: build.power(*r.args(expr)),
    "KroneckerProduct": _fold(lambda a, b: build.construct(Op.KRON, (a, b), ())),
    "Identity": lambda r, expr: build.eye(r.dim(expr.rows, expr)),
    "ZeroMatrix": _filled(0.0),
    "OneMatrix": _filled(1.0),
    "DiagMatrix": _unary(Op.DIAGM),
    "DiagonalOf": _unary(Op.DIAGV),
    "DiagonalMatrix": lambda r, expr: build.unary(Op.DIAGM,
                                                  build.unary(Op.DIAGV, r.node(expr.args[0]))),
    "MatrixElement": _entry,
    "ElementwiseApplyFunction": _applyfunc,
}


def sympy_node(expr, sp, kinds: dict[str, str]) -> tuple[Node, dict[str, Node]]:
    """``expr`` (SymPy) as a node, and its variables in order of appearance; ``kinds`` gives
    a name a kind (``"symmetric"``, ``"spd"``; names not in ``expr`` are ignored, as by
    ``parse``)."""
    if not isinstance(expr, sp.Basic):
        raise ArgumentError(f"from_sympy takes a SymPy expression, got {type(expr).__name__}")
    reader = _Reader(sp, kinds)
    return reader.node(expr), reader.variables
