"""The ``matdiff`` command line as a user runs it (SPEC §6), through ``python -m matdiff``.

Output and its second line, every section flag, the ``--json`` schema, exit status 0 / 2,
messages with carets and no traceback, standard input, ``--help``, the default ``--wrt``,
no colour through a pipe, a fast start without the web stack, and ``matdiff serve``.
"""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

import matdiff as md

SEED = "0.5*norm2(D*W - X)^2"
SEED_VARS = ["--var", "D=m,k", "--var", "W=k,n", "--var", "X=m,n"]
JSON_KEYS = {"text", "latex", "index", "index_latex", "elementwise", "kron", "pretty",
             "pretty_latex", "shape", "steps", "code", "check", "layout", "symmetric_gradient",
             "order", "wrt", "reading"}
LOGISTIC = "-y'*log(sigmoid(X*w)) - (1 - y)'*log(1 - sigmoid(X*w))"


def matdiff(*args, stdin=None, env=None):
    return subprocess.run([sys.executable, "-m", "matdiff", *args], input=stdin,
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})})


def assert_user_error(result, kind):
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"matdiff: {kind} error:")
    return result.stderr


def test_seed_prints_gradient_and_what_it_is():
    r = matdiff(SEED, "--wrt", "W", *SEED_VARS)
    assert r.returncode == 0, r.stderr
    text, summary = r.stdout.splitlines()
    vars = {"D": ("m", "k"), "W": ("k", "n"), "X": ("m", "n")}
    assert tuple(md.parse(text, vars=vars).shape) == ("k", "n")
    assert summary == "# gradient by W, shape (k, n), numerator layout"


def test_sections():
    r = matdiff("tr(A*B)", "--wrt", "A", "--latex", "--index", "--steps", "--code", "numpy",
                "--check")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    for title in ("LaTeX", "index notation", "steps", "code (numpy)", "check"):
        assert title in lines
    check_line = lines[lines.index("check") + 1]
    error = float(re.search(r"max relative error (\S+)", check_line).group(1))
    assert error < 1e-6
    assert "def " in r.stdout


def test_json_schema():
    r = matdiff(SEED, "--wrt", "W", *SEED_VARS, "--check", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) == JSON_KEYS
    assert out["shape"] == ["k", "n"]
    assert out["wrt"] == "W" and out["order"] == 1 and out["layout"] == "numerator"
    assert isinstance(out["check"], float) and out["check"] < 1e-6
    assert isinstance(out["steps"], list)
    assert all(set(step) == {"rule", "text", "latex"} for step in out["steps"])
    assert "def " in out["code"]
    assert json.loads(matdiff(SEED, "--wrt", "W", "--json").stdout)["check"] is None


def test_repeated_parts_are_named_under_the_answer():
    r = matdiff(LOGISTIC, "--wrt", "w", "--order", "2", "--latex")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[:3] == ["X'*diag(sigmoid(X*w).*(1 - sigmoid(X*w)))*X",
                         "= X'*diag(s.*(1 - s))*X where s = sigmoid(X*w)",
                         "# Hessian by w, shape (n, n), numerator layout"]
    latex = lines[lines.index("LaTeX") + 2]
    assert latex == (r"= X^\top \operatorname{diag}(s \odot (1 - s)) X, \quad "
                     r"s = \operatorname{sigmoid}(X w)")
    out = json.loads(matdiff(LOGISTIC, "--wrt", "w", "--order", "2", "--json").stdout)
    assert out["pretty"] == "X'*diag(s.*(1 - s))*X where s = sigmoid(X*w)"
    assert out["text"] == lines[0]
    plain = json.loads(matdiff(SEED, "--wrt", "W", "--json").stdout)
    assert plain["pretty"] == plain["text"] and plain["pretty_latex"] == plain["latex"]


def test_order_and_layout():
    hess = json.loads(matdiff("x'*A*x", "--wrt", "x", "--order", "2", "--var", "x=n",
                              "--json").stdout)
    assert hess["shape"] == ["n", "n"] and hess["order"] == 2
    r = matdiff("A*x", "--wrt", "x", "--var", "A=m,n", "--layout", "denominator")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[1] == "# Jacobian by x, shape (n, m), denominator layout"


def test_kinds_and_integer_dimensions():
    r = matdiff("x'*S*x", "--wrt", "x", "--var", "S=symmetric", "--var", "x=3", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["shape"] == [3]
    assert matdiff("a*x", "--wrt", "a", "--var", "a=scalar").returncode == 0


@pytest.mark.parametrize("args, want", [
    (["-x'*A*x", "--wrt", "x"], "(-A - A')*x"),
    (["--wrt", "x", "-x"], "-eye"),
    (["-(-(A*B))", "--wrt", "A"], "∂F_ij/∂A_kl = δ_ik B_lj"),
])
def test_an_expression_may_start_with_a_minus(args, want):
    r = matdiff(*args)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == want


def test_an_unknown_option_is_still_an_error():
    r = matdiff("-x", "--bogus")
    assert r.returncode == 2
    assert "unrecognized arguments: --bogus" in r.stderr


def test_standard_input():
    r = matdiff("-", "--wrt", "W", "--json", stdin=SEED + "\n")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["wrt"] == "W"


def test_default_wrt():
    r = matdiff("sum(exp(x))", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["wrt"] == "x"
    stderr = assert_user_error(matdiff(SEED), "argument")
    assert all(name in stderr for name in ("D", "W", "X"))


def test_parse_error_quotes_input_with_caret():
    stderr = assert_user_error(matdiff("A*(B", "--wrt", "A"), "parse")
    lines = stderr.splitlines()
    assert any("A*(B" in line for line in lines)
    assert set(lines[-1].strip()) <= set("^~") and "^" in lines[-1]


def test_shape_error_quotes_input_with_caret():
    stderr = assert_user_error(matdiff("x*y", "--wrt", "x", "--var", "x=vector",
                                       "--var", "y=vector"), "shape")
    assert stderr.splitlines()[-2].strip() == "x*y"
    assert "^" in stderr.splitlines()[-1]
    assert "\x1b[" not in stderr


@pytest.mark.parametrize("args, kind", [
    (("tr(A)", "--wrt", "Z"), "argument"),
    (("tr(A)", "--wrt", "A", "--var", "A=3,-1"), "argument"),
    (("tr(A)", "--wrt", "A", "--var", "A"), "argument"),
    (("tr(A)", "--wrt", "A", "--var", "A=hermitian!"), "argument"),
    (("tr(A)", "--wrt", "A", "--var", "A=symetric"), "argument"),
    (("tr(A)", "--wrt", "A", "--order", "0"), "argument"),
    (("A^a", "--wrt", "A"), "unsupported"),
])
def test_user_errors_exit_2(args, kind):
    assert_user_error(matdiff(*args), kind)


@pytest.mark.parametrize("args", [
    (),
    ("tr(A)", "--layout", "sideways"),
    ("tr(A)", "--order", "two"),
    ("tr(A)", "--code", "fortran"),
    ("serve", "--port", "eighty"),
])
def test_usage_errors_exit_2(args):
    r = matdiff(*args)
    assert r.returncode == 2
    assert r.stderr.startswith("usage: matdiff")
    assert "Traceback" not in r.stderr


def test_help_shows_examples():
    r = matdiff("--help")
    assert r.returncode == 0
    assert "examples:" in r.stdout and SEED in r.stdout and "matdiff serve" in r.stdout
    assert "--wrt" in r.stdout and "--json" in r.stdout


def test_derivative_does_not_load_the_web_stack():
    code = ("import sys, matdiff.cli; rc = matdiff.cli.main(['tr(A*B)', '--wrt', 'A']); "
            "print(sorted(m for m in ('starlette', 'uvicorn') if m in sys.modules), rc)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.stdout.splitlines()[-1] == "[] 0", r.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_prints_its_address_and_serves_the_page():
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "matdiff", "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith(f"matdiff: serving on http://127.0.0.1:{port}/"), \
            line + proc.stderr.read() if proc.poll() is not None else line
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
            assert response.status == 200
            assert b'id="expr"' in response.read()
    finally:
        proc.terminate()
        proc.wait(30)


def test_serve_on_a_busy_port_is_a_user_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        start = time.monotonic()
        r = matdiff("serve", "--port", str(port))
    assert r.returncode == 2
    assert r.stderr.startswith(f"matdiff: cannot listen on 127.0.0.1:{port}")
    assert time.monotonic() - start < 30
