"""A one-regex lexer for lark grammars of context-free terminals and no keywords.

It serves grammars whose terminals never depend on the parser state and where no literal is
also matched by a regex terminal (lark would retype such a keyword).  Lark's own basic lexer
tracks lines and columns and builds each token through a general constructor; the ASCII
language is one line of a few dozen tokens, so that bookkeeping costs more than the matching.
This lexer compiles the grammar's own terminal definitions (ordered as lark orders them:
priority, then the longest literal first) into one alternation with a named group per
terminal, and yields tokens that carry only their type and offsets (line 1, columns from the
offsets, for lark's error messages).
"""

from __future__ import annotations

import re

from lark import Token
from lark.exceptions import UnexpectedCharacters
from lark.lexer import Lexer

__all__ = ["OneLineLexer"]


class _Token(Token):
    """A token on line 1, made without the general constructor's argument handling."""

    __slots__ = ()

    def __new__(cls, type_: str, value: str, start: int, end: int):
        tok = str.__new__(cls, value)
        tok.type, tok.value, tok.start_pos, tok.end_pos = type_, value, start, end
        tok.line, tok.end_line, tok.column, tok.end_column = 1, 1, start + 1, end + 1
        return tok


class OneLineLexer(Lexer):
    """Lark's lexer interface over one compiled alternation of the grammar's terminals."""

    __future_interface__ = 2

    def __init__(self, conf):
        terminals = sorted(conf.terminals, key=lambda t: (
            -t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name))
        self._pattern = re.compile("|".join(
            f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in terminals))
        self._ignore = frozenset(conf.ignore)

    def lex(self, state, parser_state):
        text = state.text.text
        match = self._pattern.match
        ignore = self._ignore
        pos, end = 0, len(text)
        while pos < end:
            m = match(text, pos)
            if m is None:
                raise UnexpectedCharacters(text, pos, 1, pos + 1, state=parser_state)
            kind, stop = m.lastgroup, m.end()
            if kind not in ignore:
                yield _Token(kind, m.group(), pos, stop)
            pos = stop
