"""The closed set of operations of matdiff's IR, and which of them are leaves.

The bottom of the IR: :mod:`.shape_rules`, :mod:`.nodes` and :mod:`.vocabulary` read
:class:`Op`, and every per-op table of the other layers is keyed by it (a test fails when an
op is missing from one).
"""

from __future__ import annotations

from enum import Enum

__all__ = ["Op", "LEAVES"]


class Op(Enum):
    """The closed set of operations."""

    VAR = "var"  # attrs: (name, kind); kind in "", "symmetric", "spd"
    DIFF = "diff"  # args: (var,); the differential dX of a variable
    CONST = "const"  # attrs: (value,); a scalar number
    EYE = "eye"  # identity matrix, shape (n, n)
    FILL = "fill"  # attrs: (value,); constant-filled array of the node's shape
    FUSE = "fuse"  # 0/1 tensor of shape (p*q, p, q): F[i*q + j, i, j] = 1 (vec, kron)
    ADD = "add"  # n-ary sum; scalars broadcast
    NEG = "neg"
    SCALE = "scale"  # (scalar, any)
    MATMUL = "matmul"  # matrix product; vectors are columns
    HADAMARD = "hadamard"  # element-wise product
    DIV = "div"  # element-wise quotient; scalars broadcast
    POW = "pow"  # element-wise power (base, exponent)
    MATPOW = "matpow"  # attrs: (k,); integer matrix power
    TRANSPOSE = "transpose"
    TRACE = "trace"
    DET = "det"
    LOGDET = "logdet"
    INV = "inv"
    DIAGM = "diagm"  # vector -> diagonal matrix
    DIAGV = "diagv"  # matrix -> vector of its diagonal
    VEC = "vec"  # columns stacked
    SUM = "sum"  # sum of all entries
    KRON = "kron"
    NORM2 = "norm2"  # Euclidean / Frobenius norm
    NORM1 = "norm1"  # sum of absolute values
    FUNC = "func"  # attrs: (name,); element-wise function
    LOGSUMEXP = "logsumexp"
    SOFTMAX = "softmax"
    EINSUM = "einsum"  # attrs: (input specs, output spec); '_' marks a size-1 axis
    MATFUNC = "matfunc"  # attrs: (name,); a matrix function (expm, logm, sqrtm) of a square X
    FRECHET = "frechet"  # attrs: (name,); args (X, E1, …, Ek): the k-th Fréchet derivative of
    # the matrix function at X in the directions E1 … Ek; a direction may carry trailing axes
    # (one derivative per index: the derivative tensor of index form), the result's in order

    __hash__ = object.__hash__  # members are singletons: identity hashing, at C speed


LEAVES = frozenset({Op.VAR, Op.DIFF, Op.CONST, Op.EYE, Op.FILL, Op.FUSE})

