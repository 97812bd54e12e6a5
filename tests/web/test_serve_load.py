"""A real ``matdiff serve`` on 127.0.0.1 under a hostile load (issue 16).

Hostile requests (mutated and deeply nested expressions, huge numbers, hostile Unicode and
LaTeX, malformed JSON, foreign Host and Origin headers, wrong media types, oversized bodies,
and inputs that make the engine work hard) are fired from several threads while other
threads send valid requests.  No answer may be a 5xx, every valid request gets its right
answer, the server logs no traceback, and the valid requests' 99th-percentile latency stays
under 1 s.  By default a few hundred hostile requests; ``MATDIFF_LONG=1`` fires 10,000.
"""

import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time

import pytest

LONG = bool(os.environ.get("MATDIFF_LONG"))
HOSTILE = 10_000 if LONG else 300
HOSTILE_THREADS = 6
VALID_THREADS = 2
P99_LIMIT = 1.0

SEEDS = ["0.5*norm2(D*W - X)^2", "tr(A*B)", "x'*A*x", "logdet(X)", "sum(exp(x))",
         "-y'*log(sigmoid(X*w)) - (1 - y)'*log(1 - sigmoid(X*w))", r"\frac{1}{2}\|DW-X\|_F^2",
         "norm2(A*x - b)^2", "kron(A, B)", "softmax(x)", "tr(inv(X)*A)", "x'*S*x"]
PIECES = ["(", ")", "[", "]", "{", "}", "'", "*", ".*", "./", ".^", "^", "+", "-", "/", ",",
          "|", "||", "\\", "_", "0", "9", "1e309", "1e-400", "e", " ", "x", "A", "self",
          "\u2207", "\u00b2", "\u1d40", "\u207b\u00b9", "\u2016", "\u221a", "\ud800", "\x00",
          "\\frac{", "\\left(", "\\right)", "\\sum_", "^{", "\\|", "\\nabla_", "\\mathbf{",
          "\\operatorname{", "&", "\\\\", "$", "%", "#", "=", "diag(", "vec(", "kron(", "inv("]
ENGINE_HARD = ["X'./0", "self*x", "sum(self)", "x*0/0", "x'*x/1e-400", "1e309*x", "x.^1e309",
               "A*B^1e309", "s" + "^2" * 40, "A^100000000", "A^100000",
               "diag(C) - vec(kron(C, B))", "*".join(["A"] * 99), "+".join(["x"] * 2000),
               "sum(exp(kron(u', eye)*vec(A)))", "B*(kron(x', eye)*vec(A))",
               "vec(M0).*kron(v1, v2)", "logsumexp(A*x)", "x" + "'" * 3000,
               "-" * 3000 + "x", "(" * 3000 + "x" + ")" * 3000, "sum(" * 500 + "x" + ")" * 500,
               "\\frac{" * 400 + "x" + "}{2}" * 400, "9" * 5000 + "*x", "A^" + "9" * 60]
VALID = [
    ("/api/derivative", {"expr": "0.5*norm2(D*W - X)^2", "wrt": "W"},
     lambda b: b["text"] == "D'*(D*W - X)"),
    ("/api/derivative", {"expr": "tr(A*B)", "wrt": "A"}, lambda b: b["text"] == "B'"),
    ("/api/derivative", {"expr": "x'*A*x", "wrt": "x", "order": 2},
     lambda b: b["text"] == "A + A'"),
    ("/api/parse", {"expr": "0.5*norm2(D*W - X)^2"},
     lambda b: set(b["variables"]) == {"D", "W", "X"}),
    ("/api/verify", {"expr": "tr(A*B)", "wrt": "A", "claim": "B'"},
     lambda b: b["verdict"] == "correct"),
]


def mutated(rng: random.Random) -> str:
    text = rng.choice(SEEDS)
    for _ in range(rng.randint(1, 4)):
        i = rng.randint(0, len(text))
        cut = rng.randint(0, 3) if rng.random() < 0.4 else 0
        text = text[:i] + (rng.choice(PIECES) if rng.random() < 0.8 else "") + text[i + cut:]
    return text


def json_body(obj) -> bytes:
    return json.dumps(obj).encode()


def hostile(rng: random.Random, port: int):
    """One hostile request: ``(method, path, headers, body)``."""
    host = f"127.0.0.1:{port}"
    headers = {"Host": host, "Content-Type": "application/json"}
    path = rng.choice(["/api/derivative", "/api/derivative", "/api/parse", "/api/verify"])
    family = rng.randrange(10)
    if family <= 2:
        body = {"expr": mutated(rng)}
        if rng.random() < 0.5:
            body["wrt"] = rng.choice(["x", "A", "W", "self", "\ud800", "", "x'"])
        return "POST", path, headers, json_body(body)
    if family <= 4:
        expr = rng.choice(ENGINE_HARD)
        body = {"expr": expr, "wrt": rng.choice([None, "x", "A", "u", "C", "s"]),
                "order": rng.choice([1, 1, 2, 3, 8])}
        return "POST", path, headers, json_body(body)
    if family == 5:
        depth = rng.choice([100, 1000, 3000, 4000])
        raw = rng.choice(["[" * depth + "]" * depth, '{"expr":' + "[" * depth + "]" * depth + "}",
                          '{"expr": "x", "vars": ' + '{"a":' * depth + "1" + "}" * depth + "}"])
        return "POST", path, headers, raw.encode()
    if family == 6:
        vars_ = rng.choice([{"A": ["\u00b2", "n"]}, {"A": ["1" * 5000, 2]}, {"A": 5},
                            {"A": [10**30, 2]}, {"self": "matrix"}, {"A": ["_t0", "n"]},
                            {"\ud800": "vector"}, {"x": "\udfff"}, {"A": [1] * 50},
                            {"A": "hermitian"}, {"A": [0, -3]}, ["A"], "A"])
        return "POST", path, headers, json_body({"expr": "A*x", "wrt": "x", "vars": vars_})
    if family == 7:
        raw = rng.choice([b"", b"{", b"\xff\xfe\x00", b"null", b"[]", b'"x"', b"1e999",
                          b'{"expr": NaN}', b'{"expr": "x", "order": 1e999}',
                          b'{"expr": "x", "order": ' + b"9" * 5000 + b"}",
                          b'{"expr": ["x"]}', b'{"expr": "x", "wrt": 7}'])
        return "POST", path, headers, raw
    if family == 8:
        body = json_body({"expr": "tr(A*B)", "wrt": "A"})
        choice = rng.randrange(5)
        if choice == 0:
            return "POST", path, {**headers, "Content-Type": "text/plain"}, body
        if choice == 1:
            return "POST", path, {**headers, "Host": f"rebound.example:{port}"}, body
        if choice == 2:
            return "POST", path, {**headers, "Origin": "http://evil.example"}, body
        if choice == 3:
            return "GET", path, headers, b""
        return "POST", "/api/../../etc/passwd", headers, body
    return "POST", path, headers, json_body({"expr": "x" * rng.choice([10_001, 50_000])})


def send(port: int, method: str, path: str, headers: dict, body: bytes):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    log = tmp_path_factory.mktemp("serve") / "stderr.txt"
    with open(log, "w") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "matdiff", "serve", "--port", "0"],
                                stdout=subprocess.PIPE, stderr=stderr, text=True)
    try:
        line = proc.stdout.readline()
        assert "serving on http://127.0.0.1:" in line, line + log.read_text()
        yield int(line.split("127.0.0.1:")[1].split("/")[0]), log
    finally:
        proc.terminate()
        proc.wait(30)


def test_hostile_load_gets_no_server_error_and_valid_requests_stay_fast(served):
    port, log = served
    rng = random.Random(16)
    requests = [hostile(rng, port) for _ in range(HOSTILE)]
    statuses: dict[int, int] = {}
    server_errors: list[str] = []
    latencies: list[float] = []
    wrong: list[str] = []
    lock = threading.Lock()
    done = threading.Event()

    def fire_hostile(share):
        for method, path, headers, body in share:
            status, reply = send(port, method, path, headers, body)
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if status >= 500:
                    server_errors.append(f"{status} {path} {body[:120]!r}: {reply[:300]!r}")

    def fire_valid(offset):
        i = offset
        while not done.is_set() or i < offset + 20:
            path, body, right = VALID[i % len(VALID)]
            headers = {"Host": f"127.0.0.1:{port}", "Content-Type": "application/json"}
            start = time.monotonic()
            status, reply = send(port, "POST", path, headers, json_body(body))
            elapsed = time.monotonic() - start
            with lock:
                latencies.append(elapsed)
                if status != 200 or not right(json.loads(reply)):
                    wrong.append(f"{status} {path} {body}: {reply[:300]!r}")
            i += 1

    for path, body, _ in VALID:  # warm the workers' caches, as a running server has them
        send(port, "POST", path, {"Host": f"127.0.0.1:{port}",
                                  "Content-Type": "application/json"}, json_body(body))
    hostile_threads = [threading.Thread(target=fire_hostile, args=(requests[k::HOSTILE_THREADS],))
                       for k in range(HOSTILE_THREADS)]
    valid_threads = [threading.Thread(target=fire_valid, args=(k,)) for k in range(VALID_THREADS)]
    start = time.monotonic()
    for t in hostile_threads + valid_threads:
        t.start()
    for t in hostile_threads:
        t.join()
    done.set()
    for t in valid_threads:
        t.join()
    took = time.monotonic() - start
    latencies.sort()
    p50, p99 = latencies[len(latencies) // 2], latencies[int(0.99 * (len(latencies) - 1))]
    print(f"\n{HOSTILE} hostile requests in {took:.1f} s, answers {dict(sorted(statuses.items()))};"
          f" {len(latencies)} valid requests: p50 {p50:.3f} s, p99 {p99:.3f} s, "
          f"max {latencies[-1]:.3f} s")
    assert not server_errors, "\n".join(server_errors[:20])
    assert not wrong, "\n".join(wrong[:20])
    assert "Traceback" not in log.read_text()
    assert p99 < P99_LIMIT, f"valid requests' p99 {p99:.3f} s"
