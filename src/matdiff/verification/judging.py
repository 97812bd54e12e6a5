"""Judging one link: a claimed derivative, or one side of an identity, against the truth.

The claim is parsed with the truth's variables declared by shape, so both sides share every
dimension and a claim that only fits when two distinct dimensions are equal cannot be formed
(it is ``ill-shaped``).  A claim of the truth's shape is then compared at random points
(:mod:`.sampling`): any disagreement makes it ``wrong``, with the smallest counterexample
found; agreement everywhere makes it ``correct``, proved when ``claim - truth`` simplifies to
zero (with the variables' declared kinds), else on the numbers alone.  A wrong or ill-shaped
claim gets the diagnosis that :mod:`.relations` finds.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from ..api import Derivative, Expression, parse
from ..errors import MatdiffError, ParseError, ShapeError, UnsupportedError
from ..ir import LEAVES, Op, build
from ..printing.text import to_text
from ..rewriting import simplify
from . import relations as rel
from .equations import Side, located
from .report import Counterexample, Verification
from .sampling import NOISES, draw_point, evaluate_at, relative_difference

__all__ = ["Truth", "judge"]

POINTS = 6
TOLERANCE = 1e-7
_SEARCH = 8


@dataclass(frozen=True)
class Truth:
    """What a claim is compared with: a derivative, or the left side of an identity."""

    side: Derivative | Expression
    name: str  # "the gradient of f = ... by W", or "equal to <left side>"
    subject: str  # "the gradient of f = ... by W", or the left side's text
    scope: dict | None = None  # the shapes claims are read with (default: the side's own)

    @property
    def variables(self) -> dict[str, tuple[tuple, str]]:
        return {n: (info["shape"], info["kind"]) for n, info in self.side.variables.items()}

    def answer(self) -> str:
        side = self.side
        shape = "a scalar" if not side.shape else f"shape {rel.shape_words(side.shape)}"
        if isinstance(side, Derivative):
            text = str(side)
            if side.in_matrix_form:
                text = f"{_derivative_symbol(side)} = {text}"
            return f"The right answer: {text}   ({shape}, {side.layout} layout)"
        simplest = to_text(simplify(side.node))
        if simplest == self.subject:
            return f"The left side: {simplest}   ({shape})"
        return f"In simplest form, {self.subject} = {simplest}   ({shape})"


def _derivative_symbol(d: Derivative) -> str:
    f = "f" if not d.expression.node.shape else "F"
    if d.order == 1:
        return f"∇_{d.wrt} {f}" if f == "f" else f"∂F/∂{d.wrt}"
    if d.order == 2 and f == "f":
        return f"∇²_{d.wrt} f"
    return f"∂^{d.order}{f}/∂{d.wrt}^{d.order}"


def describe_derivative(d: Derivative) -> str:
    """"the gradient of f = ... by W" (the Jacobian, the Hessian, …)."""
    f = "f" if not d.expression.node.shape else "F"
    what = {1: "gradient" if f == "f" else "derivative", 2: "Hessian" if f == "f" else
            "second derivative"}.get(d.order, f"order-{d.order} derivative")
    if d.order == 1 and f == "F" and d.expression.node.rank == 1:
        what = "Jacobian"
    return f"the {what} of {f} = {d.expression} by {d.wrt}"


def _declarations(side) -> dict[str, tuple]:
    return {n: info["shape"] for n, info in side.variables.items()}


def _with_kinds(node, variables: dict):
    """``node`` with each variable replaced by the truth's node of that name (its kind)."""
    memo: dict[int, object] = {}
    for n in node.walk():
        if n.op is Op.VAR and n.attrs[0] in variables and variables[n.attrs[0]].shape == n.shape:
            memo[id(n)] = variables[n.attrs[0]]
        else:
            memo[id(n)] = n.rebuild(tuple(memo[id(a)] for a in n.args))
    return memo[id(node)]


def _proved(claim: Expression, truth) -> bool:
    """True when ``claim - truth`` simplifies to zero."""
    try:
        node = _with_kinds(claim.node, truth.variables_nodes)
        rest = simplify(build.sub(node, truth.node))
    except (MatdiffError, RecursionError, ValueError, KeyError):
        return False
    return rest.op in (Op.CONST, Op.FILL) and rest.attrs[0] == 0.0


def _point(sides, variables, rng, order=0, uniform=None, decimals=None, symmetric=frozenset()):
    """A point where the truth (``sides[0]``) is finite, and every side's value there."""
    noise = NOISES[order % len(NOISES)]
    for style in range(3):
        point = draw_point(variables, rng, order, style, uniform, decimals, symmetric, noise)
        values = [evaluate_at(s, point) for s in sides]
        if np.all(np.isfinite(values[0])):
            return point, values
    return None


def _points(truth, claim, variables, rng, count=POINTS, symmetric=frozenset(), transform=None):
    """``count`` points with the values ``(point, G, C)``; G transformed when asked."""
    out = []
    for k in range(count * 2):
        found = _point((truth, claim), variables, rng, order=k, symmetric=symmetric)
        if found is None:
            continue
        point, (g, c) = found
        out.append((point, transform(g) if transform else g, c))
        if len(out) == count:
            break
    if len(out) < 2:
        raise UnsupportedError("the expression is not finite at any random point tried: "
                               "the claim cannot be checked numerically")
    return out


def _agree(points) -> bool:
    return all(relative_difference(c, g) <= TOLERANCE for _, g, c in points)


def _union(*sides) -> dict[str, tuple[tuple, str]]:
    out: dict[str, tuple[tuple, str]] = {}
    for side in sides:
        for n, info in side.variables.items():
            out.setdefault(n, (info["shape"], info["kind"]))
    return out


def _counterexample(truth, claim, variables, rng, points) -> Counterexample:
    """The smallest disagreement found: every dimension 2 and one-decimal values if that
    shows one, else the first disagreeing judging point."""
    for _ in range(_SEARCH):
        found = _point((truth, claim), variables, rng, uniform=2, decimals=1)
        if found is not None and relative_difference(found[1][1], found[1][0]) > TOLERANCE:
            return _as_counterexample(found[0], found[1][1], found[1][0], claim, truth)
    for point, g, c in points:
        if relative_difference(c, g) > TOLERANCE:
            return _as_counterexample(point, c, g, claim, truth)
    raise AssertionError("no disagreement to show")  # pragma: no cover


def _as_counterexample(point, c, g, claim, truth) -> Counterexample:
    names = [n for n in list(truth.variables_nodes) + list(claim.variables_nodes) if n in point]
    inputs = {n: point[n] for n in dict.fromkeys(names)}
    return Counterexample(inputs, c, g, dict(point.sizes))


def _needs(side: Side, truth_side) -> list[str] | None:
    """The dimension equalities the claim forces when read with kinds only (``n = p``), or
    None when it cannot be read even so."""
    kinds = {n: info["kind"] for n, info in truth_side.variables.items()
             if info["kind"] != "tensor"}
    try:
        loose = parse(side.text, kinds)
    except MatdiffError:
        return None
    return rel.equated_dims(truth_side.variables, loose.variables)


def fitted(claim: Expression, shape: tuple, truth_side) -> Expression:
    """The claim with the dimensions only it has (those of ``eye``, of a constant) renamed to
    the dimensions of ``shape`` they stand against; the claim itself when none do."""
    known = {d for info in truth_side.variables.values() for d in info["shape"]}
    mapping: dict[str, object] = {}
    if len(claim.node.shape) != len(shape):
        return claim
    for c, t in zip(claim.node.shape, shape):
        if c == t:
            continue
        if not isinstance(c, str) or c in known or mapping.get(c, t) != t:
            return claim
        mapping[c] = t
    if not mapping:
        return claim
    memo: dict[int, object] = {}
    for n in claim.node.walk():
        args = tuple(memo[id(a)] for a in n.args)
        if n.op in LEAVES:
            renamed = tuple(mapping.get(d, d) if isinstance(d, str) else d for d in n.shape)
            memo[id(n)] = build.construct(n.op, args, n.attrs, leaf_shape=renamed)
        else:
            memo[id(n)] = n.rebuild(args)
    out = copy.copy(claim)
    out.node = memo[id(claim.node)]
    out.variables_nodes = {**truth_side.variables_nodes,  # they fix the sizes renamed
                           **{k: memo[id(v)] for k, v in claim.variables_nodes.items()}}
    return out


def _parse_claim(side: Side, truth: Truth, text: str) -> Expression:
    truth_side = truth.side
    try:
        claim = parse(side.text, {**_declarations(truth_side), **(truth.scope or {})})
    except MatdiffError as e:
        raise located(e, side, text) from None
    return fitted(claim, tuple(truth_side.node.shape), truth_side)


def judge(truth: Truth, side: Side, text: str, rng) -> Verification:
    """The verdict on the claim ``side`` against ``truth``; ``text`` is the whole input."""
    base = dict(expected=truth.side, text=text, claim_text=side.text,
                marks=((side.start, side.end),), answer=truth.answer())
    try:
        claim = _parse_claim(side, truth, text)
    except (ShapeError, ParseError, UnsupportedError) as e:
        needs = _needs(side, truth.side)
        if needs is None and not isinstance(e, ShapeError):
            raise
        if not isinstance(e, ShapeError):  # it parses with free shapes: shapes are at fault
            e = ShapeError("the claim's shapes do not fit together", text,
                           ((side.start, side.end),))
        return _ill_shaped(truth, side, text, None, e, rng, base, needs or [])
    if tuple(claim.shape) != tuple(truth.side.shape):
        return _ill_shaped(truth, side, text, claim, None, rng, base)
    variables = _union(truth.side, claim)
    points = _points(truth.side, claim, variables, rng)
    worst = max(relative_difference(c, g) for _, g, c in points)
    if _agree(points):
        method = "symbolic" if _proved(claim, truth.side) else "numeric"
        summary = f"Correct: {side.text} is {truth.name}."
        return Verification("correct", claim=claim, method=method, points=len(points),
                            difference=worst, summary=summary, **base)
    result = Verification("wrong", claim=claim, method="numeric", points=len(points),
                          difference=worst, summary=f"Wrong: {side.text} is not {truth.name}.",
                          **base)
    result.counterexample = _counterexample(truth.side, claim, variables, rng, points)
    _diagnose(result, truth, claim, variables, points, rng)
    return result


def _diagnose(result: Verification, truth: Truth, claim, variables, points, rng) -> None:
    pairs = [(c, g) for _, g, c in points]
    c = rel.constant_factor(pairs)
    if c is not None:
        result.factor = c
        result.diagnosis = "sign" if c == -1 else "factor"
        what = "the negative of" if c == -1 else rel.factor_words(c)
        result.explanation = f"Likely mistake: the claim is {what} the right answer" + \
            (" (a sign error)." if c == -1 else f" (a factor of {c:g}).")
        return
    swap = rel.swapped_shape(truth.side)
    if swap is not None and tuple(swap[0]) == tuple(truth.side.shape):
        if all(relative_difference(c, rel.swapped(g, truth.side)) <= TOLERANCE
               for _, g, c in points):
            _set_swap(result, swap[1])
            return
    squares = [n for n, (shape, kind) in variables.items()
               if len(shape) == 2 and shape[0] == shape[1] and kind not in ("symmetric", "spd")]
    trials = [(n,) for n in squares] + ([tuple(squares)] if len(squares) > 1 else [])
    for names in trials:
        sym = _points(truth.side, claim, variables, rng, count=3, symmetric=frozenset(names))
        if _agree(sym):
            result.diagnosis, result.symmetric = "symmetric", names
            which = " and ".join(names)
            verb = "is" if len(names) == 1 else "are"
            result.explanation = (f"Likely mistake: the claim holds only when {which} {verb} "
                                  "symmetric (it agrees with the right answer at symmetric "
                                  f"{which}, not in general).")
            return


def _set_swap(result: Verification, name: str) -> None:
    result.diagnosis = name
    if name == "layout":
        result.explanation = ("Likely mistake: the claim is the derivative in the other layout "
                              "(its index groups swapped, the transpose of the Jacobian); "
                              "matdiff answers in the "
                              f"{result.expected.layout} layout.")
    else:
        result.explanation = ("Likely mistake: the claim is the transpose of the right answer "
                              "(a layout mix-up).")


def _ill_shaped(truth: Truth, side: Side, text: str, claim, error, rng, base,
                needs: list[str] = ()) -> Verification:
    want = rel.has_shape(truth.side.shape)
    if claim is not None:
        summary = (f"Ill-shaped: {side.text} {rel.has_shape(claim.shape)}, but "
                   f"{truth.subject} {want}.")
        marks = base["marks"]
    else:
        fits = f" (it would fit only if {', '.join(needs)})" if needs else ""
        summary = (f"Ill-shaped: {side.text} cannot be formed with the shapes of "
                   f"{truth.subject}, which {want}: {error.message}{fits}.")
        marks = error.marks
        base = {**base, "marks": marks}
    result = Verification("ill-shaped", claim=claim, method="symbolic", summary=summary,
                          error=ShapeError(summary, text, marks), **base)
    swap = rel.swapped_shape(truth.side)
    if claim is not None and swap is not None:
        claim = fitted(claim, swap[0], truth.side)
    if claim is not None and swap is not None and tuple(swap[0]) == tuple(claim.shape):
        variables = _union(truth.side, claim)
        transform = lambda g: rel.swapped(g, truth.side)  # noqa: E731
        if _agree(_points(truth.side, claim, variables, rng, transform=transform)):
            _set_swap(result, swap[1])
            return result
    _trace_diagnosis(result, truth, side, rng)
    return result


def _trace_diagnosis(result: Verification, truth: Truth, side: Side, rng) -> None:
    gradient = rel.trace_gradient(truth.side)
    if gradient is None:
        return
    try:
        claim = fitted(parse(side.text, _declarations(gradient)), gradient.node.shape,
                       gradient)
    except MatdiffError:
        return
    if tuple(claim.shape) != tuple(gradient.shape):
        return
    if not _agree(_points(gradient, claim, _union(gradient, claim), rng)):
        return
    f = truth.side.expression
    needs = rel.equated_dims(truth.side.variables, gradient.variables)
    where = f" (which needs {', '.join(needs)})" if needs else ""
    result.diagnosis = "trace"
    result.explanation = (f"Likely mistake: {side.text} is the gradient of tr({f}){where}, not "
                          f"the derivative of the matrix {f} itself: a matrix differentiated "
                          f"by a matrix is a tensor of shape {rel.shape_words(truth.side.shape)}.")
