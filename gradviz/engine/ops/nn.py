"""Composite neural-network ops, built from primitives inside a name scope (tinygrad's way), so
each draws as one collapsible box and its gradient is the chain rule through its parts."""

from __future__ import annotations

import contextlib

import numpy as np

from ..graph import Tensor, graph_of
from ..hints import TensorLike
from .array import StopGradient, Where, ZerosLike
from .compare import in_top_k  # noqa: F401  (tf.nn.in_top_k)
from .conv import avg_pool, conv2d, max_pool  # noqa: F401  (tf.nn names)
from .elementwise import (
    Elu,
    Floor,
    LeakyRelu,
    Log1p,
    Relu6,
    Rsqrt,
    Selu,
    Softplus,
    Softsign,
    SquaredDifference,
)
from .indexing import gather, one_hot
from .math import Abs, Exp, GreaterEqual, Log, Maximum, Relu, Sigmoid, Square, Tanh
from .mathfns import l2_loss as _l2_loss
from .random import random_uniform, random_uniform_like
from .reduce import reduce_max, reduce_mean, reduce_sum
from .registry import broadcast, register_op, unbroadcast
from .shaping import squeeze
from .state import convert_to_tensor

relu, sigmoid, tanh = Relu, Sigmoid, Tanh


@contextlib.contextmanager
def _composite(name, *values):
    """Build in the graph of `values`, inside the scope `name`, all or nothing: a part that is
    rejected removes the parts already added and frees the scope name (API.md's promise)."""
    graph = graph_of(values)
    with graph.as_default(), graph.rollback_on_error(), graph.name_scope(name):
        yield


def _shifted(logits, axis):
    # The max is a constant shift for stability only; stopping its gradient keeps the backward
    # graph to the terms that really depend on the logits (softmax is shift-invariant).
    return logits - StopGradient(reduce_max(logits, axis, keepdims=True))


def softmax(logits: TensorLike, axis: int = -1, name: str | None = None) -> Tensor:
    """exp(x) / Σ exp(x) along `axis` (the last by default)."""
    with _composite(name or "Softmax", logits):
        e = Exp(_shifted(convert_to_tensor(logits), axis))
        return e / reduce_sum(e, axis, keepdims=True)


def log_softmax(logits: TensorLike, axis: int = -1, name: str | None = None) -> Tensor:
    with _composite(name or "LogSoftmax", logits):
        shifted = _shifted(convert_to_tensor(logits), axis)
        return shifted - Log(reduce_sum(Exp(shifted), axis, keepdims=True))


def softmax_cross_entropy_with_logits(
    _sentinel: None = None,
    labels: TensorLike | None = None,
    logits: TensorLike | None = None,
    dim: int = -1,
    name: str | None = None,
    axis: int | None = None,
) -> Tensor:
    """Per-example −Σ labels · log softmax(logits), TensorFlow 1.x's version: labels are wrapped
    in stop_gradient, so no gradient flows into them. Call with keywords, as TensorFlow requires.

    The gradient is the chain rule through the composite, Σlabels·softmax − labels: TensorFlow's
    fused kernel gives softmax − labels, the same whenever each row of labels sums to 1 (the
    documented precondition), different otherwise.
    """
    if _sentinel is not None or labels is None or logits is None:
        raise ValueError("softmax_cross_entropy_with_logits: pass labels=... and logits=...")
    axis = dim if axis is None else axis  # TensorFlow 1.x calls it dim
    with _composite(name or "softmax_cross_entropy_with_logits", labels, logits):
        logits = convert_to_tensor(logits)
        labels = StopGradient(convert_to_tensor(labels, logits.dtype), name="labels_stop_gradient")
        return -reduce_sum(labels * log_softmax(logits, axis), axis)


# -- more of tf.nn (TF 1.x names and arguments) -----------------------------------------------------
@register_op("BiasAdd", label="+b", partials=("1", "Σ over batch"))
class BiasAdd:
    """value + bias along the last dimension; the bias gradient sums the rest (BiasAddGrad)."""

    shape = broadcast

    def forward(value, bias):
        return value + bias

    def gradient(op, grad):
        value, bias = op.inputs
        return [grad, unbroadcast(grad, bias)]


def bias_add(value, bias, data_format=None, name=None):
    """``tf.nn.bias_add(x @ W, b)``: `bias` (rank 1) added along the last dimension."""
    if data_format not in (None, "NHWC", "N...C"):
        raise ValueError(f"bias_add: only channels-last data_format is supported, got {data_format!r}")
    b_rank = bias.shape.rank if isinstance(bias, Tensor) else np.ndim(bias)
    if b_rank not in (None, 1):
        raise ValueError(f"bias_add: bias must be rank 1, got rank {b_rank}")
    return BiasAdd(value, bias, name=name or "BiasAdd")


def leaky_relu(features, alpha=0.2, name=None):
    return LeakyRelu(features, alpha=float(alpha), name=name or "LeakyRelu")


def _unary(op, default):
    def build(features, name=None):
        return op(features, name=name or default)

    build.__name__ = default.lower()
    return build


elu, selu, softplus = _unary(Elu, "Elu"), _unary(Selu, "Selu"), _unary(Softplus, "Softplus")
softsign, relu6 = _unary(Softsign, "Softsign"), _unary(Relu6, "Relu6")


def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """Zero each entry with probability `rate` (= 1 − keep_prob), scale the rest by 1/keep_prob,
    with fresh draws at every run: x / keep_prob · floor(keep_prob + U[0, 1))."""
    if (keep_prob is None) == (rate is None):
        raise ValueError("dropout: give exactly one of keep_prob and rate")
    keep = 1 - rate if keep_prob is None else keep_prob
    if _is_number(keep) and not 0 < keep <= 1:
        raise ValueError(f"dropout: keep_prob must be in (0, 1], got {keep}")
    with _composite(name or "dropout", x, keep):
        x = convert_to_tensor(x)
        keep = (
            convert_to_tensor(keep, x.dtype) if isinstance(keep, Tensor) else np.asarray(keep, x.dtype)
        )
        if noise_shape is None:
            noise = random_uniform_like(x, seed=seed)
        else:
            noise = random_uniform(list(noise_shape), dtype=x.dtype, seed=seed)
        binary = Floor(keep + noise)
        return x / keep * binary


def _is_number(v):
    return isinstance(v, int | float | np.number)


def softmax_cross_entropy_with_logits_v2(
    _sentinel=None, labels=None, logits=None, axis=-1, name=None, dim=None
):
    """As softmax_cross_entropy_with_logits, but the gradient flows into the labels too."""
    if _sentinel is not None or labels is None or logits is None:
        raise ValueError("softmax_cross_entropy_with_logits_v2: pass labels=... and logits=...")
    axis = axis if dim is None else dim
    with _composite(name or "softmax_cross_entropy_with_logits", labels, logits):
        logits = convert_to_tensor(logits)
        labels = convert_to_tensor(labels, logits.dtype)
        return -reduce_sum(labels * log_softmax(logits, axis), axis)


def sparse_softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """−log softmax(logits)[label] per example; `labels` are class indices (int32/int64)."""
    if _sentinel is not None or labels is None or logits is None:
        raise ValueError("sparse_softmax_cross_entropy_with_logits: pass labels=... and logits=...")
    with _composite(name or "SparseSoftmaxCrossEntropyWithLogits", labels, logits):
        logits = convert_to_tensor(logits)
        labels = convert_to_tensor(labels)
        if labels.dtype.kind not in "iu":
            raise TypeError(
                f"sparse_softmax_cross_entropy_with_logits: labels must be ints, got {labels.dtype.name}"
            )
        depth = logits.shape.dims[-1] if logits.shape.dims else None
        if depth is None:
            raise ValueError(
                "sparse_softmax_cross_entropy_with_logits: the number of classes must be known"
            )
        if labels.shape.rank is not None and logits.shape.rank is not None:
            if labels.shape.rank != logits.shape.rank - 1:
                raise ValueError(
                    f"Rank mismatch: Rank of labels (received {labels.shape.rank}) should equal rank of "
                    f"logits minus 1 (received {logits.shape.rank})."
                )
        hot = one_hot(labels, depth, dtype=logits.dtype)
        return -reduce_sum(hot * log_softmax(logits), -1)


def sigmoid_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """Per-entry logistic loss, TensorFlow's stable form max(x, 0) − x·z + log(1 + e^−|x|)."""
    if _sentinel is not None or labels is None or logits is None:
        raise ValueError("sigmoid_cross_entropy_with_logits: pass labels=... and logits=...")
    with _composite(name or "logistic_loss", labels, logits):
        logits = convert_to_tensor(logits)
        labels = convert_to_tensor(labels, logits.dtype)
        if not logits.shape.is_compatible_with(labels.shape):
            raise ValueError(
                f"logits and labels must have the same shape ({logits.shape} vs {labels.shape})"
            )
        zeros = ZerosLike(logits)
        relu_logits = Where(GreaterEqual(logits, zeros), logits, zeros)
        neg_abs_logits = Where(GreaterEqual(logits, zeros), -logits, logits)
        return relu_logits - logits * labels + Log1p(Exp(neg_abs_logits))


def weighted_cross_entropy_with_logits(
    labels=None, logits=None, pos_weight=None, name=None, targets=None
):
    labels = targets if labels is None else labels
    with _composite(name or "logistic_loss", labels, logits):
        logits = convert_to_tensor(logits)
        labels = convert_to_tensor(labels, logits.dtype)
        log_weight = 1 + (pos_weight - 1) * labels
        neg_abs = -Abs(logits)
        return (1 - labels) * logits + log_weight * (Log1p(Exp(neg_abs)) + Relu(-logits))


def moments(x, axes, shift=None, name=None, keep_dims=None, keepdims=None):
    """(mean, variance) over `axes`; the variance holds the mean constant (stop_gradient), as
    TensorFlow 1.x computes it."""
    keep = bool(keepdims if keep_dims is None else keep_dims)
    with _composite(name or "moments", x):
        x = convert_to_tensor(x)
        mean = reduce_mean(x, axes, keepdims=True, name="mean")
        variance = reduce_mean(
            SquaredDifference(x, StopGradient(mean)), axes, keepdims=True, name="variance"
        )
        if not keep:
            mean, variance = squeeze(mean, axes), squeeze(variance, axes)
        return mean, variance


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """x / sqrt(max(Σ x², epsilon)) along `axis`."""
    axis = dim if axis is None else axis
    with _composite(name or "l2_normalize", x):
        x = convert_to_tensor(x)
        square_sum = reduce_sum(Square(x), axis, keepdims=True)
        return x * Rsqrt(Maximum(square_sum, np.asarray(epsilon, x.dtype)))


def embedding_lookup(params, ids, partition_strategy="mod", name=None, **unused):
    """Rows of `params` at `ids` (one params tensor: a list of shards is not supported)."""
    if isinstance(params, list | tuple):
        if len(params) != 1:
            raise ValueError("embedding_lookup: sharded params (a list of several) are not supported")
        params = params[0]
    return gather(params, ids, name=name or "embedding_lookup")


def l2_loss(t, name=None):
    return _l2_loss(t, name=name)


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """(x − mean) · scale / sqrt(variance + ε) + offset, computed as TensorFlow does:
    x · inv + (offset − mean · inv) with inv = scale · rsqrt(variance + ε)."""
    with _composite(name or "batchnorm", x, mean, variance):
        x = convert_to_tensor(x)
        inv = Rsqrt(variance + np.asarray(variance_epsilon, x.dtype))
        if scale is not None:
            inv = inv * scale
        shift = -mean * inv if offset is None else offset - mean * inv
        return x * inv + shift
