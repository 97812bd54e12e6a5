"""The text printer: IR back to the ASCII language, so that a printed result parses back.

A visitor with one rule per op and the text column of the one precedence table
(:data:`matdiff.ir.vocabulary.PRECEDENCE`); an operator written as a call prints by its name
in the vocabulary (``Op.TRACE`` as ``tr(...)``).
Products print tight (``D'*(D*W - X)``), sums with spaces, and a sum's negated terms as
subtraction.  Nodes that the language cannot write — index-form tensors (``EINSUM``), the
vec/kron selection tensor, a differential — raise :class:`NotInLanguage`; callers then print
index notation instead (:mod:`.index`).
"""

from __future__ import annotations

from ..ir import Node, Op, build, deep_recursion
from ..ir.nodes import leading_number
from ..ir.vocabulary import (ATOM, CALLS, FRECHET_OF, INNER, POSTFIX, POWER, PRODUCT, SUM,
                              UNARY, binding)

__all__ = ["to_text", "NotInLanguage", "number_text", "in_language"]


class NotInLanguage(ValueError):
    """The node has no form in the expression language."""


def number_text(value: float) -> str:
    if abs(value) < 1e15 and value == int(value):
        return str(int(value))
    return repr(value)


_UNWRITABLE = frozenset({Op.EINSUM, Op.FUSE, Op.DIFF})


def in_language(node: Node) -> bool:
    """True when ``node`` can be written in the expression language."""
    seen = {id(node)}
    stack = [node]
    while stack:
        n = stack.pop()
        if n.op in _UNWRITABLE or (n.op is Op.FILL and len(n.shape) > 2):
            return False
        for a in n.args:
            if id(a) not in seen:
                seen.add(id(a))
                stack.append(a)
    return True


def to_text(node: Node, diff_prefix: str = "d", frobenius: bool = False) -> str:
    """``node`` in the ASCII language.

    With ``frobenius``, ``sum(A.*B)`` prints as the Frobenius product ``A : B`` (and
    ``sum(x.*y)`` of vectors as ``x'*y``), the way derivations write differentials; that form
    is for reading, not for parsing back.
    """
    with deep_recursion():
        return _Printer(diff_prefix, frobenius).show(node)


class _Printer:
    """Prints one expression; a subexpression that occurs several times (one node: the IR is
    a DAG) is printed once and its text reused."""

    def __init__(self, diff_prefix: str, frobenius: bool = False):
        self.diff_prefix, self.frobenius = diff_prefix, frobenius
        self.shown: dict[int, str] = {}

    def show(self, node: Node) -> str:
        text = self.shown.get(id(node))
        if text is None:
            if self.frobenius and node.op is Op.SUM and node.args[0].op is Op.HADAMARD:
                a, b = node.args[0].args
                text = f"{self.wrap(a, PRODUCT)} : {self.wrap(b, PRODUCT)}"
            else:
                text = _SHOW[node.op](self, node)
            self.shown[id(node)] = text
        return text

    def level(self, node: Node) -> int:
        if self.frobenius and node.op is Op.SUM and node.args[0].op is Op.HADAMARD:
            return INNER
        if node.op is Op.NEG and self._sign_of_product(node.args[0]):
            return PRODUCT  # -A*B reads as -(A*B): a product, not a unary minus
        if node.op is Op.CONST and node.attrs[0] < 0:
            return UNARY
        return binding(node.op).text

    def wrap(self, node: Node, need: int) -> str:
        text = self.show(node)
        return f"({text})" if self.level(node) < need else text

    def p_var(self, node):
        return node.attrs[0]

    def p_diff(self, node):
        name = node.args[0].attrs[0]
        if self.diff_prefix == "d":
            return "d" + name if len(name) == 1 else f"d({name})"
        return self.diff_prefix + name

    def p_const(self, node):
        return number_text(node.attrs[0])

    def p_eye(self, node):
        return "eye"

    def p_fill(self, node):
        if node.rank > 2:
            raise NotInLanguage("a constant tensor of order > 2")
        value = number_text(node.attrs[0])
        if node.rank == 2 and node.shape[0] == 1:
            return f"vector({value})'"  # a row: the language's fresh sizes are never 1
        kind = "vector" if node.rank == 1 else "matrix"
        return f"{kind}({value})"

    def p_fuse(self, node):
        raise NotInLanguage("the vec/kron selection tensor")

    def p_einsum(self, node):
        raise NotInLanguage("an index-form tensor")

    def p_add(self, node):
        parts = []
        for k, term in enumerate(node.args):
            lead = leading_number(term)
            if k and term.op is Op.NEG:
                a = term.args[0]
                folds = a.op is Op.CONST or leading_number(a) is not None
                parts.append(" - " + (f"({self.show(a)})" if folds else self.wrap(a, PRODUCT)))
            elif k and term.op is Op.CONST and term.attrs[0] < 0:
                parts.append(" - " + number_text(-term.attrs[0]))
            elif k and lead is not None and lead < 0:
                parts.append(" - " + self.show(build.negate_leading_number(term)))
            else:
                text = self.wrap(term, PRODUCT if term.op is Op.ADD else SUM)
                parts.append((" + " if k else "") + text)
        return "".join(parts)

    def p_neg(self, node):
        (a,) = node.args
        if a.op is Op.CONST:
            return f"-({self.show(a)})"
        if self._sign_of_product(a):
            return "-" + self.show(a)
        return "-" + self.wrap(a, POWER if a.op is not Op.NEG else UNARY)

    def _sign_of_product(self, a: Node) -> bool:
        """Whether the negation of ``a`` prints as a sign before the bare product ``-A*B``."""
        return a.op in (Op.MATMUL, Op.SCALE) and self._plain_left(a)

    def _plain_left(self, product: Node) -> bool:
        """The product's leftmost operand prints without a sign or parentheses."""
        left = product.args[0]
        while left.op in (Op.MATMUL, Op.SCALE):
            left = left.args[0]
        return self.level(left) >= POWER and left.op is not Op.CONST

    def _binary(self, node, symbol):
        a, b = node.args
        return self.wrap(a, PRODUCT) + symbol + self._right(b)

    def _right(self, b: Node) -> str:
        """The right operand of a product: a product or a sign in it takes parentheses."""
        return self.wrap(b, POWER if b.op is Op.NEG else PRODUCT + 1)

    def p_scale(self, node):
        """``s*A*B`` reads back as s times the product, so a product prints bare unless its
        leftmost operand is an element-wise product or quotient (``s*x/c*y`` would read as
        ``((s*x)/c)*y``)."""
        s, a = node.args
        left = a
        while left.op is Op.MATMUL:
            left = left.args[0]
        bare = a.op is Op.MATMUL and left.op not in (Op.DIV, Op.HADAMARD)
        right = self.show(a) if bare else self._right(a)
        return self.wrap(s, POWER if s.op is Op.NEG else PRODUCT) + "*" + right

    def p_matmul(self, node):
        a, b = node.args
        left_need = {Op.SCALE: PRODUCT + 1, Op.NEG: POWER}.get(a.op, PRODUCT)
        return self.wrap(a, left_need) + "*" + self._right(b)

    def p_hadamard(self, node):
        return self._binary(node, ".*")

    def p_div(self, node):
        a, b = node.args
        return self._binary(node, "/" if b.is_scalar else "./")

    def p_pow(self, node):
        a, p = node.args
        symbol = "^" if a.is_scalar else ".^"
        return self.wrap(a, POSTFIX) + symbol + self._exponent(p)

    def _exponent(self, p: Node) -> str:
        if p.op is Op.CONST:
            return number_text(p.attrs[0])
        return self.wrap(p, POWER if p.op is not Op.NEG else UNARY)

    def p_matpow(self, node):
        return self.wrap(node.args[0], POSTFIX) + "^" + str(node.attrs[0])

    def p_transpose(self, node):
        return self.wrap(node.args[0], ATOM) + "'"

    def p_func(self, node):
        return f"{node.attrs[0]}({self.show(node.args[0])})"

    def p_matfunc(self, node):
        return f"{node.attrs[0]}({self.show(node.args[0])})"

    def p_frechet(self, node):
        """``L_expm(X, E)``; a direction with a derivative per index has no written form."""
        if node.rank > 2:
            raise NotInLanguage("a Fréchet derivative per index is written in index notation")
        args = ", ".join(self.show(a) for a in node.args)
        return f"{FRECHET_OF[node.attrs[0]].name}({args})"

    def call(self, node):
        """An operator written as a call of its function in the vocabulary."""
        args = ", ".join(self.show(a) for a in node.args)
        return f"{CALLS[node.op].name}({args})"


_SHOW = {op: _Printer.call if op in CALLS else getattr(_Printer, "p_" + op.name.lower())
         for op in Op}  # the printing method of each op
