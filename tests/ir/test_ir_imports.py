"""Imports inside the IR point one way, so no module of it needs another that needs it back.

The order: clock ← dims ← ops ← shape_rules ← nodes ← symmetry ← build, with the syntax tree,
the reading and the vocabulary beside them; a module may import only modules before it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

IR = Path(__import__("matdiff.ir").ir.__file__).parent
ORDER = ["clock", "dims", "ops", "reading", "syntax", "vocabulary", "shape_rules", "nodes",
         "symmetry", "build", "__init__"]


def _ir_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found |= {node.module} if node.module else {a.name for a in node.names}
    return found


def test_every_ir_module_has_its_place():
    assert {p.stem for p in IR.glob("*.py")} == set(ORDER)


@pytest.mark.parametrize("name", ORDER)
def test_an_ir_module_imports_only_modules_before_it(name):
    before = set(ORDER[:ORDER.index(name)])
    assert _ir_imports(IR / f"{name}.py") <= before
