"""Imported once by the worker processes' forkserver, to warm the engine for all of them.

Importing this module runs one task of each kind (parse, derivative with its numerical
check, verdict, LaTeX input), so the engine's lazily built parts (parsers, rule tables,
caches) exist before the forkserver forks: every worker forked afterwards is ready in
milliseconds, which keeps a pool whose workers are replaced often (after a timeout, a move to
the long lane, recycling) from stalling its requests.  Nothing here is exported.
"""

from .worker import compute

__all__: list[str] = []

for _task, _payload in (
        ("parse", {"expr": r"\frac{1}{2}\|DW-X\|_F^2"}),
        ("derivative", {"expr": "0.5*norm2(D*W - X)^2", "wrt": "W"}),
        ("verify", {"expr": "x'*A*x", "wrt": "x", "claim": "2*A*x"})):
    compute(_task, _payload)
