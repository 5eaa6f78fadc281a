"""Control and checks: cond, control_dependencies, no_op, tuple, check_numerics, Print / print,
py_func.

`cond` builds both branches, as TensorFlow 1.x does, and its "Cond" op returns the taken branch's
value; the session computes both branches (gradviz runs a straight-line program), so a branch
that cannot run on the other branch's inputs should guard itself. The gradient flows into the
taken branch only: the other gets zeros.
"""

import builtins
import contextlib
import sys

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import Operation, Tensor, as_list, get_default_graph, graph_of
from ..shape import TensorShape
from .array import Where, ZerosLike
from .registry import GROUP, apply_op, register_op
from .state import convert_to_tensor, group


# -- cond -----------------------------------------------------------------------------------------
@register_op("Cond", label="if", partials=("—", "[pred]", "[¬pred]"), typed=(1, 2), aliasing=True)
class Cond:
    """`when_true` if the scalar `pred` holds, else `when_false`."""

    def forward(pred, when_true, when_false):
        return when_true if pred else when_false

    def shape(pred, when_true, when_false):
        if pred.rank not in (None, 0):
            raise ValueError(f"cond: pred must be a scalar, got shape {pred}")
        if when_true.is_compatible_with(when_false):
            return when_true.merge_with(when_false)
        if when_true.rank is not None and when_true.rank == when_false.rank:
            return TensorShape([None] * when_true.rank)
        return TensorShape(None)

    def dtype(pred, when_true, when_false):
        if pred != dtypes.bool_:
            raise TypeError(f"cond: pred must be a bool tensor, got {pred.name}")
        return when_true

    def gradient(op, grad):
        pred = op.inputs[0]
        zeros = ZerosLike(grad)
        return [None, Where(pred, grad, zeros), Where(pred, zeros, grad)]


def cond(pred, true_fn=None, false_fn=None, strict=False, name=None, fn1=None, fn2=None):
    """``tf.cond(x > 0, lambda: a, lambda: b)``: the value of the branch `pred` picks (the
    branches return a tensor or a list/tuple of tensors with the same structure and dtypes)."""
    true_fn, false_fn = true_fn or fn1, false_fn or fn2
    if isinstance(pred, bool | np.bool_):
        raise TypeError("pred must not be a Python bool")
    if not callable(true_fn) or not callable(false_fn):
        raise TypeError("cond: true_fn and false_fn must be callable")
    graph = graph_of([pred])
    with graph.as_default(), graph.rollback_on_error(), graph.name_scope(name or "cond"):
        pred = convert_to_tensor(pred)
        with graph.name_scope("true"):
            taken = true_fn()
        with graph.name_scope("false"):
            other = false_fn()
        return _merge(pred, taken, other)


def _merge(pred, taken, other):
    if isinstance(taken, list | builtins.tuple):
        if not isinstance(other, list | builtins.tuple) or len(taken) != len(other):
            raise ValueError("cond: true_fn and false_fn must return the same structure")
        return type(taken)(_merge(pred, a, b) for a, b in zip(taken, other))
    if isinstance(taken, Operation) or isinstance(other, Operation):
        raise TypeError(
            "cond: branches must return tensors (wrap an op in tf.control_dependencies + identity)"
        )
    a = convert_to_tensor(taken)
    b = convert_to_tensor(other, a.dtype)
    return apply_op("Cond", [pred, a, b], name="Merge")


# -- control dependencies, no_op, tuple -----------------------------------------------------------
@contextlib.contextmanager
def control_dependencies(control_inputs):
    """Ops created inside run only after `control_inputs` (ops or tensors) have run.
    ``None`` clears the dependencies of the enclosing blocks."""
    graph = get_default_graph()
    ops = [] if control_inputs is None else [_as_op(c) for c in control_inputs]
    stack = graph.__dict__.setdefault("_control_dependencies", [])
    previous = stack[-1] if stack and control_inputs is not None else []
    stack.append([*previous, *[op for op in ops if op not in previous]])
    try:
        yield
    finally:
        stack.pop()


def _as_op(value):
    if isinstance(value, Tensor):
        return value.op
    if isinstance(value, Operation):
        return value
    raise TypeError(f"control_dependencies: expected ops or tensors, got {value!r}")


def no_op(name=None):
    """An op that does nothing (a point to hang control dependencies on)."""
    return group(name=name or "NoOp")


def tuple(tensors, name=None, control_inputs=None):  # noqa: A001 (TensorFlow's name)
    """The `tensors` again, each available only once all of them (and `control_inputs`) ran."""
    tensors = list(tensors)
    real = [t for t in tensors if t is not None]
    graph = graph_of(real)
    with graph.as_default(), graph.rollback_on_error(), graph.name_scope(name or "tuple"):
        gate = group(*real, *(control_inputs or []), name="control_dependency")
        return [
            None
            if t is None
            else apply_op("Identity", [t], name="control_dependency", control_inputs=(gate,))
            for t in tensors
        ]


# -- check_numerics, Print, print ------------------------------------------------------------------
@register_op("CheckNumerics", label="check", partials=("1",), kinds="f", aliasing=True)
class CheckNumerics:
    def forward(tensor, *, message):
        if not np.all(np.isfinite(tensor)):
            kind = "NaN" if np.any(np.isnan(tensor)) else "Inf"
            raise InvalidArgumentError(f"{message} : Tensor had {kind} values")
        return tensor

    def gradient(op, grad):
        message = (
            "Not a number (NaN) or infinity (Inf) values detected in gradient. " + op.attrs["message"]
        )
        return [CheckNumerics(grad, message=message)]


def check_numerics(tensor, message, name=None):
    """`tensor` itself, but running it raises InvalidArgumentError if it holds NaN or Inf."""
    if not isinstance(message, str):
        raise TypeError(f"check_numerics: message must be a string, got {message!r}")
    return CheckNumerics(tensor, message=message, name=name or "CheckNumerics")


def _formatted(value, summarize):
    """A value as TensorFlow prints it: [1 2.5 3], numbers in %g style, long axes summarized."""
    value = np.asarray(value)
    formatter = {"float_kind": lambda v: f"{v:g}"}
    if value.ndim == 0:
        return formatter["float_kind"](value) if value.dtype.kind == "f" else str(value)
    edge = summarize or 3
    return np.array2string(value, threshold=2 * edge, edgeitems=edge, formatter=formatter, separator=" ")


@register_op("Print", label="print", partials=("1",), stateful=True, typed=(0,), aliasing=True)
class PrintOp:
    """Passes `inputs[0]` through and prints the other inputs, as TensorFlow 1.x's tf.Print."""

    def forward(state, pending, *inputs, message, first_n, summarize, key):
        count = state.get(key, 0)
        if first_n is None or first_n < 0 or count < first_n:
            parts = "".join(f"[{_formatted(v, summarize)}]" for v in inputs[1:])
            print(f"{message}{parts}", file=sys.stderr)
        state[key] = count + 1
        return inputs[0]

    def shape(*shapes, message, first_n, summarize, key):
        return shapes[0]

    def dtype(*kinds, message, first_n, summarize, key):
        return kinds[0]

    def gradient(op, grad):
        return [grad] + [None] * (len(op.inputs) - 1)


def Print(input_, data, message=None, first_n=None, summarize=None, name=None):  # noqa: N802
    """`input_` again; each run prints `message` and the values of `data` to stderr."""
    graph = graph_of([input_, *as_list(data)])
    key = ("print", graph.unique_name(name or "Print", mark_as_used=False))
    attrs = {"message": message or "", "first_n": first_n, "summarize": summarize, "key": key}
    return apply_op("Print", [input_, *as_list(data)], attrs, name=name or "Print")


@register_op("PrintV2", label="print", no_gradient="no output", stateful=True, typed=(), role=GROUP)
class PrintV2:
    def forward(state, pending, *inputs, template, sep, end, stream, summarize):
        values = iter(inputs)
        parts = [next(values) if part is None else part for part in template]
        text = sep.join(p if isinstance(p, str) else _formatted(p, summarize) for p in parts)
        print(text, end=end, file=sys.stdout if stream == "stdout" else sys.stderr)

    def shape(*shapes, template, sep, end, stream, summarize):
        return TensorShape(None)

    def dtype(*kinds, template, sep, end, stream, summarize):
        return dtypes.bool_


def print_(*inputs, output_stream=None, summarize=3, sep=" ", end="\n", name=None):
    """``tf.print("loss:", loss)``: an op that prints its inputs (strings as they are, tensors by
    value) every time it runs, to stderr by default."""
    if output_stream not in (None, sys.stderr, sys.stdout, sys.__stderr__, sys.__stdout__):
        raise ValueError("print: output_stream must be sys.stdout or sys.stderr")
    to_stdout = output_stream in (sys.stdout, sys.__stdout__)
    tensors = [x for x in inputs if not isinstance(x, str)]
    graph = graph_of(tensors)
    with graph.as_default(), graph.rollback_on_error():
        tensors = [convert_to_tensor(x) for x in tensors]
        template = [x if isinstance(x, str) else None for x in inputs]
        attrs = {
            "template": template,
            "sep": sep,
            "end": end,
            "stream": "stdout" if to_stdout else "stderr",
            "summarize": summarize,
        }
        return apply_op("PrintV2", tensors, attrs, name=name or "PrintV2").op


# -- py_func ---------------------------------------------------------------------------------------
@register_op("PyFunc", label="py_func", no_gradient="py_func", stateful=True, typed=(), num_outputs=None)
class PyFunc:
    """Calls a Python function on numpy values while the graph runs (no gradient)."""

    def forward(state, pending, *inputs, func, tout):
        results = func(*inputs)
        results = list(results) if isinstance(results, list | builtins.tuple) else [results]
        if len(results) != len(tout):
            raise InvalidArgumentError(f"py_func returned {len(results)} values, expected {len(tout)}")
        arrays = [np.asarray(r, dtype=t) for r, t in zip(results, tout)]
        return arrays[0] if len(arrays) == 1 else arrays  # one output: the value itself

    def shape(*shapes, func, tout):
        return [TensorShape(None)] * len(tout)

    def dtype(*kinds, func, tout):
        return list(tout)


def py_func(func, inp, Tout, stateful=True, name=None):  # noqa: N803 (TensorFlow's name)
    """``tf.py_func(np_fn, [x], tf.float32)``: `func` runs on numpy arrays at each run."""
    if not callable(func):
        raise TypeError(f"py_func: func must be callable, got {func!r}")
    single = not isinstance(Tout, list | builtins.tuple)
    tout = [dtypes.as_dtype(t) for t in ([Tout] if single else Tout)]
    outputs = apply_op("PyFunc", list(inp), {"func": func, "tout": tout}, name=name or "PyFunc")
    return outputs[0] if single else list(outputs)
