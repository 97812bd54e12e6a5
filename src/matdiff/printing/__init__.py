"""Printers: text (the language itself), LaTeX, index notation — visitors over the IR."""

from .index import einsum_text, index_notation
from .latex import to_latex
from .text import NotInLanguage, in_language, to_text

__all__ = ["einsum_text", "index_notation", "to_latex", "NotInLanguage", "in_language",
           "to_text"]
