"""One derivation-speed measurement in a fresh process; JSON lines on stdout (``timing``).

``worker.py --tool {matdiff,sympy,tensorgrad} --job KEY --mode MODE [--unit UNIT]``

Modes:
  cold   one untimed call on another problem (``lsq_W``) loads the tool's lazy parts; then
         every repetition renames the variables (a fresh tag) after the tool's ``reset``, so
         it can reuse nothing of an earlier repetition.
  warm   one untimed call with the job's own names, then the same input again and again.
  first  the first call in the process, right after the imports: one repetition.
Units (matdiff only): ``str`` (the derivation, the default), ``index`` or ``latex`` (that
printer alone, on a derivative made outside the timed region).
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import time

from timing import emit, repeat

__all__ = ["main"]

_REPS = {"cold": (5, 2000), "warm": (5, 2000), "first": (1, 1)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tool", required=True, choices=("matdiff", "sympy", "tensorgrad"))
    p.add_argument("--job", required=True)
    p.add_argument("--mode", default="cold", choices=tuple(_REPS))
    p.add_argument("--unit", default="str", choices=("str", "index", "latex"))
    p.add_argument("--budget", type=float, default=2.0, help="seconds of repetitions")
    p.add_argument("--limit", type=float, default=60.0, help="seconds for one repetition")
    a = p.parse_args()

    t0 = time.perf_counter()
    side = importlib.import_module(f"{a.tool}_side")
    emit(import_s=time.perf_counter() - t0)
    if a.unit != "str" and not (a.tool == "matdiff" and (a.unit == "index" or side.HAS_LATEX)):
        emit(error=f"{a.tool} has no {a.unit} printer here")
        return

    def prepare(tag: str):
        if a.mode == "cold":
            side.reset()
        if a.unit != "str":
            return side.printer(a.job, tag, a.unit)
        return side.setup(a.job, tag)

    min_reps, max_reps = _REPS[a.mode]
    try:
        if a.mode == "cold":
            side.setup("lsq_W", "w")()
            tags = (f"r{i}" for i in itertools.count())
        elif a.mode == "warm":
            prepare("")()
            tags = itertools.repeat("")
        else:
            tags = iter([""])
        first = repeat(prepare, tags, a.budget, min_reps, max_reps, a.limit)
    except Exception as e:  # the tool failed on this problem: that is a result to report
        emit(error=f"{type(e).__name__}: {e}"[:300])
        return
    if first is not None:
        text = side.describe(first)
        emit(result=text[:400], length=len(text), status=side.status(text))


if __name__ == "__main__":
    main()
