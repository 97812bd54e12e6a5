"""The public API of SPEC §5: ``parse``, ``derivative``, ``check``.

An :class:`Expression` is parsed, shape-checked input; a :class:`Derivative` is its
derivative of some order by one variable, in a stated layout.  Both print as text that
parses back (``str``), as LaTeX (``.latex``), evaluate on arrays (``.evaluate``), compile to a
function over any array-API library (``.compile``), and show their generated source
(``.code``).  A derivative also prints in index notation (``.index``) and with its repeated
subexpressions named (``.pretty``, ``.pretty_latex``).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Callable

from .calculus import MAX_SECONDS, Derivation, check_budget, derive
from .steps import Steps
from .codegen import compile_function, generate
from .display import code_span, math_block, result_markdown, shape_text
from .interop import sympy_node, to_sympy
from .errors import ArgumentError, DomainError, LimitError, MatdiffError, UnsupportedError
from .ir import Node, Op, build, deep_recursion, holding
from .ir.clock import time_limit
from .ir.reading import Choice
from .parsing import parse as _parse
from .printing.index import index_notation
from .printing.latex import latex_name, to_latex
from .printing.text import in_language, to_text
from .rewriting import zero_operand
from .shapes import Typed

__all__ = ["Expression", "Derivative", "parse", "derivative", "check", "from_sympy", "MAX_ORDER",
           "MAX_TEXT"]

MAX_ORDER = 8
MAX_TEXT = 5_000
"""The longest input, in characters (nesting, tensor order and work have their own limits:
``MAX_DEPTH`` in shape inference, :mod:`matdiff.calculus.budget`)."""
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

    def _generated(self, target: str, value: Node | None = None):
        try:
            return generate(self.node, self.variables_nodes, self._fn_name, target,
                            anchor=self._anchor, value=value)
        except ValueError as e:
            raise UnsupportedError(f"cannot generate code: {e}; declare the size, e.g. "
                                   "eye(3)") from None

    @cached_property
    def _compiled(self) -> Callable[..., Any]:
        gen = self._generated("array_api")
        return compile_function(gen, self.variables_nodes, set(gen.needed))

    @cached_property
    def _compiled_with_value(self) -> Callable[..., Any]:
        gen = self._generated("array_api", self._value_node)
        return compile_function(gen, self.variables_nodes, set(gen.needed))

    _value_node: Node | None = None

    def compile(self, with_value: bool = False) -> Callable[..., Any]:
        """A function of keyword arrays (NumPy, JAX, PyTorch, CuPy or Dask).

        The order of its matrix products is planned for the sizes of the arrays it is given
        (once per size signature).  For a derivative, ``with_value=True`` makes it return
        ``(value, derivative)``: the expression's value too, their common work done once
        (as ``jax.value_and_grad``)."""
        if not isinstance(with_value, bool):
            raise ArgumentError(f"with_value must be True or False, got {with_value!r}")
        if not with_value:
            return self._compiled
        if self._value_node is None:
            raise ArgumentError("with_value=True is for a derivative: an expression's "
                                "function already returns its value")
        return self._compiled_with_value

    def evaluate(self, /, **arrays):
        """The value as a NumPy array, for NumPy-convertible inputs."""
        import numpy as np

        converted = _real_arrays(arrays)
        try:
            return np.asarray(self._compiled(**converted), dtype=float)
        except MatdiffError:
            raise
        except ValueError as e:  # a matrix function outside its domain
            raise DomainError(str(e)) from None

    @property
    def needed(self) -> tuple[str, ...]:
        """The variables whose arrays ``evaluate`` needs."""
        return self._generated("array_api").needed

    def to_sympy(self):
        """This result as a SymPy expression (``pip install matdiff[sympy]``): matrices and
        vectors (``n×1``) as ``MatrixSymbol``, scalars as ``Symbol``, sizes as symbols.
        UnsupportedError names what SymPy's matrix expressions cannot hold (``vec``, a
        tensor in index form)."""
        return to_sympy(self.node, _sympy())


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

    def _repr_markdown_(self) -> str:
        """In a notebook: typeset, with the text form and the shape beside it."""
        return result_markdown(self.latex, str(self), shape_text(self.shape))

    def _repr_latex_(self) -> str:
        return math_block(self.latex)

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
        self._value_node = expression.node

    @property
    def reading(self) -> tuple[Choice, ...]:
        """How the input was read (SPEC §4), as for :attr:`Expression.reading`."""
        return self.expression.reading

    def __str__(self) -> str:
        return to_text(self.node) if in_language(self.node) else self.index

    def __repr__(self) -> str:
        return f"Derivative({str(self)!r}, shape={self.shape}, layout={self.layout!r})"

    def _repr_markdown_(self) -> str:
        """In a notebook: typeset (repeats named), with the text form and what it is."""
        order = {1: "", 2: "second ", 3: "third "}.get(self.order, f"order-{self.order} ")
        caption = (f"the {order}derivative of {code_span(str(self.expression))} by "
                   f"{code_span(self.wrt)}, {shape_text(self.shape)}, {self.layout} layout")
        return result_markdown(self.pretty_latex, str(self), caption)

    def _repr_latex_(self) -> str:
        return math_block(self.pretty_latex)

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


def _shown(value: Any) -> str:
    """A short, safe rendering of an argument for an error message."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return "a huge number"
    try:
        shown = repr(value)
    except Exception:  # a user object whose repr fails still gets an ArgumentError
        shown = f"a {type(value).__name__}"
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _real_arrays(arrays: dict) -> dict:
    """The arrays given to evaluate or check, as real NumPy arrays (ArgumentError for
    anything else: complex values, text, ragged lists)."""
    import numpy as np

    out = {}
    for name, value in arrays.items():
        try:
            array = np.asarray(value)
        except (ValueError, TypeError):
            array = None
        if array is None or array.dtype.kind not in "biufc":
            raise ArgumentError(f"the value given for {name} is not an array of numbers")
        if array.dtype.kind == "c":
            raise ArgumentError(f"the array given for {name} is complex: matdiff evaluates "
                                "real arrays only")
        out[name] = array.astype(float)
    return out


class _deep_enough:
    """Room for the recursion deep expressions need, and a clear error past it."""

    __slots__ = ("text", "room")

    def __init__(self, text: str):
        self.text = text

    def __enter__(self) -> None:
        self.room = deep_recursion()
        self.room.__enter__()

    def __exit__(self, kind, error, tb) -> None:
        self.room.__exit__(kind, error, tb)
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
    if vars and not all(isinstance(name, str) and name for name in vars):
        raise ArgumentError("vars must map names (strings) to shapes or kinds")
    if len(expr) > MAX_TEXT:
        raise LimitError(f"the expression is {len(expr)} characters long, above the limit of "
                         f"{MAX_TEXT}")
    with _deep_enough(expr), holding():
        e = Expression(_parse(expr, vars))
        _refuse_zero_operand(e)
        return e


_ZERO_OPERAND = {
    "divisor": "division by zero: this divisor is zero whatever the values of its variables",
    "inverse": "the inverse of a zero matrix: this matrix is zero whatever the values of its "
               "variables",
    "logarithm": "the logarithm of zero: this argument is zero whatever the values of its "
                 "variables",
}


def _refuse_zero_operand(e: Expression) -> None:
    """A divisor (an inverse, a logarithm's argument) that simplifies to zero is refused
    with a caret under it: the expression has no value (:func:`rewriting.zero_operand`)."""
    found = zero_operand(e.node)
    if found is not None:
        operand, role = found
        span = e.typed.node_spans.get(id(operand), operand.span)
        raise UnsupportedError(_ZERO_OPERAND[role], e.text, (span,))


def derivative(expr: str | Expression, wrt: str | None = None, vars: dict | None = None,
               order: int = 1, layout: str = "numerator",
               symmetric_gradient: str = "projected") -> Derivative:
    """The ``order``-th derivative of ``expr`` by ``wrt`` (SPEC §2 for shapes and layout).
    The arguments are checked before any work; the expression is then parsed, and the
    derivation's budget (:mod:`matdiff.calculus.budget`) checked before it starts."""
    text = expr.text if isinstance(expr, Expression) else expr
    text, whole = (text, ((0, len(text)),)) if isinstance(text, str) else (None, ())
    if isinstance(order, bool) or not isinstance(order, int):
        raise ArgumentError(f"order must be a whole number, got {_shown(order)}", text, whole)
    if order < 1:
        raise ArgumentError(f"order must be 1 or more, got {_shown(order)}", text, whole)
    if order > MAX_ORDER:
        raise LimitError(f"order {_shown(order)} is above the limit of {MAX_ORDER}", text,
                         whole)
    if not isinstance(layout, str) or layout not in _LAYOUTS:
        raise ArgumentError(f"unknown layout {_shown(layout)}: use 'numerator' or "
                            "'denominator'")
    if not isinstance(symmetric_gradient, str) or symmetric_gradient not in _SYMMETRIC:
        raise ArgumentError(f"unknown symmetric_gradient {_shown(symmetric_gradient)}: use "
                            "'projected' or 'cookbook'")
    if wrt is not None and not isinstance(wrt, str):
        raise ArgumentError(f"wrt must be a variable's name, got {_shown(wrt)}")
    e = parse(expr, vars)
    text = e.text
    wrt = _choose_wrt(e, wrt)
    with _deep_enough(text), holding():
        check_budget(e.node, e.variables_nodes[wrt], order, text, e.typed.node_spans)
        try:
            with time_limit(MAX_SECONDS):
                record = derive(e.node, e.variables_nodes[wrt], order, layout=layout,
                                symmetric_gradient=symmetric_gradient)
        except LimitError as error:
            raise error.with_text(text) from None
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
    arrays = _real_arrays(arrays)
    try:
        return finite_difference_error(d, arrays, rng)
    except MatdiffError:
        raise
    except (FloatingPointError, np.linalg.LinAlgError) as e:
        raise UnsupportedError(f"the numerical check failed: {e}") from None


def _sympy():
    try:
        import sympy
    except ImportError:
        raise UnsupportedError("the SymPy bridge needs SymPy: pip install 'matdiff[sympy]'") \
            from None
    return sympy


def from_sympy(expr, vars: dict | None = None) -> Expression:
    """A SymPy matrix expression (``MatrixSymbol``, ``MatMul``, ``Trace`` …) as an
    :class:`Expression`.  The shapes come from SymPy (an ``n×1`` symbol is a vector, a
    ``Symbol`` a scalar); ``vars`` may give a name a kind (``{"S": "symmetric"}``).
    UnsupportedError names the SymPy class that has no matdiff counterpart."""
    sp = _sympy()
    if vars is not None and not (isinstance(vars, dict) and
                                 all(isinstance(k, str) for k in vars.values())):
        raise ArgumentError("from_sympy takes kinds in vars ({'S': 'symmetric'}); the shapes "
                            "come from SymPy")
    node, variables = sympy_node(expr, sp, dict(vars or {}))
    return Expression(Typed(node, to_text(node), variables, list(variables)))
