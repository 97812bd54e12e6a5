"""From the LaTeX parse tree to the syntax tree both parsers share.

:class:`SyntaxBuilder` is a lark transformer, one method per rule of ``latex.lark``; it yields
the same :class:`~matdiff.ir.syntax.Syn` as the ASCII parser, so ``\\frac{1}{2}\\|DW-X\\|_F^2``
and ``1/2*norm2(D*W - X)^2`` become one IR node.  Every node carries its span, binary nodes
the operator's span (None for a juxtaposition).

A juxtaposition stays a :class:`Run` of factors until something else consumes it; only then
is it folded into left-associative products (``2Ax`` is ``(2*A)*x``).  A run of letters is
split into single-letter names, except where a declared name (the longest first) matches, and
a postfix on a run applies to its last factor: ``XA^T`` is ``X*(A^T)``.

Readings that are conventions, not LaTeX:
``I`` (also bold) is the identity unless declared, ``I_3`` the 3×3 one; bold ``1`` is the
all-ones vector; ``e^{x}`` is ``exp(x)`` unless ``e`` is declared; a run of letters that spells
a function (``tr``) is an error asking for ``\\operatorname{tr}``; ``^T`` and ``^{T}`` are
transposes even if ``T`` is declared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lark import Token, Transformer, v_args

from ..errors import ParseError
from ..ir.syntax import Syn
from .latex_names import BOLD_FONTS, FUNCTION_WORDS, GREEK_LETTERS, NAME_PATTERN

__all__ = ["SyntaxBuilder", "Run", "Wrt", "close"]

Span = tuple[int, int]

_NORM_KINDS = {"2": "2", "F": "2", "fro": "2", "Fro": "2", "1": "1"}
_FONT = re.compile(r"\\([A-Za-z]+)\s*(.*)", re.DOTALL)
_INNER_MACRO = re.compile(r"\\([A-Za-z]+|_)")
_BRACED_WORD = re.compile(r"\{\s*([^{}]*?)\s*\}")


@dataclass(frozen=True)
class Run:
    """A juxtaposition not yet folded into products."""

    factors: tuple[Syn, ...]


@dataclass(frozen=True)
class Wrt:
    """The variable a leading ``\\nabla_W`` or ``\\frac{\\partial}{\\partial W}`` names."""

    name: str
    span: Span


@dataclass(frozen=True)
class _Sup:
    kind: str  # "transpose", "inverse transpose", "pow", "epow"
    exponent: Syn | None
    span: Span


@dataclass(frozen=True)
class _Sub:
    text: str
    span: Span


def close(x) -> Syn:
    """A run folded into left-associative implicit products; any other node unchanged."""
    if not isinstance(x, Run):
        return x
    acc = x.factors[0]
    for f in x.factors[1:]:
        acc = Syn("mul", (acc, f), None, (acc.span[0], f.span[1]))
    return acc


def _factors(x) -> tuple[Syn, ...]:
    return x.factors if isinstance(x, Run) else (x,)


def _span(x) -> Span:
    return (x.start_pos, x.end_pos)


def _number(value: float, span: Span) -> Syn:
    return Syn("number", (), float(value), span)


@v_args(meta=True, inline=True)
class SyntaxBuilder(Transformer):
    """The transformer; ``declared`` names are kept whole when letters are split, and
    ``is_command(pos)`` tells whether a macro at ``pos`` is one the grammar knows (and only
    stands in the wrong place)."""

    def __init__(self, text: str, declared: set[str], is_command=lambda pos: False):
        super().__init__()
        self.text = text
        self.declared = declared
        self.is_command = is_command
        self.subscripted: set[int] = set()

    def error(self, message: str, span: Span) -> ParseError:
        return ParseError(message, self.text, (span,))

    # -- the whole input -------------------------------------------------------------------
    def start(self, meta, *children):
        if isinstance(children[-1], tuple):
            body, wrt = children[-1]
            return close(body), wrt.name
        wrt = children[0] if len(children) == 2 else None
        return close(children[-1]), (wrt.name if wrt is not None else None)

    def lead(self, meta, *children):
        return children[-1] if isinstance(children[-1], Wrt) else None

    def quotient(self, meta, opening, body, partial, wrt):
        return close(body), wrt

    def wrt(self, meta, tok, sub=None):
        if tok.type == "FONT":
            name = self.font_text(tok)
        elif tok.type == "GREEK":
            name = str(tok)[1:]
        else:
            name = str(tok)
        if not NAME_PATTERN.fullmatch(name):
            raise self.error(f"cannot differentiate by {name!r}: it is not a name", _span(tok))
        return Wrt(self.subscripted_name(name, sub), _span(meta))

    # -- operators -------------------------------------------------------------------------
    def _binary(kind):
        def rule(self, meta, left, op, right):
            return Syn(kind, (close(left), close(right)), _span(op), _span(meta))
        return rule

    add = _binary("add")
    sub = _binary("sub")
    inner = _binary("inner")

    _PRODUCTS = {
        "STAR": "mul", "CDOT": "mul", "TIMES": "mul", "SLASH": "div", "DIVIDE": "div",
        "CIRC": "hadamard", "ODOT": "hadamard", "OTIMES": "kron", "OSLASH": "ediv",
    }

    def product(self, meta, left, op, right):
        kind = self._PRODUCTS[op.type]
        return Syn(kind, (close(left), close(right)), _span(op), _span(meta))

    def neg(self, meta, op, arg):
        return Syn("neg", (close(arg),), None, _span(meta))

    def pos(self, meta, op, arg):
        return close(arg)

    def juxt(self, meta, left, right):
        return Run(_factors(left) + _factors(right))

    # -- functions -------------------------------------------------------------------------
    def function_name(self, tok: Token) -> str:
        if tok.type == "LOGDET":
            return "logdet"
        if tok.type == "FUNC_MACRO":
            return FUNCTION_WORDS[str(tok)[1:]]
        word = _BRACED_WORD.search(str(tok)).group(1)
        if word not in FUNCTION_WORDS:
            raise self.error(f"{word} is not a known function", _span(tok))
        return FUNCTION_WORDS[word]

    def call(self, meta, func, *args):
        name = self.function_name(func)
        return Syn("call", tuple(close(a) for a in args), name, _span(meta))

    def apply(self, meta, func, arg):
        return Syn("call", (close(arg),), self.function_name(func), _span(meta))

    def sqrt(self, meta, tok, arg):
        return Syn("call", (close(arg),), "sqrt", _span(meta))

    def abs(self, meta, arg):
        return Syn("call", (close(arg),), "abs", _span(meta))

    def norm(self, meta, arg, sub=None):
        node = Syn("norm", (close(arg),), "2", _span(meta))
        return self.norm_subscript(node, sub) if sub is not None else node

    def norm_subscript(self, node: Syn, sub: _Sub) -> Syn:
        kind = _NORM_KINDS.get(sub.text)
        if kind is None:
            raise self.error(f"unknown norm subscript {sub.text!r}: write _2, _F or _1",
                             sub.span)
        out = Syn("norm", node.args, kind, (node.span[0], sub.span[1]))
        self.subscripted.add(id(out))
        return out

    def angle(self, meta, langle, left, right):
        return Syn("inner", (close(left), close(right)), _span(langle), _span(meta))

    def frac(self, meta, tok, numerator, denominator):
        return Syn("div", (close(numerator), close(denominator)), _span(tok), _span(meta))

    def group(self, meta, body):
        return close(body)

    # -- operands --------------------------------------------------------------------------
    def number(self, meta, tok):
        return _number(float(tok), _span(tok))

    def single(self, meta, tok):
        if tok.type == "DIGIT1":
            return _number(float(tok), _span(tok))
        if tok.type == "GREEK":
            return Syn("name", (), str(tok)[1:], _span(tok))
        return self.letter(str(tok), _span(tok))

    def letter(self, name: str, span: Span) -> Syn:
        if name == "I" and "I" not in self.declared:
            return Syn("name", (), "eye", span)
        return Syn("name", (), name, span)

    def letters(self, meta, tok, sub=None):
        word, start = str(tok), tok.start_pos
        if word in FUNCTION_WORDS and len(word) > 1 and word not in self.declared:
            raise self.error(f"{word} reads as a product of letters: write "
                             f"\\operatorname{{{word}}} for the function", _span(tok))
        factors, i = [], 0
        while i < len(word):
            if word[i].isdigit():
                j = i + 1
                while j < len(word) and word[j].isdigit():
                    j += 1
                factors.append(_number(float(word[i:j]), (start + i, start + j)))
            else:
                j = next((k for k in range(len(word), i + 1, -1) if word[i:k] in self.declared),
                         i + 1)
                factors.append(self.letter(word[i:j], (start + i, start + j)))
            i = j
        if sub is not None:
            factors[-1] = self.name_subscript(factors[-1], sub)
        return Run(tuple(factors))

    def greek(self, meta, tok, sub=None):
        node = Syn("name", (), str(tok)[1:], _span(tok))
        return self.name_subscript(node, sub) if sub is not None else node

    def font(self, meta, tok, sub=None):
        command = _FONT.match(str(tok)).group(1)
        name = self.font_text(tok)
        if command in BOLD_FONTS and name == "1":
            node = Syn("call", (_number(1.0, _span(tok)),), "vector", _span(tok))
        elif name.isdigit():
            node = _number(float(name), _span(tok))
        elif command in BOLD_FONTS and name == "I":
            node = self.letter("I", _span(tok))
        elif NAME_PATTERN.fullmatch(name):
            node = Syn("name", (), name, _span(tok))
        else:
            raise self.error(f"{tok} is not a name", _span(tok))
        return self.name_subscript(node, sub) if sub is not None else node

    def font_text(self, tok: Token) -> str:
        """The name inside ``\\mathbf{w_1}``, ``\\boldsymbol{\\beta}``, ``\\mathrm{W\\_out}``."""
        inner = _FONT.match(str(tok)).group(2).strip()
        if inner.startswith("{"):
            inner = inner[1:-1]

        def macro(m: re.Match) -> str:
            word = m.group(1)
            if word == "_" or word in GREEK_LETTERS:
                return word
            raise self.error(f"\\{word} is not a known command inside {tok}", _span(tok))

        return re.sub(r"[{}\s]", "", _INNER_MACRO.sub(macro, inner))

    def unknown(self, meta, tok):
        if self.is_command(tok.start_pos):
            raise self.error(f"{tok} cannot stand here", _span(tok))
        raise self.error(f"{tok} is not a known command", _span(tok))

    # -- scripts ---------------------------------------------------------------------------
    def subscript(self, meta, underscore, *pieces):
        text = []
        for p in pieces:
            if p.type == "GREEK":
                text.append(str(p)[1:])
            elif p.type == "FONT":
                text.append(self.font_text(p))
            else:
                text.append(str(p))
        return _Sub("".join(text), _span(meta))

    def name_subscript(self, node: Syn, sub: _Sub) -> Syn:
        """``W`` with ``_1`` is the name ``W_1``; ``I_3`` is ``eye(3)``; a norm takes its kind."""
        span = (node.span[0], sub.span[1])
        if node.kind == "norm" and id(node) not in self.subscripted:
            return self.norm_subscript(node, sub)
        if node.kind == "name" and node.value == "eye":
            if sub.text.isdigit():
                return Syn("call", (_number(float(sub.text), sub.span),), "eye", span)
            return Syn("name", (), "eye", span)
        if node.kind != "name" or "_" in node.value:
            raise self.error("a subscript belongs to a name or a norm", sub.span)
        name = f"{node.value}_{sub.text}"
        if not NAME_PATTERN.fullmatch(name):
            raise self.error(f"{name!r} is not a name", span)
        return Syn("name", (), name, span)

    def subscripted_name(self, name: str, sub: _Sub | None) -> str:
        return name if sub is None else f"{name}_{sub.text}"

    def sup_char(self, meta, caret, tok):
        if str(tok) == "T":
            return _Sup("transpose", None, _span(meta))
        return _Sup("pow", self.single(meta, tok), _span(meta))

    def sup_top(self, meta, caret, top):
        return _Sup("transpose", None, _span(meta))

    def sup_inverse_top(self, meta, caret, minus, top):
        return _Sup("inverse transpose", None, _span(meta))

    def sup_group(self, meta, caret, body):
        body = close(body)
        if body.kind == "name" and body.value == "T":
            return _Sup("transpose", None, _span(meta))
        if body.kind == "neg" and body.args[0].kind == "name" and body.args[0].value == "T":
            return _Sup("inverse transpose", None, _span(meta))
        return _Sup("pow", body, _span(meta))

    def sup_elementwise(self, meta, caret, op, body):
        return _Sup("epow", close(body), _span(meta))

    def power(self, meta, base, sup):
        if isinstance(base, Run):
            *head, last = base.factors
            if last.kind == "name" and last.value == "e" and "e" not in self.declared \
                    and sup.kind == "pow":
                raised = Syn("call", (sup.exponent,), "exp", (last.span[0], sup.span[1]))
            else:
                raised = self.raise_to(last, sup, (last.span[0], sup.span[1]))
            return Run((*head, raised))
        return self.raise_to(base, sup, _span(meta))

    def raise_to(self, base: Syn, sup: _Sup, span: Span) -> Syn:
        if sup.kind == "transpose":
            return Syn("transpose", (base,), sup.span, span)
        if sup.kind == "inverse transpose":
            minus_one = Syn("neg", (_number(1.0, sup.span),), None, sup.span)
            inverse = Syn("pow", (base, minus_one), sup.span, span)
            return Syn("transpose", (inverse,), sup.span, span)
        return Syn(sup.kind, (base, sup.exponent), sup.span, span)

    def power_sub(self, meta, base, sup, sub):
        if isinstance(base, Run):
            *head, last = base.factors
            return self.power(meta, Run((*head, self.name_subscript(last, sub))), sup)
        return self.power(meta, self.name_subscript(base, sub), sup)

    def prime(self, meta, base, quote):
        if isinstance(base, Run):
            *head, last = base.factors
            return Run((*head, Syn("transpose", (last,), _span(quote),
                                   (last.span[0], quote.end_pos))))
        return Syn("transpose", (base,), _span(quote), _span(meta))
