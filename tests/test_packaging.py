"""matdiff as a user installs it: a built wheel in a fresh virtual environment, offline.

The wheel is built from a copy of the source (the working tree stays clean) with this
environment's setuptools (``--no-build-isolation``), installed with ``--no-deps --no-index`` into
a new environment that sees this one's packages (numpy, lark …) through a ``.pth`` line, and
then used: the console script derives, and ``import matdiff`` comes from the new environment.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*args, **kw):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=300,
                          **kw)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    out = tmp_path_factory.mktemp("wheels")
    built = _run(sys.executable, "-m", "pip", "wheel", source, "--no-deps",
                 "--no-build-isolation", "--no-index", "-w", out)
    assert built.returncode == 0, built.stdout + built.stderr
    (path,) = out.glob("matdiff-*.whl")
    return path


@pytest.fixture(scope="module")
def fresh(tmp_path_factory, wheel) -> Path:
    """A new environment with the wheel installed; it borrows this one's dependencies."""
    env = tmp_path_factory.mktemp("fresh")
    venv.EnvBuilder(with_pip=False).create(env)
    python = env / "bin" / "python"
    site = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    borrowed = sysconfig.get_paths()["purelib"]
    (Path(site.stdout.strip()) / "borrowed.pth").write_text(borrowed + "\n")
    installed = _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps",
                     "--no-index", wheel)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return env


def test_the_wheel_carries_the_licence_the_grammars_and_the_web_page(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    metadata = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: MIT" in metadata
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert any(n.startswith("matdiff/") and n.endswith(".lark") for n in names)
    assert "matdiff/web/static/index.html" in names
    assert not any("/tests/" in n or n.startswith("tests/") for n in names)


def test_the_installed_wheel_derives_from_the_command_line(fresh):
    result = _run(fresh / "bin" / "matdiff", "tr(A*B)", "--wrt", "A")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "B'"


def test_the_installed_wheel_is_the_package_python_imports(fresh):
    script = ("import matdiff as md; print(md.__file__); "
              "print(md.derivative('0.5*norm2(D*W - X)^2', wrt='W'))")
    result = _run(fresh / "bin" / "python", "-c", script, cwd=fresh)
    assert result.returncode == 0, result.stderr
    where, answer = result.stdout.splitlines()
    assert Path(where).is_relative_to(fresh)
    assert answer == "D'*(D*W - X)"


def test_make_run_installs_the_app_alone_and_make_test_adds_the_test_extras(tmp_path):
    venv = tmp_path / "venv"
    make = ("make", "--dry-run", "-C", ROOT, f"VENV={venv}", f"CHROMIUM={sys.executable}")
    run = _run(*make, "run")
    assert run.returncode == 0, run.stderr
    assert "pip install --quiet -e .\n" in run.stdout
    assert "[test]" not in run.stdout
    # the environment `make run` leaves: its python and the app's stamp, newer than pyproject
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").touch()
    (venv / ".installed").touch()
    test = _run(*make, "test")
    assert test.returncode == 0, test.stderr
    assert 'pip install --quiet -e ".[test]"' in test.stdout
    assert "pip install --quiet -e .\n" not in test.stdout
    assert "pytest" in test.stdout
