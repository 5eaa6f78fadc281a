"""How numbers, shapes and text tables read: the one formatting module the debug reports (text)
and the visual layer (drawings, HTML) share. Stable and short: 4 significant digits, no numpy repr,
no ids or timestamps, so printed reports and drawings are reproducible."""

import numpy as np


def fmt_number(x):
    """Short, stable text for one number: 4 significant digits, no numpy repr."""
    x = x.item() if hasattr(x, "item") else x
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, int):
        return str(x)
    if x != x:
        return "nan"
    if x in (float("inf"), float("-inf")):
        return "inf" if x > 0 else "-inf"
    return f"{x:.4g}"


def fmt_value(value, max_items=6):
    """A value compactly: a scalar, a small array, or shape with min/max for big ones."""
    if value is None:
        return "—"
    array = np.asarray(value)
    if array.ndim == 0:
        return fmt_number(array)
    if array.size <= max_items:
        return _fmt_nested(array)
    finite = array[np.isfinite(array)] if array.dtype.kind == "f" else array
    shape = "×".join(str(d) for d in array.shape)
    if finite.size == 0:
        return f"[{shape}] all non-finite"
    return f"[{shape}] {fmt_number(finite.min())}…{fmt_number(finite.max())}"


def _fmt_nested(array):
    if array.ndim == 1:
        return "[" + ", ".join(fmt_number(v) for v in array) + "]"
    return "[" + ", ".join(_fmt_nested(row) for row in array) + "]"


def fmt_shape(shape):
    dims = shape.dims if hasattr(shape, "dims") else shape
    if dims is None:
        return "?"
    return "(" + ", ".join("?" if d is None else str(d) for d in dims) + ")"


def text_table(header, rows, align=None):
    """Columns padded to their widest cell. `align` has one letter per column, "l" or "r"; by
    default the first and last columns are left-aligned (names, flags), the rest right (numbers).

    >>> print(text_table(["op", "error", "ok"], [["mul_1", "0.5", "no"]]))
    """
    cells = [list(map(str, header))] + [list(map(str, r)) for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    align = align or "l" + "r" * (len(header) - 2) + "l"

    def line(row):
        parts = [c.ljust(w) if a == "l" else c.rjust(w) for c, w, a in zip(row, widths, align)]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule] + [line(r) for r in cells[1:]])
