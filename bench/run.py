"""The derivation-speed benchmark: matdiff against SymPy and tensorgrad, in one run.

``bench/.venv/bin/python bench/run.py [--write]`` (``make bench`` builds that environment and
writes the page).  Every measurement runs in a child process (``worker.py``, ``numeric.py``);
this process gathers the results, profiles matdiff where it misses a target, and renders
``docs/benchmarks.md`` (``--write``) or prints the page.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import gc
import hashlib
import importlib.metadata
import os
import platform
import pstats
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np

import report
from page import write_main
from problems import FAMILIES, SEEDS, scaling_keys
from timing import HERE, Measurement, measure, run_lines

__all__ = ["main"]

ROOT = HERE.parent
PAGE = ROOT / "docs" / "benchmarks.md"
PACKAGES = ("matdiff", "sympy", "tensorgrad", "jax", "jaxlib", "torch", "numpy", "lark")
NUMERIC_TOOLS = ("matdiff", "matdiff-jax", "jax", "torch")
# One thread everywhere: on a small shared machine, thread pools fighting over the cores make
# evaluation times depend on the neighbours more than on the library.
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"}


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    model = next((ln.split(":", 1)[1].strip() for ln in cpuinfo if ln.startswith("model name")),
                 platform.processor() or "unknown")
    kib = next(int(ln.split()[1]) for ln in Path("/proc/meminfo").read_text().splitlines()
               if ln.startswith("MemTotal"))
    versions = {p: importlib.metadata.version(p) for p in PACKAGES}
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": model, "nproc": str(len(os.sched_getaffinity(0))),
        "memory": f"{kib / 2**20:.0f} GiB",
        "os": platform.platform(), "python": platform.python_version(),
        "packages": ", ".join(f"{p} {v}" for p, v in versions.items()),
        "matdiff": engine_state(),
        "load": "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg()),
    }


def engine_state() -> str:
    """matdiff's commit, and a digest of uncommitted changes under src/ if there are any."""
    commit = _git("rev-parse", "--short", "HEAD")
    diff = _git("diff", "HEAD", "--", "src")
    if not diff:
        return f"commit {commit}"
    return f"commit {commit} with uncommitted changes under src/ " \
           f"(diff {hashlib.sha256(diff.encode()).hexdigest()[:8]})"


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip()


def _merge(runs: list[Measurement]) -> Measurement:
    """Several one-repetition runs (fresh processes) as one sample."""
    merged = runs[0]
    for m in runs[1:]:
        merged.times += m.times
    return merged


def seed_results(budget: float, limit: float, first_runs: int) -> dict:
    out = {}
    for key in SEEDS:
        _say(f"seed {key}")
        r = {tool: {mode: measure(["--tool", tool, "--job", key, "--mode", mode], limit, budget)
                    for mode in ("cold", "warm")} for tool in ("matdiff", *report.PEERS)}
        r["matdiff"]["first"] = _merge([
            measure(["--tool", "matdiff", "--job", key, "--mode", "first"], limit, 0)
            for _ in range(first_runs)])
        for unit in ("index", "latex"):
            r[unit] = measure(["--tool", "matdiff", "--job", key, "--unit", unit], limit, budget)
        out[key] = r
    return out


def scaling_results(budget: float, limit: float) -> dict:
    """Each family at each size; a tool that timed out is not run at larger sizes."""
    out = {}
    for family, (_, sizes) in FAMILIES.items():
        stopped: set[str] = set()
        out[family] = {}
        for size, key in zip(sizes, scaling_keys(family)):
            _say(f"scaling {key}")
            row = {}
            for tool in ("matdiff", *report.PEERS):
                if tool in stopped:
                    row[tool] = Measurement(status="skipped")
                    continue
                row[tool] = measure(["--tool", tool, "--job", key, "--mode", "cold"],
                                    limit, budget)
                if row[tool].timed_out and not row[tool].times:
                    stopped.add(tool)
            out[family][size] = row
    return out


def numeric_results(budget: float) -> tuple[dict, dict]:
    """Per tool and problem the evaluation times; per problem the largest disagreement."""
    times: dict[str, dict[str, Measurement]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for tool in NUMERIC_TOOLS:
            _say(f"numeric {tool}")
            command = [sys.executable, str(HERE / "numeric.py"), "--tool", tool, "--out", tmp,
                       "--budget", str(budget)]
            records, _, err = run_lines(command, 600, env={**os.environ, **ONE_THREAD})
            if not records:
                _say(f"numeric {tool} failed: {err.strip()[-300:]}")
            times[tool] = _by_key(records)
        agreement = {key: _disagreement(Path(tmp), key) for key in SEEDS}
    return times, agreement


def _by_key(records: list[dict]) -> dict[str, Measurement]:
    out: dict[str, Measurement] = {}
    for record in records:
        if "key" in record:
            current = out.setdefault(record["key"], Measurement())
        elif "t" in record:
            current.times.append(record["t"])
        elif "error" in record:
            current.error, current.status = record["error"], "error"
    return out


def _disagreement(folder: Path, key: str) -> float | None:
    """Largest relative difference between any tool's result and matdiff's (NumPy)."""
    base_file = folder / f"matdiff-{key}.npy"
    if not base_file.exists():
        return None
    base = np.load(base_file)
    scale = max(float(np.max(np.abs(base))), 1e-300)
    diffs = [float(np.max(np.abs(np.load(f) - base))) / scale
             for f in folder.glob(f"*-{key}.npy") if f != base_file
             and np.load(f).shape == base.shape]
    return max(diffs) if diffs else None


def profile(key: str, seconds: float = 1.0, top: int = 12) -> list[str]:
    """matdiff's hottest functions over cold derivations of ``key``, as markdown tables.

    Repetitions (fresh names, garbage collector off, as when timed) go on for ``seconds``.
    """
    import matdiff_side

    matdiff_side.setup("lsq_W", "w")()
    profiler = cProfile.Profile()
    start, reps = time.perf_counter(), 0
    while reps == 0 or time.perf_counter() - start < seconds:
        call = matdiff_side.setup(key, f"p{reps}")
        gc.disable()
        try:
            profiler.runcall(call)
        except Exception as e:  # the failure is what the page must show
            return _failure(e)
        finally:
            gc.enable()
        reps += 1
    stats = pstats.Stats(profiler).stats
    per_rep = max(v[3] for v in stats.values()) / reps
    own = sorted(stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    ours = [kv for kv in stats.items() if "/matdiff/" in kv[0][0]]
    cumulative = sorted(ours, key=lambda kv: kv[1][3], reverse=True)[:top]
    head = ["| function | calls | own time | with callees |", "|---|---|---|---|"]
    return [f"cProfile over {reps} cold derivations of `{key}` "
            f"({report.fmt(per_rep)} each under the profiler); times per derivation.", "",
            "Top functions by own time:", "", *head, *_rows(own, reps), "",
            "matdiff's functions by time with callees (where the time goes):", "", *head,
            *_rows(cumulative, reps)]


def _rows(items: list, reps: int) -> list[str]:
    return [f"| `{_where(file, line, func)}` | {calls / reps:,.0f} | {report.fmt(own / reps)} "
            f"| {report.fmt(cum / reps)} |"
            for (file, line, func), (_, calls, own, cum, _) in items]


def _where(file: str, line: int, func: str) -> str:
    """A function's place, relative to its package (``matdiff/...``, ``lark/...``)."""
    parts = Path(file).parts
    if "matdiff" in parts:
        parts = parts[len(parts) - 1 - parts[::-1].index("matdiff"):]
    elif "site-packages" in parts:
        parts = parts[parts.index("site-packages") + 1:]
    elif len(parts) > 2:
        parts = parts[-2:]
    return f"{Path(*parts)}:{line} {func}" if parts and line else func


def _failure(e: Exception) -> list[str]:
    """Where a derivation failed: the distinct frames of its traceback from the API down."""
    frames, seen = [], set()
    for f in traceback.extract_tb(e.__traceback__):
        where = _where(f.filename, f.lineno, f.name)
        if where.startswith("matdiff/api.py") or frames:
            if where not in seen:
                seen.add(where)
                frames.append(where)
    return [f"It raised `{type(e).__name__}: {str(e)[:120]}`; the distinct frames from the API "
            "down (a recursion repeats the last ones):", "", "```", *frames[:14], "```"]


def _profiles(verdicts: list) -> list[str]:
    """A profile for each missed target, of the jobs that show the miss."""
    keys = [k for _, met, _, shown in verdicts if not met for k in shown]
    lines = []
    for key in dict.fromkeys(keys):
        _say(f"profile {key}")
        lines += [f"#### `{key}`", "", *profile(key), ""]
    return lines


def _changed(info: dict) -> list[str]:
    """A warning when matdiff's source changed while the benchmark ran."""
    if info["matdiff_end"] == info["matdiff"]:
        return []
    return [f"- **matdiff's source changed during this run** (at the end: {info['matdiff_end']}),"
            " so the tables mix versions; run the benchmark again"]


def _imports(seeds: dict) -> str:
    """Each tool's import time, as its worker measured it."""
    first = next(iter(seeds.values()))
    return ", ".join(f"{report.NAMES[t]} {report.fmt(first[t]['cold'].extra['import_s'])}"
                     for t in ("matdiff", *report.PEERS) if "import_s" in first[t]["cold"].extra)


def page(info: dict, seeds: dict, scaling: dict, numeric: tuple, command: str) -> str:
    cold, more = report.seed_tables(seeds)
    verdicts = report.targets(seeds, scaling)
    lines = [
        "# Benchmarks: speed of derivation", "",
        f"Generated by `{command}` (`bench/run.py`); do not edit by hand. "
        "How it measures, and why: `bench/README.md`.", "",
        "## Machine", "",
        f"- {info['date']}; CPU: {info['cpu']}; `nproc`: {info['nproc']}; "
        f"memory: {info['memory']}; {info['os']}",
        f"- Python {info['python']}; {info['packages']}; matdiff at {info['matdiff']}",
        *_changed(info),
        f"- load average at the start: {info['load']}; at the end: {info['load_end']} "
        "(the machine is shared, so other work can slow any measurement)",
        "- import time (not in any timing below): " + _imports(seeds), "",
        "## Targets", "",
        "| target | met | evidence |", "|---|---|---|",
        *(f"| {s} | {'yes' if met else '**no**'} | {e} |" for s, met, e, _ in verdicts), "",
        "## Seed problems: derivation time, cold", "",
        "The unit timed: matdiff `str(md.derivative(text, wrt=..., vars=..., order=...))` "
        "(parse, shapes, differentiate, simplify, print); SymPy: build the `MatrixSymbol` "
        "expression, `.diff(V).doit()`, `str`; tensorgrad: build the expression, "
        "`.grad(V).full_simplify()` (no printing). *Cold*: every repetition renames the "
        "variables (and clears SymPy's cache), so nothing is reused from an earlier "
        "repetition. Median (interquartile range) over repetitions within "
        f"{info['budget']} s per cell (at least 5).", "",
        *cold, "",
        "## Warm repetitions, first calls, printers", "",
        "*Warm*: the same input again and again in one process. *First call*: one derivation "
        f"in a fresh process right after `import matdiff` ({info['first_runs']} processes). "
        "The printers are timed alone on a ready derivative.", "",
        *more, "",
        "## What each tool returned", "",
        "A bracket marks a result that is not the derivative (`unevaluated`: an unevaluated "
        "`Derivative`; `wrong (0)`: zero, which no answer here is); such cells have no ratio.",
        "", *report.results_table(seeds), "",
        "## Scaling", "",
        f"Cold, one child process per cell; a peer repetition is stopped after "
        f"{info['limit']:.0f} s and the peer is not run at larger sizes.", "",
        *report.scaling_tables(scaling),
        "## Evaluation speed (not derivation speed)", "",
        "A different question: how fast the numeric derivative comes out at given float64 "
        "arrays. JAX (`jax.jit` of `jax.grad`/`jacrev`/`hessian`, compiled in a warm-up) and "
        "PyTorch (`torch.autograd`, forward pass included) differentiate numerically; "
        "matdiff evaluates its derived formula (`d.compile()`) on NumPy arrays, and the same "
        "function under `jax.jit`. Every library runs on one thread (BLAS, XLA, torch). The "
        "last column is the largest difference between any tool's result and matdiff's NumPy "
        "result, relative to the largest entry of the latter.", "",
        *report.numeric_table(*numeric), "",
    ]
    profiles = _profiles(verdicts)
    if profiles:
        lines += ["## Profiles of the missed targets", "", *profiles]
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--write", action="store_true", help=f"write {PAGE.relative_to(ROOT)}")
    p.add_argument("--budget", type=float, default=1.5, help="seconds per measurement")
    p.add_argument("--limit", type=float, default=60.0, help="seconds for one repetition")
    p.add_argument("--first-runs", type=int, default=5, help="fresh processes per problem")
    a = p.parse_args()
    info = machine()
    info.update(budget=a.budget, limit=a.limit, first_runs=a.first_runs)
    seeds = seed_results(a.budget, a.limit, a.first_runs)
    scaling = scaling_results(2 * a.budget, a.limit)
    numeric = numeric_results(a.budget / 2)
    info["load_end"] = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    info["matdiff_end"] = engine_state()
    if info["matdiff_end"] != info["matdiff"]:
        _say("matdiff's source changed during the run: the page mixes versions; run it again")
    options = [arg for arg in sys.argv[1:] if arg != "--write"]
    command = "make bench" if not options else "bench/.venv/bin/python bench/run.py --write " \
        + " ".join(options)
    text = page(info, seeds, scaling, numeric, command)
    if a.write:
        write_main(PAGE, text)  # the generated-code section (code_speed.py) is kept
        _say(f"wrote {PAGE}")
    else:
        print(text)


if __name__ == "__main__":
    main()
