"""Properties of ``md.verify`` on random well-shaped expressions (``strategies.terms``).

matdiff's own derivative ``G`` (its text ``str(d)``) must verify; ``2*G``, ``-G`` and
``G + E`` (``E`` a further variable, drawn at random) must not, and neither may ``G'`` unless
``G`` is symmetric at a random point.  Every wrong verdict carries a counterexample at which
the claim and the truth differ.  A chain built from the rewrite engine's own steps (each step
one rule applied to one subterm) verifies, and doubling one of its sides is caught at exactly
the link that enters that side.

Examples: a fifth of the profile's (60 under the default profile, 2,000 with
``MATDIFF_LONG=1``, see ``tests/conftest.py``): each example runs several verifications.
"""

import numpy as np
from hypothesis import assume, given, note, settings, strategies as st

import matdiff as md
import strategies as gen
from matdiff.printing.text import to_text
from matdiff.rewriting import Trace, simplify

EXAMPLES = max(20, settings().max_examples // 5)
OUTPUTS = [(), ("n",), ("p", "p"), ("m", "p")]
EXTRA = {0: "c", 1: "u", 2: "U"}  # a further variable of the derivative's rank


def _declared(text: str) -> dict:
    names = {n for n in gen.VARIABLES if n in text}
    return {n: gen.VARIABLES[n] for n in names}


def _point(variables: dict, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    sizes = {"n": 2, "m": 3, "p": 4}
    out = {}
    for name, info in variables.items():
        shape = tuple(sizes.get(str(d), d) if not isinstance(d, int) else d
                      for d in info["shape"])
        a = rng.uniform(-1, 1, shape)
        out[name] = a + np.eye(shape[0]) if len(shape) == 2 and shape[0] == shape[1] else a
    return out


@st.composite
def problems(draw):
    term = draw(gen.terms(draw(st.sampled_from(OUTPUTS)), 2, root=True))
    names = sorted(gen.variables_of(term))
    assume(names)
    return gen.render(term), draw(st.sampled_from(names))


def _not_correct(r, claim):
    assert not r.correct, f"{claim} judged correct:\n{r}"
    if r.verdict == "wrong":
        ce = r.counterexample
        assert ce is not None
        if np.all(np.isfinite(ce.claim)):  # else the claim is not even defined there
            scale = max(np.max(np.abs(ce.claim)), np.max(np.abs(ce.expected)))
            assert np.max(np.abs(ce.claim - ce.expected)) > 1e-9 * scale


@settings(max_examples=EXAMPLES)
@given(problems())
def test_own_derivative_verifies_and_distortions_do_not(problem):
    text, wrt = problem
    vars = _declared(text)
    note(f"expression {text}, by {wrt}")
    try:
        d = md.derivative(text, wrt=wrt, vars=vars)
    except md.UnsupportedError:
        assume(False)
    assume(d.in_matrix_form and d.node.rank <= 2)
    g = str(d)
    note(f"derivative {g}")
    with np.errstate(all="ignore"):
        value = d.evaluate(**_point(d.variables, 1))
    assume(np.all(np.isfinite(value)) and np.max(np.abs(value), initial=0) < 1e6)
    try:
        r = md.verify(text, wrt=wrt, claim=g, vars=vars)
    except md.UnsupportedError as e:  # the text hides a size: sum(vector(1)) by itself
        assert "fixed by no variable" in e.message
        assume(False)
    assert r.correct, str(r)
    assume(np.max(np.abs(value), initial=0) > 1e-6)  # a zero derivative is its own double
    for claim in (f"2*({g})", f"-({g})", f"{g} + {EXTRA[d.node.rank]}"):
        _not_correct(md.verify(text, wrt=wrt, claim=claim, vars=vars), claim)
    shape = d.shape
    if len(shape) == 2 and shape[0] == shape[1]:
        r = md.verify(text, wrt=wrt, claim=f"({g})'", vars=vars)
        if r.correct:
            np.testing.assert_allclose(value, value.T, rtol=1e-6, atol=1e-9)
        else:
            assert not np.allclose(value, value.T, rtol=1e-9, atol=1e-12) or \
                r.verdict == "wrong"


def _replaced(node, old, new):
    memo = {}
    for n in node.walk():
        memo[id(n)] = new if n is old else n.rebuild(tuple(memo[id(a)] for a in n.args))
    return memo[id(node)]


def rewrite_chain(e) -> list[str]:
    """The texts of the whole expression after each rule application of the simplifier."""
    trace = Trace(budget=2_000)
    simplify(e.node, trace)
    current, texts = e.node, [to_text(e.node)]
    for _, before, after in trace.entries:
        if any(n is before for n in current.walk()):
            current = _replaced(current, before, after)
            text = to_text(current)
            if text != texts[-1]:
                texts.append(text)
    return texts


@settings(max_examples=EXAMPLES)
@given(gen.terms(("n", "n"), 3, root=True), st.integers(0, 2 ** 16))
def test_rewrite_chains_verify_and_a_broken_link_is_caught(term, pick):
    text = gen.render(term)
    vars = _declared(text)
    e = md.parse(text, vars)
    texts = rewrite_chain(e)
    assume(len(texts) >= 2)
    step = max(1, (len(texts) - 1) // 4)
    texts = texts[:-1:step] + [texts[-1]]
    note(" = ".join(texts))
    with np.errstate(all="ignore"):
        value = e.evaluate(**_point(e.variables, 2))
    assume(np.all(np.isfinite(value)) and 1e-6 < np.max(np.abs(value)) < 1e6)
    try:
        r = md.verify(" = ".join(texts), vars=vars)
    except md.UnsupportedError as e:  # a step's text hides a size: sum(exp(matrix(0)))
        assert "fixed by no variable" in e.message
        assume(False)
    assert r.correct, str(r)
    assert len(r.links) == (len(texts) - 1 if len(texts) > 2 else 0)
    k = 1 + pick % (len(texts) - 1)
    broken = texts[:k] + [f"2*({texts[k]})"] + texts[k + 1:]
    rb = md.verify(" = ".join(broken), vars=vars)
    links = rb.links or [rb]
    assert rb.verdict == "wrong", str(rb)
    assert rb.wrong_link is links[k - 1] if rb.links else True
    assert all(link.correct for link in links[:k - 1])
    assert rb.position == " = ".join(broken).index(" = ".join(broken[k:]))
