"""The web app (SPEC §7): one static page and a JSON API, as a Starlette ASGI application.

Routes:
- ``GET /``: the page (``static/index.html``; its script, style and KaTeX under ``/static``).
- ``POST /api/derivative`` ``{"expr", "wrt", "vars", "order", "layout"}`` →
  ``{"text", "latex", "index", "pretty", "pretty_latex", "shape", "steps", "code", "check",
  "variables", "layout", "order", "wrt"}`` (``pretty``: the result with repeated
  subexpressions named, ``where s = ...``); ``steps`` is a list of ``{"rule", "text", "latex"}``.
- ``POST /api/parse`` ``{"expr", "vars"}`` → ``{"variables", "wrt", "latex", "shape"}``.
- ``POST /api/verify`` ``{"expr", "wrt", "vars", "claim", "layout"}`` (or an equation or chain
  in ``expr``) → the verdict of SPEC §8: ``{"verdict", "correct", "text", "expected",
  "diagnosis", "method", "counterexample", "links", "error", ...}``.

``vars`` maps a name to a list of dimensions or a kind string.  Every failure is
``{"error": {"kind", "message", "position", "marks", "detail"}}`` (``detail``: the message
with the input quoted and caret lines), with this status:

- 400 ``parse``, ``shape``, ``unsupported``, ``argument``: the engine's errors (a malformed
  request is an ``argument`` error too);
- 400 ``limit``: nested too deeply, or more memory than a request may use;
- 400 ``timeout``: the work overran its budget (5 s by default); the input is at fault, so a
  retry will not help, and the server goes on;
- 413 ``limit``: a request body over ``max_body`` bytes (10 kB by default);
- 503 ``busy``: no worker became free in time; a retry later may help;
- 500 ``internal``: an engine bug; the server goes on.

The engine runs only in the worker processes of :mod:`.worker`; nothing from a request is
ever evaluated as code.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

import matdiff as md

from ..presentation import error_json
from .results import vars_from_json
from .worker import WorkerPool

__all__ = ["create_app", "STATIC_DIR"]

STATIC_DIR = Path(__file__).parent / "static"
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "font-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
        "frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class _RequestError(Exception):
    def __init__(self, status: int, kind: str, message: str):
        super().__init__(message)
        self.status, self.kind, self.message = status, kind, message

    def response(self) -> JSONResponse:
        return JSONResponse({"error": {"kind": self.kind, "message": self.message,
                                       "position": None, "marks": [],
                                       "detail": self.message}}, self.status)


async def _read_json(request: Request, limit: int) -> dict:
    too_large = _RequestError(413, "limit", f"the request is larger than {limit} bytes")
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large
    try:
        obj = json.loads(body)
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
    payload.update(wrt=wrt or None, order=order, layout=layout)
    if task == "verify":
        claim = obj.get("claim")
        if claim is not None and not isinstance(claim, str):
            raise md.ArgumentError("claim must be a string: the claimed derivative")
        payload["claim"] = claim or None
    return payload


def create_app(budget: float = 5.0, workers: int = 2, max_body: int = 10_000,
               memory_limit: int | None = 2 << 30,
               on_ready: Callable[[], None] | None = None) -> Starlette:
    """The app; ``app.state.pool`` is its :class:`WorkerPool` (``pool.budget`` may change).

    ``on_ready`` is called once the workers are ready, before the first request is served.
    """
    pool = WorkerPool(size=workers, budget=budget, memory_limit=memory_limit)

    async def page(request: Request) -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers=_SECURITY_HEADERS)

    def endpoint(task: str):
        async def answer(request: Request) -> JSONResponse:
            try:
                payload = _payload(await _read_json(request, max_body), task)
            except _RequestError as e:
                return e.response()
            except md.MatdiffError as e:
                return JSONResponse({"error": error_json(e)}, 400)
            status, body = await pool.run(task, payload)
            return JSONResponse(body, status)
        return answer

    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        return _RequestError(500, "internal", f"internal error: {type(exc).__name__}").response()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        await pool.start()
        if on_ready is not None:
            on_ready()
        try:
            yield
        finally:
            await pool.stop()

    app = Starlette(
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
    app.state.pool = pool
    return app
