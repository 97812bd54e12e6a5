"""Write docs/quality.md: every Matrix Cookbook answer beside the textbook's, with token counts.

Run from the repository root: ``.venv/bin/python tests/quality/make_table.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import expert  # noqa: E402
import tokens  # noqa: E402

DOC = HERE.parent.parent / "docs" / "quality.md"

HEADER = """# Quality: matdiff's answers against the textbook's

For every identity of the Matrix Cookbook test file (`tests/calculus/test_cookbook.py`) that has
a textbook answer, the number of tokens (identifiers, function names, numbers, operators; not
parentheses) of matdiff's printed answer against the textbook's.  Goal: no more tokens than the
textbook for at least 90% of them, never more than 1.5×; `tests/quality/test_quality.py` fails
when an answer grows past 1.5×.  Rows marked ▲ are longer than the textbook.

Made by `.venv/bin/python tests/quality/make_table.py`.

"""


ML_HEADER = """

## Machine-learning objectives

The objectives of `tests/quality/expert.py` (each expert answer is itself verified by
`md.verify`) against matdiff's answer.  Goal: never more than 1.2× the expert's tokens;
`tests/quality/test_quality.py` fails when an answer grows past that, and marks the answers
not there yet as known open (issue 13).

"""


def render() -> str:
    return HEADER + tokens.table(tokens.rows()) + ML_HEADER + tokens.table(expert.rows(),
                                                                          "expert")


if __name__ == "__main__":
    DOC.write_text(render())
    print(f"wrote {DOC}")
