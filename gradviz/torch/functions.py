"""Check each custom `torch.autograd.Function` of a trace against finite differences.

    report = gv.torch.check_functions(trace)
    report.failures        # the Functions whose backward disagrees with their forward
    report.draw()          # the trace's drawing, the wrong ones highlighted

Built-in PyTorch ops are tested by PyTorch; a hand-written backward is where gradients go wrong.
For every node of the trace made by a custom Function, its forward is run again in float64 on
the input values the capture recorded, and the vector-Jacobian product of its own backward
(`torch.autograd.grad` through `Function.apply`) is compared with a central difference of the
forward along random directions: <v, f(x + δd) − f(x − δd)> / 2δ against Σ <vjp_i, d_i>.
"""

from dataclasses import dataclass, field

import numpy as np
import torch

from ..debug import pictures


@dataclass
class FunctionCheck:
    """One Function node: analytic vs numeric directional derivative."""

    node: object  # the trace's Node
    function: str  # the Function's class name
    analytic: float | None = None
    numeric: float | None = None
    error: float | None = None  # relative error
    ok: bool | None = None  # None: could not be checked (see `note`)
    note: str = ""

    def __str__(self):
        if self.ok is None:
            return f"{self.node.name} ({self.function}): not checked, {self.note}"
        verdict = "ok" if self.ok else "WRONG backward"
        return (
            f"{self.node.name} ({self.function}): {verdict} · backward {self.analytic:.6g}, "
            f"finite differences {self.numeric:.6g}, relative error {self.error:.2g}"
        )


@dataclass
class FunctionReport:
    trace: object
    checks: list = field(default_factory=list)

    @property
    def failures(self):
        return [c for c in self.checks if c.ok is False]

    @property
    def ok(self):
        return not self.failures

    def __getitem__(self, name):
        for c in self.checks:
            if name in (c.node.name, c.function):
                return c
        raise KeyError(name)

    def __len__(self):
        return len(self.checks)

    def __str__(self):
        if not self.checks:
            return "No custom autograd.Function in this trace."
        head = "All custom Functions' backwards agree" if self.ok else "Wrong backward found"
        return "\n".join([f"{head} ({len(self.checks)} checked):"] + [f"  {c}" for c in self.checks])

    __repr__ = __str__

    def draw(self, **options):
        """The trace's drawing with each wrong Function's node highlighted."""
        highlight = {c.node.name: f"wrong backward (error {c.error:.2g})" for c in self.failures}
        return pictures.render("draw_trace", self.trace, highlight=highlight, **options)


def check_functions(trace, tolerance=1e-4, delta=1e-6, seed=0):
    """A FunctionReport for every custom Function node of a PyTorch trace."""
    graph = getattr(trace, "graph", None)
    if not hasattr(graph, "fn_of"):
        raise TypeError("check_functions(trace): expected a trace from gradviz.torch")
    rng = np.random.default_rng(seed)
    report = FunctionReport(trace)
    for node in trace.forward:
        fn = graph.fn_of.get(node)
        cls = getattr(fn, "_forward_cls", None)
        if cls is not None:
            report.checks.append(_check(trace, node, cls, rng, tolerance, delta))
    return report


def _check(trace, node, cls, rng, tolerance, delta):
    result = FunctionCheck(node, cls.__name__)
    try:
        inputs = [trace.value(v) for v in node.inputs]
    except KeyError:
        result.note = "its input values are unknown (trace it inside gv.torch.capture)"
        return result
    xs = [torch.tensor(np.asarray(v, dtype=np.float64), requires_grad=True) for v in inputs]
    out = cls.apply(*xs)
    v = torch.tensor(rng.standard_normal(tuple(out.shape)))
    vjp = torch.autograd.grad(out, xs, grad_outputs=v, allow_unused=True)
    directions = [torch.tensor(rng.standard_normal(tuple(x.shape))) for x in xs]
    result.analytic = float(
        sum((g * d).sum() for g, d in zip(vjp, directions, strict=True) if g is not None)
    )
    with torch.no_grad():
        plus = cls.apply(*[x + delta * d for x, d in zip(xs, directions, strict=True)])
        minus = cls.apply(*[x - delta * d for x, d in zip(xs, directions, strict=True)])
        result.numeric = float(((plus - minus) * v).sum() / (2 * delta))
    scale = max(abs(result.analytic), abs(result.numeric), 1e-8)
    result.error = abs(result.analytic - result.numeric) / scale
    result.ok = result.error <= tolerance
    return result
