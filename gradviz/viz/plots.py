"""Matplotlib figures for gradient summaries and monitors.

Each function returns a `matplotlib.figure.Figure` built without pyplot: Jupyter shows the returned
figure once (no second copy from pyplot's global state) and scripts can ``fig.savefig(path)``.

    plot_norms(monitor)           L2 norm per tensor over steps, log scale; a marker where a flag
                                  first appeared (▼ vanishing, ▲ exploding, ✕ nonfinite)
    plot_distributions(monitor)   per tensor, percentile bands over steps (TensorBoard's
                                  distributions: min-max, 7-93, 16-84, 31-69 %, median line)
    plot_gradient_flow(source)    per tensor in order, max |g| and mean |g| bars, log scale, the
                                  flag thresholds as dashed lines, flagged names coloured

Inside IPython, a plot function also makes sure a returned Figure shows as a picture: without the
inline backend (a fresh kernel that never ran ``%matplotlib inline``, or one whose backend is Agg)
IPython would print only ``<Figure size 800x450 with 1 Axes>``. It gives IPython's display
formatter a PNG printer for Figure when none is registered; matplotlib's backend is left alone,
so scripts behave as before.
"""

import functools
import io
import sys

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..debug.summary import FLAGS
from . import theme

_MARKERS = {"vanishing": "v", "exploding": "^", "nonfinite": "X"}


def _shows_in_ipython(plot):
    """Decorator: before `plot` runs, let the running IPython (if any) display Figures as PNG."""

    @functools.wraps(plot)
    def wrapper(*args, **kwargs):
        _register_png_formatter()
        return plot(*args, **kwargs)

    return wrapper


def _register_png_formatter():
    ipython = sys.modules.get("IPython")  # never imported here: a script pays nothing
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return
    png = shell.display_formatter.formatters["image/png"]
    try:
        png.lookup_by_type(Figure)  # the inline backend's own printer is already there
    except KeyError:
        png.for_type(Figure, figure_png)


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes, cropped to what is drawn (as the inline backend shows it)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def _line_colors(n):
    """Distinct colours for few lines; a viridis ramp (input → output) for many layers."""
    if n <= 10:
        return [f"C{i}" for i in range(n)]
    from matplotlib import colormaps

    return [colormaps["viridis"](x) for x in np.linspace(0.0, 0.9, n)]


@_shows_in_ipython
def plot_norms(monitor, names=None, figsize=(8.0, 4.5), title="Gradient norm per tensor"):
    """L2 norm of each monitored tensor over the recorded steps, on a log scale.

    >>> fig = monitor.plot_norms(); fig.savefig("norms.png")
    """
    names = list(names or monitor.names)
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot()
    steps = np.asarray(monitor.steps)
    for name, color in zip(names, _line_colors(len(names)), strict=True):
        ax.plot(steps, monitor.history("norm", name), color=color, lw=1.6, label=name)
        _mark_first_flags(ax, monitor, name, steps)
    ax.set_yscale("log")
    if steps.size:  # the whole run, also the steps whose norm is NaN
        pad = max(0.5, 0.02 * (steps.max() - steps.min()))
        ax.set_xlim(steps.min() - pad, steps.max() + pad)
        _shade_nonfinite(ax, monitor, names, steps.max() + pad)
    ax.set_xlabel("step")
    ax.set_ylabel("‖gradient‖₂")
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    handles = ax.get_legend_handles_labels()[0] + _flag_handles(monitor, names)
    _legend(fig, ax, handles)
    return fig


def _mark_first_flags(ax, monitor, name, steps):
    """A marker on the line where each flag first appeared; on the top edge when the norm there is
    not finite (every entry NaN or Inf), so a run that ended in NaN still shows where."""
    norms = monitor.history("norm", name)
    for flag, marker in _MARKERS.items():
        step = monitor.first_step(flag, name)
        if step is None:
            continue
        y = norms[np.flatnonzero(steps == step)[0]]
        style = {
            "marker": marker,
            "ms": 9,
            "color": theme.FLAG_COLORS[flag],
            "mec": "white",
            "mew": 0.8,
            "ls": "none",
            "zorder": 5,
        }
        if np.isfinite(y) and y > 0:
            ax.plot([step], [y], **style)
        else:
            ax.plot([step], [1.0], transform=ax.get_xaxis_transform(), clip_on=False, **style)


def _shade_nonfinite(ax, monitor, names, end):
    """A light band from the first NaN/Inf to the end of the run, where the norms stop."""
    first = [monitor.first_step("nonfinite", n) for n in names]
    first = min((s for s in first if s is not None), default=None)
    if first is None:
        return
    color = theme.FLAG_COLORS["nonfinite"]
    ax.axvspan(first, end, color=color, alpha=0.07, lw=0)
    ax.text(
        first,
        0.5,
        f"  NaN/Inf from step {first}",
        transform=ax.get_xaxis_transform(),
        color=color,
        fontsize=9,
        va="center",
    )


def _flag_handles(monitor, names):
    used = [f for f in _MARKERS if any(monitor.first_step(f, n) is not None for n in names)]
    return [
        Line2D(
            [], [], marker=_MARKERS[f], color=theme.FLAG_COLORS[f], ls="none", ms=8, label=f"first {f}"
        )
        for f in used
    ]


def _legend(fig, ax, handles):
    """Inside the axes for a few entries; outside, on the right, for many layers."""
    if len(handles) > 8:
        fig.legend(handles=handles, loc="outside right upper", fontsize=8, ncols=1 + len(handles) // 30)
    else:
        ax.legend(handles=handles, fontsize=8, loc="best")


@_shows_in_ipython
def plot_distributions(
    monitor, names=None, ncols=3, panel_size=(3.6, 2.6), title="Gradient distributions over steps"
):
    """For each tensor, its value distribution over steps as TensorBoard draws it: nested
    percentile bands (min-max, 7-93, 16-84, 31-69 %) and the median."""
    names = list(names or monitor.names)
    ncols = max(1, min(ncols, len(names)))
    nrows = -(-len(names) // ncols)
    fig = Figure(figsize=(panel_size[0] * ncols, panel_size[1] * nrows + 0.4), layout="constrained")
    axes = fig.subplots(nrows, ncols, sharex=True, squeeze=False)
    steps = np.asarray(monitor.steps)
    for ax, name in zip(axes.flat, names):
        _bands(ax, steps, monitor.percentiles(name))
        ax.set_title(name, fontsize=9)
        ax.ticklabel_format(axis="y", style="sci", scilimits=(-3, 3))
        ax.grid(True, alpha=0.3)
    for ax in axes.flat[len(names) :]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("step")
    fig.suptitle(title)
    return fig


def _bands(ax, steps, percentiles):
    """percentiles: (steps, 9) for 0, 7, 16, 31, 50, 69, 84, 93, 100 %."""
    if steps.size == 1:  # one step: a vertical bar instead of a band
        steps = np.array([steps[0] - 0.4, steps[0] + 0.4])
        percentiles = np.repeat(percentiles, 2, axis=0)
    for k, alpha in enumerate(theme.BAND_ALPHAS):
        ax.fill_between(
            steps, percentiles[:, k], percentiles[:, -1 - k], color=theme.BAND_COLOR, alpha=alpha, lw=0
        )
    ax.plot(steps, percentiles[:, len(theme.BAND_ALPHAS)], color=theme.MEDIAN_LINE, lw=1.2)


@_shows_in_ipython
def plot_gradient_flow(source, step=None, names=None, figsize=None, title=None):
    """Max |g|, mean |g| (bars) and rms (◆) per tensor, in order (input to output), log scale.

    `source` is a GradientSummary or a GradientMonitor (then `step`, default the last recorded).
    The flag thresholds (on the rms) are dashed lines when they are near the data; flagged names
    are coloured like their flag.
    """
    rows = _flow_rows(source, step)
    if names is not None:
        rows = [r for r in rows if r["name"] in set(names)]
    n = len(rows)
    fig = Figure(figsize=figsize or (max(6.0, 0.42 * n + 2.5), 4.8), layout="constrained")
    ax = fig.add_subplot()
    x = np.arange(n)
    bars = theme.FLOW_BARS
    ax.bar(x, [r["max_abs"] for r in rows], width=0.8, color=bars["max_abs"], label="max |g|")
    ax.bar(x, [r["mean_abs"] for r in rows], width=0.45, color=bars["mean_abs"], label="mean |g|")
    ax.plot(
        x,
        [r["rms"] for r in rows],
        ls="none",
        marker="D",
        ms=5,
        color=bars["rms"],
        mec="white",
        label="rms",
    )
    ax.set_yscale("log")
    _threshold_lines(ax, source.thresholds, [r[k] for r in rows for k in ("max_abs", "mean_abs")])
    ax.set_xticks(x, [r["name"] for r in rows], rotation=60, ha="right", fontsize=8)
    for label, row in zip(ax.get_xticklabels(), rows, strict=True):
        if row["flags"]:
            label.set_color(theme.FLAG_COLORS[row["flags"][0]])
            label.set_fontweight("bold")
    ax.set_xlim(-0.6, n - 0.4)
    ax.set_ylabel("|gradient|")
    ax.set_title(title or _flow_title(source, step), pad=22)
    ax.grid(True, axis="y", which="major", alpha=0.3)
    ax.legend(
        fontsize=8,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=5,
        frameon=False,
        borderaxespad=0.2,
    )
    return fig


def _flow_rows(source, step):
    if hasattr(source, "rows"):  # a GradientSummary
        return [
            {
                "name": r.name,
                "max_abs": r.max_abs,
                "mean_abs": r.mean_abs,
                "rms": r.rms,
                "flags": r.flags,
            }
            for r in source.rows
        ]
    at = -1 if step is None else source.steps.index(step)
    flags = np.stack([source.history(f)[at] for f in FLAGS], axis=1)
    return [
        {
            "name": name,
            "max_abs": source.history("max_abs", name)[at],
            "mean_abs": source.history("mean_abs", name)[at],
            "rms": source.history("rms", name)[at],
            "flags": tuple(f for f, on in zip(FLAGS, flags[i], strict=True) if on),
        }
        for i, name in enumerate(source.names)
    ]


def _flow_title(source, step):
    if hasattr(source, "steps"):
        shown = source.steps[-1] if step is None else step
        return f"Gradient flow, step {shown}"
    return "Gradient flow"


def _threshold_lines(ax, thresholds, values):
    """Dashed lines at the thresholds that lie within two decades of the plotted values."""
    shown = np.asarray([v for v in values if np.isfinite(v) and v > 0])
    if shown.size == 0:
        return
    low, high = shown.min() / 100, shown.max() * 100
    for flag in ("vanishing", "exploding"):
        value = getattr(thresholds, flag)
        if low <= value <= high:
            ax.axhline(
                value,
                color=theme.FLAG_COLORS[flag],
                ls="--",
                lw=1,
                label=f"{flag} threshold (rms {theme.fmt_number(value)})",
            )
