"""The words of LaTeX input: the grammar's terminals built from the vocabulary, and fonts.

The function names, their LaTeX spellings and macros, the Greek letters and the Greek letters
that call a function come from one table (:mod:`matdiff.ir.vocabulary`), which the grammar
(``latex.py`` builds the ``GREEK``, ``FUNC_MACRO``, ``FUNC_WORD`` and ``FUNC_PLAIN``
terminals here), the syntax builder and the LaTeX printer all read, so they agree on every
spelling: ``\\operatorname{Tr}`` and ``\\text{trace}`` are ``tr``, ``\\ln`` is ``log``.
"""

from __future__ import annotations

import re

from ..ir.vocabulary import FRECHET_OF, GREEK_CALLS, GREEK_LETTERS, MACROS, SPELLINGS

__all__ = [
    "BOLD_FONTS", "greek_terminal", "macro_terminal", "word_terminal", "plain_terminal",
    "greek_call_terminal", "frechet_terminal", "frechet_name", "NAME_PATTERN", "function_word",
]

BOLD_FONTS = frozenset({"mathbf", "boldsymbol", "bm", "pmb", "mathbb", "textbf"})
"""Fonts in which ``I`` is the identity and ``1`` the all-ones vector."""

NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
"""What a name must look like once read (the ASCII language's names)."""

_WORD_FONTS = ("mathrm", "text", "textrm", "mathsf", "mbox")
"""Fonts in which a function word is the function (``\\mathrm{tr}``); in the others
(``\\mathit{ln}``) it is a name."""


def _alternatives(words) -> str:
    return "|".join(sorted(words, key=lambda w: (-len(w), w)))


def greek_terminal() -> str:
    return rf"GREEK.2: /\\(?:{_alternatives(GREEK_LETTERS)})(?![A-Za-z])/"


def macro_terminal() -> str:
    return rf"FUNC_MACRO.2: /\\(?:{_alternatives(MACROS)})(?![A-Za-z])/"


def word_terminal() -> str:
    """A function word in a font (``\\mathrm{tr}``) or after ``\\rm`` (``\\rm tr``,
    ``{\\rm tr}``)."""
    fonts, words = _alternatives(_WORD_FONTS), _alternatives(SPELLINGS)
    return (rf"FUNC_WORD.3: /\\(?:{fonts})\s*\{{\s*(?:{words})\s*\}}"
            rf"|\{{\s*\\rm\s*(?:{words})\s*\}}|\\rm\s*(?:{words})(?![A-Za-z0-9])/")


def plain_terminal() -> str:
    """A function word in plain letters, a word of its own (``tr`` in ``\\nabla_W tr(X)``,
    not in ``trX``)."""
    words = _alternatives(w for w in SPELLINGS if len(w) > 1)
    return rf"FUNC_PLAIN.2: /(?:{words})(?![A-Za-z0-9])/"


def greek_call_terminal() -> str:
    """A Greek letter that calls a function (:data:`~matdiff.ir.vocabulary.GREEK_CALLS`) right
    before a parenthesis (sizing allowed)."""
    letters = _alternatives(GREEK_CALLS)
    return (rf"GREEK_CALL.3: /\\(?:{letters})(?=\s*(?:\\(?:left|bigg?|Bigg?)[l]?\s*)?\()/")


def _frechet_subscript(head: str) -> str:
    """``\\exp`` of the Fréchet derivative's head ``L_{\\exp}``, spaces removed."""
    return re.sub(r"\s+", "", head)[3:-1]


def frechet_terminal() -> str:
    """A Fréchet derivative's head as the LaTeX printer writes it (``L_{\\exp}``)."""
    heads = _alternatives(re.escape(_frechet_subscript(f.latex_head))
                          for f in FRECHET_OF.values())
    return rf"FRECHET.4: /L\s*_\s*\{{\s*(?:{heads})\s*\}}/"


def frechet_name(written: str) -> str:
    """The Fréchet row's name (``L_expm``) of a head as written."""
    sub = _frechet_subscript(written)
    return next(f.name for f in FRECHET_OF.values() if _frechet_subscript(f.latex_head) == sub)


_WORD = re.compile(r"\{\s*(?:\\rm\s*)?([^{}]*?)\s*\}|([A-Za-z][A-Za-z0-9]*)\s*$")


def function_word(written: str) -> str:
    """The word of a function token as written: ``tr`` in ``\\mbox{tr}``, ``{\\rm tr}``,
    ``tr``, ``\\sigma``; ``foo`` in ``\\operatorname{foo}``."""
    m = _WORD.search(written)
    return m.group(1) if m.group(1) is not None else m.group(2)
