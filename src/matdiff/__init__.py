"""matdiff: symbolic matrix and tensor calculus.

>>> import matdiff as md
>>> str(md.derivative("0.5*norm2(D*W - X)^2", wrt="W"))
"D'*(D*W - X)"
"""

from .api import Derivative, Expression, check, derivative, from_sympy, parse
from .errors import (ArgumentError, DomainError, LimitError, MatdiffError, ParseError,
                     ShapeError, UnsupportedError)
from .verification import Counterexample, Verification, verify

__all__ = [
    "Derivative", "Expression", "check", "derivative", "from_sympy", "parse", "ArgumentError",
    "DomainError", "LimitError", "MatdiffError", "ParseError", "ShapeError", "UnsupportedError",
    "verify", "Verification", "Counterexample",
]
__version__ = "0.1.0"
