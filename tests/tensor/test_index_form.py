"""Index form itself: contracting Kronecker deltas (:func:`eliminate_deltas`), lowering a
differential (:func:`lower`), and the vec/Kronecker form of a matrix-by-matrix Jacobian
(:func:`kron_form`).

A term is shown here as its coefficient and ``(variable or op, indices)`` pairs, the way the
index notation of a derivation reads (``2 A_ij``).
"""

from __future__ import annotations

import numpy as np

from matdiff.ir import Op, build
from matdiff.printing.text import to_text
from matdiff.tensor import Factor, Indexer, Term, eliminate_deltas, kron_form, lower
from node_eval import evaluate, random_arrays
from numeric import assert_close

A = build.var("A", ("n", "n"))
B = build.var("B", ("n", "m"))
X = build.var("X", ("m", "p"))
C = build.var("C", ("p", "q"))
I = build.eye("n")


def term(coef, *factors):
    return Term(coef, [Factor(node, tuple(idx)) for node, idx in factors])


def shown(t: Term):
    """A term as (coefficient, [(name, indices)]): a variable by its name, else its op."""
    def name(node):
        if node.op is Op.VAR:
            return node.attrs[0]
        if node.op is Op.FILL:
            return f"fill({node.attrs[0]:g})"
        return node.op.value
    return t.coef, [(name(f.node), "".join(i or "_" for i in f.idx)) for f in t.factors]


# -- eliminate_deltas ------------------------------------------------------------------------
def test_a_delta_on_a_summed_index_renames_it():
    got = eliminate_deltas(term(2.0, (A, "ik"), (I, "kj")), {"i", "j"})
    assert shown(got) == (2.0, [("A", "ij")])


def test_a_chain_of_deltas_contracts_to_the_end():
    got = eliminate_deltas(term(1.0, (A, "ik"), (I, "kl"), (I, "lj")), {"i", "j"})
    assert shown(got) == (1.0, [("A", "ij")])


def test_a_delta_between_free_indices_stays_and_the_term_is_returned_as_is():
    t = term(1.0, (I, "ij"))
    assert eliminate_deltas(t, {"i", "j"}) is t


def test_a_delta_over_indices_nowhere_else_is_a_sum_of_ones():
    """Σ_kp δ_kp = n, written as Σ_p 1_p."""
    got = eliminate_deltas(term(1.0, (A, "ij"), (I, "kp")), {"i", "j"})
    assert shown(got) == (1.0, [("A", "ij"), ("fill(1)", "p")])


def test_a_constant_fill_goes_into_the_coefficient():
    three = build.fill(3.0, ("n", "n"))
    got = eliminate_deltas(term(1.0, (A, "ij"), (three, "ij")), {"i", "j"})
    assert shown(got) == (3.0, [("A", "ij")])


def test_selection_tensors_over_the_same_fused_index_are_deltas():
    """Σ_r F[r,a,b] F[r,c,d] = δ_ac δ_bd, and the deltas then contract."""
    fuse = build.fuse("n", "m")
    got = eliminate_deltas(term(1.0, (fuse, "rab"), (fuse, "rcd"), (B, "ab")), {"c", "d"})
    assert shown(got) == (1.0, [("B", "cd")])


# -- lower -----------------------------------------------------------------------------------
def lowered(df, f_idx, var, targets):
    ix = Indexer(build.diff(var), tuple(targets))  # summed indices come as i0, i1, …
    return [shown(t) for t in lower(df, tuple(f_idx), ix)]


def test_a_differential_lowers_to_deltas_on_the_derivatives_indices():
    dX = build.diff(X)
    assert lowered(dX, "ab", X, "jl") == [(1.0, [("eye", "aj"), ("eye", "bl")])]


def test_a_product_lowers_to_a_summed_index_and_a_sum_to_terms():
    dX = build.diff(X)
    df = build.add(build.matmul(build.matmul(B, dX), C),
                   build.neg(build.matmul(build.fill(1.0, ("n", "m")), build.matmul(dX, C))))
    assert lowered(df, "ab", X, "jl") == [
        (1.0, [("B", "ai1"), ("eye", "i1j"), ("eye", "i0l"), ("C", "i0b")]),
        (-1.0, [("fill(1)", "ai2"), ("eye", "i2j"), ("eye", "i3l"), ("C", "i3b")]),
    ]


def test_a_trace_closes_its_index_and_factors_free_of_the_differential_stay_whole():
    dA = build.diff(A)
    inv = build.unary(Op.INV, A)
    df = build.unary(Op.TRACE, build.matmul(inv, dA))
    assert lowered(df, "", A, "jl") == [
        (1.0, [("inv", "i0i1"), ("eye", "i1j"), ("eye", "i0l")])]


# -- kron_form -------------------------------------------------------------------------------
def jacobian_terms(df, f_shape, var):
    ix = Indexer()
    f_idx = tuple(ix.fresh() for _ in f_shape)
    targets = tuple(ix.fresh() for _ in var.shape)
    ix.seed, ix.targets = build.diff(var), targets
    free = set(f_idx + targets)
    return [eliminate_deltas(t, free) for t in lower(df, f_idx, ix)], f_idx + targets


def test_the_jacobian_of_a_product_is_a_kronecker_product():
    """vec(B dX C) = (C' ⊗ B) vec(dX): checked as the Jacobian matrix ∂vec(F)/∂vec(X)."""
    df = build.matmul(build.matmul(B, build.diff(X)), C)
    terms, out = jacobian_terms(df, ("n", "q"), X)
    node = kron_form(terms, out, ("n", "q"), ("m", "p"))
    assert to_text(node) == "kron(C', B)"
    variables = {"B": B, "C": C}
    arrays = random_arrays(variables, np.random.default_rng(0), sizes={"n": 2, "m": 3, "p": 4,
                                                                       "q": 5})
    b, c = arrays["B"], arrays["C"]
    jac = np.zeros((2 * 5, 3 * 4))  # d vec(F) / d vec(X), vec stacking columns
    for col in range(3 * 4):
        dx = np.zeros(3 * 4)
        dx[col] = 1.0
        jac[:, col] = (b @ dx.reshape(4, 3).T @ c).flatten(order="F")
    assert_close(evaluate(node, variables, arrays), jac, rtol=1e-12)


def test_a_sum_of_products_is_a_sum_of_kronecker_products():
    square = build.var("S", ("m", "m"))
    dX = build.diff(X)
    df = build.add(build.matmul(square, dX), build.matmul(dX, build.var("P", ("p", "p"))))
    terms, out = jacobian_terms(df, ("m", "p"), X)
    assert to_text(kron_form(terms, out, ("m", "p"), ("m", "p"))) == "kron(eye, S) + kron(P', eye)"


def test_the_transposes_jacobian_has_no_kronecker_form():
    """δ_il δ_jk (the commutation matrix) does not split into a row part and a column part."""
    terms, out = jacobian_terms(build.transpose(build.diff(X)), ("p", "m"), X)
    assert kron_form(terms, out, ("p", "m"), ("m", "p")) is None


def test_kron_form_is_only_for_matrix_variables():
    terms, out = jacobian_terms(build.matmul(B, build.diff(build.var("y", ("m",)))), ("n",),
                                build.var("y", ("m",)))
    assert kron_form(terms, out, ("n",), ("m",)) is None
