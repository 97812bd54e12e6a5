"""The architecture holds: every op has its rule in every table, and imports point one way.

Layers (STYLE.md): IR ← shapes ← parsing / rewriting / printing / codegen (and the index-form
package ``tensor``) ← calculus ← api ← command line / web.  The command line and the web app
use the public API only (and the web package's own presentation helpers).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from matdiff.calculus import D_RULES, RULE_NAMES
from matdiff.codegen.array_api import _Writer
from matdiff.ir import LEAVES, Op
from matdiff.ir.shape_rules import SHAPE_RULES
from matdiff.printing import text

PACKAGE = Path(__import__("matdiff").__file__).parent

ALLOWED = {
    "errors": set(),
    "ir": {"errors"},
    "shapes": {"ir", "errors"},
    "parsing": {"shapes", "ir", "errors"},
    "tensor": {"ir", "errors"},
    "rewriting": {"ir", "errors"},
    "printing": {"ir", "tensor", "errors"},
    "codegen": {"ir", "errors"},
    "calculus": {"ir", "tensor", "rewriting", "errors"},
    "numeric": {"ir", "errors", "codegen"},
    "steps": {"calculus", "printing", "ir", "errors"},
    "api": {"calculus", "codegen", "errors", "ir", "parsing", "printing", "rewriting",
            "shapes", "tensor", "steps", "numeric"},
    "verification": {"api", "errors", "ir", "parsing", "printing", "rewriting", "numeric"},
    "cli": {"api", "web"},
    "web": {"api"},
    "__init__": {"api", "errors", "verification"},
    "__main__": {"cli"},
}


def _layer(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def _imports(path: Path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0 and (node.module or "").startswith("matdiff"):
                parts = node.module.split(".")
                yield parts[1] if len(parts) > 1 else "api"
            elif node.level >= 1:
                base = path.relative_to(PACKAGE).parts[:-node.level] if node.level > 1 else \
                    path.relative_to(PACKAGE).parts[:-1]
                target = list(base) + (node.module.split(".") if node.module else [])
                if target:
                    yield target[0].removesuffix(".py")
                else:
                    yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "matdiff":
                    yield "api"
                elif alias.name.startswith("matdiff."):
                    yield alias.name.split(".")[1]


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(PACKAGE)) for p in MODULES])
def test_imports_point_one_way(path):
    layer = _layer(path)
    allowed = ALLOWED[layer] | {layer}
    bad = {m for m in _imports(path) if m not in allowed}
    assert not bad, f"{path.relative_to(PACKAGE)} ({layer}) imports {sorted(bad)}"


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(PACKAGE)) for p in MODULES])
def test_modules_are_small_and_say_their_role(path):
    source = path.read_text()
    tree = ast.parse(source)
    assert ast.get_docstring(tree), f"{path.name} has no module docstring"
    assert len(source.splitlines()) <= 520, f"{path.name} is over ~500 lines"
    long = [k + 1 for k, line in enumerate(source.splitlines()) if len(line) > 100]
    assert not long, f"{path.name}: lines over 100 characters: {long}"


OPS = list(Op)


@pytest.mark.parametrize("op", OPS, ids=[op.name for op in OPS])
def test_every_op_has_a_shape_rule_and_a_differential(op):
    assert op in SHAPE_RULES
    assert op in D_RULES
    if op not in LEAVES:
        assert op in RULE_NAMES


@pytest.mark.parametrize("op", OPS, ids=[op.name for op in OPS])
def test_every_op_has_code_and_a_printed_form(op):
    assert hasattr(_Writer, "e_" + op.name.lower())
    assert callable(text._SHOW[op])
