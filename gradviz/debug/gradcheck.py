"""Gradient check: every op's gradient against central finite differences of its forward kernel.

    report = gv.check_gradients(loss, [W, b], feed_dict={X: x})
    report.failures          # [OpCheck for the op whose gradient is wrong], with its relative error
    report.edges             # one EdgeCheck per input edge: which contribution is right or wrong
    report.draw()            # the backward drawing, every checked edge painted right or wrong

For each op on the backward path, in turn and alone:
  1. a fixed random upstream gradient v (seeded) is fed in place of the op's upstream gradient, and
     the op's input contributions are fetched: exactly the tensors its gradient function (the one
     registered for it, a gradient_override_map's, or a custom_gradient's grad_fn) built inside
     ``gradients(ys, xs)``, evaluated in the graph's dtype;
  2. the same vector-Jacobian product is estimated by central differences of the op's forward
     kernel in float64, at the input values the graph actually has:
     numeric_j = v · (f(x + h e_j) − f(x − h e_j)) / 2h,  h = delta · max(|x_j|, 1e-3);
     for a custom_gradient the "kernel" is the forward subgraph from its inputs to its output;
  3. relative error per entry = |analytic − numeric| / max(|analytic|, |numeric|, floor), with
     floor = 1e-3 × the largest magnitude among that input's checked entries (so rounding in
     near-zero entries of a float32 gradient does not count). An op fails above `tolerance`.
Entries where the one-sided differences disagree (a kink: relu at 0, a tie in max) are skipped,
as are non-finite ones. Inputs larger than `max_entries` are checked on a seeded random sample
plus their largest analytic entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..engine.hints import FeedDict, Tensors
from ..engine.ops.registry import OPS, op_def
from ..engine.session import Session, session_for
from ..engine.validate import check_int, check_number
from ..format import fmt_number, text_table
from . import pictures
from ._graph import check_call, draw_graded, evaluate_ops, execution_order, gradient_map_for

TOLERANCE = 1e-2
DELTA = 1e-6
MAX_ENTRIES = 32
_FLOOR_FRACTION = 1e-3


@dataclass
class EdgeCheck:
    """The check of one contribution: what an op's gradient sends back along one input edge."""

    edge: object  # Edge (src tensor -> op input index)
    max_error: float  # nan if no entry could be compared
    compared: int
    skipped: int
    ok: bool
    worst: tuple | None = None  # (flat index, analytic, numeric) of the largest error

    @property
    def name(self):
        """ "x:0 → my_square": the edge as the drawing shows it."""
        return f"{self.edge.src.name} → {self.edge.dst.name}"


@dataclass
class OpCheck:
    """The finite-difference check of one op's gradient."""

    op: object  # Operation
    max_error: float  # largest relative error over the compared entries (nan if none)
    compared: int  # entries compared
    skipped: int  # entries at a kink or with non-finite values
    ok: bool
    worst: tuple | None = None  # (input name, flat index, analytic, numeric) of the largest error
    inputs: list = field(default_factory=list)  # one EdgeCheck per checked input edge

    @property
    def name(self):
        return self.op.name

    @property
    def type(self):
        return self.op.type

    @property
    def custom_gradient(self):
        """Its gradient is a user's grad_fn (gv.custom_gradient)."""
        return op_def(self.op).custom_gradient

    @property
    def gradient_type(self):
        """The registry entry that built the gradient (differs from `type` under an override)."""
        return self.op.gradient_type


@dataclass
class GradientCheck:
    """One OpCheck per op whose gradient reaches its inputs; `failures` lists the wrong ones."""

    checks: list
    tolerance: float
    context: dict = field(default_factory=dict, repr=False)  # ys, feed_dict, session for draw()

    @property
    def failures(self):
        return [c for c in self.checks if not c.ok]

    @property
    def ok(self):
        return not self.failures

    @property
    def edges(self):
        """Every checked input edge, op by op; `[e for e in report.edges if not e.ok]` are wrong."""
        return [e for check in self.checks for e in check.inputs]

    def __getitem__(self, name):
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(f"No op named {name!r} was checked")

    def __len__(self):
        return len(self.checks)

    def __str__(self):
        return gradcheck_text(self)

    __repr__ = __str__

    def _repr_html_(self):
        return pictures.render("gradcheck_html", self)

    def draw(self, **kwargs):
        """The backward drawing of the checked gradients: each checked edge painted right (green,
        ✓) or wrong (red, ✗) with its relative error, each failing op highlighted. `kwargs` are
        `draw_trace`'s (collapse, rankdir, title, ...)."""
        highlight = {
            c.name: f"wrong gradient: rel. error {fmt_number(c.max_error)}" for c in self.failures
        }
        graded = {e.edge.key: (e.ok, _edge_note(e)) for e in self.edges}
        return draw_graded(self.context, highlight, graded, **kwargs)


def _edge_note(check):
    if not check.compared:
        return "? not compared (a kink or non-finite)"
    error = f"rel. error {fmt_number(check.max_error)}"
    return f"✓ {error}" if check.ok else f"✗ wrong: {error}"


def check_gradients(
    ys: Tensors,
    xs: Tensors | None,
    feed_dict: FeedDict = None,
    session: Session | None = None,
    tolerance: float | None = None,
    delta: float = DELTA,
    max_entries: int = MAX_ENTRIES,
    seed: int = 0,
) -> GradientCheck:
    """Compare each op's gradient on the path from `xs` to `ys` with finite differences.

    >>> report = gv.check_gradients(y, [x], feed_dict={x: 0.5})
    >>> report.ok, [c.name for c in report.failures]       # (False, ['my_square']) for a bad one

    See the module docstring for the method. `tolerance` defaults to TOLERANCE (1e-2, a float32
    graph's gradients against float64 differences); the gradient ops of an earlier plain
    ``gradients(ys, xs)`` call are reused, else built.
    """
    graph = check_call(ys, xs, feed_dict, session, xs_required=True)
    tolerance = TOLERANCE if tolerance is None else check_number(tolerance, "tolerance", minimum=0)
    delta = check_number(delta, "delta")
    if delta <= 0:
        raise ValueError(f"delta must be a positive step size, got {delta}")
    max_entries = check_int(max_entries, "max_entries", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    session = session_for(graph, session)
    with graph.rollback_on_error():  # a run that fails takes new gradient ops away again
        gmap = gradient_map_for(ys, xs)
        forward, _ = execution_order(gmap.ys)
        values = evaluate_ops(forward, feed_dict, session)
        checker = _Checker(gmap, values, session, feed_dict, tolerance, delta, max_entries, seed)
        ops = sorted((op for op in gmap.order if checker.checkable(op)), key=lambda op: op.index)
        context = {"ys": ys, "feed_dict": feed_dict, "session": session, "gradient_map": gmap}
        return GradientCheck([checker.check(op) for op in ops], tolerance, context)


class _Checker:
    def __init__(self, gmap, values, session, feed_dict, tolerance, delta, max_entries, seed):
        self.gmap, self.values, self.session = gmap, values, session
        self.feed_dict = dict(feed_dict or {})
        self.tolerance, self.delta, self.max_entries = tolerance, delta, max_entries
        self.rng = np.random.default_rng(seed)

    def checkable(self, op):
        return not OPS[op.type].stateful and bool(self._edges(op))

    def _edges(self, op):
        return [e for e in self.gmap.edges_into(op) if e in self.gmap.contributions]

    def check(self, op):
        edges = self._edges(op)
        upstream = self._upstream(op)
        feed = self.feed_dict | {self.gmap.upstream(t): v for t, v in upstream.items()}
        analytic = self.session.run([self.gmap.contributions[e] for e in edges], feed)
        function = forward_function(op, self.values)
        inputs = [_float64(self.values[t]) for t in op.inputs]
        v = [_float64(upstream[t]) if t in upstream else None for t in op.outputs]
        results = [self._compare(function, inputs, v, e.index, a) for e, a in zip(edges, analytic)]
        return self._verdict(op, edges, results)

    def _upstream(self, op):
        """A seeded random upstream gradient for each output that receives one."""
        upstream = {}
        for t in op.outputs:
            if self.gmap.upstream(t) is not None:
                shape = np.shape(self.values[t])
                upstream[t] = self.rng.standard_normal(shape).astype(t.dtype)
        return upstream

    def _compare(self, function, inputs, v, index, analytic):
        """(errors, skipped, worst entry) for one input: analytic vs numeric vector-Jacobian."""
        analytic = np.asarray(analytic, dtype=np.float64).ravel()
        entries = self._entries(analytic)
        numeric, plus, minus = _differences(function, inputs, v, index, entries, self.delta)
        a = analytic[entries]
        scale = np.maximum(np.abs(a), np.abs(numeric))
        floor = max(_FLOOR_FRACTION * float(np.nanmax(scale, initial=0.0)), 1e-30)
        one_sided = np.maximum(np.maximum(np.abs(plus), np.abs(minus)), floor)
        kink = np.abs(plus - minus) > self.tolerance * one_sided
        usable = ~kink & np.isfinite(numeric) & np.isfinite(plus) & np.isfinite(minus)
        with np.errstate(invalid="ignore"):
            errors = np.where(np.isfinite(a), np.abs(a - numeric) / np.maximum(scale, floor), np.inf)
        errors = errors[usable]
        worst = None
        if errors.size:
            k = int(np.argmax(errors))
            j = np.flatnonzero(usable)[k]
            worst = (int(entries[j]), float(a[j]), float(numeric[j]))
        return errors, int((~usable).sum()), worst

    def _entries(self, analytic):
        size = analytic.size
        if size <= self.max_entries:
            return np.arange(size)
        largest = int(np.argmax(np.abs(np.where(np.isfinite(analytic), analytic, 0.0))))
        others = np.delete(np.arange(size), largest)
        sample = self.rng.choice(others, self.max_entries - 1, replace=False)
        return np.sort(np.append(sample, largest))

    def _verdict(self, op, edges, results):
        inputs = [self._edge_verdict(e, *r) for e, r in zip(edges, results)]
        errors = np.concatenate([r[0] for r in results]) if results else np.array([])
        skipped = sum(r[1] for r in results)
        max_error = float(errors.max()) if errors.size else float("nan")
        worst = None
        if errors.size:
            i = int(np.argmax([r[0].max() if r[0].size else -1.0 for r in results]))
            flat, a, n = results[i][2]
            worst = (edges[i].src.name, flat, a, n)
        ok = not errors.size or max_error <= self.tolerance
        return OpCheck(op, max_error, int(errors.size), skipped, bool(ok), worst, inputs)

    def _edge_verdict(self, edge, errors, skipped, worst):
        max_error = float(errors.max()) if errors.size else float("nan")
        ok = not errors.size or max_error <= self.tolerance
        return EdgeCheck(edge, max_error, int(errors.size), skipped, bool(ok), worst)


def _float64(value):
    array = np.array(value, copy=True)
    return array.astype(np.float64) if array.dtype.kind == "f" else array


def _differences(function, inputs, v, index, entries, delta):
    """Central, forward and backward difference estimates of v · ∂f/∂x_index at each entry."""
    x = inputs[index].reshape(-1)  # a view: entries are perturbed in place, then restored
    base = function(inputs)
    numeric, plus, minus = (np.zeros(len(entries)) for _ in range(3))
    for k, j in enumerate(entries):
        original = x[j]
        h = delta * max(abs(original), 1e-3)
        x[j] = original + h
        up = function(inputs)
        x[j] = original - h
        down = function(inputs)
        x[j] = original
        numeric[k] = _project(v, up, down) / (2 * h)
        plus[k] = _project(v, up, base) / h
        minus[k] = _project(v, base, down) / h
    return numeric, plus, minus


def _project(v, a, b):
    """Σ v · (a − b) over the outputs that receive an upstream gradient."""
    return sum(
        float(np.sum(vk * (ak - bk))) for vk, ak, bk in zip(v, a, b, strict=True) if vk is not None
    )


# -- forward functions in float64 ------------------------------------------------------------------
def forward_function(op, values):
    """inputs (float64 arrays, one per op input) -> list of outputs (float64 copies).

    An op's own kernel; for a custom_gradient, the forward subgraph from its inputs to its output,
    every op evaluated with its kernel and the other tensors at the values the graph has.
    """
    if op_def(op).custom_gradient:
        return _custom_function(op, values)
    kernel = _kernel(op)
    return lambda inputs: kernel(list(inputs))


def _kernel(op):
    opdef = OPS[op.type]
    attrs = {k: _wider(v) for k, v in op.attrs.items()}

    def run(inputs):
        out = opdef.forward(*inputs, **attrs)
        out = (out,) if opdef.num_outputs == 1 else out
        return [np.array(o, dtype=np.float64 if np.asarray(o).dtype.kind == "f" else None) for o in out]

    return run


def _wider(attr):
    """A float dtype attribute (Cast's target) becomes float64, so differences keep their digits."""
    if isinstance(attr, np.dtype) and attr.kind == "f":
        return np.dtype(np.float64)
    return attr


def _custom_function(op, values):
    num_x = op.attrs["num_x"]
    xs, y = op.inputs[:num_x], op.inputs[-1]
    inner = _between(xs, y)
    kernels = {o: _kernel(o) for o in inner}

    def run(inputs):
        env = dict(zip(xs, inputs[:num_x], strict=True))
        for o in inner:
            args = [env[t] if t in env else _float64(values[t]) for t in o.inputs]
            env.update(zip(o.outputs, kernels[o](args), strict=True))
        return [np.array(env[y] if y in env else _float64(values[y]), dtype=np.float64)]

    return run


def _between(xs, y):
    """Ops on a path from the tensors `xs` to `y`, in execution order."""
    forward, _ = execution_order([y])
    depends = set(xs)
    inner = []
    for op in forward:
        if any(t in depends for t in op.inputs) and not OPS[op.type].stateful:
            inner.append(op)
            depends.update(op.outputs)
    return inner


# -- text (the HTML table is the visual layer's: gradviz.viz.tables) ---------------------------
CHECK_HEADER = ("op", "type", "gradient", "max rel. error", "compared", "skipped", "result")


def check_cells(check):
    error = "—" if check.max_error != check.max_error else fmt_number(check.max_error)
    gradient = "registered" if check.gradient_type == check.type else check.gradient_type
    gradient = "grad_fn" if check.custom_gradient else gradient
    result = "ok" if check.ok else "WRONG"
    return [check.name, check.type, gradient, error, check.compared, check.skipped, result]


def check_title(report):
    failures = report.failures
    verdict = f"{len(failures)} wrong: " + ", ".join(c.name for c in failures) if failures else "all ok"
    return (
        f"Gradient check of {len(report.checks)} ops: {verdict} "
        f"(tolerance {fmt_number(report.tolerance)}; central differences in float64)"
    )


def gradcheck_text(report):
    """A GradientCheck as text: one row per op, WRONG where the gradient disagrees."""
    rows = [check_cells(c) for c in report.checks]
    return check_title(report) + "\n" + text_table(CHECK_HEADER, rows, "lll" + "rrr" + "l")
