"""What an undeclared name is, by the convention matrixcalculus.org users know.

A name starting with ``a``–``g`` or a lower-case Greek name is a scalar, one starting with
``h``–``z`` a vector, one starting with a capital (``Sigma`` too) a matrix.  Declarations
(SPEC §4) override it: a shape tuple, or a kind among ``scalar``, ``vector``, ``matrix``,
``symmetric``, ``spd``.
"""

from __future__ import annotations

import re

__all__ = ["GREEK", "KINDS", "kind_by_convention", "convention_reason", "greek_base"]

GREEK = frozenset("""
alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi
omicron pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega
""".split())

KINDS = ("scalar", "vector", "matrix", "symmetric", "spd")


def greek_base(name: str) -> str | None:
    """``lambda_1`` → ``lambda``; None when the name does not start with a Greek letter."""
    m = re.match(r"[A-Za-z]+", name)
    if m and m.group(0).lower() in GREEK:
        return m.group(0)
    return None


def kind_by_convention(name: str) -> str:
    """``scalar``, ``vector`` or ``matrix`` for an undeclared name."""
    base = greek_base(name)
    if base is not None:
        return "matrix" if base[0].isupper() else "scalar"
    first = name[0]
    if first.isupper():
        return "matrix"
    return "scalar" if first.lower() <= "g" else "vector"


def convention_reason(name: str) -> str:
    """Why the convention gives ``name`` its kind, in words."""
    base = greek_base(name)
    if base is not None:
        return ("naming convention: a capital Greek name is a matrix" if base[0].isupper()
                else "naming convention: a Greek name is a scalar")
    if name[0].isupper():
        return "naming convention: a capital is a matrix"
    if name[0].lower() <= "g":
        return "naming convention: a name starting with a-g is a scalar"
    return "naming convention: a name starting with h-z is a vector"
