"""`tf.losses` (TensorFlow 1.x): each loss is its per-entry formula, then `compute_weighted_loss`
with TF's default reduction, SUM_BY_NONZERO_WEIGHTS (the weighted sum divided by the number of
non-zero weights), added to the "losses" collection."""

import numpy as np

from .graph import get_default_graph
from .ops import nn
from .ops.array import Cast, Where
from .ops.compare import NotEqual
from .ops.creation import ones_like, zeros_like
from .ops.elementwise import SquaredDifference
from .ops.math import Abs, Log, Minimum, Mul
from .ops.mathfns import composite
from .ops.reduce import reduce_sum
from .ops.state import convert_to_tensor, get_collection


class Reduction:
    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls):
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE, cls.SUM_BY_NONZERO_WEIGHTS)


def compute_weighted_loss(losses, weights=1.0, scope=None, loss_collection="losses", reduction=None):
    """losses · weights reduced by `reduction` (SUM_BY_NONZERO_WEIGHTS by default)."""
    reduction = Reduction.SUM_BY_NONZERO_WEIGHTS if reduction is None else reduction
    if reduction not in Reduction.all():
        raise ValueError(f"Invalid reduction: {reduction!r}")
    with composite(scope or "weighted_loss", losses, weights):
        losses = convert_to_tensor(losses)
        weights = convert_to_tensor(weights, losses.dtype)
        weighted = Mul(losses, weights)
        if reduction == Reduction.NONE:
            loss = weighted
        else:
            loss = reduce_sum(weighted)
            if reduction == Reduction.MEAN:
                loss = loss / reduce_sum(weights * ones_like(losses))
            elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
                loss = loss / Cast(reduce_sum(ones_like(losses)), dtype=losses.dtype)
            elif reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
                present = Cast(
                    NotEqual(weights * ones_like(losses), zeros_like(losses)), dtype=losses.dtype
                )
                count = reduce_sum(present)
                loss = Where(count > 0, loss / _safe(count), zeros_like(loss))
        if loss_collection:
            get_default_graph().add_to_collection(loss_collection, loss)
        return loss


def _safe(count):
    return Where(count > 0, count, ones_like(count))


def _pair(labels, predictions, what):
    predictions = convert_to_tensor(predictions)
    labels = convert_to_tensor(labels, predictions.dtype)
    if not predictions.shape.is_compatible_with(labels.shape):
        raise ValueError(f"{what}: shapes {predictions.shape} and {labels.shape} are incompatible")
    return labels, predictions


def _loss(name, scope, per_entry, labels, predictions, weights, loss_collection, reduction):
    with composite(scope or name, labels, predictions):
        labels, predictions = _pair(labels, predictions, name)
        return compute_weighted_loss(
            per_entry(labels, predictions), weights, None, loss_collection, reduction
        )


def mean_squared_error(
    labels, predictions, weights=1.0, scope=None, loss_collection="losses", reduction=None
):
    """mean((labels − predictions)²) with TensorFlow's weighting."""
    return _loss(
        "mean_squared_error",
        scope,
        SquaredDifference,
        labels,
        predictions,
        weights,
        loss_collection,
        reduction,
    )


def absolute_difference(
    labels, predictions, weights=1.0, scope=None, loss_collection="losses", reduction=None
):
    return _loss(
        "absolute_difference",
        scope,
        lambda y, p: Abs(p - y),
        labels,
        predictions,
        weights,
        loss_collection,
        reduction,
    )


def huber_loss(
    labels, predictions, weights=1.0, delta=1.0, scope=None, loss_collection="losses", reduction=None
):
    """½ e² for |e| ≤ delta, delta·(|e| − ½ delta) beyond, TensorFlow's formula."""

    def per_entry(y, p):
        error = p - y
        abs_error = Abs(error)
        quadratic = Minimum(abs_error, delta)
        linear = abs_error - quadratic
        return 0.5 * quadratic * quadratic + delta * linear

    return _loss(
        "huber_loss", scope, per_entry, labels, predictions, weights, loss_collection, reduction
    )


def log_loss(
    labels, predictions, weights=1.0, epsilon=1e-7, scope=None, loss_collection="losses", reduction=None
):
    """−y·log(p + ε) − (1 − y)·log(1 − p + ε)."""

    def per_entry(y, p):
        return -y * Log(p + epsilon) - (1 - y) * Log(1 - p + epsilon)

    return _loss("log_loss", scope, per_entry, labels, predictions, weights, loss_collection, reduction)


def _cross_entropy(scope, labels, logits, smoothed, per_entry, weights, loss_collection, reduction):
    """A cross-entropy loss: labels smoothed (`smoothed(labels, logits)`), per-entry losses, then
    TensorFlow's weighting."""
    with composite(scope, labels, logits):
        logits = convert_to_tensor(logits)
        labels = convert_to_tensor(labels, logits.dtype)
        losses = per_entry(labels=smoothed(labels, logits), logits=logits)
        return compute_weighted_loss(losses, weights, None, loss_collection, reduction)


def softmax_cross_entropy(
    onehot_labels,
    logits,
    weights=1.0,
    label_smoothing=0,
    scope=None,
    loss_collection="losses",
    reduction=None,
):
    """Softmax cross-entropy of one-hot labels; `label_smoothing` moves them toward 1/classes."""

    def smoothed(labels, logits):
        if not label_smoothing:
            return labels
        return labels * (1 - label_smoothing) + label_smoothing / logits.shape.dims[-1]

    return _cross_entropy(
        scope or "softmax_cross_entropy_loss",
        onehot_labels,
        logits,
        smoothed,
        nn.softmax_cross_entropy_with_logits_v2,
        weights,
        loss_collection,
        reduction,
    )


def sparse_softmax_cross_entropy(
    labels, logits, weights=1.0, scope=None, loss_collection="losses", reduction=None
):
    with composite(scope or "sparse_softmax_cross_entropy_loss", labels, logits):
        losses = nn.sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=logits, name="xentropy"
        )
        return compute_weighted_loss(losses, weights, None, loss_collection, reduction)


def sigmoid_cross_entropy(
    multi_class_labels,
    logits,
    weights=1.0,
    label_smoothing=0,
    scope=None,
    loss_collection="losses",
    reduction=None,
):
    """Sigmoid cross-entropy per entry; `label_smoothing` moves the labels toward 1/2."""

    def smoothed(labels, logits):
        return labels * (1 - label_smoothing) + 0.5 * label_smoothing if label_smoothing else labels

    return _cross_entropy(
        scope or "sigmoid_cross_entropy_loss",
        multi_class_labels,
        logits,
        smoothed,
        nn.sigmoid_cross_entropy_with_logits,
        weights,
        loss_collection,
        reduction,
    )


def get_losses(scope=None, loss_collection="losses"):
    return get_collection(loss_collection, scope)


def get_regularization_losses(scope=None):
    return get_collection("regularization_losses", scope)


def get_regularization_loss(scope=None, name="total_regularization_loss"):
    """The sum of the regularization losses (0.0 when there are none)."""
    losses = get_regularization_losses(scope)
    if not losses:
        return convert_to_tensor(np.float32(0.0), name=name)
    from .ops import add_n

    return add_n(losses, name=name)


def get_total_loss(add_regularization_losses=True, name="total_loss"):
    from .ops import add_n

    losses = get_losses() + (get_regularization_losses() if add_regularization_losses else [])
    if not losses:
        raise ValueError("No losses found")
    return add_n(losses, name=name)


def add_loss(loss, loss_collection="losses"):
    if loss_collection:
        get_default_graph().add_to_collection(loss_collection, loss)
