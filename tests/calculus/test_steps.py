"""Every step of every derivation in the Matrix Cookbook file is true, and the seed
derivations read as their golden files.

A step ``lhs = expr`` states one of three things (``step.raw.kind``): a value (``quantity``
equals ``value``), a differential (``value`` is the differential of ``quantity``, linear in
``dX``), or the vec of a differential.  Values are compared on the cookbook's inputs;
differentials against central finite differences of ``quantity`` along random directions.
The last step's right side is the printed derivative.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import matdiff as md
from matdiff.calculus.derivation import substitute
from matdiff.ir import Op, build
from calculus.test_cookbook import CASES, _arrays
from node_eval import evaluate

GOLDEN = Path(__file__).parent / "golden"

SEEDS = {
    "norm_by_W": ("0.5*norm2(D*W - X)^2", "W", {}),
    "norm_by_D": ("0.5*norm2(D*W - X)^2", "D", {}),
    "norm_XAt_by_X": ("0.5*norm2(X*A')^2", "X", {}),
    "trace_AB_by_A": ("tr(A*B)", "A", {}),
    "product_AB_by_A": ("A*B", "A", {}),
    "det_by_X": ("det(X)", "X", {}),
    "quadratic_hessian": ("x'*A*x", "x", {"order": 2}),
}


def _direction(rng, x: np.ndarray, var) -> np.ndarray:
    v = rng.standard_normal(np.shape(x))
    if var.attrs[1] in ("symmetric", "spd"):
        v = (v + v.T) / 2
    return v


def _check_step(step, d, arrays, rng):
    raw = step.raw
    variables = dict(d.variables_nodes)
    if raw.rule == "abbreviation":
        return
    if raw.kind == "value":
        want = evaluate(raw.quantity, variables, arrays)
        got = evaluate(raw.value, variables, arrays)
        np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-10, err_msg=step.text)
        return
    x = variables[d.wrt]
    direction = build.var("d__direction", x.shape)
    value = substitute(raw.value, {id(build.diff(x)): direction})
    assert not any(n.op is Op.DIFF for n in value.walk()), step.text
    for _ in range(2):
        v = _direction(rng, arrays[d.wrt], x)
        h = 1e-6
        plus = {**arrays, d.wrt: arrays[d.wrt] + h * v}
        minus = {**arrays, d.wrt: arrays[d.wrt] - h * v}
        fd = (evaluate(raw.quantity, variables, plus)
              - evaluate(raw.quantity, variables, minus)) / (2 * h)
        if raw.kind == "vec":
            fd = np.reshape(fd.T, (-1,)) if fd.ndim == 2 else fd
        got = evaluate(value, {**variables, "d__direction": direction},
                       {**arrays, "d__direction": v})
        scale = max(1.0, float(np.max(np.abs(fd), initial=0.0)))
        np.testing.assert_allclose(got, fd, rtol=1e-5, atol=1e-6 * scale, err_msg=step.text)


@pytest.mark.parametrize("case", CASES)
def test_every_step_is_true(case):
    d = md.derivative(case.expr, wrt=case.wrt, vars=case.vars, order=case.order,
                      layout=case.layout)
    steps = d.steps
    assert steps, "a derivation has steps"
    arrays = _arrays(case)
    rng = np.random.default_rng(3)
    for step in steps:
        _check_step(step, d, arrays, rng)
    assert steps[-1].raw.expr is d.node, "the last step is the printed derivative"


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seed_derivations_match_their_golden_files(name):
    expr, wrt, options = SEEDS[name]
    d = md.derivative(expr, wrt=wrt, **options)
    golden = (GOLDEN / f"{name}.txt").read_text()
    assert str(d.steps) + "\n" == golden


def test_steps_name_their_rules():
    d = md.derivative("0.5*norm2(D*W - X)^2", wrt="W")
    rules = [s.rule for s in d.steps]
    assert rules[0] == "abbreviation" and d.steps[0].text == "M = D*W - X"
    assert any("Frobenius norm" in r for r in rules)
    assert any("product rule" in r for r in rules)
    assert any("move the differential out" in r for r in rules)
    assert d.steps[-1].text == "∇_W f = D'*(D*W - X)"


def test_seed_derivation_in_latex_is_an_align_block():
    d = md.derivative("0.5*norm2(D*W - X)^2", wrt="W")
    latex = d.steps.latex
    assert latex + "\n" == (GOLDEN / "norm_by_W.tex").read_text()
    rows = latex.split("\n")[1:-1]
    assert len(rows) == len(d.steps)
    assert all("&=" in row and "\\text{" in row for row in rows)


def test_a_jacobian_derivation_ends_in_index_and_kronecker_forms():
    d = md.derivative("A*B", wrt="A")
    texts = [s.text for s in d.steps]
    assert "vec(dF) = kron(B', eye)*vec(dA)" in texts
    assert texts[-1] == "∂F/∂A = δ_ik B_lj"
    assert d.steps[-1].latex == "\\partial F/\\partial A = \\delta_{ik} B_{lj}"
