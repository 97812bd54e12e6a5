"""What a user sees on bad input: the right error class, a message naming the problem, and a
caret under the place in the input where it stands (SPEC §4, §5).

Every failure is a :class:`md.MatdiffError` — :class:`md.ParseError` for text that is not in
the language, :class:`md.ShapeError` for shapes that cannot agree, :class:`md.UnsupportedError`
for well-formed requests matdiff does not do, :class:`md.ArgumentError` for a bad ``wrt``,
``order``, ``layout`` or declaration — and never any other exception.  The caret is checked
in the rendered message (``str(error)``), not only in ``error.position``: the quoted input is
followed by a line with ``^`` under the first mark.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

import matdiff as md


def rendered_caret(error: md.MatdiffError, text: str) -> int:
    """The column, in ``text``, of the first ``^`` of the error's rendered message."""
    lines = str(error).split("\n")
    for quoted, under in zip(lines, lines[1:]):
        marks_only = set(under) <= {" ", "^", "~"} and "^" in under
        if marks_only and quoted.endswith(text) and len(quoted) >= len(text):
            return under.index("^") - (len(quoted) - len(text))
    raise AssertionError(f"no quoted input with a caret line in the message:\n{error}")


def raises_at(cls, text: str, column: int | tuple[int, ...], wrt: str = "x",
              vars: dict | None = None, mentions: tuple[str, ...] = ()) -> md.MatdiffError:
    """Differentiate ``text``; it must raise ``cls`` with its caret at ``column`` (or one of
    the columns given) and a message containing each of ``mentions``."""
    with pytest.raises(md.MatdiffError) as info:
        md.derivative(text, wrt=wrt, vars=vars)
    error = info.value
    assert type(error) is cls, f"{text!r}: {type(error).__name__} instead of {cls.__name__}: " \
                               f"{error}"
    columns = column if isinstance(column, tuple) else (column,)
    assert error.position in columns, f"{text!r}: position {error.position}, not {columns}"
    assert rendered_caret(error, text) in columns, f"{text!r}: caret misplaced:\n{error}"
    for word in mentions:
        assert word in error.message, f"{text!r}: message does not mention {word!r}: {error}"
    return error


# -- the error classes ------------------------------------------------------------------------
def test_every_error_is_a_matdiff_error_and_a_value_error():
    for cls in (md.ParseError, md.ShapeError, md.UnsupportedError, md.ArgumentError):
        assert issubclass(cls, md.MatdiffError)
    assert issubclass(md.MatdiffError, ValueError)


# -- not in the language ----------------------------------------------------------------------
@pytest.mark.parametrize("text, column, mentions", [
    ("foo(x)", 0, ("foo",)),
    ("2*bar(x) + x", 2, ("bar",)),
    ("x'*frobnicate(A)*x", 3, ("frobnicate",)),
], ids=["foo(x)", "inside a product", "after a transpose"])
def test_unknown_function(text, column, mentions):
    raises_at(md.ParseError, text, column, mentions=mentions)


@pytest.mark.parametrize("text, column", [
    ("x $ y", 2), ("x # y", 2), ("x'*A & x", 5), ("x + y;", 5), ("x ? y", 2),
], ids=["$", "#", "&", ";", "?"])
def test_bad_character(text, column):
    raises_at(md.ParseError, text, column)


@pytest.mark.parametrize("text, column", [
    ("(x + y", 0),
    ("((x + y)", 0),
    ("sin(x", 3),
    ("x + y)", 5),
    ("(x + y))", 7),
    ("sin x)", 5),
    ("x'*(A*(x + y)", 3),
], ids=["( never closed", "outer ( never closed", "call never closed", ") closes nothing",
        "one ) too many", ") without (", "nested"])
def test_unbalanced_parentheses(text, column):
    error = raises_at(md.ParseError, text, column)
    assert "parenthes" in error.message


@pytest.mark.parametrize("text, column", [
    ("x +", 3), ("x + * y", 4), ("x y", 2), ("*x", 0), ("x'*", 3), ("sin()", (0, 4)),
    ("kron(A)", 0), ("sum(x, y)", 0),
], ids=["ends after +", "operator twice", "two operands", "starts with *", "ends after *",
        "sin()", "kron with one argument", "sum with two arguments"])
def test_malformed_expression(text, column):
    raises_at(md.ParseError, text, column, wrt="x" if "x" in text else "A",
              vars={"x": "vector", "y": "vector"} if "x" in text else None)


def test_empty_expression():
    raises_at(md.ParseError, "", 0)
    raises_at(md.ParseError, "   ", (0, 1, 2, 3))


# -- shapes that cannot agree ----------------------------------------------------------------
def test_inner_dimensions_of_a_product_are_named():
    error = raises_at(md.ShapeError, "D*W", 1, wrt="W", vars={"D": (3, 4), "W": (5, 6)},
                      mentions=("4", "5"))
    assert "D" in error.message and "W" in error.message


def test_symbolic_inner_dimensions_are_named():
    raises_at(md.ShapeError, "D*W", 1, wrt="W", vars={"D": ("m", "k"), "W": ("n", "p")},
              mentions=("k", "n"))


@pytest.mark.parametrize("text, column, vars", [
    ("A + B", 2, {"A": (3, 4), "B": (4, 3)}),
    ("A - B", 2, {"A": (3, 4), "B": (3, 5)}),
    ("x + y", 2, {"x": (3,), "y": (4,)}),
    ("A + x", 2, {"A": (3, 3), "x": (3,)}),
    ("x + x'", 2, {"x": (3,)}),
], ids=["matrices", "difference", "vectors", "matrix and vector", "column and row"])
def test_adding_different_shapes(text, column, vars):
    raises_at(md.ShapeError, text, column, wrt=text[0], vars=vars)


@pytest.mark.parametrize("func", ["tr", "det", "logdet", "inv"])
def test_square_only_functions_of_a_non_square_matrix(func):
    text = f"{func}(A)"
    raises_at(md.ShapeError, text, (0, len(func) + 1), wrt="A", vars={"A": (3, 4)},
              mentions=("A",))


@pytest.mark.parametrize("text", ["A^2", "A^-1", "A^3"])
def test_matrix_power_of_a_non_square_matrix(text):
    raises_at(md.ShapeError, text, (0, 1), wrt="A", vars={"A": ("m", "n")})


def test_diag_of_a_tensor():
    raises_at(md.ShapeError, "diag(T)", (0, 5), wrt="T", vars={"T": ("n", "m", "p")},
              mentions=("T",))


def test_diag_of_a_non_square_matrix():
    raises_at(md.ShapeError, "diag(A)", (0, 5), wrt="A", vars={"A": (3, 4)})


@pytest.mark.parametrize("text, column", [
    ("A .* B", 2), ("A ./ B", 2), ("A.^B", 1), ("x .* y", 2),
], ids=[".*", "./", ".^", "vectors"])
def test_element_wise_on_different_shapes(text, column):
    raises_at(md.ShapeError, text, column, wrt=text[0],
              vars={"A": (3, 4), "B": (4, 3), "x": (3,), "y": (4,)}
              if "A" in text else {"x": (3,), "y": (4,)})


@pytest.mark.parametrize("text, column, vars, mentions", [
    ("A*x", 1, {"A": ("m", "m"), "x": ("n",)}, ("m", "n")),
    ("A*x", 1, {"A": (3, 3), "x": (4,)}, ("3", "4")),
    ("x'*A*x + y'*x", 11, {"A": (3, 3), "y": (4,)}, ()),
    ("A*x + B*x", 7, {"A": (3, 4), "B": (3, 5)}, ("5", "4")),
    ("x*A", 1, {"x": ("n",), "A": ("n", "n")}, ()),
], ids=["declared names", "declared sizes", "declared vs inferred", "through unification",
        "vector times matrix"])
def test_declared_and_inferred_shapes_conflict(text, column, vars, mentions):
    raises_at(md.ShapeError, text, column, wrt="x", vars=vars, mentions=mentions)


@pytest.mark.parametrize("text, column", [("x*y", 1), ("x * y", 2), ("x*x", 1)],
                         ids=["x*y", "spaced", "x*x"])
def test_vector_times_vector(text, column):
    raises_at(md.ShapeError, text, column, vars={"x": "vector", "y": "vector"})


@pytest.mark.parametrize("text", ["x^2", "x^-1", "x^3"])
def test_matrix_power_of_a_vector(text):
    raises_at(md.ShapeError, text, (0, 1), vars={"x": "vector"})


@pytest.mark.parametrize("text, column", [("x/A", 1), ("a/x", 1), ("A/B", 1)],
                         ids=["vector by matrix", "scalar by vector", "matrix by matrix"])
def test_dividing_by_a_matrix_or_vector(text, column):
    raises_at(md.ShapeError, text, column, wrt=text[0],
              vars={"x": "vector", "a": "scalar", "A": "matrix", "B": "matrix"})


def test_no_kinds_make_it_well_shaped():
    """Where no kinds of the undeclared names fit, the convention's error stands."""
    raises_at(md.ShapeError, "A + B*c", 2, wrt="A", vars={"A": (2, 3), "B": (3, 3)})


@pytest.mark.parametrize("text, vars", [
    ("kron(T, x)", {"T": (3, 4, 2), "x": (3,)}),
    ("logsumexp(A)", {"A": (3, 4)}),
    ("softmax(A)", {"A": (3, 4)}),
    ("T'", {"T": ("n", "m", "p")}),
], ids=["kron of a tensor", "logsumexp of a matrix", "softmax of a matrix",
        "transpose of a tensor"])
def test_functions_on_the_wrong_kind(text, vars):
    name = next(iter(vars))
    with pytest.raises(md.ShapeError) as info:
        md.derivative(text, wrt=name, vars=vars)
    assert info.value.position is not None and 0 <= info.value.position < len(text)
    assert "^" in str(info.value)


# -- unsupported ------------------------------------------------------------------------------
def test_non_integer_matrix_power():
    raises_at(md.UnsupportedError, "A^0.5", 2, wrt="A")


# -- bad requests -----------------------------------------------------------------------------
def test_differentiating_by_a_name_not_in_the_expression():
    with pytest.raises(md.ArgumentError) as info:
        md.derivative("x'*x", wrt="y")
    assert "y" in info.value.message


@pytest.mark.parametrize("order", [0, -1, -3, 1.5, "2"])
def test_bad_order(order):
    with pytest.raises(md.ArgumentError) as info:
        md.derivative("x'*x", wrt="x", order=order)
    assert "order" in info.value.message


@pytest.mark.parametrize("layout", ["foo", "", "mixed", None])
def test_unknown_layout(layout):
    with pytest.raises(md.ArgumentError) as info:
        md.derivative("x'*x", wrt="x", layout=layout)
    assert "layout" in info.value.message


@pytest.mark.parametrize("vars", [
    {"x": "tensor"}, {"x": ("n", 0)}, {"x": ("n", -2)}, {"x": ("n", 2.5)}, {"x": (True,)},
], ids=["unknown kind", "zero size", "negative size", "fractional size", "bool size"])
def test_bad_declaration(vars):
    with pytest.raises(md.ArgumentError) as info:
        md.derivative("sum(x)", wrt="x", vars=vars)
    assert "x" in info.value.message


# -- arrays given to evaluate ----------------------------------------------------------------
@pytest.fixture
def least_squares():
    return md.derivative("0.5*norm2(D*W - X)^2", wrt="W",
                         vars={"D": ("m", "k"), "W": ("k", "n"), "X": ("m", "n")})


def test_arrays_of_inconsistent_sizes(least_squares):
    with pytest.raises(md.ShapeError):
        least_squares.evaluate(D=np.ones((3, 4)), W=np.ones((5, 6)), X=np.ones((3, 6)))


def test_array_against_a_declared_size():
    d = md.derivative("x'*A*x", wrt="x", vars={"A": (3, 3)})
    with pytest.raises(md.ShapeError):
        d.evaluate(A=np.eye(4), x=np.ones(4))


def test_array_of_the_wrong_rank(least_squares):
    with pytest.raises(md.ShapeError):
        least_squares.evaluate(D=np.ones((3, 4)), W=np.ones(4), X=np.ones((3, 6)))


def test_missing_array(least_squares):
    with pytest.raises(md.MatdiffError) as info:
        least_squares.evaluate(D=np.ones((3, 4)), W=np.ones((4, 6)))
    assert "X" in info.value.message


# -- never another exception -----------------------------------------------------------------
TOKENS = ["x", "y", "A", "B", "a", "(", ")", "(", ")", "+", "-", "*", "@", ".*", "./", "/",
          "^", ".^", "'", ".T", "2", "0.5", "-1", "tr(", "det(", "inv(", "diag(", "sum(",
          "norm2(", "norm1(", "kron(", "vec(", "exp(", "log(", "logsumexp(", "softmax(",
          "logdet(", ",", "||", "_F", "eye", "vector(1)", "matrix(2)", "$", " "]


@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=12),
       st.sampled_from(["x", "y", "A", "a"]), st.sampled_from([1, 2]))
def test_any_token_soup_gives_a_result_or_a_matdiff_error(tokens, wrt, order):
    text = "".join(tokens)
    try:
        d = md.derivative(text, wrt=wrt, order=order)
    except md.MatdiffError as error:
        assert error.message, f"{text!r}: an error without a message"
        if error.position is not None:
            assert 0 <= error.position <= len(text), f"{text!r}: position {error.position}"
        return
    assert isinstance(str(d), str)
