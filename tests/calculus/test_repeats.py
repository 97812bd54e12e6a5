"""``d.pretty``: the result with its repeated subexpressions named (SPEC §5), as a reader sees
it in text and LaTeX; ``str(d)`` stays one expression that parses back."""

from __future__ import annotations

import pytest

import matdiff as md

LOGISTIC = "-y'*log(sigmoid(X*w)) - (1 - y)'*log(1 - sigmoid(X*w))"


def test_logistic_hessian_names_the_sigmoid():
    d = md.derivative(LOGISTIC, wrt="w", order=2)
    assert str(d) == "X'*diag(sigmoid(X*w).*(1 - sigmoid(X*w)))*X"
    assert d.pretty == "X'*diag(s.*(1 - s))*X where s = sigmoid(X*w)"
    assert d.pretty_latex == (r"X^\top \operatorname{diag}(s \odot (1 - s)) X, \quad "
                              r"s = \operatorname{sigmoid}(X w)")
    vars = {name: info["shape"] for name, info in d.variables.items()}
    assert md.parse(str(d), vars=vars).node is d.node


def test_a_matrix_gets_a_capital_and_the_body_parses_with_it():
    d = md.derivative("0.5*norm2(tanh(X*W1)*W2 - Y)^2", wrt="W2")
    assert d.pretty == "T'*(T*W2 - Y) where T = tanh(X*W1)"
    body, _, definition = d.pretty.partition(" where ")
    assert md.parse(body).variables["T"]["kind"] == "matrix"
    assert definition == "T = tanh(X*W1)"


def test_names_never_clash_with_the_variables():
    d = md.derivative("sum(s.*sigmoid(X*w))", wrt="w", order=2)
    body, _, where = d.pretty.partition(" where ")
    assert where == "u = sigmoid(X*w)"
    assert "sigmoid" not in body and "s.*" in body


def test_names_stand_for_the_largest_saving_first():
    d = md.derivative("sum(log(1 + exp(-y.*(X*w))))", wrt="w", order=2)
    assert d.pretty.endswith(" where u = y.*(X*w)")
    assert d.pretty.count("u") >= 3


@pytest.mark.parametrize("expr, wrt", [
    ("0.5*norm2(D*W - X)^2", "W"), ("x'*A*x", "x"), ("A*B", "A"), ("det(X)", "X"),
])
def test_nothing_repeated_means_the_plain_result(expr, wrt):
    d = md.derivative(expr, wrt=wrt)
    assert d.pretty == str(d)
    assert d.pretty_latex == d.latex
