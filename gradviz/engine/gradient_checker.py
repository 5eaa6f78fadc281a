"""`tf.test.compute_gradient` / `compute_gradient_error`: the Jacobian that gradients() builds
beside the one central differences measure, as TensorFlow 1.x's gradient_checker computes them
(x is fed; the default session runs everything)."""

import numpy as np

from .gradients import gradients
from .graph import Tensor
from .ops.state import placeholder
from .session import get_default_session


def _session():
    session = get_default_session()
    if session is None:
        raise ValueError("compute_gradient needs a default session: use `with gv.Session():`")
    return session


def _theoretical(session, x, x_value, y, y_size, feed):
    dy = placeholder(y.dtype, y.shape, name="dy")
    (dx,) = gradients(y, [x], grad_ys=dy)
    jacobian = np.zeros((x_value.size, y_size))
    if dx is None:
        return jacobian
    seed = np.zeros(y_size, dtype=y.dtype)
    for j in range(y_size):
        seed[:] = 0
        seed[j] = 1
        value = session.run(
            dx, {**feed, x: x_value, dy: seed.reshape(session.run(y, {**feed, x: x_value}).shape)}
        )
        jacobian[:, j] = np.ravel(value)
    return jacobian


def _numeric(session, x, x_value, y, y_size, delta, feed):
    jacobian = np.zeros((x_value.size, y_size))
    flat = x_value.reshape(-1)
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + delta
        plus = np.ravel(session.run(y, {**feed, x: x_value})).astype(np.float64)
        flat[i] = original - delta
        minus = np.ravel(session.run(y, {**feed, x: x_value})).astype(np.float64)
        flat[i] = original
        jacobian[i] = (plus - minus) / (2 * delta)
    return jacobian


def compute_gradient(
    x, x_shape, y, y_shape, x_init_value=None, delta=1e-3, init_targets=None, extra_feed_dict=None
):
    """(theoretical, numerical) Jacobians of y with respect to x, shaped (x size, y size); for a
    list of xs, a list of such pairs."""
    if isinstance(x, list | tuple):
        inits = x_init_value if x_init_value is not None else [None] * len(x)
        return [
            compute_gradient(xi, si, y, y_shape, vi, delta, init_targets, extra_feed_dict)
            for xi, si, vi in zip(x, x_shape, inits, strict=True)
        ]
    if not isinstance(x, Tensor) or not isinstance(y, Tensor):
        raise TypeError("compute_gradient: x and y must be tensors")
    session = _session()
    if init_targets is not None:
        session.run(init_targets)
    feed = dict(extra_feed_dict or {})
    if x_init_value is None:
        x_value = np.random.default_rng(0).random(tuple(x_shape)).astype(x.dtype)
    else:
        x_value = np.array(x_init_value, dtype=x.dtype)
    if list(x_value.shape) != list(x_shape):
        raise ValueError(
            f"compute_gradient: x_init_value has shape {x_value.shape}, x_shape is {list(x_shape)}"
        )
    y_size = int(np.prod(y_shape))
    theoretical = _theoretical(session, x, x_value, y, y_size, feed)
    numeric = _numeric(session, x, x_value.copy(), y, y_size, delta, feed)
    return theoretical, numeric


def compute_gradient_error(
    x, x_shape, y, y_shape, x_init_value=None, delta=1e-3, init_targets=None, extra_feed_dict=None
):
    """The largest absolute difference between the theoretical and the numerical Jacobian."""
    result = compute_gradient(x, x_shape, y, y_shape, x_init_value, delta, init_targets, extra_feed_dict)
    pairs = result if isinstance(result, list) else [result]
    return max(float(np.max(np.abs(t - n), initial=0.0)) for t, n in pairs)
