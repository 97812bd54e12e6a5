"""The public API of SPEC §5: ``parse``, ``derivative``, ``check``.

An :class:`Expression` is parsed, shape-checked input; a :class:`Derivative` is its
derivative of some order by one variable, in a stated layout.  Both print as text that
parses back (``str``), as LaTeX (``.latex``), evaluate on arrays (``.evaluate``), compile to a
function over any array-API library (``.compile``), and show their generated source
(``.code``).  A derivative also prints in index notation (``.index``) and with its repeated
subexpressions named (``.pretty``, ``.pretty_latex``).
"""

from __future__ import annotations

import sys
from functools import cached_property
from typing import Any, Callable

from .calculus import Derivation, derive
from .steps import Steps
from .codegen import compile_function, generate
from .errors import ArgumentError, MatdiffError, UnsupportedError
from .ir import Node, Op, build
from .ir.reading import Choice
from .parsing import parse as _parse
from .printing.index import index_notation
from .printing.latex import latex_name, to_latex
from .printing.text import in_language, to_text
from .shapes import Typed

__all__ = ["Expression", "Derivative", "parse", "derivative", "check", "MAX_ORDER"]

MAX_ORDER = 8
_RECURSION = 20_000
_LAYOUTS = ("numerator", "denominator")
_SYMMETRIC = ("projected", "cookbook")


def _variable_info(var: Node) -> dict:
    kind = var.attrs[1] or {0: "scalar", 1: "vector"}.get(var.rank, "matrix")
    if var.rank > 2:
        kind = "tensor"
    return {"kind": kind, "shape": tuple(d if isinstance(d, (str, int)) else str(d)
                                         for d in var.shape)}


class _Evaluable:
    """What expressions and derivatives share: a node over variables, made executable."""

    node: Node
    variables_nodes: dict[str, Node]
    _anchor: str | None = None
    _fn_name = "expression"

    @property
    def shape(self) -> tuple:
        """The result's shape: dimension names (``"m*n"`` for a product) or integers."""
        return tuple(d if isinstance(d, (str, int)) else str(d) for d in self.node.shape)

    @property
    def variables(self) -> dict[str, dict]:
        """Each variable's kind and shape (symbolic dimensions)."""
        return {k: _variable_info(v) for k, v in self.variables_nodes.items()}

    def code(self, target: str = "numpy") -> str:
        """Python source of a function computing this result (``numpy`` or ``array_api``)."""
        if target not in ("numpy", "array_api"):
            raise ArgumentError(f"unknown code target {target!r}: use 'numpy' or 'array_api'")
        return self._generated(target).source

    def _generated(self, target: str):
        try:
            return generate(self.node, self.variables_nodes, self._fn_name, target,
                            anchor=self._anchor)
        except ValueError as e:
            raise UnsupportedError(f"cannot generate code: {e}; declare the size, e.g. "
                                   "eye(3)") from None

    @cached_property
    def _compiled(self) -> Callable[..., Any]:
        gen = self._generated("array_api")
        return compile_function(gen, self.variables_nodes, set(gen.needed))

    def compile(self) -> Callable[..., Any]:
        """A function of keyword arrays (NumPy, JAX, PyTorch, CuPy or Dask)."""
        return self._compiled

    def evaluate(self, **arrays):
        """The value as a NumPy array, for NumPy-convertible inputs."""
        import numpy as np

        converted = {k: np.asarray(v, dtype=float) for k, v in arrays.items()}
        return np.asarray(self._compiled(**converted), dtype=float)

    @property
    def needed(self) -> tuple[str, ...]:
        """The variables whose arrays ``evaluate`` needs."""
        return self._generated("array_api").needed


class Expression(_Evaluable):
    """Parsed, shape-checked input."""

    _fn_name = "expression"

    def __init__(self, typed: Typed):
        self.typed = typed
        self.node = typed.node
        self.text = typed.text
        self.variables_nodes = typed.variables
        self.wrt = typed.wrt

    @property
    def reading(self) -> tuple[Choice, ...]:
        """How the input was read (SPEC §4): each undeclared name's kind and shape, and each
        reading of notation the text does not spell out."""
        return self.typed.reading

    def __str__(self) -> str:
        return to_text(self.node)

    def __repr__(self) -> str:
        return f"Expression({str(self)!r}, shape={self.shape})"

    @property
    def latex(self) -> str:
        return to_latex(self.node)


class Derivative(_Evaluable):
    """The ``order``-th derivative of an expression by ``wrt``."""

    _fn_name = "derivative"

    def __init__(self, expression: Expression, wrt: str, derivation: Derivation):
        self.expression = expression
        self.wrt, self.order, self.layout = wrt, derivation.order, derivation.layout
        self.symmetric_gradient = derivation.symmetric_gradient
        self.variables_nodes = expression.variables_nodes
        self._anchor = wrt
        self.derivation = derivation
        self.node = derivation.result

    @property
    def reading(self) -> tuple[Choice, ...]:
        """How the input was read (SPEC §4), as for :attr:`Expression.reading`."""
        return self.expression.reading

    def __str__(self) -> str:
        return to_text(self.node) if in_language(self.node) else self.index

    def __repr__(self) -> str:
        return f"Derivative({str(self)!r}, shape={self.shape}, layout={self.layout!r})"

    @property
    def pretty(self) -> str:
        """The result with repeated subexpressions named, for reading:
        ``X'*diag(s.*(1 - s))*X where s = sigmoid(X*w)`` (``str(d)`` where nothing repeats)."""
        body, named = self._named
        if not named:
            return str(self)
        return f"{to_text(body)} where " + ", ".join(f"{n} = {to_text(v)}" for n, v in named)

    @property
    def pretty_latex(self) -> str:
        """LaTeX of :attr:`pretty`: ``X^\\top \\operatorname{diag}(s \\odot (1 - s)) X,
        \\quad s = ...`` (``d.latex`` where nothing repeats)."""
        body, named = self._named
        if not named:
            return self.latex
        return ", \\quad ".join([to_latex(body)] + [f"{latex_name(n)} = {to_latex(v)}"
                                                     for n, v in named])

    @property
    def _named(self) -> tuple[Node, tuple]:
        return self.derivation.named if in_language(self.node) else (self.node, ())

    @property
    def in_matrix_form(self) -> bool:
        """True when the result is written in matrix notation (not only index notation)."""
        return in_language(self.node)

    @property
    def latex(self) -> str:
        """LaTeX of the result; index notation where there is no matrix form."""
        if in_language(self.node):
            return to_latex(self.node)
        return self.index_latex

    @property
    def index_latex(self) -> str:
        last = self.derivation.last
        return index_notation(list(last.terms), last.out, self._lhs(latex=True), latex=True)

    @property
    def elementwise(self) -> str:
        """The entry-wise form of a matrix-notation result: ``∂f/∂X_ij = (X*A'*A)_ij``."""
        if not in_language(self.node):
            return self.index
        letters = "ijklmnuvwxyz"
        lhs = self._lhs()
        count = lhs.count("{")
        text = to_text(self.node)
        if not count:
            return f"{lhs} = {text}"
        subs = letters[:count]
        body = text if self.node.op is Op.VAR else f"({text})"
        return f"{lhs.format(*subs)} = {body}_{subs}"

    @property
    def index(self) -> str:
        """Index notation: ``∂F_ij/∂A_kl = δ_ik B_lj``."""
        last = self.derivation.last
        return index_notation(list(last.terms), last.out, self._lhs())

    @property
    def kron_node(self) -> Node | None:
        """∂vec(F)/∂vec(X) as Kronecker products, for a matrix (or vector) by a matrix."""
        return self.derivation.kron

    @property
    def kron(self) -> str | None:
        """The vec/Kronecker form ``vec(dF) = kron(B', eye)*vec(dA)``, where one exists."""
        node = self.kron_node
        if node is None:
            return None
        f = "F" if self.expression.node.rank == 2 else "f"
        dvec = build.unary(Op.VEC, build.diff(self.variables_nodes[self.wrt]))
        return f"vec(d{f}) = {to_text(build.mul(node, dvec))}"

    def _lhs(self, latex: bool = False) -> str:
        """``∂F_{0}{1}/∂A_{2}{3}`` (format slots for the index letters), or its LaTeX."""
        f = self.expression.node
        var = self.variables_nodes[self.wrt]
        n_f = sum(1 for d in f.shape if d != 1)
        n_x = sum(1 for d in var.shape if d != 1)
        slots = iter(range(n_f + self.order * n_x))

        def subs(n: int) -> str:
            idx = "".join("{%d}" % next(slots) for _ in range(n))
            if not idx:
                return ""
            return "_{{" + idx + "}}" if latex else "_" + idx

        fname = "f" if not f.shape else "F"
        k = self.order
        wrt = latex_name(self.wrt).replace("{", "{{").replace("}", "}}") if latex else self.wrt
        partial = "\\partial " if latex else "∂"

        def dx() -> str:
            return partial + wrt + subs(n_x)

        if self.layout == "denominator":
            xs = " ".join(dx() for _ in range(k)) if latex else "".join(dx() for _ in range(k))
            top = fname + subs(n_f)
        else:
            top = fname + subs(n_f)
            xs = " ".join(dx() for _ in range(k)) if latex else "".join(dx() for _ in range(k))
        if latex:
            power = "" if k == 1 else f"^{{{{{k}}}}}"
            return f"\\frac{{{{\\partial{power} {top}}}}}{{{{{xs}}}}}"
        power = "" if k == 1 else {2: "²", 3: "³"}.get(k, f"^{k}")
        return f"∂{power}{top}/{xs}"

    @cached_property
    def steps(self) -> Steps:
        """The derivation, step by step (``str()`` prints one step a line)."""
        last = self.derivation.last
        body = index_notation(list(last.terms), last.out, None)
        body_latex = index_notation(list(last.terms), last.out, None, latex=True)
        return Steps(list(self.derivation.steps), body, body_latex)

    def previous(self) -> _Evaluable:
        """The derivative of one order less (the expression itself for order 1), read from
        the same derivation."""
        if self.order == 1:
            return self.expression
        return Derivative(self.expression, self.wrt, self.derivation.lower(self.order - 1))


class _deep_enough:
    """Room for the recursion deep expressions need, and a clear error past it."""

    __slots__ = ("text", "limit")

    def __init__(self, text: str):
        self.text = text

    def __enter__(self) -> None:
        self.limit = sys.getrecursionlimit()
        if self.limit < _RECURSION:
            sys.setrecursionlimit(_RECURSION)

    def __exit__(self, kind, error, tb) -> None:
        if self.limit < _RECURSION:
            sys.setrecursionlimit(self.limit)
        if kind is not None and issubclass(kind, RecursionError):
            raise UnsupportedError("the expression is too deeply nested to differentiate",
                                   self.text) from None


def parse(expr: str | Expression, vars: dict | None = None) -> Expression:
    """Parse and shape-check ``expr`` (ASCII or LaTeX)."""
    if isinstance(expr, Expression):
        return expr
    if not isinstance(expr, str):
        raise ArgumentError(f"the expression must be a string, got {type(expr).__name__}")
    if vars is not None and not isinstance(vars, dict):
        raise ArgumentError("vars must map names to shapes or kinds")
    with _deep_enough(expr):
        return Expression(_parse(expr, vars))


def derivative(expr: str | Expression, wrt: str | None = None, vars: dict | None = None,
               order: int = 1, layout: str = "numerator",
               symmetric_gradient: str = "projected") -> Derivative:
    """The ``order``-th derivative of ``expr`` by ``wrt`` (SPEC §2 for shapes and layout)."""
    e = parse(expr, vars)
    text = e.text
    if isinstance(order, bool) or not isinstance(order, int):
        raise ArgumentError(f"order must be a whole number, got {order!r}", text,
                            ((0, len(text)),))
    if order < 1:
        raise ArgumentError(f"order must be 1 or more, got {order}", text, ((0, len(text)),))
    if order > MAX_ORDER:
        raise UnsupportedError(f"order {order} is above the limit of {MAX_ORDER}", text,
                               ((0, len(text)),))
    if layout not in _LAYOUTS:
        raise ArgumentError(f"unknown layout {layout!r}: use 'numerator' or 'denominator'")
    if symmetric_gradient not in _SYMMETRIC:
        raise ArgumentError(f"unknown symmetric_gradient {symmetric_gradient!r}: use "
                            "'projected' or 'cookbook'")
    wrt = _choose_wrt(e, wrt)
    with _deep_enough(text):
        record = derive(e.node, e.variables_nodes[wrt], order, layout=layout,
                        symmetric_gradient=symmetric_gradient)
        return Derivative(e, wrt, record)


def _choose_wrt(e: Expression, wrt: str | None) -> str:
    if wrt is None:
        wrt = e.wrt
    if isinstance(wrt, str) and wrt in e.variables_nodes:
        return wrt
    names = list(e.variables_nodes)
    spans = tuple(e.typed.spans[name] for name in names if name in e.typed.spans)
    if wrt is None:
        if len(names) == 1:
            return names[0]
        listed = ", ".join(names) if names else "none"
        raise ArgumentError(f"the expression has several variables ({listed}): say which "
                            "one to differentiate by", e.text, spans)
    listed = ", ".join(names) if names else "no variables"
    raise ArgumentError(f"cannot differentiate by {wrt!r}: it does not occur in the "
                        f"expression (it has {listed})", e.text, spans)


def check(d: Derivative, rng: int | None = 0, **arrays) -> float:
    """Max relative error of ``d`` against central finite differences on random inputs."""
    import numpy as np

    from .numeric import finite_difference_error

    if not isinstance(d, Derivative):
        raise ArgumentError("check takes a Derivative from matdiff.derivative")
    try:
        return finite_difference_error(d, arrays, rng)
    except MatdiffError:
        raise
    except (FloatingPointError, np.linalg.LinAlgError) as e:
        raise UnsupportedError(f"the numerical check failed: {e}") from None


