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
    "FUNCTION_WORDS", "MACRO_FUNCTIONS", "GREEK_LETTERS", "BOLD_FONTS", "greek_terminal",
    "macro_terminal", "word_terminal", "NAME_PATTERN",
]

FUNCTION_WORDS: dict[str, str] = {
    **{name: name for name in FUNCTIONS},
    "Tr": "tr", "trace": "tr", "Trace": "tr", "ln": "log", "sgn": "sign", "Diag": "diag",
    "ReLU": "relu", "LogDet": "logdet", "logsumexp": "logsumexp", "LSE": "logsumexp",
}
"""Every spelling of a function inside ``\\operatorname{}``, ``\\mathrm{}`` or ``\\text{}``."""

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
"""Greek letters, each a name (``\\lambda`` is the variable ``lambda``, ``\\sigma`` is no
sigmoid)."""

BOLD_FONTS = frozenset({"mathbf", "boldsymbol", "bm", "pmb", "mathbb", "textbf"})
"""Fonts in which ``I`` is the identity and ``1`` the all-ones vector."""

NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
"""What a name must look like once read (the ASCII language's names)."""

_WORD_FONTS = ("mathrm", "text", "textrm", "mathsf")
"""Fonts in which a function word is the function (``\\mathrm{tr}``); in the others
(``\\mathit{ln}``) it is a name."""


def _alternatives(words) -> str:
    return "|".join(sorted(words, key=lambda w: (-len(w), w)))


def greek_terminal() -> str:
    return rf"GREEK.2: /\\(?:{_alternatives(GREEK_LETTERS)})(?![A-Za-z])/"


def macro_terminal() -> str:
    return rf"FUNC_MACRO.2: /\\(?:{_alternatives(MACRO_FUNCTIONS)})(?![A-Za-z])/"


def word_terminal() -> str:
    fonts = _alternatives(_WORD_FONTS)
    return (rf"FUNC_WORD.3: /\\(?:{fonts})\s*\{{\s*(?:{_alternatives(FUNCTION_WORDS)})\s*\}}/")
