"""Reading an equation or a chain: where the ``=`` signs are, and what the sides say.

The input is one equation (``lhs = claim``), a chain (``e1 = e2 = e3``, on one line or on
``align``-style lines that continue with ``&=`` after ``\\\\``), possibly after definitions
(``f(W) := \\frac{1}{2}\\|DW-X\\|_F^2``, ``\\coloneqq``, or ``f = ...`` before another
statement).  Statements are separated by line breaks, ``\\\\``, ``;``, a top-level ``,`` and
``\\quad``.  Only ``=`` signs outside every bracket and brace separate sides.

Invariants: every :class:`Side` keeps its place ``(start, end)`` in the input as given, so an
error or a verdict about it can point there; blanked markup (``&``, ``$``, environments) is
replaced by spaces of the same length, never removed.  A definition's name used in a
derivative (``\\frac{\\partial f}{\\partial W}``, ``\\nabla_W f``, ``df/dW``) or as a whole
side is replaced by the definition, in brackets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ArgumentError, MatdiffError

__all__ = ["Side", "read_chain", "derivative_prefix", "located"]


@dataclass(frozen=True)
class Side:
    """One side of an equation: its text (definitions applied) and its place in the input."""

    text: str
    start: int
    end: int


_MARKUP = re.compile(r"\\(?:begin|end)\s*\{[^{}]*\}|(?<!\\)\\[\[\]]|\$|&|\\(?:nonumber|notag)"
                     r"(?![A-Za-z])")
_COMMAND = re.compile(r"\\(?:[A-Za-z]+|.)?", re.DOTALL)  # a lone trailing backslash too
_DEFINE = re.compile(r":=|\\coloneqq(?![A-Za-z])|\\triangleq(?![A-Za-z])|\\equiv(?![A-Za-z])|"
                     r"\\(?:stackrel|overset)\s*\{[^{}]*\}\s*\{\s*=\s*\}")
_SEPARATORS = ("\\\\", "\\quad", "\\qquad")
_NAME = r"(?:[A-Za-z][A-Za-z0-9_]*|\\[A-Za-z]+)"
_DEFINED = re.compile(rf"\s*({_NAME})\s*(?:\([^()]*\))?\s*\Z")
_ASCII_PREFIX = re.compile(r"\s*(?:d|∂)\s*/\s*(?:d|∂)\s*([A-Za-z][A-Za-z0-9_]*)"
                           r"(?![A-Za-z0-9_])")


def _blank(text: str) -> str:
    return _MARKUP.sub(lambda m: " " * len(m.group()), text)


def _statements(text: str) -> list[tuple[list[tuple[int, int]], list[str]]]:
    """Top-level statements: their sides' spans and the relation between neighbours."""
    out: list[tuple[list[tuple[int, int]], list[str]]] = []
    sides: list[tuple[int, int]] = []
    ops: list[str] = []
    start, depth, i = 0, 0, 0

    def cut(end: int, after: int, op: str | None) -> None:
        nonlocal start, sides, ops
        sides.append((start, end))
        start = after
        if op is None:
            out.append((sides, ops))
            sides, ops = [], []
        else:
            ops.append(op)

    while i < len(text):
        c = text[i]
        define = _DEFINE.match(text, i) if depth == 0 else None
        if define:
            cut(i, define.end(), "define")
            i = define.end()
            continue
        if c == "\\":
            m = _COMMAND.match(text, i)
            word = m.group()
            if depth == 0 and (word in _SEPARATORS or text.startswith("\\\\", i)):
                length = 2 if text.startswith("\\\\", i) else len(word)
                cut(i, i + length, None)
                i += length
                continue
            depth += {"\\{": 1, "\\}": -1}.get(word, 0)
            i = m.end()
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth = max(0, depth - 1)
        elif depth == 0 and c in "\n;,":
            cut(i, i + 1, None)
        elif depth == 0 and c == "=" and text[i - 1:i] not in ("<", ">", "!", "="):
            cut(i, i + 1, "=")
        i += 1
    cut(len(text), len(text), None)
    return out


def _merge(text: str, statements) -> list[tuple[list[tuple[int, int]], list[str]]]:
    """Drop empty statements; a statement that starts with ``=`` continues the previous."""
    merged: list[tuple[list[tuple[int, int]], list[str]]] = []
    for sides, ops in statements:
        empty_first = not text[sides[0][0]:sides[0][1]].strip()
        if empty_first and not ops:
            continue
        if empty_first and merged:
            merged[-1][0].extend(sides[1:])
            merged[-1][1].extend(ops)
        else:
            merged.append((list(sides), list(ops)))
    return merged


def _side(text: str, span: tuple[int, int]) -> Side:
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == "."):
        end -= 1
    return Side(text[start:end], start, end)


def _substitute(side: Side, name: str, body: str) -> Side:
    """``side`` with derivatives of the defined ``name`` (and ``name`` alone) replaced."""
    wrapped = f"({body})"
    n = re.escape(name)
    args = r"(?:\s*\([^()]*\))?"
    text = side.text
    text = re.sub(rf"\\[dt]?frac\s*\{{\s*(\\partial|d)\s*{n}{args}\s*\}}\s*\{{\s*(\\partial|d)"
                  rf"\s*({_NAME})\s*\}}", lambda m: rf"\frac{{\partial}}{{\partial {m.group(3)}}}"
                  f"{wrapped}", text)
    text = re.sub(rf"(\\nabla\s*_\s*(?:\{{[^{{}}]*\}}|{_NAME}|.))\s*{n}(?![A-Za-z0-9_]){args}",
                  lambda m: f"{m.group(1)} {wrapped}", text)
    text = re.sub(rf"\A\s*(d|∂)\s*{n}{args}\s*/\s*(d|∂)\s*([A-Za-z][A-Za-z0-9_]*)\s*\Z",
                  lambda m: f"d/d{m.group(3)}{wrapped}", text)
    if _DEFINED.match(text) and _DEFINED.match(text).group(1) == name:
        text = wrapped
    return Side(text, side.start, side.end)


def read_chain(text: str) -> list[Side]:
    """The sides of the one equation or chain in ``text`` (one side when it has no ``=``),
    with the definitions stated before it applied."""
    blanked = _blank(text)
    statements = _merge(blanked, _statements(blanked))
    definitions: list[tuple[str, str]] = []
    chains = []
    for k, (spans, ops) in enumerate(statements):
        sides = [_side(blanked, s) for s in spans]
        later = k < len(statements) - 1
        left = _DEFINED.match(sides[0].text)
        if len(sides) == 2 and left and (ops[0] == "define" or later):
            definitions.append((left.group(1), sides[1].text))
            continue
        if "define" in ops:
            raise ArgumentError("a definition (:=) must stand alone: name := expression",
                                text, ((sides[0].start, sides[-1].end),))
        chains.append(sides)
    if not chains:
        raise ArgumentError("there is nothing to check: give an expression, an equation or "
                            "a chain", text, ((0, len(text)),))
    if len(chains) > 1:
        raise ArgumentError("check one equation or chain at a time", text,
                            ((chains[1][0].start, chains[1][-1].end),))
    sides = chains[0]
    for side in sides:
        if not side.text:
            raise ArgumentError("a side of the equation is empty", text,
                                ((side.start, side.start + 1),))
    for name, body in reversed(definitions):
        sides = [_substitute(s, name, body) for s in sides]
    return sides


def derivative_prefix(text: str) -> tuple[str, int] | None:
    """``(wrt, offset of the body)`` for ASCII ``d/dW(...)`` or ``∂/∂W ...``; else None."""
    m = _ASCII_PREFIX.match(text)
    if m is None or not text[m.end():].strip():
        return None
    return m.group(1), m.end()


def located(e: MatdiffError, side: Side, text: str) -> MatdiffError:
    """``e`` (about the side's own text) pointing into the whole input ``text``; as it is
    when the side was rewritten (a definition applied), so it quotes what was read."""
    if text[side.start:side.end] != side.text:
        return e
    marks = tuple((a + side.start, b + side.start) for a, b in e.marks)
    return type(e)(e.message, text, marks or ((side.start, side.end),))
