"""The JSON API as a client sees it (SPEC §7), in process through Starlette's TestClient.

Seed questions give the right shape, a small numerical check and a text form that parses back
and evaluates to the known gradient; every error kind comes back as a 400 with an error
object; oversized, pathological and overrunning requests are answered and the server goes on.
"""

import numpy as np
import pytest
from starlette.testclient import TestClient

import matdiff as md
from matdiff.web.app import create_app
from matdiff.web.worker import compute

SEED = "0.5*norm2(D*W - X)^2"
SEED_VARS = {"D": ["m", "k"], "W": ["k", "n"], "X": ["m", "n"]}


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(budget=20.0, workers=2), base_url="http://127.0.0.1") as c:
        yield c


def derive(client, **body):
    return client.post("/api/derivative", json=body)


def assert_error(response, status, kind):
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["kind"] == kind
    assert isinstance(error["message"], str) and error["message"]
    assert "\n" not in error["message"]
    assert error["position"] is None or isinstance(error["position"], int)
    return error


def value_of(text, vars, arrays):
    """The value of an expression in ``text``, through the API: d/dE tr(E'*T) is T."""
    e_shape = tuple(md.parse(text, vars=vars).shape)
    probe = md.derivative(f"tr(E'*({text}))", wrt="E", vars={**vars, "E": e_shape})
    return probe.evaluate(**arrays, E=np.zeros(np.shape(arrays["W"])))


def test_seed_least_squares_gradient(client):
    r = derive(client, expr=SEED, wrt="W", vars=SEED_VARS)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= {"text", "latex", "index", "shape", "steps", "code", "check",
                         "variables", "layout", "order", "wrt"}
    assert body["shape"] == ["k", "n"]
    assert body["wrt"] == "W" and body["order"] == 1 and body["layout"] == "numerator"
    assert body["check"] < 1e-6
    assert body["variables"]["D"] == {"kind": "matrix", "shape": ["m", "k"]}
    assert all(set(step) == {"rule", "text", "latex"} for step in body["steps"])
    vars = {name: tuple(dims) for name, dims in SEED_VARS.items()}
    assert tuple(md.parse(body["text"], vars=vars).shape) == ("k", "n")
    rng = np.random.default_rng(0)
    arrays = {"D": rng.normal(size=(4, 3)), "W": rng.normal(size=(3, 2)),
              "X": rng.normal(size=(4, 2))}
    expected = arrays["D"].T @ (arrays["D"] @ arrays["W"] - arrays["X"])
    np.testing.assert_allclose(value_of(body["text"], vars, arrays), expected, rtol=1e-9)


def test_seed_trace_gradient_is_transpose(client):
    body = derive(client, expr="tr(A*B)", wrt="A").json()
    a_shape = body["variables"]["A"]["shape"]
    assert body["shape"] == a_shape
    assert body["check"] < 1e-6
    assert "B" in body["text"] and "B" in body["latex"]
    assert "def " in body["code"]


def test_hessian_and_denominator_layout(client):
    hess = derive(client, expr="x'*A*x", wrt="x", order=2).json()
    n = hess["variables"]["x"]["shape"][0]
    assert hess["shape"] == [n, n] and hess["order"] == 2
    num = derive(client, expr="A*x", wrt="x", vars={"A": ["m", "n"]}).json()
    den = derive(client, expr="A*x", wrt="x", vars={"A": ["m", "n"]},
                 layout="denominator").json()
    assert num["shape"] == ["m", "n"]
    assert den["shape"] == ["n", "m"] and den["layout"] == "denominator"


def test_latex_seed(client):
    body = derive(client, expr=r"\frac{1}{2}\|DW-X\|_F^2", wrt="W").json()
    assert body.get("error") is None, body
    assert body["shape"] == body["variables"]["W"]["shape"]


def test_repeated_parts_are_named_in_pretty(client):
    expr = "-y'*log(sigmoid(X*w)) - (1 - y)'*log(1 - sigmoid(X*w))"
    body = derive(client, expr=expr, wrt="w", order=2).json()
    assert body["text"] == "X'*diag(sigmoid(X*w).*(1 - sigmoid(X*w)))*X"
    assert body["pretty"] == "X'*diag(s.*(1 - s))*X where s = sigmoid(X*w)"
    assert body["pretty_latex"].endswith(r"\quad s = \operatorname{sigmoid}(X w)")
    plain = derive(client, expr=SEED, wrt="W").json()
    assert plain["pretty"] == plain["text"]


def test_wrt_defaults_to_the_only_variable(client):
    body = derive(client, expr="sum(exp(x))").json()
    assert body["wrt"] == "x"


def test_parse_endpoint_lists_variables(client):
    r = client.post("/api/parse", json={"expr": SEED, "vars": {"D": [3, 4]}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["variables"]["D"] == {"kind": "matrix", "shape": [3, 4]}
    assert body["variables"]["W"]["shape"][0] == 4
    assert body["wrt"] is None and body["latex"]
    spd = client.post("/api/parse", json={"expr": "logdet(S)", "vars": {"S": "spd"}}).json()
    assert spd["variables"]["S"]["kind"] == "spd"


@pytest.mark.parametrize("expr, kind", [
    ("A*(B", "parse"),
    ("x*y", "shape"),
    ("A^a", "unsupported"),
])
def test_engine_errors(client, expr, kind):
    error = assert_error(derive(client, expr=expr, wrt="A" if "A" in expr else "x",
                                vars={"x": "vector", "y": "vector"}), 400, kind)
    assert isinstance(error["position"], int)
    assert expr in error["detail"] and "^" in error["detail"].splitlines()[-1]


def test_shape_error_from_declarations(client):
    error = assert_error(derive(client, expr=SEED, wrt="W",
                                vars={"D": [3, 4], "W": [5, 6]}), 400, "shape")
    assert "D" in error["message"] or "W" in error["message"]


@pytest.mark.parametrize("body", [
    {"expr": "tr(A)", "wrt": "Z"},
    {"expr": "tr(A)", "wrt": "A", "layout": "sideways"},
    {"expr": "tr(A)", "wrt": "A", "order": 0},
    {"expr": "tr(A)", "wrt": "A", "order": "two"},
    {"expr": "tr(A)", "wrt": "A", "vars": {"A": "hermitian"}},
    {"expr": "tr(A)", "wrt": "A", "vars": {"A": [3, -1]}},
    {"expr": "tr(A)", "wrt": "A", "vars": ["A"]},
    {"expr": 42},
    {"wrt": "A"},
    {"expr": "x'*A*x + y'*y"},
])
def test_argument_errors(client, body):
    assert_error(derive(client, **body), 400, "argument")


def test_malformed_bodies(client):
    r = client.post("/api/derivative", content=b"{not json",
                    headers={"content-type": "application/json"})
    assert_error(r, 400, "argument")
    assert_error(client.post("/api/parse", json=["tr(A)"]), 400, "argument")
    assert client.get("/api/derivative").status_code == 405


def test_oversized_body_is_refused(client):
    expr = "+".join(["x"] * 6000)
    assert_error(derive(client, expr=expr, wrt="x"), 413, "limit")
    r = client.post("/api/parse", content=b"{" + b" " * 20_000 + b"}",
                    headers={"content-type": "application/json"})
    assert_error(r, 413, "limit")


@pytest.mark.parametrize("expr, position", [
    ("(" * 500 + "x" + ")" * 500, 200),  # the caret under the 201st opening parenthesis
    ("sum(" * 200 + "x" + ")" * 200, 800),  # under the innermost argument
])
def test_too_deeply_nested_input_is_refused_with_its_place(client, expr, position):
    error = assert_error(derive(client, expr=expr, wrt="x"), 400, "parse")
    assert error["message"] == "the expression is nested too deeply (more than 200 levels)"
    assert error["position"] == position
    assert derive(client, expr="tr(A*B)", wrt="A").status_code == 200


def test_long_flat_sum_is_answered(client):
    r = derive(client, expr="+".join(["x"] * 2000), wrt="x")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["text"] == "2000*eye" and body["wrt"] == "x"
    assert len(body["shape"]) == 2 and body["shape"][0] == body["shape"][1]


def test_overrunning_derivation_times_out_and_server_goes_on(client):
    pool = client.app.state.pool
    budget, pool.budget = pool.budget, 0.2
    try:
        r = derive(client, expr="logsumexp(A*x)", wrt="x", order=8)
        error = assert_error(r, 400, "timeout")
        assert "budget" in error["message"]
    finally:
        pool.budget = budget
    assert derive(client, expr=SEED, wrt="W").status_code == 200
    assert derive(client, expr="tr(A*B)", wrt="A").status_code == 200


def test_dead_workers_are_replaced(client):
    pool = client.app.state.pool
    for worker in list(pool._workers):
        worker.process.kill()
        worker.process.join()
    r = derive(client, expr="tr(A*B)", wrt="A")
    assert r.status_code == 200, r.text
    assert all(w.process.is_alive() for w in pool._workers)


def test_engine_bug_is_an_internal_error(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(md, "derivative", broken)
    status, body = compute("derivative", {"expr": "tr(A*B)", "wrt": "A"})
    assert status == 500 and body["error"]["kind"] == "internal"
    assert "boom" in body["error"]["message"]


def test_page_and_assets(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert 'id="expr"' in page.text
    for path in ("/static/app.js", "/static/style.css", "/static/vendor/katex/katex.min.js",
                 "/static/vendor/katex/katex.min.css",
                 "/static/vendor/katex/fonts/KaTeX_Main-Regular.woff2"):
        assert client.get(path).status_code == 200, path
