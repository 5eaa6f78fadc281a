"""`tf.layers` (TensorFlow 1.x's functional layers): each opens a variable scope named after the
layer ("dense", "dense_1", ... unless `name` is given) and creates its variables there with
`get_variable` ("dense/kernel", "dense/bias"), so `reuse=True` shares them."""

import numpy as np

from . import init_ops
from .ops import matmul, nn
from .ops.array import Reshape
from .ops.conv import conv2d as _conv2d
from .ops.conv import max_pool as _max_pool
from .ops.state import convert_to_tensor
from .variable_scope import get_variable, variable_scope


def _activated(out, activation):
    return out if activation is None else activation(out)


def dense(
    inputs,
    units,
    activation=None,
    use_bias=True,
    kernel_initializer=None,
    bias_initializer=None,
    kernel_regularizer=None,
    bias_regularizer=None,
    trainable=True,
    name=None,
    reuse=None,
    **unused_tf_options,
):
    """activation(inputs @ kernel + bias) with kernel [in, units] (glorot_uniform) and bias [units]
    (zeros), TensorFlow 1.x's `tf.layers.dense`."""
    if not isinstance(units, int | np.integer) or units < 1:
        raise ValueError(f"dense: units must be a positive int, got {units!r}")
    inputs = convert_to_tensor(inputs)
    if inputs.shape.dims is None or inputs.shape.dims[-1] is None:
        raise ValueError("The last dimension of the inputs to `Dense` should be defined. Found `None`.")
    with variable_scope(name, default_name="dense", reuse=reuse):
        kernel = get_variable(
            "kernel",
            [inputs.shape.dims[-1], int(units)],
            inputs.dtype,
            kernel_initializer,
            kernel_regularizer,
            trainable,
        )
        out = matmul(inputs, kernel) if inputs.shape.rank == 2 else _tensordot_last(inputs, kernel)
        if use_bias:
            bias_init = bias_initializer if bias_initializer is not None else init_ops.Zeros()
            bias = get_variable(
                "bias", [int(units)], inputs.dtype, bias_init, bias_regularizer, trainable
            )
            out = nn.bias_add(out, bias)
        return _activated(out, activation)


def _tensordot_last(inputs, kernel):
    from .ops.linalg import tensordot

    return tensordot(inputs, kernel, [[inputs.shape.rank - 1], [0]])


def flatten(inputs, name=None, data_format="channels_last"):
    """[batch, ...] reshaped to [batch, product of the rest]."""
    inputs = convert_to_tensor(inputs)
    dims = inputs.shape.dims
    if dims is None or None in dims[1:]:
        raise ValueError(f"flatten: needs known dimensions after the first, got {inputs.shape}")
    return Reshape(inputs, shape=(-1, int(np.prod(dims[1:]))), name=name or "flatten")


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """Dropout only when `training` is True (a Python bool here, or a bool tensor via cond)."""
    if isinstance(training, bool):
        return (
            nn.dropout(inputs, rate=rate, noise_shape=noise_shape, seed=seed, name=name)
            if training
            else inputs
        )
    from .ops.control import cond

    return cond(
        training,
        lambda: nn.dropout(inputs, rate=rate, seed=seed),
        lambda: inputs,
        name=name or "dropout",
    )


def conv2d(
    inputs,
    filters,
    kernel_size,
    strides=(1, 1),
    padding="valid",
    dilation_rate=(1, 1),
    activation=None,
    use_bias=True,
    kernel_initializer=None,
    bias_initializer=None,
    kernel_regularizer=None,
    trainable=True,
    name=None,
    reuse=None,
    **unused_tf_options,
):
    """A conv layer: kernel [kh, kw, in, filters] and bias [filters], NHWC."""
    inputs = convert_to_tensor(inputs)
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (strides, strides) if isinstance(strides, int) else strides
    dh, dw = (dilation_rate, dilation_rate) if isinstance(dilation_rate, int) else dilation_rate
    depth = inputs.shape.dims[-1] if inputs.shape.dims else None
    if depth is None:
        raise ValueError("conv2d: the channel dimension of the inputs must be known")
    with variable_scope(name, default_name="conv2d", reuse=reuse):
        kernel = get_variable(
            "kernel",
            [kh, kw, depth, int(filters)],
            inputs.dtype,
            kernel_initializer,
            kernel_regularizer,
            trainable,
        )
        out = _conv2d(inputs, kernel, [1, sh, sw, 1], padding.upper(), dilations=[1, dh, dw, 1])
        if use_bias:
            bias_init = bias_initializer if bias_initializer is not None else init_ops.Zeros()
            out = nn.bias_add(
                out, get_variable("bias", [int(filters)], inputs.dtype, bias_init, None, trainable)
            )
        return _activated(out, activation)


def max_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None):
    ph, pw = (pool_size, pool_size) if isinstance(pool_size, int) else pool_size
    sh, sw = (strides, strides) if isinstance(strides, int) else strides
    return _max_pool(
        inputs, [1, ph, pw, 1], [1, sh, sw, 1], padding.upper(), name=name or "max_pooling2d"
    )
