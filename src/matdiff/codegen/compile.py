"""Turning generated source into a callable that checks the arrays it is given.

The source is the engine's own (:mod:`.array_api`), built from validated names; it is the only
text matdiff ever executes.  The callable binds the symbolic sizes from the arrays' shapes
and raises :class:`ShapeError` when they disagree with each other or with the declarations.
It then runs the function planned for those sizes: the order of the products depends on them,
so a plan is made per size signature the first time it is seen and cached (under
``jax.jit`` this happens while tracing, so the traced function has no branch on sizes).
Python numbers are accepted wherever an array is: they become 0-D arrays of the namespace
and floating dtype of the other inputs (float64 when there is none).
"""

from __future__ import annotations

from typing import Any, Callable

from ..errors import ArgumentError, ShapeError
from ..ir import Node, shape_str
from .array_api import Generated, generate

__all__ = ["compile_function", "bind_sizes"]

_PLANS_KEPT = 64
"""Size signatures whose plans a compiled function keeps (the oldest is dropped first)."""


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
                origin.setdefault(d, f"{name} (shape {actual})")
    return sizes


def _kind(var: Node) -> str:
    return {0: "a scalar", 1: "a vector"}.get(var.rank, "a matrix" if var.rank == 2
                                               else "a tensor")


def _load(gen: Generated) -> Callable[..., Any]:
    scope: dict[str, Any] = {}
    exec(compile(gen.source, f"<matdiff {gen.name}>", "exec"), scope)  # engine-made source
    return scope[gen.name]


def _arrays_for_numbers(arrays: dict[str, Any]) -> dict[str, Any]:
    """Python numbers as 0-D arrays of the other inputs' namespace and floating dtype."""
    numbers = {k for k, v in arrays.items() if isinstance(v, (int, float))}
    if not numbers:
        return arrays
    import array_api_compat

    others = [v for k, v in arrays.items() if k not in numbers and v is not None]
    if others:
        xp = array_api_compat.array_namespace(*others)
        floats = [v.dtype for v in others if xp.isdtype(v.dtype, "real floating")]
        dtype = floats[0] if floats else xp.float64
    else:
        import numpy

        xp = array_api_compat.array_namespace(numpy.zeros(0))
        dtype = xp.float64
    return {k: xp.asarray(v, dtype=dtype) if k in numbers else v for k, v in arrays.items()}


def compile_function(gen: Generated, variables: dict[str, Node],
                     needed: set[str]) -> Callable[..., Any]:
    """A function of keyword arrays computing the generated expression."""
    plans: dict[tuple, Callable[..., Any]] = {}

    def planned(sizes: dict[str, int]) -> Callable[..., Any]:
        signature = tuple(sorted(sizes.items()))
        fn = plans.get(signature)
        if fn is None:
            if not gen.roots:
                fn = _load(gen)
            else:
                root, value = gen.roots[-1], gen.roots[0] if len(gen.roots) > 1 else None
                fn = _load(generate(root, variables, gen.name, gen.namespace, gen.anchor,
                                    sizes=sizes, value=value))
            if len(plans) >= _PLANS_KEPT:
                plans.pop(next(iter(plans)))
            plans[signature] = fn
        return fn

    def call(**arrays):
        unknown = set(arrays) - set(variables)
        if unknown:
            raise ArgumentError(f"no variable named {', '.join(sorted(unknown))} in the "
                                f"expression (it has {', '.join(variables) or 'none'})")
        missing = sorted(needed - set(arrays))
        if missing:
            raise ArgumentError(f"missing arrays for {', '.join(missing)}")
        arrays = _arrays_for_numbers(arrays)
        fn = planned(bind_sizes(variables, arrays))
        return fn(**{gen.params[k]: arrays.get(k) for k in variables})

    call.__name__ = gen.name
    call.__doc__ = gen.source
    return call
