"""Calculus: differentials by rule, derivatives of any order, one record of a derivation."""

from .budget import MAX_SECONDS, MAX_TENSOR_ORDER, MAX_TERMS, check_budget
from .differential import D_RULES, RULE_NAMES, differential, linearize
from .jacobian import Step, jacobian_step
from .record import Derivation, derive

__all__ = ["MAX_SECONDS", "MAX_TENSOR_ORDER", "MAX_TERMS", "check_budget", "D_RULES",
           "RULE_NAMES", "differential", "linearize", "Step", "jacobian_step", "Derivation",
           "derive"]
