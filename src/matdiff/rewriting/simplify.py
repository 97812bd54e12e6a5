"""The simplifier: the rule sets composed, run by the engine with a budget.

``simplify(node)`` gives the textbook form; ``simplify(node, trace)`` also records every rule
applied, for the step-by-step derivation.
"""

from __future__ import annotations

from ..ir import Node
from .engine import RuleSet, Trace, rewrite
from .rules_algebra import ALGEBRA, IDENTITIES
from .rules_elementwise import ELEMENTWISE
from .rules_matrix import MATRIX
from .rules_sums import SUMS

__all__ = ["SIMPLIFY", "simplify", "RULE_SETS"]

RULE_SETS: dict[str, RuleSet] = {
    "algebra": ALGEBRA, "identities": IDENTITIES, "matrix": MATRIX, "sums": SUMS,
    "elementwise": ELEMENTWISE,
}
SIMPLIFY = ALGEBRA + IDENTITIES + MATRIX + ELEMENTWISE + SUMS

DEFAULT_BUDGET = 20_000


def simplify(node: Node, trace: Trace | None = None, rules: RuleSet = SIMPLIFY) -> Node:
    """``node`` in its simplest form under ``rules`` (within the trace's budget)."""
    if trace is None:
        trace = Trace(budget=DEFAULT_BUDGET)
    return rewrite(node, rules, trace)
