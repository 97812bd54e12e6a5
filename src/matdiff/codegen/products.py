"""How one product of two planned operands is written: broadcasts, free transposes, vectors.

A :class:`Value` is a computed operand of a chain (:mod:`.chains`) as Python text with its
logical ``rows`` × ``cols`` and its *kind*: a dense matrix (possibly used transposed, which
costs nothing until it is written as ``.T``), a vector held as a 1-D array (a column or, when
``rows`` is 1, a row), a scalar (0-D), or a diagonal matrix held as its diagonal.  The rules
of :data:`PRODUCT_RULES` write each pair of kinds the way a person who cares about speed
would: ``diag(v)*B`` as ``v[:, None] * B``, ``B*diag(v)`` as ``B * v``, ``x*y'`` as a
broadcast outer product, ``M'*v`` as ``v @ M`` (so an array compiler never materialises a
transpose), and ``tr(L*R)`` as ``sum(L .* R')``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from ..ir.dims import Dim

__all__ = ["Value", "MAT", "VEC", "SCALAR", "DIAG", "product", "trace_of_product",
           "PRODUCT_RULES"]

MAT, VEC, SCALAR, DIAG = "matrix", "vector", "scalar", "diagonal"


@dataclass(frozen=True, slots=True)
class Value:
    """Python text of an operand: ``kind``, logical ``rows`` × ``cols``; ``atomic`` when the
    text needs no parentheses as an operand; ``transposed`` (matrices) when the value is the
    transpose of the text."""

    text: str
    kind: str
    rows: Dim
    cols: Dim
    atomic: bool
    transposed: bool = False

    @property
    def atom(self) -> str:
        return self.text if self.atomic else f"({self.text})"

    @property
    def full(self) -> str:
        """The value itself (a matrix with its transpose written out) as an operand."""
        return f"{self.atom}.T" if self.transposed else self.text

    @property
    def full_atom(self) -> str:
        return f"{self.atom}.T" if self.transposed else self.atom

    def t(self) -> Value:
        """The transpose (free: only the bookkeeping changes)."""
        flipped = replace(self, rows=self.cols, cols=self.rows)
        return replace(flipped, transposed=not self.transposed) if self.kind == MAT else flipped

    @property
    def is_row(self) -> bool:
        return self.kind == VEC and self.rows == 1


def _value(text: str, kind: str, rows: Dim, cols: Dim) -> Value:
    return Value(text, kind, rows, cols, atomic=False)


def _scalar_times(s: Value, v: Value, rows: Dim, cols: Dim) -> Value:
    return _value(f"{s.atom} * {v.full_atom}", v.kind, rows, cols)


def _diag_diag(a: Value, b: Value) -> Value:
    return _value(f"{a.text} * {b.atom}", DIAG, a.rows, b.cols)


def _diag_mat(a: Value, b: Value) -> Value:
    return _value(f"{a.atom}[:, None] * {b.full_atom}", MAT, a.rows, b.cols)


def _diag_vec(a: Value, b: Value) -> Value:
    return _value(f"{a.text} * {b.atom}", VEC, a.rows, b.cols)


def _mat_diag(a: Value, b: Value) -> Value:
    return _value(f"{a.full} * {b.atom}", MAT, a.rows, b.cols)


def _row_diag(a: Value, b: Value) -> Value:
    return _value(f"{a.text} * {b.atom}", VEC, a.rows, b.cols)


def _outer(a: Value, b: Value) -> Value:
    return _value(f"{a.atom}[:, None] * {b.atom}", MAT, a.rows, b.cols)


def _inner(a: Value, b: Value) -> Value:
    return _value(f"{a.text} @ {b.atom}", SCALAR, 1, 1)


def _row_mat(a: Value, b: Value) -> Value:
    if b.transposed:  # v' * M' = (M * v)': no transpose written
        return _value(f"{b.atom} @ {a.atom}", VEC, 1, b.cols)
    return _value(f"{a.text} @ {b.atom}", VEC, 1, b.cols)


def _mat_col(a: Value, b: Value) -> Value:
    if a.transposed:  # M' * v = (v' * M)': no transpose written
        return _value(f"{b.text} @ {a.atom}", VEC, a.rows, 1)
    return _value(f"{a.full} @ {b.atom}", VEC, a.rows, 1)


def _mat_mat(a: Value, b: Value) -> Value:
    return _value(f"{a.full} @ {b.full_atom}", MAT, a.rows, b.cols)


def _col_of(v: Value) -> str:
    return "row" if v.is_row else v.kind if v.kind != VEC else "column"


PRODUCT_RULES: dict[tuple[str, str], Callable[[Value, Value], Value]] = {
    (DIAG, DIAG): _diag_diag,
    (DIAG, MAT): _diag_mat,
    (DIAG, "column"): _diag_vec,
    (MAT, DIAG): _mat_diag,
    ("row", DIAG): _row_diag,
    ("column", "row"): _outer,
    ("row", "column"): _inner,
    ("row", MAT): _row_mat,
    (MAT, "column"): _mat_col,
    (MAT, MAT): _mat_mat,
}
"""The product of two operands by their kinds (a vector as ``column`` or ``row``)."""


def product(a: Value, b: Value, as_matrix: Callable[[Value], str]) -> Value:
    """``a @ b`` written for their kinds; ``as_matrix`` writes a value as a 2-D array (the
    fallback for a pair no rule covers, such as a matrix with a literal size 1)."""
    if a.kind == SCALAR:
        return _scalar_times(a, b, a.rows, b.cols)
    if b.kind == SCALAR:
        return _scalar_times(b, a, a.rows, b.cols)
    rule = PRODUCT_RULES.get((_col_of(a), _col_of(b)))
    if rule is not None and (a.kind != MAT or 1 not in (a.rows, a.cols)) \
            and (b.kind != MAT or 1 not in (b.rows, b.cols)):
        return rule(a, b)
    return _value(f"{as_matrix(a)} @ {as_matrix(b)}", MAT, a.rows, b.cols)


def trace_of_product(a: Value, b: Value, as_matrix: Callable[[Value], str],
                     trace: Callable[[str], str], total: Callable[[str], str]) -> str:
    """``tr(a @ b)`` without forming the product where the kinds allow: ``sum(a .* b')``
    for matrices, an inner product for vectors."""
    if a.kind == MAT and b.kind == MAT:
        return total(f"{a.full} * {b.t().full_atom}")
    if a.kind == VEC and b.kind == VEC:
        return f"{a.atom} @ {b.atom}"
    if a.kind == DIAG and b.kind == DIAG:
        return total(f"{a.text} * {b.atom}")
    whole = product(a, b, as_matrix)
    if whole.kind == SCALAR:
        return whole.text
    if whole.kind == DIAG:
        return total(whole.text)
    return trace(as_matrix(whole))
