"""Numbers in the input: literals within the range of a double, and divisors known to be 0.

A literal past a double's range (``1e309``) or so small that it would read as 0 (``1e-400``)
is refused where it is written (:class:`~matdiff.errors.LimitError`), rather than turned
into an infinity or a zero that printing, folding or a division would trip over later.
:func:`known_value` computes a term made of numbers only (``1 - 1``, ``2*vector(0)``), so a
division by a zero written that way is refused too; a zero that only an underflow made is
no known zero.
"""

from __future__ import annotations

import math
import re

from ..errors import LimitError
from ..ir import Op
from ..ir.syntax import Syn

__all__ = ["literal", "number_literal", "integer_literal", "known_value"]


def known_value(t) -> float | None:
    """The value of a term made of numbers and constant arrays only (None otherwise, or
    where it is no finite number)."""
    if t.op is Op.CONST or t.op is Op.FILL:
        return t.attrs[0]
    values = [known_value(a) for a in t.args] if t.op in _ARITHMETIC else [None]
    if None in values:
        return None
    try:
        value = _ARITHMETIC[t.op](*values)
    except (ArithmeticError, ValueError):
        return None
    if not isinstance(value, float) or not math.isfinite(value):
        return None
    underflow = value == 0 and t.op in _PRODUCTS and 0 not in values[:_PRODUCTS[t.op]]
    return None if underflow else value


_ARITHMETIC = {
    Op.NEG: lambda a: -a, Op.ADD: lambda *terms: math.fsum(terms),
    Op.SCALE: lambda a, b: a * b, Op.HADAMARD: lambda a, b: a * b,
    Op.DIV: lambda a, b: a / b, Op.POW: lambda a, b: a ** b,
}
_PRODUCTS = {Op.SCALE: 2, Op.HADAMARD: 2, Op.DIV: 1, Op.POW: 1}
"""The operands whose zero makes the result zero (any other zero result is an underflow)."""


def literal(syn: Syn, text: str) -> float:
    """The value of a number literal; one past the range of a double (``1e309``), or so small
    it would read as 0 (``1e-400``), is refused rather than made infinite or zero."""
    value = float(syn.value)
    written = text[syn.span[0]:syn.span[1]]
    lost = value == 0 and re.search("[1-9]", re.split("[eE]", written)[0])
    if math.isinf(value) or math.isnan(value) or lost:
        raise LimitError(f"the number {written.strip()} is outside the range of "
                         "double-precision numbers (about 1e-308 to 1e308)", text, (syn.span,))
    return value


def number_literal(syn: Syn, text: str) -> float | None:
    if syn.kind == "number":
        return literal(syn, text)
    if syn.kind == "neg" and syn.args[0].kind == "number":
        return -literal(syn.args[0], text)
    return None


def integer_literal(syn: Syn, text: str) -> int | None:
    value = number_literal(syn, text)
    if value is None or value != int(value):
        return None
    return int(value)
