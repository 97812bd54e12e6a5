"""Entry point of parsing: tell LaTeX from ASCII, parse, infer shapes.

SPEC §3: LaTeX is recognised by a backslash, ``^{``, ``_{`` or ``\\|``.  Input without those
marks is ASCII; but where the ASCII reading fails for want of an operator between two operands
(``2x``, ``D W``) or the text transposes with ``^T`` (``x^TAx``), it is LaTeX with no
backslash, and is read as such (if that fails too, the ASCII error is the answer).
"""

from __future__ import annotations

import re

from ..errors import MatdiffError
from ..shapes import Typed, infer
from .ascii import MISSING_OPERATOR, parse_ascii
from .latex import parse_latex

__all__ = ["parse", "is_latex"]

_LATEX = re.compile(r"\\|\^\{|_\{")
_CARET_T = re.compile(r"\^T(?![A-Za-z0-9_])|\^T(?=[A-Z])")


def is_latex(text: str) -> bool:
    return bool(_LATEX.search(text))


def _typed(text: str, vars: dict | None, latex: bool) -> Typed:
    if latex:
        syn, wrt = parse_latex(text, set(vars or ()))
    else:
        syn, wrt = parse_ascii(text), None
    try:
        typed = infer(syn, text, vars)
    except MatdiffError as e:
        if e.text is None:
            raise e.with_text(text) from None
        raise
    typed.wrt = wrt
    return typed


def parse(text: str, vars: dict | None = None) -> Typed:
    """Parse ``text`` (ASCII or LaTeX) and infer its shapes with the declared ``vars``."""
    if is_latex(text):
        return _typed(text, vars, latex=True)
    try:
        return _typed(text, vars, latex=False)
    except MatdiffError as ascii_error:
        implicit = ascii_error.message.startswith(MISSING_OPERATOR)
        if not (implicit or _CARET_T.search(text)):
            raise
        try:
            return _typed(text, vars, latex=True)
        except MatdiffError:
            raise ascii_error from None
