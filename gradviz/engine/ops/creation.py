"""Tensors made from a shape: zeros, ones, fill, range, linspace, eye, zeros_like, ones_like.

A static shape makes a constant (TensorFlow folds these into a Const too); the shape of another
tensor, ``tf.zeros(tf.shape(x))``, makes ZerosLike/OnesLike of that tensor, which the session
folds once the shape is known.
"""

import numpy as np

from .. import dtypes
from ..graph import Tensor
from ..shape import TensorShape
from .array import Cast, OnesLike, ZerosLike
from .registry import apply_op, register_op
from .state import constant


def _dims(shape, what):
    try:
        dims = [shape] if isinstance(shape, int | np.integer) else list(shape)
        dims = [int(d) for d in dims]
    except (TypeError, ValueError):
        raise TypeError(f"{what}: shape must be a list of ints or tf.shape(t), got {shape!r}") from None
    if any(d < 0 for d in dims):
        raise ValueError(f"{what}: shape {dims} has a negative dimension")
    return dims


def _like_shape_of(shape):
    """The tensor whose shape `shape` is, when `shape` is ``tf.shape(t)``; else None."""
    if isinstance(shape, Tensor):
        if shape.op.type != "Shape":
            raise TypeError(f"a shape tensor must be tf.shape(t), got '{shape.name}'")
        return shape.op.inputs[0]
    return None


def _filled(shape, dtype, value, name, like_op):
    dtype = dtypes.as_dtype(dtype)
    like = _like_shape_of(shape)
    if like is not None:
        made = like_op(like, name=name)
        return made if like.dtype == dtype else Cast(made, dtype=dtype, name=name)
    return constant(np.full(_dims(shape, name), value, dtype=dtype), name=name)


def zeros(shape, dtype=dtypes.float32, name=None):
    """A tensor of zeros: ``tf.zeros([10])``, ``tf.zeros(tf.shape(x))``."""
    return _filled(shape, dtype, 0, name or "zeros", ZerosLike)


def ones(shape, dtype=dtypes.float32, name=None):
    """A tensor of ones."""
    return _filled(shape, dtype, 1, name or "ones", OnesLike)


def zeros_like(tensor, dtype=None, name=None, optimize=True):
    """Zeros with the shape (and dtype, unless given) of `tensor`."""
    out = ZerosLike(tensor, name=name or "zeros_like")
    return out if dtype is None or dtypes.as_dtype(dtype) == out.dtype else Cast(out, dtype=dtype)


def ones_like(tensor, dtype=None, name=None, optimize=True):
    """Ones with the shape (and dtype, unless given) of `tensor`."""
    out = OnesLike(tensor, name=name or "ones_like")
    return out if dtype is None or dtypes.as_dtype(dtype) == out.dtype else Cast(out, dtype=dtype)


@register_op("Fill", label="fill", partials=("Σ",))
class Fill:
    """`value` (a scalar) repeated to a static shape; its gradient sums (TensorFlow's _FillGrad)."""

    def forward(value, *, dims):
        return np.full(dims, value, dtype=value.dtype)

    def shape(value, *, dims):
        if value.rank not in (None, 0):
            raise ValueError(f"fill: value must be a scalar, got shape {value}")
        return TensorShape(dims)

    def gradient(op, grad):
        from .reduce import Sum

        return [Sum(grad, axis=None, keepdims=False)]


def fill(dims, value, name=None):
    """``tf.fill([2, 3], 9)``: a tensor of one value; `value` may be a tensor."""
    like = _like_shape_of(dims)
    if like is not None:
        return apply_op("BroadcastLike", [value, ZerosLike(like)], name=name or "Fill")
    return Fill(value, dims=tuple(_dims(dims, "fill")), name=name or "Fill")


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001 (TensorFlow's name)
    """``tf.range(5)`` = [0, 1, 2, 3, 4]; int32 for ints, float32 for floats, as TensorFlow."""
    if limit is None:
        start, limit = 0, start
    for what, v in (("start", start), ("limit", limit), ("delta", delta)):
        if isinstance(v, Tensor) or not isinstance(v, int | float | np.number):
            raise TypeError(f"range: {what} must be a Python number, got {v!r}")
    if delta == 0:
        raise ValueError("range: delta must not be 0")
    values = np.arange(start, limit, delta)
    dtype = dtype or (dtypes.float32 if values.dtype.kind == "f" else dtypes.int32)
    return constant(values.astype(dtypes.as_dtype(dtype)), name=name)


def linspace(start, stop, num, name=None):
    """`num` evenly spaced float32 values from `start` to `stop`, both included."""
    if not isinstance(num, int | np.integer) or num < 1:
        raise ValueError(f"linspace: num must be a positive int, got {num!r}")
    return constant(np.linspace(start, stop, int(num), dtype=np.float32), name=name or "LinSpace")


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    """The identity matrix (a batch of them with `batch_shape`)."""
    for what, v in (("num_rows", num_rows), ("num_columns", num_columns)):
        if v is not None and (not isinstance(v, int | np.integer) or v < 0):
            raise ValueError(f"eye: {what} must be a non-negative int, got {v!r}")
    matrix = np.eye(num_rows, num_columns, dtype=dtypes.as_dtype(dtype))
    if batch_shape is not None:
        matrix = np.broadcast_to(matrix, (*_dims(batch_shape, "eye"), *matrix.shape)).copy()
    return constant(matrix, name=name or "eye")
