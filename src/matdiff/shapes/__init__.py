"""Shape inference: the type checker over symbolic dimensions."""

from .infer import Typed
from .kinds import infer
from .naming import kind_by_convention

__all__ = ["Typed", "infer", "kind_by_convention"]
