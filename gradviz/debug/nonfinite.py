"""NaN/Inf provenance: the first op, forward or backward, whose output is not finite.

    result = gv.find_nonfinite(loss, [W, b], feed_dict={X: x})
    print(result)        # "First non-finite value: op 'Log' (Log), forward pass ..." and its inputs
    result.draw()        # the graph with that op highlighted

Ops are scanned in execution order: the forward ops the ys depend on (topological, i.e. creation
order), then the ops of the backward pass in the order gradients() built them. The first op whose
output holds a NaN or an Inf is where the trouble starts: it turned finite inputs into a
non-finite value (or read one from a feed or a variable); every later op may only inherit it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..engine.graph import as_list
from ..engine.hints import FeedDict, Tensors
from ..engine.session import Session, session_for
from ..format import fmt_value
from . import pictures
from ._graph import check_call, draw_highlighted, evaluate_ops, execution_order, gradient_map_for
from .trace import BackpropTrace


@dataclass
class NonfiniteResult:
    """The first op with a non-finite output, or no op at all (then the result is falsy).

    >>> r = gv.find_nonfinite(gv.log(x), feed_dict={x: 0.0})
    >>> r.op.type, r.inputs, r.output          # ('Log', {'x:0': 0.0}, -inf)
    """

    op: object = None  # Operation
    phase: str | None = None  # "forward" or "backward"
    output: np.ndarray | None = None  # the first non-finite output's value
    inputs: dict = field(default_factory=dict)  # input tensor name -> value
    gradient_of: object = None  # for a backward op: the forward op whose gradient it computes
    position: int = 0  # 1-based place of `op` in the execution order
    scanned: int = 0  # ops scanned
    context: dict = field(default_factory=dict, repr=False)  # ys, feed_dict, session for draw()
    path: list = field(default_factory=list)  # node names from `op` to the loss (a trace's search)

    def __bool__(self):
        return self.op is not None

    @property
    def counts(self):
        """(NaN count, +Inf count, -Inf count) in the output."""
        out = np.asarray(self.output, dtype=float)
        return int(np.isnan(out).sum()), int(np.isposinf(out).sum()), int(np.isneginf(out).sum())

    def __str__(self):
        if not self:
            return f"No NaN or Inf: all {self.scanned} ops produced finite values."
        owner = f" (gradient of '{self.gradient_of.name}')" if self.gradient_of is not None else ""
        lines = [
            f"First non-finite value: op '{self.op.name}' ({self.op.type}), {self.phase} pass"
            f"{owner}, op {self.position} of {self.scanned} in execution order.",
            f"  output: {fmt_value(self.output)}  ({_count_text(self.counts)})",
            "  inputs:" if self.inputs else "  inputs: none",
        ]
        lines += [f"    {name} = {fmt_value(value)}" for name, value in self.inputs.items()]
        if self.path:
            lines.append("  path to the loss: " + " → ".join(self.path))
        return "\n".join(lines)

    __repr__ = __str__

    def note(self):
        """The short text the drawing shows next to the highlighted op."""
        nan, pos, neg = self.counts
        kind = "NaN" if nan else ("+Inf" if pos else "-Inf")
        if self.phase == "forward":
            return f"first {kind} (forward)"
        return f"first {kind} in its gradient: {self.op.name}"

    def highlighted_op(self):
        """The forward op to point at: the op itself, or the one whose gradient went wrong."""
        return self.op if self.phase == "forward" else self.gradient_of

    def draw(self, **kwargs):
        """The forward graph with the culprit highlighted (gradviz.viz.dot.draw)."""
        target = self.highlighted_op() if self else None
        highlight = {} if target is None else {target.name: self.note()}
        if "trace" in self.context:
            return pictures.render("draw_trace", self.context["trace"], highlight=highlight, **kwargs)
        return draw_highlighted(self.context, highlight, **kwargs)


def _count_text(counts):
    parts = [f"{n} {what}" for n, what in zip(counts, ("NaN", "+Inf", "-Inf"), strict=True) if n]
    return ", ".join(parts)


def find_nonfinite(
    ys: Tensors, xs: Tensors | None = None, feed_dict: FeedDict = None, session: Session | None = None
) -> NonfiniteResult:
    """Run the forward pass (and, with `xs`, the backward pass of ``gradients(ys, xs)``) and name
    the first op whose output holds a NaN or an Inf, with its inputs' values.

    >>> x = gv.placeholder("float32", [], name="x")
    >>> r = gv.find_nonfinite(gv.log(x), feed_dict={x: 0.0})
    >>> r.op.name, bool(r)                    # ('Log', True); falsy when all is finite

    The backward pass reuses the gradient ops an earlier plain ``gradients(ys, xs)`` call built
    (an optimizer's, say), else builds them. The session defaults as in trace_backward.
    """
    if isinstance(ys, BackpropTrace):
        return _in_trace(ys)
    graph = check_call(ys, xs, feed_dict, session)
    session = session_for(graph, session)
    with graph.rollback_on_error():  # a run that fails takes new gradient ops away again
        gmap = gradient_map_for(ys, xs) if as_list(xs) else None
        forward, backward = execution_order(ys, gmap)
        values = evaluate_ops(forward + backward, feed_dict, session)
    context = {"ys": ys, "feed_dict": feed_dict, "session": session}
    ordered = [(op, "forward") for op in forward] + [(op, "backward") for op in backward]
    for position, (op, phase) in enumerate(ordered, 1):
        bad = next((t for t in op.outputs if _nonfinite(values[t])), None)
        if bad is not None:
            inputs = {t.name: values.get(t) for t in op.inputs}
            owner = _gradient_of(gmap, op) if phase == "backward" else None
            return NonfiniteResult(
                op, phase, values[bad], inputs, owner, position, len(ordered), context
            )
    return NonfiniteResult(scanned=len(ordered), context=context)


def _in_trace(trace):
    """The first forward node (topological order) with a non-finite known value, else the first
    backward step sending one back; with the path of nodes from it to the loss."""
    context, values = {"trace": trace}, trace.forward_values()
    forward = [op for op in trace.forward if op.outputs]
    scanned = len(forward) + len(trace.steps)
    for position, op in enumerate(forward, 1):
        bad = next((t for t in op.outputs if t in values and _nonfinite(values[t])), None)
        if bad is not None:
            inputs = {t.name: values.get(t) for t in op.inputs}
            path = _path_to(trace, op)
            return NonfiniteResult(
                op, "forward", values[bad], inputs, None, position, scanned, context, path
            )
    for position, step in enumerate(trace.steps, len(forward) + 1):
        bad = next(
            (e for e in step.edges if e.contribution is not None and _nonfinite(e.contribution)), None
        )
        if bad is not None:
            inputs = {"upstream": step.upstream[0]}
            return NonfiniteResult(
                bad.edge.dst, "backward", bad.contribution, inputs, step.op, position, scanned, context
            )
    return NonfiniteResult(scanned=scanned, context=context)


def _path_to(trace, start):
    """Node names along one shortest forward path from `start` to a y."""
    consumers = {}
    for op in trace.forward:
        for t in op.inputs:
            consumers.setdefault(t.op, []).append(op)
    targets, previous, queue = {y.op for y in trace.ys}, {start: None}, [start]
    for op in queue:
        if op in targets:
            path = []
            while op is not None:
                path.append(op.name)
                op = previous[op]
            return path[::-1]
        for nxt in consumers.get(op, ()):
            if nxt not in previous:
                previous[nxt] = op
                queue.append(nxt)
    return [start.name]


def _nonfinite(value):
    array = np.asarray(value)
    return array.dtype.kind in "fc" and not np.isfinite(array).all()


def _gradient_of(gmap, op):
    """The forward op whose gradient `op` helps compute (a sum at a fan-out: the summed tensor's)."""
    owner = gmap.grad_ops.get(op)
    if owner is not None:
        return owner
    for acc in gmap.accumulated.values():
        if op in acc.ops:
            return acc.tensor.op
    return None
