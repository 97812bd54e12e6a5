"""Checking an answer (SPEC §8): a claimed derivative, an identity or a derivation chain.

Layers inside: :mod:`.equations` reads the text (sides, definitions), :mod:`.sampling` draws
the random points, :mod:`.relations` holds the tests behind a diagnosis, :mod:`.judging`
judges one link, :mod:`.report` is the result and its paragraph, :mod:`.checking` is
``verify`` itself.
"""

from .checking import verify
from .report import Counterexample, Verification

__all__ = ["verify", "Verification", "Counterexample"]
