"""Brackets: their balance, checked before parsing so the caret lands on the bracket at fault,
and the parentheses around an exponent that is a number (``A^(-1)``, ``A^{(-1)}``), which the
parsers drop so that shape inference sees the integer literal of a matrix power."""

from __future__ import annotations

from ..errors import ParseError
from ..ir.syntax import Syn

__all__ = ["check_brackets", "unwrap_number"]


def unwrap_number(exponent: Syn) -> Syn:
    """``exponent`` without parentheses when it is a number or a negated number inside them."""
    inner = exponent
    while inner.kind == "group":
        inner = inner.args[0]
    bare = inner.args[0] if inner.kind == "neg" else inner
    return inner if bare.kind == "number" else exponent


def check_brackets(text: str, pairs: tuple[tuple[str, str], ...]) -> None:
    """Raise :class:`ParseError` at the first unmatched closing or unclosed opening bracket."""
    closers = {close: open_ for open_, close in pairs}
    openers = {open_ for open_, _ in pairs}
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        if ch in openers:
            stack.append((ch, i))
        elif ch in closers:
            if not stack or stack[-1][0] != closers[ch]:
                raise ParseError(f"unbalanced parentheses: this {ch!r} closes nothing", text,
                                 ((i, i + 1),))
            stack.pop()
    if stack:
        ch, i = stack[-1]
        raise ParseError(f"unbalanced parentheses: this {ch!r} is never closed", text,
                         ((i, i + 1),))
