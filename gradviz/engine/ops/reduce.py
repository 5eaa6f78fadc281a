"""Reductions: reduce_sum, reduce_mean, reduce_max (TensorFlow's `_SumGrad`, `_MeanGrad`,
`_MinOrMaxGrad`: ties in reduce_max share the gradient equally)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import dtypes
from ..dtypes import as_array
from ..graph import Tensor
from ..hints import TensorLike
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


@register_op(
    "Sum",
    label="Σ",
    partials=("1",),
    rule="sum rule",
    hint="{label} copies the upstream grad {upstream} to every entry of {input} that it added up",
)
class Sum:
    shape = reduced_shape

    def forward(x, *, axis=None, keepdims=False):
        total = accurate_sum(x, axis, keepdims)
        return total if total.dtype == x.dtype else total.astype(x.dtype)

    def gradient(op, grad):
        return [BroadcastLike(_kept(grad, op), op.inputs[0])]


@register_op(
    "Mean",
    label="mean",
    partials=("1/n",),
    rule="mean rule",
    hint="{label} shares the upstream grad {upstream} evenly: every entry of {input} gets it "
    "divided by the number of entries averaged",
)
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


def _min_or_max_gradient(op, grad):
    """TensorFlow's _MinOrMaxGrad: tied extremes share the gradient equally."""
    x = op.inputs[0]
    y = _kept(op.outputs[0], op)
    indicators = Cast(Equal(y, x), dtype=grad.dtype)
    num_selected = Sum(indicators, axis=op.attrs["axis"], keepdims=True)
    return [indicators / num_selected * _kept(grad, op)]


@register_op("Max", label="max", partials=("[x = max] / #ties",))
class Max:
    shape = reduced_shape
    gradient = _min_or_max_gradient

    def forward(x, *, axis=None, keepdims=False):
        return np.max(x, axis=axis, keepdims=keepdims)


@register_op("Min", label="min", partials=("[x = min] / #ties",))
class Min:
    shape = reduced_shape
    gradient = _min_or_max_gradient

    def forward(x, *, axis=None, keepdims=False):
        return np.min(x, axis=axis, keepdims=keepdims)


@register_op("Prod", label="Π", partials=("Π of the others",))
class Prod:
    shape = reduced_shape

    def forward(x, *, axis=None, keepdims=False):
        return np.multiply.reduce(x, axis=axis, dtype=x.dtype, keepdims=keepdims)

    def gradient(op, grad):
        x = op.inputs[0]
        others = ProdOthers(x, axis=op.attrs["axis"])
        return [BroadcastLike(_kept(grad, op), x) * others]


@register_op("ProdOthers", label="Π others", no_gradient="reduce_prod's second derivative")
class ProdOthers:
    """For each entry, the product of the other entries of its reduction: exclusive products
    from the left times those from the right (TensorFlow's way, exact when an entry is 0)."""

    def forward(x, *, axis=None):
        axes = tuple(range(x.ndim)) if axis is None else tuple(a % x.ndim for a in axis)
        rest = tuple(a for a in range(x.ndim) if a not in axes)
        moved = np.transpose(x, axes + rest)
        flat = moved.reshape((-1, *moved.shape[len(axes) :]))
        ones = np.ones_like(flat[:1])
        left = np.cumprod(np.concatenate([ones, flat[:-1]]), axis=0)
        right = np.cumprod(np.concatenate([ones, flat[:0:-1]]), axis=0)[::-1]
        return np.transpose((left * right).reshape(moved.shape), np.argsort(axes + rest))


@register_op("Any", label="any", no_gradient="logic", kinds="b")
class Any:
    shape = reduced_shape

    def forward(x, *, axis=None, keepdims=False):
        return np.any(x, axis=axis, keepdims=keepdims)


@register_op("All", label="all", no_gradient="logic", kinds="b")
class All:
    shape = reduced_shape

    def forward(x, *, axis=None, keepdims=False):
        return np.all(x, axis=axis, keepdims=keepdims)


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


def _reduction(op, input_tensor, axis, keepdims, name, reduction_indices, keep_dims):
    """TensorFlow 1.x's old keywords too: reduction_indices= for axis, keep_dims= for keepdims."""
    if reduction_indices is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'axis' and 'reduction_indices'")
        axis = reduction_indices
    if keep_dims is not None:
        keepdims = keep_dims
    if isinstance(axis, Tensor):
        raise TypeError(f"{op.type}: axis must be an int or a list of ints, not a tensor")
    return op(input_tensor, axis=_axis(axis, input_tensor), keepdims=bool(keepdims), name=name)


def reduce_sum(
    input_tensor: TensorLike,
    axis: int | Sequence[int] | None = None,
    keepdims: bool = False,
    name: str | None = None,
    reduction_indices: int | Sequence[int] | None = None,
    keep_dims: bool | None = None,
) -> Tensor:
    """Sum over `axis` (all axes if None): ``gv.reduce_sum(x, 1, keepdims=True)``."""
    return _reduction(Sum, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_mean(
    input_tensor: TensorLike,
    axis: int | Sequence[int] | None = None,
    keepdims: bool = False,
    name: str | None = None,
    reduction_indices: int | Sequence[int] | None = None,
    keep_dims: bool | None = None,
) -> Tensor:
    """Mean over `axis` (all axes if None); integer tensors truncate, as in TensorFlow."""
    return _reduction(Mean, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_max(
    input_tensor: TensorLike,
    axis: int | Sequence[int] | None = None,
    keepdims: bool = False,
    name: str | None = None,
    reduction_indices: int | Sequence[int] | None = None,
    keep_dims: bool | None = None,
) -> Tensor:
    """Max over `axis`; tied maxima share the gradient equally."""
    return _reduction(Max, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_min(
    input_tensor, axis=None, keepdims=False, name=None, reduction_indices=None, keep_dims=None
):
    """Min over `axis`; tied minima share the gradient equally."""
    return _reduction(Min, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_prod(
    input_tensor, axis=None, keepdims=False, name=None, reduction_indices=None, keep_dims=None
):
    """Product over `axis`; the gradient is exact where entries are 0."""
    return _reduction(Prod, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_any(
    input_tensor, axis=None, keepdims=False, name=None, reduction_indices=None, keep_dims=None
):
    return _reduction(Any, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_all(
    input_tensor, axis=None, keepdims=False, name=None, reduction_indices=None, keep_dims=None
):
    return _reduction(All, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


__all__ = ["reduce_sum", "reduce_mean", "reduce_max", "dtypes"]
