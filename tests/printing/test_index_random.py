"""Index notation of random second derivatives is printed, and reads back to the derivative.

Second derivatives of random expressions (``strategies.terms``) and of expressions that pass
through the selection tensors of ``vec`` and ``kron`` with a row vector
(``sum(exp(kron(u', eye)*vec(A)))`` by ``u``) are printed in index notation, in text and in
LaTeX.  The text is then read back by an evaluator of this module's own: each term is a
coefficient times factors (``δ_ij``, a selection ``[q = (j,p)]``, a number or a fill ``1_p``,
a variable ``A_sr`` or a parenthesised expression ``(D*W - X)_pj`` that ``md.parse``
evaluates), summed over repeated letters with ``np.einsum``; the sum must equal
``d.evaluate``, which the finite-difference tests check.  Two notations this reader leaves
alone (the case is skipped): a Fréchet derivative ``L_expm(X, e_l*e_k')_ij``, and an index
whose range only the expression knows (``(kron(eye, x)')_ip``, a sum of ones ``1_p``).

Examples: 100 per test by default, the profile's count with ``MATDIFF_LONG=1``.
"""

from __future__ import annotations

import os
import re

import numpy as np
from hypothesis import assume, given, settings, strategies as st

import matdiff as md
import strategies as gen
from numeric import assert_close

EXAMPLES = None if os.environ.get("MATDIFF_LONG") == "1" else 100
OUTPUTS = [(), ("n",), ("m", "n")]


def _examples(test):
    return test if EXAMPLES is None else settings(max_examples=EXAMPLES)(test)


@st.composite
def random_case(draw) -> tuple[gen.Term, str]:
    term = draw(gen.terms(draw(st.sampled_from(OUTPUTS)), 2, root=True))
    names = sorted(v for v in gen.variables_of(term) if len(gen.VARIABLES[v]) <= 2)
    assume(names)
    return term, draw(st.sampled_from(names))


@st.composite
def selection_case(draw) -> tuple[gen.Term, str]:
    """``kron(u', eye)*vec(M)`` (or ``kron(eye, u')``), then maybe ``exp``, ``sum``, a norm."""
    k, m = draw(st.sampled_from(gen.DIMS)), draw(st.sampled_from(gen.DIMS))
    row = gen.Term("T", (draw(gen.terms((k,), 1)),), (1, k), "'")
    eye = gen.Term("eye", (), (m, m))
    pair = (row, eye) if draw(st.booleans()) else (eye, row)
    kron = gen.Term("call", pair, (m, gen.dim_product(k, m)), "kron")
    matrix = draw(gen.terms(draw(st.sampled_from([(m, k), (k, m)])), 1))
    vec = gen.Term("call", (matrix,), (gen.dim_product(k, m),), "vec")
    term = gen.Term("mul", (kron, vec), (m,), "*")
    wrap = draw(st.sampled_from(["", "exp", "sum", "norm2"]))
    if wrap in ("exp", "sum"):
        term = gen.Term("call", (term,), (m,), "exp")
    if wrap == "sum":
        term = gen.Term("call", (term,), (), "sum")
    if wrap == "norm2":
        term = gen.Term("norm2", (term,), (), "call")
    names = sorted(v for v in gen.variables_of(term) if len(gen.VARIABLES[v]) <= 2)
    return term, draw(st.sampled_from(names))


# -- reading printed index notation back ------------------------------------------------------
def _split(text: str, separators: tuple[str, ...]) -> list[str]:
    """``text`` cut at the separators that stand outside brackets (kept at the piece start)."""
    pieces, depth, start, k = [], 0, 0, 0
    while k < len(text):
        ch = text[k]
        depth += (ch in "([") - (ch in ")]")
        hit = next((s for s in separators if depth == 0 and text.startswith(s, k)), None)
        if hit and k > start:
            pieces.append(text[start:k])
            start = k + (1 if hit == " " else 0)
            k += len(hit)
            continue
        k += 1
    pieces.append(text[start:])
    return [p.strip() for p in pieces if p.strip()]


class Unreadable(Exception):
    """A factor this reader does not evaluate (the notation is right, the reader too plain)."""


_FUSE = re.compile(r"\[(\w) = \((\w),(\w)\)\]$")
_INDEXED = re.compile(r"(.*?)(?:_(\w+))?$")


def _factor(text: str, arrays: dict, declared: dict):
    """(array, index letters) of one printed factor; sizes of one dropped as printed."""
    fuse = _FUSE.match(text)
    if fuse:
        return "fuse", list(fuse.groups())
    if text.startswith("("):
        body, idx = text[1:text.rindex(")")], text[text.rindex(")") + 1:].lstrip("_")
    else:
        body, idx = _INDEXED.match(text).groups()
        idx = idx or ""
    if body == "δ":
        return "delta", list(idx)
    if re.fullmatch(r"-?[\d.]+(e-?\d+)?", body):
        return ("fill", float(body)), list(idx)
    if body.startswith("L_"):  # a Fréchet derivative: L_expm(X, e_l*e_k')_ij
        raise Unreadable(text)
    expression = md.parse(body, declared)  # every factor printed must parse back
    try:
        value = expression.evaluate(**{v: arrays[v] for v in expression.variables})
    except md.UnsupportedError:  # ``eye`` sized by the indices alone (``kron(eye, x)'``)
        raise Unreadable(text) from None
    value = np.asarray(value, dtype=float)
    value = value.reshape([s for s in value.shape if s != 1])  # no size is 1 in this test
    assert value.ndim == len(idx), f"{text}: {value.ndim} axes, indices {idx!r}"
    return value, list(idx)


def _is(value, kind: str) -> bool:
    return isinstance(value, str) and value == kind


def evaluate_index_notation(text: str, out_shape: tuple, arrays: dict, declared: dict):
    """The value of ``lhs = Σ terms`` printed by ``index_notation``, axes in the lhs order."""
    lhs, rhs = text.split(" = ", 1)
    free = "".join(re.findall(r"_(\w+)", lhs))
    assert len(free) == len(out_shape), f"{lhs}: free indices {free!r} for {out_shape}"
    total = np.zeros(out_shape)
    for piece in _split(rhs, (" + ", " - ")):
        sign = -1.0 if piece.startswith("-") else 1.0
        body = piece.lstrip("+- ")
        if body == "0":
            continue
        factors = [_factor(f, arrays, declared) for f in _split(body, (" ",))]
        sizes = dict(zip(free, out_shape))
        for value, idx in factors:
            if isinstance(value, np.ndarray):
                sizes.update(zip(idx, value.shape))
        for _ in factors:  # deltas and selections pass sizes along
            for value, idx in factors:
                if _is(value, "delta") and any(i in sizes for i in idx):
                    sizes.update((i, sizes[next(j for j in idx if j in sizes)]) for i in idx)
                if _is(value, "fuse"):  # r = (a, b): any two sizes give the third
                    r, a, b = idx
                    if a in sizes and b in sizes:
                        sizes[r] = sizes[a] * sizes[b]
                    elif r in sizes and (a in sizes or b in sizes):
                        known, other = (a, b) if a in sizes else (b, a)
                        sizes[other] = sizes[r] // sizes[known]
        unsized = {i for _, idx in factors for i in idx} - set(sizes)
        if unsized:  # a sum over ones alone, 1_p: its range is not on the page
            raise Unreadable(f"{piece}: the size of {sorted(unsized)}")
        operands, specs = [], []
        for value, idx in factors:
            if _is(value, "delta"):
                value = np.eye(sizes[idx[0]])
            elif _is(value, "fuse"):
                p, q = sizes[idx[1]], sizes[idx[2]]
                value = np.eye(p * q).reshape(p * q, p, q)
            elif isinstance(value, tuple):
                value = np.full([sizes[i] for i in idx], value[1])
            operands.append(value)
            specs.append("".join(idx))
        total = total + sign * np.einsum(",".join(specs) + "->" + free, *operands)
    return total


def _inputs(term: gen.Term) -> tuple[dict, dict]:
    rng = np.random.default_rng(1)
    declared = {v: gen.VARIABLES[v] for v in gen.variables_of(term)}
    arrays = {v: rng.uniform(-1, 1, gen.numeric_shape(s)) for v, s in declared.items()}
    return declared, {v: float(a) if a.ndim == 0 else a for v, a in arrays.items()}


def check_index_notation(term: gen.Term, wrt: str) -> None:
    text = gen.render(term)
    declared, arrays = _inputs(term)
    d = md.derivative(text, wrt=wrt, vars=declared, order=2)
    index, latex = d.index, d.index_latex
    assert index.startswith("∂²") and " = " in index, index
    assert latex.startswith(r"\frac{\partial^{2}") and " = " in latex, latex
    # past the alphabet indices are named i0, s5 …: not read back here
    assume(not re.search(r"_\w*\d|\[\w\w", index.split(" = ", 1)[1]))
    with np.errstate(all="ignore"):
        want = np.asarray(d.evaluate(**arrays), dtype=float)
        assume(np.all(np.isfinite(want)))
        try:
            got = evaluate_index_notation(index, want.shape, arrays, declared)
        except Unreadable:
            assume(False)
    assert_close(got, want, rtol=1e-8, atol=1e-10, what=f"{text} by {wrt}: {index}")


@_examples
@given(case=random_case())
def test_second_derivatives_of_random_expressions_print_and_read_back(case):
    check_index_notation(*case)


@_examples
@given(case=selection_case())
def test_second_derivatives_through_vec_and_kron_print_and_read_back(case):
    check_index_notation(*case)


def test_the_smallest_selection_case_prints():
    """``kron(u', eye)`` selects with a component of size one: a delta, contracted away."""
    d = md.derivative("sum(exp(kron(u', eye)*vec(A)))", wrt="u", order=2)
    assert d.index == "∂²f/∂u_i∂u_j = A_pi (exp(kron(u', eye)*vec(A)))_p A_pj"
    assert str(d) == "A'*diag(exp(kron(u', eye)*vec(A)))*A"
    declared = {"u": ("n",), "A": ("n", "m")}  # vec(A) meets kron's columns transposed
    d = md.derivative("sum(exp(kron(u', eye)*vec(A)))", wrt="u", vars=declared, order=2)
    assert d.index.startswith("∂²f/∂u_i∂u_j = (exp(kron(u', eye)*vec(A)))_p [q = (j,p)] ")
    rng = np.random.default_rng(0)
    arrays = {"u": rng.standard_normal(3), "A": rng.standard_normal((3, 4))}
    got = evaluate_index_notation(d.index, (3, 3), arrays, declared)
    assert_close(got, d.evaluate(**arrays), rtol=1e-10, atol=1e-12, what=d.index)
