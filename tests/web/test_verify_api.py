"""``POST /api/verify`` as a client sees it (SPEC §7, §8), in process through TestClient.

A claim beside the expression, an equation or a chain in ``expr``; the verdict fields as
JSON (counterexample arrays as lists); user errors as 400 with an error object.
"""

import numpy as np
import pytest
from starlette.testclient import TestClient

from matdiff.web.app import create_app
from matdiff.web.worker import compute

SEED = "0.5*norm2(D*W - X)^2"
FIELDS = {"verdict", "correct", "text", "expected", "diagnosis", "method", "counterexample",
          "links", "error", "position"}


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(budget=20.0, workers=1), base_url="http://127.0.0.1") as c:
        yield c


def test_correct_claim(client):
    r = client.post("/api/verify", json={"expr": SEED, "wrt": "W", "claim": "D^T(DW-X)"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= FIELDS
    assert body["verdict"] == "correct" and body["correct"] is True
    assert body["expected"] == "D'*(D*W - X)" and body["method"] == "symbolic"
    assert body["text"].startswith("Correct") and body["counterexample"] is None


def test_wrong_claim_has_counterexample_lists(client):
    r = client.post("/api/verify", json={"expr": SEED, "wrt": "W", "claim": "2*D'*(D*W - X)",
                                         "vars": {"D": ["m", "k"], "W": ["k", "n"]}})
    body = r.json()
    assert body["verdict"] == "wrong" and body["diagnosis"] == "factor"
    assert body["factor"] == 2.0
    ce = body["counterexample"]
    assert len(ce["inputs"]["D"]) == 2 and len(ce["inputs"]["D"][0]) == 2
    np.testing.assert_allclose(2 * np.array(ce["expected"]), ce["claim"], rtol=1e-12)


def test_equation_in_expr_and_ill_shaped_position(client):
    text = r"\nabla_A (AB) = B^T"
    body = client.post("/api/verify", json={"expr": text}).json()
    assert body["verdict"] == "ill-shaped" and body["diagnosis"] == "trace"
    assert body["position"] == text.index("B^T")
    assert body["error"]["kind"] == "shape" and body["error"]["position"] == body["position"]


def test_a_whole_equation_as_the_claim(client):
    claim = r"\nabla_Wtr(DWX^T) = D^TX"  # the seed's LaTeX, pasted into the claim field
    body = client.post("/api/verify", json={"expr": SEED, "claim": claim}).json()
    assert body["verdict"] == "correct" and body["expected"] == "D'*X"


def test_user_errors_are_400(client):
    r = client.post("/api/verify", json={"expr": "tr(A*B) = tr(B*"})
    assert r.status_code == 400 and r.json()["error"]["kind"] == "parse"
    r = client.post("/api/verify", json={"expr": SEED, "claim": 3})
    assert r.status_code == 400 and r.json()["error"]["kind"] == "argument"
    r = client.post("/api/verify", json={"expr": "tr(A*B)"})
    assert r.status_code == 400 and r.json()["error"]["kind"] == "argument"


def test_compute_in_process_matches():
    status, body = compute("verify", {"expr": "tr(A*B*C) = tr(C*A*B) = tr(B*C*A)"})
    assert status == 200 and body["correct"] and len(body["links"]) == 2
