"""The web API checks every derivative it answers: in the denominator layout at order two and
three with a non-scalar output (``k×S_in + S_out``) too, with a check that passes."""

import pytest
from starlette.testclient import TestClient

from matdiff.web.app import create_app


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(budget=20.0, workers=1), base_url="http://127.0.0.1") as c:
        yield c


@pytest.mark.parametrize("expr, wrt, vars, order, shape", [
    ("A*x", "x", {"A": ["m", "n"]}, 2, ["n", "n", "m"]),
    ("sin(B'*x)", "x", {"B": ["m", "n"]}, 2, ["m", "m", "n"]),
    ("x*y'", "x", {"x": ["m"], "y": ["n"]}, 3, ["m", "m", "m", "m", "n"]),
])
def test_denominator_layout_of_order_two_and_up_is_answered_and_checked(
        client, expr, wrt, vars, order, shape):
    r = client.post("/api/derivative", json={"expr": expr, "wrt": wrt, "vars": vars,
                                             "order": order, "layout": "denominator"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["layout"] == "denominator" and body["shape"] == shape
    assert body.get("check_error") is None and body["check"] < 1e-6, body
