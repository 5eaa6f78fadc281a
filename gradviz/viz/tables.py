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

import numpy as np

from ..debug.gradcheck import CHECK_HEADER, check_cells, check_title
from ..debug.summary import SUMMARY_COLUMNS, fmt_stat, thresholds_text
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
