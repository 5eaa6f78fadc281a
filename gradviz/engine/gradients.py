"""Symbolic backpropagation: `gradients()` adds gradient ops to the graph, as `tf.gradients` does.

It is the only backpropagation in gradviz. While it walks the graph backwards it records a
`GradientMap`: for each forward edge the tensor carrying the gradient contribution along it, the
aggregation at each fan-out, and every edge it cut with the reason. The trace and the drawings read
that map instead of deriving gradients again, so what is shown is exactly what was built.

The walk is TensorFlow's (`gradients_util._GradientsHelper`): keep the ops that lie between xs and
ys, count for each how many gradients it still waits for, and process an op once all of them
have arrived.
"""

from __future__ import annotations

import contextlib
import enum
import gc
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from .graph import Tensor, as_list, descendants, producers, walk
from .hints import TensorLike, Tensors
from .ops.array import AccumulateN, AddN, OnesLike, Stack, Take, ZerosLike
from .ops.array import Reshape as _Reshape
from .ops.registry import (  # noqa: F401  (why an edge carries no gradient: this module's words too)
    GRADIENTS,
    IN_STOP_GRADIENTS,
    INTEGER,
    NO_GRADIENT,
    NO_GRADIENT_DEFINED,
    NOTHING_ARRIVED,
    STOP_GRADIENT_OP,
    UNREACHED,
)
from .ops.state import convert_to_tensor
from .validate import check_name, check_ys_xs


class UnconnectedGradients(enum.Enum):
    """What gradients() returns for an x that no y depends on."""

    NONE = "none"
    ZERO = "zero"


class AggregationMethod:
    """How contributions meeting at a fan-out are summed (all give the same value)."""

    ADD_N = 0
    DEFAULT = ADD_N
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2

    NAMES = {0: "ADD_N", 1: "EXPERIMENTAL_TREE", 2: "EXPERIMENTAL_ACCUMULATE_N"}


@dataclass(frozen=True)
class Edge:
    """Forward edge: output tensor `src` feeds input `index` of op `dst`."""

    src: Tensor
    dst: object  # Operation
    index: int

    @property
    def key(self):
        return (self.dst.name, self.index)


@dataclass
class Accumulation:
    """Contributions meeting at one tensor and the tensor holding their sum."""

    tensor: Tensor  # the forward tensor that receives them
    contributions: list  # Edge list, in arrival order (an Edge is None for a grad_ys seed)
    total: Tensor | None = None
    ops: list = field(default_factory=list)  # the aggregation ops added (empty for one input)


@dataclass
class GradientMap:
    """What one gradients() call built: read by debug.trace and viz.dot."""

    ys: list
    xs: list
    grad_ys: list
    stop_gradients: list
    aggregation_method: int
    unconnected: UnconnectedGradients
    between: set = field(default_factory=set)  # ops on a path from some x to some y
    order: list = field(default_factory=list)  # ops in the order their gradients were built
    contributions: dict = field(default_factory=dict)  # Edge -> Tensor
    stopped: dict = field(default_factory=dict)  # Edge -> reason
    accumulated: dict = field(default_factory=dict)  # Tensor -> Accumulation
    grad_ops: dict = field(default_factory=dict)  # gradient Operation -> forward Operation
    results: list = field(default_factory=list)
    default_grad_ys: bool = False  # every seed is ones (no grad_ys given)

    def upstream(self, tensor):
        """The total gradient that reached `tensor` (None if none did)."""
        acc = self.accumulated.get(tensor)
        return None if acc is None else acc.total

    def edges_into(self, op):
        return [Edge(t, op, i) for i, t in enumerate(op.inputs)]


def gradients(
    ys: Tensors,
    xs: Tensors,
    grad_ys: TensorLike | Sequence[TensorLike | None] | None = None,
    name: str = "gradients",
    colocate_gradients_with_ops: bool = False,
    gate_gradients: bool = False,
    aggregation_method: str | None = None,
    stop_gradients: Tensors | None = None,
    unconnected_gradients: UnconnectedGradients | str = UnconnectedGradients.NONE,
) -> list[Tensor | None]:
    """Symbolic partial derivatives of ``sum(ys)`` with respect to each x in `xs`.

    >>> a = gv.constant(0.); b = 2 * a
    >>> gv.gradients(a + b, [a, b], stop_gradients=[a, b])   # [1., 1.]: partial derivatives

    Returns one Tensor per x (None where x is unconnected, or zeros with
    ``unconnected_gradients="zero"``). `colocate_gradients_with_ops` and `gate_gradients` are
    accepted for TensorFlow compatibility and have no effect on a single CPU.
    """
    graph = check_ys_xs(ys, xs, stop_gradients, grad_ys)
    check_name(name)
    ys, xs, stops = as_list(ys), as_list(xs), as_list(stop_gradients)
    unconnected = _unconnected(unconnected_gradients)
    method = _aggregation(aggregation_method)
    with _collector_paused(), graph.as_default(), graph.rollback_on_error(), graph.name_scope(name):
        ys = [convert_to_tensor(y, name="y") for y in ys]
        xs = [_as_x(x) for x in xs]
        gmap = GradientMap(ys, xs, _grad_ys(ys, grad_ys), stops, method, unconnected)
        gmap.default_grad_ys = all(gy is None for gy in as_list(grad_ys))
        _Backprop(graph, gmap).run()
        graph.gradient_maps.append(gmap)
    for g in gmap.results:
        if g is not None:
            g.gradient_map = gmap
    return list(gmap.results)


@contextlib.contextmanager
def _collector_paused():
    """Python's cyclic garbage collector off while the walk runs. What the walk allocates stays
    alive (ops, tensors, map entries), yet every few thousand new objects would start a collection,
    and a growing heap is scanned whole again and again to free nothing. One collection after the
    walk does the same job: a 10,000-op gradients() takes about a tenth less time, counting it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _as_x(x):
    if not isinstance(x, Tensor):
        raise TypeError(f"xs must be Tensors or Variables, got {type(x).__name__}: {x!r}")
    return x


def _unconnected(value):
    try:
        return UnconnectedGradients(getattr(value, "value", value))
    except (ValueError, TypeError):
        raise ValueError(
            f"Unknown value for unconnected_gradients: {value!r} (use 'none', 'zero' or "
            "gv.UnconnectedGradients.NONE / ZERO)"
        ) from None


def _aggregation(method):
    if method is None:
        return AggregationMethod.DEFAULT
    if isinstance(method, bool) or not isinstance(method, int) or method not in AggregationMethod.NAMES:
        raise ValueError(
            f"Invalid aggregation_method specified {method!r} (use one of gv.AggregationMethod's "
            "ADD_N, EXPERIMENTAL_TREE, EXPERIMENTAL_ACCUMULATE_N)"
        )
    return method


def _grad_ys(ys, grad_ys):
    """The seed gradient for each y: ones by default, else validated against y."""
    if grad_ys is None:
        grad_ys = [None] * len(ys)
    grad_ys = as_list(grad_ys)
    if len(grad_ys) != len(ys):
        raise ValueError(f"Passed {len(grad_ys)} grad_ys for {len(ys)} ys")
    seeds = []
    for i, (y, gy) in enumerate(zip(ys, grad_ys, strict=True)):
        if gy is None:  # ones for an integer y too, as TensorFlow: no float path, so no gradient
            seeds.append(OnesLike(y, name=f"grad_ys_{i}"))
            continue
        gy = convert_to_tensor(gy, y.dtype if not isinstance(gy, Tensor) else None, name=f"grad_ys_{i}")
        if gy.dtype != y.dtype:
            raise TypeError(
                f"Gradient type {gy.dtype.name} generated for op {y.op.name} does "
                f"not match input type {y.dtype.name} (grad_ys[{i}], y '{y.name}')"
            )
        if not gy.shape.is_compatible_with(y.shape):
            raise ValueError(
                f"grad_ys[{i}] has shape {gy.shape}, which does not fit the shape "
                f"{y.shape} of y '{y.name}'"
            )
        seeds.append(gy)
    return seeds


class _Backprop:
    """One backward walk; fills a GradientMap as it adds gradient ops."""

    def __init__(self, graph, gmap):
        self.graph, self.map = graph, gmap
        gmap.between = _between(gmap.ys, gmap.xs)
        self.pending = _pending_counts(gmap.between)
        self.stop_ops = {t.op: IN_STOP_GRADIENTS for t in gmap.stop_gradients}
        for x in gmap.xs:  # an x whose own inputs reach no x: nothing below it is wanted
            if not any(t.op in gmap.between for t in x.op.inputs):
                self.stop_ops.setdefault(x.op, None)
        self.incoming = {}  # tensor -> list of (Edge or None, gradient tensor)

    def run(self):
        gmap = self.map
        for y, seed in zip(gmap.ys, gmap.grad_ys, strict=True):
            self.incoming.setdefault(y, []).append((None, seed))
        queue = deque(dict.fromkeys(y.op for y in gmap.ys if self._ready(y.op)))
        between, pending = gmap.between, self.pending
        while queue:
            op = queue.popleft()
            gmap.order.append(op)
            self._backprop_op(op)
            for t in op.inputs:
                producer = t.op
                if producer in between:
                    pending[producer] -= 1
                    if pending[producer] == 0:
                        queue.append(producer)
        gmap.results = [self._result(x) for x in gmap.xs]

    def _ready(self, op):
        return op in self.map.between and self.pending.get(op, 0) == 0

    def _backprop_op(self, op):
        upstream = [self._aggregate(t) for t in op.outputs]
        reason = _integer_only(upstream) or self._stop_reason(op)
        if reason is not None or all(g is None for g in upstream):
            for edge in self.map.edges_into(op):
                self._cut(edge, reason or NOTHING_ARRIVED)
            return
        mark = len(self.graph._ops)
        upstream = [ZerosLike(t) if g is None else g for t, g in zip(op.outputs, upstream)]
        with self.graph.name_scope(op.name + "_grad"):
            in_grads = GRADIENTS[op.gradient_type](op, *upstream)
        self._claim(mark, op)
        if len(in_grads) != len(op.inputs):
            raise ValueError(
                f"Num gradients {len(in_grads)} generated for op {op.name} "
                f"do not match num inputs {len(op.inputs)}"
            )
        for edge, grad in zip(self.map.edges_into(op), in_grads, strict=True):
            self._send(edge, grad)

    def _stop_reason(self, op):
        if op in self.stop_ops:
            return self.stop_ops[op] or UNREACHED
        if op.gradient_type in GRADIENTS:
            return None
        if op.gradient_type in NO_GRADIENT:
            reason = NO_GRADIENT[op.gradient_type]
            return reason if reason == STOP_GRADIENT_OP else NO_GRADIENT_DEFINED
        raise LookupError(f"No gradient defined for operation '{op.name}' (op type: {op.gradient_type})")

    def _send(self, edge, grad):
        gmap = self.map
        if edge.src.dtype.kind != "f":
            return self._cut(edge, INTEGER)
        if grad is None:
            return self._cut(edge, NO_GRADIENT_DEFINED)
        if not isinstance(grad, Tensor):  # a user's gradient function may return numpy values
            grad = convert_to_tensor(grad, edge.src.dtype, name="grad")
        _check_grad(edge, grad)
        gmap.contributions[edge] = grad
        if edge.src.op not in gmap.between:
            return self._cut(edge, UNREACHED)
        self.incoming.setdefault(edge.src, []).append((edge, grad))

    def _cut(self, edge, reason):
        self.map.stopped[edge] = reason

    def _aggregate(self, tensor):
        arrivals = self.incoming.pop(tensor, [])
        if not arrivals:
            return None
        acc = Accumulation(tensor, [edge for edge, _ in arrivals])
        mark = len(self.graph._ops)
        acc.total = _sum(self.map.aggregation_method, [g for _, g in arrivals])
        acc.ops = self._claim(mark, None)
        self.map.accumulated[tensor] = acc
        return acc.total

    def _claim(self, mark, forward_op):
        new_ops = self.graph._ops[mark:]
        for op in new_ops:
            self.map.grad_ops[op] = forward_op
        return new_ops

    def _result(self, x):
        acc = self.map.accumulated.get(x)
        if acc is not None:
            return acc.total
        if self.map.unconnected is UnconnectedGradients.ZERO:
            return ZerosLike(x, name="zeros_like")
        return None


def _integer_only(upstream):
    """INTEGER if only integer gradients arrived (an integer y's seed): TensorFlow backpropagates
    through float tensors only, so nothing flows on from this op."""
    arrived = False
    for g in upstream:
        if g is not None:
            if g.dtype.kind == "f":
                return None
            arrived = True
    return INTEGER if arrived else None


def _between(ys, xs):
    """Ops reachable forward from some x that also lead to some y (TensorFlow's between_ops)."""
    reached = descendants([x.op for x in xs])
    return walk([y.op for y in ys], producers, within=reached)


def _pending_counts(between):
    pending = dict.fromkeys(between, 0)
    for op in between:
        for t in op.inputs:
            if t.op in between:
                pending[t.op] += 1
    return pending


def _check_grad(edge, grad):
    if grad.dtype != edge.src.dtype:
        raise TypeError(
            f"Gradient of dtype {grad.dtype.name} for input {edge.index} of "
            f"'{edge.dst.name}' does not match its dtype {edge.src.dtype.name}"
        )
    if not grad.shape.is_compatible_with(edge.src.shape):
        raise ValueError(
            f"Gradient of shape {grad.shape} for input {edge.index} of "
            f"'{edge.dst.name}' does not match its shape {edge.src.shape}"
        )


def _sum(method, grads):
    """Add the contributions by `method`; each builds a different structure, same value."""
    if len(grads) == 1:
        return grads[0]
    if method == AggregationMethod.EXPERIMENTAL_TREE:
        total = grads[0]
        for g in grads[1:]:  # TensorFlow's running pairwise sum
            total = AddN([total, g])
        return total
    if method == AggregationMethod.EXPERIMENTAL_ACCUMULATE_N:
        return AccumulateN(grads)
    return AddN(grads)


def hessians(
    ys: Tensors,
    xs: Tensors,
    name: str = "hessians",
    colocate_gradients_with_ops: bool = False,
    gate_gradients: bool = False,
    aggregation_method: str | None = None,
) -> list[Tensor | None]:
    """The Hessian of sum(ys) with respect to each x: shape x.shape + x.shape.

    Built as TensorFlow builds it: differentiate each entry of the flattened gradient again.
    x needs a fully known shape here (TensorFlow uses a while_loop for unknown sizes).
    """
    graph = check_ys_xs(ys, xs)
    xs = as_list(xs)
    with graph.as_default(), graph.rollback_on_error(), graph.name_scope(name):
        firsts = gradients(ys, xs, aggregation_method=aggregation_method)
        return [_hessian(g, x, aggregation_method) for g, x in zip(firsts, xs, strict=True)]


def _hessian(grad, x, aggregation_method):
    if grad is None:
        return None
    if not x.shape.is_fully_defined():
        raise ValueError(f"hessians needs a fully known shape for '{x.name}', got {x.shape}")
    n = x.shape.num_elements()
    flat = _Reshape(grad, shape=(n,))
    rows = []
    for j in range(n):
        (row,) = gradients(
            Take(flat, index=j),
            [x],
            aggregation_method=aggregation_method,
            unconnected_gradients=UnconnectedGradients.ZERO,
        )
        rows.append(row)
    return _Reshape(Stack(rows), shape=tuple(x.shape.dims) * 2)
