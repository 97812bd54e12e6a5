"""``md.verify`` on the seed questions and on one correct and one wrong claim per diagnosis.

Every wrong verdict must come with a counterexample whose values a reader can recompute: the
claim evaluated at the shown inputs gives the shown claim value, the derivative gives the
shown true value, and the two differ.  Every correct verdict says how it was obtained.
"""

import numpy as np
import pytest

import matdiff as md

SEED = "0.5*norm2(D*W - X)^2"


def assert_counterexample(r, claim_text, vars=None):
    """The counterexample shown is real: recomputing both sides at its inputs agrees."""
    ce = r.counterexample
    assert ce is not None and r.verdict == "wrong"
    assert set(ce) >= set(r.expected.variables)
    truth = r.expected.evaluate(**{n: ce[n] for n in r.expected.variables})
    np.testing.assert_allclose(truth, ce.expected, rtol=1e-12, atol=1e-12)
    declared = {n: info["shape"] for n, info in r.expected.variables.items()}
    claim = md.parse(claim_text, declared)
    value = claim.evaluate(**{n: ce[n] for n in claim.variables})
    np.testing.assert_allclose(value, ce.claim, rtol=1e-12, atol=1e-12)
    assert not np.allclose(ce.claim, ce.expected)
    assert "Counterexample" in str(r)


def test_seed_least_squares_expanded_is_correct_by_proof():
    r = md.verify(SEED, wrt="W", claim="D'*D*W - D'*X")
    assert r.correct and r.verdict == "correct"
    assert r.method == "symbolic" and r.points >= 3 and r.difference < 1e-12
    assert r.diagnosis is None and r.counterexample is None
    assert isinstance(r.expected, md.Derivative) and str(r.expected) == "D'*(D*W - X)"
    text = str(r)
    assert text.startswith("Correct")
    assert "∇_W f = D'*(D*W - X)" in text and "simplifies to 0" in text


@pytest.mark.parametrize("equation", [
    r"\nabla_W \operatorname{tr}(DWX^T) = D^TX",
    r"\nabla_Wtr(DWX^T) = D^TX",  # the asker's LaTeX, as posted
    r"\frac{\partial}{\partial W} \operatorname{tr}(DWX^T) = D^TX",
    "d/dW(tr(D*W*X')) = D'*X",
])
def test_seed_trace_equation_is_correct(equation):
    r = md.verify(equation)
    assert r.correct, str(r)
    assert str(r.expected) == "D'*X"


def test_seed_frobenius_gradient_correct_and_shapes_that_do_not_fit():
    good = md.verify(r"\nabla_X \frac{1}{2}\|XA^T\|_F^2 = XA^TA")
    assert good.correct
    bad = md.verify(r"\nabla_X \frac{1}{2}\|XA^T\|_F^2 = XAA^T")
    assert bad.verdict == "ill-shaped" and not bad.correct
    assert "n = p" in str(bad) and "(m, n)" in str(bad)
    assert bad.position == bad.text.index("XAA^T")


def test_seed_matrix_by_matrix_is_not_the_trace_gradient():
    r = md.verify(r"\nabla_A (AB) = B^T")
    assert r.verdict == "ill-shaped" and r.diagnosis == "trace"
    text = str(r)
    assert "(p, n)" in text and "(m, p, m, n)" in text
    assert "tr(A*B)" in text and "m = p" in text
    assert "δ_ik B_lj" in text  # the right answer, in index notation
    assert r.position == r.text.index("B^T")
    assert md.verify(r"\nabla_A \operatorname{tr}(AB) = B^T").correct


def test_transpose_of_a_square_gradient_is_wrong_with_counterexample():
    r = md.verify("det(X)", wrt="X", claim="det(X)*inv(X)")
    assert r.verdict == "wrong" and r.diagnosis == "transpose"
    assert "transpose" in str(r)
    assert_counterexample(r, "det(X)*inv(X)")
    assert set(r.counterexample.sizes.values()) == {2}  # the smallest that shows it
    assert md.verify("det(X)", wrt="X", claim="det(X)*inv(X)'").correct


def test_transpose_of_a_rectangular_gradient_is_ill_shaped_and_named():
    r = md.verify(SEED, wrt="W", claim="(D*W - X)'*D")
    assert r.verdict == "ill-shaped" and r.diagnosis == "transpose"
    assert "(p, n)" in str(r) and "(n, p)" in str(r)
    assert r.error is not None and r.error.position == 0


def test_other_layout_of_a_jacobian():
    square = md.verify("A*x", wrt="x", claim="A'", vars={"A": ("n", "n")})
    assert square.verdict == "wrong" and square.diagnosis == "layout"
    assert_counterexample(square, "A'")
    rect = md.verify("A*x", wrt="x", claim="A'")
    assert rect.verdict == "ill-shaped" and rect.diagnosis == "layout"
    assert md.verify("A*x", wrt="x", claim="A'", layout="denominator").correct


@pytest.mark.parametrize("claim, c, diagnosis, words", [
    ("2*D'*(D*W - X)", 2.0, "factor", "twice"),
    ("0.5*D'*(D*W - X)", 0.5, "factor", "half"),
    ("-D'*(D*W - X)", -1.0, "sign", "negative"),
    ("D'*(X - D*W)", -1.0, "sign", "sign"),
])
def test_constant_factor_and_sign(claim, c, diagnosis, words):
    r = md.verify(SEED, wrt="W", claim=claim)
    assert r.verdict == "wrong" and r.diagnosis == diagnosis and r.factor == c
    assert words in str(r)
    assert_counterexample(r, claim)


def test_holds_only_for_symmetric():
    r = md.verify("x'*A*x", wrt="x", claim="2*A*x")
    assert r.verdict == "wrong" and r.diagnosis == "symmetric" and r.symmetric == ("A",)
    assert "only when A is symmetric" in str(r)
    assert_counterexample(r, "2*A*x")
    declared = md.verify("x'*A*x", wrt="x", claim="2*A*x", vars={"A": "symmetric"})
    assert declared.correct


def test_symmetric_and_spd_declarations_are_used():
    assert md.verify("d/dX(logdet(X)) = inv(X)", vars={"X": "spd"}).correct
    assert md.verify("d/dS(x'*S*x) = x*x'", vars={"S": "symmetric"}).correct


def test_wrong_without_a_known_mistake_has_no_diagnosis():
    r = md.verify("sum(exp(x))", wrt="x", claim="exp(x) + x")
    assert r.verdict == "wrong" and r.diagnosis is None
    assert_counterexample(r, "exp(x) + x")


def test_a_name_the_expression_lacks_is_drawn_and_shown():
    r = md.verify(SEED, wrt="W", claim="D'*(D*W - Y)")
    assert r.verdict == "wrong" and "Y" in r.counterexample


def test_identity_forms():
    assert md.verify("tr(A'*A) = tr(A*A')").correct
    wrong = md.verify("tr(A*B) = tr(A)*tr(B)", vars={"A": ("n", "n"), "B": ("n", "n")})
    assert wrong.verdict == "wrong" and isinstance(wrong.expected, md.Expression)
    assert_counterexample(wrong, "tr(A)*tr(B)")
    assert md.verify("(A*B)' = A'*B'", vars={"A": ("n", "n"), "B": ("n", "n")}).verdict \
        == "wrong"


def test_chain_correct_and_first_wrong_link_pointed_at():
    r = md.verify("tr(A*B*C) = tr(C*A*B) = tr(B*C*A)")
    assert r.correct and len(r.links) == 2 and all(link.correct for link in r.links)
    bad = md.verify("tr(A*B*C) = tr(C*A*B) = tr(A*C*B)")
    assert bad.verdict == "ill-shaped" and [link.verdict for link in bad.links] == \
        ["correct", "ill-shaped"]
    assert bad.position >= bad.text.index("tr(A*C*B)")
    square = {n: ("n", "n") for n in "ABC"}
    wrong = md.verify("tr(A*B*C) = tr(C*A*B) = tr(A*C*B)", vars=square)
    assert wrong.verdict == "wrong" and wrong.wrong_link is wrong.links[1]
    assert wrong.counterexample is wrong.links[1].counterexample
    assert "link 2" in str(wrong) and "^" in str(wrong)


def test_derivative_chain_on_align_lines_after_a_definition():
    text = ("f(W) := \\frac{1}{2}\\|DW-X\\|_F^2 \\\\\n"
            "\\frac{\\partial f}{\\partial W} &= D^T(DW-X) \\\\\n"
            "&= D^TDW - D^TX")
    r = md.verify(text)
    assert r.correct and len(r.links) == 2
    broken = md.verify(text.replace("D^TDW - D^TX", "D^TDW - 2D^TX"))
    assert broken.verdict == "wrong" and broken.links[0].correct
    assert broken.position == broken.text.index("D^TDW - 2D^TX")


def test_user_errors_raise():
    with pytest.raises(md.ArgumentError):
        md.verify("tr(A*B)")  # no claim
    with pytest.raises(md.ParseError):
        md.verify("tr(A*B) = tr(B*")
    with pytest.raises(md.ArgumentError):
        md.verify("tr(A*B)", wrt="Q", claim="B'")
    with pytest.raises(md.ArgumentError):
        md.verify(3, claim="x")


def test_fast_enough_for_typing():
    import time

    start = time.perf_counter()
    for claim in ("D'*D*W - D'*X", "2*D'*(D*W - X)", "(D*W - X)'*D"):
        md.verify(SEED, wrt="W", claim=claim)
    assert time.perf_counter() - start < 3.0  # well under a second each, on a busy machine
