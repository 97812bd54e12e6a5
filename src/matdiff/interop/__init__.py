"""Bridges to other symbolic systems: SymPy's matrix expressions, in (:mod:`.sympy_in`) and out
(:mod:`.sympy_out`).  SymPy is optional: the API imports it when a bridge is used and passes
the module in, so nothing here imports it at load time."""

from .sympy_in import sympy_node
from .sympy_out import to_sympy

__all__ = ["sympy_node", "to_sympy"]
