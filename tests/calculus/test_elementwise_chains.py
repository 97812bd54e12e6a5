"""Batched layers and masked losses: gradients through element-wise products of matrices.

Backpropagation through ``tanh(X*W1)*W2`` multiplies matrices element-wise
(``X'*((G*W2').*(1 - tanh(X*W1).^2))``), so the index form of such a gradient has two
matrix-valued factors over the same index pair; the raise (:mod:`matdiff.tensor.to_matrix`)
reads them as a Hadamard product and answers matrix notation.  For each case the answer must
be in matrix notation, agree with central finite differences (``md.check``), equal the
expert's answer (written below, evaluated on the same random inputs), print no longer than
1.2× the expert's tokens (the measure of ``tests/quality``) and parse back to the same values.
Derivatives that have no matrix form (a Jacobian of a matrix by a matrix, a Hessian by a
matrix) stay in index notation and are checked numerically too.
"""

from __future__ import annotations

import numpy as np
import pytest

import matdiff as md
import numeric as nu
from quality.tokens import tokens

NETWORK = {"X": ("p", "n"), "W1": ("n", "m"), "W2": ("m", "k"), "W3": ("k", "q"),
           "Y": ("p", "k"), "M": ("p", "k"), "U": ("n", "m"), "V": ("m", "k"),
           "w2": ("m",), "y": ("p",)}
THREE_LAYERS = {**NETWORK, "Y": ("p", "q")}

EXPERT = [
    # (expression, by, declared shapes, the expert's answer)
    ("0.5*norm2(tanh(X*W1)*W2 - Y)^2", "W1", NETWORK,
     "X'*(((tanh(X*W1)*W2 - Y)*W2').*(1 - tanh(X*W1).^2))"),
    ("0.5*norm2(tanh(X*W1)*W2 - Y)^2", "W2", NETWORK, "tanh(X*W1)'*(tanh(X*W1)*W2 - Y)"),
    ("0.5*norm2(relu(X*W1)*W2 - Y)^2", "W1", NETWORK,
     "X'*(((relu(X*W1)*W2 - Y)*W2').*heaviside(X*W1))"),
    ("0.5*norm2(sigmoid(X*W1)*W2 - Y)^2", "W1", NETWORK,
     "X'*(((sigmoid(X*W1)*W2 - Y)*W2').*sigmoid(X*W1).*(1 - sigmoid(X*W1)))"),
    ("0.5*norm2(tanh(tanh(X*W1)*W2)*W3 - Y)^2", "W1", THREE_LAYERS,
     "X'*(((((tanh(tanh(X*W1)*W2)*W3 - Y)*W3').*(1 - tanh(tanh(X*W1)*W2).^2))*W2')"
     ".*(1 - tanh(X*W1).^2))"),
    ("0.5*norm2(tanh(tanh(X*W1)*W2)*W3 - Y)^2", "W2", THREE_LAYERS,
     "tanh(X*W1)'*(((tanh(tanh(X*W1)*W2)*W3 - Y)*W3').*(1 - tanh(tanh(X*W1)*W2).^2))"),
    ("sum(tanh(X*U)*V)", "U", NETWORK, "X'*((1 - tanh(X*U).^2).*(matrix(1)*V'))"),
    ("0.5*norm2(M.*(tanh(X*W1)*W2 - Y))^2", "W1", NETWORK,
     "X'*(((M.^2.*(tanh(X*W1)*W2 - Y))*W2').*(1 - tanh(X*W1).^2))"),
    ("0.5*norm2(tanh(X*W1)*w2 - y)^2", "W1", NETWORK,
     "X'*(((tanh(X*W1)*w2 - y)*w2').*(1 - tanh(X*W1).^2))"),
    ("tr(tanh(X*W1)*W2*Y')", "W1", NETWORK, "X'*((Y*W2').*(1 - tanh(X*W1).^2))"),
]

INDEX_ONLY = [
    # (expression, by, order, declared shapes): no matrix notation exists
    ("tanh(X*W1)", "W1", 1, NETWORK),
    ("0.5*norm2(tanh(X*W1)*W2 - Y)^2", "W1", 2, NETWORK),
    ("sum(tanh(X*U)*V)", "U", 2, NETWORK),
]


def _arrays(shapes: dict, names) -> dict:
    specs = {name: (shapes[name], "general") for name in names}
    return nu.draw_arrays(np.random.default_rng(7), specs)


@pytest.mark.parametrize("expr, wrt, shapes, expert", EXPERT, ids=[f"{c[0]} by {c[1]}"
                                                                  for c in EXPERT])
def test_a_batched_gradient_is_the_experts_matrix_expression(expr, wrt, shapes, expert):
    d = md.derivative(expr, wrt=wrt, vars=shapes)
    text = str(d)
    assert d.in_matrix_form, f"index notation only: {text}"
    assert md.check(d) < 1e-6
    reference = md.parse(expert, shapes)
    arrays = _arrays(shapes, reference.needed)
    nu.assert_close(d.evaluate(**arrays), reference.evaluate(**arrays), rtol=1e-10,
                    what=f"{text} against {expert}")
    assert tokens(text) <= 1.2 * tokens(expert), f"{text} is longer than {expert}"
    printed = md.parse(text, shapes)
    nu.assert_close(printed.evaluate(**arrays), reference.evaluate(**arrays), rtol=1e-10,
                    what=f"{text} read back")


@pytest.mark.parametrize("expr, wrt, order, shapes", INDEX_ONLY,
                         ids=[f"{c[0]} by {c[1]}, order {c[2]}" for c in INDEX_ONLY])
def test_a_tensor_without_matrix_form_stays_in_index_notation(expr, wrt, order, shapes):
    d = md.derivative(expr, wrt=wrt, vars=shapes, order=order)
    assert not d.in_matrix_form and str(d).startswith("∂")
    assert md.check(d) < 1e-6
