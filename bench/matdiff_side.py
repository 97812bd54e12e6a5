"""The benchmark's problems in matdiff: the unit timed is ``str(md.derivative(...))``.

That one call parses the input, infers shapes, differentiates, simplifies and prints; the
renaming of variables for a repetition happens before it, outside the timed region.
``printer`` times the other printers (``.index``, ``.latex``) alone, on a derivative built
outside the timed region.

Caches.  Nodes are interned (weakly) in ``matdiff.ir.nodes._INTERNED`` and keep what was
measured about them (``node.facts``), so repeating the same input reuses what is still alive.
Clearing the table is not a clean reset: module-level nodes (``matdiff.ir.build.ZERO``, the
rule patterns) would stop being the interned ones.
A cold repetition therefore renames every variable instead (a fresh ``tag``): no node of an
earlier repetition can occur in it.
"""

from __future__ import annotations

from typing import Callable

import matdiff as md

from problems import job

__all__ = ["setup", "describe", "reset", "status", "printer", "HAS_LATEX"]

try:
    import matdiff.printing.latex  # noqa: F401  (present once the LaTeX printer lands)
    HAS_LATEX = True
except ImportError:
    HAS_LATEX = False


def setup(key: str, tag: str) -> Callable[[], str]:
    """The timed call: parse, differentiate, simplify and print (compared with the peers)."""
    j = job(key)
    text, wrt, shapes = j.tagged(tag)
    return lambda: str(md.derivative(text, wrt=wrt, vars=shapes, order=j.order))


def describe(text: str) -> str:
    return text


def reset() -> None:
    """Nothing to clear: a cold repetition uses fresh variable names (module docstring)."""


def status(text: str) -> str:
    return "ok"


def printer(key: str, tag: str, unit: str) -> Callable[[], str]:
    """A call printing a ready derivative as ``unit`` (``index`` or ``latex``)."""
    j = job(key)
    text, wrt, shapes = j.tagged(tag)
    d = md.derivative(text, wrt=wrt, vars=shapes, order=j.order)
    return lambda: getattr(d, unit)
