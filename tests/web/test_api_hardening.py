"""The web API against hostile requests (issue 16): every user error a 4xx with an error
object, the Host and Origin checks, the security headers on every response, only JSON bodies,
a body read timeout, answers that are always valid JSON; the lanes that keep quick requests
from waiting behind long ones, and workers recycled after use.
"""

import asyncio
import json
import socket
import threading
import time

import pytest
from starlette.testclient import TestClient

from matdiff.web.app import create_app
from matdiff.web.guard import SECURITY_HEADERS, RequestGuard
from matdiff.web.worker import WorkerPool

SEED = "0.5*norm2(D*W - X)^2"
SLOW = {"expr": "logsumexp(A*x)", "wrt": "x", "order": 6}  # seconds of work, no error


def finished(status: int, body: dict) -> bool:
    """A long request's end: its answer, or a timeout after its budget."""
    return status == 200 or (status == 400 and body["error"]["kind"] == "timeout")


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(budget=20.0, workers=1), base_url="http://127.0.0.1") as c:
        yield c


def assert_error(response, status, kind):
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["kind"] == kind
    assert error["message"] and "\n" not in error["message"]
    assert error["position"] is None or isinstance(error["position"], int)
    return error


def post(client, body: bytes | str, path="/api/derivative", **headers):
    headers.setdefault("content-type", "application/json")
    return client.post(path, content=body, headers=headers)


def test_only_json_bodies_are_accepted(client):
    body = json.dumps({"expr": "tr(A*B)", "wrt": "A"})
    for media_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                       "application/jsonp", ""):
        error = assert_error(post(client, body, **{"content-type": media_type}), 415,
                             "argument")
        assert "application/json" in error["message"]
    r = post(client, body, **{"content-type": "Application/JSON; charset=utf-8"})
    assert r.status_code == 200 and r.json()["text"] == "B'"


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example",
                                  "localhost.evil.example", "10.0.0.1", "[::1", "", "a:b:c"])
def test_foreign_host_names_are_refused(client, host):
    r = post(client, json.dumps({"expr": "x", "wrt": "x"}), host=host)
    error = assert_error(r, 421, "argument")
    assert "host" in error["message"]
    assert client.get("/", headers={"host": host}).status_code == 421


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost:8000", "LOCALHOST", "[::1]:8000"])
def test_this_machines_names_are_answered(client, host):
    assert client.get("/", headers={"host": host}).status_code == 200


def test_host_check_follows_the_served_address():
    guard = RequestGuard(None, host="127.0.0.1", port=8000)
    assert guard.host_allowed("127.0.0.1:8000") and guard.host_allowed("localhost:8000")
    assert guard.host_allowed("[::1]:8000")
    assert not guard.host_allowed("127.0.0.1:8001")  # another server's port
    assert not guard.host_allowed("127.0.0.1")  # port 80
    named = RequestGuard(None, host="matdiff.lan", port=80)
    assert named.host_allowed("matdiff.lan") and named.host_allowed("localhost")
    assert not named.host_allowed("evil.example")
    everywhere = RequestGuard(None, host="0.0.0.0", port=8000)
    assert everywhere.host_allowed("192.168.1.20:8000")
    assert everywhere.host_allowed("[fe80::1]:8000")
    assert not everywhere.host_allowed("rebound.evil.example:8000")


def test_pages_of_other_sites_cannot_post(client):
    body = json.dumps({"expr": "tr(A*B)", "wrt": "A"})
    for origin in ("http://evil.example", "http://127.0.0.1:9", "null", "http://[::1"):
        assert_error(post(client, body, origin=origin), 403, "argument")
    assert post(client, body, origin="http://127.0.0.1").status_code == 200
    assert client.get("/", headers={"origin": "http://evil.example"}).status_code == 200


def test_security_headers_on_every_response(client):
    responses = {
        "page": client.get("/"),
        "script": client.get("/static/app.js"),
        "answer": client.post("/api/parse", json={"expr": SEED}),
        "user error": client.post("/api/parse", json={"expr": "A*(B"}),
        "not found": client.get("/nowhere"),
        "wrong method": client.get("/api/derivative"),
        "not json": post(client, "x", **{"content-type": "text/plain"}),
        "too large": post(client, json.dumps({"expr": "x" * 20_000})),
        "foreign host": client.get("/", headers={"host": "evil.example"}),
    }
    for what, r in responses.items():
        for name, value in SECURITY_HEADERS.items():
            assert r.headers.get(name) == value, (what, name)
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert responses["answer"].headers["cache-control"] == "no-store"


@pytest.mark.parametrize("body, kind", [
    ("[" * 3000 + "]" * 3000, "limit"),
    ('{"expr": ' + "[" * 3000 + "]" * 3000 + "}", "limit"),
    ('{"expr": "x\\ud800", "wrt": "x"}', "parse"),
    ('{"expr": "x", "wrt": "\\udfff"}', "argument"),
    ('{"expr": "x", "vars": {"\\ud800": "vector"}}', "argument"),
    ('{"expr": "x", "vars": {"x": ["\\ud800"]}}', "argument"),
    ('{"expr": "x", "vars": {"x": "\\ud800"}}', "argument"),
    ('{"expr": "A*x", "wrt": "x", "vars": {"A": ["\\u00b2", "n"]}}', "argument"),
    ('{"expr": "A*x", "wrt": "x", "vars": {"A": ["' + "1" * 5000 + '", "n"]}}', "argument"),
    ('{"expr": "A*x", "wrt": "x", "vars": {"A": [' + "9" * 30 + ', 2]}}', "argument"),
    ('{"expr": "A*x", "wrt": "x", "vars": {"A": [' + "9" * 4400 + ', 2]}}', "argument"),
    ('{"expr": "tr(A)", "order": NaN}', "argument"),
    ('{"expr": "tr(A)", "order": 1e999}', "argument"),
    ('{"expr": "tr(A)", "order": ' + "9" * 50 + "}", None),
    ('{"expr": null}', "argument"),
    ("\xff\xfe{}", "argument"),
    ("", "argument"),
])
def test_hostile_bodies_are_user_errors(client, body, kind):
    raw = body.encode("latin-1") if body.startswith("\xff") else body.encode()
    r = post(client, raw)
    error = assert_error(r, 400, kind or r.json()["error"]["kind"])
    assert error["kind"] != "internal"
    json.loads(r.content.decode("ascii"))  # valid JSON, ASCII whatever the input


def test_lone_surrogate_is_pointed_at(client):
    r = post(client, '{"expr": "x + \\ud800", "wrt": "x"}')
    error = assert_error(r, 400, "parse")
    assert error["position"] == 4
    assert error["detail"].splitlines()[-1].strip() == "^"


@pytest.mark.parametrize("expr", ["X'./0", "self*x", "sum(self)", "x'*x/1e-400", "1e309*x",
                                  "A^100000000", "diag(C) - vec(kron(C, B))",
                                  "softmax(x)\\"])
def test_inputs_from_the_hostile_mix_are_not_server_errors(client, expr):
    for path in ("/api/parse", "/api/derivative", "/api/verify"):
        r = client.post(path, json={"expr": expr})
        assert r.status_code < 500, (path, r.text)
        assert r.status_code == 200 or r.json()["error"]["message"]


def test_answers_are_ascii_and_finite():
    from matdiff.web.app import _JSONResponse

    body = _JSONResponse({"check": float("nan"), "big": [float("inf")], "text": "x\ud800∇"}).body
    assert json.loads(body.decode("ascii")) == {"check": None, "big": [None],
                                                 "text": "x\ud800∇"}


@pytest.fixture(scope="module")
def slow_body_server():
    """A real server (uvicorn in a thread) whose request bodies must arrive within 0.5 s."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(workers=1, body_timeout=0.5),
                                           log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline and thread.is_alive():
        time.sleep(0.05)
    assert server.started, "the server did not start"
    yield sock.getsockname()
    server.should_exit = True
    thread.join(30)
    sock.close()


def test_a_body_that_does_not_arrive_is_a_timeout(slow_body_server):
    host, port = slow_body_server
    with socket.create_connection((host, port), timeout=10) as conn:
        conn.sendall(f"POST /api/parse HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                     "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                     '{"expr": '.encode())
        start = time.monotonic()
        reply = b""
        while b'"detail"' not in reply and (chunk := conn.recv(65536)):
            reply += chunk
        reply = reply.decode()
    assert reply.startswith("HTTP/1.1 408"), reply
    assert time.monotonic() - start < 5
    assert '"kind":"timeout"' in reply and "x-content-type-options: nosniff" in reply.lower()


def pool_run(pool: WorkerPool, coroutine_factory):
    async def main():
        await pool.start()
        try:
            return await coroutine_factory()
        finally:
            await pool.stop()
    return asyncio.run(main())


def test_quick_requests_pass_long_ones():
    pool = WorkerPool(size=1, budget=20.0, quick=0.3, long_slots=1)

    async def scenario():
        long = asyncio.create_task(pool.run("derivative", SLOW))
        await asyncio.sleep(0.6)  # past the quick time: the long one left the lane
        start = time.monotonic()
        quick = await pool.run("derivative", {"expr": "tr(A*B)", "wrt": "A"})
        quick_time = time.monotonic() - start
        refused = await pool.run("derivative", SLOW)  # the one long slot is taken
        return quick, quick_time, refused, long.done(), await long

    quick, quick_time, refused, long_done_first, long = pool_run(pool, scenario)
    assert quick == (200, quick[1]) and quick[1]["text"] == "B'"
    assert not long_done_first
    assert quick_time < 5
    assert refused[0] == 429 and refused[1]["error"]["kind"] == "busy"
    assert finished(*long)


def test_workers_are_recycled_after_requests_and_growth():
    def pids(pool):
        return {w.process.pid for w in pool._workers}

    by_count = WorkerPool(size=1, budget=20.0, max_requests=2)

    async def count_scenario():
        first = pids(by_count)
        for _ in range(2):
            assert (await by_count.run("parse", {"expr": "x"}))[0] == 200
        await by_count.run("parse", {"expr": "x"})  # served by the replacement
        return first, pids(by_count)

    first, later = pool_run(by_count, count_scenario)
    assert first and later and first.isdisjoint(later)

    by_growth = WorkerPool(size=1, budget=20.0, max_growth=0)
    many_terms = " + ".join(f"a{i}*x{i}'*B{i}*y{i}" for i in range(400))

    async def growth_scenario():
        first = pids(by_growth)
        await by_growth.run("parse", {"expr": many_terms})
        await by_growth.run("parse", {"expr": "x"})
        return first, pids(by_growth)

    first, later = pool_run(by_growth, growth_scenario)
    assert first.isdisjoint(later)


def test_the_page_is_answered_while_derivations_run(client):
    pool = client.app.state.pool
    quick, pool.quick = pool.quick, pool.budget  # the derivation holds the only worker
    try:
        done = []
        thread = threading.Thread(target=lambda: done.append(
            client.post("/api/derivative", json=SLOW)))
        thread.start()
        time.sleep(0.5)
        start = time.monotonic()
        r = client.post("/api/parse", json={"expr": SEED})
        assert r.status_code == 200 and r.json()["variables"]
        assert time.monotonic() - start < 3 and not done
        thread.join(60)
    finally:
        pool.quick = quick
    assert finished(done[0].status_code, done[0].json())
