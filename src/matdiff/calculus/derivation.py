"""The derivation, step by step, by differentials — recorded from the machinery itself.

For a gradient the steps are the ones a good answer on a math page writes::

    M = D*W - X                      abbreviation
    f = 0.5*norm2(M)^2               the function
    df = M : dM                      differential of the Frobenius norm
    dM = D*dW                        sum rule, product rule
    df = M : D*dW                    substitute dM
    df = D'*M : dW                   move the differential out of the Frobenius product
    ∇_W f = D'*M                     read off the gradient
    ∇_W f = D'*(D*W - X)             expand the abbreviation

Each differential comes from :func:`.differential` (which names the rules it applied), each
simplification from the rewrite engine (its trace is kept as the step's details), and the
gradient from :func:`.jacobian_step` — the same code that computes the printed result, whose
value is the last step.  Jacobians end with the index form (and the vec/Kronecker form where
there is one); higher orders continue with the differential of the previous derivative.

Every step states something checkable: ``kind == "value"``: ``quantity`` equals ``value``;
``kind == "differential"``: ``value`` is the differential of ``quantity`` (linear in
``dX``); ``kind == "vec"``: ``value`` is ``vec`` of that differential.  ``value`` is the
step's right side with the abbreviations (and their differentials) expanded, so a test can
check every line on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..ir import Node, Op, build
from ..rewriting import Trace, simplify
from .jacobian import Step as CalculusStep
from .transpose import TRANSPOSE_NAMES, inner

__all__ = ["Step", "derive_steps", "substitute"]


@dataclass(frozen=True)
class Step:
    """One line of a derivation: ``lhs = expr`` and the rule that licenses it."""

    rule: str
    lhs: str
    expr: Node
    kind: str
    quantity: Node
    value: Node
    abbreviations: tuple[tuple[str, Node], ...] = ()
    details: tuple[tuple[str, Node, Node], ...] = field(default=(), repr=False)
    note: str = ""


def substitute(node: Node, mapping: dict[int, Node]) -> Node:
    """``node`` with every subexpression in ``mapping`` (by identity) replaced."""
    memo: dict[int, Node] = {}

    def visit(n: Node) -> Node:
        key = id(n)
        if key in mapping:
            return mapping[key]
        if key not in memo:
            memo[key] = n.rebuild(tuple(visit(a) for a in n.args)) if n.args else n
        return memo[key]

    return visit(node)


def _depends(node: Node, x: Node) -> bool:
    return any(n is x for n in node.walk())


_MATRIX_NAMES = "M N P Q R U V Z".split()
_VECTOR_NAMES = "u v r z q s".split()
_SCALAR_NAMES = "s t g h".split()


def _choose_abbreviations(f: Node, result: Node, x: Node, taken: set[str]) -> list[tuple]:
    """Compound subexpressions of ``f`` that also stand in the result, or twice in ``f``."""
    from ..rewriting.measure import cost

    in_result = {id(n) for n in result.walk()}
    counts: dict[int, int] = {}
    for n in f.walk():
        for a in n.args:
            counts[id(a)] = counts.get(id(a), 0) + 1
    chosen: list[Node] = []
    for n in reversed(f.walk()):
        if n is f or n.op in (Op.VAR, Op.CONST, Op.TRANSPOSE) or cost(n) < 3:
            continue
        if not _depends(n, x) or not n.shape:
            continue
        if id(n) in in_result or counts.get(id(n), 0) > 1:
            if not any(any(m is n for m in c.walk()) for c in chosen):
                chosen.append(n)
    names = []
    pools = {0: _SCALAR_NAMES, 1: _VECTOR_NAMES, 2: _MATRIX_NAMES}
    for n in chosen:
        pool = [p for p in pools.get(n.rank, _MATRIX_NAMES) if p not in taken]
        if not pool:
            continue
        name = pool[0]
        taken.add(name)
        names.append((name, n, build.var(name, n.shape)))
    return names


def _simplified(node: Node) -> tuple[Node, tuple]:
    trace = Trace(budget=5_000)
    out = simplify(node, trace)
    return out, tuple(trace.entries)


def _zero(node: Node) -> Node:
    return build.fill(0.0, node.shape) if node.shape else build.ZERO


def _transposed(applied) -> tuple[tuple[str, Node, Node], ...]:
    """The transpose rules that brought ``df`` to ``G : dX``, each ``(rule, before, after)``
    with both sides as sums of pairings (:mod:`.transpose`); empty where index form read the
    gradient off instead."""
    return tuple((t.name, inner(*t.before), build.add(*(inner(g, lin) for g, lin in t.after)))
                 for t in applied)


def _pairing(g: Node, dx: Node) -> Node:
    """``G : dX`` (a vector: ``g'*dx``; a scalar: ``g*dx``)."""
    if not dx.shape:
        return build.mul(g, dx)
    if dx.rank == 1:
        return build.mul(build.transpose(g), dx)
    return build.unary(Op.SUM, build.hadamard(g, dx))


def derive_steps(record) -> list[Step]:
    """The derivation of ``record.result`` from ``record.f``, read from the record."""
    out: list[Step] = []
    current = record.f
    for k, cstep in enumerate(record.orders):
        out.extend(_one_order(current, record, cstep, k + 1))
        current = cstep.result
    return out


def _symbol(order: int, f: Node, x: Node) -> str:
    name = x.attrs[0]
    if f.is_scalar:
        return f"∇_{name} f" if order == 1 else f"∇^{order}_{name} f".replace("^2", "²")
    return f"∂F/∂{name}" if order == 1 else f"∂^{order}F/∂{name}^{order}"


def _outside(g: Node, parts: set[int]) -> set[int]:
    """The nodes of ``g`` reached without entering the ``parts``."""
    seen, todo = set(), [g]
    while todo:
        n = todo.pop()
        if id(n) in seen or id(n) in parts:
            continue
        seen.add(id(n))
        todo.extend(n.args)
    return seen


def _one_order(g: Node, record, cstep: CalculusStep, order: int) -> list[Step]:
    """The steps from ``g`` (the function, or the derivative of one order less) to the next,
    from the recorded run of the differential rules (``cstep.linear``)."""
    x, f0, run = record.x, record.f, cstep.linear
    names = set(record.variable_names)
    abbrevs = _choose_abbreviations(g, cstep.result, x, names) if order == 1 else []
    to_var = {id(node): v for _, node, v in abbrevs}
    to_diff = {id(run.of(node)): build.diff(v) for _, node, v in abbrevs}
    expanded: dict[int, Node] = {}
    for _, node, v in abbrevs:
        expanded[id(v)] = node
        expanded[id(build.diff(v))] = run.of(node)

    def expand(n: Node) -> Node:
        return substitute(n, expanded)

    gname = "f" if order == 1 and g.is_scalar else "F" if order == 1 \
        else _symbol(order - 1, f0, x)
    dname = "d" + (gname if order == 1 else f"({gname})")
    steps = [Step("abbreviation", name, node, "value", node, node, ((name, node),))
             for name, node, _ in abbrevs]
    g_abbrev = substitute(g, to_var)
    if order == 1:
        steps.append(Step("the function", gname, g_abbrev, "value", g, expand(g_abbrev)))
    top = _outside(g, set(to_var))
    used = run.rules(lambda n: id(n) in top)
    dg_abbrev = substitute(cstep.differential, {**to_diff, **to_var}) \
        if cstep.differential is not None else _zero(g)
    dg, details = _simplified(dg_abbrev)
    steps.append(Step(", ".join(used) or "the differential of a constant is zero", dname, dg,
                      "differential", g, expand(dg), details=details))
    if abbrevs:
        inner: dict[int, Node] = {}
        for name, node, v in abbrevs:
            part = {id(n) for n in node.walk()}
            inner_used = run.rules(lambda n: id(n) in part)
            dm, det = _simplified(run.of(node))
            steps.append(Step(", ".join(inner_used), "d" + name, dm, "differential", node,
                              expand(dm), details=det))
            inner[id(build.diff(v))] = dm
        dsub, det = _simplified(substitute(dg, inner))
        steps.append(Step("substitute " + ", ".join("d" + n for n, _, _ in abbrevs), dname,
                          dsub, "differential", g, expand(dsub), details=det))
    steps.extend(_read_off(g, record, cstep, to_var, expand, dname, order))
    return steps


def _read_off(g: Node, record, cstep: CalculusStep, to_var: dict, expand, dname: str,
              order: int) -> list[Step]:
    """From the differential to the derivative: move dX out, read the coefficient off."""
    x, f0 = record.x, record.f
    result = cstep.result
    symbol = _symbol(order, f0, x)
    dx = build.diff(x)
    shown = substitute(result, to_var)
    steps = []
    if g.is_scalar and result.shape == x.shape:
        rule = {2: "move the differential out of the Frobenius product (cyclic property of "
                   "the trace)", 1: "move the differential out of the inner product"}
        paired = _pairing(shown, dx)
        named = rule.get(x.rank, "collect the terms in the differential")
        adjoint = TRANSPOSE_NAMES[Op.FRECHET]
        if any(t.name == adjoint for t in cstep.transposed):
            named += f"; {adjoint}"
        steps.append(Step(named, dname,
                          paired, "differential", g, expand(paired),
                          details=_transposed(cstep.transposed)))
        steps.append(Step(f"read off the gradient: {dname} = G : d{x.attrs[0]} gives G",
                          symbol, shown, "value", result, expand(shown)))
    else:
        rule = f"read off the derivative: the coefficients of d{x.attrs[0]}"
        if any(n.op is Op.EINSUM for n in result.walk()):
            rule += ", in index notation (Kronecker deltas for the identity)"
        if order == 1 and record.kron is not None:
            vec = build.mul(record.kron, build.unary(Op.VEC, dx))
            steps.append(Step("vec of a product: vec(A*X*B) = kron(B', A)*vec(X)",
                              f"vec({dname})", vec, "vec", g, vec))
        steps.append(Step(rule, symbol, shown, "value", result, expand(shown), note="index"))
    if shown is not result:
        steps.append(Step("expand the abbreviations", symbol, result, "value", result,
                          result))
    return steps
