"""Evaluate IR nodes directly on random arrays: the tool of the rule and printer tests.

``random_arrays`` draws one array per variable (distinct sizes per dimension name; square
matrices well conditioned), ``evaluate`` runs the engine's generated code for any node.
"""

from __future__ import annotations

import numpy as np

from matdiff.codegen import compile_function, generate
from matdiff.ir import Op

SIZES = [3, 4, 5, 2, 6, 7]


def variables_of(node):
    return {n.attrs[0]: n for n in node.walk() if n.op is Op.VAR}


def random_arrays(variables, rng, sizes=None):
    names = []
    for v in variables.values():
        for d in v.shape:
            if isinstance(d, str) and d not in names:
                names.append(d)
    sizes = dict(sizes or {})
    for k, n in enumerate(names):
        sizes.setdefault(n, SIZES[k % len(SIZES)])
    arrays = {}
    for name, v in variables.items():
        shape = tuple(sizes[d] if isinstance(d, str) else d for d in v.shape)
        a = rng.standard_normal(shape)
        if len(shape) == 2 and shape[0] == shape[1]:
            a = a + shape[0] * np.eye(shape[0])
        if v.attrs[1] in ("symmetric", "spd"):
            a = a @ a.T + shape[0] * np.eye(shape[0])
        arrays[name] = a
    return arrays


def evaluate(node, variables, arrays):
    gen = generate(node, variables)
    fn = compile_function(gen, variables, set(gen.needed))
    arrays = {k: np.asarray(v, dtype=float) for k, v in arrays.items() if k in variables}
    return np.asarray(fn(**arrays), dtype=float)
