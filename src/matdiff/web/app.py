"""The web app (SPEC §7): one static page and a JSON API, as a Starlette ASGI application.

Routes:
- ``GET /``: the page (``static/index.html``; its script, style and KaTeX under ``/static``).
- ``POST /api/derivative`` ``{"expr", "wrt", "vars", "order", "layout",
  "symmetric_gradient"}`` → ``{"text", "latex", "index", "index_latex", "elementwise", "kron",
  "pretty", "pretty_latex", "shape", "steps", "code", "check", "variables", "layout",
  "symmetric_gradient", "order", "wrt"}`` (``pretty``: the result with repeated
  subexpressions named, ``where s = ...``; ``kron``: the vec/Kronecker form or null;
  ``symmetric_gradient``: ``"projected"`` or ``"cookbook"``, SPEC §4); ``steps`` is a list of
  ``{"rule", "text", "latex"}``.
- ``POST /api/parse`` ``{"expr", "vars"}`` → ``{"variables", "wrt", "latex", "shape"}``.
- ``POST /api/verify`` ``{"expr", "wrt", "vars", "claim", "layout", "symmetric_gradient"}``
  (or an equation or chain in ``expr``) → the verdict of SPEC §8: ``{"verdict", "correct",
  "text", "expected", "diagnosis", "method", "counterexample", "links", "error", ...}``.

``vars`` maps a name to a list of dimensions or a kind string.  Every failure is
``{"error": {"kind", "message", "position", "marks", "detail"}}`` (``detail``: the message
with the input quoted and caret lines), with this status:

- 400 ``parse``, ``shape``, ``unsupported``, ``argument``: the engine's errors (a malformed
  request is an ``argument`` error too);
- 400 ``limit``: past one of the engine's bounds, nested too deeply (the expression or the
  request's JSON), or more memory than a request may use;
- 400 ``timeout``: the work overran its budget (5 s by default); the input is at fault, so a
  retry will not help, and the server goes on;
- 403 / 421 ``argument``: a request from another site's page, or for another host name
  (:mod:`.guard`);
- 408 ``timeout``: the request body did not arrive within ``body_timeout`` seconds;
- 413 ``limit``: a request body over ``max_body`` bytes (10 kB by default);
- 415 ``argument``: a body that is not ``application/json``;
- 429 ``busy``: a long derivation while as many are running as the server allows;
- 503 ``busy``: no worker became free in time; a retry later may help;
- 500 ``internal``: an engine bug; the server goes on.

Answers are ASCII JSON (non-ASCII characters escaped, so no input can make an answer that
is not UTF-8); a non-finite number in an answer is ``null``.  :mod:`.guard` checks the Host
and Origin headers and adds the security headers to every response.

The engine runs only in the worker processes of :mod:`.worker`; nothing from a request is
ever evaluated as code.  ``/api/parse``, which the page sends on every keystroke, has its own
worker, so it never waits behind a derivation; a derivation that outlasts a short first
budget leaves the lane of quick requests for a lane of long ones (:class:`.WorkerPool`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

import matdiff as md

from ..presentation import error_json
from .guard import RequestGuard
from .results import vars_from_json
from .worker import WorkerPool

__all__ = ["create_app", "STATIC_DIR"]

STATIC_DIR = Path(__file__).parent / "static"


class _RequestError(Exception):
    def __init__(self, status: int, kind: str, message: str):
        super().__init__(message)
        self.status, self.kind, self.message = status, kind, message

    def response(self) -> JSONResponse:
        return _JSONResponse({"error": {"kind": self.kind, "message": self.message,
                                        "position": None, "marks": [],
                                        "detail": self.message}}, self.status)


def _finite(obj: Any) -> Any:
    """``obj`` with every non-finite float replaced by None."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj


class _JSONResponse(JSONResponse):
    """ASCII JSON: a lone surrogate from the input is escaped, never an encoding error."""

    def render(self, content: Any) -> bytes:
        try:
            text = json.dumps(content, allow_nan=False, separators=(",", ":"))
        except ValueError:
            text = json.dumps(_finite(content), allow_nan=False, separators=(",", ":"))
        return text.encode("ascii")


async def _read_body(request: Request, limit: int) -> bytes:
    too_large = _RequestError(413, "limit", f"the request is larger than {limit} bytes")
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large
    return bytes(body)


async def _read_json(request: Request, limit: int, timeout: float) -> dict:
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type != "application/json":
        raise _RequestError(415, "argument", "the request body must be JSON, sent with "
                                             "Content-Type: application/json")
    try:
        body = await asyncio.wait_for(_read_body(request, limit), timeout)
    except TimeoutError:
        raise _RequestError(408, "timeout", f"the request body did not arrive within "
                                            f"{timeout:g} s") from None
    try:
        obj = json.loads(body)
    except RecursionError:
        raise _RequestError(400, "limit", "the request body is nested too deeply") from None
    except (ValueError, UnicodeDecodeError):
        raise _RequestError(400, "argument", "the request body is not JSON") from None
    if not isinstance(obj, dict):
        raise _RequestError(400, "argument", "the request body must be a JSON object")
    return obj


def _payload(obj: dict, task: str) -> dict:
    """The validated task arguments; ``md.ArgumentError`` for a bad field."""
    expr = obj.get("expr")
    if not isinstance(expr, str):
        raise md.ArgumentError("expr must be a string: the expression to differentiate")
    payload = {"expr": expr, "vars": vars_from_json(obj.get("vars"))}
    if task == "parse":
        return payload
    wrt, order, layout = obj.get("wrt"), obj.get("order", 1), obj.get("layout", "numerator")
    if wrt is not None and not isinstance(wrt, str):
        raise md.ArgumentError("wrt must be a variable name")
    if isinstance(order, bool) or not isinstance(order, int):
        raise md.ArgumentError("order must be a positive integer")
    if not isinstance(layout, str):
        raise md.ArgumentError("layout must be 'numerator' or 'denominator'")
    symmetric = obj.get("symmetric_gradient", "projected")
    if not isinstance(symmetric, str):
        raise md.ArgumentError("symmetric_gradient must be 'projected' or 'cookbook'")
    payload.update(wrt=wrt or None, order=order, layout=layout, symmetric_gradient=symmetric)
    if task == "verify":
        claim = obj.get("claim")
        if claim is not None and not isinstance(claim, str):
            raise md.ArgumentError("claim must be a string: the claimed derivative")
        payload["claim"] = claim or None
    return payload


class _GuardedApp(Starlette):
    """Starlette with :class:`.RequestGuard` outermost, so that even the answer to an error
    that escapes every route carries the security headers."""

    guard: dict[str, Any] = {}

    def build_middleware_stack(self):
        return RequestGuard(super().build_middleware_stack(), **self.guard)


def create_app(budget: float = 5.0, workers: int = 2, max_body: int = 10_000,
               memory_limit: int | None = 2 << 30,
               on_ready: Callable[[], None] | None = None, host: str = "127.0.0.1",
               port: int | None = None, body_timeout: float = 10.0,
               parse_budget: float = 2.0) -> Starlette:
    """The app; ``app.state.pool`` is the :class:`WorkerPool` of derivations and verdicts,
    ``app.state.parse_pool`` that of ``/api/parse`` (``pool.budget`` may change).

    ``host`` and ``port`` are the address served, for the Host check (``port=None``: any).
    ``on_ready`` is called once the workers are ready, before the first request is served.
    """
    pool = WorkerPool(size=workers, budget=budget, memory_limit=memory_limit,
                      quick=min(0.5, budget), long_slots=max(1, workers))
    parse_pool = WorkerPool(size=1, budget=parse_budget, memory_limit=memory_limit,
                            quick=min(0.5, parse_budget), long_slots=1)
    lanes = {"derivative": pool, "verify": pool, "parse": parse_pool}

    async def page(request: Request) -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html")

    def endpoint(task: str):
        async def answer(request: Request) -> JSONResponse:
            try:
                payload = _payload(await _read_json(request, max_body, body_timeout), task)
            except _RequestError as e:
                return e.response()
            except md.MatdiffError as e:
                return _JSONResponse({"error": error_json(e)}, 400)
            status, body = await lanes[task].run(task, payload)
            return _JSONResponse(body, status)
        return answer

    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        return _RequestError(500, "internal", f"internal error: {type(exc).__name__}").response()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        try:
            await asyncio.gather(pool.start(), parse_pool.start())
            if on_ready is not None:
                on_ready()
            yield
        finally:
            await asyncio.gather(pool.stop(), parse_pool.stop())

    app = _GuardedApp(
        routes=[
            Route("/", page),
            Route("/api/derivative", endpoint("derivative"), methods=["POST"]),
            Route("/api/parse", endpoint("parse"), methods=["POST"]),
            Route("/api/verify", endpoint("verify"), methods=["POST"]),
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        ],
        exception_handlers={Exception: internal_error},
        lifespan=lifespan,
    )
    app.guard = {"host": host, "port": port}
    app.state.pool, app.state.parse_pool = pool, parse_pool
    return app
