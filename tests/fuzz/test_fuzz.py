"""A grammar-aware fuzzer: only MatdiffError comes out of matdiff, and no input takes long.

Seeds are the expressions of the Matrix Cookbook tests (every string in
``tests/calculus/test_cookbook.py`` that parses).  Each case mutates a seed the way a careless
or hostile user would: characters deleted, inserted or repeated, operators and function
names swapped in, numbers far out of range (``1e309``, ``1e-400``, ``2^2^2^2^2``), towers of
powers, parentheses and function calls nested thousands deep, Unicode (superscripts, lone
surrogates, look-alike letters, zero-width characters), hostile LaTeX (unbalanced braces,
``\\left`` without ``\\right``, unknown commands), two seeds spliced.  The case is then
parsed (sometimes with its names declared by kind), differentiated by one of its variables
(order 1 or 2) and printed.

Asserted: every exception is a :class:`md.MatdiffError`, and no case uses more than
:data:`LIMIT_S` seconds of CPU (process time, so a loaded machine does not fail the test).
The default run has :data:`CASES` cases; ``MATDIFF_LONG=1`` runs a million, in shards of
:data:`SHARD` over every core (``pytest -s`` shows the count as shards end).
"""

from __future__ import annotations

import ast
import os
import random
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import pytest

import matdiff as md

CASES = 1_000_000 if os.environ.get("MATDIFF_LONG") == "1" else 2_000
SHARD = 10_000
"""Cases per process in the long run (each shard has its own seed)."""
LIMIT_S = 1.0
_COOKBOOK = Path(__file__).resolve().parent.parent / "calculus" / "test_cookbook.py"

_OPERATORS = ["+", "-", "*", "/", ".*", "./", "^", ".^", "'", "(", ")", ",", "|", "||", "="]
_WORDS = ["tr(", "det(", "inv(", "logdet(", "diag(", "vec(", "kron(", "sum(", "exp(", "log(",
          "norm2(", "norm1(", "softmax(", "logsumexp(", "sigmoid(", "eye", "eye(3)",
          "matrix(0)", "vector(1)", "A", "x", "X", "a", "W", "self", "_t1", "xp", "lambda"]
_NUMBERS = ["1e309", "1e-400", "1e308", "1e-310", "0", "0.0", "-0", "99999999999999999999",
            "2^2^2^2^2", "10^400", "1e999999", "0.5", "100000000", "-1", "3.14159e+307"]
_UNICODE = ["²", "³", "⁻¹", "ᵀ", "∂", "∇", "ℝ", "α", "Σ", "·", "×", "⊗", "∘", "√", "\u200b",
            "\ufeff", "\ud800", "\udfff", "ﬁ", "Ａ", "𝐀", "é", "\u0301", "\x00", "\n", "\t",
            "‖", "⊤", "∑", "∫"]
_LATEX = ["\\frac{", "\\frac{1}{", "}", "{", "\\left(", "\\right)", "\\left|", "\\|", "_{F}",
          "^{\\top}", "^T", "\\operatorname{tr}", "\\mathrm{det}", "\\sqrt{", "\\begin{pmatrix}",
          "\\end{pmatrix}", "\\\\", "&", "\\def\\x{", "\\input{", "%", "$", "$$", "\\nabla_",
          "\\partial", "\\cdot", "\\odot", "\\otimes", "^{-1}", "\\exp", "\\log", "\\sum_{i}",
          "\\mathbf{", "\\hat", "\\\\\\\\", "\\x"]


def _seeds() -> list[str]:
    strings = {node.value for node in ast.walk(ast.parse(_COOKBOOK.read_text()))
               if isinstance(node, ast.Constant) and isinstance(node.value, str)
               and 2 < len(node.value) < 100 and "\n" not in node.value}
    seeds = []
    for text in sorted(strings):
        try:
            md.parse(text)
        except md.MatdiffError:
            continue
        seeds.append(text)
    return seeds


def _mutate(rng: random.Random, text: str, seeds: list[str]) -> str:
    """One hostile variation of ``text``."""
    kind = rng.randrange(12)
    pos = rng.randint(0, len(text))
    if kind == 0:  # delete a stretch
        end = min(len(text), pos + rng.randint(1, 4))
        return text[:pos] + text[end:]
    if kind == 1:
        return text[:pos] + rng.choice(_OPERATORS + _WORDS) + text[pos:]
    if kind == 2:
        return text[:pos] + rng.choice(_NUMBERS) + text[pos:]
    if kind == 3:  # a number replaced by one out of range
        digits = [i for i, ch in enumerate(text) if ch.isdigit()]
        if digits:
            i = rng.choice(digits)
            return text[:i] + rng.choice(_NUMBERS) + text[i + 1:]
        return f"{rng.choice(_NUMBERS)}*({text})"
    if kind == 4:  # deep nesting
        depth = rng.choice([20, 199, 201, 600])
        opener, closer = rng.choice([("(", ")"), ("exp(", ")"), ("tr(", ")"), ("-", ""),
                                     ("\\left(", "\\right)"), ("{", "}"), ("\\frac{1}{", "}"),
                                     ("", "'"), ("|", "|")])
        return opener * depth + text + closer * depth
    if kind == 5:  # a tower of powers or a big matrix power
        return rng.choice([f"({text})^2^2^2^2^2^2", f"a^2^2^2^2^2^2*({text})",
                           f"A^{rng.choice([2, 64, 4097, 100000000])}*({text})",
                           f"({text})^{rng.choice(['1e309', '-1e309', '0.5', '100000000'])}"])
    if kind == 6:
        return text[:pos] + rng.choice(_UNICODE) + text[pos:]
    if kind == 7:
        return text[:pos] + rng.choice(_LATEX) + text[pos:]
    if kind == 8:  # a stretch repeated
        end = min(len(text), pos + rng.randint(1, 8))
        return text[:pos] + text[pos:end] * rng.randint(2, 40) + text[end:]
    if kind == 9:  # spliced with another seed
        other = rng.choice(seeds)
        return text[:pos] + other[rng.randint(0, len(other)):]
    if kind == 10:  # a long product or sum of the seed
        return rng.choice(["*", "+", ".*", "-"]).join([f"({text})"] * rng.randint(2, 40))
    return text[:pos] + rng.choice(["/0", "./0", "*0/0", "/(1-1)", "./matrix(0)"]) + text[pos:]


def _run(text: str, rng: random.Random) -> None:
    """Parse, differentiate and print ``text`` as a user of the API would; now and then
    with every name declared by a kind only (the sizes of ``vec`` and ``kron`` unknown)."""
    e = md.parse(text)
    if rng.random() < 0.15:
        kinds = ("scalar", "vector", "matrix", "symmetric", "spd")
        e = md.parse(text, vars={name: rng.choice(kinds) for name in e.variables})
    str(e), e.latex
    names = list(e.variables)
    if not names:
        return
    order = 2 if rng.random() < 0.1 else 1
    d = md.derivative(e, wrt=rng.choice(names), order=order)
    str(d), d.latex


def _campaign(shard: int, cases: int) -> tuple[list, list]:
    """``cases`` fuzzed cases from the seed of ``shard``: the unexpected errors and the slow
    cases, each with its input."""
    seeds = _seeds()
    rng = random.Random(20261202 + 7919 * shard)
    unexpected, slow = [], []
    for _ in range(cases):
        text = rng.choice(seeds)
        for _ in range(rng.choice([1, 1, 2, 3])):
            text = _mutate(rng, text, seeds)
        start = time.process_time()
        try:
            _run(text, rng)
        except md.MatdiffError:
            pass
        except Exception as error:  # anything else is a bug, collected to report them all
            unexpected.append((text, f"{type(error).__name__}: {error}"))
        spent = time.process_time() - start
        if spent > LIMIT_S:
            slow.append((text, round(spent, 2)))
    return unexpected, slow


def test_fuzzed_inputs_give_only_matdiff_errors_and_finish_quickly():
    assert len(_seeds()) > 50
    if CASES <= SHARD:
        unexpected, slow = _campaign(0, CASES)
    else:  # the long run: shards over every core, each reported as it ends
        unexpected, slow = [], []
        with ProcessPoolExecutor(os.cpu_count() or 1) as pool:
            shards = [pool.submit(_campaign, shard, SHARD) for shard in range(CASES // SHARD)]
            for done, shard in enumerate(as_completed(shards), 1):
                more_unexpected, more_slow = shard.result()
                unexpected += more_unexpected
                slow += more_slow
                print(f"fuzz: {done * SHARD} cases, {len(unexpected)} unexpected, "
                      f"{len(slow)} slow", *more_unexpected, *more_slow, sep="\n", flush=True)
    assert not unexpected, unexpected[:10]
    assert not slow, slow[:10]


@pytest.mark.parametrize("text", ["(" * 3000 + "x" + ")" * 3000, "-" * 4000 + "x",
                                  "x" + "'" * 4000, "exp(" * 1000 + "x" + ")" * 1000,
                                  "\\frac{1}{" * 500 + "x" + "}" * 500])
def test_deep_nesting_is_a_matdiff_error_not_a_recursion_error(text):
    with pytest.raises(md.MatdiffError) as info:
        md.derivative(text, wrt="x")
    assert "nested too deeply" in info.value.message or "characters long" in info.value.message


@pytest.mark.parametrize("text", [
    "-0*(" + "*".join(["(kron(eye, y'))"] * 38) + ")",  # delta contraction over 76 selections
    "A^64*(" + "+".join(["(" + "+".join(["(u'*S*v)"] * 16) + ")"] * 30) + ")",  # printed 64×
    "(vec(X)'vec(Y)eye(3) by X)^2^2",  # 9 = ?·? put back in the solver's queue for ever
])
def test_inputs_the_long_run_found_slow_finish_within_the_bound(text):
    start = time.process_time()
    names = md.parse(text).variables
    assert time.process_time() - start < LIMIT_S
    for name in names:
        start = time.process_time()
        try:
            d = md.derivative(text, wrt=name)
            str(d), d.latex
        except md.MatdiffError:
            pass
        assert time.process_time() - start < LIMIT_S, name
