"""Shape inference: the type checker over symbolic dimensions."""

from .infer import Typed
from .kinds import infer
from .naming import KINDS, kind_by_convention

__all__ = ["Typed", "infer", "KINDS", "kind_by_convention"]
