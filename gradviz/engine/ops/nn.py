"""Composite neural-network ops, built from primitives inside a name scope (tinygrad's way), so
each draws as one collapsible box and its gradient is the chain rule through its parts."""

import contextlib

from ..graph import graph_of
from .array import StopGradient
from .math import Exp, Log, Relu, Sigmoid, Tanh
from .reduce import reduce_max, reduce_sum
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


def softmax(logits, axis=-1, name=None):
    """exp(x) / Σ exp(x) along `axis` (the last by default)."""
    with _composite(name or "Softmax", logits):
        e = Exp(_shifted(convert_to_tensor(logits), axis))
        return e / reduce_sum(e, axis, keepdims=True)


def log_softmax(logits, axis=-1, name=None):
    with _composite(name or "LogSoftmax", logits):
        shifted = _shifted(convert_to_tensor(logits), axis)
        return shifted - Log(reduce_sum(Exp(shifted), axis, keepdims=True))


def softmax_cross_entropy_with_logits(
    _sentinel=None, labels=None, logits=None, dim=-1, name=None, axis=None
):
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
