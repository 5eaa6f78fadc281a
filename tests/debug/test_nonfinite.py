"""find_nonfinite: the first op, in execution order, whose output is NaN or Inf, with its inputs."""

import numpy as np
import pytest

import gradviz as gv

F32 = np.float32


@pytest.fixture(autouse=True)
def fresh_graph():
    with gv.Graph().as_default() as graph:
        yield graph


def test_log_fed_zero_is_the_first_nonfinite_op():
    x = gv.placeholder("float32", [], name="x")
    y = gv.exp(gv.log(x) * 2.0)  # -inf, then -inf, then exp(-inf) = 0: finite again
    result = gv.find_nonfinite(y, feed_dict={x: 0.0})
    assert result and result.op.name == "Log" and result.op.type == "Log"
    assert result.phase == "forward"
    assert result.inputs == {"x:0": 0.0}
    assert result.output == -np.inf
    assert result.counts == (0, 0, 1)
    assert (result.position, result.scanned) == (2, 5)  # x, Log, Const, mul, Exp


def test_the_culprit_is_named_even_when_later_ops_also_fail():
    x = gv.placeholder("float32", [3], name="x")
    scale = gv.Variable(np.ones(3, F32), name="scale")
    y = gv.reduce_sum(gv.sqrt(x - 1.0) * scale)  # sqrt(-1) = nan, then mul and Sum are nan too
    sess = gv.Session()
    sess.run(gv.global_variables_initializer())
    result = gv.find_nonfinite(y, feed_dict={x: np.array([2.0, 0.0, 5.0], F32)}, session=sess)
    assert result.op.name == "Sqrt"
    assert list(result.inputs) == ["sub:0"]
    np.testing.assert_array_equal(result.inputs["sub:0"], [1.0, -1.0, 4.0])
    assert np.isnan(result.output[1]) and result.counts == (1, 0, 0)


def test_a_gradient_that_is_infinite_where_the_forward_pass_is_finite():
    x = gv.placeholder("float32", [2], name="x")
    y = gv.reduce_sum(gv.sqrt(x))  # sqrt(0) = 0, but d sqrt/dx = 0.5 / sqrt(x) = inf at 0
    assert not gv.find_nonfinite(y, feed_dict={x: np.array([0.0, 4.0], F32)})
    result = gv.find_nonfinite(y, [x], feed_dict={x: np.array([0.0, 4.0], F32)})
    assert result.phase == "backward"
    assert result.op.type == "RealDiv" and result.op.name.startswith("gradients/Sqrt_grad/")
    assert result.gradient_of.name == "Sqrt"
    assert result.output.tolist() == [np.inf, 0.25]
    assert result.highlighted_op().name == "Sqrt"
    assert result.note() == f"first +Inf in its gradient: {result.op.name}"


def test_a_nan_stored_in_a_variable_is_found_at_the_variable():
    w = gv.Variable(np.array([1.0, np.nan], F32), name="w")
    y = gv.reduce_sum(w * 2.0)
    result = gv.find_nonfinite(y, [w])
    assert result.op.name == "w" and result.op.type == "VariableV2" and result.inputs == {}


def test_all_finite_gives_a_falsy_result_that_says_so():
    x = gv.placeholder("float32", [], name="x")
    result = gv.find_nonfinite(gv.log(x), [x], feed_dict={x: 2.0})
    assert not result and result.op is None
    assert str(result) == f"No NaN or Inf: all {result.scanned} ops produced finite values."
    assert result.scanned > 2  # the backward ops were scanned too


def test_the_text_names_op_phase_output_and_inputs():
    x = gv.placeholder("float32", [2], name="x")
    result = gv.find_nonfinite(gv.log(x), feed_dict={x: np.array([1.0, 0.0], F32)})
    assert str(result).splitlines() == [
        "First non-finite value: op 'Log' (Log), forward pass, op 2 of 2 in execution order.",
        "  output: [0, -inf]  (1 -Inf)",
        "  inputs:",
        "    x:0 = [1, 0]",
    ]


def test_the_optimizers_gradient_ops_are_reused_not_built_again(fresh_graph):
    x = gv.placeholder("float32", [], name="x")
    w = gv.Variable(1.0, name="w")
    loss = gv.log(x * w)
    gv.train.GradientDescentOptimizer(0.1).minimize(loss)
    sess = gv.Session()
    sess.run(gv.global_variables_initializer())
    before = len(fresh_graph.get_operations())
    result = gv.find_nonfinite(loss, [w], feed_dict={x: 0.0}, session=sess)
    assert result.op.name == "Log"
    assert len(fresh_graph.get_operations()) == before


def test_the_backward_scan_counts_gradient_ops_on_cut_edges():
    """log(x)'s gradient towards x is built, then cut (x is not an x of the call): its ops ran, so
    the scan counts them (11 ops, as notebook 05 prints)."""
    with gv.Graph().as_default():
        x = gv.placeholder("float32", [], name="x")
        w = gv.Variable(2.0, name="w")
        loss = gv.square(w * gv.log(x, name="log_x"), name="loss")
        result = gv.find_nonfinite(loss, [w], feed_dict={x: 0.0})
    assert (result.op.name, result.position, result.scanned) == ("log_x", 3, 11)
