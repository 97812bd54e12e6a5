"""``matdiff --version``, errors as JSON with ``--json``, and hostile input (SPEC §6, issues 16
and 17): every user error exits with status 2 and a message, never a traceback; with
``--json`` the error is the web API's error object on standard output, usage errors included.
"""

import importlib.metadata
import json
import subprocess
import sys

import pytest

from matdiff.cli import main

ERROR_KEYS = {"kind", "message", "position", "marks", "detail"}


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def json_error(capsys, *argv, kind=None):
    status, out, err = run(capsys, *argv, "--json")
    assert status == 2, (out, err)
    assert err == ""
    error = json.loads(out)["error"]
    assert set(error) == ERROR_KEYS
    assert kind is None or error["kind"] == kind, error
    assert error["message"] and "Traceback" not in out
    return error


def test_version_is_the_installed_one():
    version = importlib.metadata.version("matdiff")
    for argv in (["--version"], ["verify", "--version"]):
        r = subprocess.run([sys.executable, "-m", "matdiff", *argv], capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == 0 and r.stdout == f"matdiff {version}\n", r.stderr


def test_engine_errors_as_json_with_their_place(capsys):
    error = json_error(capsys, "A*(B", "--wrt", "A", kind="parse")
    assert error["position"] == 2 and error["marks"] == [[2, 3]]  # the '(' never closed
    assert error["detail"].splitlines()[1:] == ["  A*(B", "    ^"]
    error = json_error(capsys, "D*W", "--wrt", "W", "--var", "D=3,4", "--var", "W=5,6",
                       kind="shape")
    assert isinstance(error["position"], int) and "D*W" in error["detail"]
    error = json_error(capsys, "verify", "x'*A*x", "--wrt", "x", "--claim", "2*A*", kind="parse")
    assert error["position"] == 4


@pytest.mark.parametrize("argv", [
    ["x", "--order", "two"],
    ["--wrt", "x"],
    ["x", "--layout", "sideways"],
    ["x", "--var", "x"],
    ["x", "--wrt", "z"],
    ["verify", "--claim", "x"],
    ["verify", "x", "--layout", "up"],
])
def test_usage_errors_as_json(capsys, argv):
    json_error(capsys, *argv, kind="argument")


def test_usage_errors_without_json_stay_argparse_messages(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["x", "--order", "two"])
    assert exit_.value.code == 2
    assert "invalid int value: 'two'" in capsys.readouterr().err


@pytest.mark.parametrize("argv, kind", [
    (["A*x", "--wrt", "x", "--var", "A=\u00b2,n"], "argument"),
    (["A*x", "--wrt", "x", "--var", "A=" + "1" * 5000 + ",n"], "argument"),
    (["A*x", "--wrt", "x", "--var", "A=\u0663,n"], "argument"),
    (["x\udcff", "--wrt", "x"], "parse"),  # what Python makes of a byte that is not UTF-8
    (["(" * 3000 + "x" + ")" * 3000], None),
    (["X'./0", "--wrt", "X"], None),
    (["1e309*x", "--wrt", "x"], None),
])
def test_hostile_input_is_a_user_error(capsys, argv, kind):
    status, out, err = run(capsys, *argv)
    assert status == 2, err
    assert out == "" and err.startswith("matdiff: ") and "Traceback" not in err
    error = json_error(capsys, *argv, kind=kind)
    assert error["kind"] != "internal"


def test_internal_errors_as_json(capsys, monkeypatch):
    import matdiff as md

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(md, "derivative", broken)
    status, out, err = run(capsys, "tr(A)", "--json")
    assert status == 1 and err == ""
    error = json.loads(out)["error"]
    assert error["kind"] == "internal" and "boom" in error["message"]
    status, out, err = run(capsys, "tr(A)")
    assert status == 1 and out == "" and err.startswith("matdiff: internal error: RuntimeError")
