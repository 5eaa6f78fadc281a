"""The visual encoding of gradviz, in one place: colours, line styles, number formats.

Forward graph
    placeholder  blue rounded box, bold border (fed values)
    variable     green rounded box   (trained state)
    constant     small grey text     (fixed numbers)
    op           white box           (its symbol, name, shape and value)
    scope        light cluster, or one 3-D box when collapsed
Backward overlay
    gradient edge    red label "∇ value" on the forward edge it flows back along
    fan-out          a "Σ" line on the node: the accumulated sum and the aggregation method
    x                double border and "∂/∂x = value"
    stopped edge     dashed, coloured by reason (legend below the graph)
    unreachable      grey: forward ops no gradient to any x passes through
    magnitude        optional: edge colour from blue (tiny |g|) to red (huge |g|), log scale
Stepper (CSS classes on the laid-out SVG; each class name below is declared next to its rule)
    gv-current      the op being processed (orange border, bold label)
    gv-pending      forward ops not computed yet (faded); no class: finished parts
    gv-edge-active  the edges the current step sends a contribution along (orange)
    gv-grad-pending gradient edges whose contribution has not been computed yet (faded)
Every colour and CSS class name of the drawings, tables, figures and the stepper is in this module.
"""

import numpy as np

from ..debug import model
from ..engine.ops import registry as reasons
from ..format import fmt_number, fmt_shape, fmt_value  # noqa: F401  (the drawings' number formats)

FONT = "Helvetica,Arial,sans-serif"

NODE = {
    "placeholder": {
        "shape": "box",
        "style": "rounded,filled,bold",
        "fillcolor": "#dbe9f6",
        "color": "#3b6ea5",
    },
    "variable": {"shape": "box", "style": "rounded,filled", "fillcolor": "#dcf0dc", "color": "#3a7d3a"},
    "constant": {"shape": "plaintext", "fontcolor": "#666666", "fontsize": "10"},
    "op": {"shape": "box", "style": "filled", "fillcolor": "#ffffff", "color": "#444444"},
    "scope": {"shape": "box3d", "style": "filled", "fillcolor": "#f4f0e6", "color": "#8a7a50"},
    "grad_op": {
        "shape": "box",
        "style": "filled,dashed",
        "fillcolor": "#fff3f0",
        "color": "#c0504d",
        "fontsize": "10",
    },
}
CLUSTER = {"style": "rounded,filled", "fillcolor": "#faf8f2", "color": "#c8bc94", "fontsize": "10"}
GRAD_SCOPE = {"style": "rounded,dashed", "color": "#d5a6a6", "fontcolor": "#c0504d", "fontsize": "9"}
GRAD_LINK = {"style": "dashed", "color": "#d5a6a6", "constraint": "false", "arrowhead": "none"}

GRADIENT = "#c0392b"  # the colour of everything that is a gradient
X_MARK = {"peripheries": "2", "color": GRADIENT}
UNREACHABLE = {"color": "#bbbbbb", "fontcolor": "#aaaaaa"}
HIGHLIGHT = {"color": "#e67e22", "penwidth": "3"}
# A gradient check's verdict on one edge: right (green) or wrong (red, thicker), and the legend rows.
GRADED = {
    True: {"color": "#2e7d32", "fontcolor": "#2e7d32", "penwidth": "2"},
    False: {"color": "#c62828", "fontcolor": "#c62828", "penwidth": "3.5"},
}
GRADED_LEGEND = (
    (True, "✓", "gradient matches finite differences"),
    (False, "✗", "wrong gradient (relative error)"),
)
EDGE = {"color": "#555555", "arrowsize": "0.7"}  # a forward edge
STOPPED_LABEL = "#999999"  # the label of a stopped edge whose reason has no colour
LEGEND_BORDER = "#aaaaaa"
COMPARISON_FRAME = {"style": "rounded", "color": "#999999", "fontsize": "13"}

# Why an edge carries no gradient -> how it is drawn. Keys are gradients.py's reason strings.
STOPPED = {
    reasons.STOP_GRADIENT_OP: {"style": "dashed", "color": "#8e44ad"},
    reasons.IN_STOP_GRADIENTS: {"style": "dashed", "color": "#2471a3"},
    reasons.NO_GRADIENT_DEFINED: {"style": "dotted", "color": "#7f8c8d"},
    reasons.INTEGER: {"style": "dotted", "color": "#b9770e"},
    reasons.UNREACHED: {"style": "solid", "color": "#cccccc"},
    reasons.NOTHING_ARRIVED: {"style": "dashed", "color": "#cccccc"},
    # PyTorch's reasons (gradviz.torch)
    model.DETACHED: {"style": "dashed", "color": "#8e44ad"},
    model.NO_REQUIRES_GRAD: {"style": "dotted", "color": "#2471a3"},
    model.NO_GRAD: {"style": "dashed", "color": "#16a085"},
    model.NOT_DIFFERENTIABLE: {"style": "dotted", "color": "#7f8c8d"},
}
# The reasons worth a legend entry (the grey ones only say "not on any path").
LEGENDED = set(STOPPED) - {reasons.UNREACHED, reasons.NOTHING_ARRIVED}

# -- the stepper: CSS classes, each next to its rule ----------------------------------------------
# The Debugger restyles the laid-out SVG by setting these classes (no new `dot` call per step).
_RULES = []  # STEPPER_CSS, line by line


def _css(name, *rules):
    """Declare the CSS class `name` with its rules (selectors written out, as CSS reads them)."""
    _RULES.extend(rules)
    return name


DEBUGGER = "gv-debugger"  # the whole widget (no rule of its own)
GRAPH = _css("gv-graph", ".gv-graph svg {max-width: 100%; height: auto;}")
CURRENT = _css(
    "gv-current",
    ".gv-current > polygon, .gv-current > ellipse, .gv-current > path "
    "{stroke: #e67e22; stroke-width: 4px;}",
    ".gv-current > text {font-weight: bold;}",
)
PENDING = _css("gv-pending", ".gv-pending {opacity: 0.3;}")
EDGE_ACTIVE = _css(
    "gv-edge-active",
    ".gv-edge-active > path, .gv-edge-active > polygon {stroke: #e67e22; stroke-width: 3px;}",
    ".gv-edge-active > text {fill: #e67e22; font-weight: bold;}",
)
GRAD_PENDING = _css(
    "gv-grad-pending",
    ".gv-grad-pending > path, .gv-grad-pending > polygon {stroke-opacity: 0.35;}",
    ".gv-grad-pending > text {fill-opacity: 0.5;}",
)
PANEL = _css(
    "gv-panel",
    ".gv-panel table {border-collapse: collapse; font-size: 13px;}",
    ".gv-panel td, .gv-panel th {padding: 2px 8px; border-bottom: 1px solid #eee; text-align: left;}",
)
EQ = _css("gv-eq", ".gv-panel .gv-eq {font-family: monospace;}")
OK, BAD = "gv-ok", "gv-bad"
_css(OK, ".gv-panel .gv-ok {color: #2e7d32;} .gv-panel .gv-bad {color: #c62828;}")
ERROR_COLOR = "#c62828"  # an input the stepper could not accept (the colour of gv-bad)
# Classroom mode: the edge (or, at a fan-out, the edges) whose gradient is asked now
EDGE_ASKED = _css(
    "gv-edge-asked",
    ".gv-edge-asked > path, .gv-edge-asked > polygon {stroke: #8e24aa; stroke-width: 4px;}",
    ".gv-edge-asked > path {stroke-dasharray: 8 3;}",
    ".gv-edge-asked > text {fill: #8e24aa; font-weight: bold;}",
)
# what the quiz said about the last answer (with OK, BAD, or NOTE when nothing was graded)
FEEDBACK = _css(
    "gv-feedback",
    ".gv-feedback {margin: 4px 0; padding: 4px 8px; border-left: 4px solid #999; background: #fafafa;}",
    ".gv-feedback.gv-ok {border-color: #2e7d32; color: #1b5e20;}",
    ".gv-feedback.gv-bad {border-color: #c62828; color: #8e0000;}",
)
NOTE = "gv-note"  # feedback that grades nothing (not a number, nothing to predict): no rule
QUESTION = _css("gv-question", ".gv-question {margin-top: 6px; color: #6a1b9a;}")
SUMMARY = _css("gv-summary", ".gv-summary {margin-top: 6px; padding: 4px 8px; background: #f3e5f5;}")
STATIC = "gv-static"  # the static picture of a Debugger outside a live kernel (no rule)
STEP, PLAY, GUESS, CHECK, REVEAL, STATUS, INPUTS, INPUT = (  # controls (no rules)
    "gv-step",
    "gv-play",
    "gv-guess",
    "gv-check",
    "gv-reveal",
    "gv-status",
    "gv-inputs",
    "gv-input",
)


def button_class(name):
    """The class of the Debugger's button `name` ("gv-next", "gv-prev", ...)."""
    return f"gv-{name}"


STEPPER_CSS = "\n" + "\n".join(_RULES) + "\n"


MAGNITUDE_LEGEND = (  # (|contribution|, how the legend writes it, what it means)
    (1e-8, "≤ 1e-8", "vanishing"),
    (1e-2, "1e-2", "|contribution|, log scale"),
    (1e4, "≥ 1e4", "exploding"),
)


def magnitude_color(value, low=1e-8, high=1e4):
    """Colour for |value| on a log scale: blue for vanishing, grey-green, red for exploding."""
    norm = float(np.max(np.abs(value))) if np.size(value) else 0.0
    if not np.isfinite(norm):
        return "#000000"
    t = (np.log10(max(norm, low)) - np.log10(low)) / (np.log10(high) - np.log10(low))
    t = min(max(t, 0.0), 1.0)
    ramp = [(0.0, (49, 99, 206)), (0.5, (120, 160, 90)), (1.0, (214, 39, 40))]
    for (t0, c0), (t1, c1) in zip(ramp, ramp[1:]):
        if t <= t1:
            f = (t - t0) / (t1 - t0)
            return "#" + "".join(f"{round(a + (b - a) * f):02x}" for a, b in zip(c0, c1))
    return "#d62728"


# -- gradient summaries, monitors and checks (issue #5) -------------------------------------------
# Flags share the magnitude ramp's ends: blue for vanishing, red for exploding; purple for NaN/Inf.
FLAG_COLORS = {"vanishing": "#3163ce", "exploding": "#d62728", "nonfinite": "#7d3c98"}
OK_COLOR = "#2e7d32"
TABLE = {"border": "#d9d9d9", "header": "#f3f3f3", "flagged_row": "#fff8f2", "muted": "#777777"}
HISTOGRAM_BAR = "#8c9aa8"
HISTOGRAM_AXIS = "#cccccc"
TREND_LINE = "#35618f"  # the monitor's rms-over-steps sparkline (the flow plot's mean |g| blue)
BADGE_TEXT = "#ffffff"
BAND_COLOR = "#e8710a"  # TensorBoard's distribution orange: the percentile bands
MEDIAN_LINE = "#a34d00"
FLOW_BARS = {"max_abs": "#b9cde0", "mean_abs": "#35618f", "rms": "#222222"}
# TensorBoard-style distribution bands, outermost (min-max) to innermost: darker towards the median.
BAND_ALPHAS = (0.15, 0.25, 0.35, 0.5)
