"""The LaTeX printer: IR as a math page typesets it, in a form the LaTeX parser reads back.

A visitor with one rule per op, like the text printer (:mod:`.text`), over the LaTeX column of
the one precedence table (:data:`matdiff.ir.vocabulary.PRECEDENCE`): the LaTeX grammar
(``parsing/latex.lark``) has juxtaposition, which binds tighter than any written operator.
Functions print with the head the vocabulary gives them (``\\exp``, ``\\det``,
``\\operatorname{tr}``).  Matrix and scalar products print as juxtaposition
(``D^\\top (D W - X)``), Hadamard and Kronecker products as ``\\odot`` and ``\\otimes``, a
division by a scalar as ``\\frac``, an inverse as ``^{-1}``.  Functions always take
parentheses, so a printed call never swallows the factors after it.  Signs and parentheses
follow the text printer's rules, since both parsers hand inference the same tree:
``-A B`` is ``-(A*B)``, ``(2 A) B`` keeps its grouping, a flat sum prints flat.

Names print so the parser keeps them whole whatever is declared: a single letter or a Greek
letter as itself with an optional subscript (``W_{1}``, ``\\lambda_{2}``), anything else as
one italic identifier (``\\mathit{Wout}``, ``\\mathit{x\\_1\\_2}``).  ``I`` prints as
``\\mathit{I}`` and the identity as ``I``; a variable ``e`` under a power is braced
(``{e}^{2}``), since ``e^{x}`` reads as the exponential.  Absolute values of scalars
and vectors print as ``\\lvert x \\rvert`` (two bars in a row would read as a norm); of a
matrix as ``\\operatorname{abs}(A)``, since ``|A|`` of a matrix reads as its determinant.
Index-form tensors (``EINSUM``) have no matrix form and raise :class:`UnsupportedError`.
"""

from __future__ import annotations

import re

from decimal import Decimal

from ..errors import UnsupportedError
from ..ir import Node, Op, build, deep_recursion
from ..ir.nodes import leading_number
from ..ir.vocabulary import (ATOM, CALLS, FRECHET_OF, FUNCTIONS, GREEK_LETTERS, INNER, JUXT,
                             POSTFIX, PRODUCT, SUM, UNARY, binding)

__all__ = ["to_latex", "latex_name", "latex_number"]

_NORM_BAR = "\\|"
_ABS_BAR = "\\lvert"
_PLAIN_SUBSCRIPT = re.compile(r"([A-Za-z])_([A-Za-z0-9]+)")
_GREEK = re.compile(rf"({'|'.join(GREEK_LETTERS)})(?:_([A-Za-z0-9]+))?")


def latex_number(value: float) -> str:
    """A number as the LaTeX grammar reads it back exactly (no exponent notation)."""
    if abs(value) < 1e15 and value == int(value):
        return str(int(value))
    if value != value or abs(value) == float("inf"):  # a value past a double's range
        return {"nan": "\\mathrm{NaN}", "inf": "\\infty", "-inf": "-\\infty"}[repr(value)]
    return format(Decimal(repr(value)), "f")


def latex_name(name: str) -> str:
    """A variable's name, written so that the parser reads back exactly this name."""
    greek = _GREEK.fullmatch(name)
    if greek:
        base, sub = greek.groups()
        return f"\\{base}" + (f"_{{{sub}}}" if sub else "")
    if len(name) == 1 and name != "I":
        return name
    plain = _PLAIN_SUBSCRIPT.fullmatch(name)
    if plain and plain.group(1) != "I":
        return f"{plain.group(1)}_{{{plain.group(2)}}}"
    return "\\mathit{" + name.replace("_", "\\_") + "}"


def _leftmost(node: Node) -> Node:
    while node.op in (Op.MATMUL, Op.SCALE):
        node = node.args[0]
    return node


def _negative(node: Node) -> bool:
    return node.op is Op.CONST and node.attrs[0] < 0


def _parenthesised(text: str) -> str:
    """``(text)``, with ``\\left``/``\\right`` when a fraction makes it tall."""
    return f"\\left({text}\\right)" if "\\frac" in text else f"({text})"


def to_latex(node: Node, frobenius: bool = False) -> str:
    """``node`` in LaTeX.  With ``frobenius``, ``sum(A.*B)`` prints as ``A : B`` (which the
    LaTeX parser also reads)."""
    with deep_recursion():
        return _Printer(frobenius).show(node)


class _Printer:
    def __init__(self, frobenius: bool):
        self.frobenius = frobenius
        self.bars: str | None = None  # the bar of the innermost \|...\| or |...| printed

    # -- dispatch and precedence -----------------------------------------------------------
    def show(self, node: Node) -> str:
        if self.is_frobenius(node):
            a, b = node.args[0].args
            return f"{self.wrap(a, PRODUCT)} : {self.wrap(b, PRODUCT)}"
        method = getattr(self, "p_" + node.op.name.lower(), None)
        if method is not None:
            return method(node)
        if node.op in CALLS:
            return self.call(CALLS[node.op].latex_head, node.args[0])
        raise UnsupportedError(f"{node.op.value} has no LaTeX form")

    def is_frobenius(self, node: Node) -> bool:
        return self.frobenius and node.op is Op.SUM and node.args[0].op is Op.HADAMARD

    def level(self, node: Node) -> int:
        """The op's LaTeX precedence, except where it depends on the node: a negative
        constant, and a scale by one (``-2 x``), are ``UNARY``; a division by a scalar is a
        ``\\frac`` (an atom); a Frobenius product is ``INNER``."""
        if node.op in (Op.CONST, Op.SCALE) and _negative(_leftmost(node)):
            return UNARY
        if node.op is Op.DIV and node.args[1].is_scalar:
            return ATOM
        if self.is_frobenius(node):
            return INNER
        return binding(node.op).latex

    def wrap(self, node: Node, need: int) -> str:
        text = self.show(node)
        return _parenthesised(text) if self.level(node) < need else text

    def grouped(self, node: Node) -> str:
        """``node`` inside brackets of its own: bars outside no longer constrain it."""
        outer, self.bars = self.bars, None
        try:
            return self.show(node)
        finally:
            self.bars = outer

    def barred(self, bar: str, node: Node) -> str:
        outer, self.bars = self.bars, bar
        try:
            return self.show(node)
        finally:
            self.bars = outer

    def p_matfunc(self, node):
        return self.call(FUNCTIONS[node.attrs[0]].latex_head, node.args[0])

    def p_frechet(self, node):
        """``L_{\\exp}(X, E)``; a direction with a derivative per index has no matrix form."""
        if node.rank > 2:
            raise UnsupportedError("a Fréchet derivative per index has no matrix form")
        args = ", ".join(self.grouped(a) for a in node.args)
        return FRECHET_OF[node.attrs[0]].latex_head + _parenthesised(args)

    def call(self, name: str, arg: Node) -> str:
        return name + _parenthesised(self.grouped(arg))

    # -- leaves ----------------------------------------------------------------------------
    def p_var(self, node):
        return latex_name(node.attrs[0])

    def p_diff(self, node):
        return "\\mathrm{d}" + latex_name(node.args[0].attrs[0])

    def p_const(self, node):
        return latex_number(node.attrs[0])

    def p_eye(self, node):
        return "I"

    def p_fill(self, node):
        value = node.attrs[0]
        if node.rank == 1 and value == 1:
            return "\\mathbf{1}"
        if node.rank > 2:
            raise UnsupportedError("a constant tensor of order > 2 has no LaTeX form")
        kind = "vector" if node.rank == 1 else "matrix"
        return f"\\operatorname{{{kind}}}({latex_number(value)})"

    def p_fuse(self, node):
        raise UnsupportedError("the vec/kron selection tensor has no LaTeX matrix form")

    def p_einsum(self, node):
        raise UnsupportedError("an index-form tensor has no LaTeX matrix form: print it in "
                               "index notation")

    # -- sums and products -----------------------------------------------------------------
    def p_add(self, node):
        parts = []
        for k, term in enumerate(node.args):
            lead = leading_number(term)
            if k and term.op is Op.NEG:
                (a,) = term.args
                folds = a.op is Op.CONST or leading_number(a) is not None
                parts.append(" - " + (f"({self.show(a)})" if folds else self.wrap(a, PRODUCT)))
            elif k and term.op is Op.CONST and term.attrs[0] < 0:
                parts.append(" - " + latex_number(-term.attrs[0]))
            elif k and lead is not None and lead < 0:
                parts.append(" - " + self.show(build.negate_leading_number(term)))
            else:
                need = SUM + (1 if k or term.op is Op.ADD else 0)
                parts.append((" + " if k else "") + self.wrap(term, need))
        return "".join(parts)

    def p_neg(self, node):
        (a,) = node.args
        if a.op is Op.CONST:
            return f"-({self.show(a)})"
        if a.op in (Op.MATMUL, Op.SCALE) and self.plain_left(a):
            return "-" + self.show(a)
        return "-" + self.wrap(a, POSTFIX if a.op is not Op.NEG else UNARY)

    def plain_left(self, product: Node) -> bool:
        """The product's leftmost factor prints without a sign or parentheses, so a sign in
        front of it reads (as in ASCII) as the sign of the whole product."""
        left = _leftmost(product)
        return self.level(left) >= POSTFIX and left.op is not Op.CONST

    def juxtapose(self, left: str, right: str) -> str:
        if self.bars is not None and right.startswith(self.bars):
            right = _parenthesised(right)
        if left.endswith("\\sigma") and right.startswith("("):
            left = left[:-6] + "{\\sigma}"  # the name: \sigma(...) is the sigmoid (SPEC §3)
        return left + (" \\, " if right[0].isdigit() else " ") + right

    def right_factor(self, b: Node) -> str:
        """The right operand of a juxtaposition: a product or a sign takes parentheses."""
        return self.wrap(b, POSTFIX)

    def p_scale(self, node):
        s, a = node.args
        right = self.show(a) if a.op is Op.MATMUL else self.right_factor(a)
        left = self.show(s) if s.op is Op.CONST else self.wrap(s, JUXT)
        return self.juxtapose(left, right)

    def p_matmul(self, node):
        a, b = node.args
        left = self.wrap(a, POSTFIX if a.op is Op.SCALE else JUXT)
        return self.juxtapose(left, self.right_factor(b))

    def explicit(self, node, symbol: str) -> str:
        a, b = node.args
        return f"{self.wrap(a, PRODUCT)} {symbol} {self.wrap(b, UNARY)}"

    def p_hadamard(self, node):
        return self.explicit(node, "\\odot")

    def p_kron(self, node):
        return self.explicit(node, "\\otimes")

    def p_div(self, node):
        a, b = node.args
        if not b.is_scalar:
            return self.explicit(node, "\\oslash")
        return f"\\frac{{{self.grouped(a)}}}{{{self.grouped(b)}}}"

    # -- postfix ---------------------------------------------------------------------------
    def base(self, node: Node) -> str:
        if node.op is Op.VAR and node.attrs[0] == "e":
            return "{e}"
        if node.op is Op.DIV and node.args[1].is_scalar:
            return _parenthesised(self.show(node))
        return self.wrap(node, ATOM)

    def exponent(self, node: Node) -> str:
        if node.op is Op.VAR and node.attrs[0] == "T":
            return "(T)"
        if node.op is Op.NEG and node.args[0].op is Op.VAR and node.args[0].attrs[0] == "T":
            return "-(T)"
        return self.grouped(node)

    def p_pow(self, node):
        a, p = node.args
        if a.is_scalar:
            return f"{self.base(a)}^{{{self.exponent(p)}}}"
        return f"{self.base(a)}^{{\\circ {self.exponent(p)}}}"

    def p_matpow(self, node):
        return f"{self.base(node.args[0])}^{{{node.attrs[0]}}}"

    def p_inv(self, node):
        return f"{self.base(node.args[0])}^{{-1}}"

    def p_transpose(self, node):
        (a,) = node.args
        if a.op is Op.INV:
            return f"{self.base(a.args[0])}^{{-\\top}}"
        return f"{self.base(a)}^\\top"

    # -- functions and norms ---------------------------------------------------------------
    def p_func(self, node):
        name, (arg,) = node.attrs[0], node.args
        if name == "sqrt":
            return f"\\sqrt{{{self.grouped(arg)}}}"
        if name == "abs" and arg.rank < 2:
            return f"\\lvert {self.barred(_ABS_BAR, arg)} \\rvert"
        return self.call(FUNCTIONS[name].latex_head, arg)

    def p_norm2(self, node):
        (arg,) = node.args
        suffix = {0: "", 1: "_2"}.get(arg.rank, "_F")
        return f"{_NORM_BAR}{self.barred(_NORM_BAR, arg)}{_NORM_BAR}{suffix}"

    def p_norm1(self, node):
        return f"{_NORM_BAR}{self.barred(_NORM_BAR, node.args[0])}{_NORM_BAR}_1"
