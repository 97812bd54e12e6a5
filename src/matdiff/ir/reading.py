"""How the input was read: the choices made about what the text says (SPEC §4).

Nothing is read silently.  Every choice a parser or shape inference makes that the text does
not spell out is one :class:`Choice`: the kind and shape given to an undeclared name, and each
reading of ambiguous notation (``|S|`` of a matrix as its determinant, ``\\sigma(...)`` as the
sigmoid, a run of letters as a product, a Unicode sign replaced).  A result carries the tuple
of its choices as ``reading``; the command line and the web page show it beside the answer.

Invariant: a choice's ``span`` points into the text the user gave (never into a rewritten
copy), so a caret can be drawn under it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Choice", "TOPICS"]

TOPICS = ("kind", "notation", "unicode")
"""``kind``: an undeclared name's kind and shape; ``notation``: how ambiguous notation was
read; ``unicode``: a pasted character replaced by the language's own spelling."""


@dataclass(frozen=True, slots=True)
class Choice:
    """One choice: ``subject`` (what the text says) read as ``meaning``, for ``why``."""

    topic: str
    subject: str
    meaning: str
    why: str
    span: tuple[int, int] | None = None

    def __post_init__(self):
        if self.topic not in TOPICS:
            raise ValueError(f"unknown reading topic {self.topic!r}")

    def __str__(self) -> str:
        return f"{self.subject} read as {self.meaning} ({self.why})"

    def as_json(self) -> dict:
        """The choice as plain JSON values (the span as a two-item list or None)."""
        return {"topic": self.topic, "subject": self.subject, "meaning": self.meaning,
                "why": self.why, "span": list(self.span) if self.span else None,
                "text": str(self)}
