"""``docs/benchmarks.md`` holds several generated sections; each script writes only its own.

A section stands between ``<!-- begin NAME -->`` and ``<!-- end NAME -->``.  ``run.py --write``
writes the derivation benchmark as the page's main text and keeps every marked section that
was there; ``code_speed.py --write`` replaces (or appends) its own marked section.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["write_section", "write_main", "sections"]

_SECTION = re.compile(r"<!-- begin (\S+) -->\n.*?<!-- end \1 -->\n", re.DOTALL)


def sections(text: str) -> dict[str, str]:
    """The marked sections of a page, by name, markers included."""
    return {m.group(1): m.group(0) for m in _SECTION.finditer(text)}


def write_section(page: Path, name: str, body: str) -> None:
    """Put ``body`` into the section ``name`` of ``page`` (appended when there is none)."""
    old = page.read_text() if page.exists() else ""
    block = f"<!-- begin {name} -->\n{body.rstrip()}\n<!-- end {name} -->\n"
    if name in sections(old):
        new = old.replace(sections(old)[name], block)
    else:
        new = old.rstrip("\n") + "\n\n" + block
    page.write_text(new)


def write_main(page: Path, text: str) -> None:
    """Write ``text`` as the page, followed by the marked sections the page had."""
    old = page.read_text() if page.exists() else ""
    kept = "".join("\n" + block for block in sections(old).values())
    page.write_text(text.rstrip("\n") + "\n" + kept)
