"""What both front ends show of a result: JSON of results and errors, dimensions and kinds.

The command line (``matdiff --json``, ``--var``) and the web API (:mod:`matdiff.web`) both
format with this module, so neither imports the other's formatting.  Everything here goes
through the public API (``import matdiff as md``) and the vocabulary's kinds, and returns plain
``dict``/``list``/``str``/``int``/``float``/``None`` values that ``json.dumps`` accepts with
``allow_nan=False``: dimensions that are not integers become strings, a non-finite check
becomes ``None`` with a ``check_error`` beside it.  Dimensions typed as text (``"3"``, ``"n"``)
are read by :func:`dims_from_text`, a kind typed with a slip by :func:`kind_typo`.
"""

from __future__ import annotations

import difflib
import math
import re
from typing import Any

import matdiff as md

from .ir.vocabulary import KIND_ALIASES, KINDS

__all__ = [
    "KINDS",
    "derivative_json",
    "dims_from_text",
    "error_json",
    "kind_typo",
    "reading_json",
    "shape_json",
    "steps_json",
    "verification_json",
]

_DIM_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_MAX_RANK = 8
_MAX_DIMENSION = 2**63 - 1
_MAX_DIGITS = len(str(_MAX_DIMENSION))


def shape_json(shape) -> list:
    """A shape as a JSON list: integers stay integers, symbolic sizes become strings."""
    return [d if isinstance(d, int) else str(d) for d in shape]


def steps_json(steps) -> list[dict[str, str]]:
    """The derivation steps as ``[{"rule", "text", "latex"}, ...]`` (empty when none)."""
    return [{"rule": str(s.rule), "text": str(s.text), "latex": str(s.latex)}
            for s in (steps or ())]


def derivative_json(d, code: str | None = "numpy", check: float | None = None) -> dict:
    """The fields of a derivative that both the command line and the web API report: every
    form of the result (``text``, ``latex``, ``index`` and ``index_latex``, ``elementwise``,
    ``kron``: the vec/Kronecker form or None, ``pretty``, ``code``) and its conventions."""
    out = {
        "text": str(d),
        "latex": d.latex,
        "index": d.index,
        "index_latex": d.index_latex,
        "elementwise": d.elementwise,
        "kron": d.kron,
        "pretty": d.pretty,
        "pretty_latex": d.pretty_latex,
        "shape": shape_json(d.shape),
        "steps": steps_json(d.steps),
        "code": d.code(code) if code else None,
        "check": None,
        "layout": d.layout,
        "symmetric_gradient": d.symmetric_gradient,
        "order": d.order,
        "wrt": d.wrt,
        "reading": reading_json(d.reading),
    }
    if check is not None:
        if math.isfinite(check):
            out["check"] = float(check)
        else:
            out["check_error"] = f"the finite-difference comparison gave {check}"
    return out


def reading_json(reading) -> list[dict]:
    """How the input was read: ``[{"topic", "subject", "meaning", "why", "span", "text"}]``."""
    return [choice.as_json() for choice in reading]


def error_json(e: md.MatdiffError) -> dict:
    """``{"kind", "message", "position", "marks", "detail"}``; ``detail`` has the caret lines."""
    return {
        "kind": e.kind,
        "message": e.message,
        "position": e.position,
        "marks": [list(m) for m in e.marks],
        "detail": str(e),
    }


def _array_json(a) -> Any:
    """An array as nested lists of floats (non-finite entries as None)."""
    import numpy as np

    a = np.asarray(a, dtype=float)
    if a.ndim == 0:
        return float(a) if math.isfinite(float(a)) else None
    return [_array_json(row) for row in a]


def verification_json(r, links: bool = True) -> dict:
    """The fields of SPEC §8 for a verdict (and for each link of a chain)."""
    ce = r.counterexample
    out = {
        "verdict": r.verdict,
        "correct": r.correct,
        "text": str(r),
        "expected": None if r.expected is None else str(r.expected),
        "expected_latex": None if r.expected is None else r.expected.latex,
        "claim": r.claim_text,
        "diagnosis": r.diagnosis,
        "factor": r.factor,
        "symmetric": list(r.symmetric),
        "explanation": r.explanation,
        "method": r.method,
        "points": r.points,
        "difference": r.difference if r.difference is None or math.isfinite(r.difference)
        else None,
        "counterexample": None if ce is None else {
            "inputs": {name: _array_json(v) for name, v in ce.inputs.items()},
            "claim": _array_json(ce.claim),
            "expected": _array_json(ce.expected),
            "sizes": dict(ce.sizes),
        },
        "position": r.position,
        "marks": [list(m) for m in r.marks],
        "error": None if r.error is None else error_json(r.error),
    }
    if links:
        out["links"] = [verification_json(link, links=False) | {"link": link.link_text}
                        for link in r.links]
    return out


def dims_from_text(items) -> tuple:
    """Dimensions from strings or integers: ``"3"`` → 3, ``"n"`` stays; else ArgumentError."""
    dims = []
    for item in items:
        if isinstance(item, bool):
            raise md.ArgumentError(f"a dimension must be a name or a positive integer: {item}")
        if isinstance(item, str):
            item = item.strip()
            if item.isascii() and item.isdigit():  # ASCII digits only: not "²" or "٣"
                item = int(item) if len(item.lstrip("0")) <= _MAX_DIGITS else _MAX_DIMENSION + 1
            elif not _DIM_NAME.match(item):
                raise md.ArgumentError(f"a dimension must be a name or a positive integer, "
                                       f"not {_quoted(item)}")
        if isinstance(item, int):
            if item < 1:
                raise md.ArgumentError(f"a dimension must be a positive integer, not {item}")
            if item > _MAX_DIMENSION:
                raise md.ArgumentError("a dimension must be at most 2^63 - 1, the largest an "
                                       "array can have")
        elif not isinstance(item, str):
            raise md.ArgumentError(
                f"a dimension must be a name or a positive integer, not {_quoted(item)}")
        dims.append(item)
    if len(dims) > _MAX_RANK:
        raise md.ArgumentError(f"at most {_MAX_RANK} dimensions per variable")
    return tuple(dims)


def _quoted(value, limit: int = 40) -> str:
    """``repr(value)``, shortened past ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 4] + "...'"


def kind_typo(word: str) -> str | None:
    """The kind a word most likely means: the kind itself in any case, an alias (``psd``),
    or, for three letters or more (shorter words are dimensions: ``n``, ``sp``), a kind it
    abbreviates (``sym``) or misspells (``symetric``); else None."""
    word = word.strip().lower()
    if word in KINDS or word in KIND_ALIASES:
        return KIND_ALIASES.get(word, word)
    if len(word) < 3:
        return None
    close = [kind for kind in KINDS if kind.startswith(word)] or \
        difflib.get_close_matches(word, KINDS, n=1, cutoff=0.75)
    return close[0] if close else None
