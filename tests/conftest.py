"""Test-wide set-up: shared helpers importable by name, and the hypothesis profiles.

``tests/`` goes on ``sys.path`` so test modules anywhere below it can ``import numeric`` and
``import strategies`` (the suite has no packages).  Two hypothesis profiles: ``matdiff``
(the default, 300 examples, derandomised so a CI run is reproducible) and ``matdiff-long``
(10,000 examples), chosen by ``MATDIFF_LONG=1`` (``make test-long``).  A test that needs
fewer examples says so with its own ``@settings``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

_COMMON = dict(deadline=None, derandomize=True, database=None, print_blob=True,
               suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("matdiff", max_examples=300, **_COMMON)
settings.register_profile("matdiff-long", max_examples=10_000, **_COMMON)
settings.load_profile("matdiff-long" if os.environ.get("MATDIFF_LONG") == "1" else "matdiff")
