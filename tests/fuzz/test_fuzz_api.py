"""Property-based fuzzing of every public entry point (hypothesis, derandomized: the same calls on
every run, a few seconds in all).

Each generated call takes one entry point (engine, trace, drawings, Debugger, summaries, monitor,
checks, optimizer) with valid arguments, replaces one of them by a malformed value (wrong type,
None, a ragged list, a NaN/Inf feed, a huge int, a string, a tensor of another graph, a grad_ys of
the wrong rank, an axis out of range, a dtype mismatch, an object array ...) and asserts:

  - the call either works, and its result is right, or raises an allowed error (TypeError,
    ValueError and TensorFlow's InvalidArgumentError/FailedPreconditionError, which are
    ValueErrors; IndexError only for a Debugger step out of range) whose message names the
    argument (or the tensor) involved;
  - afterwards the graph has as many ops as before (unless the call builds ops and succeeded),
    no gradient map was left behind by a failure, the variables hold their values and an earlier
    result is computed as before.

`OUTCOMES` counts what happened, by entry point and outcome; the test prints the table.
"""

import math
import os
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradviz as gv

pytestmark = pytest.mark.filterwarnings("ignore")

ALLOWED = (TypeError, ValueError)
OUTCOMES = Counter()
# CI runs the same 600 calls every time; GRADVIZ_FUZZ_EXAMPLES=5000 GRADVIZ_FUZZ_RANDOM=1 explores.
MAX_EXAMPLES = int(os.environ.get("GRADVIZ_FUZZ_EXAMPLES", 600))
DERANDOMIZE = not os.environ.get("GRADVIZ_FUZZ_RANDOM")


# -- a small model to call things on ----------------------------------------------------------------
class World:
    """Two graphs: the model (x -> x @ W + b -> tanh -> mean) with a session, and another graph."""

    def __init__(self):
        self.graph = gv.Graph()
        with self.graph.as_default():
            self.x = gv.placeholder("float32", [None, 3], name="x")
            self.W = gv.Variable(np.arange(6, dtype=np.float32).reshape(3, 2) / 10, name="W")
            self.b = gv.Variable(np.array([0.1, -0.2], np.float32), name="b")
            self.h = gv.tanh(gv.matmul(self.x, self.W) + self.b, name="h")
            self.loss = gv.reduce_mean(self.h, name="loss")
            self.grads = gv.gradients(self.loss, [self.W, self.b])  # reused by the checks
            self.sess = gv.Session(self.graph)
            self.sess.run(gv.global_variables_initializer())
        self.feed = {self.x: np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]], np.float32)}
        self.expected = self.sess.run(self.loss, self.feed)
        self.other_graph = gv.Graph()
        with self.other_graph.as_default():
            self.other = gv.placeholder("float32", [None, 3], name="x")

    def snapshot(self):
        return len(self.graph), len(self.graph.gradient_maps), self.sess.variable_values()

    def trace(self):
        return gv.trace_backward(self.loss, [self.W, self.b], self.feed, session=self.sess)


@dataclass(frozen=True)
class Ref:
    """A stand-in for a tensor of the World, resolved when the call is made."""

    name: str

    def resolve(self, world):
        return (
            {
                "x": world.x,
                "W": world.W,
                "b": world.b,
                "h": world.h,
                "loss": world.loss,
                "other": world.other,
                "x.op": world.x.op,
                "sess": world.sess,
            }[self.name]
            if self.name != "trace"
            else world.trace_
        )


def resolve(value, world):
    if isinstance(value, Ref):
        return value.resolve(world)
    if isinstance(value, list):
        return [resolve(v, world) for v in value]
    if isinstance(value, tuple):
        return tuple(resolve(v, world) for v in value)
    if isinstance(value, dict):
        return {resolve(k, world): resolve(v, world) for k, v in value.items()}
    return value


# -- malformed values -------------------------------------------------------------------------------
_OBJECT_ARRAY = np.array([1.0, None, "a"], dtype=object)
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.text(max_size=4),
    st.sampled_from(["x:0", "nope:0", "W", "loss:0", "h", ""]),
    st.sampled_from([[[1.0, 2.0], [3.0]], [[1, 2, 3], [4, 5]], [1, [2, 3]]]),  # ragged
    st.lists(st.lists(st.floats(-1e3, 1e3, width=32), min_size=3, max_size=3), max_size=3),
    st.sampled_from(
        [_OBJECT_ARRAY, np.array([1 + 2j]), np.array(["a", "b"]), np.zeros((2, 3), np.int64)]
    ),
    st.sampled_from([np.full((2, 3), np.nan, np.float32), np.full((2, 3), np.inf, np.float32)]),
    st.sampled_from([Ref("other"), Ref("x.op"), Ref("x"), Ref("W"), Ref("loss")]),
    st.sampled_from([{1, 2}, {"a": 1}, (), [], [None], [Ref("other")], object()]),
)
FEEDS = st.one_of(
    JUNK,
    st.builds(lambda v: {Ref("x"): v}, JUNK),
    st.sampled_from(
        [
            {None: np.zeros((2, 3))},
            {"nope:0": 1.0},
            {"x:0": np.zeros((2, 4))},
            {Ref("other"): np.zeros((1, 3))},
            {Ref("x.op"): np.zeros((1, 3))},
            {Ref("x"): np.full((2, 3), np.nan)},
            {Ref("x"): np.full((1, 3), np.inf)},
            {Ref("x"): np.zeros((0, 3))},
            {Ref("x"): [[1, 2, 3]]},
            {Ref("x"): np.zeros((2, 3), np.float64)},
            {Ref("W"): np.ones((3, 2))},
        ]
    ),
)
AXES = st.one_of(
    JUNK,
    st.integers(-4, 4),
    st.lists(st.integers(-3, 3), max_size=3),
    st.sampled_from([2.0, "1", (0, "a")]),
)
SHAPES = st.one_of(
    JUNK,
    st.lists(
        st.one_of(st.integers(-6, 7), st.none(), st.floats(-3, 3), st.text(max_size=1)), max_size=3
    ),
)
DTYPES = st.one_of(
    JUNK,
    st.sampled_from(
        ["float32", "float", "int32", "bool", "complex64", "string", np.float64, int, gv.float16]
    ),
)
NUMBERS = st.one_of(JUNK, st.floats(-1e3, 1e3), st.integers(-5, 50))
NAMES = st.one_of(JUNK, st.sampled_from(["fine", "scope/", "a b"]))


# -- the entry points ---------------------------------------------------------------------------------
@dataclass
class Entry:
    """One public call: `call(world, **args)`, the valid arguments, what may be malformed (with
    the words a message about each argument may use), and what a success must satisfy."""

    name: str
    call: object
    valid: dict
    slots: dict  # argument -> (strategy of malformed values, words naming it)
    builds: object = False  # a successful call may add ops (or builds(world, args) says if)
    mutates: bool = False  # a successful call may change variable values
    check: object = None  # check(world, args, result) for a successful call


def _words(*words):
    return tuple(words)


TENSOR_WORDS = _words("tensor", "graph", "operation", "convert", "numeric", "input", "none")
FEED_WORDS = _words("feed", "placeholder", "shape", "tensor", "x:0", "nope", "convert", "graph")
SESSION_WORDS = _words("session")


def _run_check(world, args, result):
    fetched = args["fetches"]
    if fetched is world.loss:
        feed = args["feed_dict"]
        x = np.asarray(feed[world.x], np.float32)
        expected = np.mean(
            np.tanh(x @ world.sess.variable_values()["W"] + world.sess.variable_values()["b"])
        )
        assert np.allclose(result, expected, equal_nan=True)


def _reduce_check(kind):
    def check(world, args, result):
        if args["input_tensor"] is not world.x:
            return
        x = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]], np.float32)
        axis = args["axis"]
        axis = tuple(dict.fromkeys(a % 2 for a in axis)) if isinstance(axis, list) else axis
        expected = getattr(np, kind)(x, axis=axis, keepdims=bool(args["keepdims"]))
        value = world.sess.run(result, {world.x: x})
        np.testing.assert_allclose(value, expected, rtol=1e-6)

    return check


def _reshape_check(world, args, result):
    if args["tensor"] is not world.x:
        return
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    try:
        expected = np.reshape(x, args["shape"]).shape
    except ValueError:  # the static shape allowed it; the run must refuse, as TensorFlow's does
        with pytest.raises(gv.errors.InvalidArgumentError, match="Reshape"):
            world.sess.run(result, {world.x: x})
        return
    assert world.sess.run(result, {world.x: x}).shape == expected


def _constant_check(world, args, result):
    value = world.sess.run(result)
    if args.get("shape") is None and not isinstance(args["value"], np.ndarray):
        np.testing.assert_array_equal(value, np.asarray(args["value"], dtype=value.dtype))


def _summary_check(world, args, result):
    assert isinstance(result, gv.debug.summary.GradientSummary) if hasattr(gv, "debug") else True
    for row in result:
        assert not math.isinf(row.mean_abs) or row.inf_count or math.isinf(row.max_abs)


def _make_entries():
    x_valid = np.zeros((2, 3), np.float32)
    feed = {Ref("x"): x_valid}
    trace_args = {"ys": Ref("loss"), "xs": [Ref("W"), Ref("b")], "feed_dict": feed}
    draw_options = {"collapse": None, "highlight": None, "rankdir": "LR"}
    e = []
    add = e.append
    # engine
    add(
        Entry(
            "Session.run",
            lambda w, fetches, feed_dict: w.sess.run(fetches, feed_dict),
            {"fetches": Ref("loss"), "feed_dict": feed},
            {
                "fetches": (JUNK, _words("fetch", "tensor", "graph", "none")),
                "feed_dict": (FEEDS, FEED_WORDS),
            },
            check=_run_check,
        )
    )
    add(
        Entry(
            "Tensor.eval",
            lambda w, feed_dict, session: w.loss.eval(feed_dict, session),
            {"feed_dict": feed, "session": Ref("sess")},
            {"feed_dict": (FEEDS, FEED_WORDS), "session": (JUNK, SESSION_WORDS + ("default",))},
        )
    )
    add(
        Entry(
            "constant",
            lambda w, value, dtype, shape, name: gv.constant(value, dtype, shape, name),
            {"value": [1.0, 2.0], "dtype": None, "shape": None, "name": "c"},
            {
                "value": (
                    JUNK,
                    _words("constant", "convert", "tensor", "rectangular", "numeric", "precision"),
                ),
                "dtype": (DTYPES, _words("dtype", "convert", "precision")),
                "shape": (SHAPES, _words("shape", "dimension", "fill")),
                "name": (NAMES, _words("name")),
            },
            builds=True,
            check=_constant_check,
        )
    )
    add(
        Entry(
            "placeholder",
            lambda w, dtype, shape, name: gv.placeholder(dtype, shape, name),
            {"dtype": "float32", "shape": [None, 2], "name": "p"},
            {
                "dtype": (DTYPES, _words("dtype")),
                "shape": (SHAPES, _words("shape", "dimension")),
                "name": (NAMES, _words("name")),
            },
            builds=True,
        )
    )
    add(
        Entry(
            "Variable",
            lambda w, initial_value, name, dtype: gv.Variable(initial_value, name=name, dtype=dtype),
            {"initial_value": [1.0, 2.0], "name": "v", "dtype": None},
            {
                "initial_value": (
                    JUNK,
                    _words("initial_value", "convert", "rectangular", "shape", "numeric"),
                ),
                "name": (NAMES, _words("name")),
                "dtype": (DTYPES, _words("dtype", "convert")),
            },
            builds=True,
        )
    )
    for kind in ("reduce_sum", "reduce_mean", "reduce_max"):
        add(
            Entry(
                kind,
                lambda w, input_tensor, axis, keepdims, _k=kind: getattr(gv, _k)(
                    input_tensor, axis, keepdims
                ),
                {"input_tensor": Ref("x"), "axis": 1, "keepdims": False},
                {
                    "input_tensor": (JUNK, TENSOR_WORDS + ("dtype", "kind")),
                    "axis": (AXES, _words("axis", "dimension")),
                },
                builds=True,
                check=_reduce_check(kind.replace("reduce_", "")),
            )
        )
    add(
        Entry(
            "reshape",
            lambda w, tensor, shape: gv.reshape(tensor, shape),
            {"tensor": Ref("x"), "shape": [3, -1]},
            {"tensor": (JUNK, TENSOR_WORDS), "shape": (SHAPES, _words("shape", "reshape", "dimension"))},
            builds=True,
            check=_reshape_check,
        )
    )
    add(
        Entry(
            "transpose",
            lambda w, a, perm: gv.transpose(a, perm),
            {"a": Ref("x"), "perm": [1, 0]},
            {"a": (JUNK, TENSOR_WORDS + ("rank", "transpose")), "perm": (AXES, _words("perm"))},
            builds=True,
        )
    )
    add(
        Entry(
            "cast",
            lambda w, x, dtype: gv.cast(x, dtype),
            {"x": Ref("x"), "dtype": "float64"},
            {"x": (JUNK, TENSOR_WORDS), "dtype": (DTYPES, _words("dtype"))},
            builds=True,
        )
    )
    add(_two_inputs("matmul", gv.matmul, {"a": Ref("x"), "b": Ref("W")}, "matmul", "dimension", "rank"))
    add(_two_inputs("multiply", gv.multiply, {"x": Ref("x"), "y": 2.0}, "mul", "dimension"))
    add(
        Entry(
            "Tensor[index]",
            lambda w, index: w.x[index],
            {"index": 0},
            {"index": (st.one_of(JUNK, st.integers(-8, 8)), _words("index", "bounds", "out of"))},
            builds=True,
        )
    )
    add(
        Entry(
            "add_n",
            lambda w, inputs: gv.add_n(inputs),
            {"inputs": [Ref("x"), Ref("x")]},
            {"inputs": (JUNK, _words("add_n", "input", "tensor", "shape", "graph", "convert", "type"))},
            builds=True,
        )
    )
    xent = gv.nn.softmax_cross_entropy_with_logits
    valid = {"labels": Ref("h"), "logits": Ref("h")}
    add(_two_inputs("softmax_xent", xent, valid, "labels", "logits", "dimension", "pass", keywords=True))
    add(
        Entry(
            "gradients",
            lambda w, ys, xs, grad_ys, stop_gradients, aggregation_method, unconnected_gradients: (
                gv.gradients(
                    ys,
                    xs,
                    grad_ys,
                    stop_gradients=stop_gradients,
                    aggregation_method=aggregation_method,
                    unconnected_gradients=unconnected_gradients,
                )
            ),
            {
                "ys": Ref("loss"),
                "xs": [Ref("W")],
                "grad_ys": None,
                "stop_gradients": None,
                "aggregation_method": None,
                "unconnected_gradients": "none",
            },
            {
                "ys": (JUNK, _words("ys", "graph")),
                "xs": (JUNK, _words("xs", "graph")),
                "grad_ys": (
                    st.one_of(
                        JUNK, st.sampled_from([np.ones(3, np.float32), [np.ones((2, 2))], [1.0, 2.0]])
                    ),
                    _words("grad_ys", "gradient type", "convert", "tensor"),
                ),
                "stop_gradients": (JUNK, _words("stop_gradients", "graph")),
                "aggregation_method": (JUNK, _words("aggregation_method")),
                "unconnected_gradients": (JUNK, _words("unconnected_gradients")),
            },
            builds=True,
        )
    )
    add(
        Entry(
            "Variable.assign",
            lambda w, value: w.W.assign(value),
            {"value": np.ones((3, 2), np.float32)},
            {
                "value": (
                    JUNK,
                    _words(
                        "assign",
                        "shape",
                        "convert",
                        "dtype",
                        "W",
                        "tensor",
                        "graph",
                        "numeric",
                        "operation",
                    ),
                )
            },
            builds=True,
        )
    )
    add(
        Entry(
            "Variable.load",
            lambda w, value, session: w.b.load(value, session),
            {"value": np.zeros(2, np.float32), "session": Ref("sess")},
            {
                "value": (JUNK, _words("feed", "shape", "convert", "b:0")),
                "session": (JUNK, SESSION_WORDS + ("default", "graph")),
            },
            mutates=True,
        )
    )
    add(
        Entry(
            "softmax",
            lambda w, logits, axis: gv.softmax(logits, axis),
            {"logits": Ref("h"), "axis": -1},
            {"logits": (JUNK, TENSOR_WORDS + ("type",)), "axis": (AXES, _words("axis", "dimension"))},
            builds=True,
        )
    )
    add(
        Entry(
            "where",
            lambda w, condition, x, y: gv.where(condition, x, y),
            {"condition": np.array([True, False]), "x": Ref("b"), "y": Ref("b")},
            {
                arg: (JUNK, TENSOR_WORDS + ("condition", "type", "dimension"))
                for arg in ("condition", "x", "y")
            },
            builds=True,
        )
    )
    add(
        Entry(
            "group",
            lambda w, inputs: (
                gv.group(*inputs) if isinstance(inputs, list | tuple) else gv.group(inputs)
            ),
            {"inputs": [Ref("h"), Ref("x.op")]},
            {"inputs": (JUNK, _words("group", "inputs"))},
            builds=True,
        )
    )
    add(
        Entry(
            "variables_initializer",
            lambda w, var_list: gv.variables_initializer(var_list),
            {"var_list": [Ref("W")]},
            {"var_list": (JUNK, _words("var_list"))},
            builds=True,
        )
    )
    add(
        Entry(
            "Session()",
            lambda w, graph: gv.Session(graph),
            {"graph": None},
            {"graph": (JUNK, _words("graph"))},
        )
    )
    add(
        Entry(
            "name_scope",
            lambda w, name: _enter_and_leave(w.graph.name_scope(name)),
            {"name": "layer"},
            {"name": (NAMES, _words("name"))},
        )
    )
    # optimizer
    opt = gv.train.GradientDescentOptimizer
    add(
        Entry(
            "GradientDescentOptimizer",
            lambda w, learning_rate: opt(learning_rate),
            {"learning_rate": 0.1},
            {"learning_rate": (JUNK, _words("learning_rate"))},
        )
    )
    add(
        Entry(
            "minimize",
            lambda w, loss, var_list: opt(0.1).minimize(loss, var_list=var_list),
            {"loss": Ref("loss"), "var_list": None},
            {
                "loss": (JUNK, _words("loss", "graph")),
                "var_list": (JUNK, _words("var_list", "variables")),
            },
            builds=True,
        )
    )
    add(
        Entry(
            "apply_gradients",
            lambda w, grads_and_vars: opt(0.1).apply_gradients(grads_and_vars),
            {"grads_and_vars": [(Ref("W"), Ref("W"))]},
            {
                "grads_and_vars": (
                    st.one_of(
                        JUNK,
                        st.sampled_from(
                            [
                                [(1, 2)],
                                [(None, Ref("W"))],
                                [(Ref("b"), Ref("W"))],
                                [(Ref("other"), Ref("W"))],
                                [Ref("W")],
                            ]
                        ),
                    ),
                    _words("grads_and_vars", "gradient"),
                )
            },
            builds=True,
        )
    )
    # trace, drawings, Debugger
    add(
        Entry(
            "trace_backward",
            lambda w, **kw: gv.trace_backward(**kw, session=w.sess),
            dict(trace_args),
            {
                "ys": (JUNK, _words("ys", "graph")),
                "xs": (JUNK, _words("xs", "graph")),
                "feed_dict": (FEEDS, FEED_WORDS),
                "grad_ys": (
                    st.one_of(JUNK, st.sampled_from([np.ones(3, np.float32), [np.ones((2,))]])),
                    _words("grad_ys", "gradient type", "convert", "tensor"),
                ),
            },
            builds=True,
        )
    )
    add(
        Entry(
            "trace.explain",
            lambda w, x: w.trace_.explain(x),
            {"x": Ref("W")},
            {"x": (JUNK, _words("xs", "x ", "tensor", "trace", "interpreted"))},
            builds=True,
        )
    )
    add(
        Entry(
            "trace.value",
            lambda w, tensor: w.trace_.value(tensor),
            {"tensor": Ref("h")},
            {"tensor": (JUNK, _words("tensor", "trace"))},
            builds=True,
        )
    )
    add(
        Entry(
            "draw",
            lambda w, ys, feed_dict, session, collapse, highlight, rankdir: gv.draw(
                ys, feed_dict, session, collapse=collapse, highlight=highlight, rankdir=rankdir
            ),
            {"ys": Ref("loss"), "feed_dict": feed, "session": None, **draw_options},
            {
                "ys": (JUNK, _words("ys", "graph")),
                "feed_dict": (FEEDS, FEED_WORDS),
                "session": (JUNK, SESSION_WORDS),
                "collapse": (JUNK, _words("collapse")),
                "highlight": (
                    st.one_of(JUNK, st.sampled_from([{"nope": "n"}, {"h": 3}])),
                    _words("highlight"),
                ),
                "rankdir": (JUNK, _words("rankdir")),
            },
        )
    )
    add(
        Entry(
            "draw_backward",
            lambda w, **kw: gv.draw_backward(**kw),
            {**trace_args, **draw_options, "explain": None, "session": None},
            {
                "feed_dict": (FEEDS, FEED_WORDS),
                "session": (JUNK, SESSION_WORDS),
                "collapse": (JUNK, _words("collapse")),
                "highlight": (JUNK, _words("highlight")),
                "rankdir": (JUNK, _words("rankdir")),
                "explain": (JUNK, _words("explain")),
                "xs": (JUNK, _words("xs", "graph")),
                "stop_gradients": (JUNK, _words("stop_gradients", "graph")),
            },
            builds=True,
        )
    )
    add(
        Entry(
            "compare_backward",
            lambda w, **kw: gv.compare_backward(**kw),
            {
                **trace_args,
                "right": {"stop_gradients": [Ref("W")]},
                "titles": ("a", "b"),
                "session": None,
            },
            {
                "feed_dict": (FEEDS, FEED_WORDS),
                "right": (JUNK, _words("right", "stop_gradients")),
                "titles": (JUNK, _words("titles")),
                "session": (JUNK, SESSION_WORDS),
            },
            builds=True,
        )
    )
    add(
        Entry(
            "Debugger",
            lambda w, **kw: gv.Debugger(**kw),
            {**trace_args, "tolerance": 0.01, "rankdir": "LR", "predict": False, "session": None},
            {
                "feed_dict": (FEEDS, FEED_WORDS),
                "tolerance": (NUMBERS, _words("tolerance")),
                "rankdir": (JUNK, _words("rankdir")),
                "predict": (JUNK, _words("predict")),
                "session": (JUNK, SESSION_WORDS),
                "ys": (JUNK, _words("ys", "graph")),
            },
            builds=True,
        )
    )
    add(
        Entry(
            "Debugger.goto",
            lambda w, index: _debugger(w).goto(index),
            {"index": 1},
            {"index": (st.one_of(JUNK, st.integers(-3, 30)), _words("step"))},
            builds=True,
        )
    )
    add(
        Entry(
            "Debugger.set_input",
            lambda w, tensor, value: _debugger(w).set_input(tensor, value),
            {"tensor": Ref("x"), "value": np.ones((2, 3), np.float32)},
            {
                "tensor": (JUNK, _words("tensor", "placeholder", "variable", "set_input")),
                "value": (JUNK, _words("feed", "x:0", "shape", "convert")),
            },
            builds=True,
        )
    )
    add(
        Entry(
            "draw_trace",
            lambda w, trace, rankdir, collapse, explain: gv.draw_trace(
                trace, rankdir=rankdir, collapse=collapse, explain=explain
            ),
            {"trace": Ref("trace"), "rankdir": "TB", "collapse": None, "explain": Ref("W")},
            {
                "trace": (JUNK, _words("trace")),
                "rankdir": (JUNK, _words("rankdir")),
                "collapse": (JUNK, _words("collapse")),
                "explain": (JUNK, _words("explain")),
            },
        )
    )
    add(
        Entry(
            "Debugger(trace)",
            lambda w, trace, feed_dict, tolerance: gv.Debugger(
                trace, feed_dict=feed_dict, tolerance=tolerance
            ),
            {"trace": Ref("trace"), "feed_dict": None, "tolerance": 0.1},
            {
                "trace": (JUNK, _words("ys", "graph", "xs", "trace")),
                "feed_dict": (FEEDS, _words("feed_dict", "trace")),
                "tolerance": (NUMBERS, _words("tolerance")),
            },
        )
    )
    add(
        Entry(
            "hessians",
            lambda w, ys, xs: gv.hessians(ys, xs),
            {"ys": Ref("loss"), "xs": [Ref("b")]},
            {"ys": (JUNK, _words("ys", "graph")), "xs": (JUNK, _words("xs", "graph", "shape"))},
            builds=True,
        )
    )
    # summaries, monitor, checks
    add(
        Entry(
            "gradient_summary",
            lambda w, values_or_tensors, names, feed_dict, vanishing: gv.gradient_summary(
                values_or_tensors, names, feed_dict=feed_dict, vanishing=vanishing
            ),
            {"values_or_tensors": [Ref("h")], "names": None, "feed_dict": feed, "vanishing": None},
            {
                "values_or_tensors": (
                    st.one_of(
                        JUNK, st.sampled_from([[np.array([1e308, -1e308])], {"c": np.array([1j])}])
                    ),
                    _words(
                        "values_or_tensors", "'[0]'", "'c'", "tensor", "graph", "rectangular", "numbers"
                    ),
                ),
                "names": (JUNK, _words("names")),
                "feed_dict": (FEEDS, FEED_WORDS),
                "vanishing": (NUMBERS, _words("vanishing")),
            },
            check=_summary_check,
        )
    )
    add(
        Entry(
            "GradientMonitor",
            lambda w, tensors, names, sample_size: gv.GradientMonitor(
                tensors, names, sample_size=sample_size
            ),
            {"tensors": [Ref("h")], "names": None, "sample_size": 16},
            {
                "tensors": (JUNK, _words("tensors", "monitored", "graph", "values_or_tensors")),
                "names": (JUNK, _words("names")),
                "sample_size": (NUMBERS, _words("sample_size")),
            },
        )
    )
    add(
        Entry(
            "GradientMonitor.record",
            lambda w, step, values: gv.GradientMonitor(names=["a"]).record(step, values),
            {"step": 0, "values": [np.ones(3)]},
            {
                "step": (JUNK, _words("step")),
                "values": (JUNK, _words("values", "'a'", "rectangular", "record")),
            },
        )
    )
    add(
        Entry(
            "find_nonfinite",
            lambda w, ys, xs, feed_dict, session: gv.find_nonfinite(ys, xs, feed_dict, session),
            {"ys": Ref("loss"), "xs": [Ref("W"), Ref("b")], "feed_dict": feed, "session": None},
            {
                "ys": (JUNK, _words("ys", "graph")),
                "feed_dict": (FEEDS, FEED_WORDS),
                "session": (JUNK, SESSION_WORDS),
            },
            builds=_new_xs,
        )
    )
    add(
        Entry(
            "check_gradients",
            lambda w, ys, xs, feed_dict, tolerance, max_entries: gv.check_gradients(
                ys, xs, feed_dict, tolerance=tolerance, max_entries=max_entries
            ),
            {
                "ys": Ref("loss"),
                "xs": [Ref("W"), Ref("b")],
                "feed_dict": feed,
                "tolerance": None,
                "max_entries": 4,
            },
            {
                "xs": (JUNK, _words("xs", "graph")),
                "feed_dict": (FEEDS, FEED_WORDS),
                "tolerance": (NUMBERS, _words("tolerance")),
                "max_entries": (NUMBERS, _words("max_entries")),
            },
            builds=_new_xs,
        )
    )
    return {entry.name: entry for entry in e}


def _enter_and_leave(context):
    with context as entered:
        return entered


def _two_inputs(name, op, valid, *words, keywords=False):
    """An op of two tensor inputs (named as in `valid`), either of which may be malformed."""

    def call(world, **args):
        return op(**args) if keywords else op(*args.values())

    slots = {arg: (JUNK, TENSOR_WORDS + ("type", *words)) for arg in valid}
    return Entry(name, call, valid, slots, builds=True)


def _new_xs(world, args):
    """A check on other xs than the model's own gradients builds theirs; on W and b it reuses."""
    xs = args["xs"]
    model = isinstance(xs, list) and len(xs) == 2 and xs[0] is world.W and xs[1] is world.b
    return not (model and args["ys"] is world.loss)


def _debugger(world):
    world.debugger = getattr(world, "debugger", None) or gv.Debugger(
        world.loss, [world.W, world.b], world.feed, session=world.sess, inputs=True
    )
    return world.debugger


ENTRIES = _make_entries()


def _arguments(world, entry, slot, junk):
    args = {k: resolve(v, world) for k, v in entry.valid.items()}
    if slot is not None:
        args[slot] = resolve(junk, world)
    return args


@st.composite
def calls(draw):
    entry = draw(st.sampled_from(sorted(ENTRIES)))
    slots = sorted(ENTRIES[entry].slots)
    slot = draw(st.sampled_from(slots))
    junk = draw(ENTRIES[entry].slots[slot][0])
    return entry, slot, junk


def _assert_names_argument(err, words):
    message = str(err).lower()
    assert message, f"{type(err).__name__} without a message"
    assert any(w.lower() in message for w in words), f"message does not name the argument: {err}"


@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=DERANDOMIZE,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(calls())
def _fuzz_one(call):
    name, slot, junk = call
    entry = ENTRIES[name]
    world = World()
    with world.graph.as_default():
        if name.startswith("Debugger."):
            _debugger(world)  # built first: the call under test is the method
        if "trace" in name:
            world.trace_ = world.trace()  # built first: the call under test reads it
        before = world.snapshot()
        index_before = getattr(getattr(world, "debugger", None), "index", None)
        args = _arguments(world, entry, slot, junk)
        result = None
        try:
            result = entry.call(world, **args)
        except ALLOWED as err:
            _assert_names_argument(err, entry.slots[slot][1])
            OUTCOMES[(name, type(err).__name__)] += 1
            ops, maps, variables = world.snapshot()
            assert ops == before[0], f"{name}({slot}={junk!r}) failed but left {ops - before[0]} ops"
            assert maps == before[1], f"{name}({slot}={junk!r}) failed but left a gradient map"
            if index_before is not None:
                assert world.debugger.index == index_before
        else:
            OUTCOMES[(name, "ok")] += 1
            if entry.check is not None and slot in entry.slots:
                entry.check(world, args, result)
            ops, maps, variables = world.snapshot()
            if not (entry.builds(world, args) if callable(entry.builds) else entry.builds):
                assert ops == before[0], (
                    f"{name}({slot}={junk!r}) grew the graph by {ops - before[0]} ops"
                )
        if not entry.mutates:
            assert variables.keys() == before[2].keys()
            for key, value in before[2].items():
                np.testing.assert_array_equal(variables[key], value)
            assert world.sess.run(world.loss, world.feed) == world.expected
        if getattr(world, "debugger", None) is not None:
            world.debugger.close()
        if isinstance(result, gv.Debugger):
            result.close()


def test_every_public_entry_point_fails_cleanly():
    OUTCOMES.clear()
    _fuzz_one()
    total = sum(OUTCOMES.values())
    print(f"\nfuzz: {total} calls")
    by_outcome = Counter()
    for (_, outcome), n in OUTCOMES.items():
        by_outcome[outcome] += n
    print("  by outcome: " + ", ".join(f"{k} {v}" for k, v in by_outcome.most_common()))
    for (entry, outcome), n in sorted(OUTCOMES.items()):
        print(f"  {entry:28s} {outcome:26s} {n}")
    assert total >= 300
    assert {entry for entry, _ in OUTCOMES} == set(ENTRIES), "some entry point was never called"
    assert by_outcome["ok"] and by_outcome["TypeError"] and by_outcome["ValueError"]


def test_the_messages_name_the_argument_check_can_fail():
    """The assertion the fuzz test relies on does reject a message that names nothing."""
    with pytest.raises(AssertionError):
        _assert_names_argument(ValueError("something went wrong"), ("feed_dict",))
