"""The derivation as users see it: one step a line, in text and in LaTeX.

Wraps the steps of :mod:`matdiff.calculus.derivation` for printing: ``str(steps)`` gives one
line a step (``df = M : dM    [differential of the Frobenius norm]``), ``steps.latex`` an
``align*`` block, and each step offers ``.text`` and ``.latex`` of its equation.  Index-form
results print in index notation.
"""

from __future__ import annotations

from dataclasses import dataclass

from .calculus.derivation import Step as RawStep
from .printing.index import einsum_text
from .printing.text import NotInLanguage, in_language, to_text

__all__ = ["Steps", "ShownStep"]


@dataclass(frozen=True)
class ShownStep:
    raw: RawStep
    index_text: str | None = None

    @property
    def rule(self) -> str:
        return self.raw.rule

    @property
    def lhs(self) -> str:
        return self.raw.lhs

    @property
    def expr_text(self) -> str:
        if self.index_text is not None:
            return self.index_text
        try:
            return to_text(self.raw.expr, frobenius=True)
        except NotInLanguage:
            return einsum_text(self.raw.expr)

    @property
    def text(self) -> str:
        return f"{self.lhs} = {self.expr_text}"

    @property
    def latex(self) -> str:
        from .printing.latex import to_latex

        lhs = _latex_lhs(self.lhs)
        if self.index_text is not None or not in_language(self.raw.expr) and \
                not _only_differentials(self.raw.expr):
            body = r"\text{" + self.expr_text.replace("_", r"\_") + "}"
        else:
            body = to_latex(self.raw.expr)
        return f"{lhs} = {body}"


def _only_differentials(node) -> bool:
    from .ir import Op

    return all(n.op is not Op.EINSUM and n.op is not Op.FUSE for n in node.walk())


def _latex_lhs(lhs: str) -> str:
    out = lhs.replace("∇²_", r"\nabla^2_").replace("∇_", r"\nabla_").replace("∂", r"\partial ")
    if out.startswith("d") and not out.startswith(r"\d"):
        out = r"\mathrm{d}" + out[1:]
    return out


class Steps(list):
    """The steps of a derivation (a list of :class:`ShownStep`)."""

    def __init__(self, raw: list[RawStep], derivative):
        shown = []
        for step in raw:
            index_text = None
            if step.note == "index" and not in_language(step.expr):
                index_text = derivative.index.split(" = ", 1)[1]
            shown.append(ShownStep(step, index_text))
        super().__init__(shown)

    def __str__(self) -> str:
        if not self:
            return ""
        width = max(len(s.text) for s in self)
        return "\n".join(f"{s.text.ljust(width)}    [{s.rule}]" for s in self)

    @property
    def latex(self) -> str:
        rows = [f"{s.latex.replace(' = ', ' &= ', 1)} && \\text{{{s.rule}}}" for s in self]
        return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"
