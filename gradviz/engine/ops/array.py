"""Shape, selection and plumbing ops: identity, stop_gradient, cast, where, reshape, transpose,
add_n, and the internal ops that gradients use to undo broadcasting.

Kernels only ever get numpy arrays and numpy scalars, so they read `x.shape` directly
(np.shape(x) costs ten times as much, which shows in small graphs run in a loop).
"""

import operator

import numpy as np

from .. import dtypes
from ..shape import TensorShape, broadcast_shapes
from .registry import (
    STOP_GRADIENT_OP,
    boolean,
    broadcast,
    is_float,
    like_second,
    register_op,
    unbroadcast,
)


@register_op("Identity", label="id", partials=("1",), aliasing=True)
class Identity:
    def forward(x):
        return x

    def gradient(op, grad):
        return [grad]


@register_op("StopGradient", label="stop", no_gradient=STOP_GRADIENT_OP, aliasing=True)
class StopGradient:
    def forward(x):
        return x


@register_op("Cast", label="cast", partials=("1",))
class Cast:
    def forward(x, *, dtype):
        return np.asarray(x).astype(dtype)

    def dtype(x, *, dtype):
        return dtypes.as_dtype(dtype)

    def gradient(op, grad):
        # Only float → float casts pass a gradient (TensorFlow's _CastGrad).
        source = op.inputs[0]
        return [Cast(grad, dtype=source.dtype) if is_float(source) and is_float(grad) else None]


@register_op("Greater", label=">", no_gradient="comparison")
class Greater:
    shape, dtype = broadcast, boolean
    inputs = ("x", "y")
    forward = operator.gt  # numpy's x > y


@register_op("Equal", label="=", no_gradient="comparison")
class Equal:
    shape, dtype = broadcast, boolean
    inputs = ("x", "y")
    forward = np.equal


@register_op("ZerosLike", label="0", no_gradient="constant", shape_only=(0,))
class ZerosLike:
    def forward(x):
        return np.zeros_like(x)


@register_op("OnesLike", label="1", no_gradient="constant", shape_only=(0,))
class OnesLike:
    def forward(x):
        return np.ones_like(x)


@register_op("Select", label="where", partials=("—", "[c]", "[¬c]"), typed=(1, 2))
class Where:
    inputs = ("condition", "x", "y")
    forward = np.where

    def shape(condition, x, y):
        return broadcast_shapes(broadcast_shapes(condition, x), y)

    def dtype(condition, x, y):
        if condition != dtypes.bool_:
            raise TypeError(f"where: condition must be bool, got {condition.name}")
        return x

    def gradient(op, grad):
        condition, x, y = op.inputs
        zeros = ZerosLike(grad)
        return [
            None,
            unbroadcast(Where(condition, grad, zeros), x),
            unbroadcast(Where(condition, zeros, grad), y),
        ]


@register_op(
    "AddN",
    label="Σ",
    partials=("1",),
    aliasing=True,
    rule="sum rule",
    hint="{label} passes the upstream grad back unchanged to each input: {upstream} × 1",
)
class AddN:
    def forward(*inputs):
        return sum(inputs[1:], inputs[0])

    def shape(*shapes):
        return _same_shapes(shapes)

    def gradient(op, grad):
        return [grad] * len(op.inputs)


@register_op(
    "AccumulateNV2",
    label="Σ",
    partials=("1",),
    rule="sum rule",
    hint="{label} passes the upstream grad back unchanged to each input: {upstream} × 1",
)
class AccumulateN:
    """AddN's value through an accumulator: one buffer, each input added in place."""

    def forward(*inputs):
        total = np.array(inputs[0], copy=True)
        for x in inputs[1:]:
            total += x
        return total

    def shape(*shapes):
        return _same_shapes(shapes)

    def gradient(op, grad):
        return [grad] * len(op.inputs)


def _same_shapes(shapes):
    if not shapes:
        raise ValueError("add_n needs at least one input")
    merged = shapes[0]
    for s in shapes[1:]:
        try:
            merged = merged.merge_with(s)
        except ValueError:
            raise ValueError(f"Shapes must all be equal, but {shapes[0]} and {s} differ") from None
    return merged


@register_op("Reshape", label="reshape", partials=("1",), aliasing=True)
class Reshape:
    def forward(x, *, shape):
        return np.reshape(x, shape)

    def shape(x, *, shape):
        return _reshaped(x, list(shape))

    def gradient(op, grad):
        return [ReshapeLike(grad, op.inputs[0])]


def _reshaped(x, target):
    if target.count(-1) > 1:
        raise ValueError("Reshape can infer at most one dimension (-1)")
    size = x.num_elements()
    known = int(np.prod([d for d in target if d != -1]))
    if -1 in target:
        target[target.index(-1)] = None if size is None or known == 0 else size // known
        if size is not None and known and size % known:
            raise ValueError(f"Cannot reshape a tensor with {size} elements to shape {target}")
    elif size is not None and size != known:
        raise ValueError(
            f"Cannot reshape a tensor with {size} elements to shape {target} ({known} elements)"
        )
    return TensorShape(target)


@register_op("ReshapeLike", label="reshape", partials=("1",), typed=(0,), shape_only=(1,), aliasing=True)
class ReshapeLike:
    shape = like_second

    def forward(x, like):
        return np.reshape(x, like.shape)

    def gradient(op, grad):
        return [ReshapeLike(grad, op.inputs[0]), None]


@register_op("Transpose", label="ᵀ", partials=("1",), aliasing=True)
class Transpose:
    def forward(x, *, perm):
        return np.transpose(x, perm)

    def shape(x, *, perm):
        if x.dims is None:
            return TensorShape(None)
        if sorted(perm) != list(range(len(x.dims))):
            raise ValueError(f"perm {list(perm)} is not a permutation of the {x.rank} dimensions")
        return TensorShape([x.dims[p] for p in perm])

    def gradient(op, grad):
        return [Transpose(grad, perm=tuple(np.argsort(op.attrs["perm"]).tolist()))]


@register_op("ExpandDims", label="expand", partials=("1",), aliasing=True)
class ExpandDims:
    def forward(x, *, axes):
        return np.expand_dims(x, axes)

    def shape(x, *, axes):
        if x.dims is None:
            return TensorShape(None)
        rank = len(x.dims) + len(axes)  # numpy counts negative axes in the expanded result
        dims = list(x.dims)
        for a in sorted(a % rank for a in axes):
            dims.insert(a, 1)
        return TensorShape(dims)

    def gradient(op, grad):
        return [ReshapeLike(grad, op.inputs[0])]


@register_op(
    "SumToShape",
    label="Σ↓",
    partials=("1",),
    typed=(0,),
    shape_only=(1,),
    aliasing=True,
    undoes_broadcast=True,
)
class SumToShape:
    """Sums `x` over the axes that broadcasting added or stretched, back to `like`'s shape."""

    shape = like_second

    def forward(x, like):
        return sum_to(x, like.shape)

    def gradient(op, grad):
        return [BroadcastLike(grad, op.inputs[0]), None]


def sum_to(x, shape):
    """numpy: `x` summed down to `shape`, the inverse of broadcasting `shape` up to x.shape."""
    if x.shape == shape:
        return x
    if not shape:  # all of it: one reduction, to a numpy scalar as np.sum(x) gives
        return np.add.reduce(x, axis=None)
    lead = x.ndim - len(shape)
    stretched = [lead + i for i, d in enumerate(shape) if d == 1 and x.shape[lead + i] != 1]
    summed = np.add.reduce(x, axis=(*range(lead), *stretched), keepdims=True)  # np.sum, minus dispatch
    return summed.reshape(shape)


@register_op("BroadcastLike", label="bcast", partials=("1",), typed=(0,), shape_only=(1,), aliasing=True)
class BroadcastLike:
    shape = like_second

    def forward(x, like):
        return np.broadcast_to(x, like.shape)

    def gradient(op, grad):
        return [SumToShape(grad, op.inputs[0]), None]


@register_op("Take", label="[i]", partials=("one-hot",), aliasing=True)
class Take:
    """Row `index` of x (x[index]); used by hessians() to differentiate one entry at a time."""

    def forward(x, *, index):
        return x[index]

    def shape(x, *, index):
        if x.rank == 0:
            raise ValueError("Index out of range using input dim 0: a scalar cannot be indexed")
        size = None if x.dims is None else x.dims[0]
        if size is not None and not -size <= index < size:  # TensorFlow's strided_slice check
            raise ValueError(
                f"slice index {index} of dimension 0 out of bounds: the tensor has {size} "
                f"rows (valid indices {-size}..{size - 1})"
            )
        return TensorShape(None if x.dims is None else x.dims[1:])

    def gradient(op, grad):
        return [TakeGrad(grad, op.inputs[0], index=op.attrs["index"])]


@register_op("TakeGrad", label="[i]ᵀ", partials=("1", "—"), typed=(0,), shape_only=(1,))
class TakeGrad:
    """Zeros shaped like `like` with `x` written into row `index`: the adjoint of Take."""

    shape = like_second

    def forward(x, like, *, index):
        out = np.zeros(like.shape, dtype=np.result_type(x))
        out[index] = x
        return out

    def gradient(op, grad):
        return [Take(grad, index=op.attrs["index"]), None]


@register_op("Pack", label="stack", partials=("1",))
class Stack:
    def forward(*inputs, axis=0):
        return np.stack(inputs, axis=axis)

    def shape(*shapes, axis=0):
        merged = _same_shapes(shapes)
        if merged.dims is None:
            return TensorShape(None)
        dims = list(merged.dims)
        dims.insert(axis, len(shapes))
        return TensorShape(dims)

    def gradient(op, grad):
        from .indexing import StridedSlice

        lead = (slice(None),) * op.attrs["axis"]
        return [StridedSlice(grad, index=(*lead, i)) for i in range(len(op.inputs))]
