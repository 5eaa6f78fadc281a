"""`custom_gradient`: a function whose gradient the user writes, as `tf.custom_gradient`."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ..graph import Tensor, graph_of
from .registry import apply_op, register_op
from .state import convert_to_tensor


@register_op(
    "CustomGradient",
    label="custom ∇",
    partials=("user's grad_fn",),
    typed=(),
    aliasing=True,
    custom_gradient=True,
)
class CustomGradient:
    """Passes f's output through; its gradient is the user's `grad_fn`, and nothing flows back
    through the ops inside f (TensorFlow's IdentityN with a gradient override)."""

    def forward(*inputs, grad_fn, num_x):
        return inputs[-1]

    def shape(*shapes, grad_fn, num_x):
        return shapes[-1]

    def dtype(*kinds, grad_fn, num_x):
        return kinds[-1]

    def gradient(op, grad):
        grads = op.attrs["grad_fn"](grad)
        grads = list(grads) if isinstance(grads, list | tuple) else [grads]
        num_x = op.attrs["num_x"]
        if len(grads) != num_x:
            raise ValueError(
                f"custom_gradient '{op.name}': grad_fn returned {len(grads)} "
                f"gradients for {num_x} inputs"
            )
        xs = op.inputs[:num_x]
        grads = [g if g is None else convert_to_tensor(g, x.dtype) for g, x in zip(grads, xs)]
        return grads + [None]


def custom_gradient(f: Callable[..., tuple[Any, Callable]]) -> Callable[..., Any]:
    """Decorator: ``f(*xs)`` returns ``(y, grad_fn)`` with ``grad_fn(dy) -> dx or [dx1, dx2]``.

    >>> @gv.custom_gradient
    ... def clip_grad_identity(x):
    ...     return gv.identity(x), lambda dy: gv.minimum(gv.maximum(dy, -1.), 1.)
    """

    @functools.wraps(f)
    def wrapped(*xs):
        graph = graph_of(xs)
        with graph.as_default(), graph.rollback_on_error():  # f failing halfway adds nothing
            xs = [x if isinstance(x, Tensor) else convert_to_tensor(x) for x in xs]
            y, grad_fn = f(*xs)
            y = convert_to_tensor(y)
            attrs = {"grad_fn": grad_fn, "num_x": len(xs)}
            return apply_op("CustomGradient", [*xs, y], attrs, name=f.__name__)

    return wrapped
