"""The benchmark's page: markdown tables and the verdict on each target, from measurements.

Everything here is formatting and arithmetic on what ``run.py`` measured; nothing is typed
by hand.  Times print as median (interquartile range); a ratio is peer median / matdiff
median, both cold, and only where the peer returned a derivative.
"""

from __future__ import annotations

import math

import numpy as np

from problems import FAMILIES, FAMILY_TITLES, SEED_TITLES, SEEDS, job, numeric_dims
from timing import Measurement, Summary

__all__ = ["fmt", "cell", "seed_tables", "results_table", "scaling_tables", "numeric_table",
           "slope", "targets", "PEERS", "NAMES"]

PEERS = ("sympy", "tensorgrad")
NAMES = {"matdiff": "matdiff", "sympy": "SymPy", "tensorgrad": "tensorgrad",
         "matdiff-jax": "matdiff code under jax.jit", "jax": "JAX", "torch": "PyTorch"}
SEED_MEDIAN_S = 2e-3
SPEEDUP = 10.0
CHAIN_S = 0.3
LINEAR_SLOPE = 1.2


def fmt(t: float) -> str:
    """A time in seconds, in the unit that reads best."""
    if t < 1e-3:
        return f"{t * 1e6:.0f} µs" if t >= 1e-5 else f"{t * 1e6:.1f} µs"
    if t < 1.0:
        return f"{t * 1e3:.3g} ms"
    return f"{t:.3g} s"


def _iqr(s: Summary) -> str:
    return f" ({fmt(s.q1)}–{fmt(s.q3)})" if s.count > 1 else " (1 run)"


def cell(m: Measurement | None, iqr: bool = True) -> str:
    """Median (IQR) of a measurement, or what stopped it."""
    if m is None:
        return "—"
    if m.status == "skipped":
        return "not run (timeout at a smaller size)"
    if m.status == "timeout":
        return f"timeout (> {m.extra.get('limit_s', 60):.0f} s)"
    s = m.summary
    if s is None:
        return f"error ({m.error.split(':')[0]})" if m.error else "error"
    text = fmt(s.median) + (_iqr(s) if iqr else "")
    return text if m.status == "ok" else f"{text} [{m.status}]"


def _ratio(peer: Measurement, base: Measurement) -> str:
    if peer.status != "ok" or not peer.times or not base.times:
        return "—"
    return f"×{peer.summary.median / base.summary.median:,.0f}"


def seed_tables(seeds: dict) -> tuple[list[str], list[str]]:
    """The derivation-speed table (cold) and the warm / first-call / printer table."""
    cold = ["| problem | matdiff | SymPy | SymPy / matdiff | tensorgrad | "
            "tensorgrad / matdiff |", "|---|---|---|---|---|---|"]
    more = ["| problem | matdiff warm | matdiff first call in a fresh process | SymPy warm | "
            "tensorgrad warm | matdiff `.index` | matdiff `.latex` |",
            "|---|---|---|---|---|---|---|"]
    for key, r in seeds.items():
        base = r["matdiff"]["cold"]
        peers = [(cell(r[p]["cold"]), _ratio(r[p]["cold"], base)) for p in PEERS]
        cold.append(f"| {SEED_TITLES[key]} | {cell(base)} | " +
                    " | ".join(f"{c} | {q}" for c, q in peers) + " |")
        more.append(f"| {SEED_TITLES[key]} | {cell(r['matdiff']['warm'])} | "
                    f"{cell(r['matdiff']['first'])} | {cell(r['sympy']['warm'])} | "
                    f"{cell(r['tensorgrad']['warm'])} | {cell(r['index'], iqr=False)} | "
                    f"{_printer(r['latex'])} |")
    return cold, more


def _printer(m: Measurement) -> str:
    return "not available" if m.status == "error" and "printer" in m.error else cell(m, False)


def results_table(seeds: dict) -> list[str]:
    """What each tool returned for each seed problem (cut to 70 characters)."""
    rows = ["| problem | input | matdiff | SymPy | tensorgrad |", "|---|---|---|---|---|"]
    for key, r in seeds.items():
        j = SEEDS[key]
        what = f"`{j.text}` by {j.wrt}" + (f", order {j.order}" if j.order > 1 else "")
        outs = [_shown(r[t]["cold"]) for t in ("matdiff", *PEERS)]
        rows.append(f"| {SEED_TITLES[key]} | {what} | " + " | ".join(outs) + " |")
    return rows


def _shown(m: Measurement) -> str:
    if m.status == "error":
        return f"error: {m.error[:70]}".replace("|", "\\|")
    if m.status == "timeout":
        return "timeout"
    text = m.result if len(m.result) <= 70 else m.result[:67] + "…"
    note = "" if m.status == "ok" else f" **[{m.status}]**"
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`" + note


def slope(sizes: list[float], times: list[float]) -> float | None:
    """Least-squares slope of log(time) against log(size)."""
    if len(sizes) < 2:
        return None
    return float(np.polyfit(np.log(sizes), np.log(times), 1)[0])


def _points(runs: dict, tool: str) -> tuple[list[int], list[float]]:
    pairs = [(n, r[tool].summary.median) for n, r in runs.items()
             if tool in r and r[tool].times and r[tool].status == "ok"]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def scaling_tables(scaling: dict) -> list[str]:
    """Time against size for each family, with the fitted log-log slope per tool."""
    lines = []
    for family, runs in scaling.items():
        tools = ("matdiff", *PEERS)
        lines += [f"**{FAMILY_TITLES[family]} {', '.join(map(str, FAMILIES[family][1]))}**", "",
                  "| size | input chars | matdiff | matdiff result chars | SymPy | tensorgrad |",
                  "|---|---|---|---|---|---|"]
        for n, r in runs.items():
            chars = len(job(f"{family}:{n}").text)
            out = r["matdiff"].length or "—"
            lines.append(f"| {n} | {chars:,} | {cell(r['matdiff'])} | {out} | "
                         f"{cell(r.get('sympy'))} | {cell(r.get('tensorgrad'))} |")
        fits = []
        for tool in tools:
            s = slope(*_points(runs, tool))
            fits.append(f"{NAMES[tool]} {s:.2f}" if s is not None else f"{NAMES[tool]} —")
        lines += ["", "log-log slope of time against size: " + "; ".join(fits) + ".", ""]
    return lines


def numeric_table(numeric: dict, agreement: dict) -> list[str]:
    """Evaluation speed of the numeric derivative, per problem and tool."""
    tools = list(numeric)
    head = " | ".join(NAMES[t] for t in tools)
    rows = [f"| problem | sizes | {head} | max relative difference |",
            "|---|---|" + "---|" * len(tools) + "---|"]
    for key in SEEDS:
        dims = numeric_dims(key)
        used = sorted({d for shape in SEEDS[key].shapes.values() for d in shape})
        sizes = ", ".join(f"{d}={dims[d]}" for d in used)
        cells = " | ".join(cell(numeric[t].get(key)) for t in tools)
        diff = agreement.get(key)
        shown = f"{diff:.1e}" if diff is not None and math.isfinite(diff) else "—"
        rows.append(f"| {SEED_TITLES[key]} | {sizes} | {cells} | {shown} |")
    return rows


def targets(seeds: dict, scaling: dict) -> list[tuple[str, bool, str, list[str]]]:
    """Each target of the issue: (statement, met, evidence, the jobs that show a miss)."""
    out = []
    cold = {k: r["matdiff"]["cold"] for k, r in seeds.items()}
    failed = [k for k, m in cold.items() if not m.times]
    worst = max((m.summary.median, k) for k, m in cold.items() if m.times)
    out.append((f"median under {fmt(SEED_MEDIAN_S)} per seed problem (cold)",
                worst[0] < SEED_MEDIAN_S and not failed,
                f"slowest: {SEED_TITLES[worst[1]]} at {fmt(worst[0])}"
                + (f"; failed: {', '.join(failed)}" if failed else ""), [worst[1], *failed]))
    for peer in PEERS:
        ratios = {k: r[peer]["cold"].summary.median / cold[k].summary.median
                  for k, r in seeds.items()
                  if r[peer]["cold"].status == "ok" and r[peer]["cold"].times and cold[k].times}
        lost = len(seeds) - len(ratios)
        low = min(ratios.items(), key=lambda kv: kv[1])
        out.append((f"at least {SPEEDUP:.0f}× faster than {NAMES[peer]} on every seed problem",
                    low[1] >= SPEEDUP,
                    f"smallest ratio ×{low[1]:,.0f} ({SEED_TITLES[low[0]]}); {NAMES[peer]} gave "
                    f"no derivative on {lost} of {len(seeds)}", [low[0]]))
    chain = scaling["chain"][20]["matdiff"]
    out.append((f"tr(X·A1·…·X·A20) by X under {fmt(CHAIN_S)}",
                bool(chain.times) and chain.summary.median < CHAIN_S,
                f"median {cell(chain)}", ["chain:20"]))
    for family in ("sumtr", "sumlsq"):
        runs = scaling[family]
        sizes, times = _points(runs, "matdiff")
        s = slope(sizes, times)
        missing = [n for n in runs if n not in sizes]
        evidence = f"slope {s:.2f} over {', '.join(map(str, sizes))} terms" if s else "no fit"
        if missing:
            why = runs[missing[0]]["matdiff"]
            evidence += f"; no result at {', '.join(map(str, missing))} terms " \
                        f"({why.error or why.status})"
        shown = [f"{family}:{n}" for n in missing[:1] + sizes[-1:]]
        out.append((f"time about linear in size ({FAMILY_TITLES[family].split(' by')[0]}): "
                    f"log-log slope ≤ {LINEAR_SLOPE}",
                    s is not None and s <= LINEAR_SLOPE and not missing, evidence, shown))
    return out
