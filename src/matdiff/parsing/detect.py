"""Entry point of parsing: tell LaTeX from ASCII, parse, infer shapes.

SPEC §3: LaTeX is recognised by a backslash, ``^{``, ``_{`` or ``\\|``.
"""

from __future__ import annotations

import re

from ..errors import MatdiffError, UnsupportedError
from ..shapes import Typed, infer
from .ascii import parse_ascii

__all__ = ["parse", "is_latex"]

_LATEX = re.compile(r"\\|\^\{|_\{")


def is_latex(text: str) -> bool:
    return bool(_LATEX.search(text))


def parse(text: str, vars: dict | None = None) -> Typed:
    """Parse ``text`` (ASCII or LaTeX) and infer its shapes with the declared ``vars``."""
    if is_latex(text):
        try:
            from .latex import parse_latex
        except ImportError:
            raise UnsupportedError("LaTeX input is not supported yet", text) from None
        syn, wrt = parse_latex(text, set(vars or ()))
    else:
        syn, wrt = parse_ascii(text), None
    try:
        typed = infer(syn, text, vars)
        typed.wrt = wrt
        return typed
    except MatdiffError as e:
        if e.text is None:
            raise e.with_text(text) from None
        raise
