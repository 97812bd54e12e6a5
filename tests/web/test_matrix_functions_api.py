"""Matrix functions through the JSON API: readable answers whose numbers are right."""

import numpy as np
import pytest
from starlette.testclient import TestClient

import matdiff as md
from matdiff.web.app import create_app

CASES = [
    ("tr(expm(A))", "A", {}, "expm(A)'"),
    ("norm2(expm(t*A)*x - y)^2", "t", {"t": "scalar"}, "2*(expm(t*A)*x - y)'*A*expm(t*A)*x"),
    ("norm2(expm(t*A)*x - y)^2", "A", {"t": "scalar"}, "2*t*L_expm(t*A', (expm(t*A)*x - y)*x')"),
    ("tr(logm(S))", "S", {"S": "spd"}, "inv(S)"),
    ("logdet(S)", "S", {"S": "spd"}, "inv(S)"),
]


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(budget=30.0, workers=1), base_url="http://127.0.0.1") as c:
        yield c


@pytest.mark.parametrize("expr,wrt,vars,answer", CASES)
def test_the_page_gets_the_textbook_answer_checked(client, expr, wrt, vars, answer):
    r = client.post("/api/derivative", json={"expr": expr, "wrt": wrt, "vars": vars})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["text"] == answer
    assert body["check"] < 1e-6
    assert "L_" not in body["latex"] or "L_{\\exp}" in body["latex"]


def test_a_jacobian_of_sqrtm_comes_in_index_notation_with_its_check(client):
    r = client.post("/api/derivative", json={"expr": "sqrtm(S)", "wrt": "S",
                                             "vars": {"S": "spd"}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["index"].startswith("∂F_ij/∂S_kl = 0.5 L_sqrtm(S, e_k*e_l')_ij")
    assert body["shape"] == ["m", "m", "m", "m"]
    assert body["check"] < 1e-6


def test_a_log_euclidean_distance_by_a_is_right(client):
    expr = "norm2(logm(inv(sqrtm(A))*B*inv(sqrtm(A))))^2"
    r = client.post("/api/derivative", json={"expr": expr, "wrt": "A",
                                             "vars": {"A": "spd", "B": "spd"}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["check"] < 1e-6
    printed = md.parse(body["text"], {"A": "spd", "B": "spd"})
    d = md.derivative(expr, wrt="A", vars={"A": "spd", "B": "spd"})
    rng = np.random.default_rng(3)
    m = rng.standard_normal((3, 3))
    arrays = {"A": m @ m.T + 3 * np.eye(3), "B": np.eye(3) + 0.1 * (m + m.T)}
    np.testing.assert_allclose(printed.evaluate(**arrays), d.evaluate(**arrays), rtol=1e-10)
