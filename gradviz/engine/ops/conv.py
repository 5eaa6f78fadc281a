"""conv2d, max_pool and avg_pool on NHWC tensors, SAME or VALID padding, strides, dilations.

The kernels loop over the few window offsets (kh · kw of them) and do one matmul or one
elementwise max per offset, so numpy does the heavy work. Gradients are TensorFlow's ops:
Conv2DBackpropInput and Conv2DBackpropFilter (each differentiable again, as in nn_grad.py),
MaxPoolGrad (the upstream grad to the first maximum of each window) and AvgPoolGrad (shared
equally among the window's entries inside the input; SAME padding does not count).
"""

import numpy as np

from ..shape import TensorShape
from .registry import like_second, register_op


def window_geometry(size, k, stride, dilation, padding):
    """(output size, padding before) along one spatial dimension, TensorFlow's rule."""
    span = (k - 1) * dilation + 1
    if padding == "VALID":
        return max(0, -(-(size - span + 1) // stride)), 0
    out = -(-size // stride)
    total = max((out - 1) * stride + span - size, 0)
    return out, total // 2


def _geometry(x_shape, ksize, strides, dilations, padding):
    (oh, ph), (ow, pw) = (
        window_geometry(x_shape[1 + i], ksize[i], strides[i], dilations[i], padding) for i in (0, 1)
    )
    return oh, ow, ph, pw


def _padded(x, oh, ow, ph, pw, ksize, strides, dilations, fill):
    """x padded so that every window of the output lies inside it."""
    need_h = (oh - 1) * strides[0] + (ksize[0] - 1) * dilations[0] + 1
    need_w = (ow - 1) * strides[1] + (ksize[1] - 1) * dilations[1] + 1
    pads = (
        (0, 0),
        (ph, max(need_h - x.shape[1] - ph, 0)),
        (pw, max(need_w - x.shape[2] - pw, 0)),
        (0, 0),
    )
    return np.pad(x, pads, constant_values=fill)


def _offsets(ksize, strides, dilations, oh, ow):
    """For each window offset (i, j): the slices of the padded input it reads."""
    for i in range(ksize[0]):
        for j in range(ksize[1]):
            rows = slice(i * dilations[0], i * dilations[0] + (oh - 1) * strides[0] + 1, strides[0])
            cols = slice(j * dilations[1], j * dilations[1] + (ow - 1) * strides[1] + 1, strides[1])
            yield i, j, (slice(None), rows, cols)


def _out_shape(x, ksize, strides, dilations, padding, channels):
    if x.dims is None:
        return TensorShape([None, None, None, channels])
    if len(x.dims) != 4:
        raise ValueError(f"Shape must be rank 4 (NHWC) but is rank {len(x.dims)}")
    dims = [None, None]
    for i in (0, 1):
        if x.dims[1 + i] is not None:
            dims[i] = window_geometry(x.dims[1 + i], ksize[i], strides[i], dilations[i], padding)[0]
    return TensorShape([x.dims[0], *dims, channels])


# -- conv2d ---------------------------------------------------------------------------------------
def conv_forward(x, w, strides, dilations, padding):
    oh, ow, ph, pw = _geometry(x.shape, w.shape[:2], strides, dilations, padding)
    xp = _padded(x, oh, ow, ph, pw, w.shape[:2], strides, dilations, 0)
    out = np.zeros((x.shape[0], oh, ow, w.shape[3]), dtype=np.result_type(x, w))
    for i, j, where in _offsets(w.shape[:2], strides, dilations, oh, ow):
        out += xp[where] @ w[i, j]
    return out


def conv_input_grad(x_shape, w, grad, strides, dilations, padding):
    oh, ow, ph, pw = _geometry(x_shape, w.shape[:2], strides, dilations, padding)
    xp = _padded(np.zeros(x_shape, grad.dtype), oh, ow, ph, pw, w.shape[:2], strides, dilations, 0)
    for i, j, where in _offsets(w.shape[:2], strides, dilations, oh, ow):
        xp[where] += grad @ w[i, j].T
    return xp[:, ph : ph + x_shape[1], pw : pw + x_shape[2], :]


def conv_filter_grad(x, w_shape, grad, strides, dilations, padding):
    oh, ow, ph, pw = _geometry(x.shape, w_shape[:2], strides, dilations, padding)
    xp = _padded(x, oh, ow, ph, pw, w_shape[:2], strides, dilations, 0)
    out = np.zeros(w_shape, dtype=grad.dtype)
    for i, j, where in _offsets(w_shape[:2], strides, dilations, oh, ow):
        out[i, j] = np.tensordot(xp[where], grad, axes=([0, 1, 2], [0, 1, 2]))
    return out


@register_op("Conv2D", label="conv2d", partials=("backprop input", "backprop filter"), kinds="f")
class Conv2D:
    def forward(x, w, *, strides, padding, dilations):
        return conv_forward(x, w, strides, dilations, padding)

    def shape(x, w, *, strides, padding, dilations):
        if w.dims is not None and len(w.dims) != 4:
            raise ValueError(f"filter must be rank 4 [height, width, in, out], got {w}")
        if w.dims is None or None in w.dims[:2]:
            return TensorShape(None)
        depth = x.dims[3] if x.dims is not None and len(x.dims) == 4 else None
        if None not in (depth, w.dims[2]) and depth != w.dims[2]:
            raise ValueError(
                f"input depth {x.dims[3]} does not match the filter's in_channels {w.dims[2]}"
            )
        return _out_shape(x, w.dims[:2], strides, dilations, padding, w.dims[3])

    def gradient(op, grad):
        x, w = op.inputs
        attrs = op.attrs
        return [Conv2DBackpropInput(x, w, grad, **attrs), Conv2DBackpropFilter(x, w, grad, **attrs)]


@register_op(
    "Conv2DBackpropInput", label="conv2dᵀ", partials=("—", "conv", "conv"), kinds="f", shape_only=(0,)
)
class Conv2DBackpropInput:
    """The gradient of conv2d with respect to its input (shaped like `like`, the input)."""

    def forward(like, w, grad, *, strides, padding, dilations):
        return conv_input_grad(like.shape, w, grad, strides, dilations, padding)

    def shape(like, w, grad, *, strides, padding, dilations):
        return like

    def gradient(op, grad):
        like, w, upstream = op.inputs
        attrs = op.attrs
        return [None, Conv2DBackpropFilter(grad, w, upstream, **attrs), Conv2D(grad, w, **attrs)]


@register_op(
    "Conv2DBackpropFilter", label="∂filter", partials=("conv", "—", "conv"), kinds="f", shape_only=(1,)
)
class Conv2DBackpropFilter:
    """The gradient of conv2d with respect to its filter (shaped like `like`, the filter)."""

    def forward(x, like, grad, *, strides, padding, dilations):
        return conv_filter_grad(x, like.shape, grad, strides, dilations, padding)

    def shape(x, like, grad, *, strides, padding, dilations):
        return like

    def gradient(op, grad):
        x, like, upstream = op.inputs
        attrs = op.attrs
        return [Conv2DBackpropInput(x, grad, upstream, **attrs), None, Conv2D(x, grad, **attrs)]


# -- pooling --------------------------------------------------------------------------------------
def _pool_windows(x, ksize, strides, padding, fill):
    oh, ow, ph, pw = _geometry(x.shape, ksize, strides, (1, 1), padding)
    xp = _padded(x, oh, ow, ph, pw, ksize, strides, (1, 1), fill)
    return xp, list(_offsets(ksize, strides, (1, 1), oh, ow)), (oh, ow, ph, pw)


def max_pool_argmax(x, ksize, strides, padding):
    """The pooled max and, for each output, the window offset of its first maximum."""
    xp, offsets, _ = _pool_windows(x, ksize, strides, padding, -np.inf)
    best = xp[offsets[0][2]].copy()
    which = np.zeros(best.shape, dtype=np.int64)
    for k, (_, _, where) in enumerate(offsets[1:], start=1):
        window = xp[where]
        better = window > best  # strictly: a tie stays with the first, as TensorFlow
        best = np.where(better, window, best)
        which[better] = k
    return best.astype(x.dtype), which


def max_pool_grad(x, grad, ksize, strides, padding):
    _, which = max_pool_argmax(x, ksize, strides, padding)
    xp, offsets, (oh, ow, ph, pw) = _pool_windows(
        np.zeros_like(x, dtype=grad.dtype), ksize, strides, padding, 0
    )
    for k, (_, _, where) in enumerate(offsets):
        xp[where] += np.where(which == k, grad, 0)
    return xp[:, ph : ph + x.shape[1], pw : pw + x.shape[2], :]


def max_pool_grad_grad(x, grad2, ksize, strides, padding):
    """The second upstream grad read at each window's maximum (TensorFlow's MaxPoolGradGrad)."""
    _, which = max_pool_argmax(x, ksize, strides, padding)
    gp, offsets, _ = _pool_windows(grad2, ksize, strides, padding, 0)
    out = np.zeros(which.shape, dtype=grad2.dtype)
    for k, (_, _, where) in enumerate(offsets):
        out += np.where(which == k, gp[where], 0)
    return out


def _pool_shape(x, *, ksize, strides, padding):
    channels = None if x.dims is None else x.dims[3]
    return _out_shape(x, ksize, strides, (1, 1), padding, channels)


@register_op("MaxPool", label="max pool", partials=("to the max",), kinds="fi")
class MaxPool:
    shape = _pool_shape

    def forward(x, *, ksize, strides, padding):
        return max_pool_argmax(x, ksize, strides, padding)[0]

    def gradient(op, grad):
        return [MaxPoolGrad(op.inputs[0], grad, **op.attrs)]


@register_op("MaxPoolGrad", label="max poolᵀ", partials=("—", "at the max"), kinds="fi")
class MaxPoolGrad:
    def forward(x, grad, *, ksize, strides, padding):
        return max_pool_grad(x, grad, ksize, strides, padding)

    def shape(x, grad, *, ksize, strides, padding):
        return x

    def gradient(op, grad):
        x, _ = op.inputs
        return [None, MaxPoolGradGrad(x, grad, **op.attrs)]


@register_op("MaxPoolGradGrad", label="at the max", partials=("—", "to the max"), kinds="fi")
class MaxPoolGradGrad:
    def forward(x, grad2, *, ksize, strides, padding):
        return max_pool_grad_grad(x, grad2, ksize, strides, padding)

    def shape(x, grad2, *, ksize, strides, padding):
        return _pool_shape(x, ksize=ksize, strides=strides, padding=padding)

    def gradient(op, grad):
        x, _ = op.inputs
        return [None, MaxPoolGrad(x, grad, **op.attrs)]


def _avg_counts(shape, ksize, strides, padding):
    """How many input entries (padding excluded) each output window averages."""
    ones = np.ones((1, shape[1], shape[2], 1))
    xp, offsets, _ = _pool_windows(ones, ksize, strides, padding, 0)
    return sum(xp[where] for _, _, where in offsets)


def avg_pool_forward(x, ksize, strides, padding):
    xp, offsets, _ = _pool_windows(x, ksize, strides, padding, 0)
    total = sum(xp[where] for _, _, where in offsets)
    return (total / _avg_counts(x.shape, ksize, strides, padding)).astype(x.dtype)


def avg_pool_grad(like_shape, grad, ksize, strides, padding):
    share = grad / _avg_counts(like_shape, ksize, strides, padding)
    xp, offsets, (oh, ow, ph, pw) = _pool_windows(
        np.zeros(like_shape, grad.dtype), ksize, strides, padding, 0
    )
    for _, _, where in offsets:
        xp[where] += share
    return xp[:, ph : ph + like_shape[1], pw : pw + like_shape[2], :]


@register_op("AvgPool", label="avg pool", partials=("1/n",), kinds="f")
class AvgPool:
    shape = _pool_shape

    def forward(x, *, ksize, strides, padding):
        return avg_pool_forward(x, ksize, strides, padding)

    def gradient(op, grad):
        return [AvgPoolGrad(grad, op.inputs[0], **op.attrs)]


@register_op(
    "AvgPoolGrad", label="avg poolᵀ", partials=("1/n", "—"), kinds="f", typed=(0,), shape_only=(1,)
)
class AvgPoolGrad:
    shape = like_second

    def forward(grad, like, *, ksize, strides, padding):
        return avg_pool_grad(like.shape, grad, ksize, strides, padding)

    def gradient(op, grad):
        return [AvgPool(grad, **op.attrs), None]


# -- the public functions -------------------------------------------------------------------------
def _four(values, what, name):
    """A 4-entry NHWC list as the two spatial entries (batch and channel entries must be 1)."""
    if isinstance(values, int | np.integer):
        values = [1, int(values), int(values), 1]
    values = [int(v) for v in values]
    if len(values) == 2:
        values = [1, *values, 1]
    if len(values) != 4 or values[0] != 1 or values[3] != 1:
        raise ValueError(f"{name}: {what} must be [1, h, w, 1] (NHWC), got {values}")
    if min(values) < 1:
        raise ValueError(f"{name}: {what} must be positive, got {values}")
    return tuple(values[1:3])


def _padding(padding, name):
    padding = str(padding).upper()
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"{name}: padding must be 'SAME' or 'VALID', got {padding!r}")
    return padding


def _nhwc(data_format, name):
    if data_format not in (None, "NHWC"):
        raise ValueError(f"{name}: only data_format='NHWC' is supported, got {data_format!r}")


def conv2d(
    input,  # noqa: A002
    filter=None,  # noqa: A002
    strides=None,
    padding=None,
    use_cudnn_on_gpu=True,
    data_format="NHWC",
    dilations=(1, 1, 1, 1),
    name=None,
    filters=None,
):
    """2-D convolution (cross-correlation) of NHWC `input` with [h, w, in, out] `filter`."""
    filter = filters if filter is None else filter  # noqa: A001
    if filter is None or strides is None or padding is None:
        raise TypeError("conv2d: give filter, strides and padding")
    _nhwc(data_format, "conv2d")
    strides, dilations = _four(strides, "strides", "conv2d"), _four(dilations, "dilations", "conv2d")
    if strides != (1, 1) and dilations != (1, 1):
        raise ValueError("conv2d: strides > 1 together with dilations > 1 are not supported (as in TF)")
    attrs = {"strides": strides, "padding": _padding(padding, "conv2d"), "dilations": dilations}
    return Conv2D(input, filter, **attrs, name=name or "Conv2D")


def _pool(op, value, ksize, strides, padding, data_format, name, what):
    _nhwc(data_format, what)
    attrs = {
        "ksize": _four(ksize, "ksize", what),
        "strides": _four(strides, "strides", what),
        "padding": _padding(padding, what),
    }
    return op(value, **attrs, name=name or op.type)


def max_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa: A002
    """The max of each window: ``tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")``."""
    value = value if input is None else input
    return _pool(MaxPool, value, ksize, strides, padding, data_format, name, "max_pool")


def avg_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa: A002
    """The mean of each window (SAME padding does not count toward the mean)."""
    value = value if input is None else input
    return _pool(AvgPool, value, ksize, strides, padding, data_format, name, "avg_pool")
