"""The intermediate representation: interned nodes, symbolic dimensions, shape rules, and the
vocabulary of the languages (:mod:`.vocabulary`)."""

from .build import *  # noqa: F401,F403
from .build import __all__ as _build_all
from .dims import Dim, Prod, Shape, dim_mul, shape_str
from .nodes import Node, deep_recursion, holding, interned_count, make
from .ops import LEAVES, Op

__all__ = ["Dim", "Prod", "Shape", "dim_mul", "shape_str", "LEAVES", "Node", "Op", "make",
           "holding", "interned_count", "deep_recursion", *_build_all]
