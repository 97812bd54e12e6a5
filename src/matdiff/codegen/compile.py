"""Turning generated source into a callable that checks the arrays it is given.

The source is the engine's own (:mod:`.array_api`), built from validated names; it is the only
text matdiff ever executes.  The callable binds the symbolic sizes from the arrays' shapes
and raises :class:`ShapeError` when they disagree with each other or with the declarations.
"""

from __future__ import annotations

from typing import Any, Callable

from ..errors import ArgumentError, ShapeError
from ..ir import Node, shape_str
from .array_api import Generated

__all__ = ["compile_function", "bind_sizes"]


def bind_sizes(variables: dict[str, Node], arrays: dict[str, Any]) -> dict[str, int]:
    """The value of every symbolic size, read off the arrays; ShapeError on a conflict."""
    sizes: dict[str, int] = {}
    origin: dict[str, str] = {}
    for name, var in variables.items():
        if name not in arrays:
            continue
        actual = tuple(getattr(arrays[name], "shape", ()))
        if len(actual) != var.rank:
            raise ShapeError(f"{name} should be {_kind(var)} ({shape_str(var.shape)}), "
                             f"got an array of shape {actual}")
        for axis, (d, n) in enumerate(zip(var.shape, actual)):
            if isinstance(d, int):
                if d != n:
                    raise ShapeError(f"{name} should have size {d} on axis {axis}, got {n} "
                                     f"(shape {actual})")
            elif isinstance(d, str):
                if d in sizes and sizes[d] != n:
                    raise ShapeError(
                        f"size {d} is {sizes[d]} from {origin[d]} but {n} from {name} "
                        f"(shape {actual}): the arrays do not fit the expression")
                sizes.setdefault(d, n)
                origin.setdefault(d, f"{name} (shape {tuple(arrays[name].shape)})")
    return sizes


def _kind(var: Node) -> str:
    return {0: "a scalar", 1: "a vector"}.get(var.rank, "a matrix" if var.rank == 2
                                               else "a tensor")


def compile_function(gen: Generated, variables: dict[str, Node],
                     needed: set[str]) -> Callable[..., Any]:
    """A function of keyword arrays computing the generated expression."""
    scope: dict[str, Any] = {}
    exec(compile(gen.source, f"<matdiff {gen.name}>", "exec"), scope)  # engine-made source
    fn = scope[gen.name]

    def call(**arrays):
        unknown = set(arrays) - set(variables)
        if unknown:
            raise ArgumentError(f"no variable named {', '.join(sorted(unknown))} in the "
                                f"expression (it has {', '.join(variables) or 'none'})")
        missing = sorted(needed - set(arrays))
        if missing:
            raise ArgumentError(f"missing arrays for {', '.join(missing)}")
        bind_sizes(variables, arrays)
        return fn(**{gen.params[k]: arrays.get(k) for k in variables})

    call.__name__ = gen.name
    call.__doc__ = gen.source
    return call


