"""The vocabulary of the languages: function names ↔ ops, kinds, Greek letters, precedence.

One table each, read by the parsers, shape inference, the printers, code generation and the
"did you mean" hints, so that they agree on every spelling.  Adding an element-wise function
is one row of :data:`FUNCTIONS` plus its rules: the differential in
``calculus.differential.elementwise_derivative``, the number it folds to in
``rewriting.rules_algebra``, and its evaluation in ``codegen.array_api`` unless it is the
array API's ``xp.<xp>``.

Invariants: every name, spelling, macro and alias names one row; an ``operator`` row builds
its ops (``diag`` builds one of two, by its argument's rank); ``elementwise`` rows build
``Op.FUNC`` with the name as attribute; ``constant`` rows build leaves sized by unification;
``matrix`` rows build ``Op.MATFUNC`` with the name as attribute, and each has a ``frechet`` row
(``L_expm``) for its Fréchet derivative, built from it, taking the point and one or more
directions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from .ops import Op

__all__ = [
    "Function", "FUNCTIONS", "ELEMENTWISE", "CALLS", "SPELLINGS", "MACROS", "ALIASES",
    "GREEK_CALLS", "OPERATOR", "ELEMENTWISE_FAMILY", "CONSTANT", "MATRIX_FAMILY",
    "FRECHET_FAMILY", "MATRIX_FUNCTIONS", "FRECHET_OF", "KINDS",
    "KIND_RANKS", "KIND_ALIASES", "GREEK", "GREEK_LETTERS", "SUM", "INNER", "PRODUCT",
    "UNARY", "JUXT", "POWER", "POSTFIX", "ATOM", "Binding", "PRECEDENCE", "binding",
]

OPERATOR, ELEMENTWISE_FAMILY, CONSTANT = "operator", "elementwise", "constant"
MATRIX_FAMILY, FRECHET_FAMILY = "matrix", "frechet"


@dataclass(frozen=True, slots=True)
class Function:
    """One function of the languages.

    ``name`` is its ASCII spelling and the engine's name; ``ops`` what a call builds;
    ``latex`` the head the LaTeX printer writes before the parenthesised argument (default
    ``\\operatorname{name}``); ``macros`` the LaTeX macros that read as it (``\\ln``);
    ``words`` its other spellings inside ``\\operatorname{}``, ``\\mathrm{}`` … or in plain
    letters (``Tr``); ``greek`` Greek letters that call it before parentheses (``\\sigma``);
    ``aliases`` other languages' names for it, for "did you mean"; ``xp`` the array API
    function that evaluates an element-wise row (None: code generation has its own);
    ``arity`` the number of arguments (a Fréchet row's least: one more per direction)."""

    name: str
    family: str
    ops: tuple[Op, ...] = ()
    arity: int = 1
    latex: str = ""
    macros: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    greek: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    xp: str | None = None

    @property
    def latex_head(self) -> str:
        return self.latex or f"\\operatorname{{{self.name}}}"


def _matrix(name, latex_f, **kw) -> tuple[Function, Function]:
    """A matrix function and its Fréchet derivative ``L_name(X, E, …)``, written
    ``L_{latex_f}(X, E)`` in LaTeX."""
    return (Function(name, MATRIX_FAMILY, (Op.MATFUNC,), **kw),
            Function(f"L_{name}", FRECHET_FAMILY, (Op.FRECHET,), arity=2,
                     latex=f"L_{{{latex_f}}}"))


def _op(name, ops, **kw) -> Function:
    return Function(name, OPERATOR, ops, **kw)


def _ew(name, xp=None, **kw) -> Function:
    return Function(name, ELEMENTWISE_FAMILY, (Op.FUNC,), xp=xp, **kw)


_ROWS = (
    _op("tr", (Op.TRACE,), macros=("tr", "Tr"), words=("Tr", "trace", "Trace")),
    _op("det", (Op.DET,), latex="\\det", macros=("det",), aliases=("determinant",)),
    _op("logdet", (Op.LOGDET,), latex="\\log\\det", words=("LogDet",)),
    _op("inv", (Op.INV,), aliases=("inverse",)),
    _op("diag", (Op.DIAGM, Op.DIAGV), macros=("diag",), words=("Diag",)),
    _op("vec", (Op.VEC,)),
    _op("sum", (Op.SUM,), macros=("sum",)),
    _op("norm2", (Op.NORM2,), aliases=("norm",)),
    _op("norm1", (Op.NORM1,)),
    _op("kron", (Op.KRON,), arity=2, aliases=("kronecker",)),
    _op("logsumexp", (Op.LOGSUMEXP,), words=("LSE",)),
    _op("softmax", (Op.SOFTMAX,)),
    _ew("exp", "exp", latex="\\exp", macros=("exp",)),
    _ew("log", "log", latex="\\log", macros=("log", "ln"), words=("ln",)),
    _ew("sin", "sin", latex="\\sin", macros=("sin",)),
    _ew("cos", "cos", latex="\\cos", macros=("cos",)),
    _ew("tan", "tan", latex="\\tan", macros=("tan",)),
    _ew("arcsin", "asin", latex="\\arcsin", macros=("arcsin",)),
    _ew("arccos", "acos", latex="\\arccos", macros=("arccos",)),
    _ew("arctan", "atan", latex="\\arctan", macros=("arctan",)),
    _ew("tanh", "tanh", latex="\\tanh", macros=("tanh",)),
    _ew("sqrt", "sqrt"),
    _ew("abs", "abs"),
    _ew("sign", "sign", words=("sgn",), aliases=("signum",)),
    _ew("sigmoid", greek=("sigma",), aliases=("logistic", "expit")),
    _ew("relu", words=("ReLU",)),
    _ew("heaviside", aliases=("step",)),
    Function("eye", CONSTANT, (Op.EYE,), aliases=("identity",)),
    Function("vector", CONSTANT, (Op.FILL,)),
    Function("matrix", CONSTANT, (Op.FILL,)),
    *_matrix("expm", "\\exp", aliases=("matrix_exp", "expmat")),
    *_matrix("logm", "\\log", aliases=("matrix_log", "logmat")),
    *_matrix("sqrtm", "\\sqrt{\\cdot}", aliases=("matrix_sqrt", "sqrtmat")),
)

FUNCTIONS: dict[str, Function] = {f.name: f for f in _ROWS}
"""Every function of the languages by its name."""

ELEMENTWISE = tuple(f.name for f in _ROWS if f.family == ELEMENTWISE_FAMILY)
"""The element-wise functions (``Op.FUNC`` nodes carry one of these names)."""

MATRIX_FUNCTIONS = tuple(f.name for f in _ROWS if f.family == MATRIX_FAMILY)
"""The matrix functions (``Op.MATFUNC`` and ``Op.FRECHET`` nodes carry one of these names)."""

FRECHET_OF: dict[str, Function] = {f.name.removeprefix("L_"): f for f in _ROWS
                                   if f.family == FRECHET_FAMILY}
"""The Fréchet-derivative row of each matrix function."""

CALLS: dict[Op, Function] = {op: f for f in _ROWS if f.family == OPERATOR for op in f.ops}
"""The function an operator node prints as a call of (``Op.TRACE`` → ``tr``)."""

SPELLINGS: dict[str, str] = {
    **{w: f.name for f in _ROWS for w in (*f.macros, *f.words)},
    **{f.name: f.name for f in _ROWS},
}
"""Every spelling of a function, in a LaTeX font or macro or in plain letters → its name."""

MACROS = tuple(m for f in _ROWS for m in f.macros)
"""Functions written as a LaTeX macro of their own: ``\\log``, ``\\det`` (and ``\\tr``).
``\\sum`` is the sum of all entries; with bounds (``\\sum_i``) it is index notation, which
the grammar does not read."""

GREEK_CALLS: dict[str, str] = {g: f.name for f in _ROWS for g in f.greek}
"""Greek letters that are a function right before parentheses, unless declared."""

ALIASES: dict[str, str] = {a: f.name for f in _ROWS for a in f.aliases}
"""Other languages' names of the functions (NumPy, MATLAB, textbooks) → matdiff's name."""

KINDS = ("scalar", "vector", "matrix", "symmetric", "spd")
"""The kinds a variable is declared with (SPEC §4)."""

KIND_RANKS = {"scalar": 0, "vector": 1, "matrix": 2, "symmetric": 2, "spd": 2}

KIND_ALIASES = {"psd": "spd", "pd": "spd", "posdef": "spd", "real": "scalar"}
"""Other names of the kinds (``psd``: matdiff's positive definite kind is ``spd``)."""

_LOWER_GREEK = (
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
    "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "omicron", "pi", "varpi", "rho",
    "varrho", "sigma", "varsigma", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega",
)
GREEK = frozenset(_LOWER_GREEK)
"""The lower-case Greek letters: a name starting with one follows the Greek convention."""

GREEK_LETTERS = (*_LOWER_GREEK, "ell", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi",
                 "Sigma", "Upsilon", "Phi", "Psi", "Omega")
"""The letters LaTeX writes as a macro (``\\lambda``), each a name; the printer writes these
names so, and the parser reads exactly these back."""

SUM, INNER, PRODUCT, UNARY, JUXT, POWER, POSTFIX, ATOM = range(1, 9)
"""Precedence levels, higher binds tighter (SPEC §3).  ``INNER`` is the Frobenius product
``A : B``; ``JUXT`` the juxtaposition of LaTeX, tighter than a sign."""


class Binding(NamedTuple):
    """How tightly an op's printed form binds in each notation."""

    text: int
    latex: int
    python: int


PRECEDENCE: dict[Op, Binding] = {
    Op.ADD: Binding(SUM, SUM, SUM),
    Op.SCALE: Binding(PRODUCT, JUXT, PRODUCT),
    Op.MATMUL: Binding(PRODUCT, JUXT, PRODUCT),
    Op.HADAMARD: Binding(PRODUCT, PRODUCT, PRODUCT),
    Op.DIV: Binding(PRODUCT, PRODUCT, PRODUCT),
    Op.KRON: Binding(ATOM, PRODUCT, ATOM),
    Op.NEG: Binding(UNARY, UNARY, UNARY),
    Op.POW: Binding(POWER, POSTFIX, POWER),
    Op.MATPOW: Binding(POWER, POSTFIX, ATOM),
    Op.TRANSPOSE: Binding(POSTFIX, POSTFIX, ATOM),
    Op.INV: Binding(ATOM, POSTFIX, ATOM),
    Op.DIAGM: Binding(ATOM, ATOM, PRODUCT),
}
"""The one precedence table: the text printer, the LaTeX printer and the generated Python
read their column.  Ops not listed print as atoms (calls, names, numbers); what depends on
the node rather than the op (a negative number, a division by a scalar in LaTeX) each
printer decides."""

_ATOMIC = Binding(ATOM, ATOM, ATOM)


def binding(op: Op) -> Binding:
    """The precedence of ``op`` in each notation."""
    return PRECEDENCE.get(op, _ATOMIC)
