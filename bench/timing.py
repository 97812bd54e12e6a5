"""Timing: the repetition loop, the summary statistics, and measurements in child processes.

Each measurement runs in its own process (``worker.py``), so tools never share a heap and a
peer that runs too long is killed: the parent waits ``limit`` seconds for the first timed
repetition (plus the import and the time budget) and then reports a timeout.  A worker
prints one JSON object a line, flushed, so what it measured before a kill is kept.

In the loop, as in ``timeit``, the garbage collector is off while a repetition runs, and an
interval timer stops a repetition that runs past ``limit`` seconds (SymPy and tensorgrad are
pure Python, so the signal lands between bytecodes).
"""

from __future__ import annotations

import gc
import json
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

__all__ = ["repeat", "Summary", "summarise", "Measurement", "measure", "run_lines", "emit"]

HERE = Path(__file__).resolve().parent
IMPORT_SLACK_S = 40.0


def emit(**record) -> None:
    """One JSON line on stdout, flushed (the parent may kill this process at any time)."""
    print(json.dumps(record), flush=True)


class _RepetitionTimeout(BaseException):
    """A repetition ran past its limit (a BaseException, so no tool's handler eats it)."""


def _expire(signum, frame):
    raise _RepetitionTimeout


def repeat(prepare: Callable[[str], Callable[[], object]], tags: Iterable[str],
           budget_s: float, min_reps: int, max_reps: int, limit_s: float) -> object:
    """Time ``prepare(tag)()`` for successive tags, emitting each time, within the budget.

    ``prepare`` (untimed) sets up one repetition and returns the call to time.  A call that
    runs past ``limit_s`` seconds is stopped, reported as ``{"timeout": limit_s}``, and ends
    the loop.  Returns the first repetition's result (None if it did not finish).
    """
    signal.signal(signal.SIGALRM, _expire)
    start = time.perf_counter()
    first = None
    for count, tag in enumerate(tags, 1):
        call = prepare(tag)
        gc.disable()
        signal.setitimer(signal.ITIMER_REAL, limit_s)
        try:
            t0 = time.perf_counter()
            result = call()
            elapsed = time.perf_counter() - t0
        except _RepetitionTimeout:
            emit(timeout=limit_s)
            break
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            gc.enable()
        emit(t=elapsed)
        if count == 1:
            first = result
        spent = time.perf_counter() - start
        if count >= max_reps or (count >= min_reps and spent >= budget_s):
            break
    return first


@dataclass(frozen=True)
class Summary:
    """Median and interquartile range of a sample of times, in seconds."""

    median: float
    q1: float
    q3: float
    count: int


def summarise(times: list[float]) -> Summary | None:
    if not times:
        return None
    if len(times) == 1:
        return Summary(times[0], times[0], times[0], 1)
    q1, med, q3 = statistics.quantiles(times, n=4, method="inclusive")
    return Summary(med, q1, q3, len(times))


@dataclass
class Measurement:
    """What one worker run gave: times, the result's text, and what went wrong if anything."""

    times: list[float] = field(default_factory=list)
    result: str = ""
    length: int = 0
    status: str = "ok"
    error: str = ""
    timed_out: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def summary(self) -> Summary | None:
        return summarise(self.times)


def run_lines(command: list[str], deadline_s: float,
              env: dict[str, str] | None = None) -> tuple[list[dict], bool, str]:
    """Run a worker; its JSON records, whether it was killed at the deadline, its stderr."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=deadline_s,
                              env=env)
        out, err, killed = done.stdout, done.stderr, False
    except subprocess.TimeoutExpired as e:
        out, err, killed = _text(e.stdout), _text(e.stderr), True
    return [r for r in map(_record, out.splitlines()) if r is not None], killed, err


def _record(line: str) -> dict | None:
    """A JSON line, or None for a line cut short by a kill."""
    try:
        return json.loads(line)
    except json.JSONDecodeError:
        return None


def measure(args: list[str], limit_s: float, budget_s: float) -> Measurement:
    """Run ``worker.py ARGS`` and collect its lines; a run far past its time is killed."""
    command = [sys.executable, str(HERE / "worker.py"), *args, "--budget", str(budget_s),
               "--limit", str(limit_s)]
    records, killed, err = run_lines(command, limit_s + budget_s + IMPORT_SLACK_S)
    m = Measurement(extra={"limit_s": limit_s})
    for record in records:
        if "t" in record:
            m.times.append(record["t"])
        elif "result" in record:
            m.result, m.length, m.status = record["result"], record["length"], record["status"]
        elif "timeout" in record:
            m.timed_out = True
        elif "error" in record:
            m.error, m.status = record["error"], "error"
        else:
            m.extra.update(record)
    m.timed_out = m.timed_out or killed
    if not m.times and m.timed_out:
        m.status = "timeout"
    elif not m.times and not m.error:
        m.error, m.status = (err.strip().splitlines() or ["no output"])[-1], "error"
    return m


def _text(data: bytes | str | None) -> str:
    if data is None:
        return ""
    return data.decode(errors="replace") if isinstance(data, bytes) else data
