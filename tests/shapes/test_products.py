"""Product dimensions (``vec``, ``kron``): an occurs check, and no factorisation chosen early.

A size equal to a product containing itself (``m = m·m·n·p``) would force every other
factor to 1, which no unknown size is: shape inference refuses it at once, with the place.
An equation between products with unknowns on both sides waits until more is known, so
kind-declared variables get the shapes the rest of the expression implies (and ``vec``
stacks columns: ``vec(M) = kron(u, v)`` makes ``M`` as tall as ``v``).
"""

from __future__ import annotations

import time

import numpy as np
import pytest

import matdiff as md


def test_a_size_equal_to_a_product_containing_itself_is_refused_at_once():
    start = time.process_time()
    with pytest.raises(md.ShapeError) as info:
        md.parse("diag(C) - vec(kron(C, B))")
    assert time.process_time() - start < 1
    assert "vector of length m*m*n*p" in info.value.message
    assert info.value.message.endswith("(they would agree only if m*n*p were 1)")
    assert info.value.position == 8  # the minus sign


def test_the_occurs_check_holds_through_a_chain_of_unknowns():
    with pytest.raises(md.ShapeError):
        md.parse("sum(x - kron(x, y))")
    with pytest.raises(md.ShapeError):
        md.parse("sum(x - kron(y, z)) + sum(y - kron(x, w))")


def test_a_factor_of_one_is_no_obstacle():
    e = md.parse("x - vec(x')")
    assert e.shape == ("m",)


def test_kron_of_a_row_and_eye_times_vec_of_a_kind_declared_matrix():
    declared = {"B": ("a", "c"), "x": ("b",), "A": "matrix"}
    e = md.parse("B*(kron(x', eye)*vec(A))", vars=declared)
    assert e.variables["A"]["shape"] == ("c", "b")  # kron(x', I) vec(A) = A x
    d = md.derivative(e, wrt="A")
    rng = np.random.default_rng(0)
    arrays = dict(B=rng.normal(size=(2, 3)), x=rng.normal(size=4), A=rng.normal(size=(3, 4)))
    assert md.check(d, **arrays) < 1e-6
    assert np.allclose(md.parse(e).evaluate(**arrays), arrays["B"] @ arrays["A"] @ arrays["x"])


def test_vec_of_a_matrix_against_a_kron_of_vectors_is_not_transposed():
    e = md.parse("vec(M0).*kron(v1, v2)", vars={"M0": "matrix"})
    shapes = {name: info["shape"] for name, info in e.variables.items()}
    assert shapes["M0"] == (shapes["v2"][0], shapes["v1"][0])


def test_a_product_equation_with_no_solution_is_a_shape_error_with_its_place():
    with pytest.raises(md.ShapeError) as info:
        md.parse("vec(A) - kron(x, y)", vars={"A": ("n", "n"), "x": ("p",), "y": ("q",)})
    assert info.value.marks


def test_a_tower_of_kronecker_products_past_the_limit_is_refused():
    text = " + ".join(f"sum(x{k} - kron(x{k + 1}, x{k + 1}))" for k in range(70))
    with pytest.raises(md.MatdiffError) as info:
        md.parse(text)
    assert "64" in info.value.message
