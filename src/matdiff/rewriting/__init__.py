"""Rewriting: rules kept as data, the engine that runs them, and the simplifier."""

from .engine import Minimize, Rule, RuleSet, Trace, minimize, rewrite
from .simplify import SIMPLIFY, simplify, zero_operand

__all__ = ["Minimize", "Rule", "RuleSet", "Trace", "minimize", "rewrite", "SIMPLIFY", "simplify",
           "zero_operand"]
