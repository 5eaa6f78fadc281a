"""Gradient statistics: spot vanishing, exploding and non-finite gradients at a glance.

    grads_and_vars = opt.compute_gradients(loss)
    gv.gradient_summary(grads_and_vars, feed_dict={X: x, Y: y})   # HTML in Jupyter, text in print()

Per tensor: L2 norm, rms (norm / √size), mean, std, min, max, max |g|, mean |g|, the fraction of
exact zeros, the fraction of tiny entries (|g| < `tiny`, exact zeros included), and the NaN and Inf
counts. Norms, moments and extremes are taken over the *finite* entries only, so one NaN does not
hide what the rest of the tensor looks like; the two fractions are over all entries.

Flags, each with a module-level default threshold that a call can override:

    vanishing   rms < VANISHING   (1e-6): the typical entry is too small to move a weight
    exploding   rms > EXPLODING   (1e3):  the typical entry will throw a weight far away
    nonfinite   at least one NaN or ±Inf

The rms (not the norm) decides, so a 512×512 matrix and a bias of 10 entries are held to the same
standard. Change the defaults for a whole session with ``gradviz.debug.summary.VANISHING = 1e-8``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine.dtypes import as_array
from ..engine.graph import Operation, Tensor, graph_of
from ..engine.hints import FeedDict
from ..engine.session import Session, session_for
from ..engine.validate import check_feed_dict, check_number, check_session, describe
from ..format import fmt_number, fmt_shape, text_table
from . import pictures
from .trace import BackpropTrace

if TYPE_CHECKING:
    import pandas
    from matplotlib.figure import Figure

VANISHING = 1e-6
EXPLODING = 1e3
TINY = 1e-8

STATS = (
    "norm",
    "rms",
    "mean",
    "std",
    "min",
    "max",
    "max_abs",
    "mean_abs",
    "zero_fraction",
    "tiny_fraction",
    "nan_count",
    "inf_count",
)
FLAGS = ("vanishing", "exploding", "nonfinite")


@dataclass(frozen=True)
class Thresholds:
    """The numbers the flags compare against (see the module docstring)."""

    vanishing: float
    exploding: float
    tiny: float

    @classmethod
    def resolve(cls, vanishing=None, exploding=None, tiny=None):
        """Given values, else the module defaults as they are now.

        >>> Thresholds.resolve(vanishing=1e-9).vanishing   # 1e-9; exploding stays EXPLODING
        """
        return cls(
            VANISHING if vanishing is None else check_number(vanishing, "vanishing", minimum=0),
            EXPLODING if exploding is None else check_number(exploding, "exploding", minimum=0),
            TINY if tiny is None else check_number(tiny, "tiny", minimum=0),
        )

    def flags(self, stats):
        """(vanishing, exploding, nonfinite) for one row of `compute_stats` numbers."""
        rms, nan_count, inf_count = stats[1], stats[10], stats[11]
        return (bool(rms < self.vanishing), bool(rms > self.exploding), bool(nan_count + inf_count > 0))


def compute_stats(values, tiny=None):
    """The STATS of one array as a float64 vector (NaN where no finite entry exists).

    >>> dict(zip(STATS, compute_stats(np.array([3.0, -4.0]))))["norm"]   # 5.0

    Written for speed, since GradientMonitor calls it at every training step: a float32 array stays
    float32 (numpy's pairwise sums), min and max double as the NaN/Inf test, and the finite mask is
    only built when a NaN or Inf is present.
    """
    tiny = TINY if tiny is None else tiny
    flat = as_float(values).ravel()
    size = flat.size
    if size == 0:
        return np.array([np.nan] * 10 + [0, 0])
    nan_count = inf_count = 0
    low, high = flat.min(), flat.max()
    if not (np.isfinite(low) and np.isfinite(high)):
        finite_mask = np.isfinite(flat)
        nan_count = int(np.count_nonzero(np.isnan(flat)))
        inf_count = size - int(np.count_nonzero(finite_mask)) - nan_count
        flat = flat[finite_mask]
        low, high = (flat.min(), flat.max()) if flat.size else (np.nan, np.nan)
    magnitudes = np.abs(flat)
    tiny_mask = magnitudes < tiny
    tiny_count = int(np.count_nonzero(tiny_mask))
    zero_count = _zeros(flat, tiny_mask, tiny_count, tiny)
    moments = _moments(flat, magnitudes, float(low), float(high))
    return np.array([*moments, zero_count / size, tiny_count / size, nan_count, inf_count])


def _zeros(finite, tiny_mask, tiny_count, tiny):
    """Exact zeros, looked for only among the tiny entries (zeros are tiny when tiny > 0)."""
    if tiny > 0:
        return int(np.count_nonzero(finite[tiny_mask] == 0)) if tiny_count else 0
    return finite.size - int(np.count_nonzero(finite))


def as_float(values):
    array = np.asarray(values)
    if array.dtype.kind == "f":
        return array if array.dtype.itemsize >= 4 else array.astype(np.float32)
    return array.astype(np.float64)


# Within this range of max |g| the float32 squares neither overflow nor underflow noticeably.
_SAFE_SCALE = (1e-12, 1e12)


def _moments(finite, magnitudes, low, high):
    """norm, rms, mean, std, min, max, max |g|, mean |g| of the finite entries (NaN if none)."""
    n = finite.size
    if n == 0:
        return [np.nan] * 8
    largest = max(-low, high)
    scale = 1.0 if _SAFE_SCALE[0] <= largest <= _SAFE_SCALE[1] or largest == 0 else largest
    scaled = finite if scale == 1.0 else finite / finite.dtype.type(scale)
    mean = float(np.add.reduce(scaled, dtype=np.float64 if n > 1 << 24 else None)) / n
    square_sum = float(np.dot(scaled, scaled))
    mean_square = square_sum / n
    variance = mean_square - mean * mean
    if mean * mean > 0.5 * mean_square:  # one pass would cancel digits: two passes in float64
        wide = scaled.astype(np.float64)
        mean = float(np.add.reduce(wide)) / n
        centered = wide - mean
        variance = float(np.dot(centered, centered)) / n
    # Of the scaled magnitudes too: the sum of |±1e308| overflows even in float64.
    scaled_abs = magnitudes if scale == 1.0 else np.abs(scaled)
    mean_abs = scale * (float(np.add.reduce(scaled_abs, dtype=np.float64 if n > 1 << 24 else None)) / n)
    norm, rms = scale * np.sqrt(square_sum), scale * np.sqrt(mean_square)
    return [norm, rms, scale * mean, scale * np.sqrt(max(variance, 0.0)), low, high, largest, mean_abs]


@dataclass(frozen=True)
class TensorStats:
    """The statistics and flags of one tensor (one row of a GradientSummary)."""

    name: str
    shape: tuple
    size: int
    norm: float
    rms: float
    mean: float
    std: float
    min: float
    max: float
    max_abs: float
    mean_abs: float
    zero_fraction: float
    tiny_fraction: float
    nan_count: int
    inf_count: int
    vanishing: bool
    exploding: bool
    nonfinite: bool

    @classmethod
    def of(cls, name, values, thresholds):
        """``TensorStats.of("W", grad_value, Thresholds.resolve())``"""
        values = np.asarray(values)
        stats = compute_stats(values, thresholds.tiny)
        numbers = [float(v) for v in stats[:10]] + [int(v) for v in stats[10:]]
        return cls(name, values.shape, values.size, *numbers, *thresholds.flags(stats))

    @property
    def flags(self):
        """The names of the flags raised, e.g. ("vanishing",)."""
        return tuple(flag for flag in FLAGS if getattr(self, flag))

    def as_dict(self):
        return {f.name: getattr(self, f.name) for f in fields(self)}


class GradientSummary:
    """Rows of TensorStats, one per tensor; a table in print() and in Jupyter.

    >>> s = gv.gradient_summary({"W": np.full((2, 2), 1e-9)})
    >>> s["W"].vanishing, s.flagged("vanishing")     # (True, ['W'])
    """

    def __init__(self, rows, thresholds, arrays=None):
        self.rows = list(rows)
        self.thresholds = thresholds
        self._arrays = arrays  # the values, kept for the HTML histograms

    @property
    def names(self):
        return [row.name for row in self.rows]

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, key):
        if isinstance(key, int | slice):
            return self.rows[key]
        for row in self.rows:
            if row.name == key:
                return row
        raise KeyError(f"No tensor named {key!r} in this summary (names: {self.names})")

    def flagged(self, flag: str) -> list[str]:
        """Names of the tensors with `flag` ("vanishing", "exploding" or "nonfinite") raised."""
        if flag not in FLAGS:
            raise ValueError(f"Unknown flag {flag!r}; choose one of {FLAGS}")
        return [row.name for row in self.rows if getattr(row, flag)]

    @property
    def healthy(self):
        """True when no tensor has any flag raised."""
        return not any(row.flags for row in self.rows)

    def to_dict(self) -> dict[str, list]:
        """Column name -> list of values, one per tensor (ready for pandas.DataFrame)."""
        columns = [f.name for f in fields(TensorStats)]
        return {c: [getattr(row, c) for row in self.rows] for c in columns}

    def to_pandas(self) -> pandas.DataFrame:
        """`to_dict()` as a pandas DataFrame, one row per tensor (needs pandas: `gradviz[pandas]`).

        >>> summary.to_pandas().set_index("name").loc["W", "rms"]
        """
        return dataframe(self.to_dict())

    def log_histograms(self, bins: int = 24) -> tuple[np.ndarray, list[np.ndarray]]:
        """Histograms of log10 |g| (non-zero finite entries) on one shared axis for all rows.

        Returns (edges, counts): edges has bins + 1 entries, counts one array per row. The shared
        axis lets the eye compare rows: a vanishing tensor's mass sits to the left.
        """
        logs = [_log_magnitudes(a) for a in self._arrays or []]
        nonempty = [x for x in logs if x.size]
        if not nonempty:
            return np.linspace(-1.0, 1.0, bins + 1), [np.zeros(bins, int) for _ in logs]
        low = np.floor(min(x.min() for x in nonempty))
        high = max(np.ceil(max(x.max() for x in nonempty)), low + 1)
        edges = np.linspace(low, high, bins + 1)
        return edges, [np.histogram(x, edges)[0] for x in logs]

    def plot_gradient_flow(self, **kwargs: Any) -> Figure:
        """Max and mean |g| per tensor, in order, on a log scale (a matplotlib Figure)."""
        return pictures.render("plot_gradient_flow", self, **kwargs)

    def __str__(self):
        return summary_text(self)

    __repr__ = __str__

    def _repr_html_(self):
        return pictures.render("summary_html", self)


def dataframe(columns):
    """A pandas DataFrame of column -> values; pandas is optional, so imported only here."""
    try:
        import pandas  # lazy: saves import time, and pandas is an optional extra
    except ImportError:
        raise ImportError(
            "to_pandas() needs pandas: pip install pandas (or pip install 'gradviz[pandas]')"
        ) from None
    return pandas.DataFrame(columns)


def _log_magnitudes(array):
    magnitudes = np.abs(np.asarray(array, dtype=np.float64).ravel())
    magnitudes = magnitudes[np.isfinite(magnitudes) & (magnitudes > 0)]
    return np.log10(magnitudes)


def gradient_summary(
    values_or_tensors: Any,
    names: str | Sequence[str] | None = None,
    session: Session | None = None,
    feed_dict: FeedDict = None,
    vanishing: float | None = None,
    exploding: float | None = None,
    tiny: float | None = None,
) -> GradientSummary:
    """Statistics and flags for each gradient (or any tensor or array), as a GradientSummary.

    >>> grads = gv.gradients(loss, [W1, W2])
    >>> gv.gradient_summary(grads, feed_dict={X: x})           # names: the tensor names
    >>> gv.gradient_summary(opt.compute_gradients(loss), feed_dict={X: x})   # names: the variables
    >>> gv.gradient_summary({"dW": np.zeros(3)}, vanishing=1e-9)
    >>> gv.gradient_summary(trace)        # a BackpropTrace: its xs' gradients (PyTorch too)

    `values_or_tensors` is one tensor or array, a list of them, a list of (gradient, variable)
    pairs, or a dict name -> tensor or array. Tensors are evaluated together in one run of
    `session` (else the default session, else a new one with variables at their initial values);
    numpy arrays are taken as they are. None entries (unconnected gradients) are left out.
    Thresholds default to the module's VANISHING, EXPLODING and TINY.
    """
    pairs = [(name, checked_value(name, v)) for name, v in named_items(values_or_tensors, names)]
    thresholds = Thresholds.resolve(vanishing, exploding, tiny)
    tensors = [v for _, v in pairs if isinstance(v, Tensor)]
    if tensors:
        graph = graph_of(tensors, what="tensors")
        check_session(session, graph)
        check_feed_dict(feed_dict, graph)
    values = _evaluate([v for _, v in pairs], session, feed_dict)
    rows = [TensorStats.of(name, v, thresholds) for (name, _), v in zip(pairs, values, strict=True)]
    return GradientSummary(rows, thresholds, arrays=values)


def named_items(items, names=None):
    """[(name, tensor or array)] from any of gradient_summary's accepted inputs, Nones dropped."""
    if items is None:
        raise TypeError("values_or_tensors is None: pass tensors, arrays, (grad, var) pairs or a dict")
    if isinstance(items, BackpropTrace):  # one row per x: "fc1.weight" for a PyTorch parameter
        pairs = list(zip(items.x_names, items.grads, strict=True))
    elif isinstance(items, dict):
        pairs = [(str(k), v) for k, v in items.items()]
    else:
        items = list(items) if isinstance(items, list | tuple) else [items]
        pairs = [_name_of(item, i) for i, item in enumerate(items)]
    if names is not None:
        if not isinstance(names, str | list | tuple) or not all(
            isinstance(n, str) for n in ([names] if isinstance(names, str) else names)
        ):
            raise TypeError(f"names must be a string or a list of strings, got {describe(names)}")
        names = [names] if isinstance(names, str) else list(names)
        if len(names) != len(pairs):
            raise ValueError(f"names: got {len(names)} names for {len(pairs)} tensors")
        pairs = [(str(n), v) for n, (_, v) in zip(names, pairs, strict=True)]
    return [(n, v) for n, v in pairs if v is not None]


def checked_value(name, value):
    """A Tensor as it is, anything else as a real numeric array; complex values are rejected (the
    statistics and flags are defined for real gradients), and so are strings and objects."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, str | bytes | Operation):
        raise TypeError(f"'{name}' must be a Tensor or an array of numbers, got {describe(value)}")
    array = as_array(value, f"'{name}'")
    if array.dtype.kind == "c":
        raise TypeError(
            f"'{name}' is complex ({array.dtype}): gradient statistics are defined for real values; "
            "pass np.abs(g) to summarise magnitudes, or g.real and g.imag as two entries"
        )
    if array.dtype.kind not in "fiub":
        raise TypeError(f"'{name}' must hold numbers, got an array of dtype {array.dtype}")
    return array


def _name_of(item, index):
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], Tensor):
        return item[1].op.name, item[0]  # a (gradient, variable) pair
    if isinstance(item, Tensor):
        return item.name, item
    return f"[{index}]", item


def _evaluate(items, session, feed_dict):
    """Tensors evaluated in one Session.run; arrays passed through."""
    tensors = [t for t in items if isinstance(t, Tensor)]
    if not tensors:
        return [np.asarray(v) for v in items]
    graph = tensors[0].graph
    values = iter(session_for(graph, session).run(tensors, feed_dict))
    return [np.asarray(next(values)) if isinstance(v, Tensor) else np.asarray(v) for v in items]


# -- text (the HTML table is the visual layer's: gradviz.viz.tables) ---------------------------
SUMMARY_COLUMNS = (
    ("norm", "norm"),
    ("rms", "rms"),
    ("mean", "mean"),
    ("std", "std"),
    ("min", "min"),
    ("max", "max"),
    ("max_abs", "max|g|"),
    ("zero_fraction", "zeros"),
    ("tiny_fraction", "tiny"),
    ("nan_count", "NaN"),
    ("inf_count", "Inf"),
)


def fmt_stat(column, value):
    """A statistic as table text: fractions as percentages, counts as integers."""
    if column.endswith("_fraction"):
        return "—" if value != value else f"{100 * value:.3g}%"
    if column.endswith("_count"):
        return str(int(value))
    return fmt_number(value)


def thresholds_text(thresholds):
    return (
        f"vanishing: rms < {fmt_number(thresholds.vanishing)}, "
        f"exploding: rms > {fmt_number(thresholds.exploding)}, "
        f"tiny: |g| < {fmt_number(thresholds.tiny)}"
    )


def summary_text(summary):
    """A GradientSummary as a text table for print() and logs."""
    header = ["tensor", "shape"] + [label for _, label in SUMMARY_COLUMNS] + ["flags"]
    align = "ll" + "r" * len(SUMMARY_COLUMNS) + "l"
    rows = []
    for row in summary.rows:
        stats = [fmt_stat(c, getattr(row, c)) for c, _ in SUMMARY_COLUMNS]
        rows.append([row.name, fmt_shape(row.shape), *stats, ", ".join(row.flags) or "ok"])
    title = f"Gradient summary: {len(summary.rows)} tensors ({thresholds_text(summary.thresholds)})"
    return title + "\n" + text_table(header, rows, align)
