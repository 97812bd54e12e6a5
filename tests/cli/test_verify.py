"""``matdiff verify`` as a user runs it (SPEC §6, §8), through ``python -m matdiff``.

Exit status 0 when the claim holds, 1 when it is wrong or ill-shaped, 2 on a user error (the
message with its caret on stderr, or as JSON on stdout with ``--json``); the paragraph on
stdout; ``--json`` with the fields of SPEC §8.
"""

import json
import os
import subprocess
import sys

SEED = "0.5*norm2(D*W - X)^2"


def matdiff(*args):
    return subprocess.run([sys.executable, "-m", "matdiff", *args], capture_output=True,
                          text=True, timeout=60, env={**os.environ, "NO_COLOR": "1"})


def test_correct_claim_exits_0_with_the_paragraph():
    r = matdiff("verify", SEED, "--wrt", "W", "--claim", "D'*D*W - D'*X")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Correct: D'*D*W - D'*X is the gradient of f")
    assert "∇_W f = D'*(D*W - X)" in r.stdout and r.stderr == ""


def test_wrong_claim_exits_1_with_diagnosis_and_counterexample():
    r = matdiff("verify", "x'*A*x", "--wrt", "x", "--claim", "2*A*x")
    assert r.returncode == 1
    assert r.stdout.startswith("Wrong: 2*A*x is not the gradient of f = x'*A*x by x.")
    assert "only when A is symmetric" in r.stdout
    assert "Counterexample, with every dimension 2:" in r.stdout
    assert "the claim" in r.stdout and "the right answer" in r.stdout


def test_seed_latex_equation_and_ill_shaped_trace_confusion():
    ok = matdiff("verify", r"\nabla_W \operatorname{tr}(DWX^T) = D^TX")
    assert ok.returncode == 0 and ok.stdout.startswith("Correct")
    bad = matdiff("verify", r"\nabla_A (AB) = B^T")
    assert bad.returncode == 1
    lines = bad.stdout.splitlines()
    assert lines[0].startswith("Ill-shaped: B^T has shape (p, n)")
    assert lines[1] == r"  \nabla_A (AB) = B^T" and lines[2] == "                  ^^^"
    assert "gradient of tr(A*B)" in bad.stdout


def test_json_fields():
    r = matdiff("verify", "tr(A*B*C) = tr(C*A*B) = tr(A*C*B)", "--var", "A=n,n",
                "--var", "B=n,n", "--var", "C=n,n", "--json")
    assert r.returncode == 1
    body = json.loads(r.stdout)
    assert body["verdict"] == "wrong" and body["correct"] is False
    assert [link["verdict"] for link in body["links"]] == ["correct", "wrong"]
    assert body["links"][1]["link"] == "tr(C*A*B) = tr(A*C*B)"
    ce = body["counterexample"]
    assert set(ce["inputs"]) == {"A", "B", "C"} and isinstance(ce["claim"], float)
    assert body["position"] == len("tr(A*B*C) = tr(C*A*B) = ")
    assert body["method"] == "numeric" and body["expected"] == "tr(A*B*C)"


def test_user_errors_exit_2():
    r = matdiff("verify", "tr(A*B) = tr(B*")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("matdiff: parse error:") and "^" in r.stderr
    assert "Traceback" not in r.stderr
    j = matdiff("verify", "tr(A*B)", "--json")
    assert j.returncode == 2
    assert json.loads(j.stdout)["error"]["kind"] == "argument"
