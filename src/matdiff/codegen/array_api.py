"""Code generation: an IR expression as a Python function over the array API, planned first.

The generated function takes the variables as keyword arrays, reads the symbolic sizes off
their shapes, and computes the expression with the namespace ``xp`` of its inputs (array API
standard via ``array_api_compat``), so one function serves NumPy, JAX, PyTorch, CuPy and
Dask.  Before writing, the writer plans: every product is flattened into a chain
(:mod:`.chains`) whose order is chosen from the sizes (bound at call time by
:mod:`.compile`, nominal for :func:`generate` alone) and whose runs shared between terms are
computed once; products are written by :mod:`.products` (diagonal matrices as broadcasts,
transposes where they cost nothing); numbers and the functions that overflow in textbook
form by :mod:`.numerics`.  Each op is written by its entry of :data:`WRITERS`.

Invariants: the function has no branch on sizes (a plan is fixed per size signature, so it
traces under ``jax.jit`` and ``torch.compile``); only names validated by the grammar reach
the source, in their NFKC form (the form Python reads), renamed where they would clash with
Python keywords or the function's own names; locals never clash with them.
"""

from __future__ import annotations

from typing import Callable

from ..ir import Node, Op, Prod, deep_recursion
from ..ir.symmetry import is_symmetric
from ..ir.vocabulary import ATOM, FUNCTIONS, PRODUCT, SUM, UNARY, binding
from .chains import Chain, ChainPlanner, flatten, is_product
from .einsum import einsum_text
from .matrix_functions import MATRIX_HELPERS
from .naming import Generated, release_locals, safe_name
from .numerics import ELEMENTWISE_HELPERS, HELPERS, NAMES, TEMPLATES, number
from .products import DIAG, MAT, SCALAR, VEC, Value, product, trace_of_product

__all__ = ["generate", "Generated", "WRITERS"]


def generate(root: Node, variables: dict[str, Node], name: str = "derivative",
             namespace: str = "array_api", anchor: str | None = None,
             sizes: dict[str, int] | None = None, value: Node | None = None) -> Generated:
    """Python source computing ``root`` from ``variables`` (name → VAR node).

    ``anchor`` names a variable the function always takes, even when the result does not
    depend on it (it fixes the array namespace and dtype of a constant result).  ``sizes``
    (dimension name → size) guide the order of products; ``value``, when given, is computed
    too and returned first, sharing every common subexpression (value and gradient).
    """
    roots = (root,) if value is None else (value, root)
    with deep_recursion():
        return _Writer(roots, variables, name, namespace, anchor, sizes).module()


class _Writer:
    def __init__(self, roots, variables, name, namespace, anchor, sizes):
        self.roots, self.name, self.namespace = roots, name, namespace
        self.anchor = anchor
        self.taken: set[str] = {name}
        self.params: dict[str, str] = {}
        for v in variables:
            self.params[v] = safe_name(v, self.taken)
            self.taken.add(self.params[v])
        self.variables = variables
        self.dim_names: dict[str, str] = {}
        self.lines: list[str] = []
        self.locals: dict[int, str] = {}
        self.level: dict[int, int] = {}
        self.uses: dict[int, int] = {}
        self.helpers: set[str] = set()
        self.needs_dtype = False
        self.planner = ChainPlanner(sizes)
        self.runs: dict[tuple, Value] = {}
        self.chains: dict[int, Chain | None] = {}
        self.names = NAMES[namespace]

    # -- structure -----------------------------------------------------------------------
    def walk(self) -> list[Node]:
        seen: set[int] = set()
        order: list[Node] = []
        for root in self.roots:
            for node in root.walk():
                if id(node) not in seen:
                    seen.add(id(node))
                    order.append(node)
        return order

    def plan(self, order: list[Node]) -> None:
        """Count the uses of every node and the runs of every chain that is computed."""
        inside: dict[int, bool] = {}
        for root in self.roots:
            self.uses[id(root)] = self.uses.get(id(root), 0) + 1
        for node in order:
            absorbs = is_product(node)
            for pos, a in enumerate(node.args):
                self.uses[id(a)] = self.uses.get(id(a), 0) + 1
                kept = absorbs and not (node.op is Op.SCALE and pos == 0)
                inside[id(a)] = inside.get(id(a), True) and kept
        for node in order:
            if is_product(node) and not inside.get(id(node), False):
                self.planner.add(self.flat(node).factors)

    def module(self) -> Generated:
        order = self.walk()
        self.plan(order)
        used_vars = [v for v in self.variables
                     if any(n is self.variables[v] for n in order)]
        texts = [self.expr(root) for root in self.roots]
        dims_lines, providers = self.bind_dims(used_vars)
        needed = [v for v in self.variables
                  if v in used_vars or v in providers or v == self.anchor]
        for k, root in enumerate(self.roots):
            if root.op is Op.CONST and needed:
                self.needs_dtype = True
                texts[k] = f"xp.asarray({texts[k]}, dtype=dtype)"
        args = ", ".join(self.params[v] for v in self.variables)
        head = [f"def {self.name}({args}):"]
        if self.namespace == "array_api":
            inputs = ", ".join(self.params[v] for v in needed) or "numpy.zeros(0)"
            head.append(f"    xp = array_api_compat.array_namespace({inputs})")
        if self.needs_dtype:
            first = f"{self.params[needed[0]]}.dtype" if needed else "xp.float64"
            head.append(f"    dtype = {first}")
        body = release_locals(self.lines, ", ".join(texts))
        lines = head + ["    " + ln for ln in dims_lines + body]
        lines.append(f"    return {', '.join(texts)}")
        if self.namespace == "array_api":
            imports = "import array_api_compat\n" + ("" if needed else "import numpy\n")
        else:
            imports = "import numpy as xp\n"
        helpers = "".join({**HELPERS, **MATRIX_HELPERS}[h] + "\n\n\n"
                          for h in sorted(self.helpers))
        source = imports + "\n\n" + helpers + "\n".join(lines) + "\n"
        return Generated(source, self.name, dict(self.params), tuple(self.dim_names),
                         tuple(needed), self.roots, self.namespace, self.anchor)

    def bind_dims(self, used: list[str]) -> tuple[list[str], set[str]]:
        """Lines reading each size off an input (used inputs first), and those inputs."""
        lines, providers = [], set()
        bound: set[str] = set()
        ranked = used + [v for v in self.variables if v not in used]
        for vname in ranked:
            for axis, d in enumerate(self.variables[vname].shape):
                if isinstance(d, str) and d in self.dim_names and d not in bound:
                    lines.append(f"{self.dim_names[d]} = {self.params[vname]}.shape[{axis}]")
                    bound.add(d)
                    providers.add(vname)
        missing = set(self.dim_names) - bound
        if missing:
            raise ValueError("sizes fixed by no variable: " + ", ".join(sorted(missing)))
        return lines, providers

    def dim(self, d) -> str:
        if isinstance(d, int):
            return str(d)
        if isinstance(d, Prod):
            parts = ([str(d.coef)] if d.coef != 1 else []) + [self.dim(n) for n in d.names]
            return " * ".join(parts)
        if d not in self.dim_names:
            self.dim_names[d] = safe_name(d, self.taken)
            self.taken.add(self.dim_names[d])
        return self.dim_names[d]

    def shape(self, shape) -> str:
        inner = ", ".join(self.dim(d) for d in shape)
        return f"({inner},)" if len(shape) == 1 else f"({inner})"

    def local(self, text: str) -> str:
        """A new local holding ``text``; its name clashes with no argument or size."""
        k = len(self.lines) + 1
        while f"_t{k}" in self.taken:
            k += 1
        name = f"_t{k}"
        self.taken.add(name)
        self.lines.append(f"{name} = {text}")
        return name

    def flat(self, node: Node) -> Chain | None:
        """The chain ``node`` is (:func:`.chains.flatten`), once per node."""
        key = id(node)
        if key not in self.chains:
            self.chains[key] = flatten(node)
        return self.chains[key]

    def helper(self, name: str) -> str:
        self.helpers.add(name)
        return name

    # -- expressions ---------------------------------------------------------------------
    def expr(self, node: Node) -> str:
        """A Python expression for ``node``; shared subexpressions go to locals."""
        key = id(node)
        if key in self.locals:
            return self.locals[key]
        if is_product(node):
            text = self.chain(node)
        else:
            write = WRITERS.get(node.op)
            if write is None:
                raise ValueError(f"no code for {node.op.value} yet")
            text = write(self, node, *node.args)
        shared = self.uses.get(key, 0) > 1 and node.op not in (Op.VAR, Op.CONST)
        if shared and text in self.taken:  # already a local (a shared run of a product)
            self.locals[key] = text
            return text
        if shared or text.count("(") > _MAX_PARENS:
            self.locals[key] = self.local(text)
            return self.locals[key]
        return text

    def operand(self, node: Node, need: int) -> str:
        """``node`` as an operand that binds at least as tightly as ``need``."""
        text = self.expr(node)
        if id(node) in self.locals or node.op is Op.VAR:
            return text
        if node.op is Op.CONST and (node.attrs[0] < 0 or text.startswith("-")):
            return f"({text})"
        level = self.level.get(id(node), binding(node.op).python)
        return f"({text})" if level < need else text

    def named(self, node: Node) -> str:
        """``node`` computed into a local (or its name), to be used more than once."""
        text = self.expr(node)
        if node.op is Op.VAR or id(node) in self.locals:
            return text
        self.locals[id(node)] = self.local(text)
        return self.locals[id(node)]

    # -- products ------------------------------------------------------------------------
    def factor_value(self, f) -> Value:
        if f.diagonal and f.is_eye:
            self.needs_dtype = True
            return Value(f"xp.ones({self.shape((f.rows,))}, dtype=dtype)", DIAG, f.rows,
                         f.cols, True)
        kind = DIAG if f.diagonal else VEC if f.node.rank == 1 else MAT
        return Value(self.operand(f.node, ATOM), kind, f.rows, f.cols, True,
                     kind == MAT and f.flipped)

    def run(self, chain, plan, i: int, j: int) -> Value:
        """The product of factors ``i..j-1`` of ``chain``, each shared run computed once."""
        if j - i == 1:
            return self.factor_value(chain.factors[i])
        key, reversed_ = plan.table[i][j]
        if key in self.runs:
            done = self.runs[key]
            return done.t() if reversed_ else done
        k = plan.split(i, j)
        value = product(self.run(chain, plan, i, k), self.run(chain, plan, k, j),
                        self.as_matrix)
        if self.planner.count.get(key, 0) > 1:
            value = Value(self.local(value.text), value.kind, value.rows, value.cols, True)
            self.runs[key] = value.t() if reversed_ else value
        return value

    def as_matrix(self, v: Value) -> str:
        """``v`` as a 2-D array (a diagonal one dense: the one place an eye is built)."""
        if v.kind == MAT:
            return v.full
        if v.kind == DIAG:
            self.needs_dtype = True
            return f"{v.atom}[:, None] * xp.eye({self.dim(v.rows)}, dtype=dtype)"
        return f"xp.reshape({v.text}, ({self.dim(v.rows)}, {self.dim(v.cols)}))"

    def scaled(self, chain, text: str, atomic: bool) -> tuple[str, int]:
        """``text`` times the chain's sign and scalar factors, and how tightly it binds."""
        if not chain.scalars and chain.sign > 0:
            return text, ATOM if atomic else PRODUCT
        operand = text if atomic else f"({text})"
        coef = [self.operand(s, PRODUCT) for s in chain.scalars]
        if chain.sign < 0:
            return "-" + " * ".join(coef + [operand]), UNARY
        return " * ".join(coef + [operand]), PRODUCT

    def chain(self, node: Node) -> str:
        chain = self.flat(node)
        plan = self.planner.order(chain.factors)
        self.planner.commit(plan, 0, len(chain.factors))
        value = self.run(chain, plan, 0, len(chain.factors))
        if value.kind == DIAG and (chain.scalars or chain.sign < 0):
            text, _ = self.scaled(chain, value.text, value.atomic)
            value = Value(text, DIAG, value.rows, value.cols, False)
            chain = chain.__class__(1, (), chain.factors)
        if value.kind == MAT:
            text, atomic = value.full, value.atomic and not value.transposed
        elif value.kind == DIAG:
            text, atomic = self.as_matrix(value), False
        else:
            text, atomic = value.text, value.atomic
        natural = {MAT: 2, VEC: 1, SCALAR: 0, DIAG: 2}[value.kind]
        if natural != node.rank:
            text, atomic = f"xp.reshape({text}, {self.shape(node.shape)})", True
        text, self.level[id(node)] = self.scaled(chain, text, atomic or value.transposed)
        return text

    def trace_of_chain(self, a: Node) -> tuple[str, int] | None:
        """``tr(a)`` of a product without forming it, and how tightly the text binds."""
        chain = self.flat(a)
        if (chain is None or len(chain.factors) < 2 or id(a) in self.locals
                or self.uses.get(id(a), 0) > 1):
            return None
        plan = self.planner.order(chain.factors)
        k = plan.trace_split()
        n = len(chain.factors)
        self.planner.commit(plan, 0, k)
        self.planner.commit(plan, k, n)
        text = trace_of_product(self.run(chain, plan, 0, k), self.run(chain, plan, k, n),
                                self.as_matrix, lambda t: f"{self.names['trace']}({t})",
                                lambda t: f"xp.sum({t})")
        return self.scaled(chain, text, text.startswith("xp.") and text.endswith(")"))

    # -- the other ops -------------------------------------------------------------------
    def e_var(self, node):
        return self.params[node.attrs[0]]

    def e_const(self, node):
        return number(node.attrs[0])

    def e_diff(self, node, v):
        raise ValueError("internal: a differential in generated code")

    def e_eye(self, node):
        self.needs_dtype = True
        return f"xp.eye({self.dim(node.shape[0])}, dtype=dtype)"

    def e_fill(self, node):
        self.needs_dtype = True
        return f"xp.full({self.shape(node.shape)}, {number(node.attrs[0])}, dtype=dtype)"

    def e_fuse(self, node):
        self.needs_dtype = True
        n, p, q = node.shape
        return f"xp.reshape(xp.eye({self.dim(n)}, dtype=dtype), {self.shape((n, p, q))})"

    def e_add(self, node, *args):
        text = self.operand(args[0], SUM)
        for a in args[1:]:
            if (a.op is Op.NEG and id(a) not in self.locals and self.uses.get(id(a), 0) < 2
                    and not is_product(a)):
                text += " - " + self.operand(a.args[0], PRODUCT + 1)
            else:
                text += " + " + self.operand(a, SUM)
        return text

    def e_neg(self, node, a):
        return f"-{self.operand(a, UNARY)}"

    def _binary(self, a, b, symbol):
        return f"{self.operand(a, PRODUCT)} {symbol} {self.operand(b, PRODUCT + 1)}"

    def e_scale(self, node, s, a):
        return self._binary(s, a, "*")

    def e_hadamard(self, node, a, b):
        return self._binary(a, b, "*")

    def e_div(self, node, a, b):
        return self._binary(a, b, "/")

    def e_pow(self, node, a, p):
        return f"{self.operand(a, ATOM)} ** {self.operand(p, UNARY)}"

    def e_matmul(self, node, a, b):  # only a product with a scalar operand is not a chain
        return self._binary(a, b, "*")

    def e_matpow(self, node, a):
        return f"xp.linalg.matrix_power({self.expr(a)}, {node.attrs[0]})"

    def e_transpose(self, node, a):
        if a.rank == 0:
            return self.operand(a, ATOM)
        if a.rank == 1 or node.rank < 2:
            return f"xp.reshape({self.expr(a)}, {self.shape(node.shape)})"
        return f"{self.operand(a, ATOM)}.T"

    def e_trace(self, node, a):
        if a.is_scalar:
            return self.operand(a, ATOM)
        split = self.trace_of_chain(a)
        if split is None:
            return f"{self.names['trace']}({self.expr(a)})"
        text, self.level[id(node)] = split
        return text

    def e_det(self, node, a):
        return self.operand(a, ATOM) if a.is_scalar else f"xp.linalg.det({self.expr(a)})"

    def e_logdet(self, node, a):
        if a.is_scalar:
            return f"xp.log(xp.abs({self.expr(a)}))"
        return f"xp.linalg.slogdet({self.expr(a)})[1]"

    def e_inv(self, node, a):
        return f"1 / {self.operand(a, PRODUCT + 1)}" if a.is_scalar \
            else f"xp.linalg.inv({self.expr(a)})"

    def e_diagm(self, node, v):
        self.needs_dtype = True
        return f"{self.operand(v, ATOM)}[:, None] * xp.eye({self.dim(v.shape[0])}, dtype=dtype)"

    def e_diagv(self, node, a):
        return f"{self.names['diagonal']}({self.expr(a)})"

    def e_vec(self, node, a):
        if a.rank == 1:
            return self.operand(a, ATOM)
        return f"xp.reshape({self.operand(a, ATOM)}.T, {self.shape(node.shape)})"

    def e_sum(self, node, a):
        return f"xp.sum({self.expr(a)})"

    def e_kron(self, node, a, b):
        if a.rank == 1 and b.rank == 1:
            outer = f"{self.operand(a, ATOM)}[:, None] * {self.operand(b, ATOM)}[None, :]"
        elif a.rank == 1:
            outer = (f"{self.operand(a, ATOM)}[:, None, None]"
                     f" * {self.operand(b, ATOM)}[None, :, :]")
        elif b.rank == 1:
            outer = (f"{self.operand(a, ATOM)}[:, None, :]"
                     f" * {self.operand(b, ATOM)}[None, :, None]")
        else:
            outer = (f"{self.operand(a, ATOM)}[:, None, :, None]"
                     f" * {self.operand(b, ATOM)}[None, :, None, :]")
        return f"xp.reshape({outer}, {self.shape(node.shape)})"

    def e_norm2(self, node, a):
        inner = self.named(a)
        return f"xp.sqrt(xp.sum({inner} * {inner}))"

    def e_norm1(self, node, a):
        return f"xp.sum(xp.abs({self.expr(a)}))"

    def e_func(self, node, a):
        name = node.attrs[0]
        if name == "log" and _is_one_plus_exp(a):
            exponent = next(t for t in a.args if t.op is Op.FUNC).args[0]
            return f"{self.helper('_softplus')}(xp, {self.expr(exponent)})"
        if not any(n.op is Op.VAR for n in a.walk()):
            self.needs_dtype = True
            arg = f"xp.asarray({self.expr(a)}, dtype=dtype)"
        else:
            arg = self.named(a) if name in TEMPLATES else self.expr(a)
        if name in TEMPLATES:
            return TEMPLATES[name].format(arg)
        if name in ELEMENTWISE_HELPERS:
            return f"{self.helper(ELEMENTWISE_HELPERS[name])}(xp, {arg})"
        return f"xp.{FUNCTIONS[name].xp}({arg})"

    def e_logsumexp(self, node, a):
        return f"{self.helper('_logsumexp')}(xp, {self.expr(a)})"

    def e_softmax(self, node, a):
        return f"{self.helper('_softmax')}(xp, {self.expr(a)})"

    def e_matfunc(self, node, a):
        symmetric = is_symmetric(a)
        return f"{self.helper('_matfunc')}(xp, {node.attrs[0]!r}, {symmetric}, {self.expr(a)})"

    def e_frechet(self, node, x, *directions):
        self.helper("_matfunc")
        args = ", ".join(self.expr(a) for a in (x, *directions))
        symmetric = is_symmetric(x)
        return f"{self.helper('_frechet')}(xp, {node.attrs[0]!r}, {symmetric}, {args})"

    def e_einsum(self, node, *args):
        specs, out = node.attrs
        operands = [self.expr(a) for a in args]
        if self.namespace == "array_api":
            call = f"{self.helper('_einsum')}(xp, {{spec!r}}, {{operands}})"
        else:
            call = "xp.einsum({spec!r}, {operands}, optimize=True)"
        text = einsum_text(specs, out, operands, call, self.local)
        if "_" in out:
            text = f"xp.reshape({text}, {self.shape(node.shape)})"
        return text


def _is_one_plus_exp(a: Node) -> bool:
    """``1 + exp(z)`` (either order): its log is the softplus of ``z``."""
    if a.op is not Op.ADD or len(a.args) != 2:
        return False
    kinds = sorted(a.args, key=lambda t: t.op is Op.FUNC)
    one, exp = kinds
    return (one.op is Op.CONST and one.attrs[0] == 1 and exp.op is Op.FUNC
            and exp.attrs[0] == "exp" and a.shape == exp.shape)


WRITERS: dict[Op, Callable[..., str]] = {
    Op.VAR: _Writer.e_var, Op.DIFF: _Writer.e_diff, Op.CONST: _Writer.e_const,
    Op.EYE: _Writer.e_eye, Op.FILL: _Writer.e_fill, Op.FUSE: _Writer.e_fuse,
    Op.ADD: _Writer.e_add, Op.NEG: _Writer.e_neg, Op.SCALE: _Writer.e_scale,
    Op.MATMUL: _Writer.e_matmul, Op.HADAMARD: _Writer.e_hadamard, Op.DIV: _Writer.e_div,
    Op.POW: _Writer.e_pow, Op.MATPOW: _Writer.e_matpow, Op.TRANSPOSE: _Writer.e_transpose,
    Op.TRACE: _Writer.e_trace, Op.DET: _Writer.e_det, Op.LOGDET: _Writer.e_logdet,
    Op.INV: _Writer.e_inv, Op.DIAGM: _Writer.e_diagm, Op.DIAGV: _Writer.e_diagv,
    Op.VEC: _Writer.e_vec, Op.SUM: _Writer.e_sum, Op.KRON: _Writer.e_kron,
    Op.NORM2: _Writer.e_norm2, Op.NORM1: _Writer.e_norm1, Op.FUNC: _Writer.e_func,
    Op.LOGSUMEXP: _Writer.e_logsumexp, Op.SOFTMAX: _Writer.e_softmax,
    Op.EINSUM: _Writer.e_einsum, Op.MATFUNC: _Writer.e_matfunc, Op.FRECHET: _Writer.e_frechet,
}
"""How each op is written (a product of two or more factors goes through the planner
instead); a test fails when an op is missing."""

_MAX_PARENS = 40  # deeper expressions are split into locals (Python nests 200 at most)
