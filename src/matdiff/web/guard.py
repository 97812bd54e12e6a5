"""The web app's HTTP defences: ASGI middleware in front of every route (SPEC §7).

- **Host**: a request is answered only when its ``Host`` header names this machine
  (``localhost``, ``127.0.0.1``, ``[::1]``) or the address the server was started on, at the
  server's port.  Any other name is a 421 ``argument`` error, so a page whose own name was
  rebound to 127.0.0.1 (DNS rebinding) cannot talk to a visitor's local server.  A server bound
  to every interface (``0.0.0.0``, ``::``) also answers to any IP address, never to another
  name.
- **Origin**: a request that may change state (any method but GET, HEAD and OPTIONS) sent by
  a page of another origin is a 403 ``argument`` error, so another site cannot drive the
  server from a visitor's browser.  Clients that send no ``Origin`` (curl, scripts) pass.
- **Security headers** on every response, the page, its files, the API and the errors alike:
  a content security policy that forbids framing and foreign scripts, ``nosniff``, no
  referrer, and ``no-store`` for API answers.
"""

from __future__ import annotations

import ipaddress
import json
from urllib.parse import urlsplit

__all__ = ["RequestGuard", "SECURITY_HEADERS"]

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "font-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
_WILDCARDS = frozenset({"", "0.0.0.0", "::"})
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_HEADERS = [(k.lower().encode("latin-1"), v.encode("latin-1"))
            for k, v in SECURITY_HEADERS.items()]


def _split_host(value: str) -> tuple[str, int | None] | None:
    """``(name, port)`` of a Host header (``[::1]:8000`` → ``("::1", 8000)``), or None."""
    value = value.strip().lower()
    if value.startswith("["):
        name, bracket, rest = value[1:].partition("]")
        if not bracket:
            return None
    elif value.count(":") <= 1:
        name, colon, port = value.partition(":")
        rest = colon + port
    else:
        return None
    if rest and not (rest[0] == ":" and rest[1:].isascii() and rest[1:].isdigit()):
        return None
    return name.rstrip("."), int(rest[1:]) if rest else None


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class RequestGuard:
    """ASGI middleware: Host and Origin checks, and the security headers on every answer.

    ``host`` and ``port`` are the address the server listens on; ``port=None`` accepts any
    port (an app whose port is chosen by its caller, as in tests)."""

    def __init__(self, app, host: str = "127.0.0.1", port: int | None = None):
        self.app = app
        self.port = port
        host = host.strip("[]").lower()
        self.any_ip = host in _WILDCARDS
        self.names = _LOOPBACK | ({host} - _WILDCARDS)

    def host_allowed(self, value: str) -> bool:
        parsed = _split_host(value)
        if parsed is None:
            return False
        name, port = parsed
        if name not in self.names and not (self.any_ip and _is_ip(name)):
            return False
        return self.port is None or port == self.port or (port is None and self.port == 80)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", ())}
        api = scope.get("path", "").startswith("/api/")

        async def send_secured(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", ())}
                extra = [(k, v) for k, v in _HEADERS if k not in present]
                if api and b"cache-control" not in present:
                    extra.append((b"cache-control", b"no-store"))
                message = {**message, "headers": [*message.get("headers", ()), *extra]}
            await send(message)

        host = headers.get("host", "")
        if not self.host_allowed(host):
            await _refuse(send_secured, 421, f"this server does not answer to the host name "
                                             f"{host[:100]!r}: open it at 127.0.0.1 or localhost")
            return
        origin = headers.get("origin")
        if (origin is not None and scope.get("method", "GET") not in _SAFE_METHODS
                and _netloc(origin) != host.strip().lower()):
            await _refuse(send_secured, 403, "requests from another site's page are refused")
            return
        await self.app(scope, receive, send_secured)


def _netloc(origin: str) -> str | None:
    """``host:port`` of an Origin header, or None (``null``, or not a URL)."""
    try:
        return urlsplit(origin).netloc.lower() or None
    except ValueError:
        return None


async def _refuse(send, status: int, message: str) -> None:
    body = json.dumps({"error": {"kind": "argument", "message": message, "position": None,
                                 "marks": [], "detail": message}}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
