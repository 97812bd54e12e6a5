"""The dot-product test of first derivatives (JAX's ``check_vjp``): ``<J v, u> = <v, Jᵀ u>``.

For a random expression ``f`` (``strategies.terms``) and a variable ``x`` in it, ``J`` is
matdiff's Jacobian ``md.derivative(f, wrt=x).evaluate(...)`` (shape ``S_out + S_in``).  ``J v``
is measured without matdiff: a directional central difference of the strategy's own evaluator
along a random direction ``v``; ``Jᵀ u`` is matdiff's array contracted over its output axes
with a random cotangent ``u``.  The two inner products must agree, which checks matdiff's
Jacobian as a linear map and its transpose (the adjoint a gradient is read off by) at once,
with two finite-difference evaluations per point instead of one per entry.

Points where the stencil crosses a kink, a matrix to invert is badly conditioned, values grow
past 300, or the difference does not settle are rejected (``assume``), as in
``test_random_expressions.py``.  Examples: the suite's profile (``tests/conftest.py``).
"""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, note, strategies as st

import matdiff as md
import strategies as gen
from numeric import STENCIL

OUTPUT_SHAPES = [(), ("n",), (1, "m"), ("m", "p"), ("p", "p")]
STEPS = (1e-3, 5e-4)


@st.composite
def problems(draw):
    """An expression, a variable of it, and a seed for the point, direction and cotangent."""
    term = draw(gen.terms(draw(st.sampled_from(OUTPUT_SHAPES)), 3, root=True))
    names = sorted(gen.variables_of(term))
    assume(names)
    return term, draw(st.sampled_from(names)), draw(st.integers(0, 2 ** 32 - 1))


def directional_derivative(term, arrays, wrt, direction, step, trace):
    """``J v`` by the five-point central difference along ``direction``."""
    offsets = np.array([o for o, _ in STENCIL], dtype=float)
    weights = np.array([w for _, w in STENCIL])
    x = np.asarray(arrays[wrt], dtype=float)
    points = x[None] + np.einsum("a,...->a...", offsets * step, direction)
    env = {k: np.broadcast_to(np.asarray(v, dtype=float), (len(offsets),) + np.shape(v))
           for k, v in arrays.items()}
    env[wrt] = points
    values = gen.evaluate(term, env, trace)
    return np.tensordot(weights, values, axes=1) / step


@given(problem=problems())
def test_jacobian_and_its_transpose_agree_in_the_dot_product(problem):
    term, wrt, seed = problem
    text = gen.render(term)
    note(f"expression: {text}\nwrt: {wrt}")
    rng = np.random.default_rng(seed)
    arrays = {}
    for name in sorted(gen.variables_of(term)):
        value = rng.uniform(-1.0, 1.0, size=gen.numeric_shape(gen.VARIABLES[name]))
        arrays[name] = float(value) if value.ndim == 0 else value
    in_shape = gen.numeric_shape(gen.VARIABLES[wrt])
    out_shape = gen.numeric_shape(term.shape)
    v = rng.standard_normal(in_shape)
    u = rng.standard_normal(out_shape)

    with np.errstate(all="ignore"):
        trace = gen.Trace()
        jv_coarse, jv = (directional_derivative(term, arrays, wrt, v, h, trace) for h in STEPS)
    assume(trace.largest < 300)
    assume(np.all(np.isfinite(jv)) and np.all(np.isfinite(jv_coarse)))
    for kink in trace.kinks:  # the stencil stays on one side of every kink
        signs = np.sign(kink)
        assume(np.all(signs == signs[:1]) and np.min(np.abs(kink), initial=1) > 1e-6)
    for matrix in trace.inverted:
        assume(np.max(np.linalg.cond(matrix)) < 1e4)
    fd_error = float(np.max(np.abs(jv - jv_coarse), initial=0.0))
    size = max(1.0, float(np.max(np.abs(jv), initial=0.0)))
    assume(fd_error < 1e-3 * size)

    d = md.derivative(text, wrt=wrt, vars={k: gen.VARIABLES[k] for k in arrays}, order=1)
    jacobian = np.asarray(d.evaluate(**arrays), dtype=float)
    assert jacobian.shape == out_shape + in_shape, f"{d} has shape {jacobian.shape}"
    jt_u = np.tensordot(u, jacobian, axes=len(out_shape))  # Jᵀ u, shape S_in

    lhs = float(np.sum(jv * u))
    rhs = float(np.sum(v * jt_u))
    bound = 1e-6 * np.linalg.norm(u) * max(np.linalg.norm(jv), np.linalg.norm(jt_u), 1.0) \
        + 2 * fd_error * np.linalg.norm(u) * np.sqrt(max(u.size, 1))
    assert abs(lhs - rhs) <= bound, (
        f"<J v, u> = {lhs!r} but <v, J' u> = {rhs!r} (bound {bound:.3g}) for the derivative "
        f"of {text} by {wrt}: {d}")
