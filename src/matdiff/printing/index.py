"""The index-notation printer: Einstein summation with Kronecker deltas.

``∂F_ij/∂A_kl = δ_ik B_lj`` — free indices are named ``i j k l …`` in the order of the
result's axes, summed ones ``p q r s …``; a repeated index is summed.  A factor that is a
compound expression prints in parentheses with its indices after: ``(D*W - X)_pj``.  Sizes of
one (the row of a row vector) carry no index.  Like terms print combined and numbers folded
into the coefficient (``2 δ_ik δ_jl``), Kronecker deltas first.
"""

from __future__ import annotations

from ..errors import UnsupportedError
from ..ir import Node, Op
from ..tensor import Term, tidy
from ..ir.vocabulary import FRECHET_OF
from .latex import latex_number, to_latex
from .text import NotInLanguage, number_text, to_text

__all__ = ["index_notation", "term_text", "einsum_text"]

_FREE = "ijklmnuvwxyz"
_SUMMED = "pqrstabcdefgh"


def _letters(out: tuple) -> dict:
    names: dict = {}
    free = iter(_FREE)
    for i in out:
        if i is not None and i not in names:
            names[i] = next(free, None) or f"i{len(names)}"
    return names


def _per_index(node: Node, idx: list[str], latex: bool) -> str:
    """A Fréchet derivative with a derivative per index pair (directions that are the unit
    matrices): ``L_expm(X, e_k e_l')_ij``."""
    first, batch = idx[:2], iter(idx[2:])
    shown = [to_latex(node.args[0]) if latex else to_text(node.args[0])]
    for e in node.args[1:]:
        if e.rank > 2:
            k, m = next(batch), next(batch)
            shown.append(f"e_{{{k}}} e_{{{m}}}^\\top" if latex else f"e_{k}*e_{m}'")
        else:
            shown.append(to_latex(e) if latex else to_text(e))
    args = ", ".join(shown)
    row = FRECHET_OF[node.attrs[0]]
    if latex:
        return f"{row.latex_head}\\left({args}\\right)_{{{''.join(first)}}}"
    return f"{row.name}({args})_{''.join(first)}"


def _shown(node: Node, latex: bool, texts: dict[int, str]) -> str:
    """``node`` as LaTeX or text, printed once per index notation (``texts``): a factor
    shared by many terms is one node."""
    text = texts.get(id(node))
    if text is None:
        text = texts[id(node)] = to_latex(node) if latex else to_text(node)
    return text


def _factor_latex(node: Node, idx: list[str], texts: dict[int, str]) -> str:
    sub = "_{" + "".join(idx) + "}" if idx else ""
    if node.op is Op.EYE:
        return "\\delta" + sub
    if node.op is Op.FILL:
        return latex_number(node.attrs[0]) + sub
    if node.op is Op.FUSE:
        return f"[{idx[0]} = ({idx[1]}, {idx[2]})]"
    if node.op is Op.FRECHET and node.rank > 2:
        return _per_index(node, idx, True)
    try:
        text = _shown(node, True, texts)
    except UnsupportedError:
        text = "T"
    if node.op not in (Op.VAR, Op.CONST):
        text = f"\\left({text}\\right)"
    return text + sub


def _factor_text(node: Node, idx: list[str], latex: bool = False,
                 texts: dict[int, str] | None = None) -> str:
    texts = {} if texts is None else texts
    if latex:
        return _factor_latex(node, idx, texts)
    sub = "".join(idx)
    if node.op is Op.EYE:
        return f"δ_{sub}"
    if node.op is Op.FILL:
        return number_text(node.attrs[0]) if not sub else f"{number_text(node.attrs[0])}_{sub}"
    if node.op is Op.FUSE:
        return f"[{idx[0]} = ({idx[1]},{idx[2]})]"
    if node.op is Op.FRECHET and node.rank > 2:
        return _per_index(node, idx, False)
    try:
        text = _shown(node, False, texts)
    except NotInLanguage:
        text = "T"
    if not (node.op is Op.VAR or node.op is Op.CONST):
        text = f"({text})"
    return f"{text}_{sub}" if sub else text


def term_text(term: Term, names: dict, latex: bool = False,
              texts: dict[int, str] | None = None) -> str:
    """One term: coefficient, then its factors with their indices (``texts``: the factors
    printed so far, by node id)."""
    local = dict(names)
    summed = iter(_SUMMED)
    parts = []
    for f in term.factors:
        idx = []
        for i in f.idx:
            if i is None:
                continue
            if i not in local:
                local[i] = next(summed, None) or f"s{len(local)}"
            idx.append(local[i])
        parts.append(_factor_text(f.node, idx, latex, texts))
    body = " ".join(parts)
    coef = term.coef
    number = latex_number if latex else number_text
    if not body:
        return number(coef)
    if coef == 1.0:
        return body
    if coef == -1.0:
        return "-" + body
    return f"{number(coef)} {body}"


def index_notation(terms: list[Term], out: tuple, lhs: str | None,
                   latex: bool = False) -> str:
    """``lhs = Σ terms`` with the free indices of ``out``; ``lhs`` may use ``{0}``, ``{1}`` …

    for the names of the free indices in order.  Without ``lhs``, the right side alone.
    The terms print tidied (:func:`matdiff.tensor.tidy`): numbers folded, like terms combined.
    """
    terms = tidy(terms, out)
    names = _letters(out)
    text = "" if terms else "0"
    texts: dict[int, str] = {}
    for k, t in enumerate(terms):
        piece = term_text(t, names, latex, texts)
        if k and piece.startswith("-"):
            text += " - " + piece[1:]
        else:
            text += (" + " if k else "") + piece
    if lhs is None:
        return text
    free = [names[i] for i in out if i is not None]
    left = lhs.format(*free) if free else lhs.format(*([""] * 8))
    return f"{left} = {text}"


def einsum_text(node: Node) -> str:
    """Any node, with its index-form parts (``EINSUM``) written in index notation."""
    if node.op is Op.EINSUM:
        specs, _ = node.attrs
        return " ".join(_factor_text(a, [ch for ch in spec if ch != "_"])
                        for a, spec in zip(node.args, specs))
    if node.op is Op.ADD:
        parts = [einsum_text(a) for a in node.args]
        text = parts[0]
        for p in parts[1:]:
            text += " - " + p[1:] if p.startswith("-") else " + " + p
        return text
    if node.op is Op.NEG:
        return "-" + _grouped(node.args[0])
    if node.op is Op.SCALE:
        return _grouped(node.args[0]) + " " + _grouped(node.args[1])
    try:
        return to_text(node, frobenius=True)
    except NotInLanguage:
        return "(" + ", ".join(einsum_text(a) for a in node.args) + ")"


def _grouped(node: Node) -> str:
    text = einsum_text(node)
    return f"({text})" if node.op is Op.ADD else text
