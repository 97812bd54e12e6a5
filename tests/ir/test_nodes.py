"""The IR's one node type: interned, rebuilt by one generic call, checked where it is built and
never simplified there.

Interning means structural equality is identity: two constructions of the same expression give
the same object, and a node's span (where it stood in the input) is not part of it.
``node.rebuild(node.args)`` is the node itself for every op, which is what lets one traversal
serve every pass.  A constructor that gets operands of the wrong shapes raises
:class:`ShapeError` naming the operands' shapes; one that gets the right ones builds exactly
what it was asked for (``A*I`` stays ``A*I``).
"""

from __future__ import annotations

import pytest

from matdiff.errors import ShapeError
from matdiff.ir import Op, Prod, build, dim_mul, shape_str
from op_examples import EXAMPLES, VARIABLES

OPS = list(Op)
A, B, x, a = (VARIABLES[k] for k in ("A", "B", "x", "a"))
y = build.var("y", ("m",))


# -- interning -------------------------------------------------------------------------------
def test_equal_expressions_are_the_same_object():
    first = build.add(build.matmul(build.var("A", ("n", "n")), B), build.scale(a, B))
    second = build.add(build.matmul(A, build.var("B", ("n", "m"))), build.scale(a, B))
    assert first is second
    assert build.const(2) is build.const(2.0)
    assert build.eye("n") is build.eye("n")


def test_a_different_name_shape_kind_or_attribute_is_a_different_node():
    assert build.var("A", ("n", "n")) is not build.var("A", ("m", "m"))
    assert build.var("A", ("n", "n")) is not build.var("A", ("n", "n"), kind="symmetric")
    assert build.var("A", ("n", "n")) is not build.var("C", ("n", "n"))
    assert build.func("exp", x) is not build.func("sin", x)
    assert build.matpow(A, 2) is not build.matpow(A, 3)
    assert build.matmul(A, B) is not build.matmul(A, build.neg(B))


def test_the_span_is_not_part_of_a_nodes_identity():
    first = build.var("spanned", ("n",), span=(4, 11))
    again = build.var("spanned", ("n",), span=(20, 27))
    assert again is first and again.span == (4, 11)  # the first construction keeps its span


@pytest.mark.parametrize("op", OPS, ids=[op.name for op in OPS])
def test_rebuild_over_the_same_arguments_is_the_node_itself(op):
    node = EXAMPLES[op]
    assert node.rebuild(node.args) is node
    assert node.rebuild(tuple(node.args)) is node


@pytest.mark.parametrize("op", [op for op in OPS if EXAMPLES[op].args],
                         ids=[op.name for op in OPS if EXAMPLES[op].args])
def test_rebuild_over_equal_new_arguments_is_the_node_itself(op):
    """Arguments constructed afresh are the same objects, so the rebuilt node is too."""
    node = EXAMPLES[op]
    fresh = tuple(arg.rebuild(arg.args) for arg in node.args)
    assert node.rebuild(fresh) is node


def test_rebuild_over_other_arguments_recomputes_the_shape():
    product = build.matmul(A, B)
    other = product.rebuild((build.transpose(B), build.var("M", ("n", "p"))))
    assert other.op is Op.MATMUL and other.shape == ("m", "p")
    with pytest.raises(ShapeError):
        product.rebuild((B, A))


def test_walk_lists_each_shared_node_once_children_first():
    shared = build.matmul(A, B)
    node = build.add(shared, build.neg(shared))
    order = node.walk()
    assert order == [A, B, shared, build.neg(shared), node]


# -- constructors check ----------------------------------------------------------------------
@pytest.mark.parametrize("make, message", [
    (lambda: build.matmul(B, A),
     "matmul: cannot multiply an operand (n×m) by an operand (n×n): the inner dimensions m and "
     "n differ"),
    (lambda: build.add(A, B),
     "add: cannot add an operand (n×n) and an operand (n×m): the shapes differ"),
    (lambda: build.hadamard(x, y),
     "hadamard: element-wise operation on an operand (vector of length n) and an operand "
     "(vector of length m): the shapes differ"),
    (lambda: build.matmul(x, x),
     "matmul: cannot multiply an operand (vector of length n) by an operand (vector of length "
     "n): both are column vectors (write x'*y for the inner product, x*y' for the outer one, "
     "x.*y element-wise)"),
    (lambda: build.scale(x, A),
     "scale: an operand (vector of length n) must be a scalar to scale an operand (n×n)"),
    (lambda: build.unary(Op.DET, x),
     "determinant: an operand (vector of length n) is not a square matrix"),
    (lambda: build.unary(Op.INV, B), "inverse: an operand (n×m) is not square (n×m)"),
    (lambda: build.matpow(B, 2), "matrix power: an operand (n×m) is not square (n×m)"),
    (lambda: build.unary(Op.DIAGM, A),
     "diagm: diag of an operand (n×n): a diagonal matrix is built from a vector"),
    (lambda: build.unary(Op.DIAGV, B),
     "diagv: diag of an operand (n×m): the matrix is not square (n×m)"),
    (lambda: build.unary(Op.SOFTMAX, A),
     "softmax: softmax of an operand (n×n): it takes a vector"),
    (lambda: build.power(A, x),
     "pow: power of an operand (n×n) by an operand (vector of length n): the shapes differ"),
    (lambda: build.transpose(build.fuse("n", "m")),
     "transpose: cannot transpose an operand (m*n×n×m): transpose needs a matrix or a vector"),
])
def test_a_constructor_rejects_operands_of_the_wrong_shapes(make, message):
    with pytest.raises(ShapeError) as caught:
        make()
    assert str(caught.value).splitlines()[0] == message


def test_shapes_follow_the_operands():
    assert build.matmul(build.transpose(x), A).shape == (1, "n")  # a row
    assert build.matmul(build.transpose(x), x).shape == ()  # x'*x is a scalar
    assert build.matmul(B, y).shape == ("n",)
    assert build.transpose(build.transpose(x)).shape == ("n",)
    assert build.unary(Op.VEC, B).shape == (Prod(1, ("m", "n")),)
    assert build.construct(Op.KRON, (A, B)).shape == (dim_mul("n", "n"), dim_mul("n", "m"))
    assert build.add(A, a).shape == ("n", "n")  # a scalar broadcasts
    assert build.mul(a, B).op is Op.SCALE and build.mul(B, a).op is Op.SCALE
    assert build.mul(A, B).op is Op.MATMUL


# -- constructors never simplify -------------------------------------------------------------
@pytest.mark.parametrize("make, op, args", [
    (lambda: build.matmul(A, build.eye("n")), Op.MATMUL, lambda: (A, build.eye("n"))),
    (lambda: build.add(A, build.fill(0.0, ("n", "n"))), Op.ADD,
     lambda: (A, build.fill(0.0, ("n", "n")))),
    (lambda: build.add(A, build.ZERO), Op.ADD, lambda: (A, build.ZERO)),
    (lambda: build.scale(build.ONE, B), Op.SCALE, lambda: (build.ONE, B)),
    (lambda: build.neg(build.neg(B)), Op.NEG, lambda: (build.neg(B),)),
    (lambda: build.transpose(build.transpose(B)), Op.TRANSPOSE, lambda: (build.transpose(B),)),
    (lambda: build.unary(Op.INV, build.unary(Op.INV, A)), Op.INV,
     lambda: (build.unary(Op.INV, A),)),
    (lambda: build.add(B, build.neg(B)), Op.ADD, lambda: (B, build.neg(B))),
    (lambda: build.power(x, build.ONE), Op.POW, lambda: (x, build.ONE)),
    (lambda: build.add(build.const(1), build.const(2)), Op.ADD,
     lambda: (build.const(1), build.const(2))),
])
def test_a_constructor_builds_what_it_is_asked_for(make, op, args):
    node = make()
    assert node.op is op and node.args == args()


def test_sub_is_a_sum_with_a_negated_term_and_one_term_is_itself():
    assert build.sub(A, A).args == (A, build.neg(A))
    assert build.add(A) is A


# -- dimensions ------------------------------------------------------------------------------
def test_products_of_dimensions_are_canonical():
    assert dim_mul("n", "m") == dim_mul("m", "n") == Prod(1, ("m", "n"))
    assert hash(dim_mul("n", "m")) == hash(dim_mul("m", "n"))
    assert dim_mul(2, "n", 3) == Prod(6, ("n",)) and str(dim_mul(2, "n", 3)) == "6*n"
    assert dim_mul("n") == "n" and dim_mul(2, 3) == 6 and dim_mul(dim_mul("n", "m"), "p") \
        == Prod(1, ("m", "n", "p"))


def test_shapes_read_as_people_write_them():
    assert shape_str(()) == "scalar"
    assert shape_str(("n",)) == "vector of length n"
    assert shape_str(("n", 3)) == "n×3"
    assert shape_str((dim_mul("n", "m"), "k")) == "m*n×k"
