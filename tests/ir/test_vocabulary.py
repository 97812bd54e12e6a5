"""Every row of the vocabulary works end to end, so a function missing a rule fails here.

For each function of :data:`matdiff.ir.vocabulary.FUNCTIONS` that builds an op, over a square
matrix and over a vector (where its shape rule accepts one): the ASCII call parses and prints
back as typed; its LaTeX form parses back to the same node, and so does every LaTeX spelling
of it (macro, word in a font, Greek letter); its derivative has a rule and agrees with finite
differences of its generated code.  Constant arrays parse and print back, functions not
supported yet say so, and other languages' names get a "did you mean".
"""

from __future__ import annotations

import pytest

import matdiff as md
from matdiff.calculus import D_RULES
from matdiff.ir import Op
from matdiff.ir.vocabulary import (CALLS, CONSTANT, ELEMENTWISE, ELEMENTWISE_FAMILY,
                                   FRECHET_FAMILY, FRECHET_OF, FUNCTIONS, GREEK_LETTERS,
                                   MATRIX_FAMILY, MATRIX_FUNCTIONS, OPERATOR, PRECEDENCE,
                                   binding)

VARS = {"A": ("n", "n"), "x": ("n",)}
CALLED = [f for f in FUNCTIONS.values()
          if f.family in (OPERATOR, ELEMENTWISE_FAMILY, MATRIX_FAMILY, FRECHET_FAMILY)]


def _calls(function):
    """The call of ``function`` on the square matrix and on the vector, where it accepts one."""
    calls = []
    for arg in ("A", "x"):
        args = [arg] * function.arity
        if function.family == FRECHET_FAMILY:  # L_f(A, A) = A*f'(A): a direction apart
            args[1:] = [arg + "'"] * (function.arity - 1)
        text = f"{function.name}({', '.join(args)})"
        try:
            calls.append((text, arg, md.parse(text, VARS)))
        except md.ShapeError:
            continue
    return calls


@pytest.mark.parametrize("function", CALLED, ids=[f.name for f in CALLED])
def test_every_function_parses_prints_back_and_builds_its_op(function):
    calls = _calls(function)
    assert calls, f"{function.name} accepts neither a matrix nor a vector"
    for text, _, e in calls:
        assert str(e) == text
        assert e.node.op in function.ops
        if function.family in (ELEMENTWISE_FAMILY, MATRIX_FAMILY):
            assert e.node.attrs == (function.name,)
        assert md.parse(e.latex, VARS).node is e.node, e.latex


@pytest.mark.parametrize("function", CALLED, ids=[f.name for f in CALLED])
def test_every_latex_spelling_reads_as_the_function(function):
    text, arg, e = _calls(function)[0]
    args = text[text.index("(") + 1:-1]
    spellings = [f"\\{m}({args})" for m in function.macros]
    spellings += [f"\\operatorname{{{w}}}({args})" for w in (function.name, *function.words)]
    spellings += [f"\\mathrm{{{w}}}({args})" for w in function.words]
    spellings += [f"\\{g}({args})" for g in function.greek]
    for latex in spellings:
        assert md.parse(latex, VARS).node is e.node, latex


@pytest.mark.parametrize("function", CALLED, ids=[f.name for f in CALLED])
def test_every_function_has_a_differential_and_code_that_agree(function):
    assert all(op in D_RULES for op in function.ops)
    for text, arg, e in _calls(function):
        body = text if e.node.is_scalar else f"sum({text})"
        d = md.derivative(body, wrt=arg, vars=VARS)
        assert md.check(d) < 1e-6, body


def test_operators_print_as_calls_of_their_function():
    assert set(CALLS) == {op for f in CALLED if f.family == OPERATOR for op in f.ops}
    assert all(CALLS[op].name in FUNCTIONS for op in CALLS)
    assert {f.name for f in CALLED if f.family == ELEMENTWISE_FAMILY} == set(ELEMENTWISE)


CONSTANT_USES = {"eye": "A + eye", "vector": "x + vector(2)", "matrix": "A + matrix(2)"}


@pytest.mark.parametrize("name", [f.name for f in FUNCTIONS.values() if f.family == CONSTANT])
def test_constant_arrays_parse_and_print_back(name):
    text = CONSTANT_USES[name]
    e = md.parse(text, VARS)
    assert str(e) == text
    assert e.node.args[1].op in FUNCTIONS[name].ops


def test_every_matrix_function_has_its_frechet_derivative():
    assert set(FRECHET_OF) == set(MATRIX_FUNCTIONS) == {"expm", "logm", "sqrtm"}
    for name, row in FRECHET_OF.items():
        e = md.parse(f"{row.name}(A, A', eye)", VARS)
        assert e.node.op is Op.FRECHET and e.node.attrs == (name,)
        assert md.parse(e.latex, VARS).node is e.node


def test_a_frechet_derivative_needs_a_direction():
    with pytest.raises(md.ParseError, match="L_expm takes at least 2 arguments, got 1"):
        md.parse("L_expm(A)", VARS)


def test_a_matrix_function_of_a_vector_says_it_takes_a_square_matrix():
    with pytest.raises(md.ShapeError, match="expm .*square matrix"):
        md.parse("expm(x)", {"x": ("n",)})


@pytest.mark.parametrize("alias", sorted({a for f in FUNCTIONS.values() for a in f.aliases}))
def test_other_languages_names_suggest_the_function(alias):
    meant = next(f.name for f in FUNCTIONS.values() if alias in f.aliases)
    with pytest.raises(md.ParseError, match=f"did you mean {meant}\\?"):
        md.parse(f"{alias}(A)", VARS)


@pytest.mark.parametrize("letter", GREEK_LETTERS)
def test_every_greek_letter_is_a_name_that_prints_as_its_letter(letter):
    e = md.parse(f"\\{letter} + 1", {letter: ()})
    assert list(e.variables) == [letter]
    assert e.latex == f"\\{letter} + 1"
    assert str(e) == f"{letter} + 1"


def test_the_precedence_columns_order_the_operators_as_the_grammar_does():
    text = {op: levels.text for op, levels in PRECEDENCE.items()}
    assert text[Op.ADD] < text[Op.MATMUL] < text[Op.NEG] < text[Op.POW] < text[Op.TRANSPOSE]
    latex = {op: levels.latex for op, levels in PRECEDENCE.items()}
    assert latex[Op.HADAMARD] < latex[Op.NEG] < latex[Op.MATMUL] < latex[Op.TRANSPOSE]
    assert binding(Op.TRACE) == (max(text.values()),) * 3
