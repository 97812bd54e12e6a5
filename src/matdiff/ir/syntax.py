"""The syntax tree both parsers produce, before shapes are known.

A :class:`Syn` is what the text says, with its span: ``mul`` is still ambiguous between a
scalar scale and a matrix product, and ``pow`` between a scalar power and a matrix power,
until shape inference (:mod:`matdiff.shapes.infer`) has seen the operands.  The ASCII and the
LaTeX grammars both build this tree, so everything after parsing is shared.

Kinds and their payload (``value``):
``number`` (float), ``name`` (str), ``call`` (function name; args are the arguments),
``norm`` (``"2"`` or ``"1"``), ``bars`` (``|x|``: the determinant of a matrix, else the
absolute value, decided by shape inference), ``add``, ``sub``, ``neg``, ``mul``,
``hadamard``, ``kron``, ``div`` (by a scalar), ``ediv``, ``pow``, ``epow``, ``transpose``,
``inner`` (Frobenius product ``A : B``), ``group`` (parentheses: one argument, kept so that
``(a + b) + c`` stays a sum whose first term is a sum, while ``a + b + c`` is one flat sum).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Syn", "SYN_KINDS"]

SYN_KINDS = frozenset({
    "number", "name", "call", "norm", "bars", "add", "sub", "neg", "mul", "hadamard", "kron",
    "div", "ediv", "pow", "epow", "transpose", "inner", "group",
})


@dataclass(slots=True)
class Syn:
    """A syntax node (never changed once made; not frozen, as parsing makes many of them)."""

    kind: str
    args: tuple[Syn, ...] = ()
    value: Any = None
    span: tuple[int, int] = (0, 0)

    def __post_init__(self):
        if self.kind not in SYN_KINDS:
            raise ValueError(f"unknown syntax kind {self.kind!r}")
