"""Rewriting: rules kept as data, the engine that runs them, and the simplifier."""

from .engine import Rule, RuleSet, Trace, rewrite
from .simplify import RULE_SETS, SIMPLIFY, simplify

__all__ = ["Rule", "RuleSet", "Trace", "rewrite", "RULE_SETS", "SIMPLIFY", "simplify"]
