"""The words of LaTeX input: function names, Greek letters, fonts, and what they mean.

One table each, read by the grammar (``latex.py`` builds the ``GREEK``, ``FUNC_MACRO`` and
``FUNC_WORD`` terminals from them), by the syntax builder and by the LaTeX printer, so the
three agree on every spelling.  A function word maps to the engine's function name
(:data:`matdiff.shapes.infer.FUNCTIONS`): ``\\operatorname{Tr}`` and ``\\text{trace}`` are
``tr``, ``\\ln`` is ``log``.
"""

from __future__ import annotations

import re

from ..shapes.infer import FUNCTIONS
from ..shapes.naming import GREEK

__all__ = [
    "FUNCTION_WORDS", "MACRO_FUNCTIONS", "GREEK_LETTERS", "GREEK_FUNCTIONS", "BOLD_FONTS",
    "greek_terminal", "macro_terminal", "word_terminal", "plain_terminal",
    "greek_call_terminal", "NAME_PATTERN", "function_word",
]

FUNCTION_WORDS: dict[str, str] = {
    **{name: name for name in FUNCTIONS},
    "Tr": "tr", "trace": "tr", "Trace": "tr", "ln": "log", "sgn": "sign", "Diag": "diag",
    "ReLU": "relu", "LogDet": "logdet", "logsumexp": "logsumexp", "LSE": "logsumexp",
}
"""Every spelling of a function inside ``\\operatorname{}``, ``\\mathrm{}``, ``\\text{}``,
``\\mbox{}``, after ``\\rm``, or in plain letters (``tr(AB)``)."""

MACRO_FUNCTIONS = (
    "log", "ln", "exp", "det", "sin", "cos", "tan", "tanh", "arcsin", "arccos", "arctan",
    "tr", "Tr", "diag", "sum",
)
"""Functions written as a macro of their own: ``\\log``, ``\\det`` (and the common ``\\tr``).
``\\sum`` is the sum of all entries; with bounds (``\\sum_i``) it is index notation, which the
grammar does not read."""

GREEK_LETTERS = tuple(sorted(GREEK | {"ell"})) + (
    "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
)
"""Greek letters, each a name (``\\lambda`` is the variable ``lambda``)."""

GREEK_FUNCTIONS = {"sigma": "sigmoid"}
"""Greek letters that are a function right before parentheses, unless declared:
``\\sigma(Wx + b)`` is the logistic sigmoid, ``\\sigma x`` the name ``sigma`` times ``x``."""

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
    return rf"FUNC_MACRO.2: /\\(?:{_alternatives(MACRO_FUNCTIONS)})(?![A-Za-z])/"


def word_terminal() -> str:
    """A function word in a font (``\\mathrm{tr}``) or after ``\\rm`` (``\\rm tr``,
    ``{\\rm tr}``)."""
    fonts, words = _alternatives(_WORD_FONTS), _alternatives(FUNCTION_WORDS)
    return (rf"FUNC_WORD.3: /\\(?:{fonts})\s*\{{\s*(?:{words})\s*\}}"
            rf"|\{{\s*\\rm\s*(?:{words})\s*\}}|\\rm\s*(?:{words})(?![A-Za-z0-9])/")


def plain_terminal() -> str:
    """A function word in plain letters, a word of its own (``tr`` in ``\\nabla_W tr(X)``,
    not in ``trX``)."""
    words = _alternatives(w for w in FUNCTION_WORDS if len(w) > 1)
    return rf"FUNC_PLAIN.2: /(?:{words})(?![A-Za-z0-9])/"


def greek_call_terminal() -> str:
    """A Greek letter of :data:`GREEK_FUNCTIONS` right before a parenthesis (sizing allowed)."""
    letters = _alternatives(GREEK_FUNCTIONS)
    return (rf"GREEK_CALL.3: /\\(?:{letters})(?=\s*(?:\\(?:left|bigg?|Bigg?)[l]?\s*)?\()/")


_WORD = re.compile(r"\{\s*(?:\\rm\s*)?([^{}]*?)\s*\}|([A-Za-z][A-Za-z0-9]*)\s*$")


def function_word(written: str) -> str:
    """The word of a function token as written: ``tr`` in ``\\mbox{tr}``, ``{\\rm tr}``,
    ``tr``, ``\\sigma``; ``foo`` in ``\\operatorname{foo}``."""
    m = _WORD.search(written)
    return m.group(1) if m.group(1) is not None else m.group(2)
