"""Matrix functions on the command line: the answer, its check, and no traceback."""

import re
import subprocess
import sys


def matdiff(*args):
    return subprocess.run([sys.executable, "-m", "matdiff", *args], capture_output=True,
                          text=True, timeout=120)


def test_the_gradient_of_a_trajectory_by_its_generator():
    r = matdiff("norm2(expm(t*A)*x - y)^2", "--wrt", "A", "--var", "t=scalar", "--check")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "2*t*L_expm(t*A', (expm(t*A)*x - y)*x')"
    error = float(re.search(r"max relative error (\S+)", r.stdout).group(1))
    assert error < 1e-6


def test_tr_logm_and_logdet_agree():
    first = matdiff("tr(logm(S))", "--wrt", "S", "--var", "S=spd")
    second = matdiff("logdet(S)", "--wrt", "S", "--var", "S=spd")
    assert first.returncode == second.returncode == 0
    assert first.stdout.splitlines()[0] == second.stdout.splitlines()[0] == "inv(S)"


def test_a_vector_in_a_matrix_function_is_a_shape_error_with_a_caret():
    r = matdiff("expm(x)", "--var", "x=n")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "square matrix" in r.stderr and "^" in r.stderr
