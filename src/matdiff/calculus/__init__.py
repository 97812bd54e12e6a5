"""Calculus: differentials by rule, derivatives of any order by index form."""

from .differential import D_RULES, RULE_NAMES, differential
from .jacobian import Step, derivative_steps, jacobian_step

__all__ = ["D_RULES", "RULE_NAMES", "differential", "Step", "derivative_steps",
           "jacobian_step"]
