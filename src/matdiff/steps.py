"""The derivation as users see it: one step a line, in text and in LaTeX.

Wraps the steps of :mod:`matdiff.calculus.derivation` for printing: ``str(steps)`` gives one
line a step (``df = M : dM    [differential of the Frobenius norm]``), ``steps.latex`` an
``align*`` block, and each step offers ``.text`` and ``.latex`` of its equation.  Index-form
results print in index notation.
"""

from __future__ import annotations

from dataclasses import dataclass

from .calculus.derivation import Step as RawStep
from .display import environment, math_block
from .errors import UnsupportedError
from .printing.index import einsum_text
from .printing.latex import to_latex
from .printing.text import NotInLanguage, in_language, to_text

__all__ = ["Steps", "ShownStep"]


@dataclass(frozen=True, repr=False)
class ShownStep:
    """One step as shown: ``text`` and ``latex`` of its equation, and its ``rule``."""

    raw: RawStep
    index_text: str | None = None
    index_latex: str | None = None

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
        lhs = _latex_lhs(self.lhs)
        if self.index_latex is not None:
            return f"{lhs} = {self.index_latex}"
        try:
            body = to_latex(self.raw.expr, frobenius=True)
        except UnsupportedError:
            body = latex_text(self.expr_text)
        return f"{lhs} = {body}"

    def __str__(self) -> str:
        return f"{self.text}    [{self.rule}]"

    def __repr__(self) -> str:
        return f"ShownStep({self.text!r}, rule={self.rule!r})"

    def _repr_latex_(self) -> str:
        return math_block(environment("aligned", [(self.latex, latex_text(self.rule))]))


_TEXT_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_",
                 "^": r"\textasciicircum{}", "#": r"\#", "$": r"\$", "%": r"\%",
                 "&": r"\&", "~": r"\textasciitilde{}", "‖": "|"}


def latex_text(text: str) -> str:
    """Plain text for LaTeX's \\text{...}: special characters escaped."""
    return r"\text{" + "".join(_TEXT_ESCAPES.get(ch, ch) for ch in text) + "}"


def _latex_lhs(lhs: str) -> str:
    if lhs.startswith("vec(") and lhs.endswith(")"):
        return r"\operatorname{vec}(" + _latex_lhs(lhs[4:-1]) + ")"
    out = lhs.replace("∇²_", r"\nabla^2_").replace("∇_", r"\nabla_").replace("∂", r"\partial ")
    if out.startswith("d") and not out.startswith(r"\d"):
        out = r"\mathrm{d}" + out[1:]
    return out


class Steps(list):
    """The steps of a derivation (a list of :class:`ShownStep`); a step whose result has no
    matrix form shows ``index_text`` / ``index_latex``, the derivative in index notation."""

    def __init__(self, raw: list[RawStep], index_text: str, index_latex: str):
        super().__init__(
            ShownStep(step, index_text, index_latex)
            if step.note == "index" and not in_language(step.expr) else ShownStep(step)
            for step in raw)

    def __str__(self) -> str:
        if not self:
            return ""
        width = max(len(s.text) for s in self)
        return "\n".join(f"{s.text.ljust(width)}    [{s.rule}]" for s in self)

    def __repr__(self) -> str:
        """One step a line, as ``str``: what a terminal shows for ``d.steps``."""
        return str(self) if self else "Steps([])"

    @property
    def latex(self) -> str:
        """The derivation as an ``align*`` block, each rule named beside its step."""
        return environment("align*", self._rows())

    def _rows(self) -> list[tuple[str, str]]:
        return [(s.latex, latex_text(s.rule)) for s in self]

    def _repr_latex_(self) -> str:
        """In a notebook: the derivation typeset, aligned at the equals signs."""
        return math_block(environment("aligned", self._rows()))
