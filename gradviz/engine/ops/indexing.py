"""Indexing: Python slicing of tensors (StridedSlice), gather, boolean_mask, one_hot.

``x[1:, None, ..., -1]`` is one StridedSlice op holding the normalized index; its kernel is numpy's
basic indexing, which means what TensorFlow's strided slice means for ints, slices, None
(tf.newaxis) and Ellipsis. Each gradient writes (or adds) the upstream grad into zeros shaped like
the input (TensorFlow's StridedSliceGrad, UnsortedSegmentSum for gather), and the gradient of
that is the slice again, so second derivatives work.
"""

import builtins

import numpy as np

from .. import dtypes
from ..graph import Tensor
from ..shape import TensorShape
from .registry import like_second, register_op


def normalize_index(index):
    """A Python index as a tuple of ints, slices of ints, None and at most one Ellipsis."""
    items = index if isinstance(index, tuple) else (index,)
    out = []
    for item in items:
        if item is None or item is Ellipsis:
            out.append(item)
        elif isinstance(item, bool | np.bool_):
            raise TypeError("index: a bool is not an index (use tf.boolean_mask for masks)")
        elif isinstance(item, int | np.integer):
            out.append(int(item))
        elif isinstance(item, builtins.slice):
            out.append(builtins.slice(*(_slice_part(p) for p in (item.start, item.stop, item.step))))
        else:
            raise TypeError(
                "index: only ints, slices of ints, None (tf.newaxis) and ... index a tensor, "
                f"got {item!r}"
            )
    if out.count(Ellipsis) > 1:
        raise ValueError("index: an index can only have a single ellipsis ('...')")
    if any(isinstance(s, builtins.slice) and s.step == 0 for s in out):
        raise ValueError("index: slice step cannot be zero")
    return tuple(out)


def _slice_part(part):
    if part is None or isinstance(part, int | np.integer) and not isinstance(part, bool):
        return None if part is None else int(part)
    raise TypeError(f"index: slice bounds must be ints or None, got {part!r}")


def sliced_shape(x, *, index):
    consumed = sum(1 for i in index if i is not None and i is not Ellipsis)
    if x.dims is None:
        return TensorShape(None)
    rank = len(x.dims)
    if consumed > rank:
        raise ValueError(f"Index out of range: {consumed} indices for a tensor of rank {rank}")
    full = list(index) if Ellipsis in index else [*index, Ellipsis]
    at = full.index(Ellipsis)
    full[at : at + 1] = [builtins.slice(None)] * (rank - consumed)
    dims, k = [], 0
    for item in full:
        if item is None:
            dims.append(1)
            continue
        d = x.dims[k]
        if isinstance(item, int):
            if d is not None and not -d <= item < d:
                raise ValueError(f"slice index {item} of dimension {k} out of bounds (size {d})")
        else:
            dims.append(None if d is None else len(range(*item.indices(d))))
        k += 1
    return TensorShape(dims)


@register_op("StridedSlice", label="[…]", partials=("1 on the slice",), aliasing=True)
class StridedSlice:
    """``x[index]`` with numpy's basic indexing (a view: no copy)."""

    shape = sliced_shape

    def forward(x, *, index):
        return x[index]

    def gradient(op, grad):
        return [StridedSliceGrad(grad, op.inputs[0], index=op.attrs["index"])]


@register_op("StridedSliceGrad", label="[…]ᵀ", partials=("1", "—"), typed=(0,), shape_only=(1,))
class StridedSliceGrad:
    """Zeros shaped like `like` with `grad` written where the slice took its values."""

    shape = like_second

    def forward(grad, like, *, index):
        out = np.zeros(like.shape, dtype=grad.dtype)
        out[index] = grad
        return out

    def gradient(op, grad):
        return [StridedSlice(grad, index=op.attrs["index"]), None]


def getitem(tensor, index):
    """``tensor[index]``, the operator behind Python slicing of tensors."""
    if isinstance(index, Tensor) or (
        isinstance(index, tuple) and any(isinstance(i, Tensor) for i in index)
    ):
        raise TypeError("index: tensors as indices are not supported; use tf.gather or tf.boolean_mask")
    return StridedSlice(tensor, index=normalize_index(index), name="strided_slice")


def slice(input_, begin, size, name=None):  # noqa: A001 (TensorFlow's name)
    """``tf.slice(x, [1, 0], [2, -1])``: `size[i]` elements from `begin[i]` (-1: to the end)."""
    begin, size = _ints(begin, "begin"), _ints(size, "size")
    if len(begin) != len(size):
        raise ValueError(f"slice: begin {begin} and size {size} must have the same length")
    parts = tuple(builtins.slice(b, None if s == -1 else b + s) for b, s in zip(begin, size))
    return StridedSlice(input_, index=parts, name=name or "Slice")


def strided_slice(input_, begin, end, strides=None, name=None, **unused_masks):
    """x[begin[0]:end[0]:strides[0], ...] (the mask arguments are not supported)."""
    if any(v for v in unused_masks.values()):
        raise ValueError("strided_slice: masks are not supported; use Python slicing, x[...]")
    begin, end = _ints(begin, "begin"), _ints(end, "end")
    strides = _ints(strides, "strides") if strides is not None else [1] * len(begin)
    if not len(begin) == len(end) == len(strides):
        raise ValueError("strided_slice: begin, end and strides must have the same length")
    parts = tuple(builtins.slice(b, e, s) for b, e, s in zip(begin, end, strides))
    return StridedSlice(input_, index=normalize_index(parts), name=name or "StridedSlice")


def _ints(values, what):
    if isinstance(values, Tensor):
        raise TypeError(f"{what}: must be a list of ints, not a tensor")
    try:
        return [int(v) for v in values]
    except (TypeError, ValueError):
        raise TypeError(f"{what}: must be a list of ints, got {values!r}") from None


# -- gather -------------------------------------------------------------------------------------
@register_op("GatherV2", label="gather", partials=("scatter-add", "—"), typed=(0,))
class Gather:
    def forward(params, indices, *, axis):
        return np.take(params, indices, axis=axis)

    def shape(params, indices, *, axis):
        if params.dims is None or indices.dims is None:
            return TensorShape(None)
        return TensorShape([*params.dims[:axis], *indices.dims, *params.dims[axis + 1 :]])

    def dtype(params, indices, *, axis):
        if indices.kind not in "iu":
            raise TypeError(f"gather: indices must be int32 or int64, got {indices.name}")
        return params

    def gradient(op, grad):
        params, indices = op.inputs
        return [GatherGrad(grad, params, indices, axis=op.attrs["axis"]), None]


@register_op("GatherGrad", label="scatter+", partials=("1", "—", "—"), typed=(0,), shape_only=(1,))
class GatherGrad:
    """Zeros shaped like `like`, with each slice of `grad` added at its index (repeats add up)."""

    def forward(grad, like, indices, *, axis):
        out = np.zeros(like.shape, dtype=grad.dtype)
        n = np.ndim(indices)
        moved = np.moveaxis(grad, list(range(axis, axis + n)), list(range(n)))
        np.add.at(np.moveaxis(out, axis, 0), indices, moved)
        return out

    def shape(grad, like, indices, *, axis):
        return like

    def gradient(op, grad):
        return [Gather(grad, op.inputs[2], axis=op.attrs["axis"]), None, None]


def gather(params, indices, validate_indices=None, name=None, axis=0):
    """Slices of `params` along `axis` at `indices`: ``tf.gather(embeddings, ids)``."""
    rank = params.shape.rank if isinstance(params, Tensor) else np.ndim(params)
    if not isinstance(axis, int | np.integer):
        raise TypeError(f"gather: axis must be an int, got {axis!r}")
    if rank is not None:
        if not -rank <= axis < rank:
            raise ValueError(f"gather: axis {axis} is out of range for params of rank {rank}")
        axis %= rank
    elif axis < 0:
        raise ValueError("gather: a negative axis needs params of known rank")
    return Gather(params, indices, axis=int(axis), name=name or "GatherV2")


# -- boolean_mask -------------------------------------------------------------------------------
@register_op("BooleanMask", label="mask", partials=("1 where mask", "—"), typed=(0,))
class BooleanMask:
    def forward(tensor, mask):
        return tensor[mask]

    def shape(tensor, mask):
        if mask.dims is None or tensor.dims is None:
            return TensorShape(None)
        k = len(mask.dims)
        if k == 0 or k > len(tensor.dims):
            raise ValueError(
                f"boolean_mask: mask of rank {k} does not fit a tensor of rank {len(tensor.dims)}"
            )
        if not TensorShape(tensor.dims[:k]).is_compatible_with(mask):
            raise ValueError(f"boolean_mask: mask shape {mask} does not match tensor shape {tensor}")
        return TensorShape([None, *tensor.dims[k:]])

    def dtype(tensor, mask):
        if mask != dtypes.bool_:
            raise TypeError(f"boolean_mask: mask must be bool, got {mask.name}")
        return tensor

    def gradient(op, grad):
        tensor, mask = op.inputs
        return [BooleanMaskGrad(grad, tensor, mask), None]


@register_op("BooleanMaskGrad", label="maskᵀ", partials=("1", "—", "—"), typed=(0,), shape_only=(1,))
class BooleanMaskGrad:
    def forward(grad, like, mask):
        out = np.zeros(like.shape, dtype=grad.dtype)
        out[mask] = grad
        return out

    def shape(grad, like, mask):
        return like

    def gradient(op, grad):
        return [BooleanMask(grad, op.inputs[2]), None, None]


def boolean_mask(tensor, mask, name="boolean_mask", axis=None):
    """The entries (or slices) of `tensor` where `mask` is True, flattened into the first axis."""
    if axis not in (None, 0):
        raise ValueError(f"boolean_mask: only axis=0 is supported, got {axis!r}")
    return BooleanMask(tensor, mask, name=name)


# -- one_hot ------------------------------------------------------------------------------------
@register_op("OneHot", label="one-hot", no_gradient="integer indices", kinds="iu")
class OneHot:
    def forward(indices, *, depth, on_value, off_value, axis, dtype):
        hot = np.asarray(indices)[..., None] == np.arange(depth)  # out-of-range indices: all off
        out = np.where(hot, on_value, off_value).astype(dtype)
        return out if axis == -1 else np.moveaxis(out, -1, axis)

    def shape(indices, *, depth, on_value, off_value, axis, dtype):
        if indices.dims is None:
            return TensorShape(None)
        dims = list(indices.dims)
        dims.insert(len(dims) if axis == -1 else axis, depth)
        return TensorShape(dims)

    def dtype(indices, *, depth, on_value, off_value, axis, dtype):
        return dtype


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """``tf.one_hot([0, 2], 3)`` = [[1, 0, 0], [0, 0, 1]] (float32 by default)."""
    if isinstance(depth, Tensor) or not isinstance(depth, int | np.integer) or depth < 0:
        raise TypeError(f"one_hot: depth must be a non-negative Python int, got {depth!r}")
    dtype = dtypes.as_dtype(dtype or dtypes.float32)
    axis = -1 if axis is None else int(axis)
    rank = indices.shape.rank if isinstance(indices, Tensor) else np.ndim(indices)
    if axis < -1 or (rank is not None and axis > rank):
        raise ValueError(f"one_hot: axis {axis} is out of range for indices of rank {rank}")
    attrs = {
        "depth": int(depth),
        "on_value": 1 if on_value is None else on_value,
        "off_value": 0 if off_value is None else off_value,
        "axis": axis,
        "dtype": dtype,
    }
    return OneHot(indices, **attrs, name=name or "one_hot")
