"""Code generation: an IR expression as a Python function over the array API.

The generated function takes the variables as keyword arrays, reads the symbolic sizes off
their shapes, and computes the expression with the namespace ``xp`` of its inputs (array API
standard via ``array_api_compat``), so one function serves NumPy, JAX, PyTorch, CuPy and
Dask; index-form tensors become ``xp.einsum``; an element-wise function is the array API
function its vocabulary row names (``xp.asin``) unless :data:`_OWN_FUNCS` evaluates it, and
operands are parenthesised by the Python column of the one precedence table
(:data:`matdiff.ir.vocabulary.PRECEDENCE`).  Subexpressions used more than once are
computed once into a local.  Only names validated by the grammar reach the source, and they
are renamed where they would clash with Python keywords or the function's own locals.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass

from ..ir import Node, Op, Prod
from ..ir.vocabulary import ATOM, FUNCTIONS, PRODUCT, SUM, UNARY, binding

__all__ = ["generate", "Generated"]

_OWN_FUNCS = {
    "sigmoid": "(1 / (1 + xp.exp(-{})))",
    "relu": "xp.where({0} > 0, {0}, 0 * {0})",
    "heaviside": "xp.where({0} > 0, 1.0, xp.zeros_like({0}))",
}
"""The element-wise functions the array API has no function for, as Python templates."""


def _template(name: str) -> str:
    """The Python template of element-wise function ``name`` (``{}`` its argument)."""
    return _OWN_FUNCS.get(name) or f"xp.{FUNCTIONS[name].xp}({{}})"


_HELPERS = {
    Op.LOGSUMEXP: '''def _logsumexp(xp, a):
    top = xp.max(a)
    return top + xp.log(xp.sum(xp.exp(a - top)))''',
    Op.SOFTMAX: '''def _softmax(xp, a):
    e = xp.exp(a - xp.max(a))
    return e / xp.sum(e)''',
}

_HELPERS[Op.EINSUM] = '''def _einsum(xp, spec, *operands):
    try:
        return xp.einsum(spec, *operands, optimize=True)
    except TypeError:  # a library whose einsum chooses the contraction order itself
        return xp.einsum(spec, *operands)'''

_RESERVED = {"xp", "np", "dtype", "array_api_compat", "numpy", "_logsumexp", "_softmax",
             "_einsum"}


@dataclass(frozen=True)
class Generated:
    """Source of a module defining ``name``; ``params`` maps each variable to its argument."""

    source: str
    name: str
    params: dict[str, str]
    dims: tuple[str, ...]
    needed: tuple[str, ...]


def _safe(name: str, taken: set[str]) -> str:
    out = name
    while keyword.iskeyword(out) or out in _RESERVED or out in taken or out.startswith("_t"):
        out += "_"
    return out


def generate(root: Node, variables: dict[str, Node], name: str = "derivative",
             namespace: str = "array_api", anchor: str | None = None) -> Generated:
    """Python source computing ``root`` from ``variables`` (name → VAR node).

    ``anchor`` names a variable the function always takes, even when the result does not
    depend on it (it fixes the array namespace and dtype of a constant result).
    """
    return _Writer(root, variables, name, namespace, anchor).module()


class _Writer:
    def __init__(self, root, variables, name, namespace, anchor):
        self.root, self.name, self.namespace = root, name, namespace
        self.anchor = anchor
        self.params: dict[str, str] = {}
        taken: set[str] = set()
        for v in variables:
            self.params[v] = _safe(v, taken)
            taken.add(self.params[v])
        self.taken = taken
        self.variables = variables
        self.dim_names: dict[str, str] = {}
        self.lines: list[str] = []
        self.locals: dict[int, str] = {}
        self.uses: dict[int, int] = {}
        self.helpers: set[Op] = set()
        self.needs_dtype = False

    # -- structure -----------------------------------------------------------------------
    def module(self) -> Generated:
        order = self.root.walk()
        for node in order:
            for a in node.args:
                self.uses[id(a)] = self.uses.get(id(a), 0) + 1
        used_vars = [v for v in self.variables if any(n is self.variables[v] for n in order)]
        body_expr = self.expr(self.root)
        dims_lines, providers = self.bind_dims(used_vars)
        needed = [v for v in self.variables
                  if v in used_vars or v in providers or v == self.anchor]
        if self.root.op is Op.CONST and needed:
            self.needs_dtype = True
            body_expr = f"xp.asarray({body_expr}, dtype=dtype)"
        args = ", ".join(self.params[v] for v in self.variables)
        head = [f"def {self.name}({args}):"]
        if self.namespace == "array_api":
            inputs = ", ".join(self.params[v] for v in needed) or "numpy.zeros(0)"
            head.append(f"    xp = array_api_compat.array_namespace({inputs})")
        if self.needs_dtype:
            first = f"{self.params[needed[0]]}.dtype" if needed else "xp.float64"
            head.append(f"    dtype = {first}")
        lines = head + ["    " + ln for ln in dims_lines + self.lines]
        lines.append(f"    return {body_expr}")
        if self.namespace == "array_api":
            imports = "import array_api_compat\n" + ("" if needed else "import numpy\n")
        else:
            imports = "import numpy as xp\n"
        helpers = "".join(_HELPERS[op] + "\n\n\n" for op in sorted(self.helpers,
                                                                       key=lambda o: o.value))
        source = imports + "\n\n" + helpers + "\n".join(lines) + "\n"
        return Generated(source, self.name, dict(self.params), tuple(self.dim_names),
                         tuple(needed))

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
            self.dim_names[d] = _safe(d, self.taken)
            self.taken.add(self.dim_names[d])
        return self.dim_names[d]

    def shape(self, shape) -> str:
        inner = ", ".join(self.dim(d) for d in shape)
        return f"({inner},)" if len(shape) == 1 else f"({inner})"

    # -- expressions ---------------------------------------------------------------------
    def expr(self, node: Node) -> str:
        """A Python expression for ``node``; shared subexpressions go to locals."""
        key = id(node)
        if key in self.locals:
            return self.locals[key]
        text = getattr(self, "e_" + node.op.name.lower())(node, *node.args)
        shared = self.uses.get(key, 0) > 1 and node.op not in (Op.VAR, Op.CONST)
        if shared or text.count("(") > _MAX_PARENS:
            local = f"_t{len(self.locals) + 1}"
            self.lines.append(f"{local} = {text}")
            self.locals[key] = local
            return local
        return text

    def operand(self, node: Node, need: int) -> str:
        """``node`` as an operand that binds at least as tightly as ``need``."""
        text = self.expr(node)
        if id(node) in self.locals or node.op in (Op.VAR,):
            return text
        if node.op is Op.CONST and node.attrs[0] < 0:
            return f"({text})"
        return f"({text})" if binding(node.op).python < need else text

    def e_var(self, node):
        return self.params[node.attrs[0]]

    def e_const(self, node):
        return repr(float(node.attrs[0]))

    def e_diff(self, node, v):
        raise ValueError("internal: a differential in generated code")

    def e_eye(self, node):
        self.needs_dtype = True
        return f"xp.eye({self.dim(node.shape[0])}, dtype=dtype)"

    def e_fill(self, node):
        self.needs_dtype = True
        return f"xp.full({self.shape(node.shape)}, {float(node.attrs[0])!r}, dtype=dtype)"

    def e_fuse(self, node):
        self.needs_dtype = True
        n, p, q = node.shape
        return f"xp.reshape(xp.eye({self.dim(n)}, dtype=dtype), {self.shape((n, p, q))})"

    def e_add(self, node, *args):
        text = self.operand(args[0], SUM)
        for a in args[1:]:
            if a.op is Op.NEG and id(a) not in self.locals and self.uses.get(id(a), 0) < 2:
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

    def e_matmul(self, node, a, b):
        left = self.operand(a, PRODUCT)
        natural = {(2, 2): 2, (2, 1): 1, (1, 2): 2, (1, 1): 1}[(a.rank, b.rank)]
        if a.rank == 1:
            left = f"xp.reshape({self.expr(a)}, ({self.dim(a.shape[0])}, 1))"
        elif a.op is Op.TRANSPOSE and a.args[0].rank == 1:
            left, natural = self.operand(a.args[0], PRODUCT), b.rank - 1
        text = f"{left} @ {self.operand(b, PRODUCT + 1)}"
        if natural != node.rank:
            text = f"xp.reshape({text}, {self.shape(node.shape)})"
        return text

    def e_matpow(self, node, a):
        return f"xp.linalg.matrix_power({self.expr(a)}, {node.attrs[0]})"

    def e_transpose(self, node, a):
        if a.rank == 0:
            return self.operand(a, ATOM)
        if a.rank == 1 or node.rank < 2:
            return f"xp.reshape({self.expr(a)}, {self.shape(node.shape)})"
        return f"{self.operand(a, ATOM)}.T"

    def e_trace(self, node, a):
        return self.operand(a, ATOM) if a.is_scalar else f"xp.linalg.trace({self.expr(a)})"

    def e_det(self, node, a):
        return self.operand(a, ATOM) if a.is_scalar else f"xp.linalg.det({self.expr(a)})"

    def e_logdet(self, node, a):
        if a.is_scalar:
            return f"xp.log(xp.abs({self.expr(a)}))"
        return f"xp.linalg.slogdet({self.expr(a)})[1]"

    def e_inv(self, node, a):
        return f"1 / {self.expr(a)}" if a.is_scalar else f"xp.linalg.inv({self.expr(a)})"

    def e_diagm(self, node, v):
        self.needs_dtype = True
        return f"{self.operand(v, ATOM)}[:, None] * xp.eye({self.dim(v.shape[0])}, dtype=dtype)"

    def e_diagv(self, node, a):
        return f"xp.linalg.diagonal({self.expr(a)})"

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
        if not any(n.op is Op.VAR for n in a.walk()):
            self.needs_dtype = True
            arg = f"xp.asarray({self.expr(a)}, dtype=dtype)"
            return _template(name).format(arg)
        if name in ("relu", "heaviside"):
            return _template(name).format(self.named(a))
        if name == "sigmoid":
            return _template(name).format(self.operand(a, UNARY))
        return _template(name).format(self.expr(a))

    def named(self, node: Node) -> str:
        """``node`` computed into a local (or its name), to be used more than once."""
        text = self.expr(node)
        if node.op is Op.VAR or id(node) in self.locals:
            return text
        local = f"_t{len(self.locals) + 1}"
        self.lines.append(f"{local} = {text}")
        self.locals[id(node)] = local
        return local

    def e_logsumexp(self, node, a):
        self.helpers.add(Op.LOGSUMEXP)
        return f"_logsumexp(xp, {self.expr(a)})"

    def e_softmax(self, node, a):
        self.helpers.add(Op.SOFTMAX)
        return f"_softmax(xp, {self.expr(a)})"

    def e_einsum(self, node, *args):
        specs, out = node.attrs
        spare = iter(sorted(set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
                            - set("".join(specs) + out)))
        fixed = ["".join(next(spare) if ch == "_" else ch for ch in s) for s in specs]
        spec = ",".join(fixed) + "->" + out.replace("_", "")
        operands = ", ".join(self.expr(a) for a in args)
        if self.namespace == "array_api":
            self.helpers.add(Op.EINSUM)
            text = f"_einsum(xp, {spec!r}, {operands})"
        else:
            text = f"xp.einsum({spec!r}, {operands}, optimize=True)"
        if "_" in out:
            text = f"xp.reshape({text}, {self.shape(node.shape)})"
        return text


_MAX_PARENS = 40  # deeper expressions are split into locals (Python nests 200 at most)
