"""Comparisons, logic and arg-reductions: no gradient passes them (TensorFlow's rule).
GreaterEqual, LessEqual, Greater and Equal live with the ops whose gradients use them."""

import operator

import numpy as np

from .. import dtypes
from ..graph import Tensor
from ..shape import TensorShape
from .array import Equal, Greater
from .math import GreaterEqual, LessEqual
from .reduce import reduced_shape
from .registry import boolean, broadcast, register_op


@register_op("Less", label="<", no_gradient="comparison")
class Less:
    shape, dtype = broadcast, boolean
    inputs = ("x", "y")
    forward = operator.lt  # numpy's x < y


@register_op("NotEqual", label="≠", no_gradient="comparison")
class NotEqual:
    shape, dtype = broadcast, boolean
    inputs = ("x", "y")
    forward = np.not_equal


@register_op("LogicalAnd", label="∧", no_gradient="logic", kinds="b")
class LogicalAnd:
    shape = broadcast
    inputs = ("x", "y")
    forward = np.logical_and


@register_op("LogicalOr", label="∨", no_gradient="logic", kinds="b")
class LogicalOr:
    shape = broadcast
    inputs = ("x", "y")
    forward = np.logical_or


@register_op("LogicalNot", label="¬", no_gradient="logic", kinds="b")
class LogicalNot:
    inputs = ("x",)
    forward = np.logical_not


def logical_xor(x, y, name="LogicalXor"):
    """(x ∨ y) ∧ ¬(x ∧ y), built as TensorFlow builds it."""
    return LogicalAnd(LogicalOr(x, y), LogicalNot(LogicalAnd(x, y)), name=name)


def _arg_shape(x, *, axis, output_type):
    return reduced_shape(x, axis=(axis,), keepdims=False)


def _arg_dtype(x, *, axis, output_type):
    return output_type


@register_op("ArgMax", label="argmax", no_gradient="integer output", kinds="fiu")
class ArgMax:
    shape, dtype = _arg_shape, _arg_dtype

    def forward(x, *, axis, output_type):
        return np.argmax(x, axis=axis).astype(output_type)


@register_op("ArgMin", label="argmin", no_gradient="integer output", kinds="fiu")
class ArgMin:
    shape, dtype = _arg_shape, _arg_dtype

    def forward(x, *, axis, output_type):
        return np.argmin(x, axis=axis).astype(output_type)


def _arg(op, input, axis, dimension, output_type, name):  # noqa: A002
    if axis is not None and dimension is not None:
        raise ValueError("Cannot specify both 'axis' and 'dimension'")
    axis = dimension if axis is None else axis
    axis = 0 if axis is None else axis
    if isinstance(axis, Tensor) or not isinstance(axis, int | np.integer):
        raise TypeError(f"{op.type}: axis must be a Python int, got {axis!r}")
    output_type = dtypes.as_dtype(output_type)
    if output_type not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"{op.type}: output_type must be int32 or int64, got {output_type.name}")
    rank = input.shape.rank if isinstance(input, Tensor) else np.ndim(input)
    if rank is not None:
        if not -rank <= axis < max(rank, 1):
            raise ValueError(f"{op.type}: axis {axis} is out of range for rank {rank}")
        axis %= max(rank, 1)
    return op(input, axis=int(axis), output_type=output_type, name=name or op.type)


def argmax(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    """Index of the largest entry along `axis` (0 by default), int64 as in TensorFlow."""
    return _arg(ArgMax, input, axis, dimension, output_type, name)


def argmin(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    return _arg(ArgMin, input, axis, dimension, output_type, name)


@register_op("InTopKV2", label="in top k", no_gradient="comparison", typed=())
class InTopK:
    """Whether targets[i] is among the k largest predictions[i] (ties count as in, as TF)."""

    def forward(predictions, targets, *, k):
        target_scores = np.take_along_axis(predictions, targets[:, None].astype(np.int64), axis=1)
        return np.sum(predictions > target_scores, axis=1) < k

    def shape(predictions, targets, *, k):
        return TensorShape([None if predictions.dims is None else predictions.dims[0]])

    def dtype(predictions, targets, *, k):
        return dtypes.bool_


def in_top_k(predictions, targets, k, name=None):
    if not isinstance(k, int | np.integer):
        raise TypeError(f"in_top_k: k must be an int, got {k!r}")
    return InTopK(predictions, targets, k=int(k), name=name or "in_top_k")


def _op(op_type, name):
    def build(x, y, name=None):
        return op_type(x, y, name=name or default)

    default = name
    build.__name__ = name
    return build


equal = _op(Equal, "Equal")
not_equal = _op(NotEqual, "NotEqual")
greater = _op(Greater, "Greater")
greater_equal = _op(GreaterEqual, "GreaterEqual")
less = _op(Less, "Less")
less_equal = _op(LessEqual, "LessEqual")
logical_and = _op(LogicalAnd, "LogicalAnd")
logical_or = _op(LogicalOr, "LogicalOr")


def logical_not(x, name=None):
    return LogicalNot(x, name=name or "LogicalNot")
