"""The quality measure: printed answers against the textbook's, token by token.

A token is an identifier or function name, a number, or an operator (``* + - / ^ ' .* ./ .^``);
parentheses and commas do not count.  ``rows()`` differentiates every identity of the
Matrix Cookbook file that has a textbook answer and pairs the two token counts.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import matdiff as md
from calculus.test_cookbook import IDENTITIES, _id

TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?(?:e-?\d+)?|\.\*|\./|\.\^|[-+*/^'@:]")


def tokens(text: str) -> int:
    return len(TOKEN.findall(text))


class Row(NamedTuple):
    name: str
    expr: str
    wrt: str
    textbook: str
    matdiff: str
    textbook_tokens: int
    matdiff_tokens: int

    @property
    def ratio(self) -> float:
        return self.matdiff_tokens / self.textbook_tokens


def rows() -> list[Row]:
    out = []
    for case in IDENTITIES:
        if case.answer_text is None:
            continue
        d = md.derivative(case.expr, wrt=case.wrt, vars=case.vars, order=case.order,
                          layout=case.layout)
        printed = str(d)
        out.append(Row(_id(case), case.expr, case.wrt, case.answer_text, printed,
                       tokens(case.answer_text), tokens(printed)))
    return out


def table(all_rows: list[Row], source: str = "textbook") -> str:
    """The quality table as Markdown, with its summary first; ``source`` names whose
    answers matdiff's are measured against (the textbook's, an expert's)."""
    within = sum(r.matdiff_tokens <= r.textbook_tokens for r in all_rows)
    worst = max(all_rows, key=lambda r: r.ratio)
    lines = [
        f"{len(all_rows)} answers; {within} ({100 * within / len(all_rows):.0f}%) have no more "
        f"tokens than the {source}; the largest ratio is {worst.ratio:.2f} ({worst.name}).",
        "",
        f"| identity | by | {source} | matdiff | "
        f"tokens ({'book' if source == 'textbook' else source} / matdiff) |",
        "|---|---|---|---|---|",
    ]
    for r in all_rows:
        mark = "" if r.matdiff_tokens <= r.textbook_tokens else " ▲"
        lines.append(f"| `{r.expr}` | {r.wrt} | `{r.textbook}` | `{r.matdiff}` | "
                     f"{r.textbook_tokens} / {r.matdiff_tokens}{mark} |")
    return "\n".join(lines) + "\n"
