"""Entry point of parsing: tell LaTeX from ASCII, parse, infer shapes.

SPEC §3: LaTeX is recognised by a backslash, ``^{``, ``_{`` or ``\\|``.  Input without those
marks is ASCII; but where the ASCII reading fails for want of an operator between two operands
(``2x``, ``D W``, also inside a function's argument: ``tr(D W)``), it is LaTeX with no
backslash, and is read as such, each implicit product noted (if that fails too, the ASCII
error is the answer).  The ASCII parser says so by a flag on its error
(``ParseError.implicit_product``), never by the wording of its message.  Text that transposes
with ``^T`` (``x^TAx``, ``w^Tx``) or has bars (``|A|``) is read as LaTeX first, and as ASCII
only where that fails.

Unicode as pasted (``−``, ``Aᵀ``, ``‖x‖``, ``β``) is first written in the languages' spelling
(:mod:`.unicode`); the result quotes the text as given, with its spans, readings and the
carets of its errors mapped back there.
"""

from __future__ import annotations

import re

from ..errors import MatdiffError, ParseError
from ..ir.reading import Choice
from ..shapes import Typed, infer
from .ascii import parse_ascii
from .latex import parse_latex
from .unicode import Pasted, rewrite_pasted

__all__ = ["parse", "is_latex"]

_LATEX = re.compile(r"\\|\^\{|_\{")
_CARET_T = re.compile(r"\^T(?![0-9_])")
_ONE_BAR = re.compile(r"(?<!\|)\|(?!\|)")


def is_latex(text: str) -> bool:
    return bool(_LATEX.search(text))


def _typed(text: str, vars: dict | None, latex: bool, products: bool = False) -> Typed:
    notes: list[Choice] = []
    if latex:
        syn, wrt = parse_latex(text, set(vars or ()), notes, products)
    else:
        syn, wrt = parse_ascii(text), None
    try:
        typed = infer(syn, text, vars, notes)
    except MatdiffError as e:
        if e.text is None:
            raise e.with_text(text) from None
        raise
    typed.wrt = wrt
    return typed


def parse(text: str, vars: dict | None = None) -> Typed:
    """Parse ``text`` (ASCII or LaTeX) and infer its shapes with the declared ``vars``."""
    pasted = rewrite_pasted(text)
    if not pasted.rewritten:
        return _parse(text, vars)
    try:
        typed = _parse(pasted.text, vars)
    except MatdiffError as e:
        raise pasted.error(e) from None
    return _as_given(typed, pasted)


def _as_given(typed: Typed, pasted: Pasted) -> Typed:
    """``typed`` quoting the text as given: its spans and readings mapped there."""
    typed.text = pasted.original
    typed.spans = {name: pasted.span(span) for name, span in typed.spans.items()}
    typed.node_spans = {key: pasted.span(span) for key, span in typed.node_spans.items()}
    typed.reading = (*pasted.notes, *map(pasted.choice, typed.reading))
    return typed


def _latex_marks(text: str, vars: dict | None) -> bool:
    """LaTeX without a backslash: a transpose written ``^T`` (unless ``T`` is declared:
    ``x^Tx`` is x transposed times x, as TeX reads it) or bars ``|A|``."""
    return bool(_ONE_BAR.search(text)) or ("T" not in (vars or {})
                                            and bool(_CARET_T.search(text)))


def _parse(text: str, vars: dict | None) -> Typed:
    if is_latex(text):
        return _typed(text, vars, latex=True)
    if _latex_marks(text, vars):
        try:
            return _typed(text, vars, latex=True, products=True)
        except MatdiffError as latex_error:
            try:
                return _typed(text, vars, latex=False)
            except MatdiffError:
                raise latex_error from None
    try:
        return _typed(text, vars, latex=False)
    except MatdiffError as ascii_error:
        if not (isinstance(ascii_error, ParseError) and ascii_error.implicit_product):
            raise
        try:
            return _typed(text, vars, latex=True, products=True)
        except MatdiffError:
            raise ascii_error from None
