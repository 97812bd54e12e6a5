"""Soundness of every rewrite rule: on its own example, both sides evaluate equal.

Each rule carries an example in the language on which it fires; the test finds the node of
the parsed example where the rule applies, rewrites it (into every form the rule offers
there, for the ``minimize`` strategy to choose among), and compares both sides on random
inputs.  A rule whose example does not make it fire fails too, so no rule goes untested.
"""

from __future__ import annotations

import numpy as np
import pytest

from matdiff.ir import Op
from matdiff.parsing import parse
from matdiff.rewriting import SIMPLIFY, Trace, simplify
from matdiff.rewriting.rules_commutative import PAIRS
from matdiff.printing.text import to_text
from node_eval import evaluate, random_arrays, variables_of

RULES = list(SIMPLIFY) + list(PAIRS)


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_rule_is_sound_on_its_example(rule):
    assert rule.example, f"rule {rule.name!r} has no example"
    root = parse(rule.example).node
    site = next(((n, outs) for n in root.walk() if (outs := rule.rewrites(n))), None)
    assert site is not None, f"rule {rule.name!r} does not fire on {rule.example!r}"
    before, rewrites = site
    variables = variables_of(root)
    rng = np.random.default_rng(7)
    for after in rewrites:
        assert after.shape == before.shape
        for _ in range(3):
            arrays = random_arrays(variables, rng)
            want = evaluate(before, variables, arrays)
            got = evaluate(after, variables, arrays)
            np.testing.assert_allclose(
                got, want, rtol=1e-9, atol=1e-9,
                err_msg=f"{rule.name}: {to_text(before)} -> {to_text(after)}")


def test_rule_names_are_unique():
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("text, want", [
    ("X*B + X*B", "2*X*B"),
    ("D'*D*W - D'*X", "D'*(D*W - X)"),
    ("(A')'", "A"),
    ("inv(A')", "inv(A)'"),
    ("tr(A')", "tr(A)"),
    ("tr(B*A)", "tr(A*B)"),
    ("tr(x'*A*x)", "x'*A*x"),
    ("y'*A'*x + x'*A*y", "2*x'*A*y"),
    ("A*eye + 0*B", "A"),
    ("2*(3*x)", "6*x"),
    ("a*(2*x)", "2*a*x"),
    ("(A'*B)'", "B'*A"),
    ("0.5*A' + 0.5*A", "0.5*(A' + A)"),
    ("A*x + A'*x", "(A + A')*x"),
    ("diag(v)*x", "v.*x"),
    ("-(-x)", "x"),
    ("A*(B*C)", "A*B*C"),
    ("X*B - 2*X*A", "X*(B - 2*A)"),
    ("(A/c)'", "A'/c"),
    ("0.5*(x/c + (x'/c)')", "x/c"),
])
def test_simplify_gives_the_textbook_form(text, want):
    assert to_text(simplify(parse(text).node)) == want


def test_every_rule_has_a_pattern_that_names_its_ops():
    for rule in RULES:
        assert rule.ops and all(isinstance(op, Op) for op in rule.ops), rule.name


@pytest.mark.parametrize("text, kinds, want", [
    ("(S*B)'", {"S": "symmetric"}, "B'*S"),
    ("B'*A'", {}, "(A*B)'"),
    ("(A'*B')'", {}, "B*A"),
    ("A*A", {}, "A^2"),
    ("x'*y + y'*x", {}, "2*x'*y"),
])
def test_minimize_keeps_the_cheapest_of_undoing_alternatives(text, kinds, want):
    """Pushing a transpose in and pulling it out undo each other; the strategy keeps the form
    that prints shorter (on a tie, the one with transposes at the leaves) and stops."""
    trace = Trace()
    assert to_text(simplify(parse(text, kinds).node, trace)) == want
    assert len(trace.entries) < 10


def test_symmetric_variables_equal_their_transposes():
    node = parse("S' + S", {"S": "symmetric"}).node
    assert to_text(simplify(node)) == "2*S"


def test_budget_stops_the_engine_and_keeps_the_value():
    node = parse("X*B + X*B + (A')' + tr(B'*X')").node
    trace = Trace(budget=1)
    partial = simplify(node, trace)
    assert len(trace.entries) == 1
    variables = variables_of(node)
    arrays = random_arrays(variables, np.random.default_rng(0))
    np.testing.assert_allclose(evaluate(partial, variables, arrays),
                               evaluate(node, variables, arrays))


@pytest.mark.parametrize("text", ["C*z + z'*z", "-(C*z + z'*z)", "z'*C' + z'*z*z'*C'"])
def test_no_factor_is_pulled_from_terms_whose_rests_do_not_add(text):
    """``C*z + z'*z`` (a scalar broadcast over a vector) shares ``z`` on the right, but
    ``C + z'`` has no meaning: the sum stays, simplified as far as it can be."""
    shapes = {"C": ("n", "p"), "z": ("p",)}
    node = parse(text, shapes).node
    simple = simplify(node)
    variables = variables_of(node)
    arrays = random_arrays(variables, np.random.default_rng(3))
    np.testing.assert_allclose(evaluate(simple, variables, arrays),
                               evaluate(node, variables, arrays), rtol=1e-9, atol=1e-9)
