"""The simplifier: the rule sets composed, run by the engine with a budget.

``simplify(node)`` gives the textbook form; ``simplify(node, trace)`` also records every rule
applied, for the step-by-step derivation.  The rules that always simplify come first; the
alternatives that may or may not pay (push or pull a transpose, pull a factor out of a sum or
not, cancel) are one ``minimize`` step by :func:`.measure.score`; the equal forms of a trace
or a scalar chain, one ``minimize`` step by :func:`.measure.text_order`.
"""

from __future__ import annotations

from ..ir import Node
from .engine import RuleSet, Trace, minimize, rewrite
from .measure import score, text_order
from .rules_algebra import ALGEBRA, IDENTITIES
from .rules_commutative import COMMUTATIVE_CHOICES, FUNCTIONS
from .rules_elementwise import ELEMENTWISE
from .rules_matfunc import MATRIX_FUNCTIONS
from .rules_matrix import MATRIX, MATRIX_CHOICES, MATRIX_FORMS
from .rules_sums import SUMS, SUMS_CHOICES

__all__ = ["CHEAPEST", "ONE_FORM", "SIMPLIFY", "simplify"]

CHEAPEST = minimize(
    "cheapest form", MATRIX_CHOICES + COMMUTATIVE_CHOICES + SUMS_CHOICES, score)
ONE_FORM = minimize("one of equal forms", MATRIX_FORMS, text_order)
SIMPLIFY = (ALGEBRA + IDENTITIES + MATRIX + MATRIX_FUNCTIONS + ELEMENTWISE + FUNCTIONS + SUMS
            + CHEAPEST + ONE_FORM)

DEFAULT_BUDGET = 20_000


def simplify(node: Node, trace: Trace | None = None, rules: RuleSet = SIMPLIFY) -> Node:
    """``node`` in its simplest form under ``rules`` (within the trace's budget)."""
    if trace is None:
        trace = Trace(budget=DEFAULT_BUDGET)
    return rewrite(node, rules, trace)
