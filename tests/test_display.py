"""Results as a notebook and a terminal show them: through IPython's display formatter.

Jupyter asks an object for its Markdown, LaTeX and plain text; the richest one it can render
is shown (Markdown before LaTeX).  A terminal (and a cell's text fallback) shows the plain
text, which must read like the result, not like the IR underneath.
"""

from __future__ import annotations

import pytest
from IPython.core import formatters

import matdiff as md

SEED_VARS = {"D": ("m", "k"), "W": ("k", "n"), "X": ("m", "n")}


def shown(obj) -> dict[str, str]:
    data, _ = formatters.DisplayFormatter().format(obj)
    return data


@pytest.fixture(scope="module")
def seed():
    return md.derivative("0.5*norm2(D*W - X)^2", wrt="W", vars=SEED_VARS)


def test_a_derivative_shows_typeset_with_its_text_form_and_what_it_is(seed):
    data = shown(seed)
    assert data["text/latex"] == r"$$D^\top (D W - X)$$"
    markdown = data["text/markdown"]
    assert markdown.startswith(r"$$D^\top (D W - X)$$")
    assert "`D'*(D*W - X)`" in markdown
    assert "derivative of `0.5*norm2(D*W - X)^2` by `W`, shape (k, n), numerator layout" \
        in markdown
    assert data["text/plain"] == "Derivative(\"D'*(D*W - X)\", shape=('k', 'n'), " \
        "layout='numerator')"


def test_a_hessian_shows_its_repeats_named_and_its_order():
    d = md.derivative("sum(log(1 + exp(X*w)))", wrt="w", order=2)
    markdown = shown(d)["text/markdown"]
    assert markdown.startswith(r"$$X^\top \operatorname{diag}(s \odot (1 - s)) X, \quad "
                               r"s = \operatorname{sigmoid}(X w)$$")
    assert "the second derivative of" in markdown


def test_a_tensor_without_matrix_form_shows_in_index_notation():
    data = shown(md.derivative("A*B", wrt="A"))
    assert data["text/latex"] == r"$$\frac{\partial F_{ij}}{\partial A_{kl}} = " \
        r"\delta_{ik} B_{lj}$$"
    assert "`∂F_ij/∂A_kl = δ_ik B_lj`" in data["text/markdown"]


def test_an_expression_shows_typeset_with_its_shape():
    data = shown(md.parse("A*x", vars={"A": ("m", "n")}))
    assert data["text/latex"] == "$$A x$$"
    assert data["text/markdown"] == "$$A x$$\n\n`A*x` — shape (m,)"
    assert shown(md.parse("tr(A)"))["text/markdown"].endswith("— a scalar")


def test_steps_show_one_a_line_in_a_terminal_and_aligned_in_a_notebook(seed):
    data = shown(seed.steps)
    plain = data["text/plain"]
    assert plain == str(seed.steps)
    lines = plain.splitlines()
    assert len(lines) == len(seed.steps)
    assert lines[0].split() == ["M", "=", "D*W", "-", "X", "[abbreviation]"]
    assert lines[-1].startswith("∇_W f = D'*(D*W - X)")
    for internal in ("ShownStep", "Step(", "MATMUL", "Var(", "raw="):
        assert internal not in plain
    latex = data["text/latex"]
    assert latex.startswith("$$\\begin{aligned}\n") and latex.endswith("\\end{aligned}$$")
    rows = latex.split(" \\\\\n")
    assert len(rows) == len(seed.steps)
    assert rows[-1].startswith(r"\nabla_W f &= D^\top (D W - X) && "
                               r"\text{expand the abbreviations}")


def test_one_step_shows_its_equation_and_rule(seed):
    step = seed.steps[3]
    data = shown(step)
    assert data["text/plain"] == "ShownStep('dM = D*dW', rule='sum rule, product rule')"
    assert data["text/latex"] == ("$$\\begin{aligned}\n\\mathrm{d}M &= D \\mathrm{d}W && "
                                  "\\text{sum rule, product rule}\n\\end{aligned}$$")
    assert str(step) == "dM = D*dW    [sum rule, product rule]"


def test_a_wrong_claim_shows_the_verdict_the_answer_typeset_and_the_counterexample():
    r = md.verify("x'*A*x", wrt="x", claim="2*A*x")
    markdown = shown(r)["text/markdown"]
    head, body = markdown.split("\n\n", 1)
    assert head == r"**Wrong** · the right answer: $$(A + A^\top) x$$"
    assert body.startswith("```text\nWrong: 2*A*x is not the gradient of f = x'*A*x by x.")
    assert "Counterexample, with every dimension 2:" in body
    assert body.endswith("\n```")
    assert shown(r)["text/plain"] == "Verification(verdict='wrong', diagnosis='symmetric')"


def test_an_identity_shows_its_left_side():
    markdown = shown(md.verify("tr(A'*A) = tr(A*A')"))["text/markdown"]
    assert markdown.startswith("**Correct** · the left side: $$")
