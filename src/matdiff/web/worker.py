"""Derivations in worker processes, each request under a work-time budget.

The web server never runs the engine in its own process.  A :class:`WorkerPool` keeps a few
worker processes (forked from a forkserver that has imported matdiff and NumPy and, through
:mod:`.preload`, warmed the engine once, so a new one is ready in milliseconds); a request
takes an idle worker, sends it the task over a pipe and waits for the reply at most
``budget`` seconds.  A worker that overruns is killed and replaced
in the background, so one pathological input costs its own request and nothing else.

Two lanes keep cheap requests from waiting behind expensive ones: a request gets a short
``quick`` time on a worker of the pool; one still running then leaves the pool with its
worker, which a fresh worker replaces at once, and finishes in the long lane at a lower
processor priority (at most ``long_slots`` at a time; past that it is refused as ``busy``).
Workers are recycled after ``max_requests`` answers or ``max_growth`` bytes of memory
growth, so nothing a derivation leaves behind accumulates.

Invariants:
- a worker is back in the idle queue only after its reply was read in full, so replies never
  cross requests;
- a worker whose request was timed out, cancelled or lost (the process died), or that went
  to the long lane, is killed after it, never reused;
- the budget counts only the work: a worker announces itself ready (with its resident
  memory, the base of its growth) after importing the engine and one warm-up derivation.

Inside a worker the task runs on a thread with a large stack and a high recursion limit, so
deep nesting fails (if at all) as a clean ``RecursionError`` reported as a ``limit`` error;
the address space is capped so that runaway memory is a ``MemoryError``, not a dead machine.
Replies are ``(status, body, resident bytes)`` with the JSON bodies of
:mod:`matdiff.presentation` and :mod:`.results`; a numerical check that fails leaves the
derivative standing, with ``check_error`` saying why.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing as mp
import os
import signal
import sys
import threading
from typing import Any

__all__ = ["WorkerPool", "compute"]

_STACK_BYTES = 256 << 20
_RECURSION_LIMIT = 20_000
_READY_TIMEOUT = 60.0
_LONG_NICENESS = 10
_log = logging.getLogger("matdiff.web")


def _error(kind: str, message: str, position: int | None = None) -> dict:
    return {"error": {"kind": kind, "message": message, "position": position, "marks": [],
                      "detail": message}}


def compute(task: str, payload: dict[str, Any]) -> tuple[int, dict]:
    """Run one task (``"parse"``, ``"derivative"`` or ``"verify"``) and return ``(status, JSON
    body)``."""
    import matdiff as md

    from ..presentation import derivative_json, error_json, verification_json
    from .results import expression_json, variables_json

    try:
        expr, vars = payload["expr"], payload.get("vars")
        if task == "parse":
            return 200, expression_json(md.parse(expr, vars))
        if task == "verify":
            return 200, verification_json(md.verify(
                expr, wrt=payload.get("wrt"), claim=payload.get("claim"), vars=vars,
                layout=payload.get("layout", "numerator"),
                symmetric_gradient=payload.get("symmetric_gradient", "projected")))
        d = md.derivative(expr, wrt=payload.get("wrt"), vars=vars, order=payload.get("order", 1),
                          layout=payload.get("layout", "numerator"),
                          symmetric_gradient=payload.get("symmetric_gradient", "projected"))
        try:
            check, check_error = md.check(d), None
        except md.MatdiffError as e:
            check, check_error = None, e.message
        except Exception as e:  # a failing check (an engine bug) leaves the derivative valid
            check, check_error = None, f"the numerical check failed ({type(e).__name__})"
        body = derivative_json(d, code="numpy", check=check)
        body["variables"] = variables_json(d.variables)
        if check_error:
            body["check_error"] = check_error
        return 200, body
    except md.MatdiffError as e:
        return 400, {"error": error_json(e)}
    except RecursionError:
        return 400, _error("limit", "the expression is nested too deeply")
    except MemoryError:
        return 400, _error("limit", "the derivation needs more memory than a request may use")
    except Exception as e:  # an engine bug: the request fails, the worker goes on
        return 500, _error("internal", f"internal error: {type(e).__name__}: {e}"[:500])


def _resident_bytes() -> int:
    """This process's resident memory in bytes (0 where the platform does not say)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _serve_tasks(conn) -> None:
    compute("derivative", {"expr": "tr(A*B)", "wrt": "A"})
    conn.send(("ready", _resident_bytes()))
    while True:
        try:
            task, payload = conn.recv()
        except (EOFError, OSError):
            return
        status, body = compute(task, payload)
        conn.send((status, body, _resident_bytes()))


def _worker_main(conn, memory_limit: int | None) -> None:
    """Entry point of a worker process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_limit:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    sys.setrecursionlimit(_RECURSION_LIMIT)
    threading.stack_size(_STACK_BYTES)
    runner = threading.Thread(target=_serve_tasks, args=(conn,), name="matdiff-worker")
    runner.start()
    runner.join()


def _context():
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["matdiff", "numpy", "matdiff.web.preload"])
        return ctx
    return mp.get_context("spawn")


class _Worker:
    """One worker process, the parent's end of its pipe, and what it has served so far."""

    def __init__(self, ctx, memory_limit: int | None):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, memory_limit),
                                   daemon=True, name="matdiff-worker")
        self.process.start()
        child.close()
        self.served = 0
        self.baseline = 0  # resident bytes once ready

    async def receive(self, timeout: float):
        """The next message, waiting at most ``timeout`` s (TimeoutError; EOFError if dead)."""
        loop = asyncio.get_running_loop()
        readable = loop.create_future()
        fd = self.conn.fileno()
        loop.add_reader(fd, lambda: readable.done() or readable.set_result(None))
        try:
            await asyncio.wait_for(readable, timeout)
        finally:
            loop.remove_reader(fd)
        return self.conn.recv()

    def lower_priority(self) -> None:
        """Let the quick lane's workers have the processor first (where the OS allows)."""
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, self.process.pid, _LONG_NICENESS)

    def kill(self) -> None:
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)


class WorkerPool:
    """``size`` worker processes for quick requests, room for ``long_slots`` long ones.

    :meth:`run` gives a request an idle worker and ``quick`` seconds.  A request still running
    then moves to the long lane: its worker leaves the pool (a fresh one takes its place at
    once, so the quick lane keeps its size), runs at a lower priority until the full ``budget``,
    and is retired after answering.  When ``long_slots`` requests are already long, the new
    one is stopped with a 429 ``busy`` answer.  ``quick=None`` gives every request the whole
    budget in place.  A worker is recycled (retired and replaced) after ``max_requests``
    answers or once its resident memory has grown ``max_growth`` bytes past its start.
    """

    def __init__(self, size: int = 2, budget: float = 5.0, memory_limit: int | None = 2 << 30,
                 queue_wait: float | None = None, quick: float | None = None,
                 long_slots: int = 1, max_requests: int = 1000,
                 max_growth: int = 256 << 20):
        self.size = max(1, size)
        self.budget = budget
        self.memory_limit = memory_limit
        self.queue_wait = queue_wait
        self.quick = quick
        self.long_slots = long_slots
        self.max_requests = max_requests
        self.max_growth = max_growth
        self._ctx = _context()
        self._idle: asyncio.Queue[_Worker] | None = None
        self._workers: set[_Worker] = set()
        self._long: set[_Worker] = set()
        self._pending: set[asyncio.Task] = set()
        self._closed = False

    async def start(self) -> None:
        """Start the workers and wait until each is ready (RuntimeError if none starts)."""
        self._idle = asyncio.Queue()
        self._closed = False
        started = await asyncio.gather(*(self._add_worker() for _ in range(self.size)))
        if not any(started):
            raise RuntimeError("no matdiff worker process could start")

    async def stop(self) -> None:
        """Stop every worker (the pool cannot be used afterwards)."""
        self._closed = True
        for task in list(self._pending):
            task.cancel()
        workers, self._workers = list(self._workers | self._long), set()
        self._long = set()
        await asyncio.gather(*(asyncio.to_thread(w.kill) for w in workers))

    async def _add_worker(self) -> bool:
        """Start one worker and queue it once ready; False (and logged) when it fails."""
        worker = await asyncio.to_thread(_Worker, self._ctx, self.memory_limit)
        if self._closed:
            await asyncio.to_thread(worker.kill)
            return False
        self._workers.add(worker)
        try:
            _, worker.baseline = await worker.receive(_READY_TIMEOUT)
        except (TimeoutError, EOFError, OSError):
            self._retire(worker, replace=False)
            if not self._closed:
                _log.warning("a matdiff worker process failed to start")
            return False
        self._idle.put_nowait(worker)
        return True

    def _background(self, coroutine) -> None:
        task = asyncio.create_task(coroutine)
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    def _retire(self, worker: _Worker, replace: bool = True) -> None:
        """Kill ``worker`` (once: a worker already retired is left alone) and, with
        ``replace``, start another in its place."""
        if worker not in self._workers and worker not in self._long:
            return
        self._workers.discard(worker)
        self._long.discard(worker)
        self._background(asyncio.to_thread(worker.kill))
        if replace:
            self._background(self._add_worker())

    async def _take(self) -> _Worker:
        """An idle worker that is alive; one that died while idle is replaced on the way."""
        while True:
            worker = await self._idle.get()
            if worker.process.is_alive():
                return worker
            self._retire(worker)

    def _release(self, worker: _Worker, resident: int) -> None:
        """Back to the idle queue after an answer, or recycled when it has served enough."""
        worker.served += 1
        worn = worker.baseline > 0 and resident - worker.baseline > self.max_growth
        if worker.served >= self.max_requests or worn:
            self._retire(worker)
        else:
            self._idle.put_nowait(worker)

    async def run(self, task: str, payload: dict[str, Any]) -> tuple[int, dict]:
        """``(status, body)`` for one task, or a timeout / busy / internal error body."""
        wait = self.queue_wait if self.queue_wait is not None else 2 * self.budget + 5
        try:
            worker = await asyncio.wait_for(self._take(), wait)
        except TimeoutError:
            return 503, _error("busy", "the server is busy: try again in a moment")
        quick = self.budget if self.quick is None else min(self.quick, self.budget)
        try:
            worker.conn.send((task, payload))
            try:
                status, body, resident = await worker.receive(quick)
            except TimeoutError:
                if quick >= self.budget:
                    raise
                if len(self._long) >= self.long_slots:
                    self._retire(worker)
                    return 429, _error("busy", "the server is busy with long derivations: "
                                               "try again in a moment")
                return await self._finish_long(worker, self.budget - quick)
        except TimeoutError:
            self._retire(worker)
            return 400, _timeout(self.budget)
        except (EOFError, OSError):
            self._retire(worker)
            return 500, _error("internal", "the worker computing this request stopped")
        except BaseException:
            self._retire(worker)
            raise
        self._release(worker, resident)
        return status, body

    async def _finish_long(self, worker: _Worker, remaining: float) -> tuple[int, dict]:
        """The rest of a long request, on ``worker`` out of the quick lane (then retired)."""
        self._workers.discard(worker)
        self._long.add(worker)
        self._background(self._add_worker())
        worker.lower_priority()
        try:
            status, body, _ = await worker.receive(remaining)
        except TimeoutError:
            return 400, _timeout(self.budget)
        except (EOFError, OSError):
            return 500, _error("internal", "the worker computing this request stopped")
        finally:
            self._retire(worker, replace=False)
        return status, body


def _timeout(budget: float) -> dict:
    return _error("timeout", f"the derivation took longer than its budget of {budget:g} s and "
                             "was stopped")
