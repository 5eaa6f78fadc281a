"""The Debugger: an ipywidgets stepper through the forward and then the backward pass.

    dbg = gv.Debugger(cost, [W, b], feed_dict={X: x, Y: y})   # or gv.Debugger(trace)
    dbg            # in Jupyter: the graph, First / Back / Next / Last buttons (keys Home ← → End),
                   # play, a step slider (1-based, as the status), the chain-rule panel
    dbg.next()     # the same from Python; dbg.index (0-based), dbg.current_op, dbg.panel_text

`predict=True` is the classroom mode: the questions, answers and score live in `debug.quiz.Quiz`
(plain Python); this module only shows them (an answer box, the asked edge highlighted).

The graph is laid out by `dot` once, when the Debugger is built. A step, or a moved input slider,
only restyles that SVG (classes and label text, see `svg.SvgTemplate`): no `dot` call, so stepping
stays interactive on graphs of hundreds of ops. Forward steps reveal values op by op; backward
steps follow `gradients()`'s own processing order (an op runs once all its output gradients have
arrived), read from the BackpropTrace.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from ..debug.model import LEAF_ROLES
from ..debug.quiz import Quiz
from ..debug.trace import BackpropTrace, GraphTrace, check_backward_call, trace_backward
from ..engine.gradients import UnconnectedGradients
from ..engine.graph import Operation, Tensor
from ..engine.hints import FeedDict, TensorLike, Tensors
from ..engine.ops.registry import PLACEHOLDER, VARIABLE, op_def
from ..engine.session import Session, _feed_array, session_for
from ..engine.validate import check_bool, check_int, check_number, resolve_element
from . import theme
from .dot import (
    Drawing,
    GraphvizMissing,
    backward_scene,
    check_drawing_options,
    edge_id,
    edge_lines,
    engine_graph,
    node_lines,
    to_digraph,
)
from .dot import _edges as drawn_edges
from .keys import KeySteps
from .svg import SvgTemplate

MAX_EDITABLE = 12  # arrays up to this many entries get a text box in the inputs panel
SPEEDS = {"slow (2 s)": 2000, "normal (1 s)": 1000, "fast (0.3 s)": 300}
# The step buttons: (name, word, FontAwesome icon, tooltip, key). A word shows where icons do not.
STEP_BUTTONS = (
    ("first", "First", "fast-backward", "First step (Home)", "Home"),
    ("prev", "Back", "step-backward", "Previous step (←)", "ArrowLeft"),
    ("next", "Next", "step-forward", "Next step (→)", "ArrowRight"),
    ("last", "Last", "fast-forward", "Last step (End)", "End"),
)
PLAY_WORDS = {
    # one button: its icon turns into a pause sign while playing
    "play": ["play/pause", "Play the steps one after another, or pause (the speed menu sets the pace)"],
    "stop": ["stop", "Stop the playback and go back to step 1"],
}


class StepOutOfRange(IndexError, ValueError):
    """goto() to a step the Debugger does not have: an IndexError, and a ValueError as every
    other rejected argument is."""


@dataclass
class StepView:
    """What one step shows: which phase, the current op, and what is revealed so far."""

    index: int
    phase: str  # "forward" | "backward"
    op: object  # the current Operation
    computed: set  # forward ops whose values are shown
    processed: int  # backward steps completed, including the current one (0 in forward)


class Debugger(widgets.VBox):
    """Step through ``gradients(ys, xs, ...)`` one op at a time (see the module docstring).

    The arguments up to `unconnected_gradients` are trace_backward's, in its order; or pass one
    BackpropTrace instead (``gv.Debugger(trace)``).

    `predict=True` is the classroom mode: at each backward step the student predicts every
    contribution, one input edge at a time, and the accumulated sum at a fan-out; a number is
    revealed after a right answer or `attempts` wrong ones, with a hint naming the rule after a
    miss (`hints`). Answers are right within the relative `tolerance`. See `debug.quiz`.
    """

    def __init__(
        self,
        ys: Tensors | BackpropTrace,
        xs: Tensors | None = None,
        feed_dict: FeedDict = None,
        grad_ys: TensorLike | Sequence[TensorLike | None] | None = None,
        stop_gradients: Tensors | None = None,
        session: Session | None = None,
        aggregation_method: str | None = None,
        unconnected_gradients: UnconnectedGradients | str = "none",
        predict: bool = False,
        tolerance: float = 0.01,
        attempts: int = 2,
        hints: bool = True,
        collapse: bool | Iterable[str] | None = None,
        rankdir: str = "LR",
        inputs: bool = True,
    ) -> None:
        engine = (ys, xs, feed_dict, grad_ys, stop_gradients, session)
        engine += (aggregation_method, unconnected_gradients)
        graph = _check_source(*engine)
        check_bool(predict, "predict")
        check_bool(inputs, "inputs")
        check_bool(hints, "hints")
        check_int(attempts, "attempts", minimum=1)
        tolerance = check_number(tolerance, "tolerance", minimum=0)
        check_drawing_options(graph, collapse, None, rankdir)
        # A Debugger that fails to build leaves no gradient ops behind (another producer's trace
        # has no graph here to change).
        building = graph.rollback_on_error() if graph is not None else contextlib.nullcontext()
        with building:
            inputs = self._build(graph, *engine) and inputs
            self.predict, self.tolerance = bool(predict), tolerance
            self._lay_out(collapse, rankdir, inputs, attempts, hints)

    def _build(self, graph, ys, xs, feed_dict, grad_ys, stop_gradients, session, *methods):
        """Make `self.trace`; False if its inputs cannot be changed here (another producer's)."""
        # The Debugger works on its own copy of the variables: moving a slider never changes the
        # model in the caller's session.
        editable = True
        if isinstance(ys, BackpropTrace):
            trace = ys
            if isinstance(trace, GraphTrace):  # its own copy of the variables, as below
                trace = GraphTrace(trace.gradient_map, trace.feed_dict, _private_copy(trace.session))
            else:  # another producer's (PyTorch): no sliders, it cannot re-run the model here
                editable = False
            self.trace = trace
        else:
            session = _private_copy(session_for(graph, session))
            self.trace = trace_backward(ys, xs, feed_dict, grad_ys, stop_gradients, session, *methods)
        self.session = getattr(self.trace, "session", None)
        self.feed = dict(getattr(self.trace, "feed_dict", {}))
        return editable

    def _lay_out(self, collapse, rankdir, inputs, attempts, hints):
        self.scene = backward_scene(self.trace, collapse)
        try:
            self.template = SvgTemplate(Drawing(to_digraph(self.scene, rankdir=rankdir)).svg())
        except GraphvizMissing:
            raise GraphvizMissing(
                "lay out the Debugger's graph",
                "gv.trace_backward(...) gives the same steps as text, without a picture",
            ) from None
        self._edge_ids = {e: edge_id(s, d, i) for s, d, i, es in drawn_edges(self.scene) for e in es}
        # Forward edges drawn as one ("×2" into a collapsed scope) keep the label dot drew.
        self._merged = {d for d, n in Counter(self._edge_ids.values()).items() if n > 1}
        # What each step restyles, found once: (op, node id, inside a collapsed scope), (edge, id).
        nodes = [
            (op, self.scene.node_id(op), self.scene.scope_of(op) is not None)
            for op in self.trace.forward
        ]
        self._nodes = [n for n in nodes if n[1] in self.template.kinds]
        self._edges = [(e, d) for e, d in self._edge_ids.items() if d in self.template.kinds]
        self._position = {op: i for i, op in enumerate(self.trace.order)}
        self._lines = {}  # label lines by element and what is revealed (valid for one trace)
        self.forward_ops = [op for op in self.trace.forward if not self._leaf(op)]
        self.num_steps = len(self.forward_ops) + len(self.trace.steps)
        if not self.num_steps:
            names = ", ".join(y.name for y in self.trace.ys)
            raise ValueError(
                f"Debugger: nothing to step through: no op computes ys ({names}) from its inputs "
                "and no gradient flows back from them"
            )
        self.quiz = None
        if self.predict:
            offset = len(self.forward_ops)
            self.quiz = Quiz(self.trace, attempts, hints, self.tolerance, step_offset=offset)
        self._index, self._syncing, self._feedback = 0, False, None
        super().__init__(self._build_controls(inputs))
        self.add_class(theme.DEBUGGER)
        self._update()
        # Without a kernel (an HTML export) a drawing still shows: the whole backward pass, or in
        # predict mode the first step, so that a stored lesson gives no answer away.
        first = self.template.render(*self._styles(self._view(0))) if self.predict else None
        self._static_svg = _inline(first or self.template.render())

    def _leaf(self, op):
        return self.trace.role(op) in LEAF_ROLES

    # -- navigation -------------------------------------------------------------------------------
    @property
    def index(self):
        return self._index

    def goto(self, index):
        self._check_open()
        if isinstance(index, bool) or not isinstance(index, int | np.integer):
            raise TypeError(f"goto: step must be an integer, got {type(index).__name__} {index!r}")
        if not 0 <= index < self.num_steps:
            raise StepOutOfRange(f"step {index} is outside 0..{self.num_steps - 1}")
        self._index, self._feedback = int(index), None
        self._update()

    def next(self):
        self.goto(min(self._index + 1, self.num_steps - 1))

    def prev(self):
        self.goto(max(self._index - 1, 0))

    def first(self):
        self.goto(0)

    def last(self):
        self.goto(self.num_steps - 1)

    @property
    def view(self):
        return self._view(self._index)

    @property
    def current_op(self):
        return self.view.op

    @property
    def svg(self):
        return self.graph.value

    @property
    def panel_text(self):
        """The chain-rule panel as plain text (what a test or a screen reader reads)."""
        return _text_of(self.panel.value)

    def _view(self, index):
        forward = len(self.forward_ops)
        if index < forward:
            return StepView(
                index, "forward", self.forward_ops[index], set(self.forward_ops[: index + 1]), 0
            )
        step = self.trace.steps[index - forward]
        return StepView(index, "backward", step.op, set(self.forward_ops), step.index + 1)

    # -- inputs -----------------------------------------------------------------------------------
    def set_input(self, tensor, value):
        """Change a placeholder's feed or a variable's value, recompute, keep the current step."""
        self._check_open()
        if not hasattr(self.trace, "recompute"):
            raise ValueError("set_input: this trace's producer cannot re-run its model with new inputs")
        tensor = resolve_element(self.trace.graph, tensor, "set_input: tensor")
        if isinstance(tensor, Operation) and tensor.outputs:  # "W" names the op, "W:0" its tensor
            tensor = tensor.outputs[0]
        if not isinstance(tensor, Tensor) or op_def(tensor.op).role not in (PLACEHOLDER, VARIABLE):
            raise ValueError(f"'{getattr(tensor, 'name', tensor)}' is not a placeholder or variable")
        array = _feed_array(tensor, value)
        feed, state = dict(self.feed), self.session._state
        old = state.get(tensor.op.name)
        if op_def(tensor.op).role == VARIABLE:
            state[tensor.op.name] = array
        else:
            feed[tensor] = array
        try:
            trace = self.trace.recompute(feed)
        except Exception:
            if old is not None:
                state[tensor.op.name] = old
            raise
        self.feed, self.trace, self._lines = feed, trace, {}
        if self.quiz is not None:
            self.quiz.retarget(trace)
        self.scene.trace = trace
        self.scene.values = trace.forward_values()
        self._sync_input_widget(tensor, array)
        self._update()

    # -- widgets ----------------------------------------------------------------------------------
    def _build_controls(self, with_inputs):
        buttons = []
        for name, word, icon, tip, _ in STEP_BUTTONS:
            button = widgets.Button(
                description=word, icon=icon, tooltip=tip, layout=widgets.Layout(width="auto")
            )
            button.add_class(theme.button_class(name))
            button.on_click(self._step_action(name))
            buttons.append(button)
        # Slider and Play count steps from 1, as the status line does.
        self.slider = widgets.IntSlider(1, 1, self.num_steps, description="step", continuous_update=True)
        self.slider.add_class(theme.STEP)
        self.slider.observe(self._on_slider, "value")
        self.play = widgets.Play(
            1, 1, self.num_steps, interval=1000, show_repeat=False, tooltip=PLAY_WORDS["play"][1]
        )
        self.play.add_class(theme.PLAY)
        self._links = [widgets.jslink((self.play, "value"), (self.slider, "value"))]
        self.speed = widgets.Dropdown(
            options=SPEEDS, value=1000, description="speed", layout=widgets.Layout(width="200px")
        )
        self._links.append(widgets.link((self.speed, "value"), (self.play, "interval")))
        self.key_steps = KeySteps(
            root_class=theme.DEBUGGER,
            bindings={key: theme.button_class(name) for name, *_, key in STEP_BUTTONS},
            play_class=theme.PLAY,
            play_words=PLAY_WORDS,
        )
        self.status = widgets.HTML()
        self.status.add_class(theme.STATUS)
        self.graph = widgets.HTML(layout=widgets.Layout(overflow="auto"))
        self.graph.add_class(theme.GRAPH)
        self.panel = widgets.HTML()
        self.panel.add_class(theme.PANEL)
        rows = [
            widgets.HBox([*buttons, self.play, self.slider, self.speed, self.key_steps]),
            self.status,
            self.graph,
            self.panel,
        ]
        if self.predict:
            rows.append(self._build_answer_box())
        if with_inputs:
            rows += self._build_inputs()
        return rows

    def _step_action(self, name):
        move = getattr(self, name)
        return lambda _: move()

    def _on_slider(self, change):
        if not self._syncing:
            self.goto(change["new"] - 1)

    # -- classroom mode ---------------------------------------------------------------------------
    def _build_answer_box(self):
        # continuous_update=False: the value arrives on Enter (or when the box loses focus), which
        # is when an answer is submitted; it is then cleared for the next try or question.
        self.guess = widgets.Text(
            placeholder="your prediction, e.g. 2.5 or [[1, 2]]; Enter checks it",
            description="answer",
            continuous_update=False,
            layout=widgets.Layout(width="420px"),
        )
        self.guess.add_class(theme.GUESS)
        self.guess.observe(lambda change: self._submit(change["new"]), "value")
        check = widgets.Button(description="Check", icon="check", tooltip="Check your answer (Enter)")
        check.add_class(theme.CHECK)
        check.on_click(lambda _: self._submit(self.guess.value))
        reveal = widgets.Button(
            description="Show answer", icon="eye", tooltip="Reveal the answer (counted as revealed)"
        )
        reveal.add_class(theme.REVEAL)
        reveal.on_click(lambda _: self.reveal())
        return widgets.HBox([self.guess, check, reveal])

    def _submit(self, text):
        if self._syncing or not text.strip():
            return  # the box being cleared, or Check on an empty box after Enter already checked
        self.check_guess(text)

    def check_guess(self, value, input=None):
        """Grade a prediction for the question asked now (or the one about `input`: an input
        index or name). True / False, or None where there is nothing to predict or the text is
        not a number (the status says which; that costs no attempt)."""
        if self.quiz is None:
            self._feedback = (None, "Nothing to predict: this Debugger was made without predict=True.")
            self._update()
            return None
        feedback = self.quiz.check(self._quiz_step(self.view), value, input)
        self._feedback = (feedback.ok, feedback.message)
        if feedback.ok is not None:
            self._clear_answer_box()
        self._update()
        return feedback.ok

    def reveal(self, input=None):
        """Show the answer of the question asked now (counted in the score as revealed)."""
        if self.quiz is None:
            return
        feedback = self.quiz.reveal(self._quiz_step(self.view), input)
        self._feedback = (None, feedback.message)
        self._clear_answer_box()
        self._update()

    @property
    def score(self):
        """{"asked", "correct", "first_try", "revealed", "questions", "by_rule"} (predict mode)."""
        return None if self.quiz is None else self.quiz.score

    @property
    def answers(self):
        """One record per graded answer: step (1-based, as the readout), op, input, value,
        expected, correct, attempt, rule."""
        return [] if self.quiz is None else [dict(a) for a in self.quiz.answers]

    def _quiz_step(self, view):
        """The trace step the quiz asks about at `view` (None in the forward pass)."""
        return None if view.phase == "forward" else view.processed - 1

    def _asked(self, view):
        """The open question at this step (its edge is highlighted), if any."""
        step = None if self.quiz is None else self._quiz_step(view)
        return None if step is None else self.quiz.current(step)

    def _clear_answer_box(self):
        guess = getattr(self, "guess", None)
        if guess is not None:
            self._syncing = True
            try:
                guess.value = ""
            finally:
                self._syncing = False

    def _build_inputs(self):
        self.input_widgets = {}
        for op in self.trace.forward:
            if op_def(op).role in (PLACEHOLDER, VARIABLE):
                widget = self._input_widget(op.outputs[0])
                if widget is not None:
                    self.input_widgets[op.outputs[0]] = widget
        if not self.input_widgets:  # every leaf is a constant (or too big to edit): no heading
            return []
        box = widgets.VBox([widgets.HTML("<b>inputs</b>"), *self.input_widgets.values()])
        box.add_class(theme.INPUTS)
        return [box]

    def _input_widget(self, tensor):
        value = self.trace.value(tensor)
        if np.size(value) > MAX_EDITABLE or tensor.dtype.kind != "f":
            return None
        if np.ndim(value) == 0:
            span = max(2.0, 2 * abs(float(value)))
            widget = widgets.FloatSlider(
                float(value),
                min=float(value) - span,
                max=float(value) + span,
                step=span / 100,
                description=tensor.op.name,
                continuous_update=False,
            )
        else:
            widget = widgets.Text(
                json.dumps(np.asarray(value).tolist()),
                description=tensor.op.name,
                continuous_update=False,
            )
        widget.add_class(theme.INPUT)
        widget.observe(lambda change, t=tensor: self._on_input(t, change["new"]), "value")
        return widget

    def _on_input(self, tensor, value):
        if self._syncing:
            return
        try:
            self.set_input(tensor, json.loads(value) if isinstance(value, str) else value)
        except (ValueError, TypeError) as err:
            self.status.value = f"<span style='color:{theme.ERROR_COLOR}'>{html.escape(str(err))}</span>"

    def _sync_input_widget(self, tensor, array):
        widget = getattr(self, "input_widgets", {}).get(tensor)
        if widget is None:
            return
        self._syncing = True
        try:
            widget.value = float(array) if np.ndim(array) == 0 else json.dumps(array.tolist())
        finally:
            self._syncing = False

    # -- one update path --------------------------------------------------------------------------
    def _update(self):
        view = self.view
        classes, texts = self._styles(view)
        self.graph.value = f"<style>{theme.STEPPER_CSS}</style>" + _inline(
            self.template.render(classes, texts)
        )
        self.panel.value = self._panel(view)
        self.status.value = (
            f"step {view.index + 1} of {self.num_steps} · {view.phase} pass · "
            f"<b>{html.escape(view.op.name)}</b>{_feedback_html(self._feedback)}"
        )
        self._syncing = True
        try:
            self.slider.value = view.index + 1
        finally:
            self._syncing = False

    def _styles(self, view):
        """CSS classes and label lines of every node and edge at this step."""
        classes, texts = {}, {}
        show = self._reveal(view)
        for op, node, collapsed in self._nodes:
            if not collapsed:
                texts[node] = self._node_lines(op, show)
            elif self._leaf(op) and op is not view.op:
                continue  # a collapsed scope keeps its "scope / n ops" box; its ops set its class
            pending = view.phase == "forward" and not self._leaf(op) and op not in view.computed
            state = theme.CURRENT if op is view.op else (theme.PENDING if pending else "")
            classes[node] = _strongest(classes.get(node), state)
        asked = self._asked(view)
        for edge, element in self._edges:
            state, lines = self._edge_style(view, edge, show)
            if asked is not None and (
                edge == asked.edge or (asked.edge is None and edge.src is asked.tensor)
            ):
                state = theme.EDGE_ASKED
            classes[element] = _strongest(classes.get(element), state)
            if element not in self._merged:
                texts[element] = lines
        return classes, texts

    def _node_lines(self, op, show):
        """node_lines, remembered by what is revealed: the numbers change only with the inputs."""
        out = op.outputs[0] if op.outputs else None
        key = (
            op,
            show("value", op),
            out is not None and show("total", out),
            out is not None and show("grad", out),
        )
        if key not in self._lines:
            self._lines[key] = node_lines(self.scene, op, show)
        return self._lines[key]

    def _edge_lines(self, edge, show):
        key = (edge, show("contribution", edge))
        if key not in self._lines:
            self._lines[key] = edge_lines(self.scene, edge, show)
        return self._lines[key]

    def _edge_style(self, view, edge, show):
        lines = self.template.lines[self._edge_ids[edge]]
        if view.phase == "forward":
            pending = edge.dst not in view.computed
            if edge in self.trace.stopped:  # stopped paths say why at every step
                return (theme.PENDING if pending else ""), self._edge_lines(edge, show)
            return (theme.PENDING if pending else ""), [""] * len(lines)
        if edge.dst is view.op:
            return theme.EDGE_ACTIVE, self._edge_lines(edge, show)
        done = self._processed(edge.dst, view)
        return ("" if done else theme.GRAD_PENDING), self._edge_lines(edge, show)

    def _processed(self, op, view):
        position = self._position.get(op)  # in gradients()' processing order
        return position is not None and position < view.processed

    def _reveal(self, view):
        def show(kind, key):
            if kind == "value":
                return view.phase == "backward" or self._leaf(key) or key in view.computed
            if view.phase == "forward":
                return False
            if kind == "contribution":
                step = None if self.quiz is None else self._quiz_step(view)
                hidden = step is not None and key.dst is view.op and self.quiz.hidden(step, edge=key)
                return self._processed(key.dst, view) and not hidden
            return self._processed(key.op, view)  # "total" and "grad": once aggregated

        return show

    def _panel(self, view):
        if view.phase == "forward":
            return _forward_panel(self, view)
        return _backward_panel(self, view)

    # -- lifetime ---------------------------------------------------------------------------------
    def close(self):
        """Close every widget of the Debugger (the registry would keep them, and through their
        callbacks the graph and the session, alive) and let go of the trace and the drawing."""
        for widget in _descendants(self):
            widget.unobserve_all()  # the inputs' observers hold their tensors
            widget.close()
        for link in getattr(self, "_links", ()):
            link.unlink() if hasattr(link, "unlink") else link.close()
        self._links = []
        self.trace = self.session = self.scene = self.template = None
        self.feed, self.guesses = {}, {}
        self.input_widgets, self._nodes, self._edges, self._lines = {}, [], [], {}
        self._edge_ids, self._position, self.forward_ops = {}, {}, []
        self._closed = True
        super().close()

    def _check_open(self):
        if getattr(self, "_closed", False):
            raise RuntimeError("This Debugger is closed: build a new one to keep stepping.")

    # -- display ----------------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        bundle["text/html"] = f"<div class='{theme.STATIC}'>{self._static_svg}</div>"
        return bundle

    def __repr__(self):
        return f"<gradviz.Debugger: {self.num_steps} steps, at step {self._index + 1}>"


def _forward_panel(dbg, view):
    op = view.op
    inputs = "".join(
        f"<tr><td>{html.escape(t.op.name)}</td><td class='{theme.EQ}'>{_known(dbg.trace, t)}</td></tr>"
        for t in op.inputs
    )
    value = _known(dbg.trace, op.outputs[0]) if op.outputs else "—"
    return (
        f"<div><b>Forward</b> · {html.escape(op.name)} ({html.escape(op.type)}) computes "
        f"<span class='{theme.EQ}'>{html.escape(op.name)} = {value}</span></div>"
        f"<table><tr><th>input</th><th>value</th></tr>{inputs}</table>"
    )


def _backward_panel(dbg, view):
    step = dbg.trace.steps[view.processed - 1]
    show = dbg._reveal(view)
    upstream = theme.fmt_value(step.upstream[0]) if step.upstream else "—"
    y = html.escape(_y_name(dbg.trace))
    head = (
        f"<div><b>Backward</b> · {html.escape(step.op.name)} ({html.escape(step.op.type)}) · "
        f"upstream grad <span class='{theme.EQ}'>∂{y}/∂{html.escape(step.op.name)} = "
        f"{upstream}</span></div>"
    )
    if not step.edges:
        return head + (
            f"<div>{html.escape(step.op.name)} is one of the xs: its gradient is "
            f"final, <span class='{theme.EQ}'>{upstream}</span></div>{_question_line(dbg, view)}"
        )
    rows = "".join(_edge_row(step, es, show) for es in step.edges)
    return (
        head + "<table><tr><th>input</th><th>local derivative</th>"
        "<th>upstream × local = contribution</th></tr>"
        f"{rows}</table>{_waiting_rows(dbg, step, show)}{_question_line(dbg, view)}"
    )


# When one drawn element stands for several ops or edges (a collapsed scope), the strongest wins.
_RANK = {
    theme.PENDING: 0,
    theme.GRAD_PENDING: 0,
    "": 1,
    theme.EDGE_ACTIVE: 2,
    theme.CURRENT: 2,
    theme.EDGE_ASKED: 3,
}


def _strongest(old, new):
    return new if old is None or _RANK[new] > _RANK[old] else old


def _y_name(trace):
    return trace.ys[0].op.name if len(trace.ys) == 1 else "Σy"


def _edge_row(step, es, show):
    name = html.escape(es.src.op.name)
    if es.stopped:
        return f"<tr><td>{name}</td><td colspan='2'>✕ stopped: {html.escape(es.stopped)}</td></tr>"
    revealed = show("contribution", es.edge)
    contribution = theme.fmt_value(es.contribution) if revealed else "?"
    if es.local is not None:
        local = theme.fmt_value(es.local) if revealed else "?"
        product = f"{theme.fmt_value(step.upstream[0])} × {local} = {contribution}"
    else:
        product = f"= {contribution}"
    if es.broadcast is not None:
        before, after, axes = es.broadcast
        product += f" (summed over axes {list(axes)}: {before}→{after})"
    return (
        f"<tr><td>{name}</td><td class='{theme.EQ}'>{html.escape(es.formula)}</td>"
        f"<td class='{theme.EQ}'>{html.escape(product)}</td></tr>"
    )


def _waiting_rows(dbg, step, show):
    items = []
    # In predict mode a total that includes a hidden contribution would give the answer away.
    hidden = {es.src for es in step.edges if es.stopped is None and not show("contribution", es.edge)}
    if dbg.quiz is not None:
        hidden |= {es.src for es in step.edges if dbg.quiz.hidden(step.index, tensor=es.src)}
    for es in step.edges:
        t = es.src
        if t in step.waiting and es.stopped is None:
            left = step.waiting[t]
            total = step.accumulated.get(t)
            shown = "?" if t in hidden else theme.fmt_value(total)
            now = f" · accumulated so far {shown}" if total is not None else ""
            state = "all contributions arrived" if left == 0 else f"waiting for {left} more"
            items.append(f"<li>{html.escape(t.op.name)}: {state}{now}</li>")
    return f"<ul>{''.join(dict.fromkeys(items))}</ul>" if items else ""


def _question_line(dbg, view):
    """Predict mode: what is asked now, or that the step is done; at the last step the summary."""
    if dbg.quiz is None:
        return ""
    step = view.processed - 1
    questions = dbg.quiz.questions(step)
    asked = dbg.quiz.current(step)
    if asked is not None:
        number = questions.index(asked) + 1
        line = (
            f"<div class='{theme.QUESTION}'><b>Question {number} of {len(questions)}</b>: predict "
            f"{html.escape(asked.describe())} (highlighted in purple); "
            "type it in the box below and press Enter.</div>"
        )
    elif questions:
        line = f"<div class='{theme.QUESTION}'>All answered at this step: press Next (→).</div>"
    else:
        line = f"<div class='{theme.QUESTION}'>Nothing to predict at this step.</div>"
    if view.index == dbg.num_steps - 1:
        summary = html.escape(dbg.quiz.summary()).replace("\n", "<br>")
        line += f"<div class='{theme.SUMMARY}'><b>End of the backward pass</b> · {summary}</div>"
    return line


def _feedback_html(feedback):
    """The quiz's last word, in the status line: *emphasis* as <em>, coloured by the verdict."""
    if feedback is None:
        return ""
    ok, message = feedback
    css = {True: theme.OK, False: theme.BAD, None: theme.NOTE}[ok]
    text = re.sub(r"\*(\w+)\*", r"<em>\1</em>", html.escape(message))
    return f"<div class='{theme.FEEDBACK} {css}'>{text}</div>"


def _known(trace, value):
    """A forward value as text; "unknown" where the producer could not see it."""
    try:
        return theme.fmt_value(trace.value(value))
    except KeyError:
        return "unknown"


def _inline(svg):
    """The SVG element alone (no XML prolog), ready to sit inside HTML."""
    return svg[svg.index("<svg") :]


def _text_of(markup):
    text = re.sub(r"<style>.*?</style>", "", markup, flags=re.S)
    text = re.sub(r"</(tr|div|li|table)>", "\n", text)
    text = re.sub(r"</t[dh]>", "  ", text)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def _check_source(ys, xs, feed_dict, grad_ys, stop_gradients, session, aggregation_method, unconnected):
    """The graph of what a Debugger steps through, once its engine arguments are valid: one
    BackpropTrace alone, or ys and xs with trace_backward's arguments."""
    if isinstance(ys, BackpropTrace):
        given = {"xs": xs, "feed_dict": feed_dict, "grad_ys": grad_ys, "session": session}
        given.update(stop_gradients=stop_gradients, aggregation_method=aggregation_method)
        extra = [name for name, value in given.items() if value is not None]
        extra += ["unconnected_gradients"] if unconnected != "none" else []
        if extra:
            raise TypeError(f"Debugger(trace) takes no {', '.join(extra)}: the trace has them")
        return engine_graph(ys)  # (None for a PyTorch trace: no graph of ours to change)
    if xs is None:
        raise TypeError("Debugger() needs xs (or one BackpropTrace)")
    return check_backward_call(ys, xs, feed_dict, grad_ys, stop_gradients, session)


def _descendants(box):
    """Every widget inside `box`, innermost first."""
    found = []
    for child in getattr(box, "children", ()):
        found += _descendants(child)
        found.append(child)
    return found


def _private_copy(session):
    """A session on the same graph holding the same variable values (arrays are never edited in
    place, so sharing them is safe)."""
    copy = Session(session.graph)
    copy._state = dict(session._state)
    return copy
