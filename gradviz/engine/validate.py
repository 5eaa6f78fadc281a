"""Argument checks for the public entry points, run before anything is added to a graph or run.

Each check raises a `TypeError` (a value of the wrong kind) or a `ValueError` (the right kind, a
wrong value) whose message names the argument, says what it got and what was expected:

    >>> check_axis("a", "axis")
    TypeError: axis must be an int or a list of ints, got str 'a'

Entry points call them on their first lines, so a rejected call leaves the graph and the session
exactly as they were; what can only fail while building is undone by `Graph.rollback_on_error`.
"""

import math
import numbers
from collections.abc import Mapping

import numpy as np

from .graph import Operation, Tensor, as_list, graph_of


def describe(value, limit=60):
    """``str 'a'``, ``NoneType None``: the kind and a short repr of a rejected value."""
    text = repr(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"{type(value).__name__} {text}"


# -- tensors and graphs -----------------------------------------------------------------------------
def check_tensor(value, arg, graph=None):
    """`value` itself if it is a Tensor (a Variable is one) of `graph` (any graph if None)."""
    if not isinstance(value, Tensor):
        hint = _tensor_hint(value)
        raise TypeError(f"{arg} must be a Tensor, got {describe(value)}{hint}")
    if graph is not None and value.graph is not graph:
        raise ValueError(
            f"{arg} (Tensor '{value.name}') belongs to another graph: every tensor of one call "
            "must come from the same graph"
        )
    return value


def _tensor_hint(value):
    if isinstance(value, str):
        return " (a name: look the tensor up with graph.get_tensor_by_name(name))"
    if isinstance(value, Operation):
        return f" (an Operation: pass its output, {value.name}:0)"
    return ""


def check_tensors(values, arg, graph=None):
    """One Tensor or a list/tuple of them, as a list; each checked as `arg[i]`."""
    if values is None:
        raise TypeError(f"{arg} must be a Tensor or a list of Tensors, got None")
    if not isinstance(values, list | tuple):
        return [check_tensor(values, arg, graph)]
    return [check_tensor(v, f"{arg}[{i}]", graph) for i, v in enumerate(values)]


def check_ys_xs(ys, xs, stop_gradients=None, grad_ys=None):
    """The graph of a gradients()-style call, once ys, xs and stop_gradients are valid Tensors of
    it (gradients(None, xs) is an error, as in TensorFlow: "None values not supported")."""
    if ys is None or (isinstance(ys, list | tuple) and any(y is None for y in ys)):
        raise ValueError("ys: None values not supported; pass the Tensor(s) to differentiate")
    ys = check_tensors(ys, "ys")
    xs = check_tensors(xs, "xs")
    stops = [check_tensor(s, f"stop_gradients[{i}]") for i, s in enumerate(as_list(stop_gradients))]
    if grad_ys is not None and not isinstance(grad_ys, list | tuple):
        grad_ys = [grad_ys]
    for i, gy in enumerate(grad_ys or []):
        if isinstance(gy, Operation | str):
            raise TypeError(f"grad_ys[{i}] must be a Tensor, an array or None, got {describe(gy)}")
    return graph_of(ys + xs + stops, what="ys, xs and stop_gradients")


def check_graph(value, arg="graph"):
    from .graph import Graph

    if value is not None and not isinstance(value, Graph):
        raise TypeError(f"{arg} must be a gv.Graph or None, got {describe(value)}")
    return value


def resolve_element(graph, obj, arg, error=ValueError):
    """A Tensor or Operation of `graph` from itself or its name; an unknown name raises `error`
    (ValueError by default) rather than the graph's KeyError, naming `arg`."""
    if obj is None:
        raise TypeError(f"{arg} is None; expected a Tensor or a tensor name such as 'x:0'")
    if not isinstance(obj, str | Tensor | Operation):
        raise TypeError(f"{arg} must be a Tensor or a tensor name, got {describe(obj)}")
    try:
        return graph.as_graph_element(obj)
    except (KeyError, ValueError) as err:
        message = err.args[0] if err.args else str(err)
        raise error(f"{arg} {obj!r} cannot be interpreted as a Tensor: {message}") from None


# -- feeds and sessions -----------------------------------------------------------------------------
def check_feed_dict(feed_dict, graph, arg="feed_dict"):
    """{Tensor: array} for a feed_dict whose keys are placeholders (or variables, or any tensor)
    of `graph`, or their names, and whose values fit their dtype and shape."""
    from .session import _feed_array

    if feed_dict is None:
        return {}
    if not isinstance(feed_dict, Mapping):
        raise TypeError(f"{arg} must be a dict {{placeholder: value}}, got {describe(feed_dict)}")
    checked = {}
    for key, value in feed_dict.items():
        target = resolve_element(graph, key, f"{arg} key", error=TypeError) if key is not None else None
        if not isinstance(target, Tensor):
            what = "None" if key is None else f"Operation '{target.name}'"
            raise TypeError(
                f"Cannot interpret {arg} key as Tensor: {what}; a key must be a placeholder "
                "Tensor or its name ('x:0')"
            )
        checked[target] = _feed_array(target, value)
    return checked


def check_session(session, graph, arg="session"):
    """None, or a Session that runs `graph`."""
    from .session import Session

    if session is None:
        return None
    if not isinstance(session, Session):
        raise TypeError(f"{arg} must be a gv.Session or None, got {describe(session)}")
    if session._closed:
        raise ValueError(f"{arg}: Attempted to use a closed Session.")
    if graph is not None and session.graph is not graph:
        raise ValueError(f"{arg} runs another graph than the one of the tensors given")
    return session


# -- plain values -----------------------------------------------------------------------------------
def check_name(name, arg="name"):
    if name is not None and not isinstance(name, str):
        raise TypeError(f"{arg} must be a string or None, got {describe(name)}")
    return name


def check_bool(value, arg):
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{arg} must be True or False, got {describe(value)}")
    return bool(value)


def check_int(value, arg, minimum=None):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{arg} must be an integer, got {describe(value)}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{arg} must be at least {minimum}, got {value}")
    return int(value)


def check_number(value, arg, minimum=None, allow_none=False):
    """A finite real number (not a bool, not a string), at least `minimum`."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{arg} must be a number, got {describe(value)}")
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an int too large for a float
        finite = False
    if not finite:
        raise ValueError(f"{arg} must be a finite number, got {value}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{arg} must be at least {minimum}, got {value}")
    return float(value)


def check_choice(value, choices, arg):
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{arg} must be one of {', '.join(map(repr, choices))}; got {describe(value)}")
    return value


def check_axis(axis, arg="axis"):
    """None, an int, or a list/tuple of ints (what reductions accept); a tuple of ints back."""
    if axis is None:
        return None
    if _is_int(axis):
        return (int(axis),)
    if isinstance(axis, np.ndarray) and axis.ndim <= 1 and axis.dtype.kind in "iu":
        return tuple(int(a) for a in axis.reshape(-1))
    if isinstance(axis, list | tuple) and all(_is_int(a) for a in axis):
        return tuple(int(a) for a in axis)
    raise TypeError(f"{arg} must be an int or a list of ints, got {describe(axis)}")


def check_shape(shape, arg="shape", allow_unknown=True, allow_infer=False):
    """A shape as a tuple of ints, or None for an unknown rank. `allow_unknown`: None and -1 mean
    a dimension not known yet; `allow_infer`: one -1 for the dimension to infer (reshape).
    Floats, strings and dimensions below -1 are rejected."""
    if hasattr(shape, "dims") and not isinstance(shape, np.ndarray):  # a TensorShape
        shape = shape.dims
    if shape is None:
        if not allow_unknown:
            raise TypeError(f"{arg} must be a list of integers, got None")
        return None
    if _is_int(shape):
        shape = [shape]
    if isinstance(shape, np.ndarray) and shape.ndim == 1:
        shape = shape.tolist()
    if isinstance(shape, str | bytes) or not isinstance(shape, list | tuple):
        raise TypeError(f"{arg} must be a list of integers, got {describe(shape)}")
    dims = []
    for i, d in enumerate(shape):
        if d is None and allow_unknown:
            dims.append(None)
            continue
        if not _is_int(d):
            raise TypeError(
                f"{arg}[{i}] must be an integer{' or None' if allow_unknown else ''}, got {describe(d)}"
            )
        if d < -1 or (d == -1 and not (allow_unknown or allow_infer)):
            raise ValueError(
                f"{arg}[{i}] is {d}: a dimension must be ≥ 0{_minus_one(allow_unknown, allow_infer)}"
            )
        dims.append(int(d))
    if allow_infer and dims.count(-1) > 1:
        raise ValueError(f"{arg} {list(dims)}: only one dimension can be -1 (inferred from the size)")
    return tuple(dims)


def _minus_one(allow_unknown, allow_infer):
    if allow_infer:
        return " (or -1 for the one dimension inferred from the size)"
    return " (or -1 / None for one not known yet)" if allow_unknown else ""


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)
