"""The ASCII grammar (``ascii.lark``) and its transformer into the syntax tree.

Lark parses with LALR and keeps positions; the transformer turns each rule into a
:class:`~matdiff.ir.syntax.Syn` carrying its span, and the operator's own span for binary
operators, so shape errors can put the caret under the ``*`` that failed.  Lark's errors
become :class:`ParseError` with a caret and what was expected there; an unknown function or a
foreign operator (``trace(A)``, ``x**2``) gets a "did you mean" (:mod:`.suggest`); two
operands side by side (``2x``) raise a :class:`ParseError` flagged ``implicit_product``.
"""

from __future__ import annotations

from importlib import resources

from lark import Lark, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput

from ..errors import ParseError
from ..ir.syntax import Syn
from ..ir.vocabulary import FUNCTIONS
from .brackets import check_brackets, unwrap_number
from .expected import describe_expected
from .lexer import OneLineLexer
from .suggest import function_hint, operator_hint

__all__ = ["parse_ascii"]

_GRAMMAR = resources.files(__package__).joinpath("ascii.lark").read_text()


class _UnknownFunction(Exception):
    """A call of a name that is no function, raised inside the parser, worded outside it."""

    def __init__(self, call: Syn):
        super().__init__(call.value)
        self.call = call


class _ToSyntax(Transformer):
    """Run inside the LALR parser (no tree is built, so no recursion on deep input).

    Each callback takes the rule's children as one list (lark's plain calling convention,
    without the argument-spreading wrapper)."""

    def number(self, children):
        (tok,) = children
        return Syn("number", (), float(tok), (tok.start_pos, tok.end_pos))

    def name(self, children):
        (tok,) = children
        return Syn("name", (), str(tok), (tok.start_pos, tok.end_pos))

    def call(self, children):
        name, rpar = children[0], children[-1]
        args = tuple(a for a in children[2:-1] if isinstance(a, Syn))
        call = Syn("call", args, str(name), (name.start_pos, rpar.end_pos))
        if call.value not in FUNCTIONS:
            raise _UnknownFunction(call)
        return call

    def group(self, children):
        lpar, inner, rpar = children
        return Syn("group", (inner,), None, (lpar.start_pos, rpar.end_pos))

    def norm(self, children):
        bar1, arg, last = children[0], children[1], children[-1]
        kind = "1" if len(children) == 4 and str(last) == "_1" else "2"
        return Syn("norm", (arg,), kind, (bar1.start_pos, last.end_pos))

    def _binary(kind):
        def rule(self, children):
            left, op, right = children
            return Syn(kind, (left, right), (op.start_pos, op.end_pos),
                       (left.span[0], right.span[1]))
        return rule

    add = _binary("add")
    sub = _binary("sub")
    mul = _binary("mul")
    hadamard = _binary("hadamard")
    ediv = _binary("ediv")
    div = _binary("div")
    _pow = _binary("pow")
    epow = _binary("epow")

    def pow(self, children):
        """``A^(-1)`` is ``A^-1``: parentheses around a number exponent are dropped."""
        left, op, right = children
        return self._pow([left, op, unwrap_number(right)])

    def neg(self, children):
        op, arg = children
        return Syn("neg", (arg,), None, (op.start_pos, arg.span[1]))

    def pos(self, children):
        return children[1]

    def transpose(self, children):
        arg, op = children
        return Syn("transpose", (arg,), (op.start_pos, op.end_pos), (arg.span[0], op.end_pos))


_PARSER = Lark(_GRAMMAR, parser="lalr", lexer=OneLineLexer, start="sum",
               maybe_placeholders=False, transformer=_ToSyntax(), cache=True)


def parse_ascii(text: str) -> Syn:
    """The syntax tree of an ASCII expression, or :class:`ParseError`."""
    if not text.strip():
        raise ParseError("the expression is empty", text, ((0, 1),))
    check_brackets(text, (("(", ")"),))
    try:
        tree = _PARSER.parse(text)  # the syntax tree itself: the transformer runs inline
    except _UnknownFunction as e:
        name, start = e.call.value, e.call.span[0]
        raise ParseError(f"{name} is not a known function"
                         + function_hint(name, e.call.args, text),
                         text, ((start, start + len(name)),)) from None
    except UnexpectedCharacters as e:
        ch = text[e.pos_in_stream]
        hint = operator_hint(text, e.pos_in_stream)
        if hint is not None:
            raise ParseError(hint[0], text, (hint[1],)) from None
        raise ParseError(f"unexpected character {ch!r}", text,
                         ((e.pos_in_stream, e.pos_in_stream + 1),)) from None
    except UnexpectedEOF as e:
        raise ParseError("the expression ends too soon: " + describe_expected(e.expected),
                         text, ((len(text), len(text) + 1),)) from None
    except UnexpectedInput as e:
        tok = getattr(e, "token", None)
        if tok is None or tok.type == "$END":
            pos = len(text)
            msg = "the expression ends too soon: "
        else:
            pos = tok.start_pos
            msg = f"unexpected {str(tok)!r}: "
        expected = getattr(e, "expected", None) or getattr(e, "accepts", None) or set()
        hint = operator_hint(text, pos)
        if hint is not None:
            raise ParseError(hint[0], text, (hint[1],)) from None
        side_by_side = tok is not None and tok.type in ("NAME", "NUMBER", "LPAR", "BARS") \
            and "STAR" in expected
        if side_by_side:
            msg = f"missing an operator before {str(tok)!r}: "
            expected = {"write * for a product"}
        raise ParseError(msg + describe_expected(expected), text,
                         ((pos, pos + max(1, len(str(tok or ""))) if tok else pos + 1),),
                         implicit_product=side_by_side) from None
    return tree
