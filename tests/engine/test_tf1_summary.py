"""tf.summary: event files that TensorBoard's own reader (its event accumulator) reads back
with the scalars, histograms and graph that were written."""

import numpy as np
import pytest

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402

import gradviz as gv  # noqa: E402
from gradviz.engine.ops.summary import BUCKET_LIMITS  # noqa: E402


def read(logdir):
    accumulator = EventAccumulator(str(logdir), size_guidance={"scalars": 0, "histograms": 0})
    accumulator.Reload()
    return accumulator


def test_scalars_histograms_and_graph_read_back_by_tensorboard(tmp_path):
    x = gv.placeholder("float32", [None, 2], name="x")
    w = gv.Variable(np.float32([[1.0], [-2.0]]), name="W")
    with gv.name_scope("train"):
        loss = gv.reduce_mean(gv.square(x @ w))
        (grad,) = gv.gradients(loss, [w])
        s_loss = gv.summary.scalar("loss", loss)
        s_grad = gv.summary.histogram("grad_W", grad)
    merged = gv.summary.merge_all()
    assert merged.dtype == gv.string and gv.get_collection(gv.GraphKeys.SUMMARIES) == [s_loss, s_grad]
    sess = gv.Session()
    sess.run(gv.global_variables_initializer())
    with gv.summary.FileWriter(str(tmp_path), sess.graph) as writer:
        for step in range(3):
            feed = {x: np.full((4, 2), step + 1.0, np.float32)}
            writer.add_summary(sess.run(merged, feed), step)
    events = read(tmp_path)
    tags = events.Tags()
    assert tags["scalars"] == ["train/loss"] and tags["histograms"] == ["train/grad_W"] and tags["graph"]
    losses = [e.value for e in events.Scalars("train/loss")]
    np.testing.assert_allclose(losses, [1.0, 4.0, 9.0])  # mean((x·1 − x·2)²) with x = step + 1
    assert [e.step for e in events.Scalars("train/loss")] == [0, 1, 2]
    histo = events.Histograms("train/grad_W")[2].histogram_value
    grad_value = sess.run(grad, {x: np.full((4, 2), 3.0, np.float32)})
    assert (
        histo.num == 2
        and histo.min == pytest.approx(grad_value.min())
        and histo.max == pytest.approx(grad_value.max())
    )
    assert histo.sum == pytest.approx(grad_value.sum()) and sum(histo.bucket) == 2
    graph_def = events.Graph()
    nodes = {n.name: n for n in graph_def.node}
    assert nodes["W"].op == "VariableV2" and nodes["train/matmul"].input == ["x", "W"]
    assert len(nodes) == len(gv.get_default_graph().get_operations())


def test_histogram_buckets_match_tensorflow_encoding():
    values = np.array([0.0, 1.0, 1.05, -3.0])
    with gv.Graph().as_default():
        s = gv.summary.histogram("h", gv.constant(values))
        proto = gv.Session().run(s)
    from tensorboard.compat.proto import summary_pb2

    histo = summary_pb2.Summary.FromString(proto).value[0].histo
    # Every value counted once, in the bucket whose upper limit is the first one above it.
    counted = [(limit, count) for limit, count in zip(histo.bucket_limit, histo.bucket) if count]
    for v in values:
        limit = BUCKET_LIMITS[np.searchsorted(BUCKET_LIMITS, v, side="right")]
        assert any(np.isclose(limit, lim) for lim, _ in counted), (v, limit)
    assert sum(histo.bucket) == 4 and histo.sum_squares == pytest.approx(np.sum(values**2))
    assert len(BUCKET_LIMITS) == 2 * (774 + 1) + 1  # 1e-12 · 1.1^k below 1e20 and DBL_MAX, mirrored, 0


@pytest.mark.parametrize("bad, word", [(np.nan, "Nan"), (np.inf, "Infinity")])
def test_histogram_of_nonfinite_values_raises_as_tensorflow(bad, word):
    x = gv.placeholder("float32", [2])
    s = gv.summary.histogram("g", x)
    with pytest.raises(gv.errors.InvalidArgumentError, match=f"{word} in summary histogram for: g"):
        gv.Session().run(s, {x: [1.0, bad]})


def test_summary_arguments_are_checked():
    with pytest.raises(TypeError, match="name"):
        gv.summary.scalar("", gv.constant(1.0))
    with pytest.raises(ValueError, match="scalar"):
        gv.summary.scalar("v", gv.constant([1.0, 2.0]))
    with pytest.raises(TypeError, match="summary tensors"):
        gv.summary.merge([gv.constant(1.0)])
    assert gv.summary.merge_all() is None
    with pytest.raises(TypeError, match="graph"):
        gv.summary.FileWriter("/tmp/x", graph="not a graph")


def test_monitor_to_tensorboard(tmp_path):
    monitor = gv.GradientMonitor(names=["dW", "db"])
    for step in range(4):
        monitor.record(step, [np.full((3, 2), 10.0**-step), np.ones(2)])
    monitor.to_tensorboard(str(tmp_path))
    events = read(tmp_path)
    assert (
        "gradients/dW/norm" in events.Tags()["scalars"]
        and "gradients/db/vanishing" in events.Tags()["scalars"]
    )
    norms = [e.value for e in events.Scalars("gradients/dW/norm")]
    np.testing.assert_allclose(norms, monitor.history("norm", "dW"), rtol=1e-6)
    assert [e.value for e in events.Scalars("gradients/dW/vanishing")] == [
        float(f) for f in monitor.history("vanishing", "dW")
    ]
