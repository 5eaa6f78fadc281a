"""Shape ops: shape, size, rank, squeeze, expand_dims, concat, stack, unstack, split, tile, pad,
reverse — each gradient as TensorFlow's array_grad.py builds it (concat's gradient slices the
upstream grad apart, tile's sums the copies, pad's slices the padding off)."""

import builtins

import numpy as np

from .. import dtypes
from ..graph import Tensor, graph_of
from ..shape import TensorShape
from .array import ExpandDims, ReshapeLike, Stack, ZerosLike
from .indexing import StridedSlice
from .registry import apply_op, like_second, register_op
from .state import convert_to_tensor


def _rank(x):
    return x.shape.rank if isinstance(x, Tensor) else np.ndim(x)


def _axis_in(axis, rank, what, extra=0):
    """`axis` as a non-negative int for a tensor of `rank` (+`extra` for a new axis)."""
    if isinstance(axis, Tensor) or not isinstance(axis, int | np.integer):
        raise TypeError(f"{what}: axis must be a Python int, got {axis!r}")
    if rank is None:
        if axis < 0:
            raise ValueError(f"{what}: a negative axis needs an input of known rank")
        return int(axis)
    if not -(rank + extra) <= axis < rank + extra:
        raise ValueError(f"{what}: axis {axis} is out of range for rank {rank}")
    return int(axis) % (rank + extra)


# -- shape, size, rank ----------------------------------------------------------------------------
def _shape_of(x, *, out_type):
    return TensorShape([x.rank])


def _out_type(x, *, out_type):
    return out_type


@register_op("Shape", label="shape", no_gradient="shape", shape_only=(0,))
class Shape:
    shape, dtype = _shape_of, _out_type

    def forward(x, *, out_type):
        return np.array(np.shape(x), dtype=out_type)


@register_op("Size", label="size", no_gradient="shape", shape_only=(0,))
class Size:
    dtype = _out_type

    def forward(x, *, out_type):
        return np.asarray(np.size(x), dtype=out_type)

    def shape(x, *, out_type):
        return TensorShape([])


@register_op("Rank", label="rank", no_gradient="shape", shape_only=(0,))
class Rank:
    def forward(x):
        return np.asarray(np.ndim(x), dtype=np.int32)

    def shape(x):
        return TensorShape([])

    def dtype(x):
        return dtypes.int32


def shape(input, name=None, out_type=dtypes.int32):  # noqa: A002
    """The shape of `input` as a 1-D int32 tensor (known while building: folded)."""
    return Shape(input, out_type=dtypes.as_dtype(out_type), name=name or "Shape")


def size(input, name=None, out_type=dtypes.int32):  # noqa: A002
    return Size(input, out_type=dtypes.as_dtype(out_type), name=name or "Size")


def rank(input, name=None):  # noqa: A002
    return Rank(input, name=name or "Rank")


# -- squeeze, expand_dims -------------------------------------------------------------------------
@register_op("Squeeze", label="squeeze", partials=("1",), aliasing=True)
class Squeeze:
    def forward(x, *, axis):
        return np.squeeze(x, axis=axis)

    def shape(x, *, axis):
        if x.dims is None or (axis is None and None in x.dims):
            return TensorShape(None)
        if axis is None:
            return TensorShape([d for d in x.dims if d != 1])
        for a in axis:
            if x.dims[a] not in (1, None):
                raise ValueError(f"Can not squeeze dim[{a}], expected a dimension of 1, got {x.dims[a]}")
        return TensorShape([d for i, d in enumerate(x.dims) if i not in axis])

    def gradient(op, grad):
        return [ReshapeLike(grad, op.inputs[0])]


def squeeze(input, axis=None, name=None, squeeze_dims=None):  # noqa: A002
    """`input` without its size-1 dimensions (only those in `axis`, if given)."""
    axis = squeeze_dims if axis is None else axis
    if axis is not None:
        axes = [axis] if isinstance(axis, int | np.integer) else list(axis)
        rank_ = _rank(input)
        if rank_ is None:
            raise ValueError("squeeze: axis needs an input of known rank")
        axis = tuple(sorted({_axis_in(a, rank_, "squeeze") for a in axes}))
    return Squeeze(input, axis=axis, name=name or "Squeeze")


def expand_dims(input, axis=None, name=None, dim=None):  # noqa: A002
    """`input` with a new size-1 dimension at `axis` (-1: last)."""
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("expand_dims: give axis")
    axis = _axis_in(axis, _rank(input), "expand_dims", extra=1)
    return ExpandDims(input, axes=(axis,), name=name or "ExpandDims")


# -- concat ---------------------------------------------------------------------------------------
@register_op("ConcatV2", label="concat", partials=("1 on its part",))
class Concat:
    def forward(*values, axis):
        return np.concatenate(values, axis=axis)

    def shape(*shapes, axis):
        known = [s for s in shapes if s.dims is not None]
        if not known:
            return TensorShape(None)
        rank_ = len(known[0].dims)
        dims = [None] * rank_
        total = 0
        for s in known:
            if len(s.dims) != rank_:
                raise ValueError(
                    f"Shape must be rank {rank_} but is rank {len(s.dims)}: all inputs of concat"
                )
            for i, d in enumerate(s.dims):
                if i == axis:
                    total = None if total is None or d is None else total + d
                elif d is not None:
                    if dims[i] not in (None, d):
                        raise ValueError(
                            f"Dimension {i} in both shapes must be equal, but are {dims[i]} and {d}"
                        )
                    dims[i] = d
        dims[axis] = total if len(known) == len(shapes) else None
        return TensorShape(dims)

    def gradient(op, grad):
        parts = [grad, *op.inputs]
        return [
            ConcatPart(parts, axis=op.attrs["axis"], index=i) for i in builtins.range(len(op.inputs))
        ]


@register_op("ConcatPart", label="part", partials=("1 on its part",), typed=(0,))
class ConcatPart:
    """The part of `grad` (values[0]) that concat took from values[1 + index]."""

    def forward(*values, axis, index):
        grad, parts = values[0], values[1:]
        start = sum(p.shape[axis] for p in parts[:index])
        where = (builtins.slice(None),) * axis + (
            builtins.slice(start, start + parts[index].shape[axis]),
        )
        return grad[where]

    def shape(*shapes, axis, index):
        return shapes[1 + index]

    def gradient(op, grad):
        parts = op.inputs[1:]
        index, axis = op.attrs["index"], op.attrs["axis"]
        pieces = [grad if j == index else ZerosLike(p) for j, p in enumerate(parts)]
        return [Concat(pieces, axis=axis)] + [None] * len(parts)


def concat(values, axis, name="concat"):
    """``tf.concat([a, b], 1)``: joined along an existing axis (TF 1.x: values first)."""
    values = _tensors(values, "concat")
    if len(values) == 1:
        return apply_op("Identity", values, name=name)
    axis = _axis_in(axis, values[0].shape.rank, "concat")
    return Concat(values, axis=axis, name=name)


def _tensors(values, what):
    if isinstance(values, Tensor) or not isinstance(values, list | tuple) or not values:
        raise TypeError(f"{what}: values must be a non-empty list of tensors")
    graph = graph_of(values)
    first = next((v for v in values if isinstance(v, Tensor)), None)
    dtype = first.dtype if first is not None else None
    return [convert_to_tensor(v, dtype, graph=graph) for v in values]


# -- stack, unstack, split ------------------------------------------------------------------------
def stack(values, axis=0, name="stack"):
    """``tf.stack([a, b], axis=1)``: joined along a new axis."""
    values = _tensors(values, "stack")
    axis = _axis_in(axis, values[0].shape.rank, "stack", extra=1)
    return Stack(values, axis=axis, name=name)


def _each_along(value, axis, count):
    """`index` tuples selecting position 0..count-1 along `axis`."""
    return [(builtins.slice(None),) * axis + (i,) for i in builtins.range(count)]


def unstack(value, num=None, axis=0, name="unstack"):
    """The slices of `value` along `axis`, as a list."""
    value = convert_to_tensor(value)
    axis = _axis_in(axis, value.shape.rank, "unstack")
    count = num if num is not None else (value.shape.dims or [None] * (axis + 1))[axis]
    if count is None:
        raise ValueError(f"Cannot infer num from shape {value.shape}")
    with value.graph.name_scope(name):
        return [StridedSlice(value, index=ix, name="unstack") for ix in _each_along(value, axis, count)]


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Pieces of `value` along `axis`: `num_or_size_splits` equal ones, or of the sizes given."""
    value = convert_to_tensor(value)
    axis = _axis_in(axis, value.shape.rank, "split")
    dim = value.shape.dims[axis] if value.shape.dims is not None else None
    sizes = _split_sizes(num_or_size_splits, dim)
    starts = np.cumsum([0, *sizes[:-1]])
    with value.graph.name_scope(name):
        return [
            StridedSlice(
                value, index=(builtins.slice(None),) * axis + (builtins.slice(b, b + n),), name="split"
            )
            for b, n in zip(starts.tolist(), sizes)
        ]


def _split_sizes(spec, dim):
    if isinstance(spec, int | np.integer):
        if dim is None:
            raise ValueError("split: the split dimension must be known")
        if spec <= 0 or dim % spec:
            raise ValueError(f"Dimension size {dim} must be evenly divisible by {spec}")
        return [dim // int(spec)] * int(spec)
    sizes = [int(s) for s in spec]
    if sizes.count(-1) > 1:
        raise ValueError("split: at most one size can be -1")
    if -1 in sizes:
        if dim is None:
            raise ValueError("split: a size of -1 needs a known dimension")
        sizes[sizes.index(-1)] = dim - (sum(sizes) + 1)
    if dim is not None and sum(sizes) != dim:
        raise ValueError(f"split: sizes {sizes} do not add up to the dimension {dim}")
    return sizes


# -- tile -----------------------------------------------------------------------------------------
@register_op("Tile", label="tile", partials=("Σ copies",))
class Tile:
    def forward(x, *, multiples):
        return np.tile(x, multiples)

    def shape(x, *, multiples):
        if x.dims is None:
            return TensorShape(None)
        if len(multiples) != len(x.dims):
            raise ValueError(
                f"Tile: multiples {list(multiples)} must have one entry per dimension of {x}"
            )
        return TensorShape([None if d is None else d * m for d, m in zip(x.dims, multiples)])

    def gradient(op, grad):
        return [TileGrad(grad, op.inputs[0], multiples=op.attrs["multiples"])]


@register_op("TileGrad", label="Σ copies", partials=("1", "—"), typed=(0,), shape_only=(1,))
class TileGrad:
    """The copies of `grad` summed: reshaped to (m0, d0, m1, d1, ...), summed over the m's."""

    shape = like_second

    def forward(grad, like, *, multiples):
        split_shape = [n for pair in zip(multiples, like.shape) for n in pair]
        return grad.reshape(split_shape).sum(axis=tuple(builtins.range(0, len(split_shape), 2)))

    def gradient(op, grad):
        return [Tile(grad, multiples=op.attrs["multiples"]), None]


def tile(input, multiples, name=None):  # noqa: A002
    """``tf.tile(x, [2, 1])``: `x` repeated `multiples[i]` times along axis i."""
    if isinstance(multiples, Tensor):
        raise TypeError("tile: multiples must be a list of ints")
    multiples = tuple(int(m) for m in multiples)
    if any(m < 0 for m in multiples):
        raise ValueError(f"tile: multiples {list(multiples)} must be non-negative")
    return Tile(input, multiples=multiples, name=name or "Tile")


# -- pad ------------------------------------------------------------------------------------------
@register_op("Pad", label="pad", partials=("1 inside",))
class Pad:
    def forward(x, *, paddings, mode, constant_values):
        if mode == "CONSTANT":
            return np.pad(x, paddings, mode="constant", constant_values=constant_values)
        return np.pad(x, paddings, mode=mode.lower())

    def shape(x, *, paddings, mode, constant_values):
        if x.dims is None:
            return TensorShape(None)
        if len(paddings) != len(x.dims):
            raise ValueError(f"Pad: paddings must have one pair per dimension of {x}")
        for d, (a, b) in zip(x.dims, paddings):
            limit = d if mode == "SYMMETRIC" else None if d is None else d - 1
            if mode != "CONSTANT" and limit is not None and max(a, b) > limit:
                raise ValueError(
                    f"Pad: paddings {a}, {b} are too large for a dimension of {d} in {mode} mode"
                )
        return TensorShape([None if d is None else d + a + b for d, (a, b) in zip(x.dims, paddings)])

    def gradient(op, grad):
        paddings, mode = op.attrs["paddings"], op.attrs["mode"]
        if mode == "CONSTANT":  # TensorFlow's _PadGrad: the slice without the padding
            index = tuple(builtins.slice(a, -b if b else None) for a, b in paddings)
            return [StridedSlice(grad, index=index)]
        return [MirrorPadGrad(grad, op.inputs[0], paddings=paddings, mode=mode)]


@register_op("MirrorPadGrad", label="fold pad", partials=("1", "—"), typed=(0,), shape_only=(1,))
class MirrorPadGrad:
    """Each padded entry's grad added back onto the entry it mirrors."""

    shape = like_second

    def forward(grad, like, *, paddings, mode):
        source = np.pad(np.arange(like.size).reshape(like.shape), paddings, mode=mode.lower())
        total = np.bincount(source.ravel(), weights=grad.ravel(), minlength=like.size)
        return total.reshape(like.shape).astype(grad.dtype)

    def gradient(op, grad):
        attrs = {"paddings": op.attrs["paddings"], "mode": op.attrs["mode"], "constant_values": 0}
        return [Pad(grad, **attrs), None]


def pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0):
    """``tf.pad(x, [[1, 1], [2, 2]])``: `mode` CONSTANT, REFLECT or SYMMETRIC."""
    mode = str(mode).upper()
    if mode not in ("CONSTANT", "REFLECT", "SYMMETRIC"):
        raise ValueError(f"pad: mode must be CONSTANT, REFLECT or SYMMETRIC, got {mode!r}")
    if isinstance(paddings, Tensor):
        raise TypeError("pad: paddings must be a list of [before, after] pairs")
    try:
        pairs = tuple((int(a), int(b)) for a, b in np.asarray(paddings).tolist())
    except (TypeError, ValueError):
        raise TypeError(
            f"pad: paddings must be a list of [before, after] pairs, got {paddings!r}"
        ) from None
    if any(a < 0 or b < 0 for a, b in pairs):
        raise ValueError(f"pad: paddings {paddings} must be non-negative")
    return Pad(tensor, paddings=pairs, mode=mode, constant_values=constant_values, name=name or "Pad")


# -- reverse --------------------------------------------------------------------------------------
@register_op("ReverseV2", label="reverse", partials=("reversed",), aliasing=True)
class Reverse:
    def forward(x, *, axis):
        return np.flip(x, axis)

    def gradient(op, grad):
        return [Reverse(grad, axis=op.attrs["axis"])]


def reverse(tensor, axis, name=None):
    """`tensor` with the order along each axis in `axis` reversed."""
    axes = [axis] if isinstance(axis, int | np.integer) else list(axis)
    rank_ = _rank(tensor)
    axes = tuple(sorted({_axis_in(a, rank_, "reverse") for a in axes}))
    return Reverse(tensor, axis=axes, name=name or "ReverseV2")
