"""The architecture holds: every op has its rule in every table, and imports point one way.

Layers (STYLE.md): IR ← shapes ← parsing / rewriting / printing / codegen (and the index-form
package ``tensor``) ← calculus ← api ← command line / web.  The command line and the web app
use the public API only, and the formatting they share (``presentation``); neither imports
the other's modules, except that ``matdiff serve`` starts the web app.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from matdiff.calculus import D_RULES, RULE_NAMES
from matdiff.errors import UnsupportedError
from matdiff.ir import LEAVES, Op
from matdiff.ir.shape_rules import SHAPE_RULES
from matdiff.printing.latex import to_latex
from matdiff.printing.text import NotInLanguage, to_text
from op_examples import EXAMPLES, missing_examples

PACKAGE = Path(__import__("matdiff").__file__).parent

ALLOWED = {
    "errors": set(),
    "display": set(),
    "interop": {"ir", "errors"},
    "ir": {"errors"},
    "shapes": {"ir", "errors"},
    "parsing": {"shapes", "ir", "errors"},
    "tensor": {"ir", "errors"},
    "rewriting": {"ir", "errors"},
    "printing": {"ir", "tensor", "errors"},
    "codegen": {"ir", "errors"},
    "calculus": {"ir", "tensor", "rewriting", "errors"},
    "numeric": {"ir", "errors", "codegen"},
    "steps": {"calculus", "printing", "ir", "errors", "display"},
    "api": {"calculus", "codegen", "errors", "ir", "parsing", "printing", "rewriting",
            "shapes", "tensor", "steps", "numeric", "display", "interop"},
    "verification": {"api", "errors", "ir", "parsing", "printing", "rewriting", "numeric",
                     "display"},
    "presentation": {"api", "ir"},
    "cli": {"api", "presentation", "web"},  # web: `matdiff serve` starts the app, nothing else
    "web": {"api", "presentation"},
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


def test_the_command_line_imports_of_the_web_app_only_its_server():
    tree = ast.parse((PACKAGE / "cli.py").read_text())
    web = {node.module for node in ast.walk(tree)
           if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("web")}
    assert web == {"web.server"}


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


# What each printer shows for the op's example node (``op_examples.py``); None where the
# printer has no form for it and says so with its error.
PRINTED = {
    Op.VAR: ("A", "A"),
    Op.DIFF: ("dA", "\\mathrm{d}A"),
    Op.CONST: ("2.5", "2.5"),
    Op.EYE: ("eye", "I"),
    Op.FILL: ("vector(1)", "\\mathbf{1}"),
    Op.FUSE: (None, None),
    Op.ADD: ("A + eye", "A + I"),
    Op.NEG: ("-B", "-B"),
    Op.SCALE: ("a*B", "a B"),
    Op.MATMUL: ("A*B", "A B"),
    Op.HADAMARD: ("A.*A", "A \\odot A"),
    Op.DIV: ("B/a", "\\frac{B}{a}"),
    Op.POW: ("x.^2", "x^{\\circ 2}"),
    Op.MATPOW: ("A^3", "A^{3}"),
    Op.TRANSPOSE: ("B'", "B^\\top"),
    Op.TRACE: ("tr(A)", "\\operatorname{tr}(A)"),
    Op.DET: ("det(A)", "\\det(A)"),
    Op.LOGDET: ("logdet(A)", "\\log\\det(A)"),
    Op.INV: ("inv(A)", "A^{-1}"),
    Op.DIAGM: ("diag(x)", "\\operatorname{diag}(x)"),
    Op.DIAGV: ("diag(A)", "\\operatorname{diag}(A)"),
    Op.VEC: ("vec(B)", "\\operatorname{vec}(B)"),
    Op.SUM: ("sum(B)", "\\operatorname{sum}(B)"),
    Op.KRON: ("kron(A, B)", "A \\otimes B"),
    Op.NORM2: ("norm2(x)", "\\|x\\|_2"),
    Op.NORM1: ("norm1(B)", "\\|B\\|_1"),
    Op.FUNC: ("exp(x)", "\\exp(x)"),
    Op.LOGSUMEXP: ("logsumexp(x)", "\\operatorname{logsumexp}(x)"),
    Op.SOFTMAX: ("softmax(x)", "\\operatorname{softmax}(x)"),
    Op.EINSUM: (None, None),
    Op.MATFUNC: ("expm(A)", "\\operatorname{expm}(A)"),
    Op.FRECHET: ("L_sqrtm(A, A')", "L_{\\sqrt{\\cdot}}(A, A^\\top)"),
}


def test_every_op_has_an_example_and_a_printed_form_on_record():
    assert not missing_examples(), "ops without an example in op_examples.py"
    assert set(PRINTED) == set(Op), f"ops without a printed form: {set(Op) - set(PRINTED)}"


@pytest.mark.parametrize("op", OPS, ids=[op.name for op in OPS])
def test_every_op_prints_in_both_notations(op):
    node = EXAMPLES[op]
    assert node.op is op
    text, latex = PRINTED[op]
    if text is None:
        with pytest.raises(NotInLanguage):
            to_text(node)
    else:
        assert to_text(node) == text
    if latex is None:
        with pytest.raises(UnsupportedError):
            to_latex(node)
    else:
        assert to_latex(node) == latex
