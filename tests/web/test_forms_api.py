"""Every form of a result in the derivative's JSON, and the symmetric-gradient convention as a
request field (SPEC §4, §7): what the page shows comes from these fields.

The worker's ``compute`` answers as the server does, without starting one.
"""

import matdiff as md
from matdiff.presentation import derivative_json
from matdiff.web.worker import compute


def derive(**payload) -> dict:
    status, body = compute("derivative", payload)
    assert status == 200, body
    return body


def test_the_json_has_every_form_of_a_gradient():
    body = derive(expr="tr(A*B)", wrt="A")
    d = md.derivative("tr(A*B)", wrt="A")
    assert body["text"] == "B'"
    assert body["index"] == d.index == "∂f/∂A_ij = B_ji"
    assert body["index_latex"] == d.index_latex and "\\partial" in body["index_latex"]
    assert body["elementwise"] == "∂f/∂A_ij = (B')_ij"
    assert body["kron"] is None
    assert body["symmetric_gradient"] == "projected"


def test_the_json_has_the_kronecker_form_of_a_matrix_by_a_matrix():
    body = derive(expr="A*X*B", wrt="X")
    assert body["kron"] == "vec(dF) = kron(B', A)*vec(dX)"
    assert body["index"] == "∂F_ij/∂X_kl = A_ik B_lj"
    assert body["elementwise"] == body["index"]  # no matrix form: entry-wise is index form


def test_the_symmetric_gradient_convention_is_a_request_field():
    vars = {"S": "symmetric"}
    projected = derive(expr="x'*S*x", wrt="S", vars=vars)
    cookbook = derive(expr="x'*S*x", wrt="S", vars=vars, symmetric_gradient="cookbook")
    assert projected["text"] == "x*x'"
    assert cookbook["symmetric_gradient"] == "cookbook"
    assert cookbook["text"] == str(md.derivative("x'*S*x", wrt="S", vars=vars,
                                                 symmetric_gradient="cookbook"))
    assert cookbook["text"] != projected["text"]
    status, body = compute("derivative", {"expr": "x'*S*x", "wrt": "S", "vars": vars,
                                          "symmetric_gradient": "textbook"})
    assert status == 400 and body["error"]["kind"] == "argument"
    assert "cookbook" in body["error"]["message"]


def test_a_claim_is_judged_under_the_chosen_convention():
    vars = {"S": "symmetric"}
    cookbook = str(md.derivative("x'*S*x", wrt="S", vars=vars, symmetric_gradient="cookbook"))
    payload = {"expr": "x'*S*x", "wrt": "S", "vars": vars, "claim": cookbook}
    _, default = compute("verify", payload)
    _, chosen = compute("verify", {**payload, "symmetric_gradient": "cookbook"})
    assert chosen["verdict"] == "correct"
    assert default["verdict"] != "correct"


def test_the_command_line_json_has_the_same_forms():
    d = md.derivative("A*X*B", wrt="X")
    body = derivative_json(d, code=None)
    assert body["kron"] == d.kron and body["elementwise"] == d.elementwise
    assert body["index_latex"] == d.index_latex
