"""The Debugger driven from Python, as a student drives it: buttons, the step slider, the inputs
panel and the predict box. Each test asserts what the picture and the panel then say."""

import re
import subprocess

import graphviz
import ipywidgets as widgets
import numpy as np
import pytest

import gradviz as gv
from gradviz.viz import theme
from tests.viz.examples import B_GRAD, W_GRAD, a_plus_2a, linreg, mlp

LINREG_FORWARD = ["mul", "add", "sub", "Pow", "Sum", "mul_1"]
LINREG_BACKWARD = ["mul_1", "Sum", "Pow", "sub", "add", "mul", "b", "W"]


@pytest.fixture
def lr():
    ex = linreg()
    ex.dbg = gv.Debugger(ex.cost, [ex.W, ex.b], feed_dict=ex.feed)
    return ex


def find(widget, cls, kind=widgets.DOMWidget):
    """All widgets below `widget` (itself included) with CSS class `cls`."""
    found = [widget] if isinstance(widget, kind) and cls in widget._dom_classes else []
    for child in getattr(widget, "children", ()):
        found += find(child, cls, kind)
    return found


def click(dbg, name):
    (button,) = find(dbg, f"gv-{name}", widgets.Button)
    button.click()


def current(dbg):
    """The ids of the <g> elements carrying the gv-current class."""
    return re.findall(r'<g id="([^"]+)" class="node gv-current">', dbg.svg)


def element(dbg, element_id):
    """(class, text lines) of one node or edge in the Debugger's current SVG."""
    match = re.search(rf'<g id="{element_id}" class="([^"]*)">(.*?)</g>', dbg.svg, re.S)
    texts = [re.sub(r"&#160;", " ", t) for t in re.findall(r"<text[^>]*>(.*?)</text>", match.group(2))]
    return match.group(1), texts


def step_of(dbg, name):
    forward = len(dbg.forward_ops)
    return forward + next(i for i, s in enumerate(dbg.trace.steps) if s.op.name == name)


# -- navigation ---------------------------------------------------------------------------------------
def test_steps_are_forward_ops_then_backward_steps(lr):
    dbg = lr.dbg
    assert dbg.num_steps == 14 and dbg.index == 0
    names = []
    for k in range(dbg.num_steps):
        dbg.goto(k)
        names.append((dbg.view.phase, dbg.current_op.name))
    assert names == [("forward", n) for n in LINREG_FORWARD] + [("backward", n) for n in LINREG_BACKWARD]
    assert [s.op.name for s in dbg.trace.steps] == LINREG_BACKWARD


def test_buttons_move_and_highlight_the_current_op(lr):
    dbg = lr.dbg
    assert current(dbg) == ["n_mul"]
    for _ in range(3):
        click(dbg, "next")
    assert dbg.index == 3 and current(dbg) == ["n_Pow"] and dbg.slider.value == 4
    click(dbg, "prev")
    assert dbg.index == 2 and current(dbg) == ["n_sub"]
    click(dbg, "last")
    assert dbg.index == 13 and current(dbg) == ["n_W"]
    click(dbg, "next")  # stays at the end
    assert dbg.index == 13
    click(dbg, "first")
    assert dbg.index == 0 and current(dbg) == ["n_mul"]
    click(dbg, "prev")
    assert dbg.index == 0
    assert "step 1 of 14 · forward pass · <b>mul</b>" in dbg.status.value


def test_slider_and_goto_agree(lr):
    dbg = lr.dbg
    dbg.slider.value = 11  # the slider reads 1-based, as the status line
    assert (
        dbg.index == 10
        and "step 11 of 14" in dbg.status.value
        and dbg.current_op.name == "add"
        and current(dbg) == ["n_add"]
    )
    dbg.goto(7)
    assert dbg.slider.value == 8 and current(dbg) == ["n_Sum"] and "step 8 of 14" in dbg.status.value
    assert (dbg.slider.min, dbg.slider.max) == (1, 14) and (dbg.play.min, dbg.play.max) == (1, 14)
    with pytest.raises(IndexError, match="outside 0..13"):
        dbg.goto(14)
    assert dbg.index == 7


def test_forward_phase_reveals_values_op_by_op_and_hides_gradients(lr):
    dbg = lr.dbg
    dbg.goto(1)  # add computed; sub not yet
    assert element(dbg, "n_add")[1] == ["+  add", "(2, 1)", "= [[3.876], [5.541]]"]
    assert element(dbg, "n_sub") == ("node gv-pending", ["−  sub", "(2, 1)", "= …"])
    assert element(dbg, "n_mul")[0] == "node"
    assert element(dbg, "n_X")[1][-1] == "= [[2], [3]]"  # leaves are known from the start
    assert element(dbg, "n_W")[1] == ["W", "()", "= 1.665", "∂/∂W = …"]
    edge_class, edge_text = element(dbg, "e_n_W__n_mul_1")
    assert edge_class == "edge" and "∇" not in "".join(edge_text)
    assert element(dbg, "e_n_add__n_sub_0")[0] == "edge gv-pending"
    assert "∇" not in re.sub(r"<style>.*?</style>", "", dbg.svg, flags=re.S).replace("∇ value", "")
    dbg.goto(5)
    assert element(dbg, "n_mul_1")[1][-1] == "= 6.654"
    assert "Forward · mul_1 (Mul) computes mul_1 = 6.654" in dbg.panel_text


def test_backward_phase_follows_the_trace(lr):
    dbg = lr.dbg
    for j, step in enumerate(dbg.trace.steps):
        dbg.goto(6 + j)
        assert dbg.current_op is step.op
        assert current(dbg) == ["n_" + step.op.name]
        assert dbg.panel_text.startswith(f"Backward · {step.op.name} ({step.op.type})")


def test_backward_panel_numbers_equal_the_trace(lr):
    dbg = lr.dbg
    for j, step in enumerate(dbg.trace.steps):
        dbg.goto(6 + j)
        text = dbg.panel_text
        assert f"= {theme.fmt_value(step.upstream[0])}" in text.splitlines()[0]
        for es in step.edges:
            if es.stopped:
                assert f"{es.src.op.name}  ✕ stopped: {es.stopped}" in text
            else:
                assert es.formula in text
                assert f"= {theme.fmt_value(es.contribution)}" in text
    dbg.goto(step_of(dbg, "mul"))
    assert "∂(X × W)/∂W = X  [[0.8763], [3.541]] × [[2], [3]] = 12.38" in dbg.panel_text
    assert "(summed over axes [0, 1]: (2, 1)→())" in dbg.panel_text
    assert "W: all contributions arrived · accumulated so far 12.38" in dbg.panel_text
    dbg.goto(step_of(dbg, "W"))
    assert "its gradient is final" in dbg.panel_text and "12.38" in dbg.panel_text


def test_backward_edges_done_active_and_pending(lr):
    dbg = lr.dbg
    dbg.goto(step_of(dbg, "add"))
    assert element(dbg, "e_n_b__n_add_1") == (
        "edge gv-edge-active",
        ["∇ 4.418", "Σ over axes 0,1: (2, 1) ⟶ ()"],
    )
    assert element(dbg, "e_n_add__n_sub_0") == ("edge", ["∇ [[0.8763], [3.541]]"])  # done
    assert element(dbg, "e_n_W__n_mul_1") == (
        "edge gv-grad-pending",
        ["∇ …", "Σ over axes 0,1: (2, 1) ⟶ ()"],
    )
    assert element(dbg, "n_W")[1][-1] == "∂/∂W = …"
    dbg.goto(step_of(dbg, "W"))
    assert element(dbg, "n_W")[1][-1] == "∂/∂W = 12.38"
    assert element(dbg, "e_n_W__n_mul_1") == ("edge", ["∇ 12.38", "Σ over axes 0,1: (2, 1) ⟶ ()"])


def test_fan_out_panel_counts_waiting_contributions():
    ex = a_plus_2a()
    dbg = gv.Debugger(ex.y, [ex.a, ex.b])
    assert [s.op.name for s in dbg.trace.steps] == ["y", "b", "a"]
    dbg.goto(step_of(dbg, "y"))
    assert "a: waiting for 1 more · accumulated so far 1" in dbg.panel_text
    assert "b: all contributions arrived · accumulated so far 1" in dbg.panel_text
    assert element(dbg, "n_a")[1][-3:-1] == ["Σ∇ = …", "2 paths · ADD_N"]
    dbg.goto(step_of(dbg, "b"))
    assert "∂(2 × a)/∂a = 2  1 × 2 = 2" in dbg.panel_text
    assert "a: all contributions arrived · accumulated so far 3" in dbg.panel_text
    dbg.goto(step_of(dbg, "a"))
    assert element(dbg, "n_a")[1][-3:] == ["Σ∇ = 3", "2 paths · ADD_N", "∂/∂a = 3"]


def test_stopped_paths_show_their_reason_at_every_step():
    ex = a_plus_2a()
    dbg = gv.Debugger(ex.y, [ex.a, ex.b], stop_gradients=[ex.a, ex.b])
    assert dbg.trace.grads == [1.0, 1.0]
    for k in range(dbg.num_steps):
        dbg.goto(k)
        assert element(dbg, "e_n_a__n_b_1")[1] == ["✕ listed in stop_gradients"], k
    dbg.goto(step_of(dbg, "b"))
    assert "a  ✕ stopped: listed in stop_gradients" in dbg.panel_text


# -- inputs -------------------------------------------------------------------------------------------
def test_set_input_on_a_variable_recomputes_and_keeps_the_step(lr):
    dbg = lr.dbg
    dbg.goto(step_of(dbg, "mul"))
    assert dbg.trace.grads == pytest.approx([W_GRAD, B_GRAD], rel=1e-6)
    dbg.set_input(lr.W, 2.0)
    assert dbg.trace.grads[0] == pytest.approx(16.7324, rel=1e-6)
    assert dbg.trace.grads[1] == pytest.approx(6.0929604, rel=1e-6)
    assert dbg.index == step_of(dbg, "mul") and current(dbg) == ["n_mul"]
    assert "= 16.73" in dbg.panel_text
    assert element(dbg, "e_n_W__n_mul_1")[1][0] == "∇ 16.73"
    assert dbg.input_widgets[lr.W].value == 2.0
    assert dbg.session.run(lr.W) == 2.0


def test_set_input_on_a_placeholder_by_name(lr):
    dbg = lr.dbg
    dbg.goto(2)
    dbg.set_input("Y:0", [[0.0], [0.0]])
    pred = 1.6649098 * np.array([2.0, 3.0]) + 0.54648024
    assert dbg.trace.grads[1] == pytest.approx(pred.sum(), rel=1e-6)
    assert dbg.index == 2 and element(dbg, "n_Y")[1][-1] == "= [[0], [0]]"
    assert dbg.input_widgets[lr.Y].value == "[[0.0], [0.0]]"
    dbg.set_input("W", 2.0)  # an op name works too
    assert dbg.session.run(lr.W) == 2.0 and dbg.input_widgets[lr.W].value == 2.0


def test_inputs_panel_widgets_drive_set_input(lr):
    dbg = lr.dbg
    inputs = find(dbg, "gv-input")
    assert [w.description for w in inputs] == ["X", "Y", "W", "b"]
    assert isinstance(dbg.input_widgets[lr.W], widgets.FloatSlider)
    assert isinstance(dbg.input_widgets[lr.X], widgets.Text)
    dbg.goto(step_of(dbg, "W"))
    dbg.input_widgets[lr.W].value = 2.0
    assert dbg.trace.grads[0] == pytest.approx(16.7324, rel=1e-6)
    assert "16.73" in dbg.panel_text and dbg.index == 13
    dbg.input_widgets[lr.X].value = "[[1.0], [1.0]]"
    assert dbg.trace.grads[1] == pytest.approx(2 * 2.0 + 2 * 0.54648024 - 5.0, abs=1e-6)


def test_bad_input_raises_and_changes_nothing(lr):
    dbg = lr.dbg
    dbg.goto(9)
    trace, feed = dbg.trace, dict(dbg.feed)
    svg, panel = dbg.svg, dbg.panel.value
    with pytest.raises(ValueError, match="'X:0'"):
        dbg.set_input(lr.X, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="'W:0'"):
        dbg.set_input(lr.W, [1.0, 2.0])
    with pytest.raises(ValueError, match="'mul:0' is not a placeholder or variable"):
        dbg.set_input("mul:0", 1.0)
    assert dbg.trace is trace and dbg.feed == feed and dbg.index == 9
    assert dbg.session.run(lr.W) == np.float32(1.6649098)
    assert dbg.svg == svg and dbg.panel.value == panel
    # through the inputs panel the error is shown, not raised
    dbg.input_widgets[lr.X].value = "[[1.0], [2.0], [5.0]]"
    assert "X:0" in dbg.status.value and dbg.trace is trace


# -- one `dot` layout only ----------------------------------------------------------------------------
def test_no_dot_call_while_stepping_or_changing_inputs(monkeypatch):
    ex = linreg()
    dbg = gv.Debugger(ex.cost, [ex.W, ex.b], feed_dict=ex.feed, predict=True)

    def forbidden(*args, **kwargs):
        raise AssertionError("dot was called after the Debugger was built")

    monkeypatch.setattr(graphviz.Digraph, "pipe", forbidden)
    monkeypatch.setattr(graphviz.Digraph, "render", forbidden)
    monkeypatch.setattr(subprocess, "run", forbidden)
    monkeypatch.setattr(subprocess, "Popen", forbidden)
    for k in range(dbg.num_steps):
        dbg.goto(k)
        dbg.check_guess("1")
    for name in ("first", "next", "last", "prev"):
        click(dbg, name)
    dbg.set_input(ex.W, 2.0)
    dbg.input_widgets[ex.b].value = 1.0
    dbg.set_input(ex.X, [[1.0], [4.0]])
    assert dbg.trace.grads[0] == pytest.approx(
        float(np.sum((np.array([1, 4]) * 2.0 + 1.0 - [3, 2]) * [1, 4]))
    )


def test_mimebundle_has_static_svg_and_deterministic_text():
    bundles = []
    for _ in range(2):
        ex = linreg()
        dbg = gv.Debugger(ex.cost, [ex.W, ex.b], feed_dict=ex.feed)
        dbg.goto(9)
        bundles.append(dbg._repr_mimebundle_())
    bundle = bundles[0]
    assert bundle["text/plain"] == "<gradviz.Debugger: 14 steps, at step 10>"
    html = bundle["text/html"]
    assert html.startswith("<div class='gv-static'><svg")
    assert '<g id="n_mul" class="node">' in html and "gv-current" not in html
    assert "∇ 12.38" in html  # the full backward drawing, as the HTML export shows it
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundles[0]["text/html"] == bundles[1]["text/html"]
    assert bundles[0]["text/plain"] == bundles[1]["text/plain"]


# -- collapsed scopes -----------------------------------------------------------------------------------
def test_collapsed_scope_is_highlighted_and_keeps_its_label():
    ex = mlp()
    dbg = gv.Debugger(ex.loss, ex.params, feed_dict=ex.feed, collapse=True, inputs=False)
    names = [op.name for op in dbg.forward_ops]
    for k in (names.index("layer1/MatMul"), names.index("layer1/h")):
        dbg.goto(k)
        assert current(dbg) == ["s_layer1"]
        assert element(dbg, "s_layer1")[1] == ["layer1", "5 ops"]
    assert element(dbg, "s_layer2")[0] == "node gv-pending"
    dbg.goto(0)  # nothing in layer1 computed yet
    assert element(dbg, "s_layer1")[0] == "node gv-pending" and current(dbg) == ["s_layer0"]
    dbg.goto(step_of(dbg, "layer2/MatMul"))
    assert current(dbg) == ["s_layer2"] and element(dbg, "s_layer2")[1] == ["layer2", "5 ops"]
    assert element(dbg, "e_s_layer1__s_layer2")[0] == "edge gv-edge-active"
    dbg.goto(step_of(dbg, "layer0/W"))  # an x inside a collapsed scope lights its box
    assert current(dbg) == ["s_layer0"]


def test_debugger_of_a_trace_steps_through_the_same_pass():
    ex = linreg()
    with ex.graph.as_default():
        trace = gv.trace_backward(ex.cost, [ex.W, ex.b], feed_dict=ex.feed)
        from_trace = gv.Debugger(trace)
        from_args = gv.Debugger(ex.cost, [ex.W, ex.b], feed_dict=ex.feed)
    assert from_trace.num_steps == from_args.num_steps
    from_trace.last(), from_args.last()
    assert from_trace.panel_text == from_args.panel_text
    assert np.allclose(from_trace.trace.grads, [W_GRAD, B_GRAD])
    from_trace.set_input(ex.W, 0.0)  # the caller's trace and session keep their values
    assert np.isclose(trace.grads[0], W_GRAD)
    with pytest.raises(TypeError, match="Debugger\\(trace\\) takes no xs"):
        gv.Debugger(trace, [ex.W])


def test_debugger_takes_aggregation_method_and_unconnected_gradients():
    ex = a_plus_2a()
    with ex.graph.as_default():
        z = gv.constant(1.0, name="z")
        dbg = gv.Debugger(
            ex.y,
            [ex.a, z],
            aggregation_method=gv.AggregationMethod.EXPERIMENTAL_TREE,
            unconnected_gradients="zero",
        )
    assert dbg.trace.gradient_map.aggregation_method == gv.AggregationMethod.EXPERIMENTAL_TREE
    assert dbg.trace.grads[0] == 3.0 and dbg.trace.grads[1] == 0.0


def test_draw_trace_rejects_what_is_not_a_trace():
    ex = linreg()
    with pytest.raises(TypeError, match="BackpropTrace"):
        gv.draw_trace(ex.cost)
