"""The rewrite engine: rules as data, strategies apart from them, a budget and a trace.

A :class:`Rule` has a name, a left side (a pattern of :mod:`.patterns`, or a function that
returns the rewritten node or None), a right side, an optional guard, and an example in the
language on which it fires (its soundness test evaluates both sides there).  A
:class:`RuleSet` is an ordered, named list of rules; rule sets compose with ``+``.

:func:`rewrite` runs a rule set bottom-up to a fixed point: children first, then the rules at
the node, again on whatever a rule produced, until none applies.  Every application costs one
unit of the budget; when the budget is spent the expression is returned as far as it got —
still equal to the input, only less simple.  Each application is recorded as
``(rule name, before, after)``, which is what the step-by-step derivation prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

from ..ir import Node
from .patterns import Pat, instantiate, matcher

__all__ = ["Rule", "RuleSet", "Trace", "rewrite"]


@dataclass(frozen=True)
class Rule:
    name: str
    lhs: object
    rhs: object = None
    when: Callable[[dict], bool] | None = None
    example: str = ""
    vars: dict | None = None

    @cached_property
    def _match(self) -> Callable[[Node], dict | None] | None:
        """The compiled left side (None for a function left side)."""
        return matcher(self.lhs) if isinstance(self.lhs, Pat) else None

    @cached_property
    def ops(self) -> tuple | None:
        """The ops this rule rewrites (None: any op)."""
        op = self.lhs.op if isinstance(self.lhs, Pat) else getattr(self.lhs, "op", None)
        return op if isinstance(op, tuple) or op is None else (op,)

    def apply(self, node: Node) -> Node | None:
        """The rewritten node, or None when the rule does not apply here (a rewrite never
        changes a shape: one that would is not applied)."""
        match = self._match
        if match is None:
            ops = self.ops
            if ops is not None and node.op not in ops:
                return None
            out = self.lhs(node)
            return None if out is None or out is node or out.shape != node.shape else out
        b = match(node)
        if b is None or (self.when is not None and not self.when(b)):
            return None
        out = instantiate(self.rhs, b, node)
        return None if out is node or out.shape != node.shape else out


@dataclass(frozen=True)
class RuleSet:
    name: str
    rules: tuple[Rule, ...]

    def __add__(self, other: RuleSet) -> RuleSet:
        return RuleSet(f"{self.name}+{other.name}", self.rules + other.rules)

    def __iter__(self):
        return iter(self.rules)

    @cached_property
    def by_op(self) -> dict:
        """The rules indexed by the op they rewrite (None: rules for any op)."""
        index: dict = {}
        for rule in self.rules:
            for key in rule.ops or (None,):
                index.setdefault(key, []).append(rule)
        generic = index.get(None, [])
        return {key: tuple(rules + (generic if key is not None else []))
                for key, rules in index.items()}


@dataclass
class Trace:
    """What the engine did: one entry per rule application."""

    entries: list[tuple[str, Node, Node]] = field(default_factory=list)
    budget: int = 10_000


def rewrite(node: Node, rules: RuleSet, trace: Trace | None = None) -> Node:
    """``node`` rewritten bottom-up to a fixed point of ``rules`` (within the budget)."""
    trace = trace if trace is not None else Trace()
    memo: dict[int, Node] = {}
    by_op = rules.by_op
    generic = by_op.get(None, ())

    def visit(n: Node, depth: int = 0) -> Node:
        key = id(n)
        done = memo.get(key)
        if done is not None:
            return done
        current = n.rebuild(tuple([visit(a, depth) for a in n.args])) if n.args else n
        while trace.budget > 0:
            for rule in by_op.get(current.op, generic):
                out = rule.apply(current)
                if out is not None:
                    trace.budget -= 1
                    trace.entries.append((rule.name, current, out))
                    current = visit(out, depth + 1) if depth < 200 else out
                    break
            else:
                break
        memo[key] = current
        memo[id(current)] = current
        return current

    return visit(node)
