"""Session: fetch structures, names, default sessions, feeds, errors, and state kept intact by a
run that fails."""

import collections

import numpy as np
import pytest

import gradviz as gv


@pytest.fixture
def model(fresh_graph):
    x = gv.placeholder("float32", [2], name="x")
    w = gv.Variable([1.0, 2.0], name="w")
    y = gv.multiply(x, w, name="y")
    total = gv.reduce_sum(y, name="total")
    return x, w, y, total


def initialized(graph=None):
    sess = gv.Session(graph)
    sess.run(gv.global_variables_initializer())
    return sess


# -- fetch structures --------------------------------------------------------------------------
def test_nested_fetches_keep_their_structure(model):
    x, w, y, total = model
    sess = initialized()
    out = sess.run({"a": [y, (total, w)], "b": total, "c": {"d": [x]}}, {x: [3.0, 4.0]})
    assert set(out) == {"a", "b", "c"}
    assert isinstance(out["a"], list) and isinstance(out["a"][1], tuple)
    np.testing.assert_array_equal(out["a"][0], [3.0, 8.0])
    assert out["a"][1][0] == 11.0 and out["b"] == 11.0
    np.testing.assert_array_equal(out["a"][1][1], [1.0, 2.0])
    np.testing.assert_array_equal(out["c"]["d"][0], [3.0, 4.0])


def test_namedtuple_fetches_come_back_as_the_namedtuple(model):
    x, w, y, total = model
    Pair = collections.namedtuple("Pair", ["vec", "sum"])
    out = initialized().run(Pair(y, total), {x: [1.0, 1.0]})
    assert isinstance(out, Pair) and out.sum == 3.0
    np.testing.assert_array_equal(out.vec, [1.0, 2.0])


def test_single_and_flat_fetches(model):
    x, w, y, total = model
    sess = initialized()
    assert sess.run(total, {x: [1.0, 1.0]}) == 3.0
    assert sess.run([total], {x: [1.0, 1.0]}) == [3.0]
    assert sess.run((total, total), {x: [2.0, 0.0]}) == (2.0, 2.0)
    assert sess.run([], {x: [2.0, 0.0]}) == []


def test_fetch_and_feed_by_name(model):
    x, w, y, total = model
    gv.global_variables_initializer()
    sess = gv.Session()
    assert sess.run("init") is None  # an operation, by name: runs it, returns None
    assert sess.run("total:0", {"x:0": [1.0, 1.0]}) == 3.0
    out = sess.run(["y:0", w.initializer], {x: [2.0, 2.0]})
    np.testing.assert_array_equal(out[0], [2.0, 4.0])
    assert out[1] is None
    with pytest.raises(ValueError, match="'nope:0' cannot be interpreted as a Tensor"):
        sess.run("nope:0")
    with pytest.raises(ValueError):
        sess.run("total:x")
    with pytest.raises(TypeError):
        sess.run(None)


def test_feeding_an_intermediate_tensor_replaces_its_value(model):
    x, w, y, total = model
    sess = gv.Session()  # no initializer needed: the variable is below the fed tensor
    assert sess.run(total, {y: [5.0, 6.0]}) == 11.0


def test_fetched_arrays_do_not_alias_graph_state(model):
    """Editing a fetched array must not change a constant, a variable or a later result."""
    x, w, y, total = model
    c = gv.constant([1.0, 2.0])
    doubled = c * 2.0  # computed once, from constants only
    t = gv.transpose(gv.reshape(w, [1, 2]))
    single = gv.add_n([w])
    row = gv.reshape(w, [1, 2])[0]

    @gv.custom_gradient
    def passthrough(v):
        return gv.identity(v), lambda dy: dy

    custom = passthrough(w)
    sess = initialized()
    feed = np.array([1.0, 1.0], np.float32)
    for tensor in (c, doubled, w, t, single, row, custom, x):
        for _ in range(3):  # the first runs of a plan and the compiled ones
            value = sess.run(tensor, {x: feed})
            value[...] = 99.0
    np.testing.assert_array_equal(sess.run(c), [1.0, 2.0])
    np.testing.assert_array_equal(sess.run(doubled), [2.0, 4.0])
    np.testing.assert_array_equal(sess.run(w), [1.0, 2.0])
    np.testing.assert_array_equal(feed, [1.0, 1.0])
    fed = np.array([3.0, 4.0], np.float32)
    assert sess.run(y, {y: fed}) is not fed


def test_assigned_feed_is_copied_into_the_variable(model):
    x, w, y, total = model
    sess = initialized()
    source = np.array([5.0, 6.0], np.float32)
    sess.run(w.assign(x), {x: source})
    source[:] = 0.0
    np.testing.assert_array_equal(sess.run(w), [5.0, 6.0])


# -- default sessions ----------------------------------------------------------------------------
def test_with_block_makes_the_default_session(model):
    x, w, y, total = model
    assert gv.get_default_session() is None
    with gv.Session() as sess:
        assert gv.get_default_session() is sess
        w.initializer.run()
        assert total.eval({x: [1.0, 1.0]}) == 3.0
    assert gv.get_default_session() is None
    with pytest.raises(RuntimeError, match="closed"):
        sess.run(total, {x: [1.0, 1.0]})


def test_as_default_does_not_close(model):
    x, w, y, total = model
    sess = initialized()
    with sess.as_default():
        assert total.eval({x: [0.0, 1.0]}) == 2.0
    assert sess.run(total, {x: [0.0, 1.0]}) == 2.0


def test_interactive_session_serves_eval_and_run(model):
    x, w, y, total = model
    sess = gv.InteractiveSession()
    try:
        assert gv.get_default_session() is sess
        gv.global_variables_initializer().run()
        np.testing.assert_array_equal(w.eval(), [1.0, 2.0])
        assert total.eval(feed_dict={x: [1.0, 1.0]}) == 3.0
        w.assign([3.0, 4.0]).op.run()
        np.testing.assert_array_equal(w.eval(), [3.0, 4.0])
    finally:
        sess.close()
    assert gv.get_default_session() is None


def test_eval_without_a_default_session_names_the_tensor(model):
    x, w, y, total = model
    with pytest.raises(ValueError, match="total"):
        total.eval({x: [1.0, 1.0]})


def test_eval_with_a_session_of_another_graph_is_a_value_error(model):
    x, w, y, total = model
    with gv.Graph().as_default() as other:
        gv.constant(1.0)
    with gv.Session(other) as sess:
        with pytest.raises(ValueError, match="total"):
            total.eval({x: [1.0, 1.0]})
        with pytest.raises(ValueError, match="total"):
            sess.run(total)


# -- errors ----------------------------------------------------------------------------------------
def test_unfed_placeholder_is_an_invalid_argument_error_naming_it(model):
    x, w, y, total = model
    sess = initialized()
    with pytest.raises(gv.errors.InvalidArgumentError, match="'x'") as info:
        sess.run(total)
    assert isinstance(info.value, ValueError) and info.value.op is x.op


def test_feed_of_wrong_shape_names_the_tensor(model):
    x, w, y, total = model
    sess = initialized()
    with pytest.raises(ValueError, match="x:0"):
        sess.run(total, {x: [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="x:0"):
        sess.run(total, {x: [[1.0, 2.0]]})


def test_feed_of_wrong_shape_for_unknown_dims():
    p = gv.placeholder("float32", [None, 2], name="p")
    with pytest.raises(ValueError, match="p:0"):
        gv.Session().run(p * 1.0, {p: np.ones((3, 3))})
    assert gv.Session().run(p * 1.0, {p: np.ones((3, 2))}).shape == (3, 2)


@pytest.mark.parametrize("bad", ["abc", None, {"a": 1}, [1.0, "b"], gv.Tensor])
def test_non_numeric_feed_is_a_type_error_naming_the_tensor(model, bad):
    x, w, y, total = model
    sess = initialized()
    with pytest.raises(TypeError, match="x:0"):
        sess.run(total, {x: bad})


def test_uninitialized_variable_is_a_failed_precondition_error_naming_it(model):
    x, w, y, total = model
    with pytest.raises(gv.errors.FailedPreconditionError, match="w") as info:
        gv.Session().run(total, {x: [1.0, 1.0]})
    assert isinstance(info.value, ValueError)


def test_feed_key_must_be_a_tensor(model):
    x, w, y, total = model
    init = gv.global_variables_initializer()
    with pytest.raises(TypeError, match="init"):
        gv.Session().run(total, {init: 1.0})


def test_fetch_from_another_graph_is_a_value_error(model):
    with gv.Graph().as_default():
        foreign = gv.constant(1.0)
    with pytest.raises(ValueError, match="Const"):
        gv.Session().run(foreign)


def test_run_errors_leave_variables_and_graph_as_they_were(model, fresh_graph):
    """A run that assigns and then fails commits none of its assignments."""
    x, w, y, total = model
    v = gv.Variable([10.0, 20.0], name="v")
    never_initialized = gv.Variable(0.0, name="lazy")
    sess = gv.Session()
    sess.run(w.initializer)
    sess.run(v.initializer)
    update_w = w.assign([7.0, 7.0])
    update_v = v.assign_add([1.0, 1.0])
    names = [op.name for op in fresh_graph.get_operations()]
    failing = [
        ([update_w, update_v, never_initialized], None, gv.errors.FailedPreconditionError),
        ([update_w, update_v, total], None, gv.errors.InvalidArgumentError),
        ([update_w, update_v, total], {x: [1.0, 2.0, 3.0]}, ValueError),
        ([update_w, update_v, total], {x: "text"}, TypeError),
    ]
    for fetches, feed, error in failing:
        with pytest.raises(error):
            sess.run(fetches, feed)
        values = sess.run([w, v])
        np.testing.assert_array_equal(values[0], [1.0, 2.0])
        np.testing.assert_array_equal(values[1], [10.0, 20.0])
    assert [op.name for op in fresh_graph.get_operations()] == names
    sess.run([update_w, update_v])
    values = sess.run([w, v])
    np.testing.assert_array_equal(values[0], [7.0, 7.0])
    np.testing.assert_array_equal(values[1], [11.0, 21.0])


def test_assignments_in_one_run_read_the_old_values(model):
    x, w, y, total = model
    sess = initialized()
    old, _ = sess.run([w, w.assign([5.0, 5.0])])
    np.testing.assert_array_equal(old, [1.0, 2.0])
    np.testing.assert_array_equal(sess.run(w), [5.0, 5.0])


def test_variables_live_in_the_session(model):
    x, w, y, total = model
    first, second = initialized(), initialized()
    first.run(w.assign([0.0, 0.0]))
    np.testing.assert_array_equal(first.run(w), [0.0, 0.0])
    np.testing.assert_array_equal(second.run(w), [1.0, 2.0])


def test_variable_load_and_properties(model):
    x, w, y, total = model
    sess = initialized()
    w.load([8.0, 9.0], sess)
    np.testing.assert_array_equal(sess.run(w), [8.0, 9.0])
    assert w.op.name == "w" and w.name == "w:0" and w.trainable
    assert w.shape.as_list() == [2] and w.dtype == np.float32
    assert gv.trainable_variables() == [w] and gv.global_variables() == [w]
    with pytest.raises(ValueError, match="w:0"):
        w.load([1.0, 2.0, 3.0], sess)


def test_variable_from_a_tensor_initial_value(model):
    x, w, y, total = model
    v2 = gv.Variable(w * 2.0, name="v2")
    sess = gv.Session()
    sess.run(w.initializer)
    sess.run(v2.initializer)
    np.testing.assert_array_equal(sess.run(v2), [2.0, 4.0])


def test_non_trainable_variable(fresh_graph):
    step = gv.Variable(0, name="step", trainable=False)
    assert step.dtype == np.int32
    assert gv.trainable_variables() == [] and gv.global_variables() == [step]


def test_failing_gradients_call_leaves_graph_and_variables_alone(model, fresh_graph):
    x, w, y, total = model
    sess = initialized()
    wrong_dtype = gv.constant(1.0, dtype="float64")
    names = [op.name for op in fresh_graph.get_operations()]
    consumers = {op.name: [t.consumers() for t in op.outputs] for op in fresh_graph.get_operations()}
    with pytest.raises(ValueError):
        gv.gradients([total, y], [w], grad_ys=[1.0, [1.0, 2.0, 3.0]])
    with pytest.raises(TypeError):
        gv.gradients(total, [w], grad_ys=wrong_dtype)
    assert [op.name for op in fresh_graph.get_operations()] == names
    assert {
        op.name: [t.consumers() for t in op.outputs] for op in fresh_graph.get_operations()
    } == consumers
    assert fresh_graph.gradient_maps == []
    np.testing.assert_array_equal(sess.run(w), [1.0, 2.0])
    (g,) = gv.gradients(total, [w])
    assert g.op.name.startswith("gradients/")  # the scope name was not used up


def test_plans_are_reused_and_stay_correct_after_new_ops(model, fresh_graph):
    x, w, y, total = model
    sess = initialized()
    assert sess.run(total, {x: [1.0, 1.0]}) == 3.0
    doubled = total * 2.0
    assert sess.run(total, {x: [2.0, 2.0]}) == 6.0
    assert sess.run(doubled, {x: [2.0, 2.0]}) == 12.0
    sess.run(w.assign([0.0, 0.0]))
    assert sess.run(total, {x: [2.0, 2.0]}) == 0.0


def test_fetching_a_fed_tensor_returns_the_fed_value(model):
    x, w, y, total = model
    value, summed = gv.Session().run([y, total], {y: [3.0, 4.0]})  # w is never read
    assert value.dtype == np.float32
    np.testing.assert_array_equal(value, [3.0, 4.0])
    assert summed == 7.0
