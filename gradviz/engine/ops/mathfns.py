"""Math built from the primitives, as TensorFlow builds it (inside a name scope, so each draws
as one box): reduce_logsumexp, count_nonzero, clip_by_value / clip_by_norm / clip_by_global_norm,
global_norm, norm, l2_loss; and the cumulative sums and products with their gradients."""

import contextlib

import numpy as np

from .. import dtypes
from ..graph import Tensor, graph_of
from ..shape import TensorShape
from .array import Cast, Greater, Identity, OnesLike, StopGradient, Where, ZerosLike
from .compare import NotEqual
from .math import Abs, Exp, Log, Maximum, Minimum, Sqrt
from .reduce import reduce_max, reduce_sum
from .registry import boolean, register_op
from .state import convert_to_tensor


@contextlib.contextmanager
def composite(name, *values):
    """Build inside the scope `name` in the graph of `values`, all or nothing."""
    graph = graph_of(values)
    with graph.as_default(), graph.rollback_on_error(), graph.name_scope(name):
        yield


# -- finiteness -------------------------------------------------------------------------------
@register_op("IsFinite", label="finite?", no_gradient="logic", kinds="f")
class IsFinite:
    dtype = boolean
    inputs = ("x",)
    forward = np.isfinite


@register_op("IsNan", label="nan?", no_gradient="logic", kinds="f")
class IsNan:
    dtype = boolean
    inputs = ("x",)
    forward = np.isnan


@register_op("IsInf", label="inf?", no_gradient="logic", kinds="f")
class IsInf:
    dtype = boolean
    inputs = ("x",)
    forward = np.isinf


def reduce_logsumexp(
    input_tensor, axis=None, keepdims=False, name=None, reduction_indices=None, keep_dims=None
):
    """log Σ exp(x) as TensorFlow computes it: max + log Σ exp(x − max), the max held constant
    (stop_gradient, and 0 where it is infinite), so large inputs do not overflow."""
    axis = reduction_indices if axis is None else axis
    keep = keepdims if keep_dims is None else keep_dims
    with composite(name or "ReduceLogSumExp", input_tensor):
        x = convert_to_tensor(input_tensor)
        raw_max = reduce_max(x, axis, keepdims=True)
        my_max = StopGradient(Where(IsFinite(raw_max), raw_max, ZerosLike(raw_max)))
        result = Log(reduce_sum(Exp(x - my_max), axis, keepdims=keep))
        if not keep:
            my_max = _squeeze_axes(my_max, axis, x.shape.rank)
        return result + my_max


def _squeeze_axes(t, axis, rank):
    from .shaping import squeeze

    if axis is None:
        return squeeze(t)
    return squeeze(t, axis=[axis] if isinstance(axis, int | np.integer) else list(axis))


def count_nonzero(
    input_tensor,
    axis=None,
    keepdims=False,
    dtype=dtypes.int64,
    name=None,
    reduction_indices=None,
    keep_dims=None,
):
    """The number of entries that are not 0 (int64 by default)."""
    axis = reduction_indices if axis is None else axis
    keep = keepdims if keep_dims is None else keep_dims
    with composite(name or "count_nonzero", input_tensor):
        x = convert_to_tensor(input_tensor)
        nonzero = Cast(NotEqual(x, ZerosLike(x)), dtype=dtypes.as_dtype(dtype))
        return reduce_sum(nonzero, axis, keepdims=keep)


# -- l2_loss, norms, clipping ---------------------------------------------------------------------
@register_op("L2Loss", label="½Σx²", partials=("x",), kinds="f")
class L2Loss:
    def forward(t):
        return np.asarray(np.sum(np.square(t)) / 2, dtype=t.dtype)

    def shape(t):
        return TensorShape([])

    def gradient(op, grad):
        return [op.inputs[0] * grad]


def l2_loss(t, name=None):
    """sum(t ** 2) / 2 (no square root), the weight-decay term."""
    return L2Loss(t, name=name or "L2Loss")


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """`t` limited to [min, max]: minimum then maximum, as TensorFlow 1.x builds it (a value
    clipped gets no gradient; one exactly at a bound keeps it)."""
    if _number(clip_value_min) and _number(clip_value_max) and clip_value_min > clip_value_max:
        raise ValueError(
            f"clip_by_value: clip_value_min {clip_value_min} > clip_value_max {clip_value_max}"
        )
    with composite(name or "clip_by_value", t, clip_value_min, clip_value_max):
        t = convert_to_tensor(t)
        return Maximum(Minimum(t, clip_value_max), clip_value_min)


def _number(v):
    return isinstance(v, int | float | np.number)


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """`t` scaled down so its L2 norm (over `axes`) is at most `clip_norm` (TF's formula, safe
    at a zero norm)."""
    with composite(name or "clip_by_norm", t, clip_norm):
        t = convert_to_tensor(t)
        l2sum = reduce_sum(t * t, axes, keepdims=True)
        positive = Greater(l2sum, ZerosLike(l2sum))
        l2sum_safe = Where(positive, l2sum, OnesLike(l2sum))
        l2norm = Where(positive, Sqrt(l2sum_safe), l2sum)
        clip = convert_to_tensor(clip_norm, t.dtype)
        return Identity(t * clip / Maximum(l2norm, clip))


def global_norm(t_list, name=None):
    """sqrt(Σ ‖t‖²) over the tensors of `t_list` (Nones skipped)."""
    from .array import Stack

    tensors = _tensor_list(t_list, "global_norm")
    with composite(name or "global_norm", *tensors):
        half_squared = Stack([L2Loss(t) for t in tensors]) if len(tensors) > 1 else L2Loss(tensors[0])
        return Sqrt(reduce_sum(half_squared) * 2.0, name="global_norm")


def _tensor_list(t_list, what):
    if isinstance(t_list, Tensor) or not isinstance(t_list, list | tuple):
        raise TypeError(f"{what}: t_list must be a list of tensors, got {t_list!r}")
    tensors = [t for t in t_list if t is not None]
    if not tensors:
        raise ValueError(f"{what}: t_list holds no tensors")
    return tensors


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """(the tensors scaled by clip_norm / max(global_norm, clip_norm), the global norm):
    ``grads, _ = tf.clip_by_global_norm(grads, 5.0)``."""
    tensors = _tensor_list(t_list, "clip_by_global_norm")
    with composite(name or "clip_by_global_norm", *tensors):
        norm = global_norm(tensors) if use_norm is None else convert_to_tensor(use_norm)
        clip = convert_to_tensor(clip_norm, norm.dtype)
        scale = clip * Minimum(1.0 / norm, 1.0 / clip)
        clipped = [None if t is None else Identity(t * Cast(scale, dtype=t.dtype)) for t in t_list]
        return clipped, norm


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None, keep_dims=None):  # noqa: A002
    """The vector norm of `tensor` over `axis` (all entries if None): ord 'euclidean' (2), 1 or inf."""
    keep = bool(keepdims if keep_dims is None else keep_dims)
    if ord not in ("euclidean", "fro", 2, 2.0, 1, np.inf):
        raise ValueError(f"norm: ord must be 'euclidean', 1, 2 or np.inf, got {ord!r}")
    with composite(name or "norm", tensor):
        t = convert_to_tensor(tensor)
        if ord == 1:
            result = reduce_sum(Abs(t), axis, keepdims=True)
        elif ord == np.inf:
            result = reduce_max(Abs(t), axis, keepdims=True)
        else:
            result = Sqrt(reduce_sum(t * t, axis, keepdims=True))
        return result if keep else _squeeze_axes(result, axis, t.shape.rank)


# -- cumulative sums and products -----------------------------------------------------------------
def _cumulative(op_name, ufunc, x, axis, exclusive, reverse):
    y = np.flip(x, axis) if reverse else x
    out = ufunc.accumulate(y, axis=axis, dtype=x.dtype)
    if exclusive:  # shifted by one: the first entry is the identity (0 for sums, 1 for products)
        out = np.roll(out, 1, axis=axis)
        first = [slice(None)] * x.ndim
        first[axis] = 0
        out[tuple(first)] = ufunc.identity
    return np.flip(out, axis) if reverse else out


def _cum_shape(x, *, axis, exclusive, reverse):
    if x.rank is not None and not -x.rank <= axis < max(x.rank, 1):
        raise ValueError(f"axis {axis} is out of range for rank {x.rank}")
    return x


@register_op("Cumsum", label="cumsum", partials=("reverse cumsum",), kinds="fi")
class Cumsum:
    shape = _cum_shape

    def forward(x, *, axis, exclusive, reverse):
        return _cumulative("Cumsum", np.add, x, axis, exclusive, reverse)

    def gradient(op, grad):
        a = op.attrs
        return [Cumsum(grad, axis=a["axis"], exclusive=a["exclusive"], reverse=not a["reverse"])]


@register_op("Cumprod", label="cumprod", partials=("cumsum(y·g) / x",), kinds="fi")
class Cumprod:
    shape = _cum_shape

    def forward(x, *, axis, exclusive, reverse):
        return _cumulative("Cumprod", np.multiply, x, axis, exclusive, reverse)

    def gradient(op, grad):
        # TensorFlow's _CumprodGrad (it divides by x, so it is not defined at x = 0).
        a = op.attrs
        summed = Cumsum(
            op.outputs[0] * grad, axis=a["axis"], exclusive=a["exclusive"], reverse=not a["reverse"]
        )
        return [summed / op.inputs[0]]


def _cum(op, x, axis, exclusive, reverse, name):
    if isinstance(axis, Tensor) or not isinstance(axis, int | np.integer):
        raise TypeError(f"{op.type}: axis must be a Python int, got {axis!r}")
    return op(x, axis=int(axis), exclusive=bool(exclusive), reverse=bool(reverse), name=name or op.type)


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Running sums along `axis`: cumsum([a, b, c]) = [a, a + b, a + b + c]."""
    return _cum(Cumsum, x, axis, exclusive, reverse, name)


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    return _cum(Cumprod, x, axis, exclusive, reverse, name)


# -- casts under their TensorFlow 1.x names -------------------------------------------------------
def _cast_to(dtype, default_name):
    def cast(x, name=default_name):
        return Cast(x, dtype=dtype, name=name)

    cast.__name__ = default_name
    cast.__doc__ = f"`x` cast to {dtype.name}."
    return cast


to_float = _cast_to(dtypes.float32, "ToFloat")
to_double = _cast_to(dtypes.float64, "ToDouble")
to_int32 = _cast_to(dtypes.int32, "ToInt32")
to_int64 = _cast_to(dtypes.int64, "ToInt64")


def is_finite(x, name=None):
    return IsFinite(x, name=name or "IsFinite")


def is_nan(x, name=None):
    return IsNan(x, name=name or "IsNan")


def is_inf(x, name=None):
    return IsInf(x, name=name or "IsInf")
