"""Did you mean: the spelling the languages know, for a function name or operator they do not.

Computed from the vocabulary (:mod:`matdiff.ir.vocabulary`), never from a list of inputs: an
unknown function name is looked up in the spellings of the engine's functions (``trace`` and
``Tr`` are ``tr``, ``ln`` is ``log``), in what other languages call them (``inverse`` is
``inv``) and in :data:`OPERATOR_SPELLINGS`, the functions of other languages that matdiff
writes as an operator, with and without capitals; failing that, the closest of all those
names by edit distance (:mod:`difflib`).  An unexpected operator is looked up in
:data:`OTHER_OPERATORS`.
"""

from __future__ import annotations

import difflib

from ..ir.syntax import Syn
from ..ir.vocabulary import ALIASES, SPELLINGS

__all__ = ["OPERATOR_SPELLINGS", "OTHER_OPERATORS", "function_hint", "operator_hint"]

OPERATOR_SPELLINGS: dict[str, str] = {
    "transpose": "{0}'", "dot": "{0}'*{1}", "matmul": "{0}*{1}", "multiply": "{0} .* {1}",
    "hadamard": "{0} .* {1}", "outer": "{0}*{1}'",
}
"""Functions of NumPy, MATLAB, Mathematica and textbooks that matdiff writes as an operator,
each with the ASCII form of the call (``{0}`` the first argument)."""

OTHER_OPERATORS: dict[str, str] = {"**": "^", ".**": ".^", ".'": "'"}
"""Operators of Python and MATLAB with matdiff's spelling of them."""

_CANDIDATES = {**SPELLINGS, **ALIASES, **OPERATOR_SPELLINGS}


def _spelled(target: str, args: tuple[Syn, ...], text: str) -> str:
    if "{0}" not in target:
        return target
    written = []
    for arg in args:
        inner = text[arg.span[0]:arg.span[1]]
        simple = arg.kind in ("name", "number", "call", "group", "norm")
        written.append(inner if simple else f"({inner})")
    try:
        return target.format(*written)
    except IndexError:  # fewer arguments than the form needs: name the form
        return target.replace("{0}", "A").replace("{1}", "B")


def function_hint(name: str, args: tuple[Syn, ...] = (), text: str = "") -> str:
    """The end of the message for an unknown function ``name`` called on ``args`` (spans into
    ``text``): ``": did you mean tr?"``, or a product for a one-letter name, or nothing."""
    for key in (name, name.lower()):
        if key in _CANDIDATES:
            return f": did you mean {_spelled(_CANDIDATES[key], args, text)}?"
    close = difflib.get_close_matches(name.lower(), _CANDIDATES, n=1, cutoff=0.75)
    if close:
        return f": did you mean {_spelled(_CANDIDATES[close[0]], args, text)}?"
    if len(name) == 1:
        return f": write {name}*(...) for a product"
    return ""


def operator_hint(text: str, pos: int) -> tuple[str, tuple[int, int]] | None:
    """The message and span for a foreign operator written across offset ``pos`` of ``text``
    (``**`` in ``x**2``), or None."""
    for written, ours in sorted(OTHER_OPERATORS.items(), key=lambda kv: -len(kv[0])):
        for start in range(max(0, pos - len(written) + 1), pos + 1):
            if text.startswith(written, start):
                return (f"{written} is not an operator here: did you mean {ours}?",
                        (start, start + len(written)))
    return None
