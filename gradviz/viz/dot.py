"""Graphviz drawings of the forward graph and of the backward pass laid over it.

Everything drawn comes from the graph and, for the backward pass, from a BackpropTrace (which reads
the GradientMap that `gradients()` recorded): nothing is differentiated here. Node and edge ids
come from op names (``n_mul_1``, ``e_X__n_mul_0``), and nodes are added in graph order, so the same
graph always gives the same DOT source. The visual encoding is written down in `theme`.

    gv.draw(cost, feed_dict={X: x, Y: y})                        # forward graph with values
    gv.draw_backward(cost, [W, b], feed_dict={X: x, Y: y})       # plus the gradient flow
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from typing import Any

import graphviz
import numpy as np

from ..debug import model
from ..debug.trace import BackpropTrace, check_backward_call, forward_tensors, trace_backward
from ..engine.gradients import UnconnectedGradients
from ..engine.graph import Graph, Tensor, ancestors, as_list, graph_of
from ..engine.hints import FeedDict, TensorLike, Tensors
from ..engine.ops.registry import OPS, PLACEHOLDER, op_def
from ..engine.session import Session, session_for
from ..engine.validate import (
    check_bool,
    check_choice,
    check_feed_dict,
    check_name,
    check_session,
    check_tensor,
    check_tensors,
    describe,
    resolve_element,
)
from . import theme

AUTO_COLLAPSE_OPS = 150  # above this many ops, name scopes are drawn collapsed by default


# -- the Drawing object ---------------------------------------------------------------------------
class Drawing:
    """A rendered graph: shows inline in Jupyter, `.source` is DOT, `.save("g.png")` writes a file."""

    def __init__(self, digraph: graphviz.Digraph, scene: Scene | None = None) -> None:
        self.digraph = digraph
        self.scene = scene
        self._svg = None

    @property
    def source(self):
        return self.digraph.source

    def svg(self) -> str:
        """The laid-out SVG text (one `dot` call, cached)."""
        if self._svg is None:
            self._svg = _pipe(self.digraph, "svg").decode("utf-8")
        return self._svg

    def save(self, path: str | PathLike) -> str:
        """Write .svg, .png or .dot (chosen by the suffix); returns the path."""
        path = str(path)
        suffix = path.rsplit(".", 1)[-1].lower()
        if suffix in ("dot", "gv"):
            data = self.source.encode("utf-8")
        elif suffix == "svg":
            data = self.svg().encode("utf-8")
        elif suffix == "png":
            data = _pipe(self.digraph, "png")
        else:
            raise ValueError(f"Cannot save a drawing as '.{suffix}': use .svg, .png or .dot")
        with open(path, "wb") as f:
            f.write(data)
        return path

    def _repr_mimebundle_(self, include=None, exclude=None):
        try:
            return {"image/svg+xml": self.svg(), "text/plain": repr(self)}
        except GraphvizMissing as err:
            return {"text/plain": f"{err}\n\n{self.source}"}

    def __repr__(self):
        edges = len(re.findall(r"^\s*[\w.]+ -> [\w.]+", self.source, re.M))
        nodes = len(re.findall(r"^\s*(?!(?:graph|node|edge) \[)[\w.]+ \[", self.source, re.M))
        return f"<gradviz.Drawing: {nodes} nodes, {edges} edges>"


_INSTALL_DOT = {  # how to get Graphviz's `dot` program, by platform (sys.platform prefix)
    "linux": "Debian/Ubuntu: sudo apt-get install graphviz   (Fedora: sudo dnf install graphviz)",
    "darwin": "macOS: brew install graphviz",
    "win": "Windows: winget install graphviz   (then open a new terminal, so PATH is read again)",
    "conda": "any platform, in a conda env: conda install -c conda-forge graphviz",
}


class GraphvizMissing(graphviz.ExecutableNotFound):
    """Graphviz's `dot` program is not installed (pip's `graphviz` package does not bring it).

    A subclass of `graphviz.ExecutableNotFound` (so of RuntimeError): code that catches either
    keeps working. The message says how to install `dot` on this platform first, then elsewhere.
    """

    def __init__(
        self, needed_for: str = "draw this graph", meanwhile: str = "its DOT text is in `drawing.source`"
    ) -> None:
        RuntimeError.__init__(self, install_hint(needed_for, meanwhile))


def install_hint(needed_for, meanwhile=None, platform=None):
    """The message of GraphvizMissing: what needs `dot`, how to install it, what works without."""
    platform = platform or sys.platform
    here = next((k for k in _INSTALL_DOT if platform.startswith(k)), "linux")
    order = [here] + [k for k in _INSTALL_DOT if k != here]
    lines = [f"Graphviz's `dot` program, needed to {needed_for}, was not found on PATH. Install it:"]
    lines += [f"  {_INSTALL_DOT[k]}" for k in order]
    if meanwhile:
        lines.append(f"Meanwhile {meanwhile}.")
    return "\n".join(lines)


def _pipe(digraph, fmt):
    try:
        return digraph.pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        raise GraphvizMissing() from None


# -- what to draw -----------------------------------------------------------------------------------
@dataclass
class Scene:
    """The ops to draw, their values and, optionally, the backward pass over them."""

    ops: list
    values: dict  # Tensor -> value (forward), empty when nothing could be evaluated
    trace: BackpropTrace | None = None
    collapsed: set = field(default_factory=set)  # scope prefixes drawn as one box
    highlight: dict = field(default_factory=dict)  # op name -> note
    marked_edges: dict = field(default_factory=dict)  # Edge key -> note (explain())
    graded_edges: dict = field(default_factory=dict)  # Edge key -> (ok, note) (a gradient check)
    color_by_magnitude: bool = False
    show_grad_ops: bool = False
    prefix: str = ""  # node id prefix, so two scenes can share one picture

    # What a node is and which edges enter it: the trace's answer (any producer), else the
    # engine graph's own (a forward drawing).
    def role(self, op):
        if self.trace is not None:
            return self.trace.role(op)
        return op_def(op).role or model.OP

    def label(self, op):
        return self.trace.label(op) if self.trace is not None else OPS[op.type].label

    def edges_into(self, op):
        if self.trace is not None:
            return self.trace.edges_into(op)
        return [model.Edge(t, op, i) for i, t in enumerate(op.inputs)]

    def node_id(self, op):
        scope = self.scope_of(op)
        return self.prefix + ("s_" + _ident(scope) if scope else "n_" + _ident(op.name))

    def scope_of(self, op):
        """The collapsed scope that stands for `op`, if any."""
        parts = op.name.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            scope = "/".join(parts[:i])
            if scope in self.collapsed:
                return scope
        return None


def _ident(name):
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name.replace("/", "__"))


RANKDIRS = ("LR", "RL", "TB", "BT")
SCENE_OPTIONS = ("collapse", "highlight", "color_by_magnitude", "show_grad_ops", "explain", "graded")


def check_drawing_options(graph, collapse=None, highlight=None, rankdir="LR", title=None, **flags):
    """Reject a bad drawing option before anything is built (each message names the option)."""
    if collapse is not None and not isinstance(collapse, bool | str):
        if not isinstance(collapse, list | tuple | set) or not all(isinstance(c, str) for c in collapse):
            raise TypeError(
                f"collapse must be None, True/False, a scope name or a list of scope names, "
                f"got {describe(collapse)}"
            )
    if highlight is not None:
        if not isinstance(highlight, Mapping):
            raise TypeError(
                f"highlight must be a dict {{op name: note}}, e.g. {{'mul': 'look here'}}, "
                f"got {describe(highlight)}"
            )
        for name, note in highlight.items():
            if not isinstance(name, str) or not isinstance(note, str):
                raise TypeError(
                    f"highlight entries must be op name -> note strings, got {name!r}: {note!r}"
                )
            if graph is not None and name not in graph._by_name:
                raise ValueError(f"highlight names op {name!r}, which is not in the graph")
    check_choice(rankdir, RANKDIRS, "rankdir")
    check_name(title, "title")
    for flag, value in flags.items():
        check_bool(value, flag)


def engine_graph(trace):
    """The gradviz Graph a trace was built on; None for another producer's (PyTorch)."""
    graph = getattr(trace, "graph", None)
    return graph if isinstance(graph, Graph) else None


def explain_targets(graph, explain, xs):
    """The xs that `explain=` names (a Tensor, a name, or a list of them), checked against xs."""
    targets = (
        [] if explain is None else (list(explain) if isinstance(explain, list | tuple) else [explain])
    )
    if graph is None:  # another producer's trace (PyTorch): its explain() checks the names
        return targets
    found = []
    for target in targets:
        tensor = resolve_element(graph, target, "explain")
        if not isinstance(tensor, Tensor) or not any(tensor is x for x in xs):
            names = ", ".join(x.name for x in xs)
            raise ValueError(f"explain={target!r} must be one of the xs ({names})")
        found.append(tensor)
    return found


def check_draw_call(ys, feed_dict, session):
    """The graph of ys, once ys, feed_dict and session are valid for it."""
    ys = check_tensors(ys, "ys")
    graph = graph_of(ys, what="ys")
    check_session(session, graph)
    check_feed_dict(feed_dict, graph)
    return graph


def forward_scene(ys, feed_dict=None, session=None, collapse=None, highlight=None):
    ys = ys if isinstance(ys, list | tuple) else [ys]
    ops = ancestors(ys)
    values = _forward_values(ops, feed_dict, session)
    return Scene(ops, values, collapsed=_collapsed(ops, collapse), highlight=dict(highlight or {}))


def _forward_values(ops, feed_dict, session):
    """Forward values where they can be computed; none (and no error) when a feed is missing."""
    graph = graph_of([op.outputs[0] for op in ops if op.outputs])
    fed = {graph.as_graph_element(k).op if isinstance(k, str) else k.op for k in feed_dict or {}}
    if any(op_def(op).role == PLACEHOLDER and op not in fed for op in ops):
        return {}
    tensors = forward_tensors(ops)
    return dict(zip(tensors, session_for(graph, session).run(tensors, feed_dict), strict=True))


def _collapsed(ops, collapse):
    scopes = _outer_scopes(ops)
    if collapse is None:
        collapse = len(ops) > AUTO_COLLAPSE_OPS
    if collapse is True:
        return scopes
    if collapse is False:
        return set()
    return {s.rstrip("/") for s in ([collapse] if isinstance(collapse, str) else collapse)}


def _outer_scopes(ops):
    """The scopes to collapse: the outermost ones, or, while a single scope holds everything
    scoped (a model inside one `Sequential`), the ones inside it: "layers/0", "layers/1", ..."""
    paths = [op.name.split("/")[:-1] for op in ops]
    paths = [p for p in paths if p]
    depth = 1
    while True:
        scopes = {"/".join(p[:depth]) for p in paths}
        deeper = [p for p in paths if len(p) > depth]
        if len(scopes) != 1 or len(deeper) < len(paths):
            return scopes
        depth += 1


# -- labels (shared with the stepper, which reveals them step by step) -----------------------------
def node_lines(scene, op, show=lambda kind, key: True):
    """The text lines of an op's node. `show(kind, key)` decides which values are revealed yet
    (kinds: "value", "total", "grad"); a hidden value reads "…" so the layout keeps its place."""
    kind = scene.role(op)
    kind = kind if kind in model.LEAF_ROLES else None
    label = scene.label(op)
    title = op.name if kind or not label else f"{label}  {op.name}"
    lines = [title]
    out = op.outputs[0] if op.outputs else None
    if out is not None and kind != "constant":
        lines.append(theme.fmt_shape(out.shape))
    if out is not None and out in scene.values:
        text = theme.fmt_value(scene.values[out])
        lines.append(("= " + text) if show("value", op) else "= …")
    if scene.trace is not None and out is not None:
        lines += _backward_node_lines(scene, out, show)
    if op.name in scene.highlight:
        lines.append(f"⚠ {scene.highlight[op.name]}")
    return lines


def _backward_node_lines(scene, tensor, show):
    trace = scene.trace
    lines = []
    paths = trace.fan_in(tensor)
    if paths > 1:
        total = theme.fmt_value(trace.total(tensor)) if show("total", tensor) else "…"
        lines += [f"Σ∇ = {total}", f"{paths} paths · {trace.aggregation(tensor)}"]
    if trace.is_x(tensor):
        grad = trace.grad(tensor)
        text = theme.fmt_value(grad) if show("grad", tensor) else "…"
        lines.append(f"∂/∂{trace.name_of_x(tensor)} = {text if grad is not None else 'None'}")
    return lines


def edge_lines(scene, edge, show=lambda kind, key: True):
    """The label of a forward edge in a backward drawing: the contribution flowing back along it."""
    trace = scene.trace
    reason = trace.stopped.get(edge)
    if reason is not None:
        return [f"✕ {reason}"] if reason in theme.LEGENDED else []
    if not trace.carries(edge):  # an edge outside every path from the xs to the ys
        return []
    value = trace.contribution(edge)
    lines = [("∇ " + theme.fmt_value(value)) if show("contribution", edge) else "∇ …"]
    broadcast = scene.trace.edge_step(edge).broadcast
    if broadcast is not None:  # broadcasting undone: which axes were summed
        before, after, axes = broadcast
        summed = ",".join(str(a) for a in axes)
        lines.append(f"Σ over axes {summed}: {theme.fmt_shape(before)} ⟶ {theme.fmt_shape(after)}")
    return lines


# -- DOT --------------------------------------------------------------------------------------------
def to_digraph(scene, name="gradviz", rankdir="LR", digraph=None, title=None):
    """Write a scene as DOT into `digraph` (a new one by default)."""
    g = digraph if digraph is not None else _new_digraph(name, rankdir)
    if title:
        g.attr(label=title, labelloc="t", fontsize="14", fontname=theme.FONT)
    clusters = _ClusterTree(g, scene)
    for op in scene.ops:
        _add_node(clusters.owner(op), scene, op)
    clusters.close()
    for src, dst, index, edges in _edges(scene):
        _add_edge(g, scene, src, dst, index, edges)
    if scene.trace is not None and scene.show_grad_ops:
        _add_grad_ops(g, scene)
    if scene.trace is not None:
        _add_legend(g, scene)
    return g


def _new_digraph(name, rankdir):
    g = graphviz.Digraph(name)
    g.attr(rankdir=rankdir, fontname=theme.FONT, nodesep="0.25", ranksep="0.35")
    g.attr("node", fontname=theme.FONT, fontsize="11")
    g.attr("edge", fontname=theme.FONT, fontsize="10", **theme.EDGE)
    return g


class _ClusterTree:
    """Name scopes as nested clusters; a collapsed scope becomes one node."""

    def __init__(self, root, scene):
        self.root, self.scene, self.open, self.drawn = root, scene, {}, set()
        self.counts = {}  # collapsed scope -> how many ops it stands for
        for op in scene.ops:
            scope = scene.scope_of(op)
            self.counts[scope] = self.counts.get(scope, 0) + 1

    def owner(self, op):
        scope = self.scene.scope_of(op)
        if scope is not None:
            self._collapsed_node(scope)
            return None
        parts = op.name.split("/")[:-1]
        return self._cluster(tuple(parts)) if parts else self.root

    def _collapsed_node(self, scope):
        if scope in self.drawn:
            return
        self.drawn.add(scope)
        self.root.node(
            self.scene.prefix + "s_" + _ident(scope),
            f"{scope}\n{self.counts[scope]} ops",
            id=self.scene.prefix + "s_" + _ident(scope),
            **theme.NODE["scope"],
        )

    def _cluster(self, parts):
        if parts not in self.open:
            parent = self._cluster(parts[:-1]) if len(parts) > 1 else self.root
            sub = graphviz.Digraph(f"cluster_{self.scene.prefix}{_ident('/'.join(parts))}")
            sub.attr(label=parts[-1], **theme.CLUSTER)
            self.open[parts] = (sub, parent)
        return self.open[parts][0]

    def close(self):
        # Inner clusters are added to their parents first, deepest scopes first.
        for parts in sorted(self.open, key=len, reverse=True):
            sub, parent = self.open[parts]
            parent.subgraph(sub)


def _add_node(g, scene, op):
    if g is None:  # inside a collapsed scope
        return
    kind = _kind(scene, op)
    attrs = dict(theme.NODE[kind])
    trace = scene.trace
    if trace is not None:
        if _is_x(scene, op):
            attrs.update(theme.X_MARK)
        elif not trace.reached(op) and kind != "constant":
            attrs.update(theme.UNREACHABLE)
    if op.name in scene.highlight:
        attrs.update(theme.HIGHLIGHT)
    node_id = scene.node_id(op)
    g.node(node_id, "\n".join(node_lines(scene, op)), id=node_id, **attrs)


def _kind(scene, op):
    kind = scene.role(op)
    kind = kind if kind in model.LEAF_ROLES else "op"
    if kind == "constant" and scene.trace is not None and _is_x(scene, op):
        return "op"  # a constant we differentiate with respect to is a real node here
    return kind


def _is_x(scene, op):
    return bool(op.outputs) and scene.trace.is_x(op.outputs[0])


def _edges(scene):
    """(src id, dst id, [Edge]) per drawn edge, in graph order; merged inside collapsed scopes."""
    merged, drawn = {}, set(scene.ops)
    for op in scene.ops:
        for edge in scene.edges_into(op):
            t, i = edge.src, edge.index
            src, dst = scene.node_id(t.op), scene.node_id(op)
            if src == dst or t.op not in drawn:  # (the inputs of an x no y depends on)
                continue
            # Edges between drawn ops stay distinct (x * x has two); a collapsed scope merges.
            key = (src, dst, None if scene.scope_of(op) or scene.scope_of(t.op) else i)
            merged.setdefault(key, []).append(edge)
    return [(src, dst, index, edges) for (src, dst, index), edges in merged.items()]


def edge_id(src, dst, index):
    return f"e_{src}__{dst}" + ("" if index is None else f"_{index}")


def _add_edge(g, scene, src, dst, index, edges):
    attrs = {"id": edge_id(src, dst, index)}
    if len(edges) > 1:
        attrs["label"] = f"×{len(edges)}"
    if scene.trace is not None and len(edges) == 1:
        attrs.update(_backward_edge_attrs(scene, edges[0]))
    g.edge(src, dst, **attrs)


def _backward_edge_attrs(scene, edge):
    trace = scene.trace
    attrs = {"label": "\n".join(edge_lines(scene, edge))}
    if edge in trace.stopped:
        attrs.update(theme.STOPPED.get(trace.stopped[edge], {}))
        attrs["fontcolor"] = attrs.get("color", theme.STOPPED_LABEL)
    elif not trace.carries(edge):
        attrs.update(theme.UNREACHABLE)
    else:
        color = theme.GRADIENT
        if scene.color_by_magnitude:
            color = theme.magnitude_color(scene.trace.contribution(edge))
        attrs.update(fontcolor=color, color=color)
    if edge.key in scene.marked_edges:
        attrs.update(penwidth="3", color=theme.HIGHLIGHT["color"])
        attrs["label"] += f"\n⚠ {scene.marked_edges[edge.key]}"
    if edge.key in scene.graded_edges:
        ok, note = scene.graded_edges[edge.key]
        attrs.update(theme.GRADED[ok])
        attrs["label"] += f"\n{note}"
    return attrs


def _add_grad_ops(g, scene):
    """The gradient ops gradients() added. Those differentiating one forward op sit in a cluster
    named after their scope ("mul_grad"), linked (dashed) to that op; the ops that sum contributions
    at a fan-out sit outside. Backward data edges are ranked right to left, as the gradient flows."""
    gmap, prefix = scene.trace.gradient_map, scene.prefix
    g.attr(compound="true")  # lets a link end at a cluster's border
    sub = graphviz.Digraph(f"cluster_{prefix}gradients")
    sub.attr(label="gradient ops added by gradients()", **theme.CLUSTER)
    grad_ops = sorted(gmap.grad_ops, key=lambda op: op.index)
    groups = {}  # forward op (None for aggregations) -> its gradient ops, in creation order
    for op in grad_ops:
        groups.setdefault(gmap.grad_ops[op], []).append(op)
    links = []
    for forward, ops in groups.items():
        inner = sub
        if forward is not None:
            name = f"cluster_{prefix}grad_{_ident(forward.name)}"
            inner = graphviz.Digraph(name)
            inner.attr(label=f"{forward.name}_grad", **theme.GRAD_SCOPE)
            if forward in scene.ops:
                links.append((_grad_id(prefix, ops[0]), scene.node_id(forward), name))
        for op in ops:
            label = f"{OPS[op.type].label}  {op.name.rsplit('/', 1)[-1]}"
            inner.node(_grad_id(prefix, op), label, id=_grad_id(prefix, op), **theme.NODE["grad_op"])
        if inner is not sub:
            sub.subgraph(inner)
    g.subgraph(sub)
    drawn = set(grad_ops)
    for op in grad_ops:
        for t in op.inputs:
            if t.op in drawn:  # drawn consumer -> producer with the arrow reversed: ranks right to left
                g.edge(_grad_id(prefix, op), _grad_id(prefix, t.op), dir="back", color=theme.GRADIENT)
    for src, dst, cluster in links:
        g.edge(src, dst, ltail=cluster, **theme.GRAD_LINK)


def _grad_id(prefix, op):
    return prefix + "g_" + _ident(op.name)


def _add_legend(g, scene):
    reasons = sorted({why for why in scene.trace.stopped.values() if why in theme.LEGENDED})
    rows = [
        f'<tr><td><font color="{theme.GRADIENT}">∇ value</font></td>'
        f"<td>contribution flowing back</td></tr>"
    ]
    if scene.color_by_magnitude:  # the colour scale instead of the one gradient colour
        rows = [
            f'<tr><td><font color="{theme.magnitude_color(v)}">∇ {text}</font></td><td>{note}</td></tr>'
            for v, text, note in theme.MAGNITUDE_LEGEND
        ]
    if scene.graded_edges:
        rows += [
            f'<tr><td><font color="{theme.GRADED[ok]["color"]}">{mark}</font></td><td>{note}</td></tr>'
            for ok, mark, note in theme.GRADED_LEGEND
            if ok in {ok for ok, _ in scene.graded_edges.values()}
        ]
    for why in reasons:
        style = theme.STOPPED[why]
        rows.append(
            f'<tr><td><font color="{style["color"]}">- - ✕</font></td><td>stopped: {why}</td></tr>'
        )
    label = '<<table border="0" cellspacing="0" cellpadding="2">' + "".join(rows) + "</table>>"
    g.node(
        scene.prefix + "legend",
        label,
        shape="note",
        id=scene.prefix + "legend",
        fontsize="9",
        color=theme.LEGEND_BORDER,
    )


# -- public drawing functions ----------------------------------------------------------------------
def draw(
    ys: Tensors,
    feed_dict: FeedDict = None,
    session: Session | None = None,
    collapse: bool | Iterable[str] | None = None,
    highlight: Mapping[str, str] | Iterable[str] | None = None,
    rankdir: str = "LR",
    title: str | None = None,
) -> Drawing:
    """The forward graph of `ys`: ops with their name, shape and (when computable) value.

    `collapse`: None (automatic above 150 ops), True/False, or scope names to draw as one box.
    `highlight`: {op name: note} to point at ops (gradient checks and NaN searches use it).
    """
    graph = check_draw_call(ys, feed_dict, session)
    check_drawing_options(graph, collapse, highlight, rankdir, title)
    scene = forward_scene(ys, feed_dict, session, collapse, highlight)
    return Drawing(to_digraph(scene, rankdir=rankdir, title=title), scene)


def backward_scene(
    trace,
    collapse=None,
    highlight=None,
    color_by_magnitude=False,
    show_grad_ops=False,
    explain=None,
    prefix="",
    graded=None,
):
    """What a backward drawing shows (see draw_backward); `graded` paints edges right or wrong:
    {Edge key: (ok, note)}, as a gradient check's `draw()` passes it."""
    values = trace.forward_values()
    # An x that no y depends on is drawn too, marked "∂/∂x = None" (or 0), never silently left out.
    ops = sorted(set(trace.forward) | {x.op for x in trace.xs}, key=lambda op: op.index)
    ops = [op for op in ops if trace.role(op) != model.GROUP]
    scene = Scene(
        ops,
        values,
        trace,
        _collapsed(ops, collapse),
        dict(highlight or {}),
        color_by_magnitude=color_by_magnitude,
        show_grad_ops=show_grad_ops,
        prefix=prefix,
        graded_edges=dict(graded or {}),
    )
    for x in explain_targets(engine_graph(trace), explain, trace.xs):
        for edge, why in trace.explain(x).blocking:
            cut = trace.stopped.get(edge) == why  # the label already names the reason
            scene.marked_edges[edge.key] = f"cuts ∂/∂{x.op.name} here" if cut else why
    return scene


def draw_trace(
    trace: BackpropTrace, rankdir: str = "LR", title: str | None = None, **scene_options: Any
) -> Drawing:
    """Draw an existing BackpropTrace; `scene_options` are backward_scene's (see draw_backward)."""
    if not isinstance(trace, BackpropTrace):
        raise TypeError(f"trace must be a BackpropTrace (from gv.trace_backward), got {describe(trace)}")
    _check_scene_options(engine_graph(trace), trace.xs, rankdir, title, scene_options)
    scene = backward_scene(trace, **scene_options)
    return Drawing(to_digraph(scene, rankdir=rankdir, title=title), scene)


def draw_backward(
    ys: Tensors,
    xs: Tensors,
    feed_dict: FeedDict = None,
    grad_ys: TensorLike | Sequence[TensorLike | None] | None = None,
    stop_gradients: Tensors | None = None,
    session: Session | None = None,
    aggregation_method: str | None = None,
    unconnected_gradients: UnconnectedGradients | str = "none",
    collapse: bool | Iterable[str] | None = None,
    highlight: Mapping[str, str] | Iterable[str] | None = None,
    color_by_magnitude: bool = False,
    show_grad_ops: bool = False,
    explain: Tensor | None = None,
    rankdir: str = "LR",
    title: str | None = None,
) -> Drawing:
    """The forward graph with the backward pass of ``gradients(ys, xs, ...)`` laid over it.

    The arguments up to `unconnected_gradients` are trace_backward's, in its order. Each edge is
    labelled with the contribution flowing back along it, fan-outs show their accumulated sum,
    each x its final gradient; stopped edges are styled by reason (legend). `color_by_magnitude`
    colours edges by log |contribution|; `show_grad_ops` also draws the gradient ops gradients()
    added; `explain=x` highlights the edges that cut x's gradient.
    """
    graph = check_backward_call(ys, xs, feed_dict, grad_ys, stop_gradients, session)
    options = {"collapse": collapse, "highlight": highlight, "explain": explain}
    options |= {"color_by_magnitude": color_by_magnitude, "show_grad_ops": show_grad_ops}
    _check_scene_options(graph, as_list(xs), rankdir, title, options)
    trace = trace_backward(
        ys, xs, feed_dict, grad_ys, stop_gradients, session, aggregation_method, unconnected_gradients
    )
    return draw_trace(
        trace,
        rankdir,
        title,
        collapse=collapse,
        highlight=highlight,
        color_by_magnitude=color_by_magnitude,
        show_grad_ops=show_grad_ops,
        explain=explain,
    )


def compare_backward(
    ys: Tensors,
    xs: Tensors,
    feed_dict: FeedDict = None,
    left: Mapping[str, Any] | None = None,
    right: Mapping[str, Any] | None = None,
    session: Session | None = None,
    titles: tuple[str, str] = ("left", "right"),
    rankdir: str = "TB",
    **draw_options: Any,
) -> Drawing:
    """Two backward passes side by side, e.g. total vs partial derivatives:

    >>> gv.compare_backward(a + b, [a, b], right={"stop_gradients": [a, b]},
    ...                     titles=("total derivative", "partial (stop_gradients=[a, b])"))

    `left` / `right` are keyword arguments for trace_backward (grad_ys, stop_gradients,
    unconnected_gradients, aggregation_method).
    """
    graph = check_backward_call(ys, xs, feed_dict, None, None, session)
    sides = [_check_side(graph, side, options) for side, options in (("left", left), ("right", right))]
    if (
        not isinstance(titles, list | tuple)
        or len(titles) != 2
        or not all(isinstance(t, str) for t in titles)
    ):
        raise TypeError(f"titles must be two strings (left, right), got {describe(titles)}")
    _check_scene_options(graph, as_list(xs), rankdir, None, draw_options)
    g = _new_digraph("comparison", rankdir)
    with graph.rollback_on_error():  # the left side's gradient ops go too if the right one fails
        for side, options, title in zip(("L_", "R_"), sides, titles, strict=True):
            trace = trace_backward(ys, xs, feed_dict=feed_dict, session=session, **options)
            scene = backward_scene(trace, prefix=side, **draw_options)
            sub = graphviz.Digraph(f"cluster_{side}side")
            sub.attr(label=title, **theme.COMPARISON_FRAME)
            to_digraph(scene, digraph=sub)
            g.subgraph(sub)
    return Drawing(g)


_SIDE_OPTIONS = ("grad_ys", "stop_gradients", "unconnected_gradients", "aggregation_method")


def _check_side(graph, side, options):
    """compare_backward's left/right: a dict of trace_backward options, checked like its own."""
    if options is None:
        return {}
    if not isinstance(options, Mapping):
        raise TypeError(f"{side} must be a dict of trace_backward options, got {describe(options)}")
    unknown = sorted(set(options) - set(_SIDE_OPTIONS))
    if unknown:
        raise TypeError(f"{side} got unexpected option(s) {unknown}; choose from {list(_SIDE_OPTIONS)}")
    for i, s in enumerate(as_list(options.get("stop_gradients"))):
        check_tensor(s, f"{side}['stop_gradients'][{i}]", graph)
    return dict(options)


def _check_scene_options(graph, xs, rankdir, title, options):
    unknown = sorted(set(options) - set(SCENE_OPTIONS))
    if unknown:
        raise TypeError(f"unexpected drawing option(s) {unknown}; choose from {list(SCENE_OPTIONS)}")
    flags = {k: options[k] for k in ("color_by_magnitude", "show_grad_ops") if k in options}
    check_drawing_options(
        graph, options.get("collapse"), options.get("highlight"), rankdir, title, **flags
    )
    explain_targets(graph, options.get("explain"), xs)


def contribution_magnitudes(trace):
    """{(src name, dst name, index): max |contribution|} — what color_by_magnitude encodes."""
    return {
        (e.src.name, e.dst.name, e.index): float(np.max(np.abs(trace.contribution(e))))
        for e in trace._contributions
    }
