"""The raise from index form to matrix notation (:func:`matdiff.tensor.to_matrix`).

Each case is a sum of index-form terms with its output indices, the matrix expression it
raises to (as the text printer writes it) and, where index form has no matrix notation here,
``None``.  Every raised expression is also evaluated against the ``einsum`` of the same terms
on random arrays, so a wrong transpose or a dropped factor shows as a wrong number too.  The
terms come straight from :class:`Term` and :class:`Factor`, and, in the second half, from
lowering a differential (``tensor.lower``), as the calculus does.
"""

from __future__ import annotations

import numpy as np
import pytest

from matdiff.ir import Op, build
from matdiff.printing.text import to_text
from matdiff.tensor import Factor, Indexer, Term, eliminate_deltas, lower, to_einsum, to_matrix
from node_eval import evaluate, random_arrays, variables_of
from numeric import assert_close

A = build.var("A", ("n", "n"))
M = build.var("M", ("n", "n"))
B = build.var("B", ("n", "m"))
C = build.var("C", ("m", "p"))
u = build.var("u", ("n",))
x = build.var("x", ("n",))
v = build.var("v", ("m",))


def term(coef, *factors):
    """A term from ``(node, "ij")`` pairs: one letter per index."""
    return Term(coef, [Factor(node, tuple(idx)) for node, idx in factors])


RAISED = [
    # (what, terms, output indices, shape, matrix text)
    ("a chain of products", [term(1.0, (A, "ik"), (B, "kl"), (C, "lj"))], "ij", ("n", "p"),
     "A*B*C"),
    ("a factor entered from its second index is transposed",
     [term(1.0, (A, "ki"), (B, "kj"))], "ij", ("n", "m"), "A'*B"),
    ("a chain that closes on itself is a trace", [term(1.0, (A, "ij"), (M, "ji"))], "", (),
     "tr(A*M)"),
    ("a closed chain through a transposed factor",
     [term(1.0, (B, "ij"), (build.transpose(B), "ji"))], "", (), "tr(B*B')"),
    ("a chain from vector to vector is u'*M*v", [term(1.0, (u, "i"), (M, "ij"), (x, "j"))],
     "", (), "u'*M*x"),
    ("two vectors at the two free indices are an outer product",
     [term(1.0, (u, "i"), (v, "j"))], "ij", ("n", "m"), "u*v'"),
    ("an outer product of a chain and a vector",
     [term(1.0, (A, "ik"), (u, "k"), (v, "j"))], "ij", ("n", "m"), "A*u*v'"),
    ("a vector index standing three times is diag(v)",
     [term(1.0, (x, "i"), (A, "ij"), (B, "ik"))], "jk", ("n", "m"), "A'*diag(x)*B"),
    ("an index summed in one matrix of three is a vector of ones",
     [term(1.0, (A, "ij"), (M, "ik"), (B, "il"))], "jk", ("n", "n"), "A'*diag(B*vector(1))*M"),
    ("two chains between the same indices are a Hadamard product",
     [term(1.0, (A, "ki"), (M, "kj"), (B, "kl"), (B, "jl"))], "ij", ("n", "n"),
     "A'*(M.*(B*B'))"),
    ("a Hadamard product of chains read in the direction with fewer transposes",
     [term(1.0, (A, "ki"), (M, "jk"), (B, "kl"), (B, "jl"))], "ij", ("n", "n"),
     "(M.*(B*B')*A)'"),
    ("a chain gathered into a vector beside a vector is a Hadamard product of vectors",
     [term(1.0, (u, "i"), (A, "ij"), (x, "j"))], "i", ("n",), "u.*(A*x)"),
    ("vectors at both ends of a matrix are an outer product in a Hadamard product",
     [term(1.0, (B, "pi"), (u, "p"), (A, "pj"), (x, "j"))], "ij", ("m", "n"),
     "B'*(A.*(u*x'))"),
    ("factors over the same indices are a Hadamard product",
     [term(1.0, (A, "ij"), (M, "ij"))], "ij", ("n", "n"), "A.*M"),
    ("vectors over the same free index are a Hadamard product",
     [term(1.0, (u, "i"), (x, "i"))], "i", ("n",), "u.*x"),
    ("a repeated index in one factor, summed, is the trace", [term(1.0, (A, "ii"))], "", (),
     "tr(A)"),
    ("a repeated index in one factor, free, is the diagonal", [term(1.0, (A, "ii"))], "i",
     ("n",), "diag(A)"),
    ("an index summed in one factor only is a product with ones", [term(1.0, (A, "ik"))],
     "i", ("n",), "A*vector(1)"),
    ("a Kronecker delta is contracted away",
     [term(1.0, (A, "ik"), (build.eye("n"), "kj"))], "ij", ("n", "n"), "A"),
    ("a sum of terms keeps its coefficients",
     [term(2.0, (A, "ij")), term(-1.0, (M, "ji"))], "ij", ("n", "n"), "2*A - M'"),
    ("equal terms are collected", [term(1.0, (A, "ij")), term(1.0, (A, "ij"))], "ij",
     ("n", "n"), "2*A"),
    ("a number alone", [term(3.0)], "", (), "3"),
]

ZERO = [
    ("terms that cancel", [term(1.0, (A, "ij")), term(-1.0, (A, "ij"))]),
    ("no terms at all", []),
]

NO_MATRIX_FORM = [
    ("an index in three matrices that lead to three different places",
     [term(1.0, (A, "ij"), (M, "ik"), (B, "il"), (build.transpose(B), "lj"), (B, "kl"))],
     "jk", ("n", "n")),
    ("a tensor of order three", [term(1.0, (build.fuse("n", "m"), "rij"))], "rij",
     (build.fuse("n", "m").shape)),
]


def _out(letters: str) -> tuple:
    return tuple(letters)


def assert_same_values(node, terms, out, shape, sizes_from=B):
    """``node`` evaluates to what the einsum of ``terms`` does, on random arrays
    (``sizes_from``, a variable, gives the sizes when the terms have none)."""
    reference = to_einsum(terms, out, shape)
    variables = {**variables_of(reference), **variables_of(node),
                 sizes_from.attrs[0]: sizes_from}
    arrays = random_arrays(variables, np.random.default_rng(3), sizes={"n": 3, "m": 4, "p": 2})
    assert_close(evaluate(node, variables, arrays), evaluate(reference, variables, arrays),
                 rtol=1e-12)


@pytest.mark.parametrize("what, terms, out, shape, text", RAISED, ids=[c[0] for c in RAISED])
def test_index_form_raises_to_matrix_notation(what, terms, out, shape, text):
    node = to_matrix(terms, _out(out), shape)
    assert node is not None, f"{what}: no matrix form found"
    assert to_text(node) == text
    assert node.shape == shape
    assert_same_values(node, terms, _out(out), shape)


@pytest.mark.parametrize("what, terms", ZERO, ids=[c[0] for c in ZERO])
def test_an_empty_sum_is_a_zero_matrix(what, terms):
    assert to_text(to_matrix(terms, ("i", "j"), ("n", "n"))) == "matrix(0)"
    assert to_matrix(terms, (), ()) is build.ZERO


@pytest.mark.parametrize("what, terms, out, shape", NO_MATRIX_FORM,
                         ids=[c[0] for c in NO_MATRIX_FORM])
def test_index_form_without_matrix_notation_answers_none(what, terms, out, shape):
    assert to_matrix(terms, _out(out), shape) is None


def test_a_column_result_fits_a_row_shape():
    node = to_matrix([term(1.0, (A, "ik"), (u, "k"))], (None, "i"), (1, "n"))
    assert to_text(node) == "(A*u)'" and node.shape == (1, "n")


# -- from a differential ---------------------------------------------------------------------
def raise_differential(df, f_shape, var):
    """``df`` (linear in ``d var``) lowered to index form, its deltas contracted and raised:
    the derivative of ``f`` by ``var`` in matrix notation, and its index form."""
    ix = Indexer()
    f_idx = tuple(None if d == 1 else ix.fresh() for d in f_shape)
    targets = tuple(ix.fresh() for _ in var.shape)
    ix.seed, ix.targets = build.diff(var), targets
    free = {i for i in f_idx + targets if i is not None}
    terms = [eliminate_deltas(t, free) for t in lower(df, f_idx, ix)]
    out, shape = f_idx + targets, tuple(f_shape) + var.shape
    return to_matrix(terms, out, shape), terms, out, shape


X = build.var("X", ("n", "m"))
dX, dx = build.diff(X), build.diff(x)
W = build.var("W", ("m", "n"))


LOWERED = [
    ("d tr(W dX) gives W'", build.unary(Op.TRACE, build.matmul(W, dX)), (), X, "W'"),
    ("d(x'Mx) gives Mx + M'x",
     build.add(build.matmul(build.matmul(build.transpose(dx), M), x),
               build.matmul(build.matmul(build.transpose(x), M), dx)), (), x, "M*x + M'*x"),
    ("d(u.*x) gives diag(u)", build.hadamard(u, dx), ("n",), x, "diag(u)"),
    ("d(A x) gives A", build.matmul(A, dx), ("n",), x, "A"),
    ("d sum(X) gives the outer product of ones (the simplifier makes it one matrix)",
     build.unary(Op.SUM, dX), (), X, "vector(1)*vector(1)'"),
]


@pytest.mark.parametrize("what, df, f_shape, var, text", LOWERED, ids=[c[0] for c in LOWERED])
def test_lowered_differentials_raise_to_the_textbook_derivative(what, df, f_shape, var, text):
    node, terms, out, shape = raise_differential(df, f_shape, var)
    assert node is not None and to_text(node) == text
    assert_same_values(node, terms, out, shape, sizes_from=var)


def test_the_derivative_of_a_matrix_by_a_matrix_has_no_matrix_notation():
    node, terms, _, _ = raise_differential(build.matmul(build.matmul(A, dX), W), ("n", "n"), X)
    assert node is None
    assert [(f.node, len(f.idx)) for t in terms for f in t.factors] == [(A, 2), (W, 2)]
