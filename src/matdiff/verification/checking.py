"""``verify``: judge a claimed derivative, an identity, or a whole chain (SPEC §8).

Three forms of input: ``expr`` and ``claim`` apart (the claim is the derivative of ``expr`` by
``wrt``); one equation in ``expr`` whose left side is a derivative (``\\nabla_W``,
``\\frac{\\partial}{\\partial W}``, ``\\frac{\\partial f}{\\partial W}`` after a definition of
``f``, ASCII ``d/dW(...)``) or any expression (an identity); a chain ``e1 = e2 = e3`` whose
links are judged one by one: the first link compares the derivative (or ``e1``) with ``e2``,
each later link ``e_k`` with ``e_{k+1}``.  Every side is read with the variables, kinds and
dimensions of what came before it.
"""

from __future__ import annotations

import numpy as np

from ..api import derivative, parse
from ..errors import ArgumentError, MatdiffError, ShapeError
from ..ir import holding
from .equations import Side, derivative_prefix, located, read_chain
from .judging import Truth, describe_derivative, judge
from .report import Verification

__all__ = ["verify"]


def _left(side: Side, text: str, wrt, vars, options: dict, force_derivative: bool) -> Truth:
    """The truth of the first link: a derivative, or the left side of an identity."""
    try:
        prefix = derivative_prefix(side.text)
        if prefix is not None:
            name, offset = prefix
            if wrt is not None and wrt != name:
                raise ArgumentError(f"the equation differentiates by {name}, not {wrt}")
            e = parse(side.text[offset:], vars)
            wrt = name
        else:
            e = parse(side.text, vars)
        if wrt is None and e.wrt is None and not force_derivative:
            return Truth(e, f"equal to {side.text}", side.text)
        d = derivative(e, wrt=wrt, vars=vars, **options)
    except MatdiffError as err:
        if prefix is not None and err.marks and err.text is not None:
            err = type(err)(err.message, side.text, tuple((a + prefix[1], b + prefix[1])
                                                          for a, b in err.marks))
        raise located(err, side, text) from None
    return Truth(d, describe_derivative(d), describe_derivative(d))


def _declared(*sides) -> dict[str, tuple]:
    out: dict[str, tuple] = {}
    for side in sides:
        for n, info in side.variables.items():
            out.setdefault(n, info["shape"])
    return out


def _chain(links: list[Verification], text: str) -> Verification:
    wrong = next((k for k, link in enumerate(links) if not link.correct), None)
    first = links[0]
    if wrong is None:
        method = "symbolic" if all(link.method == "symbolic" for link in links) else "numeric"
        return Verification("correct", first.expected, text, links=links, method=method,
                            points=min(link.points for link in links),
                            difference=max(link.difference or 0.0 for link in links),
                            summary=f"Correct: every link of the chain holds ({len(links)} "
                                    "links).", answer=first.answer)
    bad = links[wrong]
    verdict = bad.verdict
    head = {"wrong": "Wrong", "ill-shaped": "Ill-shaped"}[verdict]
    summary = (f"{head} at link {wrong + 1} of {len(links)}: {bad.link_text}"
               + (" does not hold." if verdict == "wrong" else " cannot hold: shapes differ.")
               + (f" Links 1 to {wrong} hold." if wrong > 1 else
                  " Link 1 holds." if wrong == 1 else ""))
    return Verification(verdict, first.expected, text, claim=bad.claim,
                        claim_text=bad.claim_text, diagnosis=bad.diagnosis, factor=bad.factor,
                        symmetric=bad.symmetric, counterexample=bad.counterexample,
                        method=bad.method, points=bad.points, difference=bad.difference,
                        links=links, marks=bad.marks, error=bad.error, summary=summary,
                        answer=first.answer)


def _unformed(side: Side, text: str, k: int) -> Verification:
    summary = f"Ill-shaped: {side.text} cannot be formed (see link {k})."
    marks = ((side.start, side.end),)
    return Verification("ill-shaped", None, text, claim_text=side.text, method="symbolic",
                        summary=summary, marks=marks, error=ShapeError(summary, text, marks))


def _judge_sides(sides: list[Side], text: str, truth: Truth, rng) -> Verification:
    links: list[Verification] = []
    seen: list = [truth.side]
    for k in range(1, len(sides)):
        if truth is None:
            link = _unformed(sides[k - 1], text, k - 1)
        else:
            link = judge(truth, sides[k], text, rng)
        link.link_text = f"{sides[k - 1].text} = {sides[k].text}"
        links.append(link)
        truth = None
        if link.claim is not None:  # the next link starts from this claim, as read here
            seen.append(link.claim)
            truth = Truth(link.claim, f"equal to {sides[k].text}", sides[k].text,
                          scope=_declared(*seen))
    if len(links) == 1:
        return links[0]
    return _chain(links, text)


def _is_equation(claim: str, vars) -> bool:
    """True when ``claim`` is an equation whose left side is a derivative."""
    sides = read_chain(claim)
    if len(sides) < 2:
        return False
    if derivative_prefix(sides[0].text) is not None:
        return True
    try:
        return parse(sides[0].text, vars).wrt is not None
    except MatdiffError:
        return False


@holding()
def verify(expr: str, wrt: str | None = None, claim: str | None = None,
           vars: dict | None = None, layout: str = "numerator",
           symmetric_gradient: str = "projected", order: int = 1,
           seed: int | None = 0) -> Verification:
    """Judge a claim: ``claim`` as the ``order``-th derivative of ``expr`` by ``wrt``, or the
    equation or chain written in ``expr`` (SPEC §8).  ``seed`` fixes the random points (None:
    fresh ones)."""
    if not isinstance(expr, str):
        raise ArgumentError(f"the expression must be a string, got {type(expr).__name__}")
    if claim is not None and not isinstance(claim, str):
        raise ArgumentError(f"the claim must be a string, got {type(claim).__name__}")
    if wrt is not None and not isinstance(wrt, str):
        raise ArgumentError("wrt must be a variable name")
    rng = np.random.default_rng(seed)
    options = dict(layout=layout, symmetric_gradient=symmetric_gradient, order=order)
    if claim is not None and _is_equation(claim, vars):
        expr, claim = claim, None  # a whole equation typed as the claim: it says it all
    if claim is not None and claim.strip():
        whole = Side(expr.strip(), 0, len(expr.strip()))
        truth = _left(whole, whole.text, wrt, vars, options, True)
        sides = read_chain(claim)
        lhs = Side(f"d/d{truth.side.wrt}({truth.side.expression})", 0, 0)
        return _judge_sides([lhs] + sides, claim, truth, rng)
    sides = read_chain(expr)
    if len(sides) < 2:
        raise ArgumentError("there is no claim to check: give claim=..., or write an equation "
                            "(left side = claim)", expr, ((0, len(expr)),))
    truth = _left(sides[0], expr, wrt, vars, options, wrt is not None or order != 1)
    return _judge_sides(sides, expr, truth, rng)

