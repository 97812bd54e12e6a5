"""Unicode as pasted from math pages, written in the input languages' own spelling (SPEC §3).

One pass over the text before parsing: each character the languages do not spell is replaced
by its spelling, from one table (:data:`SIGNS`) and, for the families Unicode itself
describes, from the character's decomposition and name: superscripts (``x²``, ``A⁻¹``,
``Aᵀ``) become ``^{...}``, subscripts ``_{...}``, vulgar fractions (``½``) ``(1/2)``,
mathematical letters (``𝐱``) the plain letter, Greek letters (``Σ``, ``β``) their LaTeX
names, special spaces a space.  A replacement may make the text LaTeX (``∇`` is ``\\nabla``),
which is how it is then read.

Every replaced character is remembered with its place, so nothing is read silently and every
caret lands in the text the user gave: :class:`Pasted` holds the rewritten text, one
:class:`~matdiff.ir.reading.Choice` (topic ``unicode``) per distinct replacement, and the
original span of each rewritten character, with which it maps spans, choices and errors back.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..errors import MatdiffError
from ..ir.reading import Choice
from ..ir.vocabulary import GREEK_LETTERS

__all__ = ["SIGNS", "Pasted", "rewrite_pasted"]

Span = tuple[int, int]

_DASH = "a dash is a minus sign"
_TIMES = "a product sign"
SIGNS: dict[str, tuple[str, str]] = {
    **{ch: ("-", _DASH) for ch in "\u2212\u2010\u2011\u2012\u2013\u2014\ufe63\uff0d"},
    **{ch: ("*", _TIMES) for ch in "\u00b7\u22c5\u2219\u00d7\u2217"},
    **{ch: ("/", "a division sign") for ch in "\u00f7\u2215\u2044"},
    **{ch: ("'", "a prime is a transpose") for ch in "\u2032\u2019"},
    "\u2299": ("\\odot ", "the Hadamard (element-wise) product"),
    "\u2218": ("\\circ ", "the Hadamard (element-wise) product"),
    "\u2297": ("\\otimes ", "the Kronecker product"),
    "\u2298": ("\\oslash ", "the element-wise quotient"),
    "\u2207": ("\\nabla ", "the gradient sign"),
    "\u2202": ("\\partial ", "the partial derivative sign"),
    "\u2211": ("\\sum ", "the sum of all entries"),
    "\u221a": (" sqrt ", "the square root"),
    "\u2016": ("||", "double bars are a norm"),
    "\u2225": ("||", "double bars are a norm"),
    "\u2223": ("|", "a bar"),
    "\u27e8": ("\\langle ", "an angle bracket"),
    "\u27e9": ("\\rangle ", "an angle bracket"),
    "\u22a4": ("\\top ", "the transpose sign"),
    "\u2113": ("\\ell ", "a script l is the name ell"),
}
"""Signs with their spelling in the languages and what they are (the reason noted)."""

_GREEK_NAME = re.compile(r"GREEK (SMALL|CAPITAL) LETTER (\w+)")
_GREEK_SPELLING = {"lamda": "lambda"}  # Unicode's own spelling of the letter's name
_SCRIPTS = {"<super>": "^", "<sub>": "_"}
_SCRIPT_WHY = {"^": "a superscript is an exponent", "_": "a subscript"}


def _greek(ch: str) -> str | None:
    m = _GREEK_NAME.fullmatch(unicodedata.name(ch, ""))
    if m is None:
        return None
    word = m.group(2).lower()
    word = _GREEK_SPELLING.get(word, word)
    if m.group(1) == "CAPITAL":
        word = word.capitalize()
    return word if word in GREEK_LETTERS else None


def _spell(ch: str) -> tuple[str, str] | None:
    """The spelling of one character and the reason, or None (kept as it is)."""
    if ch in SIGNS:
        return SIGNS[ch]
    category = unicodedata.category(ch)
    if category == "Zs":
        return " ", "a special space is a space"
    if category == "Cf":
        return "", "an invisible character is dropped"
    tag, _, codes = unicodedata.decomposition(ch).partition(" ")
    if tag == "<fraction>":
        top, _, bottom = "".join(chr(int(c, 16)) for c in codes.split()).partition("\u2044")
        return f"({top}/{bottom})", "a fraction character"
    if tag in ("<font>", "<compat>") and len(codes.split()) == 1:
        plain = chr(int(codes, 16))
        if plain.isascii() and plain.isalnum():
            return plain, "a mathematical letter is the plain letter"
        if _greek(plain):
            return f"\\{_greek(plain)} ", "a Greek letter is its name"
    if _greek(ch):
        return f"\\{_greek(ch)} ", "a Greek letter is its name"
    return None


def _script(ch: str) -> tuple[str, str] | None:
    """``("^", base)`` for a superscript character, ``("_", base)`` for a subscript."""
    tag, _, codes = unicodedata.decomposition(ch).partition(" ")
    if tag not in _SCRIPTS or len(codes.split()) != 1:
        return None
    base = chr(int(codes, 16))
    spelled = _spell(base)
    return _SCRIPTS[tag], spelled[0] if spelled else base


@dataclass(frozen=True)
class Pasted:
    """The text as given (``original``), as rewritten (``text``), the notes of what was
    replaced, and for each rewritten character the span it came from (``origin``)."""

    original: str
    text: str
    notes: tuple[Choice, ...]
    origin: tuple[Span, ...]

    @property
    def rewritten(self) -> bool:
        return self.text != self.original

    def span(self, span: Span) -> Span:
        """A span of the rewritten text as a span of the original (past the end stays so)."""
        start, end = span
        n = len(self.origin)
        first = self.origin[start][0] if start < n else len(self.original) + (start - n)
        if end <= start:
            return (first, first)
        last = self.origin[end - 1][1] if end - 1 < n else len(self.original) + (end - n)
        return (first, max(first, last))

    def choice(self, choice: Choice) -> Choice:
        """A choice whose span (and subject, where it quotes the text) is in the original."""
        if choice.span is None or choice.topic == "unicode":
            return choice
        span = self.span(choice.span)
        subject = choice.subject
        if subject == self.text[choice.span[0]:choice.span[1]]:
            subject = self.original[span[0]:span[1]]
        return Choice(choice.topic, subject, choice.meaning, choice.why, span)

    def error(self, error: MatdiffError) -> MatdiffError:
        """``error`` quoting the original text with its marks moved there."""
        if error.text is not None and error.text != self.text:
            return error
        return type(error)(error.message, self.original, tuple(map(self.span, error.marks)))


def rewrite_pasted(text: str) -> Pasted:
    """``text`` with its Unicode written in the languages' spelling (see the module)."""
    if text.isascii():
        return Pasted(text, text, (), ())
    out: list[str] = []
    origin: list[Span] = []
    notes: dict[tuple[str, str], Choice] = {}
    i = 0
    while i < len(text):
        ch = text[i]
        script = None if ch.isascii() else _script(ch)
        if ch.isascii():
            piece, why, j = ch, None, i + 1
        elif script is not None:
            kind, j, inner = script[0], i, []
            while j < len(text) and (s := _script(text[j])) is not None and s[0] == kind:
                inner.append(s[1])
                j += 1
            piece, why = f"{kind}{{{''.join(inner)}}}", _SCRIPT_WHY[kind]
        else:
            spelled, j = _spell(ch), i + 1
            if spelled is None:
                piece, why = ch, None
            else:
                piece, why = spelled
        if why is not None:
            key = (text[i:j], piece.strip())
            if key not in notes:
                notes[key] = Choice("unicode", key[0], key[1] or "nothing", why, (i, j))
        out.append(piece)
        origin.extend([(i, j)] * len(piece))
        i = j
    return Pasted(text, "".join(out), tuple(notes.values()), tuple(origin))
