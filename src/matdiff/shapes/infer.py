"""Shape inference over the syntax tree, by unification of symbolic dimensions.

Ranks are known bottom-up (a name's kind fixes its rank), sizes are not: every unknown size is
a fresh dimension variable, and the shape rules of :mod:`matdiff.ir.shape_rules` state
equalities between sizes that a union-find (:mod:`.solver`) solves over the whole
expression.  A conflict raises :class:`ShapeError` naming both operands, their shapes so far
and their places.

Only after every constraint is solved are the unknown sizes given names (``m``, ``n``, ``p`` …
in order of appearance, avoiding declared names) and the IR built through
:func:`~matdiff.ir.build.construct`, which sizes each node from its leaves and checks it again
with the same rules, so every node is interned with its final shape.  Fresh sizes never unify
with a literal 1: a vector is a column of unknown length, never silently a 1×1.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import ParseError, ShapeError, UnsupportedError
from ..ir import Node, Op, build, dims as dimmod
from ..ir.nodes import leading_number
from ..ir.shape_rules import SHAPE_RULES
from ..ir.vocabulary import (CONSTANT, ELEMENTWISE_FAMILY, FRECHET_FAMILY, FUNCTIONS,
                              MATRIX_FAMILY)
from ..ir.reading import Choice
from ..ir.syntax import Syn
from .literals import integer_literal, known_value, literal, number_literal
from .naming import declaration, kind_by_convention
from .solver import Prod, Solver

__all__ = ["Typed", "infer_with", "TRANSPOSED_SCALAR", "ROW_THEN_SCALAR",
           "MATRIX_THEN_SCALAR"]

MAX_DEPTH = 200
TRANSPOSED_SCALAR = float("inf")
"""What reading an undeclared name as a scalar costs where the text transposes it: nobody
transposes a scalar, so another kind is taken wherever one fits."""
ROW_THEN_SCALAR = 1.5
"""A scalar after a row vector (``a'*X*b``): ``u'*M*v`` is a bilinear form, so this costs
more than reading the scalar as a vector (1)."""
MATRIX_THEN_SCALAR = 0.75
"""A scalar after a matrix (``X*beta``): less usual than before it, but the convention wins
(``A*b`` keeps b a scalar) unless another reading is needed anyway; several of them
(``A*b + C*d + G*h``) outweigh one name read against the convention."""


@dataclass(slots=True)
class _T:
    """A typed syntax node: the op is decided, sizes may still be unknown."""

    op: Op
    args: list
    attrs: tuple
    shape: tuple
    span: tuple[int, int]
    name: str = ""


@dataclass
class Typed:
    """The result of inference: the IR root, the variables and the dimension names."""

    node: Node
    text: str
    variables: dict[str, Node] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    wrt: str | None = None
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    reading: tuple[Choice, ...] = ()
    node_spans: dict[int, tuple[int, int]] = field(default_factory=dict)
    """Where each node of ``node`` first stands in ``text``, by the node's id (an interned
    node's own span may come from another input)."""


class _Site:
    """The unifier the shape rules see while one syntax node is checked."""

    __slots__ = ("inf", "node", "args", "op_span")

    def __init__(self, inf: _Inference, node: _T | None, args: list[_T], op_span):
        self.inf, self.node, self.args, self.op_span = inf, node, args, op_span

    def prod(self, *dims):
        return Prod(tuple(dims))

    def dim(self, a, b, i, j, reason):
        solver = self.inf.solver
        if not solver.union(a, b, lambda: self.fail(reason, i, j, a, b)):
            if solver.broken is not None:
                solver.broken.fail()
            self.fail(reason, i, j, a, b)
        return solver.find(a)

    def fail(self, reason, i, j=-1, a=None, b=None):
        inf = self.inf
        names = inf.solver.names(inf.taken)

        def describe(k: int) -> str:
            if not 0 <= k < len(self.args):
                return "it"
            t = self.args[k]
            shape = tuple(inf.solver.resolve(d, names) for d in t.shape)
            snippet = inf.text[t.span[0]:t.span[1]].strip() or "the operand"
            if len(snippet) > 40:
                snippet = snippet[:37] + "..."
            return f"{snippet} ({dimmod.shape_str(shape)})"

        msg = reason.replace("{L}", describe(i)).replace("{R}", describe(j))
        if a is not None:
            msg = msg.replace("{a}", str(inf.solver.resolve(a, names)))
            msg = msg.replace("{b}", str(inf.solver.resolve(b, names)))
            surplus = inf.solver.surplus(a, b)
            if surplus is not None:
                msg += (f" (they would agree only if {inf.solver.resolve(surplus, names)} "
                        "were 1)")
        marks = [self.op_span] if self.op_span else []
        for k in (i, j):
            if 0 <= k < len(self.args) and self.args[k].span not in marks:
                marks.append(self.args[k].span)
        raise ShapeError(msg, inf.text, tuple(marks))


class _Inference:
    """One pass of inference under one assignment of kinds to undeclared names.

    ``assigned`` overrides the naming convention for some undeclared names.  Besides the
    typed tree, a pass reports what the kind search (:mod:`.kinds`) needs: on failure, the
    undeclared names under the syntax node that failed (``conflict``); on success, the
    readings that people rarely mean (``doubts``: name → (cost, why)), such as a transposed
    scalar or a scalar written after a row vector."""

    def __init__(self, text: str, declared: dict, assigned: dict | None = None):
        self.text = text
        self.depth = self.visits = 0
        self.solver = Solver()
        self.declared = declared
        self.assigned = assigned or {}
        self.conflict: list[str] | None = None
        self.doubts: dict[str, tuple[float, str]] = {}
        self.var_shapes: dict[str, tuple] = {}
        self.var_kinds: dict[str, str] = {}
        self.var_spans: dict[str, tuple[int, int]] = {}
        self.order: list[str] = []
        self.notes: list[Choice] = []
        self.taken = {d for spec in declared.values() if isinstance(spec, (tuple, list))
                      for d in spec if isinstance(d, str)}

    # -- helpers -------------------------------------------------------------------------
    def typed(self, op: Op, args: list[_T], attrs: tuple, syn: Syn, op_span=None) -> _T:
        site = _Site(self, None, args, op_span)
        shape = SHAPE_RULES[op]([a.shape for a in args], attrs, site)
        return _T(op, args, attrs, tuple(shape), syn.span)

    def error(self, cls, msg: str, *spans) -> Exception:
        return cls(msg, self.text, tuple(s for s in spans if s))

    # -- variables -----------------------------------------------------------------------
    def variable(self, syn: Syn) -> _T:
        name = syn.value
        if name not in self.var_shapes:
            self.var_shapes[name], self.var_kinds[name] = self.declare(name)
            self.var_spans[name] = syn.span
            self.order.append(name)
        return _T(Op.VAR, [], (name, self.var_kinds[name]), self.var_shapes[name], syn.span,
                  name)

    def declare(self, name: str) -> tuple[tuple, str]:
        spec = self.declared.get(name, None)
        if spec is None:
            spec = self.assigned.get(name) or kind_by_convention(name)
        return declaration(name, spec, self.solver.fresh)

    # -- the walk ------------------------------------------------------------------------
    def visit(self, syn: Syn) -> _T:
        self.visits += 1
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(ParseError, f"the expression is nested too deeply (more than "
                             f"{MAX_DEPTH} levels)", syn.span)
        try:
            return _VISITORS[syn.kind](self, syn)
        except ShapeError:
            if self.conflict is None:
                self.conflict = self.undeclared_under(syn)
            raise
        finally:
            self.depth -= 1

    def undeclared_under(self, syn: Syn) -> list[str]:
        """The undeclared names in ``syn``, in order of appearance (no recursion)."""
        found, todo = [], [syn]
        while todo:
            node = todo.pop()
            if node.kind == "name" and node.value in self.var_shapes \
                    and node.value not in self.declared and node.value not in found:
                found.append(node.value)
            todo.extend(reversed(node.args))
        return found

    def doubt(self, t: _T, cost: float, why: str) -> None:
        """Note a reading of the undeclared name ``t`` that people rarely mean."""
        if t.op is Op.VAR and t.name not in self.declared:
            before = self.doubts.get(t.name, (0.0, ""))
            self.doubts[t.name] = (before[0] + cost, before[1] or why)

    def k_number(self, syn):
        return _T(Op.CONST, [], (literal(syn, self.text),), (), syn.span)

    def k_name(self, syn):
        if syn.value == "eye":
            n = self.solver.fresh()
            return _T(Op.EYE, [], (), (n, n), syn.span)
        if syn.value in FUNCTIONS:
            raise self.error(ParseError, f"{syn.value} is a function: write {syn.value}(...)",
                             syn.span)
        return self.variable(syn)

    def k_group(self, syn):
        return self.visit(syn.args[0])

    def k_add(self, syn):
        return self.sum(syn)

    def k_sub(self, syn):
        return self.sum(syn)

    def sum(self, syn) -> _T:
        """A flat sum: ``a + b - c`` is one sum of three terms (parentheses keep nesting).

        The chain of ``+``/``-`` is walked without recursion, so long sums nest no deeper."""
        chain = [syn]
        while chain[-1].args[0].kind in ("add", "sub"):
            chain.append(chain[-1].args[0])
        terms = [self.visit(chain[-1].args[0])]
        for link in reversed(chain):
            right = self.visit(link.args[1])
            terms.append(self.subtracted(right, link.args[1]) if link.kind == "sub" else right)
        return self.typed(Op.ADD, terms, (), syn, syn.value)

    def subtracted(self, t: _T, syn: Syn) -> _T:
        """``- t`` as a term of a sum: a number, or a product led by a number, takes the sign
        into that number (``a - 2*B`` is ``a + (-2)*B``, the form a simplified sum has);
        anything else, a parenthesised one included, is negated."""
        if t.op is Op.CONST and syn.kind == "number":
            return _T(Op.CONST, [], (-t.attrs[0],), (), t.span)
        if syn.kind == "mul" and leading_number(t) is not None:
            return _negate_leading_number(t)
        return _T(Op.NEG, [t], (), t.shape, t.span)

    def k_neg(self, syn):
        (a,) = (self.visit(x) for x in syn.args)
        if syn.args[0].kind == "number":
            return _T(Op.CONST, [], (-a.attrs[0],), (), syn.span)
        return _T(Op.NEG, [a], (), a.shape, syn.span)

    def k_mul(self, syn):
        """A sign in front of a product applies to the whole product: ``--a*x`` is
        ``-(-(a*x))``.  The signs lifted are those the text writes before the left operand
        (not inside parentheses) and those an inner product already lifted."""
        a, b = self.visit(syn.args[0]), self.visit(syn.args[1])
        signs, left = 0, syn.args[0]
        while a.op is Op.NEG and left.kind in ("neg", "mul"):
            signs += 1
            a = a.args[0]
            if left.kind == "neg":
                left = left.args[0]
        node = self.product(syn, a, b)
        for _ in range(signs):
            node = _T(Op.NEG, [node], (), node.shape, syn.span)
        return node

    def product(self, syn, a: _T, b: _T) -> _T:
        """``a*b``: a scale when a side is scalar, else a matrix product; a scalar or a sign
        in front of a product applies to the whole product (``2*A*B`` is 2 times A*B)."""
        if not a.shape:
            return self.typed(Op.SCALE, [a, b], (), syn, syn.value)
        if not b.shape:
            row = len(a.shape) == 2 and a.shape[0] == 1
            self.doubt(b, ROW_THEN_SCALAR if row else MATRIX_THEN_SCALAR,
                       "a scalar written after a row vector" if row
                       else "a scalar written after a matrix")
            return self.typed(Op.SCALE, [b, a], (), syn, syn.value)
        if a.op is Op.SCALE and syn.args[0].kind == "mul":
            s, inner = a.args
            product = self.typed(Op.MATMUL, [inner, b], (), syn, syn.value)
            return _T(Op.SCALE, [s, product], (), product.shape, syn.span)
        return self.typed(Op.MATMUL, [a, b], (), syn, syn.value)

    def k_hadamard(self, syn):
        a, b = (self.visit(x) for x in syn.args)
        if not a.shape or not b.shape:
            return self.product(syn, a, b)
        return self.typed(Op.HADAMARD, [a, b], (), syn, syn.value)

    def k_kron(self, syn):
        a, b = (self.visit(x) for x in syn.args)
        return self.typed(Op.KRON, [a, b], (), syn, syn.value)

    def k_inner(self, syn):
        a, b = (self.visit(x) for x in syn.args)
        prod = self.typed(Op.HADAMARD, [a, b], (), syn, syn.value)
        return _T(Op.SUM, [prod], (), (), syn.span)

    def k_ediv(self, syn):
        a, b = (self.visit(x) for x in syn.args)
        self.nonzero_divisor(b)
        return self.typed(Op.DIV, [a, b], (), syn, syn.value)

    def nonzero_divisor(self, b: _T) -> None:
        """A divisor written as zero, or as numbers that make zero (``x/0``,
        ``X./matrix(0)``, ``x/(1 - 1)``), is refused: the quotient is no number, and no
        simplification may make it one."""
        if known_value(b) == 0:
            raise self.error(UnsupportedError, "division by zero", b.span)

    def k_div(self, syn):
        a, b = (self.visit(x) for x in syn.args)
        if b.shape:
            raise self.error(
                ShapeError, "cannot divide by a matrix or vector: use an element-wise quotient "
                "(./) or a product with an inverse (inv)", syn.value, b.span)
        self.nonzero_divisor(b)
        return self.typed(Op.DIV, [a, b], (), syn, syn.value)

    def k_epow(self, syn):
        a, b = (self.visit(x) for x in syn.args)
        return self.typed(Op.POW, [a, b], (), syn, syn.value)

    def k_pow(self, syn):
        a, b = (self.visit(x) for x in syn.args)
        if not a.shape:
            return self.typed(Op.POW, [a, b], (), syn, syn.value)
        if len(a.shape) == 1:
            raise self.error(
                ShapeError, "a vector has no matrix power: use .^ for an element-wise power "
                "or norm2(x)^2 for the squared norm", syn.value, a.span)
        k = integer_literal(syn.args[1], self.text)
        if k is None:
            raise self.error(UnsupportedError,
                             "a matrix power needs an integer exponent (A^2, A^-1)",
                             syn.args[1].span)
        if k == -1:
            return self.typed(Op.INV, [a], (), syn, syn.value)
        return self.typed(Op.MATPOW, [a], (k,), syn, syn.value)

    def k_transpose(self, syn):
        (a,) = (self.visit(x) for x in syn.args)
        if not a.shape:
            self.doubt(a, TRANSPOSED_SCALAR, "a transposed name is not a scalar")
        return self.typed(Op.TRANSPOSE, [a], (), syn)

    def k_norm(self, syn):
        (a,) = (self.visit(x) for x in syn.args)
        return _T(Op.NORM1 if syn.value == "1" else Op.NORM2, [a], (), (), syn.span)

    def k_bars(self, syn):
        """``|x|``: the determinant of a matrix, the absolute value of a scalar or vector."""
        (a,) = (self.visit(x) for x in syn.args)
        subject = self.text[syn.span[0]:syn.span[1]]
        if len(a.shape) == 2:
            self.notes.append(Choice("notation", subject, "the determinant (det)",
                                     "|A| of a matrix is its determinant", syn.span))
            return self.typed(Op.DET, [a], (), syn)
        self.notes.append(Choice("notation", subject, "the absolute value (abs)",
                                 "|x| of a scalar or vector is its absolute value", syn.span))
        return _T(Op.FUNC, [a], ("abs",), a.shape, syn.span)

    def k_call(self, syn):
        name = syn.value
        function = FUNCTIONS.get(name)
        if function is None:
            raise self.error(ParseError, f"{name} is not a known function",
                             (syn.span[0], syn.span[0] + len(name)))
        if function.family == CONSTANT:
            return self.constant_array(syn)
        want = function.arity
        variadic = function.family == FRECHET_FAMILY
        if len(syn.args) != want and not (variadic and len(syn.args) > want):
            raise self.error(ParseError, f"{name} takes {'at least ' if variadic else ''}"
                             f"{want} argument{'s' if want > 1 else ''}, got {len(syn.args)}",
                             syn.span)
        args = [self.visit(a) for a in syn.args]
        if function.family == ELEMENTWISE_FAMILY:
            return _T(Op.FUNC, args, (name,), args[0].shape, syn.span)
        if function.family == MATRIX_FAMILY:
            return self.typed(Op.MATFUNC, args, (name,), syn)
        if variadic:
            return self.typed(Op.FRECHET, args, (name.removeprefix("L_"),), syn)
        op = function.ops[0]
        if op is Op.DIAGM and len(args[0].shape) != 1:
            op = Op.DIAGV  # diag of a matrix is its diagonal
        return self.typed(op, args, (), syn)

    def constant_array(self, syn: Syn) -> _T:
        name, fresh = syn.value, self.solver.fresh
        if name == "eye":
            if len(syn.args) > 1:
                raise self.error(ParseError, "eye takes at most one argument (its size)",
                                 syn.span)
            n = fresh()
            if syn.args:
                size = integer_literal(syn.args[0], self.text)
                if size is None or size <= 0:
                    raise self.error(ParseError, "the size of eye(...) must be a positive "
                                     "integer", syn.args[0].span)
                n = size
            return _T(Op.EYE, [], (), (n, n), syn.span)
        if len(syn.args) != 1 or number_literal(syn.args[0], self.text) is None:
            raise self.error(ParseError, f"{name}(c) takes one number, the fill value",
                             syn.span)
        value = number_literal(syn.args[0], self.text)
        shape = (fresh(),) if name == "vector" else (fresh(), fresh())
        return _T(Op.FILL, [], (value,), shape, syn.span)

    # -- building the IR -----------------------------------------------------------------
    def build(self, root: _T) -> Typed:
        solver = self.solver
        names = solver.names(self.taken | set(self.order)) if solver.first_seen else {}
        variables: dict[str, Node] = {}
        resolved: dict[int, dimmod.Dim] = {}

        def dim(d) -> dimmod.Dim:
            key = id(d)
            if key not in resolved:
                resolved[key] = solver.resolve(d, names)
            return resolved[key]

        def shape_of(t: _T):
            shape = t.shape
            for d in shape:
                if d.__class__ is not str and d.__class__ is not int:
                    return tuple(d if isinstance(d, (int, str)) else dim(d) for d in shape)
            return shape

        def make(t: _T) -> Node:
            op = t.op
            if op is Op.VAR:
                node = variables.get(t.name)
                if node is None:  # a name's every occurrence is one interned node
                    node = variables[t.name] = build.var(t.name, shape_of(t), t.attrs[1],
                                                         span=t.span)
                return node
            if op is Op.CONST:
                return build.const(t.attrs[0], span=t.span)
            if op is Op.EYE or op is Op.FILL:
                node = build.construct(op, (), t.attrs, span=t.span, leaf_shape=shape_of(t))
            else:
                node = build.construct(op, tuple([make(a) for a in t.args]), t.attrs, t.span)
            node_spans.setdefault(id(node), t.span)
            return node

        node_spans: dict[int, tuple[int, int]] = {}
        node = make(root)
        return Typed(node, self.text, variables, self.order, None, self.var_spans,
                     node_spans=node_spans)


def _negate_leading_number(t: _T) -> _T:
    first = t.args[0]
    if first.op is Op.CONST:
        first = _T(Op.CONST, [], (-first.attrs[0],), (), first.span)
    else:
        first = _negate_leading_number(first)
    return _T(Op.SCALE, [first, t.args[1]], (), t.shape, t.span)


_VISITORS = {name[2:]: method for name, method in vars(_Inference).items()
             if name.startswith("k_")}


def infer_with(syn: Syn, text: str, declared: dict, assigned: dict) -> tuple[_Inference, _T]:
    """One inference pass with the kinds ``assigned`` to undeclared names; raises
    :class:`ShapeError` with the pass (``error.inference``) attached."""
    inf = _Inference(text, declared, assigned)
    try:
        root = inf.visit(syn)
        try:
            inf.solver.settle()
        except ShapeError:
            inf.conflict = inf.undeclared_under(syn)
            raise
        return inf, root
    except ShapeError as e:
        e.inference = inf
        raise
