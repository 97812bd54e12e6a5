"""``python -m matdiff``: the command line (see :mod:`matdiff.cli`)."""

import sys

from .cli import main

__all__: list[str] = []

sys.exit(main())
