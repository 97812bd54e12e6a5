"""Lark's expected-terminal sets, said in words."""

from __future__ import annotations

__all__ = ["describe_expected"]

_WORDS = {
    "NAME": "a name", "NUMBER": "a number", "LPAR": "'('", "RPAR": "')'", "PLUS": "'+'",
    "MINUS": "'-'", "STAR": "'*'", "SLASH": "'/'", "CARET": "'^'", "COMMA": "','",
    "BARS": "'||'", "QUOTE": "' (transpose)", "DOTT": "'.T'", "DOTSTAR": "'.*'",
    "DOTSLASH": "'./'", "DOTCARET": "'.^'", "AT": "'@'", "NORMSUB": "'_F'", "LBRACE": "'{'",
    "RBRACE": "'}'", "MACRO": "a \\command",
}


def describe_expected(expected) -> str:
    names = sorted({_WORDS.get(e, e.lower()) for e in expected})
    operand = {"a name", "a number", "'('"}
    if operand & set(names):
        return "expected an operand (a name, a number or '(')"
    if not names:
        return "expected more input"
    if len(names) == 1 and names[0].startswith("write"):
        return names[0]
    return "expected " + ", ".join(names[:8])
