"""Tables for the debug reports: plain text for terminals and logs, HTML for Jupyter.

Visual encoding of a GradientSummary (colours from theme.FLAG_COLORS):
    flag badge       blue "vanishing", red "exploding", purple "nonfinite"; green "ok" otherwise
    rms cell         coloured like the flag it raised (the rms is what the flags compare)
    NaN / Inf cell   purple and bold when not zero
    histogram        grey bars of log10 |g| (non-zero finite entries) on one axis shared by all
                     rows, with the vanishing (blue) and exploding (red) thresholds as dashed lines
Everything is deterministic: no ids, no timestamps, fixed number formats.
"""

import html
from types import SimpleNamespace

import numpy as np

from ..debug.gradcheck import CHECK_HEADER, check_cells, check_title
from ..debug.monitor import monitor_text
from ..debug.summary import FLAGS, STATS, SUMMARY_COLUMNS, fmt_stat, thresholds_text
from . import theme

_FONT = "font-family: Helvetica, Arial, sans-serif; font-size: 12px;"
_NUMERIC = "text-align: right; font-family: Menlo, Consolas, monospace; white-space: nowrap;"


# -- HTML -----------------------------------------------------------------------------------------
def badge(text, color):
    style = (
        f"background: {color}; color: {theme.BADGE_TEXT}; border-radius: 3px; padding: 1px 5px; "
        "font-size: 11px; white-space: nowrap;"
    )
    return f'<span style="{style}">{html.escape(text)}</span>'


def flag_badges(flags):
    if not flags:
        return badge("ok", theme.OK_COLOR)
    return " ".join(badge(f, theme.FLAG_COLORS[f]) for f in flags)


def html_table(header, rows, row_styles=None, caption=None):
    """A table with inline styles only (they survive Jupyter's HTML sanitizer). Cells are HTML."""
    border = f"border-bottom: 1px solid {theme.TABLE['border']}; padding: 3px 8px;"
    head = "".join(
        f'<th style="{border} background: {theme.TABLE["header"]}; text-align: {align};">{h}</th>'
        for h, align in header
    )
    body = []
    for i, row in enumerate(rows):
        style = (row_styles or {}).get(i, "")
        tds = "".join(f'<td style="{border} {extra}">{cell}</td>' for cell, extra in row)
        body.append(f'<tr style="{style}">{tds}</tr>')
    cap = ""
    if caption:
        style = (
            f"caption-side: bottom; text-align: left; color: {theme.TABLE['muted']}; padding-top: 4px;"
        )
        cap = f'<caption style="{style}">{caption}</caption>'
    return (
        f'<table style="border-collapse: collapse; {_FONT}">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def summary_html(summary, bins=24):
    """A GradientSummary as an HTML table with coloured flags and a log10 |g| histogram per row."""
    edges, counts = summary.log_histograms(bins)
    header = [("tensor", "left"), ("shape", "left")]
    header += [(html.escape(label), "right") for _, label in SUMMARY_COLUMNS]
    header += [(f"log<sub>10</sub>|g| {_axis_text(edges)}", "left"), ("flags", "left")]
    rows, styles = [], {}
    for i, row in enumerate(summary.rows):
        cells = [(html.escape(row.name), "white-space: nowrap;"), (theme.fmt_shape(row.shape), "")]
        cells += [_stat_cell(row, c) for c, _ in SUMMARY_COLUMNS]
        cells.append((sparkline_svg(counts[i], edges, summary.thresholds), "padding: 1px 8px;"))
        cells.append((flag_badges(row.flags), "white-space: nowrap;"))
        rows.append(cells)
        if row.flags:
            styles[i] = f"background: {theme.TABLE['flagged_row']};"
    caption = f"{len(summary.rows)} tensors. Flags: {html.escape(thresholds_text(summary.thresholds))}."
    caption += " Statistics over finite entries; zeros and tiny as a share of all entries."
    return f'<div class="gradviz-summary">{html_table(header, rows, styles, caption)}</div>'


def _axis_text(edges):
    low, high = theme.fmt_number(edges[0]), theme.fmt_number(edges[-1])
    return f'<span style="font-weight: normal; color: {theme.TABLE["muted"]};">({low} … {high})</span>'


def _stat_cell(row, column):
    text, style = fmt_stat(column, getattr(row, column)), _NUMERIC
    if column == "rms" and row.vanishing:
        style += f" color: {theme.FLAG_COLORS['vanishing']}; font-weight: bold;"
    elif column == "rms" and row.exploding:
        style += f" color: {theme.FLAG_COLORS['exploding']}; font-weight: bold;"
    elif column in ("nan_count", "inf_count") and getattr(row, column):
        style += f" color: {theme.FLAG_COLORS['nonfinite']}; font-weight: bold;"
    return text, style


def sparkline_svg(counts, edges, thresholds=None, width=120, height=22):
    """A tiny inline SVG histogram: one bar per bin, heights relative to the fullest bin."""
    counts = np.asarray(counts, dtype=float)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" style="vertical-align: middle;">',
        f'<line x1="0" y1="{height - 0.5}" x2="{width}" y2="{height - 0.5}" '
        f'stroke="{theme.HISTOGRAM_AXIS}"/>',
    ]
    step = width / max(len(counts), 1)
    top = counts.max() if counts.size and counts.max() > 0 else 1.0
    for i, c in enumerate(counts):
        if c > 0:
            h = max(1.0, (height - 2) * c / top)
            parts.append(
                f'<rect x="{i * step + 0.5:.1f}" y="{height - 1 - h:.1f}" width="{step - 1:.1f}" '
                f'height="{h:.1f}" fill="{theme.HISTOGRAM_BAR}"/>'
            )
    if thresholds is not None:
        parts += _threshold_marks(edges, thresholds, width, height)
    parts.append("</svg>")
    return "".join(parts)


def _threshold_marks(edges, thresholds, width, height):
    marks = []
    for flag, value in (("vanishing", thresholds.vanishing), ("exploding", thresholds.exploding)):
        if value > 0 and edges[0] <= np.log10(value) <= edges[-1]:
            x = width * (np.log10(value) - edges[0]) / (edges[-1] - edges[0])
            marks.append(
                f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" '
                f'stroke="{theme.FLAG_COLORS[flag]}" stroke-dasharray="2,2"/>'
            )
    return marks


def monitor_html(monitor, width=160, height=26):
    """A GradientMonitor as HTML: each tensor's statistics at the last recorded step, its rms over
    all steps as a sparkline (log scale, the flag thresholds dashed, NaN/Inf steps ticked), its
    flags at the last step and the step each flag was first raised."""
    title = html.escape(monitor_text(monitor).split("\n", 1)[0])
    if not monitor.steps:
        return f'<div class="gradviz-monitor" style="{_FONT}">{title}</div>'
    header = [("tensor", "left")] + [(html.escape(label), "right") for _, label in SUMMARY_COLUMNS]
    header += [("rms over steps", "left"), ("flags now", "left"), ("first flagged", "left")]
    first = monitor.first_flagged()
    rows, styles = [], {}
    for i, name in enumerate(monitor.names):
        last = _last_row(monitor, name)
        cells = [(html.escape(name), "white-space: nowrap;")]
        cells += [_stat_cell(last, c) for c, _ in SUMMARY_COLUMNS]
        rms = monitor.history("rms", name)
        nonfinite = monitor.history("nonfinite", name)
        sparkline = trend_svg(rms, monitor.thresholds, nonfinite, width, height)
        cells.append((sparkline, "padding: 1px 8px;"))
        cells.append((flag_badges(last.flags), "white-space: nowrap;"))
        seen = [f"{flag} at step {first[flag][name]}" for flag in FLAGS if name in first[flag]]
        cells.append((html.escape(", ".join(seen) or "—"), "white-space: nowrap;"))
        rows.append(cells)
        if last.flags:
            styles[i] = f"background: {theme.TABLE['flagged_row']};"
    caption = f"{title}. Table: step {monitor.steps[-1]}. Flags: "
    caption += html.escape(thresholds_text(monitor.thresholds)) + "."
    return f'<div class="gradviz-monitor">{html_table(header, rows, styles, caption)}</div>'


def _last_row(monitor, name):
    """The last step of one tensor, shaped like a summary row for `_stat_cell`."""
    row = SimpleNamespace(**{s: monitor.history(s, name)[-1] for s in STATS})
    for flag in FLAGS:
        setattr(row, flag, bool(monitor.history(flag, name)[-1]))
    row.flags = tuple(flag for flag in FLAGS if getattr(row, flag))
    return row


def trend_svg(values, thresholds=None, nonfinite=None, width=160, height=26):
    """A tiny inline SVG line of log10(values) over steps, gaps where a value is not positive and
    finite; a purple tick at the steps where `nonfinite` (booleans, one per step) is set; at
    most `width` points (evenly picked), so a long run stays a small picture."""
    values = np.asarray(values, dtype=float)
    nonfinite = np.zeros(values.size, bool) if nonfinite is None else np.asarray(nonfinite, bool)
    if values.size > width:
        picked = np.linspace(0, values.size - 1, width).round().astype(int)
        # a tick survives thinning: each picked point stands for the steps up to the next one
        nonfinite = np.logical_or.reduceat(nonfinite, picked)
        values = values[picked]
    with np.errstate(all="ignore"):
        logs = np.where(np.isfinite(values) & (values > 0), np.log10(values), np.nan)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" style="vertical-align: middle;">'
    ]
    shown = logs[np.isfinite(logs)]
    if shown.size:
        low, high = shown.min() - 0.5, shown.max() + 0.5
        x = np.linspace(1, width - 1, logs.size) if logs.size > 1 else np.array([width / 2])
        y = (height - 2) - (height - 4) * (logs - low) / (high - low)
        line = theme.TREND_LINE
        for run in _finite_runs(logs):
            points = " ".join(f"{x[j]:.1f},{y[j]:.1f}" for j in run)
            if len(run) == 1:  # a lone finite step: a dot
                j = run[0]
                parts.append(f'<circle cx="{x[j]:.1f}" cy="{y[j]:.1f}" r="1.5" fill="{line}"/>')
            else:
                parts.append(
                    f'<polyline points="{points}" fill="none" stroke="{line}" stroke-width="1.3"/>'
                )
        if thresholds is not None:
            parts += _level_marks([low, high], thresholds, width, height)
    color = theme.FLAG_COLORS["nonfinite"]
    for j in np.flatnonzero(nonfinite):  # steps with a NaN/Inf entry: a purple tick at the bottom
        xj = 1 + (width - 2) * j / max(values.size - 1, 1)
        parts.append(
            f'<line x1="{xj:.1f}" y1="{height - 7}" x2="{xj:.1f}" y2="{height}" stroke="{color}"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _finite_runs(values):
    """Index lists of the consecutive finite stretches of `values`."""
    runs, current = [], []
    for j, v in enumerate(values):
        if np.isfinite(v):
            current.append(j)
        elif current:
            runs.append(current)
            current = []
    return runs + ([current] if current else [])


def _level_marks(span, thresholds, width, height):
    """Horizontal dashed lines at the thresholds inside the log10 span of a trend line."""
    marks = []
    for flag, value in (("vanishing", thresholds.vanishing), ("exploding", thresholds.exploding)):
        if value > 0 and span[0] <= np.log10(value) <= span[1]:
            y = (height - 2) - (height - 4) * (np.log10(value) - span[0]) / (span[1] - span[0])
            marks.append(
                f'<line x1="0" y1="{y:.1f}" x2="{width}" y2="{y:.1f}" '
                f'stroke="{theme.FLAG_COLORS[flag]}" stroke-dasharray="2,2"/>'
            )
    return marks


# -- gradient checks --------------------------------------------------------------------------------
def gradcheck_html(report):
    """A GradientCheck as an HTML table; failing rows tinted, their result badge red."""
    header = [
        (h, "right" if h in ("max rel. error", "compared", "skipped") else "left") for h in CHECK_HEADER
    ]
    rows, styles = [], {}
    for i, check in enumerate(report.checks):
        cells = check_cells(check)
        color = theme.OK_COLOR if check.ok else theme.FLAG_COLORS["exploding"]
        row = [(html.escape(str(c)), "") for c in cells[:3]]
        wrong = "" if check.ok else f" color: {color}; font-weight: bold;"
        row += [(str(cells[3]), _NUMERIC + wrong)] + [(str(c), _NUMERIC) for c in cells[4:6]]
        row.append((badge(cells[6], color), ""))
        rows.append(row)
        if not check.ok:
            styles[i] = f"background: {theme.TABLE['flagged_row']};"
    caption = html.escape(check_title(report))
    return f'<div class="gradviz-gradcheck">{html_table(header, rows, styles, caption)}</div>'
