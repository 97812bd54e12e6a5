"""Rules of the matrix functions ``expm``, ``logm``, ``sqrtm`` and their Fréchet derivatives.

The Fréchet derivative ``L_f(X, E)`` is linear in each direction, so numbers and scalar
factors leave it (``L_f(X, t*A) = t*L_f(X, A)``).  Where the direction commutes with the
point it is the scalar rule, ``L_f(X, E) = E*f'(X)`` (``f'`` of :func:`slope`): a direction
that is the identity or a polynomial or function of the same matrix as the point
(:func:`commutes`), which is how ``tr(f(X))`` by X reads ``f'(X)'`` and ``expm(t*A)`` by t
reads ``A*expm(t*A)``; and ``tr(L_f(X, E)) = tr(f'(X)*E)`` whatever ``E``.  Derivatives at
one point add along the sum of their directions.  ``f(X') = f(X)'`` and
``L_f(X', E') = L_f(X, E)'`` (power series with real coefficients), so at a symmetric point
``L_f(S, E)' = L_f(S, E')``; ``tr(logm(X)) = logdet(X)``, ``det(expm(X)) = exp(tr(X))`` and
``sqrtm(X)*sqrtm(X) = X`` (principal branches, where the functions are defined).
:func:`frechet_form` applies the direction rules while a differential is built, so a
derivation writes ``d expm(t*A) = dt*A*expm(t*A)`` at once.
"""

from __future__ import annotations

from ..ir import Node, Op, build
from .engine import Rule, RuleSet
from .measure import chain, chain_summary, is_symmetric
from .patterns import Det, Hole, Of, Pat, Tr

__all__ = ["MATRIX_FUNCTIONS", "slope", "commutes", "frechet_form"]

A, B = Hole("A"), Hole("B")


def slope(name: str, x: Node) -> Node:
    """``f'(X)``, the derivative of the scalar function applied to ``X``."""
    if name == "expm":
        return build.matfunc("expm", x)
    if name == "logm":
        return build.unary(Op.INV, x)
    return build.scale(build.const(0.5), build.unary(Op.INV, build.matfunc("sqrtm", x)))


def _cores(node: Node, out: set[int], seen: dict[int, Node]) -> bool:
    """Collect the matrices ``node`` is a polynomial or function of; False when it is
    something else (a product with an unrelated matrix stays one core of its own)."""
    op = node.op
    if node.is_scalar or op in (Op.EYE, Op.CONST):
        return True
    if op in (Op.SCALE,):
        return _cores(node.args[1], out, seen)
    if op in (Op.NEG, Op.MATPOW, Op.INV, Op.MATFUNC):
        return _cores(node.args[0], out, seen)
    if op in (Op.ADD, Op.MATMUL):
        return all(_cores(a, out, seen) for a in node.args)
    if op is Op.TRANSPOSE and is_symmetric(node.args[0]):
        return _cores(node.args[0], out, seen)
    out.add(id(node))
    seen[id(node)] = node
    return True


def commutes(a: Node, b: Node) -> bool:
    """``a*b = b*a`` by construction: both are built from one matrix (and the identity,
    scalars, sums, products, powers, inverses and matrix functions)."""
    found: set[int] = set()
    _cores(a, found, {})
    _cores(b, found, {})
    return len(found) <= 1


def _scalar_out(direction: Node) -> tuple[Node | None, Node]:
    """A direction as (scalar factor or None, the rest): ``t*A`` is (t, A), ``-A`` is (-1, A),
    ``B .* (t*ones)`` is (t, B)."""
    if direction.op is Op.SCALE:
        s, rest = _scalar_out(direction.args[1])
        factor = direction.args[0]
        return (factor if s is None else build.mul(factor, s)), rest
    if direction.op is Op.NEG:
        s, rest = _scalar_out(direction.args[0])
        minus = build.const(-1.0)
        return (minus if s is None else build.mul(minus, s)), rest
    if direction.op is Op.HADAMARD:
        (s, a), (t, b) = (_scalar_out(x) for x in direction.args)
        if s is None and t is None:
            return None, direction
        factor = s if t is None else t if s is None else build.mul(s, t)
        ones = [x for x in (a, b) if x.op is Op.FILL and x.attrs[0] == 1.0]
        rest = (b if a in ones else a) if ones else build.hadamard(a, b)
        return factor, rest
    return None, direction


def frechet_form(name: str, x: Node, *directions: Node) -> Node:
    """``L_f(X, E…)`` with scalar factors taken out of the directions, and a single
    direction that commutes with ``X`` written ``E*f'(X)``."""
    factors, rests = [], []
    for e in directions:
        s, rest = _scalar_out(e)
        if s is not None:
            factors.append(s)
        rests.append(rest)
    if len(rests) == 1 and rests[0].rank == 2 and commutes(x, rests[0]):
        e = rests[0]
        node = slope(name, x) if e.op is Op.EYE else build.matmul(e, slope(name, x))
    else:
        node = build.frechet(name, x, *rests)
    for s in reversed(factors):
        node = build.mul(s, node)
    return node


def _directions(b) -> Node | None:
    node = b["node"]
    out = frechet_form(node.attrs[0], *node.args)
    return None if out is node else out


def _flipped(node: Node) -> Node | None:
    if node.op is Op.TRANSPOSE:
        return node.args[0]
    return node if is_symmetric(node) else None


def _at_transpose(b) -> Node | None:
    """L_f(X', E') = L_f(X, E)'."""
    node = b["node"]
    if node.rank != 2 or node.args[0].op is not Op.TRANSPOSE:
        return None
    flipped = [_flipped(a) for a in node.args]
    if any(f is None for f in flipped):
        return None
    return build.transpose(build.frechet(node.attrs[0], *flipped))


def _of_transpose(b) -> Node | None:
    """f(X') = f(X)'."""
    node = b["node"]
    arg = node.args[0]
    if arg.op is not Op.TRANSPOSE:
        return None
    return build.transpose(build.matfunc(node.attrs[0], arg.args[0]))


def _square_roots(b) -> Node | None:
    """sqrtm(X)*sqrtm(X) = X, inside a product too."""
    if not chain_summary(b["node"]).neighbours:
        return None
    factors = chain(b["node"])
    for k in range(len(factors) - 1):
        f = factors[k]
        if f.op is Op.MATFUNC and f.attrs[0] == "sqrtm" and factors[k + 1] is f:
            rest = factors[:k] + [f.args[0]] + factors[k + 2:]
            out = rest[0]
            for g in rest[1:]:
                out = build.matmul(out, g)
            return out
    return None


def _coefficient(term: Node) -> tuple[Node | None, Node]:
    """A term as (scalar coefficient or None, the rest), a transposed derivative as the
    derivative at the transpose (``L_f(X, E)' = L_f(X', E')``)."""
    if term.op is Op.NEG:
        s, rest = _coefficient(term.args[0])
        minus = build.const(-1.0)
        return (minus if s is None else build.mul(minus, s)), rest
    if term.op is Op.SCALE:
        s, rest = _coefficient(term.args[1])
        return (term.args[0] if s is None else build.mul(term.args[0], s)), rest
    inner = term.args[0] if term.op is Op.TRANSPOSE else None
    if inner is not None and inner.op is Op.FRECHET and inner.rank == 2:
        return None, build.frechet(inner.attrs[0], *(_flip(a) for a in inner.args))
    return None, term


def _flip(node: Node) -> Node:
    return node.args[0] if node.op is Op.TRANSPOSE else build.transpose(node)


def _merged(b) -> Node | None:
    """L_f(X, E1) + c*L_f(X, E2) = L_f(X, E1 + c*E2): derivatives at one point, along one
    direction each, add as one (a coefficient they all share stays outside)."""
    node = b["node"]
    groups: dict[tuple, list[int]] = {}
    parts = [_coefficient(t) for t in node.args]
    for k, (_, rest) in enumerate(parts):
        if rest.op is Op.FRECHET and len(rest.args) == 2 and rest.rank == 2:
            groups.setdefault((rest.attrs[0], id(rest.args[0])), []).append(k)
    group = next((g for g in groups.values() if len(g) > 1), None)
    if group is None:
        return None
    coefficients = [parts[k][0] for k in group]
    shared = coefficients[0]
    if not all(c is shared for c in coefficients):
        shared = None
    directions = [parts[k][1].args[1] if shared is not None or c is None
                  else build.mul(c, parts[k][1].args[1]) for k, c in zip(group, coefficients)]
    first = parts[group[0]][1]
    merged = build.frechet(first.attrs[0], first.args[0], build.add(*directions))
    if shared is not None:
        merged = build.mul(shared, merged)
    rest = [t for k, t in enumerate(node.args) if k not in group]
    return build.add(merged, *rest)


def _transpose_inside(b) -> Node | None:
    """L_f(S, E)' = L_f(S, E') at a symmetric point ``S``."""
    inner = b["node"].args[0]
    if inner.op is not Op.FRECHET or inner.rank != 2 or not is_symmetric(inner.args[0]):
        return None
    flipped = [_flip(a) for a in inner.args[1:]]
    return build.frechet(inner.attrs[0], inner.args[0], *flipped)


def _matfunc(name: str, a) -> Pat:
    return Pat(Op.MATFUNC, (a,), (name,))


MATRIX_FUNCTIONS = RuleSet("matrix functions", (
    Rule("a Fréchet derivative is linear in its directions; along a commuting direction it "
         "is E*f'(X)", Of(Op.FRECHET), _directions, example="L_expm(A, 2*A)"),
    Rule("Fréchet derivative at a transpose", Of(Op.FRECHET), _at_transpose,
         example="L_expm(A', B')"),
    Rule("Fréchet derivatives at one point add along the sum of their directions",
         Of(Op.ADD), _merged, example="L_expm(A, B) - 2*L_expm(A, B')"),
    Rule("transpose of a Fréchet derivative at a symmetric point", Of(Op.TRANSPOSE),
         _transpose_inside, example="L_expm(A + A', B)'"),
    Rule("matrix function of a transpose", Of(Op.MATFUNC), _of_transpose, example="expm(A')"),
    Rule("trace of a Fréchet derivative: tr(L_f(X, E)) = tr(f'(X)*E)",
         Tr(Pat(Op.FRECHET, (A, B), None, "L")),
         lambda b: build.unary(Op.TRACE, build.matmul(slope(b["L"].attrs[0], b["A"]), b["B"])),
         example="tr(L_sqrtm(A, B))"),
    Rule("trace of the matrix logarithm", Tr(_matfunc("logm", A)), Pat(Op.LOGDET, (A,)),
         example="tr(logm(A))"),
    Rule("determinant of the matrix exponential", Det(_matfunc("expm", A)),
         lambda b: build.func("exp", build.unary(Op.TRACE, b["A"])), example="det(expm(A))"),
    Rule("square root times itself", Of(Op.MATMUL), _square_roots,
         example="B*sqrtm(A)*sqrtm(A)"),
))
