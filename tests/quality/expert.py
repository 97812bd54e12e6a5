"""Machine-learning objectives with the answer an expert writes, for the quality table.

Each case is an objective students differentiate (logistic regression with 0/1 and ±1
labels, cross-entropies, Poisson, softmax, batched networks, Gaussian likelihoods, attention
weights, normalisation, cosine similarity) and the form a textbook or a careful hand
derivation gives.  The expert's answer is itself checked (``md.verify`` must call it correct),
so the table compares two right answers by length only.
"""

from __future__ import annotations

from typing import NamedTuple

import matdiff as md
from tokens import Row, tokens


class Expert(NamedTuple):
    name: str
    expr: str
    wrt: str
    answer: str
    vars: dict | None = None
    order: int = 1


LAYER2 = "tanh(X*W1)*W2 - Y"

CASES = [
    Expert("least squares", "0.5*norm2(X*w - y)^2", "w", "X'*(X*w - y)"),
    Expert("ridge regression", "0.5*norm2(X*w - y)^2 + 0.5*c*norm2(w)^2", "w",
           "X'*(X*w - y) + c*w"),
    Expert("logistic regression, 0/1 labels", "sum(log(1 + exp(X*w))) - y'*X*w", "w",
           "X'*(sigmoid(X*w) - y)"),
    Expert("logistic regression, Hessian", "sum(log(1 + exp(X*w)))", "w",
           "X'*diag(sigmoid(X*w).*(1 - sigmoid(X*w)))*X", order=2),
    Expert("logistic regression, ±1 labels", "sum(log(1 + exp(-y.*(X*w))))", "w",
           "-X'*(y.*sigmoid(-y.*(X*w)))"),
    Expert("binary cross-entropy", "-y'*log(sigmoid(X*w)) - (1 - y)'*log(1 - sigmoid(X*w))",
           "w", "X'*(sigmoid(X*w) - y)"),
    Expert("Poisson regression", "sum(exp(X*w)) - y'*X*w", "w", "X'*(exp(X*w) - y)"),
    Expert("softmax cross-entropy", "logsumexp(W*x) - y'*W*x", "W", "(softmax(W*x) - y)*x'"),
    Expert("2-layer tanh network, first layer", f"0.5*norm2({LAYER2})^2", "W1",
           f"X'*((({LAYER2})*W2').*(1 - tanh(X*W1).^2))"),
    Expert("2-layer tanh network, second layer", f"0.5*norm2({LAYER2})^2", "W2",
           f"tanh(X*W1)'*({LAYER2})"),
    Expert("2-layer relu network, first layer", "0.5*norm2(relu(X*W1)*W2 - Y)^2", "W1",
           "X'*(((relu(X*W1)*W2 - Y)*W2').*heaviside(X*W1))"),
    Expert("2-layer sigmoid network, first layer",
           "0.5*norm2(sigmoid(X*W1)*W2 - Y)^2", "W1",
           "X'*(((sigmoid(X*W1)*W2 - Y)*W2').*sigmoid(X*W1).*(1 - sigmoid(X*W1)))"),
    Expert("3-layer tanh network, first layer", "0.5*norm2(tanh(tanh(X*W1)*W2)*W3 - Y)^2",
           "W1", "X'*((((tanh(tanh(X*W1)*W2)*W3 - Y)*W3').*(1 - tanh(tanh(X*W1)*W2).^2)*W2')"
                 ".*(1 - tanh(X*W1).^2))"),
    Expert("Gaussian log-likelihood, mean", "0.5*(x - m)'*inv(S)*(x - m)", "m",
           "-inv(S)*(x - m)", {"S": "spd"}),
    Expert("Gaussian log-likelihood, covariance",
           "0.5*logdet(S) + 0.5*(x - m)'*inv(S)*(x - m)", "S",
           "0.5*inv(S) - 0.5*inv(S)*(x - m)*(x - m)'*inv(S)", {"S": "spd"}),
    Expert("attention weights", "softmax(K*q)", "q",
           "(diag(softmax(K*q)) - softmax(K*q)*softmax(K*q)')*K"),
    Expert("normalisation", "x/norm2(x)", "x", "(eye - x*x'/norm2(x)^2)/norm2(x)"),
    Expert("cosine similarity", "x'*y/(norm2(x)*norm2(y))", "x",
           "y/(norm2(x)*norm2(y)) - x'*y*x/(norm2(x)^3*norm2(y))"),
]


def rows() -> list[Row]:
    """Every case differentiated, beside the expert's answer."""
    out = []
    for case in CASES:
        printed = str(md.derivative(case.expr, wrt=case.wrt, vars=case.vars,
                                    order=case.order))
        out.append(Row(case.name, case.expr, case.wrt, case.answer, printed,
                       tokens(case.answer), tokens(printed)))
    return out


OPEN: frozenset[str] = frozenset()
"""The cases not yet within 1.2× of the expert (issue 13); their test is a strict expected
failure, so one that gets there fails until it is taken off this list."""
