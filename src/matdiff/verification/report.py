"""The result of checking an answer: a verdict, its evidence, and a paragraph for a student.

A :class:`Verification` is one judged link (a claimed derivative or an identity) or a whole
chain, whose ``links`` are its judged equations.  Its fields are the contract of SPEC §8:
``correct``, ``verdict`` (``"correct"``, ``"wrong"``, ``"ill-shaped"``), ``expected``,
``diagnosis``, ``counterexample``, ``method``.  ``str(r)`` is the paragraph: the verdict, the
right answer in textbook form, the likely mistake and, for a wrong claim, the counterexample
with its values; for a chain, the first link that breaks, marked with a caret.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..api import Derivative
from ..display import escape_markdown, math_block, preformatted
from ..errors import MatdiffError

__all__ = ["Verification", "Counterexample", "format_array"]


def format_array(a: np.ndarray, indent: int = 0) -> str:
    """An array as nested lists with at most 4 significant digits, aligned rows."""
    a = np.asarray(a, dtype=float)
    if a.ndim == 0:
        return f"{float(a):.4g}"
    body = np.array2string(a, separator=", ", formatter={"float_kind": lambda v: f"{v:.4g}"},
                           max_line_width=100, threshold=200)
    return body.replace("\n", "\n" + " " * indent)


@dataclass(frozen=True)
class Counterexample(Mapping):
    """Inputs where the claim is wrong (``ce["W"]``), and both values there.

    ``claim`` is the claim's value, ``expected`` the true value, ``sizes`` the size given to
    each dimension."""

    inputs: dict[str, np.ndarray]
    claim: np.ndarray
    expected: np.ndarray
    sizes: dict[str, int]

    def __getitem__(self, name: str) -> np.ndarray:
        return self.inputs[name]

    def __iter__(self):
        return iter(self.inputs)

    def __len__(self) -> int:
        return len(self.inputs)

    def describe(self, expected_name: str = "the right answer") -> str:
        sizes = set(self.sizes.values())
        if len(sizes) == 1:
            where = f"with every dimension {sizes.pop()}"
        elif self.sizes:
            where = "with " + ", ".join(f"{k} = {v}" for k, v in self.sizes.items())
        else:
            where = "at"
        lines = [f"Counterexample, {where}:"]
        rows = [(name, value) for name, value in self.inputs.items()]
        rows += [("the claim", self.claim), (expected_name, self.expected)]
        width = max(len(name) for name, _ in rows)
        for name, value in rows:
            lines.append(f"  {name:<{width}} = {format_array(value, width + 5)}")
        return "\n".join(lines)


@dataclass
class Verification:
    """The verdict on a claim (or a chain of them); ``str()`` explains it to a student."""

    verdict: str
    expected: Any
    text: str
    claim: Any = None
    claim_text: str = ""
    diagnosis: str | None = None
    factor: float | None = None
    symmetric: tuple[str, ...] = ()
    explanation: str = ""
    counterexample: Counterexample | None = None
    method: str = "numeric"
    points: int = 0
    difference: float | None = None
    links: list["Verification"] = field(default_factory=list)
    marks: tuple[tuple[int, int], ...] = ()
    error: MatdiffError | None = None
    summary: str = ""
    answer: str = ""
    link_text: str = ""

    @property
    def correct(self) -> bool:
        return self.verdict == "correct"

    @property
    def position(self) -> int | None:
        """Where the claim (or the first wrong link) starts in the input, or None."""
        return self.marks[0][0] if self.marks else None

    @property
    def wrong_link(self) -> "Verification | None":
        """The first link that does not hold (a chain), or None."""
        return next((link for link in self.links if not link.correct), None)

    def _caret(self, message: str) -> str:
        if not self.marks:
            return message
        return MatdiffError(message, self.text, self.marks).render()

    def _evidence(self) -> str:
        if self.verdict != "correct":
            return ""
        close = f"max relative difference {self.difference:.1e}" \
            if self.difference is not None else ""
        points = f"{self.points} random points" + (f" ({close})" if close else "")
        if self.method == "symbolic":
            return f"Proof: the claim minus the answer simplifies to 0; the two also agree at " \
                   f"{points}."
        return f"Checked numerically: the two agree at {points}; no symbolic proof was found."

    def _paragraph(self) -> str:
        lines = [self._caret(self.summary) if self.verdict != "correct" else self.summary]
        if self.answer:
            lines.append(self.answer)
        if self.explanation:
            lines.append(self.explanation)
        evidence = self._evidence()
        if evidence:
            lines.append(evidence)
        if self.counterexample is not None:
            lines.append(self.counterexample.describe())
        return "\n".join(lines)

    def __str__(self) -> str:
        if not self.links:
            return self._paragraph()
        out = [self._caret(self.summary) if self.verdict != "correct" else self.summary]
        for k, link in enumerate(self.links, 1):
            if link is self.wrong_link:
                body = link._paragraph().replace("\n", "\n    ")
                out.append(f"  link {k}: {body}")
            else:
                out.append(f"  link {k}: {link.verdict}: {link.claim_line()}")
        return "\n".join(out)

    def claim_line(self) -> str:
        method = f" ({self.method})" if self.correct else ""
        return f"{self.link_text}{method}"

    def __repr__(self) -> str:
        return f"Verification(verdict={self.verdict!r}, diagnosis={self.diagnosis!r})"

    def _repr_markdown_(self) -> str:
        """In a notebook: the verdict, the right answer typeset, then the paragraph."""
        head = f"**{escape_markdown(self.verdict.capitalize())}**"
        if self.expected is not None and not self.links:
            what = "the right answer" if isinstance(self.expected, Derivative) else \
                "the left side"
            head += f" · {what}: {math_block(self.expected.latex)}"
        return f"{head}\n\n{preformatted(str(self))}"
