"""Bounded work and sane numbers at the API: every input answers or refuses fast.

Each limit is a :class:`md.LimitError` naming it (``kind`` "limit"); numbers past a double's
range are refused where they are written; a division by a written zero, or by one that is
zero whatever its variables, is refused rather than simplified away; a derivation runs under
a time bound; every argument is checked with :class:`md.ArgumentError` before work.
"""

from __future__ import annotations

import subprocess
import sys
import time

import numpy as np
import pytest

import matdiff as md
from matdiff.api import MAX_TEXT
from matdiff.calculus import MAX_TENSOR_ORDER, MAX_TERMS


@pytest.mark.parametrize("text", ["A^100000000", "A^100000", "x'*A^3000*x", "tr(A^-5000)"])
def test_a_matrix_power_past_the_work_limit_is_refused_at_once(text):
    start = time.process_time()
    with pytest.raises(md.LimitError) as info:
        md.derivative(text, wrt="A")
    assert time.process_time() - start < 1
    assert str(MAX_TERMS) in info.value.message and info.value.kind == "limit"
    assert "^" in str(info.value).splitlines()[-1]  # a caret under the power


def test_a_matrix_power_within_the_limit_is_differentiated():
    d = md.derivative("tr(A^64)", wrt="A")
    assert str(d) == "64*(A^63)'"


def test_the_limit_counts_each_order():
    assert md.derivative("x'*A^40*x", wrt="A").order == 1
    with pytest.raises(md.LimitError):
        md.derivative("x'*A^60*x", wrt="A", order=2)


def test_a_matrix_power_by_another_variable_costs_nothing():
    assert str(md.derivative("x'*A^100000000*x", wrt="x")) == "(A^100000000 + (A^100000000)')*x"


def test_the_command_line_refuses_a_huge_matrix_power_with_exit_status_2():
    r = subprocess.run([sys.executable, "-m", "matdiff", "A^100000000", "--wrt", "A"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "Traceback" not in r.stderr and str(MAX_TERMS) in r.stderr


def test_a_tensor_order_past_the_limit_is_refused():
    with pytest.raises(md.LimitError) as info:
        md.derivative("tr(X*X)", wrt="X", order=5)
    assert f"limit of {MAX_TENSOR_ORDER}" in info.value.message


def test_an_input_past_the_length_limit_is_refused():
    with pytest.raises(md.LimitError) as info:
        md.parse("+".join(["x"] * MAX_TEXT))
    assert str(MAX_TEXT) in info.value.message


@pytest.mark.parametrize("text, literal", [("1e309*x", "1e309"), ("x.^1e309", "1e309"),
                                           ("A*B^1e309", "1e309"), ("x'*x/1e-400", "1e-400"),
                                           ("vector(-1e999)'*x", "1e999")])
def test_a_number_past_the_range_of_a_double_is_refused_where_it_is_written(text, literal):
    with pytest.raises(md.LimitError) as info:
        md.derivative(text, wrt="x" if "x" in text else "A")
    assert text[info.value.position:].startswith(literal)


@pytest.mark.parametrize("text, printed", [
    ("a^2^2^2^2^2^2^2", "2^2^2^65536*a^(2^2^2^65536 - 1)"),
    ("x'*x*1e308*1e308", "2*(1e+308*1e+308)*x"),
])
def test_constants_that_overflow_are_kept_as_written_not_folded(text, printed):
    d = md.derivative(text, wrt="a" if text.startswith("a") else "x")
    assert str(d) == printed
    d.latex


def test_an_overflowing_coefficient_prints_as_a_value_in_index_form():
    d = md.derivative("*".join(["(1e300*kron(x, y))"] * 3), wrt="x")
    assert "inf" in str(d)


@pytest.mark.parametrize("text", ["x*0/0", "x./0", "X'./0", "0/0*x", "x./matrix(0)",
                                  "(x - x)/(1 - 1)", "0*(x/(2 - 2))", "x./(1 - vector(1))"])
def test_a_division_by_a_written_zero_is_refused_not_simplified(text):
    with pytest.raises(md.UnsupportedError) as info:
        md.derivative(text, wrt="x" if "x" in text else "X")
    assert info.value.message == "division by zero"
    assert info.value.position > text.rindex("/")  # the mark is on the divisor


@pytest.mark.parametrize("text, operand, message", [
    ("sum(x)/(a-a)", "a-a", "division by zero"),
    ("x./(y - 2*y + y)", "y - 2*y + y", "division by zero"),
    ("x/sum(x - x)", "sum(x - x)", "division by zero"),
    ("x*(a - a)^(-2)", "a - a", "division by zero"),
    ("\\frac{x}{b - b}", "b - b", "division by zero"),
    ("inv(A - A)*x", "A - A", "the inverse of a zero matrix"),
    ("(A - A)^-1*x", "A - A", "the inverse of a zero matrix"),
    ("sum(log(x.*0))", "x.*0", "the logarithm of zero"),
    ("logdet(A - A) + sum(x)", "A - A", "the logarithm of zero")])
def test_a_divisor_zero_whatever_its_variables_is_refused_with_a_caret(text, operand, message):
    with pytest.raises(md.UnsupportedError) as info:
        md.parse(text)
    assert info.value.message.startswith(message)
    start = text.rindex(operand)
    assert info.value.marks == ((start, start + len(operand)),)


@pytest.mark.parametrize("text", ["x/(a - b)", "x.^-1", "sum(log(x))", "inv(A - B)*x",
                                  "x/(a*a - a)", "x./(y.*y - y)"])
def test_a_divisor_zero_only_at_some_values_is_kept(text):
    d = md.derivative(text, wrt="x")
    assert md.check(d) < 1e-5


def test_a_derivation_past_its_time_is_refused_naming_the_limit(monkeypatch):
    chain = "tr(" + "*".join(f"A{i}*X" for i in range(12)) + ")"
    monkeypatch.setattr(md.api, "MAX_SECONDS", 1e-4)
    with pytest.raises(md.LimitError) as info:
        md.derivative(chain, wrt="X")
    assert "s of work" in info.value.message and info.value.text == chain
    monkeypatch.undo()
    assert "A11" in str(md.derivative(chain, wrt="X"))


def test_the_time_limit_is_the_threads_own_and_the_earlier_deadline_holds():
    from matdiff.ir.clock import spend, time_limit
    with time_limit(1e-4):
        with time_limit(60):
            with pytest.raises(md.LimitError):
                end = time.thread_time() + 0.05
                while time.thread_time() < end:
                    spend()
    end = time.thread_time() + 0.05
    while time.thread_time() < end:
        spend()  # no deadline outside: nothing raised


def test_a_full_garbage_collection_does_not_count_against_the_time():
    from matdiff.ir import clock
    with clock.time_limit(0.05):
        clock._on_collection("start", {"generation": 2})
        end = time.thread_time() + 0.1  # the collector's pause, as the callback sees it
        while time.thread_time() < end:
            pass
        clock._on_collection("stop", {"generation": 2})
        for _ in range(4 * clock._EVERY):
            clock.spend()  # within the time: the pause is not the computation's


def test_numbers_that_underflow_are_not_folded_into_a_division_by_zero():
    d = md.derivative("x/(1e-200*1e-200)", wrt="x")
    assert str(d) == "eye/(1e-200*1e-200)"


@pytest.mark.parametrize("vars", [{"A": 5}, {5: "matrix"}, {"": "matrix"}, {"A": (10**5000,)},
                                  {"A": ("n", 0)}, {"A": {"kind": "spd", "shape": ()}},
                                  {"A": ("n", True)}, {"A": "matrx"}])
def test_every_bad_declaration_is_an_argument_error(vars):
    with pytest.raises(md.ArgumentError):
        md.parse("A*x", vars=vars)


def test_complex_or_non_numeric_arrays_are_refused_by_evaluate_and_check():
    d = md.derivative("A*x", wrt="x")
    real = dict(A=np.ones((2, 2)), x=np.ones(2))
    for bad in (dict(real, A=np.ones((2, 2)) * 1j), dict(real, x=["a", "b"]),
                dict(real, A=[[1, 2], [3]])):
        with pytest.raises(md.ArgumentError):
            d.evaluate(**bad)
        with pytest.raises(md.ArgumentError):
            md.check(d, **bad)
    with pytest.raises(md.ArgumentError) as info:
        d.evaluate(**dict(real, A=np.ones((2, 2)) * 1j))
    assert "complex" in info.value.message
    assert d.evaluate(**real).shape == (2, 2)


def test_an_expression_nested_to_the_limit_prints_and_evaluates():
    """199 nested fractions: the printers and code generation walk that deep without a
    RecursionError (found by the fuzzer)."""
    text = "\\frac{1}{" * 199 + "x" + "}" * 199
    e = md.parse(text)
    assert str(e).count("1/(") == 198 and e.latex.count("\\frac{1}") == 199
    assert e.evaluate(x=2.0) == pytest.approx(0.5)


def test_an_exponent_that_overflows_in_the_second_derivative_is_a_value():
    """The second derivative of y.^1e308 has an exponent past the float range: it prints as
    a value (inf or nan), never an OverflowError (found by the fuzzer)."""
    e = md.parse("-diag(x./y.^1e308)", vars={"x": "matrix", "y": "scalar"})
    d = md.derivative(e, wrt="y", order=2)
    assert "inf" in str(d) or "nan" in str(d)
