"""``matdiff serve``: the web app on uvicorn, bound to 127.0.0.1:8000 by default.

The socket is bound here, before uvicorn starts, so a port already in use is a one-line user
error (exit status 2) rather than a log record; the address is printed once it listens (port
0 takes a free port, the one printed).  The app answers only to this address's names (its
Host check); uvicorn closes idle connections after a few seconds and answers 503 past
``_MAX_CONNECTIONS`` open at once.
"""

from __future__ import annotations

import socket
import sys

import uvicorn

from .app import create_app

__all__ = ["serve"]

_MAX_CONNECTIONS = 256
_KEEP_ALIVE = 5


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(_MAX_CONNECTIONS)  # connections wait in the backlog until uvicorn serves
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def serve(host: str = "127.0.0.1", port: int = 8000, budget: float = 5.0,
          workers: int = 2) -> int:
    """Serve until interrupted; return the exit status (2 when the address cannot be used)."""
    try:
        sock = _bind(host, port)
    except OSError as e:
        print(f"matdiff: cannot listen on {host}:{port}: {e.strerror or e}", file=sys.stderr)
        return 2
    shown = f"[{host}]" if ":" in host else host
    port = sock.getsockname()[1]

    def announce() -> None:
        print(f"matdiff: serving on http://{shown}:{port}/  (Ctrl-C stops it)", flush=True)

    app = create_app(budget=budget, workers=workers, on_ready=announce, host=host, port=port)
    config = uvicorn.Config(app, log_level="warning", access_log=False,
                            timeout_keep_alive=_KEEP_ALIVE, limit_concurrency=_MAX_CONNECTIONS)
    uvicorn.Server(config).run(sockets=[sock])
    return 0
