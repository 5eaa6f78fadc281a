"""The ops under TensorFlow's public names (``gv.multiply``, ``gv.reduce_sum``, ``gv.nn.relu``)."""

import numpy as np

from .. import validate
from ..dtypes import as_dtype
from ..graph import Tensor
from . import array, custom, math, nn, reduce, state  # noqa: F401  (registers every op)
from .array import AddN, Cast, Identity, Reshape, StopGradient, Take, Transpose, Where
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


def matmul(a, b, transpose_a=False, transpose_b=False, name=None):
    """Matrix product of two rank-2 tensors: ``gv.matmul(X, W)`` or ``X @ W``."""
    return MatMul(a, b, transpose_a=bool(transpose_a), transpose_b=bool(transpose_b), name=name)


def reshape(tensor, shape, name=None):
    """`tensor` with a new static `shape` (one entry may be -1)."""
    dims = validate.check_shape(shape, allow_unknown=False, allow_infer=True)
    return Reshape(tensor, shape=dims, name=name)


def transpose(a, perm=None, name=None):
    """Permute dimensions; reverses them when `perm` is None."""
    if perm is None:
        # The rank without converting a Python value first: a rejected call adds no Const.
        rank = a.shape.rank if isinstance(a, Tensor) else np.ndim(a)
        if rank is None:
            raise ValueError(f"transpose of '{a.name}' needs perm: its rank is unknown")
        perm = list(range(rank - 1, -1, -1))
    return Transpose(a, perm=validate.check_axis(perm, "perm"), name=name)


def add_n(inputs, name=None):
    """Sum of a list of tensors of one shape and dtype."""
    if not isinstance(inputs, list | tuple) or not inputs:
        raise ValueError(
            f"add_n: inputs must be a non-empty list of tensors, got {validate.describe(inputs)}"
        )
    return AddN(list(inputs), name=name)


def stop_gradient(input, name=None):  # noqa: A002 (TensorFlow's argument name)
    """The value of `input`, but no gradient flows back through it."""
    return StopGradient(input, name=name)


def cast(x, dtype, name=None):
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
    Tensor.__getitem__ = _getitem


def _getitem(tensor, index):
    if not isinstance(index, int | np.integer) or isinstance(index, bool | np.bool_):
        raise TypeError(
            f"Tensor '{tensor.name}' can be indexed by a single integer only, "
            f"got {type(index).__name__} {index!r}"
        )
    return Take(tensor, index=int(index), name="strided_slice")


_install_operators()
