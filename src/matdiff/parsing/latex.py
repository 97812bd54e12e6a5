"""The LaTeX grammar (``latex.lark``) and its entry point :func:`parse_latex`.

Lark builds one LALR(1) parser, on the first LaTeX input, with the contextual lexer (so
``^2`` after a caret is one digit, as in TeX, and ``\\frac12`` is ``\\frac{1}{2}``) and the
parse actions of :class:`~.latex_build.SyntaxBuilder` built in, so a parse builds the shared
syntax tree directly.  Input is checked for balanced ``()[]{}`` and ``\\left``/``\\right``
first, so the caret lands on the bracket at fault; every failure after that is a
:class:`ParseError` with a caret and what was expected, and an unknown macro is named
(``\\foo is not a known command``), never dropped.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from lark import Lark
from lark.exceptions import UnexpectedCharacters, UnexpectedInput

from ..errors import MatdiffError, ParseError
from ..ir.reading import Choice
from ..ir.syntax import Syn
from .brackets import check_brackets
from .latex_build import ParseState, SyntaxBuilder, parsing_state
from .latex_names import (frechet_terminal, greek_call_terminal, greek_terminal, macro_terminal,
                          plain_terminal, word_terminal)
from .suggest import operator_hint

__all__ = ["parse_latex"]



def _grammar() -> str:
    """``latex.lark`` with the terminals built from the vocabulary."""
    return "\n".join([
        resources.files(__package__).joinpath("latex.lark").read_text(),
        greek_terminal(), macro_terminal(), word_terminal(), plain_terminal(),
        greek_call_terminal(), frechet_terminal(), "",
    ])


@cache
def _parser() -> tuple[Lark, re.Pattern]:
    """The LaTeX parser and the pattern of the commands it knows, built on first use (ASCII
    input never pays for them)."""
    parser = Lark(_grammar(), parser="lalr", lexer="contextual", transformer=SyntaxBuilder(),
                  maybe_placeholders=False, cache=True)
    known = re.compile("|".join(
        f"(?:{t.pattern.to_regexp()})" for t in parser.terminals if t.name != "MACRO"))
    return parser, known


_COMMAND = re.compile(r"\\(?:[A-Za-z]+|.)")
_LEFT_RIGHT = re.compile(r"\\(left|right)(?![A-Za-z])")

_OPERAND = {"WORD", "LETTER1", "NUMBER", "DIGIT1", "GREEK", "FONT"}
_OPERATORS = {"PLUS", "MINUS", "STAR", "SLASH", "CDOT", "TIMES", "DIVIDE", "CIRC", "ODOT",
              "OTIMES", "OSLASH", "COLON"}
_CLOSERS = {"RPAR": "')'", "RSQB": "']'", "RBRACE": "'}'", "BAR": "'|'",
            "NORMBAR": "'\\|'", "RANGLE": "'\\rangle'"}
_WORDS = {
    "PLUS": "'+'", "MINUS": "'-'", "STAR": "'*'", "SLASH": "'/'", "COLON": "':'",
    "CARET": "'^'", "SUBSCRIPT": "'_'", "QUOTE": "\"'\"", "COMMA": "','", "LPAR": "'('",
    "LBRACE": "'{'", "LSQB": "'['", "CDOT": "'\\cdot'", "TOP": "'\\top'",
    "PARTIAL": "'\\partial'", "_END_PUNCT": "the end",
}


def parse_latex(text: str, declared: set[str], notes: list[Choice] | None = None,
                products: bool = False) -> tuple[Syn, str | None]:
    """The syntax tree of a LaTeX expression, and the variable a leading ``\\nabla_W`` or
    ``\\frac{\\partial}{\\partial W}`` names (None without one).  ``declared`` names are kept
    whole when a run of letters is split into a product.  Readings of the text that it does
    not spell out are appended to ``notes``; with ``products``, every implicit product is one
    (for text written as ASCII, where a product has its ``*``)."""
    if not text.strip():
        raise ParseError("the expression is empty", text, ((0, 1),))
    check_brackets(text, (("(", ")"), ("[", "]"), ("{", "}")))
    _check_left_right(text)
    parser, known = _parser()
    state = ParseState(text, set(declared), lambda command: bool(known.fullmatch(command)),
                       products=products)
    try:
        with parsing_state(state):
            tree = parser.parse(text)
    except UnexpectedInput as e:
        raise _syntax_error(text, e) from None
    except MatdiffError as e:
        raise e.with_text(text) from None
    except Exception as e:  # the contract: only ParseError leaves this parser
        raise ParseError("cannot read this LaTeX", text, ((0, len(text)),)) from e
    if notes is not None:
        notes.extend(sorted(state.notes, key=lambda choice: choice.span))
    return tree


def _check_left_right(text: str) -> None:
    opened: list[re.Match] = []
    for m in _LEFT_RIGHT.finditer(text):
        if m.group(1) == "left":
            opened.append(m)
        elif not opened:
            raise ParseError("unbalanced \\right: there is no \\left before it", text,
                             (m.span(),))
        else:
            opened.pop()
    if opened:
        raise ParseError("unbalanced \\left: it is never closed by a \\right", text,
                         (opened[-1].span(),))


def _describe(expected) -> str:
    """Lark's expected terminals in words: the closing brackets by name, then whether an
    operator or an operand would do."""
    expected = set(expected)
    parts = sorted(_CLOSERS[e] for e in expected if e in _CLOSERS)
    if expected & _OPERATORS:
        parts.append("an operator")
    if expected & _OPERAND:
        parts.append("an operand (a name, a number, '(' or a command)")
    if not parts:
        parts = sorted({_WORDS.get(e, e.lower().strip("_")) for e in expected} - {"$end"})
    if not parts:
        return "expected the end"
    return "expected " + (parts[0] if len(parts) == 1 else
                          ", ".join(parts[:-1]) + " or " + parts[-1])


def _syntax_error(text: str, e: UnexpectedInput) -> ParseError:
    token = getattr(e, "token", None)
    pos = e.pos_in_stream if isinstance(e, UnexpectedCharacters) else getattr(
        token, "start_pos", None)
    hint = operator_hint(text, pos) if isinstance(pos, int) else None
    if hint is not None:
        return ParseError(hint[0], text, (hint[1],))
    if isinstance(e, UnexpectedCharacters):
        pos = e.pos_in_stream
        command = _COMMAND.match(text, pos)
        if command and not _parser()[1].match(text, pos):
            return ParseError(f"{command.group()} is not a known command", text,
                              (command.span(),))
        shown = command.group() if command else text[pos]
        end = command.end() if command else pos + 1
        return ParseError(f"unexpected {shown!r}: {_describe(e.allowed)}", text, ((pos, end),))
    expected = getattr(e, "expected", None) or set()
    if token is None or token.type == "$END":
        return ParseError("the expression ends too soon: " + _describe(expected), text,
                          ((len(text), len(text) + 1),))
    span = (token.start_pos, max(token.end_pos, token.start_pos + 1))
    if token.type == "MACRO":
        return ParseError(f"{token} is not a known command", text, (span,))
    return ParseError(f"unexpected {str(token)!r}: {_describe(expected)}", text, (span,))
