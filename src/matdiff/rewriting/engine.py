"""The rewrite engine: rules as data, strategies apart from them, a budget and a trace.

A :class:`Rule` has a name, a left side (a pattern of :mod:`.patterns`; the op of its root is
the op the rule rewrites), a right side (a template, or a function of the bindings that gives
the rewritten node, several equal forms, or None), an optional guard, and an example in the
language on which it fires (its soundness test evaluates both sides there).  No rule compares
costs.  A :class:`RuleSet` is an ordered, named list of steps; rule sets compose with ``+``.

Strategies: a plain rule fires wherever it matches; :func:`minimize` makes one step of a set
of alternatives (push a transpose in or pull it out, factor a sum or leave it, rotate a
trace …) that applies them all at a node and keeps the cheapest form by a measure, and only
when it is cheaper than the node, so alternatives that undo each other cannot loop.
:func:`rewrite` runs a rule set bottom-up to a fixed point (exhaustively): children first,
then the steps at the node, again on whatever a step produced, until none applies.  Every
application costs one unit of the budget; when the budget is spent the expression is
returned as far as it got — still equal to the input, only less simple.  Each visit of a
node is a step of work for the time bound of :mod:`matdiff.ir.clock`.  Each application is
recorded as ``(rule name, before, after)``, which is what the step-by-step derivation prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

from ..ir import Node, Op
from ..ir.clock import spend
from .patterns import Pat, instantiate, matcher

__all__ = ["Rule", "Minimize", "RuleSet", "Trace", "minimize", "rewrite"]


@dataclass(frozen=True)
class Rule:
    name: str
    lhs: Pat
    rhs: object
    when: Callable[[dict], bool] | None = None
    example: str = ""

    @cached_property
    def ops(self) -> tuple[Op, ...]:
        """The ops this rule rewrites: the op of its left side."""
        op = self.lhs.op
        return op if isinstance(op, tuple) else (op,)

    @cached_property
    def _match(self) -> Callable[[Node], dict | None]:
        return matcher(self.lhs)

    @cached_property
    def _made(self) -> Callable[[Node], object]:
        """What the right side makes of a node: a node, several, or None (no match)."""
        match, when, rhs = self._match, self.when, self.rhs
        template = not callable(rhs)

        def made(node: Node) -> object:
            b = match(node)
            if b is None or (when is not None and not when(b)):
                return None
            return instantiate(rhs, b, node) if template else rhs(b)
        return made

    def rewrites(self, node: Node) -> tuple[Node, ...]:
        """The forms this rule rewrites ``node`` to (none when it does not apply here; a
        rewrite never changes a shape: one that would is dropped)."""
        out = self._made(node)
        if out is None:
            return ()
        if out.__class__ is Node:
            return () if out is node or out.shape != node.shape else (out,)
        return tuple(o for o in out if o is not node and o.shape == node.shape)

    def apply(self, node: Node) -> Node | None:
        """The first rewrite of ``node``, or None."""
        out = self.rewrites(node)
        return out[0] if out else None

    @cached_property
    def fire(self) -> Callable[[Node], tuple[str, Node] | None]:
        """``(name, first rewrite)`` of a node, or None: :meth:`apply` compiled into one
        closure, since the engine calls it for every node of the rule's op."""
        match, when, rhs, name = self._match, self.when, self.rhs, self.name
        template = not callable(rhs)

        def fire(node: Node) -> tuple[str, Node] | None:
            b = match(node)
            if b is None or (when is not None and not when(b)):
                return None
            out = instantiate(rhs, b, node) if template else rhs(b)
            if out is None or out is node:
                return None
            if out.__class__ is not Node:
                out = next((o for o in out if o is not node and o.shape == node.shape), None)
                return None if out is None else (name, out)
            return (name, out) if out.shape == node.shape else None
        return fire


@dataclass(frozen=True)
class Minimize:
    """One step over alternatives: every rewrite they offer at a node is measured by
    ``objective`` and the least kept, if it is less than the node's (on a tie, the first)."""

    name: str
    rules: tuple[Rule, ...]
    objective: Callable[[Node], tuple]

    @cached_property
    def ops(self) -> tuple[Op, ...]:
        return tuple(dict.fromkeys(op for rule in self.rules for op in rule.ops))

    @cached_property
    def _by_op(self) -> dict[Op, tuple[Rule, ...]]:
        return {op: tuple(r for r in self.rules if op in r.ops) for op in self.ops}

    def fire(self, node: Node) -> tuple[str, Node] | None:
        objective = self.objective
        best = best_key = winner = None
        for rule in self._by_op.get(node.op, ()):
            for out in rule.rewrites(node):
                key = objective(out)
                if best_key is None:
                    best_key = objective(node)
                if key < best_key:
                    best, best_key, winner = out, key, rule.name
        return None if winner is None else (winner, best)


def minimize(name: str, rules: RuleSet, objective: Callable[[Node], tuple]) -> RuleSet:
    """The alternatives ``rules`` as one step that keeps the form least by ``objective``."""
    return RuleSet(name, (Minimize(name, tuple(rules), objective),))


@dataclass(frozen=True)
class RuleSet:
    name: str
    steps: tuple[Rule | Minimize, ...]

    def __add__(self, other: RuleSet) -> RuleSet:
        return RuleSet(f"{self.name}+{other.name}", self.steps + other.steps)

    def __iter__(self):
        """Every rule, those inside a :class:`Minimize` step too."""
        for step in self.steps:
            yield from step.rules if isinstance(step, Minimize) else (step,)

    @cached_property
    def by_op(self) -> dict[Op, tuple[Callable[[Node], tuple[str, Node] | None], ...]]:
        """The steps' ``fire`` methods indexed by the op they rewrite."""
        index: dict = {}
        for step in self.steps:
            for key in step.ops:
                index.setdefault(key, []).append(step.fire)
        return {key: tuple(fires) for key, fires in index.items()}


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

    def visit(n: Node, depth: int = 0) -> Node:
        key = id(n)
        done = memo.get(key)
        if done is not None:
            return done
        spend()
        current = n.rebuild(tuple([visit(a, depth) for a in n.args])) if n.args else n
        while trace.budget > 0:
            for fire in by_op.get(current.op, ()):
                fired = fire(current)
                if fired is not None:
                    name, out = fired
                    trace.budget -= 1
                    trace.entries.append((name, current, out))
                    current = visit(out, depth + 1) if depth < 200 else out
                    break
            else:
                break
        memo[key] = current
        memo[id(current)] = current
        return current

    return visit(node)
