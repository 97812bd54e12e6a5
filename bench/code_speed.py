"""The generated-code benchmark: matdiff's compiled derivatives against JAX, PyTorch and NumPy.

``bench/.venv/bin/python bench/code_speed.py [--quick] [--write] [--budget S]``
(``make bench-code``).  One process, one thread for every library, float64.  For each case of
``code_cases.py`` the tools run interleaved (one call each, in a rotating order, round after
round, until the time budget is spent; at least five rounds) and the page reports medians:

  function    matdiff's compiled expression itself (the cost the gradient is compared with)
  matdiff     ``md.derivative(...).compile()`` on NumPy arrays
  md+value    ``compile(with_value=True)``: value and derivative together
  md in jit   the same compiled function under ``jax.jit`` on JAX arrays
  jax         ``jax.jit(jax.grad(f))`` (``jax.jit(jax.hessian(f))`` for a Hessian), the other
              arrays passed as arguments
  torch       ``torch.func.grad(f)`` (``torch.func.hessian(f)``)
  NumPy       the derivative written by hand (``code_cases.py``)

JIT compilation and matdiff's planning happen in an untimed first call.  Every tool's result
is compared with the hand-written one.  Peak memory is traced (``tracemalloc``, which NumPy
reports to) for the NumPy-based tools, one untimed call each.  ``--write`` puts the section
into ``docs/benchmarks.md`` between its markers, leaving the derivation benchmark as it is.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"
os.environ["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"

import argparse  # noqa: E402
import datetime  # noqa: E402
import gc  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from code_cases import CASES, K, chain_text  # noqa: E402
from page import write_section  # noqa: E402

__all__ = ["main"]

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "benchmarks.md"
SECTION = "generated-code"
SLOW_S = 20.0
"""A tool whose first call takes longer is timed once, not every round (marked ¹)."""
TOOLS = ("function", "matdiff", "md+value", "md in jit", "jax", "torch", "NumPy")


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _tools(case, arrays):
    """Each tool as a zero-argument callable, and the matdiff sources for the page."""
    import jax
    import jax.numpy as jnp
    import torch

    import matdiff as md

    d = md.derivative(case.text, wrt=case.wrt, vars=case.shapes, order=case.order)
    expression = md.parse(case.text, vars=case.shapes).compile()
    grad, both = d.compile(), d.compile(with_value=True)
    jarrays = {k: jnp.asarray(v) for k, v in arrays.items()}
    tarrays = {k: torch.from_numpy(v) for k, v in arrays.items()}
    in_jit = jax.jit(lambda **kw: grad(**kw))
    def jf(v, **others):  # the other arrays are arguments, not constants XLA would fold
        return case.jax_f(jnp, {**others, case.wrt: v})(v)

    jd = jax.jit(jax.grad(jf) if case.order == 1 else jax.hessian(jf))
    jothers = {k: v for k, v in jarrays.items() if k != case.wrt}
    tf = case.torch_f(torch, tarrays)
    td = torch.func.grad(tf) if case.order == 1 else torch.func.hessian(tf)
    x, jx, tx = arrays[case.wrt], jarrays[case.wrt], tarrays[case.wrt]
    tools = {
        "function": lambda: expression(**arrays),
        "matdiff": lambda: grad(**arrays),
        "md+value": lambda: both(**arrays)[1],
        "md in jit": lambda: in_jit(**jarrays).block_until_ready(),
        "jax": lambda: jd(jx, **jothers).block_until_ready(),
        "torch": lambda: td(tx),
        "NumPy": lambda: case.hand(np, arrays),
    }
    return tools, d, x


def _time(fn) -> float:
    gc.disable()
    try:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start
    finally:
        gc.enable()


def _peak(fn) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _error(got, want) -> float:
    got = np.asarray(got, dtype=float).reshape(np.shape(want))
    return float(np.max(np.abs(got - want)) / max(1e-300, np.max(np.abs(want))))


def measure(case, sizes: dict, budget: float, rounds_min: int) -> dict:
    rng = np.random.default_rng(sorted(c.key for c in CASES).index(case.key))
    arrays = case.arrays(sizes, rng)
    tools, d, x = _tools(case, arrays)
    want = case.hand(np, arrays)
    errors, slow = {}, set()
    for name, fn in tools.items():  # warm-up: compilation, planning, lazy imports
        started = time.perf_counter()
        out = fn()
        first = time.perf_counter() - started
        _say(f"  first call of {name}: {fmt(first)}")
        if first > SLOW_S:
            slow.add(name)
        if name != "function":
            errors[name] = _error(out, want)
    times: dict[str, list[float]] = {name: [] for name in tools}
    names = list(tools)
    start, rounds = time.perf_counter(), 0
    while rounds < rounds_min or time.perf_counter() - start < budget:
        order = names[rounds % len(names):] + names[:rounds % len(names)]
        for name in order:
            if name not in slow or not times[name]:
                times[name].append(_time(tools[name]))
        rounds += 1
    peaks = {name: _peak(tools[name]) for name in ("function", "matdiff", "md+value", "NumPy")}
    source = d.compile().__doc__
    return {"case": case, "sizes": sizes, "median": {k: statistics.median(v)
                                                     for k, v in times.items()},
            "spread": {k: (min(v), max(v)) for k, v in times.items()},
            "rounds": rounds, "errors": errors, "slow": slow, "peaks": peaks, "output": want.nbytes,
            "matmuls": _planned_source(d, arrays).count(" @ "), "source": source}


def _planned_source(d, arrays) -> str:
    """The source matdiff runs for these arrays (planned for their sizes)."""
    from matdiff.codegen import generate
    from matdiff.codegen.compile import bind_sizes

    sizes = bind_sizes(d.variables_nodes, arrays)
    return generate(d.node, d.variables_nodes, sizes=sizes).source


def chain_products(ks=(5, 10, 20, 30, 40)) -> list[tuple[int, int]]:
    """Matrix products in the planned gradient of the trace chain, by K."""
    import matdiff as md

    out = []
    for k in ks:
        shapes = {"X": ("n", "n"), **{f"A{i}": ("n", "n") for i in range(1, k + 1)}}
        try:
            d = md.derivative(chain_text(k), wrt="X", vars=shapes)
        except md.MatdiffError as e:  # past the engine's work budget
            _say(f"  K = {k}: {type(e).__name__}")
            continue
        out.append((k, d.code("numpy").count(" @ ")))
    return out


def fmt(t: float) -> str:
    if t >= 1:
        return f"{t:.2f} s"
    if t >= 1e-3:
        return f"{t * 1e3:.3g} ms"
    return f"{t * 1e6:.3g} µs"


def _mib(b: int) -> str:
    return f"{b / 2 ** 20:.1f} MiB"


def _why(r: dict, tool: str, bound: float) -> str:
    """The measured reason a time target is missed: within the spread of the rounds, or not."""
    low, high = r["spread"]["matdiff"]
    other_low, other_high = r["spread"][tool]
    if low <= bound * other_high:
        return (f"; within the spread of the rounds (matdiff {fmt(low)}–{fmt(high)}, {tool} "
                f"{fmt(other_low)}–{fmt(other_high)})")
    return f"; slower in every round (matdiff ≥ {fmt(low)}, {tool} ≤ {fmt(other_high)})"


def targets(r: dict) -> list[tuple[str, bool, str]]:
    m = r["median"]
    best_tool = "jax" if m["jax"] < m["NumPy"] else "NumPy"
    best = m[best_tool]
    ok = m["matdiff"] <= 1.2 * best
    rows = [("≤ 1.2× the faster of JAX and NumPy", ok,
             f"×{m['matdiff'] / best:.2f}" + ("" if ok else _why(r, best_tool, 1.2)))]
    if r["case"].order == 1:
        ok = m["matdiff"] <= 3 * m["function"]
        rows.append(("≤ 3× the function", ok, f"×{m['matdiff'] / m['function']:.2f}"
                     + ("" if ok else _why(r, "function", 3))))
    limit = r["peaks"]["NumPy"] + r["output"]
    ok = r["peaks"]["matdiff"] <= limit
    excess = r["peaks"]["matdiff"] - limit
    why = "" if ok else (f"; {excess / 1024:.0f} KiB more, {excess / r['output']:.1f}× the "
                         "output's size in intermediates alive at the peak")
    rows.append(("peak memory ≤ NumPy's + output", ok,
                 f"{_mib(r['peaks']['matdiff'])} vs {_mib(limit)}{why}"))
    return rows


def section(results: list[dict], chain: list, info: dict) -> str:
    lines = ["## Generated code: evaluation speed", "",
             "Generated by `make bench-code` (`bench/code_speed.py`); do not edit by hand. "
             "One process, one thread for NumPy, XLA and PyTorch, float64; the tools run "
             "interleaved, one call each in a rotating order, round after round; medians. "
             "JIT compilation and matdiff's planning for the sizes are in an untimed first call.",
             "", f"- {info['date']}; {info['command']}; load average at the start "
             f"{info['load_start']}, at the end {info['load_end']}",
             f"- {info['versions']}", "",
             "| case | function | matdiff | md+value | md in jit | jax | torch | NumPy "
             "| matdiff / best of jax, NumPy | matdiff / function | max rel. error |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        m = r["median"]
        best = min(m["jax"], m["NumPy"])
        ratio_f = f"×{m['matdiff'] / m['function']:.2f}" if r["case"].order == 1 else "—"
        err = max(r["errors"].values())
        lines.append(f"| {r['case'].title} | " + " | ".join(
            fmt(m[t]) + ("¹" if t in r["slow"] else "") for t in TOOLS)
                     + f" | ×{m['matdiff'] / best:.2f} | {ratio_f} | {err:.1e} |")
    lines += ["", f"¹ timed once: its first call took over {SLOW_S:.0f} s.", "",
              "Peak memory (traced allocations of one call; the inputs excluded):", "",
              "| case | function | matdiff | md+value | NumPy | output |",
              "|---|---|---|---|---|---|"]
    for r in results:
        p = r["peaks"]
        lines.append(f"| {r['case'].title} | {_mib(p['function'])} | {_mib(p['matdiff'])} | "
                     f"{_mib(p['md+value'])} | {_mib(p['NumPy'])} | {_mib(r['output'])} |")
    lines += ["", "Matrix products (`@`) in the planned gradient of tr(X·A1·…·X·AK): "
              + ", ".join(f"K = {k}: {n}" for k, n in chain)
              + f" (before planning: 760 at K = 20; the hand-written prefix/suffix version "
              f"uses {5 * K - 4}).", "", "### Targets (issue 15)", "",
              "| case | target | met | measured |", "|---|---|---|---|"]
    for r in results:
        for name, ok, measured in targets(r):
            lines.append(f"| {r['case'].title} | {name} | {'yes' if ok else 'no'} | "
                         f"{measured} |")
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="small sizes, a smoke run")
    p.add_argument("--write", action="store_true", help=f"write the section into {PAGE.name}")
    p.add_argument("--budget", type=float, default=None, help="seconds of rounds per case")
    p.add_argument("--only", default=None, help="comma-separated case keys")
    p.add_argument("--rounds", type=int, default=None, help="at least this many rounds (5)")
    a = p.parse_args()
    import jax
    import torch

    jax.config.update("jax_enable_x64", True)
    torch.set_num_threads(1)
    budget = a.budget if a.budget is not None else (1.0 if a.quick else 10.0)
    info = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "load_start": "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg()),
            "command": "`" + " ".join(["bench/code_speed.py", *sys.argv[1:]]) + "`",
            "versions": f"jax {jax.__version__}, torch {torch.__version__}, "
                        f"numpy {np.__version__}, Python {sys.version.split()[0]}"}
    chain = chain_products()
    results = []
    for case in CASES:
        if a.only and case.key not in a.only.split(","):
            continue
        _say(f"{case.key} …")
        rounds = a.rounds if a.rounds is not None else (3 if a.quick else 5)
        r = measure(case, case.quick if a.quick else case.full, budget, rounds)
        _say("  " + ", ".join(f"{k} {fmt(v)}" for k, v in r["median"].items())
             + f"; errors {max(r['errors'].values()):.1e}")
        results.append(r)
    info["load_end"] = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    text = section(results, chain, info)
    if a.write:
        write_section(PAGE, SECTION, text)
        _say(f"wrote the {SECTION} section of {PAGE}")
    else:
        print(text)


if __name__ == "__main__":
    main()
