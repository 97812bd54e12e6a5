"""The index-notation printer writes what an expert writes: like terms combined, numbers
folded into the coefficient, Kronecker deltas first with their indices in the result's order,
and the values (evaluation, generated code) untouched by the tidying."""

from __future__ import annotations

import numpy as np
import pytest

import matdiff as md
from matdiff.ir import build
from matdiff.printing.index import index_notation
from matdiff.tensor import Factor, Term, tidy

A = build.var("A", ("n", "n"))
B = build.var("B", ("n", "n"))
I = build.eye("n")
LHS = "∂F_{0}{1}/∂X_{2}{3}"


def term(coef, *factors):
    return Term(coef, [Factor(node, tuple(idx)) for node, idx in factors])


@pytest.mark.parametrize("expr, wrt, index", [
    ("X + X", "X", "∂F_ij/∂X_kl = 2 δ_ik δ_jl"),
    ("2*X + 3*X", "X", "∂F_ij/∂X_kl = 5 δ_ik δ_jl"),
    (r"\frac{1}{2}\|DW-X\|_F^2", "W", "∂f/∂W_ij = (D*W - X)_pj D_pi"),
    ("0.5*norm2(D*W - X)^2", "W", "∂f/∂W_ij = (D*W - X)_pj D_pi"),
    ("A*B", "A", "∂F_ij/∂A_kl = δ_ik B_lj"),
    ("X'*X", "X", "∂F_ij/∂X_kl = δ_il X_kj + δ_jl X_ki"),
    ("x*x'", "x", "∂F_ij/∂x_k = δ_ik x_j + δ_jk x_i"),
    ("X.*X", "X", "∂F_ij/∂X_kl = 2 δ_ik δ_jl X_ij"),
])
def test_index_notation_reads_tidy(expr, wrt, index):
    assert md.derivative(expr, wrt=wrt).index == index


def test_second_derivative_and_latex_are_tidy_too():
    d = md.derivative("x'*x", wrt="x", order=2)
    assert d.index == "∂²f/∂x_i∂x_j = 2 δ_ij"
    x_plus_x = md.derivative("X + X", wrt="X")
    assert x_plus_x.index_latex.endswith(r"= 2 \delta_{ik} \delta_{jl}")
    assert str(x_plus_x.steps).splitlines()[-1].startswith("∂F/∂X = 2 δ_ik δ_jl ")


def test_like_terms_combine_up_to_factor_order_and_summed_names():
    terms = [term(1.0, (A, "ip"), (B, "pj")), term(2.0, (B, "qj"), (A, "iq"))]
    assert index_notation(terms, ("i", "j"), None) == "3 A_ip B_pj"


def test_terms_that_cancel_leave_zero():
    terms = [term(1.0, (A, "ij")), term(-1.0, (A, "ij"))]
    assert tidy(terms, ("i", "j")) == []
    assert index_notation(terms, ("i", "j"), None) == "0"


def test_different_terms_stay_apart_in_their_order():
    terms = [term(1.0, (A, "ij")), term(1.0, (A, "ji")), term(0.5, (A, "ij"))]
    assert index_notation(terms, ("i", "j"), None) == "1.5 A_ij + A_ji"


def test_numbers_fold_and_deltas_come_first_in_axis_order():
    half = build.div(build.ONE, build.const(2.0))
    terms = [term(4.0, (half, ()), (A, "jl"), (I, "ki"))]
    assert index_notation(terms, tuple("ijkl"), LHS) == "∂F_ij/∂X_kl = 2 δ_ik A_jl"


def test_tidying_leaves_the_values_alone():
    d = md.derivative("X + X", wrt="X", vars={"X": (2, 2)})
    expected = 2 * np.einsum("ik,jl->ijkl", np.eye(2), np.eye(2))
    assert np.array_equal(d.evaluate(X=np.ones((2, 2))), expected)


def test_a_factor_shared_by_every_term_is_printed_once(monkeypatch):
    from matdiff.printing import text
    scalar = " + ".join(["(u'*S*v)"] * 40)
    d = md.derivative(f"A^16*({scalar})", wrt="A")
    printed = []
    monkeypatch.setitem(text._SHOW, md.ir.Op.VAR,
                        lambda printer, node: printed.append(node) or node.attrs[0])
    shown = str(d)
    assert shown.count("u'*S*v") == 16 * 40  # every term has the whole factor
    assert len(printed) <= 4 * 16  # yet each variable is printed about once per distinct node
