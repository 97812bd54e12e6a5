"""The errors matdiff raises for bad input, each quoting the input with carets.

Every user-facing failure is a :class:`MatdiffError`.  An error may carry one or more
*marks*: spans ``(start, end)`` into the input text.  ``str(error)`` is the message, then the
input, then a line with ``^`` under the first mark and ``~`` under the others, so a reader
sees where the problem stands without counting characters.
"""

from __future__ import annotations

__all__ = [
    "MatdiffError",
    "ParseError",
    "ShapeError",
    "UnsupportedError",
    "DomainError",
    "ArgumentError",
    "LimitError",
    "Span",
]

Span = tuple[int, int]


class MatdiffError(ValueError):
    """Base class of every error caused by the input."""

    kind = "error"

    def __init__(self, message: str, text: str | None = None, marks: tuple[Span, ...] = ()):
        self.message = message
        self.text = text
        self.marks = tuple(m for m in marks if m is not None)
        super().__init__(self.render())

    @property
    def position(self) -> int | None:
        """Offset of the first mark in the input, or None."""
        return self.marks[0][0] if self.marks else None

    def with_text(self, text: str) -> MatdiffError:
        """The same error quoting ``text`` (used when the text is known only higher up)."""
        return type(self)(self.message, text, self.marks)

    def render(self) -> str:
        if self.text is None:
            return self.message
        lines = self.text.split("\n")
        if len(lines) > 1 or not self.marks:
            quoted = "  " + self.text.replace("\n", " ")
            under = self._underline(self.text.replace("\n", " "))
        else:
            quoted = "  " + self.text
            under = self._underline(self.text)
        out = f"{self.message}\n{quoted}"
        if under.strip():
            out += "\n  " + under.rstrip()
        return out

    def _underline(self, text: str) -> str:
        row = [" "] * (len(text) + 1)
        for rank, (start, end) in enumerate(self.marks):
            start = max(0, min(start, len(text)))
            end = max(start + 1, min(end, len(text) + 1))
            for i in range(start, end):
                if rank == 0:
                    row[i] = "^"
                elif row[i] == " ":
                    row[i] = "~"
        return "".join(row)


class ParseError(MatdiffError):
    """The input is not a sentence of the expression language (ASCII or LaTeX).

    ``implicit_product`` is set where the ASCII parser found two operands side by side with
    no operator between them (``2x``, ``D W``): the text may be LaTeX without a backslash, and
    the parser's entry point tries that grammar next."""

    kind = "parse"

    def __init__(self, message: str, text: str | None = None, marks: tuple[Span, ...] = (),
                 implicit_product: bool = False):
        self.implicit_product = implicit_product
        super().__init__(message, text, marks)

    def with_text(self, text: str) -> ParseError:
        return ParseError(self.message, text, self.marks, self.implicit_product)


class ShapeError(MatdiffError):
    """Shapes that cannot agree: operands, declarations, or arrays given to evaluate."""

    kind = "shape"


class UnsupportedError(MatdiffError):
    """Well-formed input that asks for something matdiff does not do."""

    kind = "unsupported"


class ArgumentError(MatdiffError):
    """A bad request around the expression: unknown ``wrt``, bad order, layout or kind."""

    kind = "argument"


class DomainError(ArgumentError):
    """Arrays outside the domain of a function of the expression (a matrix logarithm or
    square root that is not real there)."""


class LimitError(MatdiffError):
    """Input past one of matdiff's bounds on work (size, nesting, tensor order, a matrix
    power's exponent, a number's range): the message names the limit."""

    kind = "limit"
