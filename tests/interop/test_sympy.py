"""The SymPy bridge: SymPy matrix expressions in (``md.from_sympy``) and out (``.to_sympy()``).

Out and back in, every Matrix Cookbook identity (``tests/calculus/test_cookbook.py``) keeps its
value and its derivative's value, and every derivative in matrix form does too; what SymPy
cannot hold is refused with the reason.  Into matdiff, SymPy's classes read as the textbook
writes them, and the derivative comes back as SymPy.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import sympy as sp

import matdiff as md
import numeric as nu
from matdiff.interop.sympy_out import SYMPY_RULES, UNTRANSLATABLE
from matdiff.ir import Op

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "calculus"))
import test_cookbook as cookbook  # noqa: E402

n, m, k = sp.symbols("n m k")
X, A = sp.MatrixSymbol("X", n, n), sp.MatrixSymbol("A", n, n)
D, W, Y = sp.MatrixSymbol("D", m, k), sp.MatrixSymbol("W", k, n), sp.MatrixSymbol("Y", m, n)
x = sp.MatrixSymbol("x", n, 1)
a = sp.Symbol("a")


def test_every_op_is_translated_or_refused_with_a_reason():
    assert set(SYMPY_RULES) | set(UNTRANSLATABLE) == set(Op)
    assert not set(SYMPY_RULES) & set(UNTRANSLATABLE)


@pytest.mark.parametrize("expr, text, shape", [
    (sp.Trace(A * X), "tr(A*X)", ()),
    (x.T * A * x, "x'*A*x", ()),
    (sp.log(sp.Determinant(X)), "log(det(X))", ()),
    (sp.Inverse(X) * x, "inv(X)*x", ("n",)),
    (X**-2, "inv(X)^2", ("n", "n")),
    (X**3 + a * A, "a*A + X^3", ("n", "n")),
    (sp.hadamard_product(X, A), "A.*X", ("n", "n")),
    (sp.HadamardPower(X, 3), "X.^3", ("n", "n")),
    (sp.KroneckerProduct(D, X), "kron(D, X)", ("m*n", "k*n")),
    (X.applyfunc(sp.exp), "exp(X)", ("n", "n")),
    (x.applyfunc(lambda t: 1 / (1 + sp.exp(-t))), "1./(1 + exp(-x))", ("n",)),
    (sp.exp(sp.Trace(X)) * sp.Trace(A), "tr(A)*exp(tr(X))", ()),
    (sp.DiagMatrix(x) + sp.Identity(n), "diag(x) + eye", ("n", "n")),
    (sp.DiagonalOf(X), "diag(X)", ("n",)),
    (sp.Rational(1, 2) * sp.Trace(X.T * X), "0.5*tr(X'*X)", ()),
    (sp.Max(0, a), "relu(a)", ()),
])
def test_sympy_classes_read_as_the_textbook_writes_them(expr, text, shape):
    e = md.from_sympy(expr)
    assert str(e).replace(" ", "") == text.replace(" ", "")
    assert e.shape == shape


def test_the_shapes_come_from_sympy_and_kinds_from_vars():
    e = md.from_sympy(x.T * A * x, vars={"A": "symmetric"})
    assert e.variables == {"x": {"kind": "vector", "shape": ("n",)},
                           "A": {"kind": "symmetric", "shape": ("n", "n")}}
    assert str(md.derivative(e, wrt="x")) == "2*A*x"
    fixed = md.from_sympy(sp.MatrixSymbol("B", 3, 2).T * sp.MatrixSymbol("v", 3, 1))
    assert fixed.shape == (2,)


def test_a_sympy_gradient_comes_back_as_sympy():
    d = md.derivative(md.from_sympy(sp.Rational(1, 2) * sp.Trace((D * W - Y).T * (D * W - Y))),
                      wrt="W")
    assert d.to_sympy() == D.T * (D * W - Y)
    assert md.derivative(md.from_sympy(x.T * A * x), wrt="x").to_sympy() == (A + A.T) * x
    assert md.derivative(md.from_sympy(sp.log(sp.Determinant(X))), wrt="X").to_sympy() \
        == sp.Transpose(sp.Inverse(X))


def test_a_scalar_that_sympy_holds_as_a_1x1_matrix_is_its_one_entry():
    out = md.parse("log(x'*x) + a", vars={"x": ("n",)}).to_sympy()
    assert isinstance(out, sp.Expr) and not isinstance(out, sp.MatrixExpr)
    assert str(out) == "a + log((x.T*x)[0, 0])"
    assert str(md.from_sympy(out)) == "a + log(x'*x)"


@pytest.mark.parametrize("expr, names", [
    (sp.MatrixSymbol("r", 1, n), "one row"),
    (sp.MatrixSymbol("X", n + 1, n), "neither a number nor a symbol"),
    (sp.gamma(a), "gamma"),
    (sp.I * a, "ImaginaryUnit"),
    (X[0, 1], "entry X[0, 1]"),
    (sp.MatPow(X, sp.Rational(1, 2)), "not an integer"),
])
def test_what_matdiff_cannot_read_is_named(expr, names):
    with pytest.raises(md.UnsupportedError) as caught:
        md.from_sympy(expr)
    assert names in str(caught.value)


@pytest.mark.parametrize("text, vars, names", [
    ("vec(X)", None, "vec (SymPy's matrix expressions cannot stack columns)"),
    ("A*B", None, "a tensor in index form (SymPy's matrix expressions have two axes)"),
])
def test_what_sympy_cannot_hold_is_named(text, vars, names):
    e = md.parse(text, vars)
    result = md.derivative(e, wrt="A") if text == "A*B" else e
    with pytest.raises(md.UnsupportedError) as caught:
        result.to_sympy()
    assert str(caught.value) == f"cannot translate into SymPy: {names}"


def test_bad_arguments_are_argument_errors():
    with pytest.raises(md.ArgumentError, match="takes a SymPy expression"):
        md.from_sympy("tr(X)")
    with pytest.raises(md.ArgumentError, match="cannot be symmetric: it is not square"):
        md.from_sympy(sp.Trace(D.T * D), vars={"D": "symmetric"})
    with pytest.raises(md.ArgumentError, match="unknown kind 'simetric'"):
        md.from_sympy(sp.Trace(X), vars={"X": "simetric"})
    with pytest.raises(md.ArgumentError, match="takes kinds"):
        md.from_sympy(sp.Trace(X), vars={"X": ("n", "n")})


# -- the Matrix Cookbook, out to SymPy and back ------------------------------------------------

def _kinds(case) -> dict[str, str]:
    out = {}
    for name, decl in case.vars.items():
        if isinstance(decl, str):
            out[name] = decl
        elif isinstance(decl, dict) and "kind" in decl:
            out[name] = decl["kind"]
    return {k: v for k, v in out.items() if v in ("symmetric", "spd")}


def _agree(got: md.Expression | md.Derivative, want, arrays: dict, what: str) -> None:
    """Equal values at the identity's arrays; where a size is fixed by no variable left
    (``tr(A)*eye``: the size of ``eye`` was ``X``'s), the same text."""
    used = {name: arrays[name] for name in want.variables}
    try:
        value = got.evaluate(**{name: used[name] for name in got.variables})
    except md.UnsupportedError as error:
        assert "sizes fixed by no variable" in str(error)
        assert str(got) == str(want), what
        return
    nu.assert_close(value, want.evaluate(**used), rtol=1e-9, what=what)


# Identities whose expression has a part SymPy's matrix expressions cannot hold.
NOT_IN_SYMPY = {"vec", "an element-wise power whose base and exponent are both arrays",
                "a matrix function such as expm", "the Fréchet derivative"}


@pytest.mark.parametrize("case", cookbook.CASES)
def test_cookbook_identities_round_trip_through_sympy(case):
    e = md.parse(case.expr, case.vars)
    try:
        out = e.to_sympy()
    except md.UnsupportedError as error:
        assert any(reason in str(error) for reason in NOT_IN_SYMPY), str(error)
        return
    back = md.from_sympy(out, vars=_kinds(case))
    arrays = cookbook._arrays(case)
    _agree(back, e, arrays, f"{case.expr} -> {out} -> {back}")
    d = md.derivative(e, wrt=case.wrt, order=case.order, layout=case.layout)
    d_back = md.derivative(back, wrt=case.wrt, order=case.order, layout=case.layout)
    _agree(d_back, d, arrays, f"derivative of {back}")
    if d.in_matrix_form and "vec(" not in str(d):
        _agree(md.from_sympy(d.to_sympy(), vars=_kinds(case)), d, arrays,
               f"{d} -> {d.to_sympy()}")


def test_most_cookbook_identities_translate():
    translated = 0
    for case in cookbook.IDENTITIES:
        try:
            md.parse(case.expr, case.vars).to_sympy()
            translated += 1
        except md.UnsupportedError:
            pass
    assert translated >= 0.85 * len(cookbook.IDENTITIES)
