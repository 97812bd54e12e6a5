"""How results show in a notebook: the Markdown and LaTeX of IPython's rich display.

Jupyter shows an object by the richest of its ``_repr_markdown_``, ``_repr_latex_`` …
methods, and a terminal by its ``repr``.  The results of the API (expressions, derivatives,
steps, verdicts) define those methods with the functions here, so the formatting lives in one
place and out of the IR.  Everything here works on the strings the results already print
(``.latex``, ``str()``) and imports nothing of matdiff, so any layer that shows a result may
use it.  Mathematics goes between ``$$`` (typeset by MathJax in Jupyter, by KaTeX in VS Code);
plain text is escaped or put in code spans, so the ``*`` and ``_`` of the ASCII notation show
as typed instead of turning into emphasis.
"""

from __future__ import annotations

import re

__all__ = ["math_block", "environment", "escape_markdown", "code_span", "preformatted",
           "result_markdown", "shape_text"]

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~$-])")


def math_block(latex: str) -> str:
    """Display mathematics: ``$$...$$``."""
    return f"$${latex}$$"


def environment(name: str, rows: list[tuple[str, str]]) -> str:
    """An alignment environment (``align*``, ``aligned``) of equations, each with a note in
    ``\\text{}`` at its right; each equation is aligned at its first `` = ``."""
    lines = [f"{eq.replace(' = ', ' &= ', 1)} && {note}" for eq, note in rows]
    return f"\\begin{{{name}}}\n" + " \\\\\n".join(lines) + f"\n\\end{{{name}}}"


def escape_markdown(text: str) -> str:
    """Plain text that Markdown shows as written (its special characters escaped)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def code_span(text: str) -> str:
    """Inline code: the text verbatim, fenced by more backticks than it contains in a row."""
    run = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (run + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def preformatted(text: str) -> str:
    """A fenced block of monospace text (carets and aligned arrays stay aligned)."""
    run = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, run + 1)
    return f"{fence}text\n{text}\n{fence}"


def result_markdown(latex: str, text: str, caption: str) -> str:
    """A typeset result, then its text form (to copy) and a caption (Markdown)."""
    return f"{math_block(latex)}\n\n{code_span(text)} — {caption}"


def shape_text(shape: tuple) -> str:
    """A result's shape as a caption says it: ``shape (k, n)``, ``shape (m,)``, or ``a scalar``."""
    if not shape:
        return "a scalar"
    comma = "," if len(shape) == 1 else ""
    return "shape (" + ", ".join(str(d) for d in shape) + comma + ")"
