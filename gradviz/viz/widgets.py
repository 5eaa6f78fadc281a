"""The Debugger: an ipywidgets stepper through the forward and then the backward pass.

    dbg = gv.Debugger(cost, [W, b], feed_dict={X: x, Y: y})   # or gv.Debugger(trace)
    dbg            # in Jupyter: the graph, ⏮ ◀ ▶ ⏭ ▷ controls, a step slider, the chain-rule panel
    dbg.next()     # the same from Python; dbg.index, dbg.current_op, dbg.panel_text

The graph is laid out by `dot` once, when the Debugger is built. A step, or a moved input slider,
only restyles that SVG (classes and label text, see `svg.SvgTemplate`): no `dot` call, so stepping
stays interactive on graphs of hundreds of ops. Forward steps reveal values op by op; backward
steps follow `gradients()`'s own processing order (an op runs once all its output gradients have
arrived), read from the BackpropTrace.
"""

import html
import json
import re
from collections import Counter
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from ..debug.trace import BackpropTrace, check_backward_call, trace_backward
from ..engine.graph import Operation, Tensor
from ..engine.ops.registry import PLACEHOLDER, VARIABLE, op_def
from ..engine.session import Session, _feed_array, session_for
from ..engine.validate import check_bool, check_number, resolve_element
from . import theme
from .dot import (
    Drawing,
    backward_scene,
    check_drawing_options,
    edge_id,
    edge_lines,
    node_lines,
    to_digraph,
)
from .dot import _edges as drawn_edges
from .svg import SvgTemplate

MAX_EDITABLE = 12  # arrays up to this many entries get a text box in the inputs panel
SPEEDS = {"slow (2 s)": 2000, "normal (1 s)": 1000, "fast (0.3 s)": 300}


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
    BackpropTrace instead (``gv.Debugger(trace)``). `predict=True` is the classroom mode: a
    backward step hides its contribution until a guess has been typed and checked (relative
    tolerance `tolerance`).
    """

    def __init__(
        self,
        ys,
        xs=None,
        feed_dict=None,
        grad_ys=None,
        stop_gradients=None,
        session=None,
        aggregation_method=None,
        unconnected_gradients="none",
        predict=False,
        tolerance=0.01,
        collapse=None,
        rankdir="LR",
        inputs=True,
    ):
        engine = (ys, xs, feed_dict, grad_ys, stop_gradients, session)
        engine += (aggregation_method, unconnected_gradients)
        graph = _check_source(*engine)
        check_bool(predict, "predict")
        check_bool(inputs, "inputs")
        tolerance = check_number(tolerance, "tolerance", minimum=0)
        check_drawing_options(graph, collapse, None, rankdir)
        with graph.rollback_on_error():  # a Debugger that fails to build leaves no gradient ops
            self._build(graph, *engine)
            self.predict, self.tolerance, self.guesses = predict, tolerance, {}
            self._lay_out(collapse, rankdir, inputs)

    def _build(self, graph, ys, xs, feed_dict, grad_ys, stop_gradients, session, *methods):
        # The Debugger works on its own copy of the variables: moving a slider never changes the
        # model in the caller's session.
        if isinstance(ys, BackpropTrace):
            trace = ys
            self.trace = BackpropTrace(trace.gradient_map, trace.feed_dict, _private_copy(trace.session))
        else:
            session = _private_copy(session_for(graph, session))
            self.trace = trace_backward(ys, xs, feed_dict, grad_ys, stop_gradients, session, *methods)
        self.session, self.feed = self.trace.session, dict(self.trace.feed_dict)

    def _lay_out(self, collapse, rankdir, inputs):
        self.scene = backward_scene(self.trace, collapse)
        self.template = SvgTemplate(Drawing(to_digraph(self.scene, rankdir=rankdir)).svg())
        self._static_svg = _inline(self.template.render())
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
        self._position = {op: i for i, op in enumerate(self.trace.gradient_map.order)}
        self._lines = {}  # label lines by element and what is revealed (valid for one trace)
        self.forward_ops = [op for op in self.trace.forward if not op_def(op).is_leaf]
        self.num_steps = len(self.forward_ops) + len(self.trace.steps)
        if not self.num_steps:
            names = ", ".join(y.name for y in self.trace.ys)
            raise ValueError(
                f"Debugger: nothing to step through: no op computes ys ({names}) from its inputs "
                "and no gradient flows back from them"
            )
        self._index, self._syncing = 0, False
        super().__init__(self._build_controls(inputs))
        self.add_class(theme.DEBUGGER)
        self._update()

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
        index = int(index)
        self._index = index
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
        self.feed, self.trace, self.guesses, self._lines = feed, trace, {}, {}
        self.scene.trace = trace
        self.scene.values = trace.forward_values()
        self._sync_input_widget(tensor, array)
        self._update()

    # -- widgets ----------------------------------------------------------------------------------
    def _build_controls(self, with_inputs):
        buttons = []
        # FontAwesome icons (shipped with JupyterLab) draw in every font, unlike ⏮ and ⏭.
        for name, icon, tip, action in (
            ("first", "fast-backward", "first step", self.first),
            ("prev", "step-backward", "previous step", self.prev),
            ("next", "step-forward", "next step", self.next),
            ("last", "fast-forward", "last step", self.last),
        ):
            button = widgets.Button(icon=icon, tooltip=tip, layout=widgets.Layout(width="44px"))
            button.add_class(theme.button_class(name))
            button.on_click(lambda _, act=action: act())
            buttons.append(button)
        self.slider = widgets.IntSlider(
            0, 0, self.num_steps - 1, description="step", continuous_update=True
        )
        self.slider.add_class(theme.STEP)
        self.slider.observe(self._on_slider, "value")
        self.play = widgets.Play(0, 0, self.num_steps - 1, interval=1000)
        self.play.add_class(theme.PLAY)
        self._links = [widgets.jslink((self.play, "value"), (self.slider, "value"))]
        self.speed = widgets.Dropdown(
            options=SPEEDS, value=1000, description="speed", layout=widgets.Layout(width="200px")
        )
        self._links.append(widgets.link((self.speed, "value"), (self.play, "interval")))
        self.status = widgets.HTML()
        self.graph = widgets.HTML(layout=widgets.Layout(overflow="auto"))
        self.graph.add_class(theme.GRAPH)
        self.panel = widgets.HTML()
        self.panel.add_class(theme.PANEL)
        rows = [
            widgets.HBox([*buttons, self.play, self.slider, self.speed]),
            self.status,
            self.graph,
            self.panel,
        ]
        if self.predict:
            rows.append(self._build_guess())
        if with_inputs:
            rows.append(self._build_inputs())
        return rows

    def _on_slider(self, change):
        if not self._syncing:
            self.goto(change["new"])

    def _build_guess(self):
        self.guess = widgets.Text(
            placeholder="your guess for the contribution", description="guess", continuous_update=False
        )
        self.guess.add_class(theme.GUESS)
        check = widgets.Button(description="Check")
        check.add_class(theme.CHECK)
        check.on_click(lambda _: self.check_guess(self.guess.value))
        return widgets.HBox([self.guess, check])

    def check_guess(self, text):
        """Predict mode: compare a typed guess with the current step's first contribution."""
        view = self.view
        target = self._guess_target(view)
        if target is None:
            return None
        try:
            guess = np.asarray(json.loads(text) if text.strip().startswith("[") else float(text))
        except ValueError:
            self.status.value = (
                f"<span class='{theme.BAD}'>Could not read {html.escape(text)!r} as a number.</span>"
            )
            return None
        ok = bool(np.allclose(guess, target.contribution, rtol=self.tolerance, atol=1e-6))
        self.guesses[view.index] = (guess, ok)
        self._update()
        return ok

    def _guess_target(self, view):
        if view.phase != "backward":
            return None
        step = self.trace.steps[view.processed - 1]
        return next((e for e in step.edges if e.contribution is not None), None)

    def _build_inputs(self):
        self.input_widgets = {}
        for op in self.trace.forward:
            if op_def(op).role in (PLACEHOLDER, VARIABLE):
                widget = self._input_widget(op.outputs[0])
                if widget is not None:
                    self.input_widgets[op.outputs[0]] = widget
        box = widgets.VBox([widgets.HTML("<b>inputs</b>"), *self.input_widgets.values()])
        box.add_class(theme.INPUTS)
        return box

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
            f"<b>{html.escape(view.op.name)}</b>"
        )
        self._syncing = True
        try:
            self.slider.value = view.index
        finally:
            self._syncing = False

    def _styles(self, view):
        """CSS classes and label lines of every node and edge at this step."""
        classes, texts = {}, {}
        show = self._reveal(view)
        for op, node, collapsed in self._nodes:
            if not collapsed:
                texts[node] = self._node_lines(op, show)
            elif op_def(op).is_leaf and op is not view.op:
                continue  # a collapsed scope keeps its "scope / n ops" box; its ops set its class
            pending = view.phase == "forward" and not op_def(op).is_leaf and op not in view.computed
            state = theme.CURRENT if op is view.op else (theme.PENDING if pending else "")
            classes[node] = _strongest(classes.get(node), state)
        for edge, element in self._edges:
            state, lines = self._edge_style(view, edge, show)
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
            if edge in self.trace.gradient_map.stopped:  # stopped paths say why at every step
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
                return view.phase == "backward" or op_def(key).is_leaf or key in view.computed
            if view.phase == "forward":
                return False
            if kind == "contribution":
                hidden = self.predict and key.dst is view.op and view.index not in self.guesses
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
        # Without a kernel (an HTML export) the initial drawing still shows.
        bundle["text/html"] = f"<div class='{theme.STATIC}'>{self._static_svg}</div>"
        return bundle

    def __repr__(self):
        return f"<gradviz.Debugger: {self.num_steps} steps, at step {self._index}>"


def _forward_panel(dbg, view):
    op = view.op
    inputs = "".join(
        f"<tr><td>{html.escape(t.op.name)}</td><td class='{theme.EQ}'>"
        f"{theme.fmt_value(dbg.trace.value(t))}</td></tr>"
        for t in op.inputs
    )
    value = theme.fmt_value(dbg.trace.value(op.outputs[0])) if op.outputs else "—"
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
            f"final, <span class='{theme.EQ}'>{upstream}</span></div>"
        )
    rows = "".join(_edge_row(step, es, show) for es in step.edges)
    return (
        head + "<table><tr><th>input</th><th>local derivative</th>"
        "<th>upstream × local = contribution</th></tr>"
        f"{rows}</table>{_waiting_rows(step, show)}{_guess_line(dbg, view)}"
    )


# When one drawn element stands for several ops or edges (a collapsed scope), the strongest wins.
_RANK = {theme.PENDING: 0, theme.GRAD_PENDING: 0, "": 1, theme.EDGE_ACTIVE: 2, theme.CURRENT: 2}


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


def _waiting_rows(step, show):
    items = []
    # In predict mode a total that includes a hidden contribution would give the answer away.
    hidden = {es.src for es in step.edges if es.stopped is None and not show("contribution", es.edge)}
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


def _guess_line(dbg, view):
    if not dbg.predict:
        return ""
    if view.index not in dbg.guesses:
        return "<div>Predict the contribution, type it below and press Check.</div>"
    guess, ok = dbg.guesses[view.index]
    mark = (
        f"<span class='{theme.OK}'>✓ within tolerance</span>"
        if ok
        else f"<span class='{theme.BAD}'>✗ not within tolerance</span>"
    )
    return f"<div>Your guess {theme.fmt_value(guess)}: {mark}</div>"


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
        return ys.graph
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
