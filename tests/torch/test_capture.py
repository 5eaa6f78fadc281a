"""gradviz.torch against PyTorch itself: the trace's numbers are autograd's numbers."""

import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed: pip install torch==2.13.0")

from torch.nn import functional as F  # noqa: E402

import gradviz as gv  # noqa: E402
from gradviz.debug import model as m  # noqa: E402

from . import models  # noqa: E402


def traced(model, x, loss_fn=None, inputs=None):
    """(trace, reference grads from a plain forward + autograd.grad, loss)."""
    loss_fn = loss_fn or (lambda out: out.pow(2).mean() if out.dim() else out)
    params = inputs or [p for p in model.parameters() if p.requires_grad]
    reference = torch.autograd.grad(loss_fn(model(x)), params, allow_unused=True)
    with gv.torch.capture(model) as cap:
        loss = loss_fn(model(x))
    return cap.trace_backward(loss, inputs), reference, loss


def assert_bitwise(trace, reference):
    assert len(trace.torch_grads) == len(reference)
    for ours, theirs, array in zip(trace.torch_grads, reference, trace.grads, strict=True):
        if theirs is None:
            assert ours is None and array is None
            continue
        assert torch.equal(ours, theirs)
        assert array.dtype == np.float32 and np.array_equal(array, theirs.numpy())


def assert_fanouts_sum(trace):
    """Every value with several contributions: their sum (in arrival order) is its total."""
    found = 0
    for node in trace.forward:
        for value in node.outputs:
            if trace.fan_in(value) < 2:
                continue
            found += 1
            arrived = [
                trace.contribution(e)
                for step in trace.steps
                for e in trace.edges_into(step.op)
                if e.src is value and trace.carries(e)
            ]
            assert len(arrived) == trace.fan_in(value)
            np.testing.assert_allclose(sum(arrived), trace.total(value), rtol=1e-6, atol=1e-7)
    return found


def assert_drawn_and_stepped(trace):
    drawing = gv.draw_trace(trace)
    assert "∇ " in drawing.source and drawing.svg().startswith("<?xml")
    dbg = gv.Debugger(trace)
    assert dbg.num_steps == len([n for n in trace.forward if trace.role(n) not in m.LEAF_ROLES]) + len(
        trace.steps
    )
    dbg.last()
    assert dbg.view.phase == "backward" and "Backward" in dbg.panel_text
    dbg.goto(0)
    return drawing, dbg


def stop_reasons(trace):
    return {(e.src.op.name, e.dst.name): why for e, why in trace.stopped.items()}


def test_import_gradviz_does_not_import_torch():
    code = "import sys, gradviz; assert 'torch' not in sys.modules, 'torch imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_mlp_grads_are_autograds_bitwise_and_steps_follow_autograd():
    model = models.mlp()
    x = torch.randn(5, 3, generator=torch.Generator().manual_seed(1))
    trace, reference, loss = traced(model, x)
    assert_bitwise(trace, reference)
    assert trace.x_names == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    # One step per executed autograd node: mean, pow, 3 addmm, 3 t, 2 tanh.
    kinds = sorted(step.op.type for step in trace.steps)
    assert kinds.count("AddmmBackward0") == 3 and kinds.count("TanhBackward0") == 2
    assert trace.steps[0].op.type == "MeanBackward0"  # autograd starts at the loss
    np.testing.assert_equal(trace.steps[0].upstream[0], np.float32(1.0))
    # Scopes are module names; forward values are the captured outputs.
    names = {n.name for n in trace.forward}
    assert {"0/linear", "1/tanh", "4/linear", "0/weight"} <= names
    out = model(x)
    np.testing.assert_array_equal(trace.value("4/linear"), out.detach().numpy())
    np.testing.assert_array_equal(trace.value(trace.ys[0]), loss.detach().numpy())
    # The contribution into a Tanh node's input is upstream × (1 − tanh²).
    step = next(s for s in trace.steps if s.op.type == "TanhBackward0")
    h = trace.value(step.op.outputs[0])
    np.testing.assert_allclose(step.edges[0].local, 1 - h**2, rtol=1e-5)
    assert stop_reasons(trace)[("input", "0/linear")] == m.NO_REQUIRES_GRAD
    assert_drawn_and_stepped(trace)


def test_small_cnn():
    torch.manual_seed(0)
    model = models.SmallCNN()
    x = torch.randn(2, 1, 8, 8)
    target = torch.tensor([0, 2])
    trace, reference, _ = traced(model, x, lambda out: F.cross_entropy(out, target))
    assert_bitwise(trace, reference)
    types = {s.op.type for s in trace.steps}
    assert {"ConvolutionBackward0", "MaxPool2DWithIndicesBackward0", "NllLossBackward0"} <= types
    assert {"conv1", "conv2", "fc"} <= {n.name.split("/")[0] for n in trace.forward}
    # cross_entropy reads the integer targets: a stopped edge, reason "integer tensor".
    assert stop_reasons(trace) == {
        ("input", "conv1/conv2d"): m.NO_REQUIRES_GRAD,
        ("tensor", "cross_entropy"): m.INTEGER,
    }
    assert_drawn_and_stepped(trace)


def test_weight_used_twice_fans_out_and_its_contributions_sum_to_autograds_total():
    torch.manual_seed(0)
    model = models.Tied()
    trace, reference, _ = traced(model, torch.randn(2, 4))
    assert_bitwise(trace, reference)
    weight = trace.xs[0]
    assert trace.x_names == ["proj.weight"] and trace.fan_in(weight.op.outputs[0]) >= 1
    # The weight feeds two t() nodes; their contributions meet at the weight.
    assert trace.fan_in(weight) == 2
    into_weight = [trace.contribution(e) for e in trace._contributions if e.src is weight]
    assert len(into_weight) == 2
    np.testing.assert_array_equal(into_weight[0] + into_weight[1], trace.grads[0])  # two terms: exact
    assert assert_fanouts_sum(trace) >= 1
    drawing, _ = assert_drawn_and_stepped(trace)
    assert "Σ∇ = " in drawing.source and "2 paths · sum" in drawing.source


def test_detached_branch_is_cut_with_its_reason():
    torch.manual_seed(0)
    model = models.Detached()
    trace, reference, _ = traced(model, torch.randn(4, 3), lambda out: out)
    assert_bitwise(trace, reference)
    assert reference[2] is None and trace.grads[2] is None  # side.weight: only behind detach()
    reasons = stop_reasons(trace)
    assert reasons[("side/linear", "detach")] == m.DETACHED
    assert reasons[("detach", "mul")] == m.DETACHED
    why = trace.explain(model.side.weight)
    assert why.reason.startswith("None: every path to the ys is cut (detach()")
    assert {e.dst.name for e, _ in why.blocking} >= {"detach", "mul"}
    assert trace.explain(model.main.weight).reason == "receives a gradient"
    assert assert_fanouts_sum(trace) >= 1  # h feeds mul and pow
    drawing, _ = assert_drawn_and_stepped(trace)
    assert "✕ detach()" in drawing.source


def test_every_other_stop_reason():
    torch.manual_seed(0)
    model = models.Stops()
    trace, reference, _ = traced(model, torch.randn(4, 3), lambda out: out)
    assert_bitwise(trace, reference)
    assert trace.x_names == ["fc.weight", "fc.bias"]  # the frozen layer is not an input
    reasons = stop_reasons(trace)
    assert reasons[("frozen/weight", "frozen/linear")] == m.NO_REQUIRES_GRAD
    assert reasons[("frozen/linear", "fc/linear")] == m.NO_REQUIRES_GRAD
    assert reasons[("mean", "mul")] == m.NO_GRAD
    assert reasons[("long", "mul_1")] == m.INTEGER
    assert reasons[("max", "mul_2")] == m.NOT_DIFFERENTIABLE
    assert reasons[("fc/linear", "histc")] == m.NOT_DIFFERENTIABLE
    drawing, _ = assert_drawn_and_stepped(trace)
    for why in (m.NO_GRAD, m.INTEGER, m.NOT_DIFFERENTIABLE, m.NO_REQUIRES_GRAD):
        assert f"stopped: {why}" in drawing.source  # the legend names each reason


def test_in_place_ops_keep_the_value_before_the_change():
    torch.manual_seed(0)
    model = models.InPlace()
    x = torch.randn(2, 3)
    trace, reference, _ = traced(model, x, lambda out: out)
    assert_bitwise(trace, reference)
    before = model.fc(x).detach().numpy()
    np.testing.assert_array_equal(trace.value("fc/linear"), before)  # not the doubled h
    np.testing.assert_array_equal(trace.value("mul_"), 2 * before)  # not the relu'd h
    np.testing.assert_array_equal(trace.value("relu_"), np.maximum(2 * before, 0))
    assert [s.op.type for s in trace.steps][:3] == ["SumBackward0", "ReluBackward0", "MulBackward0"]
    assert_drawn_and_stepped(trace)


def test_custom_functions_right_and_wrong_backward_named():
    torch.manual_seed(0)
    model = models.WithFunctions()
    trace, reference, _ = traced(model, torch.randn(2, 3), lambda out: out)
    assert_bitwise(trace, reference)
    report = gv.torch.check_functions(trace)
    assert len(report) == 2
    assert [c.function for c in report.failures] == ["WrongCube"]
    assert report["Cube"].ok and report["Cube"].error < 1e-6
    assert report["WrongCube"].error > 0.1
    assert "WRONG backward" in str(report)
    drawing = report.draw()
    wrong = report.failures[0].node.name
    assert "⚠ wrong backward" in drawing.source and wrong in drawing.source
    assert_drawn_and_stepped(trace)


def test_without_capture_values_are_unknown_but_grads_and_steps_are_autograds():
    model = models.mlp()
    x = torch.randn(5, 3)
    reference = torch.autograd.grad(model(x).pow(2).mean(), list(model.parameters()))
    loss = model(x).pow(2).mean()
    trace = gv.torch.trace_backward(loss, module=model)
    assert_bitwise(trace, reference)
    assert trace.x_names[0] == "0.weight"
    addmm = next(s.op for s in trace.steps if s.op.type == "AddmmBackward0")
    with pytest.raises(KeyError):
        trace.value(addmm.outputs[0])
    assert addmm.name.startswith("4/")  # scope from the parameters it reads
    dbg = gv.Debugger(trace)
    dbg.goto(0)
    assert "unknown" in dbg.panel_text
    assert_drawn_and_stepped(trace)


def test_inputs_argument_and_errors():
    model = models.mlp()
    x = torch.randn(5, 3, requires_grad=True)
    with gv.torch.capture(model) as cap:
        loss = model(x).sum()
    trace = cap.trace_backward(loss, inputs=[x, model[0].weight])
    ref = torch.autograd.grad(model(x).sum(), [x, model[0].weight])
    assert_bitwise(trace, ref)
    assert trace.grad(x) is trace.grads[0] and trace.role(trace.xs[0].op) == m.PLACEHOLDER
    with pytest.raises(ValueError, match="input 0 is not a tensor requiring grad"):
        cap.trace_backward(loss, inputs=[torch.ones(3)])
    with pytest.raises(ValueError, match="no backward graph"):
        gv.torch.trace_backward(torch.ones(()))
    with pytest.raises(TypeError, match="expected a torch.Tensor"):
        gv.torch.trace_backward(3.0)
    with pytest.raises(TypeError, match="torch.nn.Module"):
        gv.torch.capture("model")


def test_gradient_summary_and_watch_by_module_name():
    torch.manual_seed(0)
    model = models.mlp((3, 4, 2))
    x, y = torch.randn(8, 3), torch.randn(8, 2)
    with gv.torch.capture(model) as cap:
        loss = F.mse_loss(model(x), y)
    summary = gv.gradient_summary(cap.trace_backward(loss))
    assert summary.names == ["0.weight", "0.bias", "2.weight", "2.bias"]
    np.testing.assert_allclose(
        summary["0.weight"].norm, float(torch.autograd.grad(loss, model[0].weight)[0].norm()), rtol=1e-6
    )
    monitor = gv.GradientMonitor()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with gv.torch.watch(model, monitor):
        for _ in range(3):
            opt.zero_grad()
            F.mse_loss(model(x), y).backward()
            grad = model[2].bias.grad.norm().item()
            opt.step()
    F.mse_loss(model(x), y).backward()  # after remove(): not recorded
    assert monitor.steps == [0, 1, 2] and monitor.names == summary.names
    np.testing.assert_allclose(monitor.history("norm", "2.bias")[-1], grad, rtol=1e-6)


def test_find_nonfinite_names_the_first_forward_op_and_the_path_to_the_loss():
    torch.manual_seed(0)
    model = models.mlp((3, 4, 2))
    x = torch.randn(4, 3)
    with gv.torch.capture(model) as cap:
        h = model(x)
        loss = torch.log(h - 10).sum() + h.pow(2).sum()  # log of negatives: NaN
    trace = cap.trace_backward(loss)
    result = gv.find_nonfinite(trace)
    assert result and result.phase == "forward" and result.op.name == "log"
    assert result.path[0] == "log" and result.path[-1] == trace.ys[0].op.name
    assert "path to the loss: log → " in str(result)
    assert "⚠ first NaN (forward)" in result.draw().source
    assert not gv.find_nonfinite(traced(models.mlp(), torch.randn(2, 3))[0])


def test_deep_mlp_and_transformer_block_draw_collapsed_by_module():
    torch.manual_seed(0)
    layers = []
    for _ in range(50):
        layers += [torch.nn.Linear(8, 8), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers)
    trace, reference, _ = traced(model, torch.randn(4, 8))
    assert_bitwise(trace, reference)
    assert len(trace.steps) == 152  # 50 × (addmm, t, relu), pow, mean
    drawing = gv.draw_trace(trace)
    assert drawing.source.count("shape=box3d") == 100  # one box per module: 50 Linear + 50 ReLU
    block = torch.nn.TransformerEncoderLayer(16, 2, dim_feedforward=32, dropout=0.0, batch_first=True)
    trace, reference, _ = traced(block, torch.randn(2, 5, 16))
    assert_bitwise(trace, reference)
    assert {"self_attn", "linear1", "norm1"} <= {n.name.split("/")[0] for n in trace.forward}
    assert "shape=box3d" in gv.draw_trace(trace, collapse=True).source


def test_find_nonfinite_follows_the_forward_order_of_two_independent_nans():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    with gv.torch.capture() as cap:
        first = torch.sqrt(-w)  # made first: NaN
        second = torch.log(w - 5)  # made second: NaN too
        loss = second.sum() + first.sum()  # read in the other order
    result = gv.find_nonfinite(cap.trace_backward(loss))
    assert result.op.name == "sqrt" and result.path == ["sqrt", "sum_1", "add"]
