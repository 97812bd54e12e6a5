"""The simplifier: the rule sets composed, run by the engine with a budget.

``simplify(node)`` gives the textbook form; ``simplify(node, trace)`` also records every rule
applied, for the step-by-step derivation.  The rules that always simplify come first; the
alternatives that may or may not pay (push or pull a transpose, pull a factor out of a sum or
not, cancel) are one ``minimize`` step by :func:`.measure.score`; the equal forms of a trace
or a scalar chain, one ``minimize`` step by :func:`.measure.text_order`.

:func:`zero_operand` finds a divisor, an inverted matrix or a logarithm's argument that
simplifies to zero: such an expression has no value for any values of its variables, and is
refused before any work rather than carried into a derivative as a division by zero.
"""

from __future__ import annotations

from ..errors import LimitError
from ..ir import LEAVES, Node, Op
from ..ir.clock import time_limit
from .engine import RuleSet, Trace, minimize, rewrite
from .measure import is_zero, score, text_order
from .rules_algebra import ALGEBRA, IDENTITIES
from .rules_commutative import COMMUTATIVE_CHOICES, FUNCTIONS
from .rules_elementwise import ELEMENTWISE
from .rules_matfunc import MATRIX_FUNCTIONS
from .rules_matrix import MATRIX, MATRIX_CHOICES, MATRIX_FORMS
from .rules_sums import SUMS, SUMS_CHOICES

__all__ = ["CHEAPEST", "ONE_FORM", "SIMPLIFY", "simplify", "zero_operand", "ZERO_SECONDS"]

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


ZERO_SECONDS = 0.05
"""The CPU time :func:`zero_operand` may spend simplifying operands, all of them together
(past it, the rest are taken as possibly non-zero: a check before the work must not become
the work)."""


def zero_operand(node: Node) -> tuple[Node, str] | None:
    """The first operand in ``node`` that is zero whatever the variables and must not be —
    a divisor, a base with a negative exponent, an inverted matrix, a logarithm's argument —
    with what it is (``"divisor"``, ``"inverse"``, ``"logarithm"``); None if there is none
    (or none found within :data:`ZERO_SECONDS`)."""
    seen: set[int] = set()
    todo = [node]
    try:
        with time_limit(ZERO_SECONDS):
            while todo:
                n = todo.pop()
                if id(n) in seen:
                    continue
                seen.add(id(n))
                todo.extend(n.args)
                for operand, role in _guarded(n):
                    if _vanishes(operand):
                        return operand, role
    except LimitError:
        pass
    return None


_LOGARITHMS = frozenset({"log", "logm"})


def _guarded(n: Node) -> tuple[tuple[Node, str], ...]:
    op = n.op
    if op is Op.DIV:
        return ((n.args[1], "divisor"),)
    if op is Op.INV or (op is Op.MATPOW and n.attrs[0] < 0):
        return ((n.args[0], "inverse"),)
    if op is Op.POW and n.args[1].op is Op.CONST and n.args[1].attrs[0] < 0:
        return ((n.args[0], "divisor"),)
    if op is Op.LOGDET or (op in (Op.FUNC, Op.MATFUNC) and n.attrs[0] in _LOGARITHMS):
        return ((n.args[0], "logarithm"),)
    return ()


def _vanishes(operand: Node) -> bool:
    return is_zero(operand if operand.op in LEAVES else simplify(operand))
