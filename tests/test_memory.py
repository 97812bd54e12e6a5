"""Memory stays flat over many derivations in one process (a long-running server's life).

A seeded generator writes varied expressions (sums, products, transposes, element-wise and
matrix functions, traces, norms, determinants, Kronecker products), every one over variables
of fresh names, so that no node of one derivation can be reused by the next: the worst case
for a table of interned nodes.  Each is differentiated and printed (text, and now and then
index notation, LaTeX and the steps).  After a warm-up, ``N`` derivations and then ``N``
more must leave the intern table and the traced Python memory where they were, within a
margin: growth proportional to the number of derivations fails.

``N`` is 400 by default (two halves, a few seconds) and 5,000 with ``MATDIFF_LONG=1``
(10,000 derivations in all).
"""

from __future__ import annotations

import gc
import os
import random
import tracemalloc

import matdiff as md
from matdiff.ir import holding, interned_count
from matdiff.ir.nodes import RECENT

N = 5_000 if os.environ.get("MATDIFF_LONG") == "1" else 150
WARM_UP = 100
NODE_MARGIN = 300
"""Live nodes a finished derivation may leave behind: module constants, rule patterns and
what the garbage collector has not reached yet; far below one derivation's worth times N."""
BYTES_MARGIN = 1_500_000


class Expressions:
    """Seeded random expressions over ``n×n`` matrices and ``n``-vectors with fresh names."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.count = 0

    def _name(self, kind: str) -> str:
        self.count += 1
        return f"{kind}{self.count}"

    def matrix(self, depth: int) -> str:
        r = self.rng
        if depth == 0 or r.random() < 0.25:
            return self._name("A")
        a, b = self.matrix(depth - 1), self.matrix(depth - 1)
        return r.choice([
            f"({a} + {b})", f"({a} - {b})", f"{a}*{b}", f"{a}'", f"({a} .* {b})",
            f"exp({a})", f"tanh({a})", f"inv({a})", f"2*{a}", f"({a} + eye)",
            f"diag(diag({a}))", f"({a}*{b}')",
        ])

    def scalar(self, depth: int) -> str:
        r = self.rng
        m, v = self.matrix(depth), self._name("x")
        return r.choice([
            f"tr({m})", f"sum({m})", f"{v}'*{m}*{v}", f"norm2({m})^2", f"det({m})",
            f"logdet({m})", f"sin(tr({m}))", f"tr({m})*sum({m})",
            f"sum(kron({m}, {self.matrix(0)}))", f"vec({m})'*vec({self.matrix(0)})",
        ])

    def problem(self) -> tuple[str, str, dict, int]:
        text = self.scalar(self.rng.randint(1, 3))
        names = sorted({word for word in _words(text) if word[0] in "Ax" and word[1:].isdigit()})
        shapes = {name: ("n", "n") if name[0] == "A" else ("n",) for name in names}
        order = 2 if len(text) < 40 and self.rng.random() < 0.2 else 1
        return text, self.rng.choice(names), shapes, order


def _words(text: str) -> list[str]:
    word, out = "", []
    for ch in text + " ":
        if ch.isalnum():
            word += ch
        elif word:
            out.append(word)
            word = ""
    return out


def derive_many(source: Expressions, count: int) -> None:
    for k in range(count):
        text, wrt, shapes, order = source.problem()
        d = md.derivative(text, wrt=wrt, vars=shapes, order=order)
        assert str(d)
        if k % 10 == 0:
            assert d.index and d.latex and str(d.steps)


def settled() -> tuple[int, int]:
    """(live interned nodes, traced bytes) once the last derivations' nodes are let go and the
    garbage collector has run."""
    for _ in range(RECENT):
        with holding():
            pass
    gc.collect()
    return interned_count(), tracemalloc.get_traced_memory()[0]


def test_memory_is_flat_over_many_derivations():
    source = Expressions(seed=2024)
    derive_many(source, WARM_UP)
    tracemalloc.start()
    try:
        nodes_0, bytes_0 = settled()
        derive_many(source, N)
        nodes_1, bytes_1 = settled()
        derive_many(source, N)
        nodes_2, bytes_2 = settled()
    finally:
        tracemalloc.stop()
    report = (f"live nodes {nodes_0} → {nodes_1} → {nodes_2}; traced bytes {bytes_0:,} → "
              f"{bytes_1:,} → {bytes_2:,} over 2×{N} derivations")
    assert nodes_1 <= nodes_0 + NODE_MARGIN and nodes_2 <= nodes_0 + NODE_MARGIN, report
    assert bytes_1 - bytes_0 < BYTES_MARGIN and bytes_2 - bytes_1 < BYTES_MARGIN, report


def test_the_generator_is_seeded_and_varied():
    first, again = Expressions(seed=7), Expressions(seed=7)
    problems = [first.problem() for _ in range(50)]
    assert problems == [again.problem() for _ in range(50)]
    texts = [p[0] for p in problems]
    assert len(set(texts)) == 50
    for piece in ("inv(", "exp(", "kron(", "'", ".*", "det(", "logdet("):
        assert any(piece in t for t in texts), piece
    assert {p[3] for p in problems} == {1, 2}
