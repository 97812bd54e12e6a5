"""What a generated module is (:class:`Generated`) and the names it may use.

User names reach generated source only in the form Python reads them (NFKC normalisation:
``ﬁ`` is read as ``fi``), so they are compared and sanitised in that form; a name that is no
identifier once normalised (a size ``²`` reads as ``2``) is spelled as one; keywords, the
module's own names (:data:`RESERVED`) and names already taken get a trailing ``_``.  Locals
(``_t1``, ``_t2`` …) are deleted after their last use (:func:`release_locals`).
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from dataclasses import dataclass

from ..ir import Node
from .matrix_functions import MATRIX_HELPERS
from .numerics import HELPERS

__all__ = ["Generated", "safe_name", "release_locals", "RESERVED"]

RESERVED = frozenset({"xp", "np", "dtype", "array_api_compat", "numpy", *HELPERS,
                      *MATRIX_HELPERS, "_library", "_library_matfunc",
                      "_scalar_function", "_block_diagonal"})
"""Names a generated module defines or imports."""


@dataclass(frozen=True)
class Generated:
    """Source of a module defining ``name``; ``params`` maps each variable to its argument.

    ``roots`` (the value first where there is one), ``namespace`` and ``anchor`` are what
    :func:`.array_api.generate` was given, so the same function can be planned again for
    other sizes.
    """

    source: str
    name: str
    params: dict[str, str]
    dims: tuple[str, ...]
    needed: tuple[str, ...]
    roots: tuple[Node, ...] = ()
    namespace: str = "array_api"
    anchor: str | None = None


def safe_name(name: str, taken: set[str]) -> str:
    """``name`` as Python reads it (NFKC), made an identifier that clashes with nothing."""
    out = unicodedata.normalize("NFKC", name)
    if not out.isidentifier():
        out = "v_" + "".join(ch if ("v" + ch).isidentifier() else "_" for ch in out)
    while keyword.iskeyword(out) or out in RESERVED or out in taken:
        out += "_"
    return out


_LOCAL = re.compile(r"\b_t\d+\b")


def release_locals(lines: list[str], returned: str) -> list[str]:
    """``lines`` with each local deleted after its last use (so that intermediates of a long
    product do not all stay alive until the function returns)."""
    last: dict[str, int] = {}
    for k, line in enumerate(lines):
        target, _, value = line.partition(" = ")
        for name in _LOCAL.findall(value):
            last[name] = k
        last.setdefault(target, k)
    kept = set(_LOCAL.findall(returned))
    freed: dict[int, list[str]] = {}
    for name, k in last.items():
        if name not in kept and _LOCAL.fullmatch(name):
            freed.setdefault(k, []).append(name)
    out = []
    for k, line in enumerate(lines):
        out.append(line)
        if k in freed:
            out.append("del " + ", ".join(freed[k]))
    return out
