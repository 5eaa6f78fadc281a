"""Regression tests: every example of "a public call must fail cleanly" — TensorFlow's error types
and wording, tensors that are neither iterable nor booleans, no silently wrong answers, no partial
state, no leaks, messages that say what was wrong and where, reductions accurate to float32."""

import gc
import threading
import weakref

import numpy as np
import pytest
from ipywidgets.widgets import widget as _widget_module

import gradviz as gv

# ipywidgets' registry of live widgets (model id -> widget): what close() must empty.
_REGISTRY = _widget_module._instances

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


class Model:
    """x (3,) -> sum(x * W): one placeholder, one variable, a session with it initialized."""

    def __init__(self):
        self.graph = gv.Graph()
        with self.graph.as_default():
            self.x = gv.placeholder("float32", [3], name="x")
            self.W = gv.Variable(np.ones(3, np.float32), name="W")
            self.y = gv.reduce_sum(self.x * self.W, name="y")
            self.sess = gv.Session(self.graph)
            self.sess.run(gv.global_variables_initializer())
        self.feed = {self.x: np.array([1.0, 2.0, 3.0], np.float32)}

    def state(self):
        """What a failed call must leave as it was."""
        values = self.sess.variable_values()
        return len(self.graph), len(self.graph.gradient_maps), {k: v.tolist() for k, v in values.items()}


@pytest.fixture
def m():
    model = Model()
    with model.graph.as_default():
        yield model


def unchanged(model, call, error, match):
    """`call()` raises `error` matching `match` and leaves the graph, its gradient maps and the
    variables as they were."""
    before = model.state()
    with pytest.raises(error, match=match):
        call()
    assert model.state() == before


# -- TensorFlow's exception types ---------------------------------------------------------------------
def test_unknown_names_are_value_and_type_errors_as_in_tensorflow(m):
    unchanged(
        m, lambda: m.sess.run("nope:0"), ValueError, "Fetch argument 'nope:0' cannot be interpreted"
    )
    unchanged(m, lambda: m.sess.run(m.y, {"nope": 1.0}), TypeError, "Cannot interpret feed_dict key")
    unchanged(
        m, lambda: m.sess.run(m.y, {None: 1.0}), TypeError, "feed_dict key as Tensor: the key None"
    )
    unchanged(m, lambda: m.sess.run(m.y, {m.x}), TypeError, "feed_dict must be a dict")
    unchanged(
        m,
        lambda: gv.draw_backward(m.y, [m.W], feed_dict=m.feed, explain="nope:0"),
        ValueError,
        "explain",
    )


def test_set_input_with_an_unknown_name_is_a_value_error(m):
    dbg = gv.Debugger(m.y, [m.W], feed_dict=m.feed)
    with pytest.raises(ValueError, match="set_input: tensor 'nope:0'"):
        dbg.set_input("nope:0", 1.0)
    dbg.close()


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda m: gv.add(m.x, m.x, name=1), TypeError, "name must be a string"),
        (lambda m: gv.gradients(m.y, [m.W], stop_gradients=["W"]), TypeError, r"stop_gradients\[0\]"),
        (lambda m: gv.gradients(m.y, [m.W], stop_gradients=[None]), TypeError, r"stop_gradients\[0\]"),
        (
            lambda m: gv.draw(m.y, feed_dict=m.feed, session="sess"),
            TypeError,
            "session must be a gv.Session",
        ),
        (
            lambda m: gv.train.GradientDescentOptimizer(0.1).minimize(None),
            TypeError,
            "loss must be a Tensor",
        ),
        (
            lambda m: gv.train.GradientDescentOptimizer(0.1).apply_gradients([(1, 2)]),
            TypeError,
            "grads_and_vars",
        ),
        (lambda m: gv.draw(None), TypeError, "ys must be a Tensor"),
        (lambda m: m.y.eval(m.feed, session=m.x.op), TypeError, "session must be a gv.Session"),
    ],
    ids=[
        "name",
        "stop-str",
        "stop-None",
        "session-str",
        "minimize-None",
        "apply-ints",
        "draw-None",
        "eval",
    ],
)
def test_wrong_kinds_are_type_errors_not_attribute_errors(m, call, error, match):
    unchanged(m, lambda: call(m), error, match)


# -- tensors are neither iterable nor booleans ----------------------------------------------------------
def _within_a_second(fn):
    """fn()'s exception, raised in a thread; a hang fails the test instead of blocking it."""
    outcome = {}

    def target():
        try:
            fn()
        except BaseException as err:  # noqa: BLE001 (reported to the test)
            outcome["error"] = err

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout=1.0)
    assert not thread.is_alive(), "the call did not return within a second"
    return outcome.get("error")


@pytest.mark.parametrize(
    "use",
    [list, lambda x: [r for r in x], sum, lambda x: 3.0 in x, tuple, lambda x: dict.fromkeys(x)],
    ids=["list", "for", "sum", "in", "tuple", "fromkeys"],
)
def test_iterating_a_tensor_raises_within_a_second(m, use):
    ops = len(m.graph)
    error = _within_a_second(lambda: use(m.x))
    assert isinstance(error, TypeError)
    assert "Tensor objects are only iterable when eager execution is enabled" in str(error)
    assert len(m.graph) == ops


def test_tensors_are_not_booleans_nor_sized_nor_arrays(m):
    with pytest.raises(TypeError, match="Using a `tf.Tensor` as a Python `bool` is not allowed"):
        bool(m.x)
    with pytest.raises(TypeError, match="len is not well defined for symbolic Tensors"):
        len(m.x)
    with pytest.raises(TypeError, match="Cannot convert a symbolic Tensor"):
        np.asarray(m.x)
    assert m.x is not None and m.x in [m.x] and m.x not in [m.y]  # identity still works


def test_indexing_is_bounds_checked_against_the_known_shape(m):
    unchanged(m, lambda: m.x[3], ValueError, "slice index 3 of dimension 0 out of bounds")
    unchanged(m, lambda: m.x[-4], ValueError, "out of bounds")
    unchanged(m, lambda: m.x[True], TypeError, "bool is not an index")
    assert m.sess.run([m.x[2], m.x[-3]], m.feed) == [3.0, 1.0]
    scalar = m.x[0]
    unchanged(m, lambda: scalar[0], ValueError, "Index out of range: 1 indices for a tensor of rank 0")


# -- no silently wrong answers --------------------------------------------------------------------------
def test_constant_copies_the_callers_array(m):
    a = np.array([1.0, 2.0], np.float32)
    c = gv.constant(a)
    c2 = gv.add(gv.constant(0.0), a)  # an array converted as an op input
    a[0] = 100.0
    assert m.sess.run(c).tolist() == [1.0, 2.0]
    assert m.sess.run(c2).tolist() == [1.0, 2.0]


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda m: gv.placeholder("float32", [1, -5]), ValueError, r"shape\[1\] is -5"),
        (lambda m: gv.reshape(m.x, [2.5]), TypeError, r"shape\[0\] must be an integer"),
        (lambda m: gv.reshape(m.x, [-2, -1]), ValueError, r"shape\[0\] is -2"),
        (lambda m: gv.reshape(m.x, [-1, -1]), ValueError, "only one dimension can be -1"),
        (lambda m: gv.constant(1.0, shape=[2, -1]), ValueError, r"shape\[1\] is -1"),
        (lambda m: gv.TensorShape([2.5]), TypeError, "Dimension value must be integer"),
        (lambda m: gv.cast(m.x, None), TypeError, "dtype is None"),
        (lambda m: gv.placeholder(None), TypeError, "dtype is None"),
        (lambda m: gv.gradients(None, [m.W]), ValueError, "None values not supported"),
        (lambda m: gv.gradients([m.y, None], [m.W]), ValueError, "None values not supported"),
    ],
    ids=[
        "neg-dim",
        "float-dim",
        "minus-two",
        "two-minus-ones",
        "const-shape",
        "TensorShape",
        "cast",
        "placeholder-dtype",
        "grads-None",
        "grads-list-None",
    ],
)
def test_invalid_shapes_dtypes_and_ys_are_rejected(m, call, error, match):
    unchanged(m, lambda: call(m), error, match)


def test_gradient_summary_rejects_complex_and_survives_huge_values():
    with pytest.raises(TypeError, match="'a' is complex .* pass np.abs"):
        gv.gradient_summary({"a": np.array([1 + 1j, 2.0])})
    row = gv.gradient_summary({"big": np.array([1e308, -1e308])})["big"]
    assert row.mean_abs == 1e308 and row.max_abs == 1e308 and row.mean == 0.0
    assert row.norm == pytest.approx(np.sqrt(2) * 1e308) and not row.nonfinite
    assert gv.gradient_summary({"small": np.array([3.0, -4.0])})["small"].mean_abs == 3.5
    monitor = gv.GradientMonitor(names=["big"])
    monitor.record(0, [np.array([1e308, -1e308])])
    assert monitor.history("mean_abs", "big")[0] == 1e308 and not monitor.history("nonfinite", "big")[0]


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda m: gv.GradientMonitor("abc"), "tensors entry '\\[0\\]' must be a Tensor, got str 'abc'"),
        (lambda m: gv.GradientMonitor([m.y], sample_size="a"), "sample_size must be an integer"),
        (lambda m: gv.GradientMonitor([m.y], vanishing="a"), "vanishing must be a number"),
        (lambda m: gv.GradientMonitor(names=[1]), "names must be a string or a list of strings"),
        (lambda m: gv.Debugger(m.y, [m.W], m.feed, tolerance="a"), "tolerance must be a number"),
        (lambda m: gv.Debugger(m.y, [m.W], m.feed, predict="yes"), "predict must be True or False"),
        (lambda m: gv.Debugger(m.y, [m.W], m.feed, rankdir="up"), "rankdir must be one of"),
    ],
    ids=["monitor-str", "sample_size", "vanishing", "names", "tolerance", "predict", "rankdir"],
)
def test_monitor_and_debugger_check_their_arguments_when_built(m, make, match):
    unchanged(m, lambda: make(m), (TypeError, ValueError), match)


# -- no partial state -----------------------------------------------------------------------------------
BAD_OPTIONS = {
    "feed_dict": ({"x:0": [1.0, 2.0]}, ValueError, "Cannot feed value of shape"),
    "collapse": (3, TypeError, "collapse must be"),
    "highlight": ("mul", TypeError, "highlight must be a dict"),
    "rankdir": ("XX", ValueError, "rankdir must be one of"),
    "session": (gv.Session(gv.Graph()), ValueError, "session runs another graph"),
    "explain": ("x:0", ValueError, "must be one of the xs"),
}


ACCEPTED = {
    "draw_backward": sorted(BAD_OPTIONS),
    "trace_backward": ["feed_dict", "session"],
    "compare_backward": ["collapse", "explain", "feed_dict", "highlight", "session"],
    "Debugger": ["collapse", "feed_dict", "rankdir", "session"],
}


@pytest.mark.parametrize(
    "entry, option", [(entry, option) for entry, options in ACCEPTED.items() for option in options]
)
def test_a_rejected_backward_call_leaves_no_gradient_ops(m, entry, option):
    value, error, match = BAD_OPTIONS[option]
    kwargs = {"feed_dict": m.feed, option: value}
    unchanged(m, lambda: getattr(gv, entry)(m.y, [m.W], **kwargs), error, match)


def test_a_backward_call_failing_at_run_time_is_rolled_back(m):
    # Valid arguments, but the feed holds a value the engine refuses only while running.
    with m.graph.as_default():
        q = gv.placeholder("float32", [None], name="q")
        z = gv.reduce_sum(gv.reshape(q, [3]) * m.W)
    before = m.state()
    for call in (gv.trace_backward, gv.draw_backward, gv.Debugger):
        with pytest.raises(gv.errors.InvalidArgumentError, match="Reshape"):
            call(z, [m.W], feed_dict={q: np.ones(4, np.float32)})
        assert m.state() == before, call.__name__


def test_goto_a_fraction_leaves_the_index_unchanged(m):
    dbg = gv.Debugger(m.y, [m.W], feed_dict=m.feed)
    dbg.goto(1)
    with pytest.raises(TypeError, match="goto: step must be an integer, got float 2.5"):
        dbg.goto(2.5)
    assert dbg.index == 1
    dbg.next()
    assert dbg.index == 2
    with pytest.raises(IndexError, match="outside"):  # also a ValueError, as every other rejection
        dbg.goto(dbg.num_steps)
    with pytest.raises(ValueError):
        dbg.goto(-1)
    assert dbg.index == 2
    dbg.close()


# -- no leaks -------------------------------------------------------------------------------------------
def test_calls_without_a_session_do_not_grow_the_graph(m):
    (grad,) = gv.gradients(m.y, [m.W])  # what find_nonfinite and check_gradients reuse
    ops = len(m.graph)
    for _ in range(25):
        gv.gradient_summary([grad], feed_dict=m.feed)
        gv.draw(m.y, feed_dict=m.feed)
        gv.find_nonfinite(m.y, [m.W], feed_dict=m.feed)
        gv.check_gradients(m.y, [m.W], feed_dict=m.feed)
    assert len(m.graph) == ops
    assert not [op for op in m.graph.get_operations() if op.name.startswith("init")][1:]


def test_a_closed_debugger_releases_its_graph_and_widgets():
    def build():
        model = Model()
        with model.graph.as_default():
            dbg = gv.Debugger(model.y, [model.W], feed_dict=model.feed)
        return dbg, weakref.ref(model.graph), [w.model_id for w in _all_widgets(dbg)]

    dbg, graph_ref, ids = build()
    assert len(ids) > 10 and all(i in _REGISTRY for i in ids)
    dbg.close()
    gc.collect()
    assert not [i for i in ids if i in _REGISTRY], "child widgets still registered"
    assert graph_ref() is None, "the closed Debugger still holds its graph"
    with pytest.raises(RuntimeError, match="closed"):
        dbg.next()


def _all_widgets(box):
    found = [box]
    for child in getattr(box, "children", ()):
        found += _all_widgets(child)
    return found


# -- messages a student can act on ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "call, error, match",
    [
        (
            lambda m: gv.constant([[1, 2], [3]]),
            ValueError,
            "non-rectangular .* rows of different lengths",
        ),
        (
            lambda m: gv.reduce_sum(m.x, axis="a"),
            TypeError,
            "axis must be an int or a list of ints, got str 'a'",
        ),
        (
            lambda m: gv.draw(m.y, m.feed, highlight="mul"),
            TypeError,
            r"highlight must be a dict \{op name: note\}",
        ),
        (
            lambda m: gv.draw(m.y, m.feed, highlight={"nope": "n"}),
            ValueError,
            "highlight names op 'nope'",
        ),
        (lambda m: m.sess.run(m.y, {None: 1.0}), TypeError, "Cannot interpret feed_dict key as Tensor"),
        (lambda m: gv.constant(2**70), TypeError, "does not fit in int64"),
        (lambda m: gv.constant([1, "a"]), TypeError, "it holds text"),
        (lambda m: m.x + np.array([1, None], dtype=object), TypeError, "Input 'y' of 'Add' Op"),
        (lambda m: gv.transpose(m.x, "ab"), TypeError, "perm must be"),
        (
            lambda m: gv.gradients(m.y, [m.W], aggregation_method="fast"),
            ValueError,
            "aggregation_method",
        ),
        (
            lambda m: gv.gradients(m.y, [m.W], unconnected_gradients=3),
            ValueError,
            "unconnected_gradients",
        ),
        (lambda m: gv.check_gradients(m.y, None, m.feed), ValueError, "xs: pass the tensor"),
        (lambda m: gv.check_gradients(m.y, [m.W], m.feed, max_entries=0), ValueError, "max_entries"),
        (lambda m: gv.gradient_summary([m.y], feed_dict=[1]), TypeError, "feed_dict must be a dict"),
        (
            lambda m: gv.train.GradientDescentOptimizer("fast"),
            (TypeError, ValueError),
            "learning_rate must be a",
        ),
    ],
    ids=[
        "ragged",
        "axis",
        "highlight-str",
        "highlight-name",
        "None-key",
        "huge-int",
        "text",
        "object",
        "perm",
        "aggregation",
        "unconnected",
        "check-xs",
        "max_entries",
        "summary-feed",
        "lr",
    ],
)
def test_messages_say_what_was_wrong_and_where(m, call, error, match):
    unchanged(m, lambda: call(m), error, match)


def test_explain_names_the_path_cut_by_stop_gradient():
    with gv.Graph().as_default():
        u = gv.placeholder("float32", [], name="u")
        z = gv.stop_gradient(u) * 2 + u * 0
        explanation = gv.trace_backward(z, [u], feed_dict={u: 1.5}).explain(u)
    assert explanation.gradient == 0.0
    assert explanation.reason.startswith("zero: the contributions reaching it are all zero")
    assert "cut at StopGradient (stop_gradient op)" in explanation.reason
    blocking = {(e.src.op.name, e.dst.name): why for e, why in explanation.blocking}
    assert blocking[("u", "StopGradient")] == "stop_gradient op"
    assert "zero contribution" in blocking[("u", "mul_1")]


# -- accuracy -------------------------------------------------------------------------------------------
def test_reductions_are_accurate_to_float32_rounding_along_every_axis():
    rng = np.random.default_rng(0)
    big = (rng.random((5_000_000, 2), dtype=np.float32) + 0.1).astype(np.float32)
    wide = np.ascontiguousarray(big.T)
    with gv.Graph().as_default():
        x = gv.placeholder("float32", [None, None])
        fetches = {
            (kind, axis): getattr(gv, f"reduce_{kind}")(x, axis)
            for kind in ("sum", "mean")
            for axis in (0, 1, -1, None, (0, 1))
        }
        sess = gv.Session()
        for array in (big, wide, big[::2]):  # column-major rows, contiguous rows, a strided view
            values = sess.run(fetches, {x: array})
            exact = array.astype(np.float64)
            for (kind, axis), value in values.items():
                expected = getattr(exact, kind)(axis=axis)
                assert value.dtype == np.float32
                relative = np.max(np.abs(value - expected) / np.abs(expected))
                assert relative < 1.2e-7, (kind, axis, array.shape, relative)  # one float32 ulp
