"""BackpropTrace: one backward pass, step by step, read from the GradientMap that gradients() built.

Nothing here differentiates anything. The trace evaluates, with one `Session.run`, the forward
tensors and the gradient tensors that `gradients()` recorded, then arranges them as the chain rule
reads: for each op, in the order the engine processed it, the **upstream grad** at its output, and
for each input edge the **local derivative** and the **contribution** (upstream × local, reduced to
the input's shape). Where contributions meet, the **accumulated** total grows step by step.

    trace = gv.trace_backward(cost, [W, b], feed_dict={X: x, Y: y})
    print(trace)                 # the steps as a table
    trace.grads                  # == sess.run(gv.gradients(cost, [W, b]), feed_dict)
    trace.explain(b)             # why a gradient is None or zero

`BackpropTrace` is source-neutral: it holds nodes, values, edges, contributions, totals and stop
reasons in the terms of `model.py`, and everything that reads a trace (drawings, Debugger,
summaries, the NaN search) uses only its methods. Producers fill it: `GraphTrace` below from the
engine's GradientMap and a Session, `gradviz.torch` from PyTorch's autograd hooks.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..engine.gradients import AggregationMethod, Edge, GradientMap, UnconnectedGradients, gradients
from ..engine.graph import Tensor, ancestors, graph_of
from ..engine.hints import FeedDict, TensorLike, Tensors
from ..engine.ops.registry import CONSTANT, OPS, broadcast, op_def, same_shape
from ..engine.session import Session, session_for
from ..engine.validate import check_feed_dict, check_session, check_ys_xs, resolve_element
from ..format import fmt_number, fmt_value
from . import model
from .model import short_name as _short


@dataclass
class EdgeStep:
    """What flows back along one input edge of the op being processed."""

    edge: Edge
    formula: str  # the local derivative, e.g. "∂(X × W)/∂W = X"
    local: np.ndarray | None  # its value, where the op is elementwise and upstream ≠ 0
    contribution: np.ndarray | None  # upstream × local, reduced to the input's shape
    stopped: str | None = None  # why no gradient flows here (None if one does)
    broadcast: tuple | None = None  # (shape before, shape after, summed axes) if undone

    @property
    def src(self):
        return self.edge.src


@dataclass
class Step:
    """One op of the backward pass, in the order gradients() processed it."""

    index: int
    op: object  # Operation
    upstream: list  # per output: the accumulated gradient arriving there (array or None)
    edges: list  # EdgeStep per input
    accumulated: dict = field(default_factory=dict)  # Tensor -> running total after this step
    waiting: dict = field(default_factory=dict)  # Tensor -> contributions it still waits for

    @property
    def name(self):
        return self.op.name


@dataclass
class Explanation:
    """Why x's gradient is what it is; `blocking` lists the edges that cut it."""

    x: Tensor
    gradient: np.ndarray | None
    reason: str
    blocking: list = field(default_factory=list)  # (Edge, reason)

    def __str__(self):
        lines = [f"{_short(self.x)}: {self.reason}"]
        lines += [f"  - {_short(e.src)} → {e.dst.name}: {why}" for e, why in self.blocking]
        return "\n".join(lines)

    __repr__ = __str__


def trace_backward(
    ys: Tensors,
    xs: Tensors | None,
    feed_dict: FeedDict = None,
    grad_ys: TensorLike | Sequence[TensorLike | None] | None = None,
    stop_gradients: Tensors | None = None,
    session: Session | None = None,
    aggregation_method: str | None = None,
    unconnected_gradients: UnconnectedGradients | str = "none",
) -> BackpropTrace:
    """Build ``gradients(ys, xs, ...)`` and record its backward pass with the values of `feed_dict`.

    The session defaults to the default session of the graph, else a new one whose variables are
    initialized from their initial values.
    """
    graph = check_backward_call(ys, xs, feed_dict, grad_ys, stop_gradients, session)
    with graph.rollback_on_error():  # a run that fails takes the gradient ops away again
        gradients(
            ys,
            xs,
            grad_ys=grad_ys,
            stop_gradients=stop_gradients,
            aggregation_method=aggregation_method,
            unconnected_gradients=unconnected_gradients,
        )
        return GraphTrace(graph.gradient_maps[-1], feed_dict, session_for(graph, session))


def check_backward_call(ys, xs, feed_dict=None, grad_ys=None, stop_gradients=None, session=None):
    """The graph of a trace/drawing/Debugger call once its engine arguments are valid: checked
    before any gradient op is built, so a rejected call leaves the graph as it was."""
    graph = check_ys_xs(ys, xs, stop_gradients, grad_ys)
    check_session(session, graph)
    check_feed_dict(feed_dict, graph)
    return graph


def forward_tensors(ops):
    """The output tensors of `ops` that hold a value (a group has none), in order."""
    return [t for op in ops if op_def(op).has_value for t in op.outputs]


class BackpropTrace:
    """The values of one backward pass; `steps` in processing order (see the module docstring).

    What a producer fills: `forward` (nodes, topological), `ys`, `xs`, `grads` (one per x),
    `order` (nodes in backward processing order), `steps`, and the dicts behind the accessors
    below: values, contributions and stop reasons per edge, totals and fan-in counts per value,
    the nodes a gradient reached.
    """

    def __init__(self, forward, ys, xs, grads, values, x_names=None):
        self.forward, self.ys, self.xs, self.grads = forward, list(ys), list(xs), list(grads)
        self.x_names = list(x_names) if x_names is not None else [_short(x) for x in self.xs]
        self._values = values
        self._x_positions = {}  # x -> its first index in xs (values hash by identity)
        for i, x in enumerate(self.xs):
            self._x_positions.setdefault(x, i)
        self._contributions, self._stopped = {}, {}  # Edge -> array / reason
        self._totals, self._fan_in = {}, {}  # Value -> accumulated array / number of contributions
        self._reached = set()  # nodes some gradient passed through
        self.order, self.steps = [], []

    # -- the neutral accessors (what drawings, the Debugger and summaries read) ---------------------
    def value(self, value):
        """The value of a forward value (or its name) in this pass; KeyError when not known."""
        if isinstance(value, str):
            value = self._by_name(value)
        if value not in self._values:
            raise KeyError(f"'{value.name}' is not part of this trace")
        return self._values[value]

    def forward_values(self):
        """{Value: array} for every forward value this trace knows (some producers know few)."""
        return {t: self._values[t] for op in self.forward for t in op.outputs if t in self._values}

    def _by_name(self, name):
        for op in self.forward:
            for t in op.outputs:
                if name in (t.name, _short(t)):
                    return t
        raise KeyError(f"'{name}' is not part of this trace")

    def grad(self, x):
        """x's final gradient (None where unconnected)."""
        return self.grads[self._x_index(x)]

    def total(self, value):
        """The accumulated gradient of any forward value (None if no gradient reached it)."""
        return self._totals.get(value)

    def edge_step(self, edge):
        """The EdgeStep of `edge` (None for an edge into a node the backward pass did not process)."""
        if getattr(self, "_edge_steps", None) is None:
            self._edge_steps = {e.edge: e for step in self.steps for e in step.edges}
        return self._edge_steps.get(edge)

    def contribution(self, edge):
        """What flowed back along `edge` (None where nothing did)."""
        return self._contributions.get(edge)

    def carries(self, edge):
        """Whether a gradient was built for this edge (False for stopped and off-path edges)."""
        return edge in self._contributions

    @property
    def stopped(self):
        """{Edge: reason} for the edges no gradient flows through."""
        return self._stopped

    def fan_in(self, value):
        """How many contributions meet at `value` (0 when none)."""
        return self._fan_in.get(value, 0)

    def aggregation(self, value):
        """How the contributions at a fan-out are summed, in words."""
        return "sum"

    def reached(self, node):
        """Whether a gradient to some x passes through `node`."""
        return node in self._reached

    def role(self, node):
        """One of model.ROLES."""
        return node.role

    def label(self, node):
        """The short symbol a drawing shows before the node's name."""
        return node.label

    def rule(self, node):
        """(rule, hint template) the node's gradient applies, for the classroom mode's hints
        (debug/quiz.py): by default the rule of the engine op drawn with the same label ("×": the
        product rule); ("", "") where there is none, then the quiz says the chain rule."""
        label = self.label(node)
        return next(((d.rule, d.hint) for d in OPS.values() if d.rule and d.label == label), ("", ""))

    def operand_name(self, value):
        """How a formula or a hint names an input value."""
        return _short(value)

    def edges_into(self, node):
        return [model.Edge(t, node, i) for i, t in enumerate(node.inputs)]

    def is_x(self, value):
        return value in self._x_positions

    def name_of_x(self, x):
        return self.x_names[self._x_index(x)]

    def _x_index(self, x):
        if isinstance(x, str):
            matches = [i for i, v in enumerate(self.xs) if x in (self.x_names[i], v.name, _short(v))]
            i = matches[0] if matches else None
        else:
            i = self._x_positions.get(x)
        if i is None:
            names = ", ".join(self.x_names)
            raise ValueError(f"x {getattr(x, 'name', x)!r} is not one of this trace's xs ({names})")
        return i

    # -- steps ------------------------------------------------------------------------------------
    def arrivals(self, position):
        """For each value: its running total after each step where a contribution arrived
        (keyed step -> {value: total}), and the steps at which its contributions are expected."""
        running, expected, totals = {}, {}, {}
        for node in self.order:
            for edge in self.edges_into(node):
                c = self._contributions.get(edge)
                if c is None:
                    continue
                t = edge.src
                totals[t] = c if t not in totals else totals[t] + c
                running.setdefault(position[node], {})[t] = totals[t]
                if self.reached(t.op) or self.is_x(t):
                    expected.setdefault(t, []).append(position[node])
        return running, expected

    @staticmethod
    def waiting(expected, index):
        return _Waiting(expected, index)

    # -- explanations -----------------------------------------------------------------------------
    def explain(self, x):
        """Why is x's gradient None (or zero)? Names the blocking edges, if any."""
        i = self._x_index(x)
        x, grad = self.xs[i], self.grads[i]
        zero = " (returned as zeros: unconnected_gradients='zero')" if grad is not None else ""
        forward = set(self.forward)
        if x.op not in forward or not self._consumers().get(x.op) and x.op not in _ops_of(self.ys):
            return Explanation(x, grad, f"unreachable: no y depends on it{zero}")
        on_path = self._descendants(x.op) & forward
        blocking = [
            (e, why)
            for e, why in self._stopped.items()
            if e.dst in on_path
            and e.src.op in on_path
            and why not in (model.UNREACHED, model.NOTHING_ARRIVED)
        ]
        if np.dtype(x.dtype).kind not in "fc":
            return Explanation(x, grad, "integer tensor: gradients never flow into integers", blocking)
        if x not in self._totals:
            reasons = sorted({why for _, why in blocking})
            cut = ", ".join(reasons) if reasons else "no path carries a gradient"
            return Explanation(x, grad, f"None: every path to the ys is cut ({cut}){zero}", blocking)
        if not np.any(grad):
            # Both ways a path gives nothing: a zero local derivative, or an edge that is cut.
            zeros = self._zero_sources(on_path)
            reason = "zero: the contributions reaching it are all zero"
            if blocking:
                cut = ", ".join(f"{e.dst.name} ({why})" for e, why in blocking)
                reason += f"; the other paths are cut at {cut}"
            return Explanation(x, grad, reason, blocking + zeros)
        return Explanation(x, grad, "receives a gradient", blocking)

    def _consumers(self):
        consumers = {}
        for node in self.forward:
            for t in node.inputs:
                consumers.setdefault(t.op, []).append(node)
        return consumers

    def _descendants(self, node):
        consumers, seen, stack = self._consumers(), set(), [node]
        while stack:
            current = stack.pop()
            if current not in seen:
                seen.add(current)
                stack.extend(consumers.get(current, ()))
        return seen

    def _zero_sources(self, on_path):
        """Edges where a non-zero upstream grad becomes a zero contribution (a dead relu, ...)."""
        found = []
        for step in self.steps:
            if step.op not in on_path or not any(u is not None and np.any(u) for u in step.upstream):
                continue
            for es in step.edges:
                if es.contribution is not None and es.src.op in on_path and not np.any(es.contribution):
                    found.append((es.edge, "zero contribution: the local derivative is 0 here"))
        return found

    # -- display ----------------------------------------------------------------------------------
    def __str__(self):
        lines = [f"Backward pass: {len(self.steps)} steps"]
        for step in self.steps:
            lines.append(
                f"[{step.index}] {step.op.name} ({step.op.type}): upstream {fmt_value(step.upstream[0])}"
            )
            for es in step.edges:
                what = (
                    f"stopped: {es.stopped}"
                    if es.stopped
                    else f"{es.formula}; contribution {fmt_value(es.contribution)}"
                )
                lines.append(f"    ← {_short(es.src)}: {what}")
        for name, g in zip(self.x_names, self.grads, strict=True):
            lines.append(f"∂/∂{name} = {fmt_value(g)}")
        return "\n".join(lines)

    def __repr__(self):
        return f"<gradviz.BackpropTrace: {len(self.steps)} steps, xs={self.x_names}>"


def _ops_of(values):
    return {v.op for v in values}


class GraphTrace(BackpropTrace):
    """The engine's producer: a BackpropTrace read from the GradientMap gradients() recorded,
    with values from one Session.run."""

    def __init__(
        self, gradient_map: GradientMap, feed_dict: FeedDict = None, session: Session | None = None
    ) -> None:
        self.gradient_map = gmap = gradient_map
        self.graph = graph_of(gmap.ys + gmap.xs)
        self.session = session_for(self.graph, session)
        self.feed_dict = dict(feed_dict or {})
        self.forward = ancestors(gmap.ys)  # (read by _evaluate)
        values = self._evaluate()
        grads = [None if g is None else values[g] for g in gmap.results]
        super().__init__(self.forward, gmap.ys, gmap.xs, grads, values)
        self._contributions = {
            e: values[c] for e, c in gmap.contributions.items() if e not in gmap.stopped
        }
        self._stopped = gmap.stopped
        self._totals = {t: values[acc.total] for t, acc in gmap.accumulated.items()}
        self._fan_in = {t: len(acc.contributions) for t, acc in gmap.accumulated.items()}
        self._reached = gmap.between
        self.order = gmap.order
        self.steps = self._steps()

    def recompute(self, feed_dict=None):
        """The same backward pass with new feeds (or new variable values in the session)."""
        return GraphTrace(
            self.gradient_map, feed_dict if feed_dict is not None else self.feed_dict, self.session
        )

    # -- values ---------------------------------------------------------------------------------
    def _evaluate(self):
        wanted = forward_tensors(self.forward) + gradient_tensors(self.gradient_map)
        wanted = list(dict.fromkeys(wanted))  # deduplicated, in order
        values = self.session.run(wanted, self.feed_dict)
        return dict(zip(wanted, values, strict=True))

    def forward_values(self):
        """{tensor: value} for every forward tensor that holds a value."""
        return {t: self._values[t] for t in forward_tensors(self.forward)}

    def role(self, op):
        return op_def(op).role or model.OP

    def label(self, op):
        return OPS[op.type].label

    def rule(self, op):
        return op_def(op).rule, op_def(op).hint  # declared with the op (register_op)

    def operand_name(self, tensor):
        return _operand_name(tensor)

    def edges_into(self, op):
        return self.gradient_map.edges_into(op)

    def aggregation(self, tensor):
        return AggregationMethod.NAMES[self.gradient_map.aggregation_method]

    def _x_index(self, x):
        if isinstance(x, str):
            x = resolve_element(self.graph, x, "x")
        if not isinstance(x, Tensor):
            names = ", ".join(t.name for t in self.xs)
            raise ValueError(f"x {getattr(x, 'name', x)!r} is not one of this trace's xs ({names})")
        return super()._x_index(x)

    def value(self, tensor):
        """The value of a forward or gradient tensor (a Tensor, or its name) in this pass."""
        if not isinstance(tensor, Tensor):  # a name (Tensors take the fast path: drawings ask often)
            tensor = resolve_element(self.graph, tensor, "tensor")
        if not isinstance(tensor, Tensor) or tensor not in self._values:
            raise ValueError(
                f"tensor '{tensor.name}' is not part of this trace: pass a forward tensor the ys "
                "depend on, or a gradient tensor of this backward pass"
            )
        return self._values[tensor]

    # -- steps ------------------------------------------------------------------------------------
    def _steps(self):
        gmap = self.gradient_map
        position = {op: i for i, op in enumerate(gmap.order)}
        running, expected = self._arrivals(position)
        arrived = {}  # step -> {tensor: its running total after that step}
        for t, totals in running.items():
            for i, total in totals.items():
                arrived.setdefault(i, {})[t] = total
        named = frozenset(self.xs)
        steps = []
        for i, op in enumerate(gmap.order):
            upstream = [self.total(t) for t in op.outputs]
            edges = [self._edge_step(e, upstream, named) for e in gmap.edges_into(op)]
            steps.append(Step(i, op, upstream, edges, arrived.get(i, {}), _Waiting(expected, i)))
        return steps

    def _arrivals(self, position):
        """For each tensor: its running total after each step where a contribution arrived, and
        the steps at which its contributions are expected."""
        gmap, running, expected = self.gradient_map, {}, {}
        for t, acc in gmap.accumulated.items():
            # Each None arrival is one y's seed: the k-th goes with the k-th y that is t.
            seeds = iter([self._values[g] for y, g in zip(gmap.ys, gmap.grad_ys, strict=True) if y is t])
            total, by_step = None, {}
            for edge in sorted(acc.contributions, key=lambda e: -1 if e is None else position[e.dst]):
                value = next(seeds) if edge is None else self._values[gmap.contributions[edge]]
                total = value if total is None else total + value
                by_step[-1 if edge is None else position[edge.dst]] = total
            running[t] = by_step
        for op in gmap.order:
            for t in op.inputs:
                if t.op in gmap.between:
                    expected.setdefault(t, []).append(position[op])
        return running, expected

    def _edge_step(self, edge, upstream, named=()):
        gmap = self.gradient_map
        formula = local_formula(edge, named)
        reason = gmap.stopped.get(edge)
        if reason is not None:
            return EdgeStep(edge, formula, None, None, reason)
        c = gmap.contributions[edge]
        before, info = c, None
        if op_def(c.op).undoes_broadcast:
            before = c.op.inputs[0]
            info = _broadcast_info(self._values[before], self._values[c])
        local = _local_value(edge, upstream[0], self._values[before])
        return EdgeStep(edge, formula, local, self._values[c], None, info)


class _Waiting(Mapping):
    """Tensor -> how many contributions it still waits for after step `index`. Counted on demand:
    a full dict per step would make a trace quadratic in the size of the graph."""

    def __init__(self, expected, index):
        self._expected, self._index = expected, index  # tensor -> sorted steps that send to it

    def __getitem__(self, tensor):
        steps = self._expected[tensor]
        return len(steps) - bisect.bisect_right(steps, self._index)

    def __iter__(self):
        return iter(self._expected)

    def __len__(self):
        return len(self._expected)

    def __repr__(self):
        return repr(dict(self))


def gradient_tensors(gmap, with_cut=False):
    """Every tensor the backward pass computes: seeds, the contributions that flow (and, where
    broadcasting was undone, the value before it), totals and results; deduplicated, in order.
    `with_cut` adds the contributions built on edges that were then cut (one that reaches no x):
    ops the backward pass ran, though nothing it returns depends on them."""
    tensors = list(gmap.grad_ys)
    for edge, c in gmap.contributions.items():
        if with_cut or edge not in gmap.stopped:
            tensors.append(c)
            if op_def(c.op).undoes_broadcast:  # the value before broadcasting was undone
                tensors.append(c.op.inputs[0])
    tensors += [acc.total for acc in gmap.accumulated.values()]
    tensors += [g for g in gmap.results if g is not None]
    return list(dict.fromkeys(tensors))


_INFIX = {"+", "−", "×", "÷", "^", "@"}


def _operand_name(tensor):
    """A scalar constant reads as its value in a formula ("2·x"), anything else by name."""
    if op_def(tensor.op).role == CONSTANT and tensor.op.attrs["value"].ndim == 0:
        return fmt_number(tensor.op.attrs["value"])
    return _short(tensor)


def local_formula(edge, named=()):
    """The local derivative as text, with the op's real input names: "∂(X × W)/∂W = X".
    Scalar constants read as their value ("2·x"), except those in `named` (the xs)."""
    op, opdef = edge.dst, OPS[edge.dst.type]
    named = named if isinstance(named, frozenset) else frozenset(named)  # Tensors hash by identity
    names = [_short(t) if t in named else _operand_name(t) for t in op.inputs]
    if opdef.label in _INFIX and len(names) == 2:
        expr = f"{names[0]} {opdef.label} {names[1]}"
    else:
        expr = f"{opdef.label}({', '.join(names)})"
    partials = opdef.partials or ("?",)
    partial = partials[min(edge.index, len(partials) - 1)]
    operands = dict(zip(("x", "y"), names, strict=False))
    partial = re.sub(r"\b[xy]\b", lambda m: operands.get(m.group(), m.group()), partial)
    return f"∂({expr})/∂{names[edge.index]} = {partial}"


def _local_value(edge, upstream, before_reduction):
    """upstream × local = contribution, so local = contribution / upstream where that is exact:
    elementwise ops, same shapes, upstream non-zero."""
    opdef = OPS[edge.dst.type]
    if upstream is None or opdef.shape not in (broadcast, same_shape) or len(edge.dst.inputs) > 2:
        return None
    upstream, before = np.asarray(upstream), np.asarray(before_reduction)
    if upstream.shape != before.shape or not np.all(upstream):
        return None
    return before / upstream


def _broadcast_info(before, after):
    before, after = np.shape(before), np.shape(after)
    lead = len(before) - len(after)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, d in enumerate(after) if d == 1 and before[lead + i] != 1
    )
    return before, after, axes
