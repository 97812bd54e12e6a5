"""From LaTeX parse actions to the syntax tree both parsers share.

:class:`SyntaxBuilder` has one method per rule of ``latex.lark`` and runs inside the LALR
parser (lark's ``transformer=``), so no parse tree is built.  It yields the same
:class:`~matdiff.ir.syntax.Syn` as the ASCII parser: ``\\frac{1}{2}\\|DW-X\\|_F^2`` and
``1/2*norm2(D*W - X)^2`` become one IR node.  Every node carries its span, binary nodes the
operator's span (None for a juxtaposition).  What one parse needs to know (its text, the
declared names, the readings noted so far) is a :class:`ParseState` in a context variable, set
by :func:`parsing_state`, so the one parser built at import serves every call and every thread.

A juxtaposition stays a :class:`Run` of factors until something else consumes it; only then
is it folded into left-associative products (``2Ax`` is ``(2*A)*x``).  A run of letters is
split into single-letter names, except where a declared name (the longest first) matches, and
a postfix on a run applies to its last factor: ``XA^T`` is ``X*(A^T)``.

Readings that are conventions, not LaTeX:
``I`` (also bold) is the identity unless declared, ``I_3`` the 3×3 one; bold ``1`` is the
all-ones vector; ``e^{x}`` is ``exp(x)`` unless ``e`` is declared; ``^T``, ``^{T}`` and
``^{-T}`` are transposes even if ``T`` is declared (``^{(T)}`` is a power, ``^{(-1)}`` the
inverse).  Each of these is noted (a :class:`~matdiff.ir.reading.Choice`): a function word in
plain letters or ``\\mbox``/``\\rm`` before its argument is that function (``tr(AB)``),
unless declared; ``\\sigma(...)`` of an undeclared ``sigma`` is the logistic sigmoid; a run
of letters split into a product (``DWX`` is ``D*W*X``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from lark import Token, Transformer, v_args

from ..errors import ParseError
from ..ir.reading import Choice
from ..ir.syntax import Syn
from ..ir.vocabulary import GREEK_CALLS, GREEK_LETTERS, SPELLINGS
from .brackets import unwrap_number
from .latex_names import BOLD_FONTS, NAME_PATTERN, frechet_name, function_word
from .suggest import function_hint

__all__ = ["SyntaxBuilder", "ParseState", "parsing_state", "Run", "Wrt", "close"]

Span = tuple[int, int]

_TRANSPOSES = {"^{T}": "transpose", "^{-T}": "inverse transpose"}
_NORM_KINDS = {"2": "2", "F": "2", "fro": "2", "Fro": "2", "1": "1"}
_FONT = re.compile(r"\\([A-Za-z]+)\s*(.*)", re.DOTALL)
_INNER_MACRO = re.compile(r"\\([A-Za-z]+|_)")
_SIZED_BEFORE = re.compile(r"\\(?:left|bigg?|Bigg?)l?\s*$")


@dataclass
class ParseState:
    """The state of one parse: its text, the names kept whole, whether a macro the grammar
    rejected is a known command in the wrong place, the norms that have a subscript, the
    readings noted (``notes``), the spans of runs of letters split into products, and whether
    every implicit product is noted (``products``: the text was written as ASCII)."""

    text: str
    declared: set[str]
    is_command: Callable[[str], bool] = lambda command: False
    subscripted: set[int] = field(default_factory=set)
    notes: list[Choice] = field(default_factory=list)
    split: list[Span] = field(default_factory=list)
    products: bool = False

    @property
    def longest(self) -> int:
        return max(map(len, self.declared), default=1)

    def note(self, subject_span: Span, meaning: str, why: str) -> None:
        subject = self.text[subject_span[0]:subject_span[1]]
        self.notes.append(Choice("notation", subject, meaning, why, subject_span))


_STATE: ContextVar[ParseState] = ContextVar("latex_parse_state")


@contextmanager
def parsing_state(state: ParseState):
    token = _STATE.set(state)
    try:
        yield state
    finally:
        _STATE.reset(token)


@dataclass(frozen=True)
class Run:
    """A juxtaposition not yet folded into products."""

    factors: tuple[Syn, ...]

    @property
    def span(self) -> Span:
        return (self.factors[0].span[0], self.factors[-1].span[1])


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
    """A run folded into left-associative implicit products; any other node unchanged.  A run
    that holds letters split from one word (``DWX``), or any run where every implicit product
    is noted, is noted with the product it became."""
    if not isinstance(x, Run):
        return x
    acc = x.factors[0]
    for f in x.factors[1:]:
        acc = Syn("mul", (acc, f), None, (acc.span[0], f.span[1]))
    state = _STATE.get(None)
    if state is not None and len(x.factors) > 1:
        start, end = x.span
        split = [(a, b) for a, b in state.split if start <= a and b <= end]
        if split or state.products:
            state.split = [s for s in state.split if s not in split]
            product = "*".join(state.text[f.span[0]:f.span[1]] for f in x.factors)
            side_by_side = "letters" if split else "operands"
            state.note(x.span, product, f"{side_by_side} side by side are a product")
    return acc


def _factors(x) -> tuple[Syn, ...]:
    return x.factors if isinstance(x, Run) else (x,)


def _span(tok: Token) -> Span:
    return (tok.start_pos, tok.end_pos)


def _from(first, last) -> Span:
    """The span from the start of ``first`` to the end of ``last`` (tokens or nodes)."""
    start = first.start_pos if isinstance(first, Token) else first.span[0]
    end = last.end_pos if isinstance(last, Token) else last.span[1]
    return (start, end)


def _number(value: float, span: Span) -> Syn:
    return Syn("number", (), float(value), span)


def _error(message: str, span: Span) -> ParseError:
    return ParseError(message, None, (span,))


@v_args(inline=True)
class SyntaxBuilder(Transformer):
    """The parse actions.  Errors carry spans; :func:`~.latex.parse_latex` adds the text."""

    @property
    def state(self) -> ParseState:
        return _STATE.get()

    # -- the whole input -------------------------------------------------------------------
    def start(self, *children):
        if isinstance(children[-1], tuple):
            body, wrt = children[-1]
            return close(body), wrt.name
        wrt = children[0] if len(children) == 2 else None
        return close(children[-1]), (wrt.name if wrt is not None else None)

    def lead(self, *children):
        wrt = children[-1] if isinstance(children[-1], Wrt) else None
        if wrt is not None:
            self.state.declared = self.state.declared | {wrt.name}
        return wrt

    def quotient(self, opening, body, partial, wrt):
        return close(body), wrt

    def wrt(self, tok, sub=None):
        if tok.type == "FONT":
            name = self._font_text(tok)
        elif tok.type == "GREEK":
            name = str(tok)[1:]
        else:
            name = str(tok)
        if not NAME_PATTERN.fullmatch(name):
            raise _error(f"cannot differentiate by {name!r}: it is not a name", _span(tok))
        if sub is not None:
            return Wrt(f"{name}_{sub.text}", _from(tok, sub))
        return Wrt(name, _span(tok))

    # -- operators -------------------------------------------------------------------------
    def _binary(kind):
        def rule(self, left, op, right):
            return Syn(kind, (close(left), close(right)), _span(op), _from(left, right))
        return rule

    add = _binary("add")
    sub = _binary("sub")
    inner = _binary("inner")

    _PRODUCTS = {
        "STAR": "mul", "CDOT": "mul", "TIMES": "mul", "SLASH": "div", "DIVIDE": "div",
        "CIRC": "hadamard", "ODOT": "hadamard", "OTIMES": "kron", "OSLASH": "ediv",
    }

    def product(self, left, op, right):
        kind = self._PRODUCTS[op.type]
        return Syn(kind, (close(left), close(right)), _span(op), _from(left, right))

    def neg(self, op, arg):
        """A sign before a juxtaposition goes to its first factor, as in ASCII ``-2*x``."""
        first, *rest = _factors(arg)
        return close(Run((Syn("neg", (first,), None, _from(op, first)), *rest)))

    def pos(self, op, arg):
        return close(arg)

    def juxt(self, left, right):
        return Run(_factors(left) + _factors(right))

    # -- functions -------------------------------------------------------------------------
    def _function_name(self, tok: Token) -> str:
        if tok.type == "LOGDET":
            return "logdet"
        if tok.type == "FUNC_MACRO":
            return SPELLINGS[str(tok)[1:]]
        if tok.type == "FRECHET":
            return frechet_name(str(tok))
        word = function_word(str(tok))
        if tok.type == "GREEK_CALL":
            name = GREEK_CALLS[word]
            self.state.note(_span(tok), f"the logistic sigmoid {name}(...)",
                            f"\\{word} before parentheses is the sigmoid unless {word} is "
                            "declared")
            return name
        if word not in SPELLINGS:
            raise _error(f"{word} is not a known function{function_hint(word)}", _span(tok))
        if tok.type == "FUNC_PLAIN":
            self.state.note(_span(tok), f"the function {SPELLINGS[word]}(...)",
                            "a function name in plain letters before its argument")
        return SPELLINGS[word]

    def _declared_word(self, func: Token) -> Syn | None:
        """A plain function word or ``\\sigma`` that is a declared name: that name."""
        if func.type not in ("FUNC_PLAIN", "GREEK_CALL"):
            return None
        word = function_word(str(func))
        if word not in self.state.declared:
            return None
        return Syn("name", (), word, _span(func))

    def call(self, func, *args):
        *args, closing = args
        name = self._declared_word(func)
        if name is not None:
            if len(args) > 1:
                raise _error(f"{name.value} is declared, so it is no function here",
                             _span(func))
            group = Syn("group", (close(args[0]),), None, (func.end_pos, closing.end_pos))
            return Run((name, group))
        return Syn("call", tuple(close(a) for a in args), self._function_name(func),
                   _from(func, closing))

    def apply(self, func, arg):
        name = self._declared_word(func)
        if name is not None:
            return Run((name, *_factors(arg)))
        return Syn("call", (close(arg),), self._function_name(func), _from(func, arg))

    def sqrt(self, tok, arg):
        return Syn("call", (close(arg),), "sqrt", _from(tok, arg))

    def abs(self, opening, arg, closing):
        """``|x|``, its span taking in a ``\\left`` or ``\\big`` before the bar."""
        start, window = opening.start_pos, self.state.text[max(0, opening.start_pos - 8):
                                                             opening.start_pos]
        sized = _SIZED_BEFORE.search(window)
        if sized:
            start -= len(window) - sized.start()
        return Syn("bars", (close(arg),), None, (start, closing.end_pos))

    def norm(self, opening, arg, closing, sub=None):
        node = Syn("norm", (close(arg),), "2", _from(opening, closing))
        return self._norm_subscript(node, sub) if sub is not None else node

    def _norm_subscript(self, node: Syn, sub: _Sub) -> Syn:
        kind = _NORM_KINDS.get(sub.text)
        if kind is None:
            raise _error(f"unknown norm subscript {sub.text!r}: write _2, _F or _1", sub.span)
        out = Syn("norm", node.args, kind, _from(node, sub))
        self.state.subscripted.add(id(out))
        return out

    def angle(self, opening, left, right, closing):
        return Syn("inner", (close(left), close(right)), _span(opening), _from(opening, closing))

    def frac(self, tok, numerator, denominator):
        numerator, denominator = close(numerator), close(denominator)
        return Syn("div", (numerator, denominator), _span(tok), _from(tok, denominator))

    def group(self, opening, body, closing):
        return Syn("group", (close(body),), None, _from(opening, closing))

    def braced(self, body):
        return close(body)

    # -- operands --------------------------------------------------------------------------
    def number(self, tok):
        return _number(float(tok), _span(tok))

    def single(self, tok):
        if tok.type == "DIGIT1":
            return _number(float(tok), _span(tok))
        if tok.type == "GREEK":
            return Syn("name", (), str(tok)[1:], _span(tok))
        return self._letter(str(tok), _span(tok))

    def _letter(self, name: str, span: Span) -> Syn:
        if name == "I" and "I" not in self.state.declared:
            return Syn("name", (), "eye", span)
        return Syn("name", (), name, span)

    def letters(self, tok, sub=None):
        word, start, declared = str(tok), tok.start_pos, self.state.declared
        factors, i = [], 0
        while i < len(word):
            if word[i].isdigit():
                j = i + 1
                while j < len(word) and word[j].isdigit():
                    j += 1
                factors.append(_number(float(word[i:j]), (start + i, start + j)))
            else:
                longest = min(len(word), i + self.state.longest)
                j = next((k for k in range(longest, i + 1, -1) if word[i:k] in declared), i + 1)
                factors.append(self._letter(word[i:j], (start + i, start + j)))
            i = j
        if len(factors) > 1:
            self.state.split.append(_span(tok))
        if sub is not None:
            factors[-1] = self._name_subscript(factors[-1], sub)
        return Run(tuple(factors))

    def greek(self, tok, sub=None):
        node = Syn("name", (), str(tok)[1:], _span(tok))
        return self._name_subscript(node, sub) if sub is not None else node

    def font(self, tok, sub=None):
        command = _FONT.match(str(tok)).group(1)
        name = self._font_text(tok)
        if command in BOLD_FONTS and name == "1":
            node = Syn("call", (_number(1.0, _span(tok)),), "vector", _span(tok))
        elif name.isdigit():
            node = _number(float(name), _span(tok))
        elif command in BOLD_FONTS and name == "I":
            node = self._letter("I", _span(tok))
        elif NAME_PATTERN.fullmatch(name):
            node = Syn("name", (), name, _span(tok))
        else:
            raise _error(f"{tok} is not a name", _span(tok))
        return self._name_subscript(node, sub) if sub is not None else node

    def _font_text(self, tok: Token) -> str:
        """The name inside ``\\mathbf{w_1}``, ``\\boldsymbol{\\beta}``, ``\\mathrm{W\\_out}``."""
        inner = _FONT.match(str(tok)).group(2).strip()
        if inner.startswith("{"):
            inner = inner[1:-1]

        def macro(m: re.Match) -> str:
            word = m.group(1)
            if word == "_" or word in GREEK_LETTERS:
                return word
            raise _error(f"\\{word} is not a known command inside {tok}", _span(tok))

        return re.sub(r"[{}\s]", "", _INNER_MACRO.sub(macro, inner))

    def unknown(self, tok):
        if self.state.is_command(str(tok)):
            raise _error(f"{tok} cannot stand here", _span(tok))
        raise _error(f"{tok} is not a known command", _span(tok))

    # -- scripts ---------------------------------------------------------------------------
    def subscript(self, underscore, *pieces):
        text = []
        for p in pieces:
            if p.type == "GREEK":
                text.append(str(p)[1:])
            elif p.type == "FONT":
                text.append(self._font_text(p))
            elif p.type != "RBRACE":
                text.append(str(p))
        return _Sub("".join(text), _from(underscore, pieces[-1]))

    def _name_subscript(self, node: Syn, sub: _Sub) -> Syn:
        """``W`` with ``_1`` is the name ``W_1``; ``I_3`` is ``eye(3)``; a norm takes its kind."""
        span = _from(node, sub)
        if node.kind == "norm" and id(node) not in self.state.subscripted:
            return self._norm_subscript(node, sub)
        if node.kind == "name" and node.value == "eye":
            if sub.text.isdigit():
                return Syn("call", (_number(float(sub.text), sub.span),), "eye", span)
            return Syn("name", (), "eye", span)
        if node.kind != "name" or "_" in node.value:
            raise _error("a subscript belongs to a name or a norm", sub.span)
        name = f"{node.value}_{sub.text}"
        if not NAME_PATTERN.fullmatch(name):
            raise _error(f"{name!r} is not a name", span)
        return Syn("name", (), name, span)

    def sup_char(self, caret, tok):
        if str(tok) == "T":
            return _Sup("transpose", None, _from(caret, tok))
        return _Sup("pow", self.single(tok), _from(caret, tok))

    def sup_top(self, caret, top, closing=None):
        return _Sup("transpose", None, _from(caret, closing or top))

    def sup_inverse_top(self, caret, minus, top, closing):
        return _Sup("inverse transpose", None, _from(caret, closing))

    def sup_group(self, caret, body, closing):
        span = _from(caret, closing)
        written = "".join(self.state.text[span[0]:span[1]].split())
        if written in _TRANSPOSES:
            return _Sup(_TRANSPOSES[written], None, span)
        exponent = close(body)
        if exponent.kind == "group" and unwrap_number(exponent) is not exponent:
            exponent = unwrap_number(exponent)
            self.state.note(span, f"the power {written[2:-1].strip('()')}",
                            "a number in parentheses as exponent is a power")
        return _Sup("pow", exponent, span)

    def sup_elementwise(self, caret, op, body, closing):
        return _Sup("epow", close(body), _from(caret, closing))

    def power(self, base, sup):
        if isinstance(base, Run):
            *head, last = base.factors
            if last.kind == "name" and last.value == "e" and sup.kind == "pow" \
                    and "e" not in self.state.declared:
                raised = Syn("call", (sup.exponent,), "exp", _from(last, sup))
            else:
                raised = self._raise_to(last, sup)
            return Run((*head, raised))
        return self._raise_to(base, sup)

    def _raise_to(self, base: Syn, sup: _Sup) -> Syn:
        span = _from(base, sup)
        if sup.kind == "transpose":
            return Syn("transpose", (base,), sup.span, span)
        if sup.kind == "inverse transpose":
            minus_one = Syn("neg", (_number(1.0, sup.span),), None, sup.span)
            inverse = Syn("pow", (base, minus_one), sup.span, span)
            return Syn("transpose", (inverse,), sup.span, span)
        return Syn(sup.kind, (base, sup.exponent), sup.span, span)

    def power_sub(self, base, sup, sub):
        if isinstance(base, Run):
            *head, last = base.factors
            return self.power(Run((*head, self._name_subscript(last, sub))), sup)
        return self.power(self._name_subscript(base, sub), sup)

    def prime(self, base, quote):
        if isinstance(base, Run):
            *head, last = base.factors
            return Run((*head, Syn("transpose", (last,), _span(quote), _from(last, quote))))
        return Syn("transpose", (base,), _span(quote), _from(base, quote))
