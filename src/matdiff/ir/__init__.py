"""The intermediate representation: interned nodes, symbolic dimensions, shape rules."""

from .build import *  # noqa: F401,F403
from .build import __all__ as _build_all
from .dims import Dim, Prod, Shape, dim_mul, shape_str
from .nodes import ELEMENTWISE_FUNCS, LEAVES, Node, Op, make

__all__ = ["Dim", "Prod", "Shape", "dim_mul", "shape_str", "ELEMENTWISE_FUNCS", "LEAVES",
           "Node", "Op", "make", *_build_all]
