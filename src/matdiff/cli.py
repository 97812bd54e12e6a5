"""The ``matdiff`` command line (SPEC §6): derivatives in a terminal, and ``matdiff serve``.

``matdiff EXPR --wrt W`` prints the derivative as text that parses back, then a comment line
with what it is (gradient, Jacobian, Hessian), its shape and its layout; ``--latex``,
``--index``, ``--steps``, ``--code`` and ``--check`` add labelled sections, and ``--json``
prints one JSON object instead (the web API's fields).  Exit status: 0 on success, 2 on a
user error (bad expression, shapes, arguments, a limit; a short message with caret lines on
stderr and no traceback), 1 on an internal error.  With ``--json`` every error, usage errors
included, is printed on standard output as the web API's error object, ``{"error": {"kind",
"message", "position", "marks", "detail"}}``, with the same exit status.  ``matdiff
--version`` prints the installed version.  Colour only on a terminal and never with NO_COLOR.

Only the public API is used, and the formatting it shares with the web API
(:mod:`matdiff.presentation`).  The web app is imported by ``serve`` alone, to start it, so
a derivative answers without paying for the web stack (Starlette, uvicorn).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import re
import sys
import textwrap

import matdiff as md

from .presentation import (KINDS, derivative_json, dims_from_text, error_json, kind_typo,
                           verification_json)

__all__ = ["main"]

_EXAMPLES = r"""
examples:
  matdiff "0.5*norm2(D*W - X)^2" --wrt W                  # least squares: D'*(D*W - X)
  matdiff "tr(A*B)" --wrt A                               # B'
  matdiff "x'*A*x" --wrt x --order 2 --steps              # a Hessian, with its derivation
  matdiff "x'*S*x" --wrt S --var S=symmetric              # gradient among symmetric matrices
  matdiff "logdet(X)" --var X=spd --check                 # checked by finite differences
  matdiff '\frac{1}{2}\|DW-X\|_F^2' --wrt W --latex       # LaTeX in, LaTeX out
  matdiff "norm2(A*x - b)^2" --wrt x --var A=3,4 --json   # as one JSON object
  echo "sum(exp(x))" | matdiff -                          # the expression from standard input
  matdiff serve                                           # the web app, http://127.0.0.1:8000

variables: undeclared names starting with a-g (or Greek) are scalars, h-z vectors,
capitals matrices; --var NAME=m,n declares dimensions (names or integers), --var
NAME=KIND a kind (scalar, vector, matrix, symmetric, spd).  --var x=n is a vector of
length n, but a word that abbreviates or misspells a kind (S=sym) is an error: write
x=sym, (a trailing comma) for a vector of that length.  Without --wrt the variable
of a LaTeX prefix (\nabla_W) is used, or the only variable there is.
"""


class _Version(argparse.Action):
    """``--version``: the installed package's version, looked up only when asked for."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, help="print matdiff's version and exit")

    def __call__(self, parser, namespace, values, option_string=None):
        try:
            version = importlib.metadata.version("matdiff")
        except importlib.metadata.PackageNotFoundError:  # a source tree, not installed
            version = md.__version__
        print(f"matdiff {version}")
        parser.exit()


class _Parser(argparse.ArgumentParser):
    """argparse, whose usage errors are ``md.ArgumentError`` when errors are printed as JSON
    (``json_errors``), so that they come out in the same shape as every other error."""

    json_errors = False

    def error(self, message: str):
        if self.json_errors:
            raise md.ArgumentError(message)
        super().error(message)


class _Style:
    """ANSI styling for one stream, or none when it is not a terminal or NO_COLOR is set."""

    def __init__(self, stream):
        self.on = (hasattr(stream, "isatty") and stream.isatty()
                   and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb")

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.on else text


def _derive_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="matdiff",
        description="Differentiate an expression in matrix notation, symbolically.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        usage="%(prog)s EXPR [--wrt W] [--var NAME=SPEC ...] [options]\n"
              "       %(prog)s verify EXPR [--wrt W] [--claim C] [--var NAME=SPEC ...] [--json]\n"
              "       %(prog)s serve [--port 8000] [--host 127.0.0.1]\n"
              "       %(prog)s --version",
    )
    p.add_argument("--version", action=_Version)
    p.add_argument("expr", metavar="EXPR",
                   help="the expression, ASCII or LaTeX; '-' reads it from standard input")
    p.add_argument("--wrt", metavar="W", help="the variable to differentiate by")
    p.add_argument("--var", metavar="NAME=SPEC", action="append", default=[],
                   help="declare a variable: NAME=m,n (dimensions) or NAME=KIND "
                        "(scalar, vector, matrix, symmetric, spd); repeatable")
    p.add_argument("--order", type=int, default=1, metavar="K",
                   help="derivative order: 2 gives the Hessian (default 1)")
    p.add_argument("--layout", choices=("numerator", "denominator"), default="numerator",
                   help="numerator (shape of f, then of W; default) or denominator layout")
    p.add_argument("--symmetric-gradient", choices=("projected", "cookbook"),
                   default="projected",
                   help="gradient by a symmetric variable: (G + G')/2 (default) or the "
                        "Matrix Cookbook's G + G' - diag(diag(G))")
    p.add_argument("--latex", action="store_true", help="also print the LaTeX form")
    p.add_argument("--index", action="store_true", help="also print the index notation")
    p.add_argument("--steps", action="store_true", help="also print the derivation steps")
    p.add_argument("--code", metavar="TARGET", choices=("numpy",),
                   help="also print Python code computing it (TARGET: numpy)")
    p.add_argument("--check", action="store_true",
                   help="also compare with central finite differences on random inputs")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object: text, latex, index, pretty, shape, steps, "
                        "code, check, layout, order, wrt")
    return p


def _serve_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="matdiff serve",
                                description="Serve the matdiff web app (Ctrl-C stops it).")
    p.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--budget", type=float, default=5.0, metavar="SECONDS",
                   help="work time allowed to one derivation (default 5)")
    p.add_argument("--workers", type=int, default=2,
                   help="worker processes computing derivations (default 2)")
    return p


_VERIFY_EXAMPLES = r"""
examples:
  matdiff verify "0.5*norm2(D*W - X)^2" --wrt W --claim "D'*D*W - D'*X"   # correct
  matdiff verify "x'*A*x" --wrt x --claim "2*A*x"          # wrong: holds only if A symmetric
  matdiff verify '\nabla_W \operatorname{tr}(DWX^T) = D^TX'   # an equation with a derivative
  matdiff verify "tr(A*B*C) = tr(C*A*B) = tr(A*C*B)"       # a chain: the first wrong link

exit status: 0 the claim holds, 1 it is wrong or ill-shaped, 2 a user error.
"""


def _verify_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="matdiff verify",
        description="Check a claimed derivative, an identity or a derivation chain.",
        epilog=_VERIFY_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action=_Version)
    p.add_argument("expr", metavar="EXPR",
                   help="the expression to differentiate, or an equation or chain "
                        "(e1 = e2 = ...); '-' reads it from standard input")
    p.add_argument("--wrt", metavar="W", help="the variable to differentiate by")
    p.add_argument("--claim", metavar="C", help="the claimed derivative of EXPR")
    p.add_argument("--var", metavar="NAME=SPEC", action="append", default=[],
                   help="declare a variable: NAME=m,n or NAME=KIND; repeatable")
    p.add_argument("--layout", choices=("numerator", "denominator"), default="numerator",
                   help="the layout the claim is in (default numerator)")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object: verdict, correct, text, expected, diagnosis, "
                        "method, counterexample, links, error")
    return p


def _verify(argv: list[str], json_errors: bool) -> int:
    parser = _verify_parser()
    parser.json_errors = json_errors
    args = parser.parse_args(_as_positional(argv))
    r = md.verify(_read_expr(args.expr), wrt=args.wrt, claim=args.claim,
                  vars=_parse_vars(args.var), layout=args.layout)
    if args.json:
        print(json.dumps(verification_json(r), ensure_ascii=False, indent=2))
    else:
        style = _Style(sys.stdout)
        head, _, rest = str(r).partition("\n")
        print(style(head, "1;32" if r.correct else "1;31") + ("\n" + rest if rest else ""))
    return 0 if r.correct else 1


def _read_expr(arg: str) -> str:
    if arg != "-":
        return arg.strip()
    return sys.stdin.read().strip()


def _parse_vars(items: list[str]) -> dict | None:
    out = {}
    for item in items:
        name, sep, spec = item.partition("=")
        name, spec = name.strip(), spec.strip()
        if not sep or not name or not spec:
            raise md.ArgumentError(
                f"--var {item}: write NAME=m,n (dimensions) or NAME=KIND ({', '.join(KINDS)})")
        if spec in KINDS:
            out[name] = spec
            continue
        dims = spec.split(",")
        if len(dims) > 1 and not dims[-1].strip():
            dims.pop()  # NAME=n, : a vector of length n, whatever n spells
        elif len(dims) == 1 and kind_typo(spec):
            raise md.ArgumentError(
                f"--var {item}: {spec!r} is not a kind: did you mean {name}={kind_typo(spec)}? "
                f"(the kinds: {', '.join(KINDS)}; for a vector of length {spec}, write "
                f"{name}={spec},)")
        out[name] = dims_from_text(dims)
    return out or None


def _what(d) -> str:
    """'gradient', 'Jacobian', 'Hessian' or 'order-k derivative', from the ranks."""
    in_rank = len(d.variables[d.wrt]["shape"]) if d.wrt in d.variables else 0
    out_rank = len(d.shape) - d.order * in_rank
    if d.order == 1:
        return "gradient" if out_rank == 0 else "Jacobian"
    if d.order == 2 and out_rank == 0:
        return "Hessian"
    return f"order-{d.order} derivative"


def _shape_text(shape) -> str:
    if not shape:
        return "scalar"
    return "(" + ", ".join(str(d) for d in shape) + ")" if len(shape) > 1 else f"({shape[0]},)"


def _report(d, args, check: float | None, style: _Style) -> str:
    summary = f"# {_what(d)} by {d.wrt}, shape {_shape_text(d.shape)}, {d.layout} layout"
    out = [str(d)]
    if d.pretty != out[0]:
        out.append(f"= {d.pretty}")
    out.append(style(summary, "2"))
    out.extend(style(f"# {choice}", "2") for choice in d.reading)

    def section(title: str, body: str) -> None:
        out.extend(["", style(title, "1"), body.rstrip("\n")])

    if args.latex:
        section("LaTeX", d.latex if d.pretty_latex == d.latex else
                f"{d.latex}\n= {d.pretty_latex}")
    if args.index:
        section("index notation", d.index)
    if args.steps:
        section("steps", str(d.steps) or "(no steps recorded for this derivative)")
    if args.code:
        section(f"code ({args.code})", d.code(args.code))
    if args.check:
        good = check is not None and check <= 1e-5
        line = f"max relative error {check:.2e} against central finite differences"
        section("check", style(line, "32" if good else "31"))
    return "\n".join(out)


def _print_error(e, style: _Style) -> None:
    head, _, rest = str(e).partition("\n")
    kind = getattr(e, "kind", "error")
    lines = [style(f"matdiff: {kind} error:", "1;31") + " " + head]
    for line in rest.split("\n") if rest else ():
        is_caret = line.strip() and not line.strip(" ^~")
        lines.append(style(line, "31") if is_caret else line)
    # a lone surrogate (a byte of the command line that is not UTF-8) is shown escaped
    print("\n".join(lines).encode("utf-8", "backslashreplace").decode(), file=sys.stderr)


_OPTION = re.compile(r"--[a-z][a-z-]*(=.*)?|-h")  # the options' shape: -h is the only short one


def _as_positional(argv: list[str]) -> list[str]:
    """An expression that starts with a minus (``-x'*A*x``) is not an option: argparse reads
    an argument that contains a space as a positional one, so such an argument gets one in
    front (the expression's own whitespace does not matter)."""
    return [" " + a if a.startswith("-") and a != "-" and not _OPTION.fullmatch(a) else a
            for a in argv]


def _derive(argv: list[str], json_errors: bool) -> int:
    parser = _derive_parser()
    parser.json_errors = json_errors
    args = parser.parse_args(_as_positional(argv))
    expr = _read_expr(args.expr)
    vars = _parse_vars(args.var)
    d = md.derivative(expr, wrt=args.wrt, vars=vars, order=args.order, layout=args.layout,
                      symmetric_gradient=args.symmetric_gradient)
    check = md.check(d) if args.check else None
    if args.json:
        result = derivative_json(d, code=args.code or "numpy", check=check)
        text = json.dumps(result, ensure_ascii=False, indent=2)
    else:
        text = _report(d, args, check, _Style(sys.stdout))
    print(text)
    return 0


def _user_error(e: md.MatdiffError, as_json: bool) -> int:
    """Report a user error (as JSON on standard output with ``as_json``); exit status 2."""
    if as_json:
        print(json.dumps({"error": error_json(e)}, indent=2))
    else:
        _print_error(e, _Style(sys.stderr))
    return 2


def _internal_error(e: Exception, as_json: bool) -> int:
    """Report an engine bug in one line (traceback with MATDIFF_DEBUG); exit status 1."""
    if os.environ.get("MATDIFF_DEBUG"):
        raise e
    msg = textwrap.shorten(f"{type(e).__name__}: {e}", 300)
    if as_json:
        message = f"internal error: {msg}"
        print(json.dumps({"error": {"kind": "internal", "message": message, "position": None,
                                    "marks": [], "detail": message}}, indent=2))
    else:
        print(f"matdiff: internal error: {msg}\n(set MATDIFF_DEBUG=1 for the traceback; "
              "please report it with the command line)", file=sys.stderr)
    return 1


def _serve(argv: list[str]) -> int:
    args = _serve_parser().parse_args(argv)
    from .web.server import serve

    return serve(host=args.host, port=args.port, budget=args.budget, workers=args.workers)


def main(argv: list[str] | None = None) -> int:
    """Run the command line on ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    as_json = "--json" in argv and argv[:1] != ["serve"]
    try:
        if argv and argv[0] == "serve":
            return _serve(argv[1:])
        if argv and argv[0] == "verify":
            return _verify(argv[1:], as_json)
        return _derive(argv, as_json)
    except md.MatdiffError as e:
        return _user_error(e, as_json)
    except RecursionError:
        return _user_error(md.LimitError("the expression is nested too deeply"), as_json)
    except MemoryError:
        return _user_error(md.LimitError("the derivation needs more memory than there is"),
                           as_json)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
    except Exception as e:  # an engine bug: say so in one line, traceback on request
        return _internal_error(e, as_json)
