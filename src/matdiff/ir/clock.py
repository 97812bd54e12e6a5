"""The time bound of a computation: a deadline in CPU seconds of the thread doing it.

The size estimate of :mod:`matdiff.calculus.budget` refuses most work too large to do before
it starts, but the time a simplification takes depends on more than the size (a product of
80 factors with inverses and transposes costs more than one without).  So a derivation also
runs under a deadline: :func:`time_limit` sets it around the work, and the long loops (the
rewrite engine, the index forms) call :func:`spend` as they go, which raises a
:class:`~matdiff.errors.LimitError` naming the limit once the thread has used the seconds
allowed.  The clock is the thread's own CPU time, so a loaded machine or other requests
served at once do not count against a computation, and a deadline set in one thread is not
seen by another (a context variable).  Full collections of Python's garbage collector do not
count either (in a large process one is the process's cost, not the input's): a callback of
:mod:`gc` adds up their time.  Outside :func:`time_limit` :func:`spend` does
nothing.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from contextvars import ContextVar
from time import thread_time

from ..errors import LimitError

__all__ = ["time_limit", "spend"]

_DEADLINE: ContextVar[tuple[float, float] | None] = ContextVar("deadline", default=None)
"""The time (:func:`_work_time`) at which the running computation is out of time, and its
seconds."""

_EVERY = 32
"""How many calls of :func:`spend` read the clock once (reading it is a system call)."""

_calls = 0
_collecting = 0.0
"""The thread time at which the running collection started."""
_collected = 0.0
"""The thread time spent in full collections so far (any thread)."""


def _on_collection(phase: str, info: dict) -> None:
    """Times the full collections (the young ones are short and frequent)."""
    global _collecting, _collected
    if info["generation"] < 2:
        return
    if phase == "start":
        _collecting = thread_time()
    else:
        _collected += max(0.0, thread_time() - _collecting)


gc.callbacks.append(_on_collection)


def _work_time() -> float:
    """This thread's CPU time less the collector's pauses."""
    return thread_time() - _collected


@contextmanager
def time_limit(seconds: float):
    """Run the block with ``seconds`` of this thread's CPU time (an enclosing, earlier
    deadline stays in force)."""
    outer = _DEADLINE.get()
    deadline = _work_time() + seconds
    if outer is not None and outer[0] <= deadline:
        yield
        return
    token = _DEADLINE.set((deadline, seconds))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def spend() -> None:
    """A step of work: past the deadline, a :class:`LimitError` (the clock is read every
    :data:`_EVERY` calls)."""
    global _calls
    _calls += 1
    if _calls % _EVERY:
        return
    bound = _DEADLINE.get()
    if bound is not None and _work_time() > bound[0]:
        raise LimitError(f"the derivation needs more than {bound[1]:g} s of work, the limit "
                         "(simplify the expression, or differentiate a smaller part of it)")
