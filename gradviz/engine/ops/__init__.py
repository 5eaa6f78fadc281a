"""The ops under TensorFlow's public names (``gv.multiply``, ``gv.reduce_sum``, ``gv.nn.relu``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import validate
from ..dtypes import as_dtype
from ..graph import Tensor
from ..hints import DTypeLike, ShapeLike, TensorLike
from . import (  # noqa: F401  (registers every op)
    array,
    compare,
    creation,
    custom,
    elementwise,
    indexing,
    linalg,
    math,
    mathfns,
    nn,
    random,
    reduce,
    shaping,
    state,
)
from .array import AddN, Cast, Identity, Reshape, StopGradient, Transpose, Where
from .math import (
    Abs,
    Add,
    Cos,
    Exp,
    Log,
    MatMul,
    Maximum,
    Minimum,
    Mul,
    Neg,
    Pow,
    RealDiv,
    Relu,
    Sigmoid,
    Sin,
    Sqrt,
    Square,
    Sub,
    Tanh,
    truediv,
)
from .reduce import reduce_max, reduce_mean, reduce_sum

add, subtract, multiply, divide, negative = Add, Sub, Mul, truediv, Neg
pow, square, sqrt, exp, log, abs = Pow, Square, Sqrt, Exp, Log, Abs  # noqa: A001
sin, cos, tanh, sigmoid, relu = Sin, Cos, Tanh, Sigmoid, Relu
maximum, minimum, identity, where = Maximum, Minimum, Identity, Where


def matmul(
    a: TensorLike,
    b: TensorLike,
    transpose_a: bool = False,
    transpose_b: bool = False,
    adjoint_a: bool = False,
    adjoint_b: bool = False,
    name: str | None = None,
    **unused: object,
) -> Tensor:
    """Matrix product: ``gv.matmul(X, W)`` or ``X @ W``; tensors of rank 3 or more multiply
    their last two dimensions, batch dimensions broadcast (BatchMatMulV2)."""
    ta, tb = bool(transpose_a or adjoint_a), bool(transpose_b or adjoint_b)
    ranks = [t.shape.rank if isinstance(t, Tensor) else np.ndim(t) for t in (a, b)]
    if any(r is not None and r > 2 for r in ranks):
        return linalg.BatchMatMul(a, b, adj_x=ta, adj_y=tb, name=name or "MatMul")
    return MatMul(a, b, transpose_a=ta, transpose_b=tb, name=name)


def reshape(tensor: TensorLike, shape: ShapeLike | Tensor, name: str | None = None) -> Tensor:
    """`tensor` with a new static `shape` (one entry may be -1)."""
    dims = validate.check_shape(shape, allow_unknown=False, allow_infer=True)
    return Reshape(tensor, shape=dims, name=name)


def transpose(a: TensorLike, perm: Sequence[int] | None = None, name: str | None = None) -> Tensor:
    """Permute dimensions; reverses them when `perm` is None."""
    if perm is None:
        # The rank without converting a Python value first: a rejected call adds no Const.
        rank = a.shape.rank if isinstance(a, Tensor) else np.ndim(a)
        if rank is None:
            raise ValueError(f"transpose of '{a.name}' needs perm: its rank is unknown")
        perm = list(range(rank - 1, -1, -1))
    return Transpose(a, perm=validate.check_axis(perm, "perm"), name=name)


def add_n(inputs: Sequence[TensorLike], name: str | None = None) -> Tensor:
    """Sum of a list of tensors of one shape and dtype."""
    if not isinstance(inputs, list | tuple) or not inputs:
        raise ValueError(
            f"add_n: inputs must be a non-empty list of tensors, got {validate.describe(inputs)}"
        )
    return AddN(list(inputs), name=name)


def stop_gradient(input: TensorLike, name: str | None = None) -> Tensor:  # noqa: A002 (TensorFlow's argument name)
    """The value of `input`, but no gradient flows back through it."""
    return StopGradient(input, name=name)


def cast(x: TensorLike, dtype: DTypeLike, name: str | None = None) -> Tensor:
    """`x` converted to `dtype`; gradients pass only between float dtypes."""
    if dtype is None:
        raise TypeError("cast: dtype is None; pass the dtype to cast to, such as gv.float32")
    return Cast(x, dtype=as_dtype(dtype), name=name)


softmax = nn.softmax


def _install_operators():
    """Python operators on Tensors build these ops, named as TensorFlow names them ("add", "mul",
    "truediv", ...); the ops install them, so the graph module needs no op (autograd's boxes)."""

    def binary(opdef, name):
        return (
            lambda self, other: opdef(self, other, name=name),
            lambda self, other: opdef(other, self, name=name),
        )

    for method, opdef, name in (
        ("add", Add, "add"),
        ("sub", Sub, "sub"),
        ("mul", Mul, "mul"),
        ("pow", Pow, "pow"),
        ("matmul", MatMul, "matmul"),
    ):
        forward, reflected = binary(opdef, name)
        setattr(Tensor, f"__{method}__", forward)
        setattr(Tensor, f"__r{method}__", reflected)
    Tensor.__truediv__ = lambda self, other: truediv(self, other)
    Tensor.__rtruediv__ = lambda self, other: truediv(other, self)
    Tensor.__neg__ = lambda self: Neg(self, name="Neg")
    Tensor.__abs__ = lambda self: Abs(self, name="Abs")
    Tensor.__invert__ = lambda self: compare.LogicalNot(self, name="LogicalNot")
    Tensor.__getitem__ = indexing.getitem  # Python slicing: x[:, 0], x[1:-1], x[..., None]
    Tensor.__matmul__ = lambda self, other: matmul(self, other, name="matmul")
    Tensor.__rmatmul__ = lambda self, other: matmul(other, self, name="matmul")
    # Comparisons and logic, as TensorFlow 1.x's tensors have them (== and != stay identity).
    for method, opdef, name in (
        ("lt", compare.Less, "Less"),
        ("le", math.LessEqual, "LessEqual"),
        ("gt", array.Greater, "Greater"),
        ("ge", math.GreaterEqual, "GreaterEqual"),
    ):
        setattr(Tensor, f"__{method}__", binary(opdef, name)[0])
    for method, opdef, name in (
        ("and", compare.LogicalAnd, "LogicalAnd"),
        ("or", compare.LogicalOr, "LogicalOr"),
        ("mod", elementwise.FloorMod, "mod"),
        ("floordiv", elementwise.FloorDiv, "floordiv"),
    ):
        forward, reflected = binary(opdef, name)
        setattr(Tensor, f"__{method}__", forward)
        setattr(Tensor, f"__r{method}__", reflected)


_install_operators()
