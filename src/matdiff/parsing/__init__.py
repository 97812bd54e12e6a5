"""Parsers: ASCII and LaTeX text into the syntax tree, then into typed IR."""

from .ascii import parse_ascii
from .detect import is_latex, parse

__all__ = ["parse", "parse_ascii", "is_latex"]
