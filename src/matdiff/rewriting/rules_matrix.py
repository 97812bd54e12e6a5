"""Rules of matrix algebra: transposes, traces, powers, symmetry, scalars and their transposes.

``MATRIX`` holds rules that always simplify.  ``MATRIX_CHOICES`` holds the alternatives that
the ``minimize`` strategy chooses among by measured cost (no rule here compares costs): a
transpose goes to the leaves (``(A*B)' = B'*A'``) or out of a product or a sum
(``B'*A' = (A*B)'``), whichever prints shorter; powers of one base in a row combine.
``MATRIX_FORMS`` offers every equal form of a trace (its cyclic rotations) and of a scalar
chain ``u'*M*v`` (its two orientations), for ``minimize`` by cost then text to choose one,
so equal traces and scalars look equal and like terms such as ``x'*A*y + y'*A'*x`` collect.
Rule functions (an ``Of(...)`` left side) are kept where a rule works on a product chain or a
sum of any length.
"""

from __future__ import annotations

from ..ir import Node, Op, build
from .engine import Rule, RuleSet
from .measure import chain, chain_summary, is_symmetric, open_chain, power_of
from .patterns import (
    Add, Apply, Det, Div, Had, Hole, Inv, Logdet, MatPow, Mul, Of, Pat, Rest, T, Tr,
)

__all__ = ["MATRIX", "MATRIX_CHOICES", "MATRIX_FORMS", "transposed", "product"]

A, B, C = Hole("A"), Hole("B"), Hole("C")
S = Hole("s", lambda n: n.is_scalar)
SYM = Hole("A", is_symmetric)


def transposed(node: Node) -> Node:
    """``node'`` without a double transpose, and nothing for what equals its transpose."""
    if node.op is Op.TRANSPOSE:
        return node.args[0]
    if node.is_scalar or is_symmetric(node):
        return node
    return build.transpose(node)


def Flip(a) -> Apply:
    """As a right side: ``a'`` without a double transpose."""
    return Apply(transposed, (a,))


def product(factors: list[Node]) -> Node:
    node = factors[0]
    for f in factors[1:]:
        node = build.mul(node, f)
    return node


def _transpose_of_product(b) -> Node:
    """(A*B*C)' = C'*B'*A'."""
    return product([transposed(f) for f in reversed(chain(b["P"]))])


def _transpose_of_sum(b) -> Node:
    """(A + B)' = A' + B'."""
    return build.add(*(transposed(t) for t in b["terms"]))


_SHORT_CHAIN = 6
"""Chains up to this long also offer a transpose pulled out of their ends (each offer is a
new chain to measure, so a long chain offers only the whole)."""


def _pull_transpose(b) -> list[Node]:
    """C'*B'*A' = (A*B*C)', of the whole chain or of a run of factors at either end of it
    (``u*v'*(X^2)' = u*(X^2*v)'``)."""
    node = b["node"]
    if chain_summary(node).transposes < 2:
        return []
    factors = chain(node)

    def worth(run: list[Node]) -> bool:
        return sum(f.op is Op.TRANSPOSE for f in run) >= 2

    def pulled(run: list[Node]) -> Node:
        return transposed(product([transposed(f) for f in reversed(run)]))

    if not worth(factors):
        return []
    out = [pulled(factors)] if node.rank == 2 and node.shape[0] != 1 else []
    n = len(factors)
    for k in range(2, n if n <= _SHORT_CHAIN else 2):
        if worth(factors[:k]):
            out.append(product([pulled(factors[:k])] + factors[k:]))
        if worth(factors[n - k:]):
            out.append(product(factors[:n - k] + [pulled(factors[n - k:])]))
    return out


def _transpose_out_of_a_sum(b) -> Node | None:
    """A' + B' = (A + B)'."""
    node = b["node"]
    transposed_terms = [t for t in node.args if t.op is Op.TRANSPOSE and t.rank == 2]
    if len(transposed_terms) < 2:
        return None
    inner = build.add(*(t.args[0] for t in transposed_terms))
    rest = [t for t in node.args if not (t.op is Op.TRANSPOSE and t.rank == 2)]
    return build.add(build.transpose(inner), *rest)


def _rotations(b) -> list[Node]:
    """tr(A*B*C) = tr(B*C*A) = tr(C'*B'*A'): every rotation of the chain, either way round."""
    factors = open_chain(b["A"], transposed)
    if len(factors) < 2:
        return []
    flipped = [transposed(f) for f in reversed(factors)]
    out = []
    for seq in (factors, flipped):
        for k in range(len(seq)):
            rot = seq[k:] + seq[:k]
            if _fits(rot):
                prod = product(rot)
                out.append(prod if prod.is_scalar else build.unary(Op.TRACE, prod))
    return out


def _fits(factors: list[Node]) -> bool:
    """The factors multiply left to right (a vector only at either end)."""
    try:
        product(factors)
    except ValueError:
        return False
    return True


def _orientations(b) -> tuple[Node, Node]:
    """u'*M*v = v'*M'*u, with transposed products in the chain opened."""
    factors = open_chain(b["node"], transposed)
    return product(factors), product([transposed(f) for f in reversed(factors)])


def _sum_of_diagonals(b) -> Node | None:
    """diag(u) + diag(v) = diag(u + v)."""
    node = b["node"]
    def vector_of(t: Node):
        if t.op is Op.DIAGM:
            return t.args[0]
        if t.op is Op.NEG and t.args[0].op is Op.DIAGM:
            return build.neg(t.args[0].args[0])
        if t.op is Op.SCALE and t.args[1].op is Op.DIAGM:
            return build.mul(t.args[0], t.args[1].args[0])
        return None
    vectors = [vector_of(t) for t in node.args]
    if sum(v is not None for v in vectors) < 2:
        return None
    merged = build.unary(Op.DIAGM, build.add(*(v for v in vectors if v is not None)))
    rest = [t for t, v in zip(node.args, vectors) if v is None]
    return build.add(merged, *rest)


def _with_power(base: Node, k: int) -> Node | None:
    if k == 0:
        return None
    if k == 1:
        return base
    if k == -1:
        return build.unary(Op.INV, base)
    if k < 0:
        return build.matpow(build.unary(Op.INV, base), -k)
    return build.matpow(base, k)


def _merge_powers(factors: list[Node]) -> list[Node]:
    merged: list[tuple[Node, int]] = []
    for f in factors:
        base, k = power_of(f)
        if merged and merged[-1][0] is base and base.rank == 2:
            merged[-1] = (base, merged[-1][1] + k)
            if merged[-1][1] == 0:
                merged.pop()
        else:
            merged.append((base, k))
    out = [_with_power(b, k) for b, k in merged]
    return [f for f in out if f is not None]


def _expand_inverses(factors: list[Node]) -> list[Node]:
    """inv(A*B) = inv(B)*inv(A) when every factor is square."""
    out = []
    for f in factors:
        inner = chain(f.args[0]) if f.op is Op.INV and f.args[0].op is Op.MATMUL else None
        if inner and all(g.rank == 2 and g.shape[0] == g.shape[1] for g in inner):
            out.extend(build.unary(Op.INV, g) for g in reversed(inner))
        else:
            out.append(f)
    return out


def _combined_powers(b) -> list[Node]:
    """A*A = A^2, A^2*inv(A) = A, inv(A*B)*A = inv(B): powers of one base in a row combine
    (inverses of products expanded, or not)."""
    node = b["node"]
    summary = chain_summary(node)
    if not (summary.neighbours or summary.inverted_products):
        return []
    factors = chain(node)
    expanded = _expand_inverses(factors)
    bases = [power_of(f)[0] for f in expanded]
    if len(expanded) == len(factors) and all(a is not b for a, b in zip(bases, bases[1:])):
        return []
    out = []
    for candidate in (factors, expanded):
        merged = _merge_powers(candidate)
        if len(merged) < len(factors):
            out.append(product(merged) if merged else build.eye(node.shape[0]))
    return out


def _outer_ones(b) -> Node | None:
    """vector(1)*vector(1)' = matrix(1), inside a product too."""
    if not chain_summary(b["node"]).fills:
        return None
    factors = chain(b["node"])
    for k in range(len(factors) - 1):
        a, b = factors[k], factors[k + 1]
        row = b.args[0] if b.op is Op.TRANSPOSE else b
        if a.op is Op.FILL and a.rank == 1 and row.op is Op.FILL and a.attrs == row.attrs \
                and (b.op is Op.TRANSPOSE and row.rank == 1 or b.rank == 2 and b.shape[0] == 1):
            ones = build.fill(a.attrs[0] * 1.0, (a.shape[0], b.shape[1]))
            if a.attrs[0] != 1.0:
                ones = build.fill(a.attrs[0] ** 2, ones.shape)
            return product(factors[:k] + [ones] + factors[k + 2:])
    return None


MATRIX = RuleSet("matrix", (
    Rule("transpose out of a power", MatPow(T(A), "k"), T(MatPow(A, "k")), example="(A')^2"),
    Rule("outer product of ones", Of(Op.MATMUL), _outer_ones,
         example="A*vector(1)*vector(1)' + B"),
    Rule("products associate", Mul(A, Mul(B, C)), Mul(Mul(A, B), C), example="A*(B*C)"),
    Rule("sum of diagonal matrices", Of(Op.ADD), _sum_of_diagonals, example="diag(x) - diag(y)"),
    Rule("symmetric matrix equals its transpose", T(SYM), SYM, example="(A'*A)'"),
    Rule("transpose of the inverse", Inv(T(A)), T(Inv(A)), example="inv(A')"),
    Rule("trace of a transpose", Tr(T(A)), Tr(A), example="tr(A')"),
    Rule("determinant of a transpose", Det(T(A)), Det(A), example="det(A')"),
    Rule("log-determinant of a transpose", Logdet(T(A)), Logdet(A), example="logdet(A')"),
))

MATRIX_CHOICES = RuleSet("matrix choices", (
    Rule("powers in a product combine", Of(Op.MATMUL), _combined_powers,
         example="A*A*inv(A)*B"),
    Rule("transpose of a product", T(Pat(Op.MATMUL, None, None, "P")), _transpose_of_product,
         example="(A'*B)'"),
    Rule("transpose of a sum", T(Add(Rest("terms"))), _transpose_of_sum, example="(A' + B)'"),
    Rule("transpose of an element-wise product", T(Had(A, B)), Had(Flip(A), Flip(B)),
         example="(A'.*B')'"),
    Rule("transpose of a quotient by a scalar", T(Div(A, S)), Div(Flip(A), S),
         example="(A/c)'"),
    Rule("transpose out of a product", Of(Op.MATMUL), _pull_transpose, example="B'*A'"),
    Rule("transpose out of a sum", Of(Op.ADD), _transpose_out_of_a_sum,
         example="(A*B)' + (B*A)'"),
))

MATRIX_FORMS = RuleSet("matrix forms", (
    Rule("cyclic property of the trace", Tr(A), _rotations, example="tr(B*A)"),
    Rule("a scalar equals its transpose", Pat(Op.MATMUL, None, None, "node"), _orientations,
         when=lambda b: b["node"].is_scalar, example="y'*A'*x"),
))
