"""BackpropTrace on the engine issue's two examples: per-edge contributions, running totals,
stopped edges and explanations, all checked against what `gradients()` and `Session.run` give."""

import numpy as np
import pytest

import gradviz as gv
from gradviz.engine.gradients import Edge
from tests.viz.examples import B_GRAD, W_GRAD, a_plus_2a, linreg


def edge_step(trace, dst_name, src_name):
    """The EdgeStep of the step for op `dst_name` whose input is op `src_name`."""
    step = next(s for s in trace.steps if s.op.name == dst_name)
    return next(es for es in step.edges if es.src.op.name == src_name)


def stopped(trace):
    return {(e.src.op.name, e.dst.name): why for e, why in trace.gradient_map.stopped.items()}


# -- linear regression ----------------------------------------------------------------------------
@pytest.fixture
def lr():
    ex = linreg()
    ex.trace = gv.trace_backward(ex.cost, [ex.W, ex.b], feed_dict=ex.feed)
    return ex


def test_linreg_contribution_to_W_is_residual_times_X_summed(lr):
    es = edge_step(lr.trace, "mul", "W")
    residual = (lr.feed[lr.X] * np.float32(1.6649098) + np.float32(0.54648024)) - lr.feed[lr.Y]
    assert es.contribution == pytest.approx(W_GRAD, rel=1e-6)
    assert es.contribution == pytest.approx(float(np.sum(residual * lr.feed[lr.X])), rel=1e-6)
    assert es.broadcast == ((2, 1), (), (0, 1))
    assert es.stopped is None


def test_linreg_contribution_to_b_is_residual_summed(lr):
    es = edge_step(lr.trace, "add", "b")
    assert es.contribution == pytest.approx(B_GRAD, rel=1e-6)
    assert es.broadcast == ((2, 1), (), (0, 1))
    assert np.shape(es.contribution) == ()


def test_linreg_edges_without_broadcast_have_no_broadcast_info(lr):
    es = edge_step(lr.trace, "add", "mul")
    assert es.broadcast is None
    assert np.shape(es.contribution) == (2, 1)


def test_linreg_grads_equal_session_run_of_gradients_exactly(lr):
    with lr.graph.as_default():
        dW, db = gv.gradients(lr.cost, [lr.W, lr.b])
        with gv.Session() as sess:
            sess.run(gv.global_variables_initializer())
            expected = sess.run([dW, db], lr.feed)
    assert [np.asarray(g).tobytes() for g in lr.trace.grads] == [e.tobytes() for e in expected]
    assert lr.trace.grad(lr.W) == lr.trace.grads[0] and lr.trace.grad("b:0") == lr.trace.grads[1]


def test_linreg_steps_follow_the_order_gradients_processed_ops(lr):
    order = [op.name for op in lr.trace.gradient_map.order]
    assert [s.op.name for s in lr.trace.steps] == order
    assert order == ["mul_1", "Sum", "Pow", "sub", "add", "mul", "b", "W"]
    assert [s.index for s in lr.trace.steps] == list(range(8))
    with lr.graph.as_default():  # a second gradients() call walks the graph in the same order
        gv.gradients(lr.cost, [lr.W, lr.b])
    assert [op.name for op in lr.graph.gradient_maps[-1].order] == order


def test_linreg_waiting_counts_fall_to_zero(lr):
    W = lr.W
    waits = [s.waiting[W] for s in lr.trace.steps]
    assert waits == [1, 1, 1, 1, 1, 0, 0, 0]  # W's only consumer, mul, is step 5
    assert all(n == 0 for n in lr.trace.steps[-1].waiting.values())
    for t in lr.trace.steps[0].waiting:
        counts = [s.waiting[t] for s in lr.trace.steps]
        assert counts == sorted(counts, reverse=True)


def test_linreg_upstream_is_the_accumulated_gradient_at_the_output(lr):
    mul = next(s for s in lr.trace.steps if s.op.name == "mul")
    residual = lr.trace.value(lr.pred) - lr.feed[lr.Y]
    np.testing.assert_allclose(mul.upstream[0], residual, rtol=1e-6)
    assert lr.trace.steps[0].upstream[0] == 1.0  # the seed: ones like cost


def test_linreg_local_derivative_formulas(lr):
    assert edge_step(lr.trace, "mul", "W").formula == "∂(X × W)/∂W = X"
    assert edge_step(lr.trace, "mul", "X").formula == "∂(X × W)/∂X = W"
    assert edge_step(lr.trace, "add", "b").formula == "∂(mul + b)/∂b = 1"
    assert edge_step(lr.trace, "sub", "Y").formula == "∂(add − Y)/∂Y = −1"
    assert edge_step(lr.trace, "Pow", "sub").formula == "∂(sub ^ 2)/∂sub = 2·sub^(2−1)"
    assert edge_step(lr.trace, "mul_1", "Sum").formula == "∂(0.5 × Sum)/∂Sum = 0.5"


def test_linreg_local_derivative_values(lr):
    np.testing.assert_allclose(edge_step(lr.trace, "mul", "W").local, lr.feed[lr.X], rtol=1e-6)
    np.testing.assert_allclose(edge_step(lr.trace, "add", "b").local, np.ones((2, 1)))
    residual = lr.trace.value(lr.pred) - lr.feed[lr.Y]
    np.testing.assert_allclose(edge_step(lr.trace, "Pow", "sub").local, 2 * residual, rtol=1e-6)
    assert edge_step(lr.trace, "mul_1", "Sum").local == pytest.approx(0.5)
    # upstream × local = the contribution before broadcasting is undone
    es, step = edge_step(lr.trace, "mul", "W"), lr.trace.steps[5]
    assert float(np.sum(step.upstream[0] * es.local)) == pytest.approx(W_GRAD, rel=1e-6)


def test_linreg_edges_from_X_and_Y_are_stopped_as_unreachable(lr):
    assert stopped(lr.trace)[("X", "mul")] == "does not reach any x"
    assert stopped(lr.trace)[("Y", "sub")] == "does not reach any x"
    es = edge_step(lr.trace, "mul", "X")
    assert es.stopped == "does not reach any x" and es.contribution is None and es.local is None
    assert lr.trace.contribution(es.edge) is None


def test_linreg_values_by_tensor_and_name(lr):
    np.testing.assert_allclose(lr.trace.value(lr.pred), [[3.876302], [5.541212]], rtol=1e-6)
    assert lr.trace.value("W:0") == np.float32(1.6649098)
    with lr.graph.as_default():
        other = gv.constant(1.0, name="unrelated")
    with pytest.raises(ValueError, match="unrelated"):
        lr.trace.value(other)


def test_linreg_accumulated_totals_per_step(lr):
    add = next(s for s in lr.trace.steps if s.op.name == "add")
    assert add.accumulated[lr.b] == pytest.approx(B_GRAD, rel=1e-6)
    assert lr.trace.total(lr.W) == pytest.approx(W_GRAD, rel=1e-6)
    assert lr.trace.total(lr.X) is None  # X is not on a path to any x


def test_linreg_str_lists_steps_and_final_gradients(lr):
    text = str(lr.trace)
    assert text.startswith("Backward pass: 8 steps")
    assert "← W: ∂(X × W)/∂W = X; contribution 12.38" in text
    assert text.rstrip().endswith("∂/∂W = 12.38\n∂/∂b = 4.418")
    assert repr(lr.trace) == "<gradviz.BackpropTrace: 8 steps, xs=['W', 'b']>"


def test_recompute_with_a_new_feed_changes_grads_not_the_original(lr):
    new = lr.trace.recompute({lr.X: [[1.0], [1.0]], lr.Y: [[0.0], [0.0]]})
    assert new.grads[1] == pytest.approx(2 * (1.6649098 + 0.54648024), rel=1e-6)
    assert lr.trace.grads[1] == pytest.approx(B_GRAD, rel=1e-6)


def test_trace_rejects_a_tensor_that_is_not_an_x(lr):
    with pytest.raises(ValueError, match="'X:0' is not one of this trace's xs"):
        lr.trace.grad(lr.X)


# -- a + 2a ---------------------------------------------------------------------------------------
def test_fan_out_sums_one_plus_two():
    ex = a_plus_2a()
    trace = gv.trace_backward(ex.y, [ex.a, ex.b])
    assert trace.grads == [3.0, 1.0]
    acc = trace.gradient_map.accumulated[ex.a]
    assert [e.dst.name for e in acc.contributions] == ["y", "b"]
    assert [trace.contribution(e) for e in acc.contributions] == [1.0, 2.0]
    # the running total of a: 1 after y's step, 1 + 2 = 3 after b's
    assert [s.op.name for s in trace.steps] == ["y", "b", "a"]
    assert trace.steps[0].accumulated[ex.a] == 1.0
    assert trace.steps[1].accumulated[ex.a] == 3.0
    assert [s.waiting[ex.a] for s in trace.steps] == [1, 0, 0]
    assert trace.total(ex.a) == 3.0
    assert edge_step(trace, "b", "a").formula == "∂(2 × a)/∂a = 2"
    assert edge_step(trace, "b", "a").local == 2.0


def test_same_tensor_twice_is_two_contributions():
    with gv.Graph().as_default():
        x = gv.placeholder("float32", [], name="x")
        y = gv.multiply(x, x, name="y")
        trace = gv.trace_backward(y, [x], feed_dict={x: 3.0})
    acc = trace.gradient_map.accumulated[x]
    assert [e.index for e in acc.contributions] == [0, 1]
    assert trace.grads == [6.0]
    assert [es.contribution for es in trace.steps[0].edges] == [3.0, 3.0]


def test_partial_derivatives_stop_both_edges_into_b():
    ex = a_plus_2a()
    trace = gv.trace_backward(ex.y, [ex.a, ex.b], stop_gradients=[ex.a, ex.b])
    assert trace.grads == [1.0, 1.0]
    assert stopped(trace) == {
        ("Const", "b"): "listed in stop_gradients",
        ("a", "b"): "listed in stop_gradients",
    }
    b_step = next(s for s in trace.steps if s.op.name == "b")
    assert [es.stopped for es in b_step.edges] == ["listed in stop_gradients"] * 2
    assert all(es.contribution is None for es in b_step.edges)
    assert len(trace.gradient_map.accumulated[ex.a].contributions) == 1


def test_stop_gradient_op_cuts_its_edge():
    ex = a_plus_2a()
    with ex.graph.as_default():
        y = gv.stop_gradient(ex.a, name="c") + ex.b
    trace = gv.trace_backward(y, [ex.a])
    assert trace.grads == [2.0]  # only the path through b = 2a
    assert stopped(trace)[("a", "c")] == "stop_gradient op"
    assert edge_step(trace, "c", "a").stopped == "stop_gradient op"


def test_aggregation_methods_give_the_same_values():
    ex = a_plus_2a()
    for method in (
        gv.AggregationMethod.EXPERIMENTAL_TREE,
        gv.AggregationMethod.EXPERIMENTAL_ACCUMULATE_N,
    ):
        trace = gv.trace_backward(ex.y, [ex.a, ex.b], aggregation_method=method)
        assert trace.grads == [3.0, 1.0]
        assert trace.steps[1].accumulated[ex.a] == 3.0


# -- explain() --------------------------------------------------------------------------------------
@pytest.fixture
def xz():
    graph = gv.Graph()
    with graph.as_default():
        x = gv.placeholder("float32", [], name="x")
        z = gv.placeholder("float32", [], name="z")
    return graph, x, z


def test_explain_unreachable_x_none_and_zero(xz):
    graph, x, z = xz
    with graph.as_default():
        y = gv.square(x, name="y")
    none = gv.trace_backward(y, [x, z], feed_dict={x: 3.0, z: 1.0})
    zero = gv.trace_backward(y, [x, z], feed_dict={x: 3.0, z: 1.0}, unconnected_gradients="zero")
    assert none.grads[1] is None
    assert zero.grads[1] == 0.0 and zero.grads[0] == none.grads[0] == 6.0
    for trace in (none, zero):
        e = trace.explain(z)
        assert e.reason.startswith("unreachable") and e.blocking == []
    assert str(none.explain(z)) == "z: unreachable: no y depends on it"
    assert zero.explain(z).reason.endswith("(returned as zeros: unconnected_gradients='zero')")
    assert none.explain(x).reason == "receives a gradient"


def test_explain_stop_gradient_names_the_blocking_edge(xz):
    graph, x, _ = xz
    with graph.as_default():
        y = gv.multiply(gv.stop_gradient(x, name="s"), 3.0, name="y")
    e = gv.trace_backward(y, [x], feed_dict={x: 3.0}).explain(x)
    assert e.gradient is None
    assert e.reason == "None: every path to the ys is cut (stop_gradient op)"
    assert [(b.src.op.name, b.dst.name, why) for b, why in e.blocking] == [
        ("x", "s", "stop_gradient op")
    ]
    assert "x → s: stop_gradient op" in str(e)


def test_explain_stop_gradients_list(xz):
    graph, x, _ = xz
    with graph.as_default():
        h = gv.multiply(x, 3.0, name="h")
        y = gv.square(h, name="y")
    e = gv.trace_backward(y, [x], feed_dict={x: 3.0}, stop_gradients=[h]).explain(x)
    assert e.gradient is None and "listed in stop_gradients" in e.reason
    assert [(b.src.op.name, b.dst.name) for b, _ in e.blocking] == [("x", "h")]


def test_explain_integer_tensor_cast_to_float(xz):
    graph, x, _ = xz
    with graph.as_default():
        i = gv.placeholder("int32", [], name="i")
        y = gv.cast(i, "float32", name="fi") * x
    trace = gv.trace_backward(y, [i, x], feed_dict={x: 3.0, i: 2})
    assert trace.grads[0] is None and trace.grads[1] == 2.0
    e = trace.explain(i)
    assert e.reason.startswith("integer tensor")
    assert [(b.src.op.name, b.dst.name, why) for b, why in e.blocking] == [("i", "fi", "integer tensor")]


def test_explain_op_without_gradient(xz):
    graph, x, _ = xz
    gv.NotDifferentiable("TestNoGradSquare")
    with graph.as_default():
        with graph.gradient_override_map({"Square": "TestNoGradSquare"}):
            sq = gv.square(x, name="sq")
        y = gv.multiply(sq, 2.0, name="y")
    e = gv.trace_backward(y, [x], feed_dict={x: 3.0}).explain(x)
    assert e.gradient is None and "no gradient defined" in e.reason
    assert [(b.src.op.name, b.dst.name, why) for b, why in e.blocking] == [
        ("x", "sq", "no gradient defined")
    ]


def test_explain_zero_gradient_from_a_dead_relu(xz):
    graph, x, _ = xz
    with graph.as_default():
        y = gv.multiply(gv.relu(x, name="r"), 2.0, name="y")
    dead = gv.trace_backward(y, [x], feed_dict={x: -3.0})
    e = dead.explain(x)
    assert e.gradient == 0.0 and e.reason.startswith("zero")
    assert [(b.src.op.name, b.dst.name) for b, _ in e.blocking] == [("x", "r")]
    assert "local derivative is 0" in e.blocking[0][1]
    alive = dead.recompute({x: 3.0})
    assert alive.grads == [2.0] and alive.explain(x).reason == "receives a gradient"


def test_explain_partial_path_cut_still_receives(xz):
    graph, x, _ = xz
    with graph.as_default():
        y = gv.add(gv.stop_gradient(x, name="s"), gv.multiply(2.0, x, name="m"), name="y")
    e = gv.trace_backward(y, [x], feed_dict={x: 1.0}).explain(x)
    assert e.gradient == 2.0 and e.reason == "receives a gradient"
    assert [(b.src.op.name, b.dst.name) for b, _ in e.blocking] == [("x", "s")]


def test_edge_key_names_consumer_and_input():
    ex = a_plus_2a()
    trace = gv.trace_backward(ex.y, [ex.a])
    edge = Edge(ex.a, ex.b.op, 1)
    assert edge.key == ("b", 1)
    assert trace.contribution(edge) == 2.0
