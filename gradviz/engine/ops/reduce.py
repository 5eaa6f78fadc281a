"""Reductions: reduce_sum, reduce_mean, reduce_max (TensorFlow's `_SumGrad`, `_MeanGrad`,
`_MinOrMaxGrad`: ties in reduce_max share the gradient equally)."""

import numpy as np

from .. import dtypes
from ..dtypes import as_array
from ..graph import Tensor
from ..shape import TensorShape
from ..validate import check_axis
from .array import BroadcastLike, Cast, Equal, ExpandDims
from .registry import register_op


def reduced_shape(x, *, axis, keepdims):
    if x.dims is None:
        return TensorShape(None)
    axes = range(len(x.dims)) if axis is None else axis
    for a in axes:
        if not -len(x.dims) <= a < len(x.dims):  # a scalar has no axis to reduce
            raise ValueError(f"Invalid reduction dimension {a} for input with {len(x.dims)} dims")
    kept = {a % max(len(x.dims), 1) for a in axes}
    if keepdims:
        return TensorShape([1 if i in kept else d for i, d in enumerate(x.dims)])
    return TensorShape([d for i, d in enumerate(x.dims) if i not in kept])


def _kept(grad, op):
    """The upstream grad with the reduced axes put back as size-1 dims, ready to broadcast."""
    x = op.inputs[0]
    axis, keepdims = op.attrs["axis"], op.attrs["keepdims"]
    if keepdims or axis is None:
        return grad
    if x.shape.rank is None:  # numpy reads negative axes against the result's rank: x's rank
        return ExpandDims(grad, axes=axis)
    return ExpandDims(grad, axes=tuple(sorted(a % x.shape.rank for a in axis)))


def accurate_sum(x, axis, keepdims):
    """np.sum of `x` over `axis`, accurate to the rounding of x's dtype along every axis.

    numpy sums pairwise (error ~ log n) only along the contiguous last axis; along any other axis
    it adds one row after another, and the error of a float32 sum grows with the number of rows
    (1e-5 relative over 5,000,000 rows). Such sums of float16/float32 accumulate in float64 and
    come back in float64 (the caller rounds once). Contiguous sums along the last axis, sums over
    all axes and those of few rows take numpy's own path, at numpy's speed.
    """
    if x.dtype.kind != "f" or x.dtype.itemsize > 4 or _pairwise(x, axis):
        # np.sum's own work, without its Python dispatch layer (a third of a small sum's time)
        return np.add.reduce(x, axis=axis, dtype=x.dtype, keepdims=keepdims)
    return np.add.reduce(x, axis=axis, dtype=np.float64, keepdims=keepdims)


_FEW_ROWS = 8  # up to this many terms per output along the slow axes, plain adding is as exact


def _pairwise(x, axis):
    """True if numpy's float32 sum over `axis` is already pairwise (or too short to matter)."""
    if x.ndim <= 1 or x.size <= _FEW_ROWS:
        return True
    if not x.flags.c_contiguous:
        return False
    last = x.ndim - 1
    axes = set(range(x.ndim)) if axis is None else {a % x.ndim for a in axis}
    if len(axes) == x.ndim:
        return True  # all of a contiguous array: one pairwise sum over its memory
    rows = 1
    for a in axes:
        if a != last:
            rows *= x.shape[a]
    return rows <= _FEW_ROWS


def _count(shape, axis):
    """How many entries each output of a reduction over `axis` summarizes."""
    count = 1
    for a in range(len(shape)) if axis is None else axis:
        count *= shape[a]
    return count


@register_op("Sum", label="Σ", partials=("1",))
class Sum:
    shape = reduced_shape

    def forward(x, *, axis=None, keepdims=False):
        total = accurate_sum(x, axis, keepdims)
        return total if total.dtype == x.dtype else total.astype(x.dtype)

    def gradient(op, grad):
        return [BroadcastLike(_kept(grad, op), op.inputs[0])]


@register_op("Mean", label="mean", partials=("1/n",))
class Mean:
    shape = reduced_shape

    def forward(x, *, axis=None, keepdims=False):
        if x.dtype.kind != "f":  # integers: the mean truncated, as in TensorFlow
            return np.mean(x, axis=axis, keepdims=keepdims).astype(x.dtype, copy=False)
        count = _count(x.shape, axis)
        with np.errstate(invalid="ignore", divide="ignore"):  # an empty mean is NaN, as numpy's
            mean = accurate_sum(x, axis, keepdims) / (count if count else np.nan)
        return mean.astype(x.dtype, copy=False)

    def gradient(op, grad):
        x = op.inputs[0]
        count = ReducedCount(x, axis=op.attrs["axis"])
        return [BroadcastLike(_kept(grad, op), x) / count]


@register_op("ReducedCount", label="n", no_gradient="count", shape_only=(0,))
class ReducedCount:
    """How many elements each output of a reduction over `axis` summarizes, in x's dtype."""

    def forward(x, *, axis=None):
        axes = range(np.ndim(x)) if axis is None else axis
        return np.asarray(np.prod([np.shape(x)[a] for a in axes]), dtype=x.dtype)

    def shape(x, *, axis=None):
        return TensorShape([])


@register_op("Max", label="max", partials=("[x = max] / #ties",))
class Max:
    shape = reduced_shape

    def forward(x, *, axis=None, keepdims=False):
        return np.max(x, axis=axis, keepdims=keepdims)

    def gradient(op, grad):
        x = op.inputs[0]
        y = _kept(op.outputs[0], op)
        indicators = Cast(Equal(y, x), dtype=grad.dtype)
        num_selected = Sum(indicators, axis=op.attrs["axis"], keepdims=True)
        return [indicators / num_selected * _kept(grad, op)]


def _axis(axis, x):
    """`axis` as a tuple; an axis named twice ([1, -1] of a matrix) counts once, as in TensorFlow
    (numpy would reject it)."""
    axes = check_axis(axis)
    if axes is None:
        return None
    rank = x.shape.rank if isinstance(x, Tensor) else as_array(x, "input_tensor").ndim
    if rank is None or not all(-rank <= a < rank for a in axes):
        return axes  # unknown rank, or an invalid axis that the shape rule reports
    unique = tuple(dict.fromkeys(a % rank for a in axes))
    return axes if len(unique) == len(axes) else unique


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    """Sum over `axis` (all axes if None): ``gv.reduce_sum(x, 1, keepdims=True)``."""
    return Sum(input_tensor, axis=_axis(axis, input_tensor), keepdims=bool(keepdims), name=name)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    """Mean over `axis` (all axes if None); integer tensors truncate, as in TensorFlow."""
    return Mean(input_tensor, axis=_axis(axis, input_tensor), keepdims=bool(keepdims), name=name)


def reduce_max(input_tensor, axis=None, keepdims=False, name=None):
    """Max over `axis`; tied maxima share the gradient equally."""
    return Max(input_tensor, axis=_axis(axis, input_tensor), keepdims=bool(keepdims), name=name)


__all__ = ["reduce_sum", "reduce_mean", "reduce_max", "dtypes"]
