"""GradientMonitor: gradient statistics at every training step, the first step each flag appeared,
a table to export, and plots.

    grads_and_vars = opt.compute_gradients(loss)
    train_op = opt.apply_gradients(grads_and_vars)
    monitor = gv.GradientMonitor(grads_and_vars)                 # rows named by the variables
    for step in range(500):
        _, loss_value = monitor.run(sess, [train_op, loss], feed_dict, step=step)   # was sess.run
    monitor.first_flagged()   # {"vanishing": {"layer1/W": 0}, "exploding": {}, "nonfinite": {}}
    monitor.plot_norms(); monitor.plot_distributions(); monitor.plot_gradient_flow()

With your own fetch list: ``_, grads = sess.run([train_op, monitor.fetches], feed)`` and then
``monitor.record(step, grads)``. Either way the gradients come out of the very run that trains, so
nothing is computed twice.

What is exact, and what is sampled. A step must stay cheap (benchmarks/monitor.py: under 10 % of
a 784-512-512-10 MLP's step), so `record` makes one pass over each tensor and keeps a fixed sample:
  - exact at every step: the L2 norm and rms (one BLAS dot), hence the vanishing and exploding
    flags, and the NaN/Inf test (the dot is not finite); a tensor holding a NaN or Inf gets every
    statistic computed over all its entries, as `gradient_summary` does;
  - from a fixed random sample of `sample_size` entries (the same positions at every step; all
    entries of a smaller tensor, so exact there): mean, std, min, max, max |g|, mean |g|, the zero
    and tiny fractions, and the distribution percentiles PERCENTILES (TensorBoard's bands). These
    are summarised in batches of steps, vectorised, when they are first read.
``GradientMonitor(..., exact=True)`` computes every statistic over all entries at every step, at
several times the cost.
"""

from __future__ import annotations

import csv
import itertools
import math
from collections.abc import Sequence
from os import PathLike
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine.graph import Tensor, graph_of
from ..engine.hints import FeedDict, Fetches
from ..engine.session import Session
from ..engine.validate import check_bool, check_int, check_tensor, describe
from ..format import fmt_number, text_table
from . import pictures
from ._stepstats import PERCENTILES, measure, summarise
from .summary import FLAGS, STATS, Thresholds, checked_value, dataframe, named_items

if TYPE_CHECKING:
    import pandas
    from matplotlib.figure import Figure

_P_COLUMNS = tuple(f"p{p}" for p in PERCENTILES)


class GradientMonitor:
    """Records STATS, FLAGS and PERCENTILES of chosen tensors (usually gradients) over steps.

    >>> monitor = gv.GradientMonitor({"dW": grad_W, "db": grad_b})
    >>> monitor.record(0, [np.zeros((3, 2)), np.ones(2)])
    >>> monitor.first_step("vanishing")        # 0: dW is all zeros
    """

    BATCH = 256  # steps whose samples are summarised together (bounds the memory they hold)

    def __init__(
        self,
        tensors: Any = None,
        names: str | Sequence[str] | None = None,
        vanishing: float | None = None,
        exploding: float | None = None,
        tiny: float | None = None,
        sample_size: int = 1024,
        exact: bool = False,
        seed: int = 0,
    ) -> None:
        if tensors is None:  # record() only, with arrays you compute yourself
            names = [names] if isinstance(names, str) else names
            if names is not None and not (
                isinstance(names, list | tuple) and all(isinstance(n, str) for n in names)
            ):
                raise TypeError(f"names must be a string or a list of strings, got {describe(names)}")
            pairs = [(n, None) for n in names or []]
        else:
            pairs = named_items(tensors, names)
            for name, tensor in pairs:  # fetched at each step: they must be tensors of one graph
                check_tensor(tensor, f"GradientMonitor: tensors entry '{name}'")
            graph_of([t for _, t in pairs], what="monitored tensors")
        self.names = [name for name, _ in pairs]
        self.fetches = [tensor for _, tensor in pairs if tensor is not None]
        self.thresholds = Thresholds.resolve(vanishing, exploding, tiny)
        self.sample_size = check_int(sample_size, "sample_size", minimum=1)
        self.exact, self.seed = check_bool(exact, "exact"), check_int(seed, "seed", minimum=0)
        self._sample_indices = {}
        self.clear()

    def clear(self) -> None:
        """Forget every recorded step (the watched tensors and thresholds stay)."""
        self.steps = []
        self._flags, self._stats, self._percentiles = [], [], []
        self._pending = []  # Measure lists of steps whose samples are not summarised yet
        self._first = {flag: {} for flag in FLAGS}

    # -- recording --------------------------------------------------------------------------------
    def run(
        self, session: Session, fetches: Fetches, feed_dict: FeedDict = None, step: int | None = None
    ) -> Any:
        """``session.run(fetches, feed_dict)`` that also fetches and records the watched tensors.

        >>> _, loss_value = monitor.run(sess, [train_op, loss], {X: x}, step=step)
        """
        results, values = session.run([fetches, self.fetches], feed_dict)
        self.record(self._next_step() if step is None else step, values)
        return results

    def record(self, step: int, values: Sequence[Any]) -> None:
        """Record one step from the values of `fetches` (same order), e.g. from your own run."""
        check_int(step, "step")
        if not isinstance(values, list | tuple):
            raise TypeError(f"record: values must be a list of arrays, got {describe(values)}")
        if not self.names:
            raise ValueError("This GradientMonitor watches no tensors: pass tensors or names")
        if len(values) != len(self.names):
            raise ValueError(f"record() got {len(values)} values for {len(self.names)} tensors")
        values = [checked_value(name, v) for name, v in zip(self.names, values, strict=True)]
        for name, v in zip(self.names, values, strict=True):
            if isinstance(v, Tensor):
                raise TypeError(f"record: the value for '{name}' is a Tensor; pass its fetched value")
        tiny = self.thresholds.tiny
        with np.errstate(all="ignore"):  # an overflow is a finding here, not a warning
            measures = [
                measure(v, self._sample(i, np.size(v)), tiny, self.exact) for i, v in enumerate(values)
            ]
        self._add_step(int(step), np.array([self._flags_of(m) for m in measures], dtype=bool))
        # Only the samples are kept: holding on to the values would keep a second copy of every
        # gradient alive into the next step, which slows that step measurably.
        self._pending.append(measures)
        if len(self._pending) >= self.BATCH:
            self._summarise()

    def _flags_of(self, m):
        if m.exact is not None:
            return self.thresholds.flags(m.exact[0])
        rms = m.norm / math.sqrt(m.size)
        return rms < self.thresholds.vanishing, rms > self.thresholds.exploding, False

    def _next_step(self):
        return self.steps[-1] + 1 if self.steps else 0

    def _add_step(self, step, flags):
        self.steps.append(step)
        self._flags.append(flags)
        if not flags.any():
            return
        for j, flag in enumerate(FLAGS):
            for i in np.flatnonzero(flags[:, j]):
                self._first[flag].setdefault(self.names[i], step)

    def _summarise(self):
        """Turn the pending steps' samples into STATS and PERCENTILES rows."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        columns = [
            summarise([step[i] for step in pending], self.thresholds.tiny)
            for i in range(len(self.names))
        ]
        self._stats.extend(np.stack([c[0] for c in columns], axis=1))
        self._percentiles.extend(np.stack([c[1] for c in columns], axis=1))

    def _sample(self, i, size):
        """Fixed random positions for tensor i (None: small enough to keep whole)."""
        if size <= self.sample_size:
            return None
        key = (i, size)
        if key not in self._sample_indices:
            rng = np.random.default_rng([self.seed, i])
            self._sample_indices[key] = np.sort(rng.choice(size, self.sample_size, replace=False))
        return self._sample_indices[key]

    # -- reading ----------------------------------------------------------------------------------
    def __len__(self):
        return len(self.steps)

    def history(self, stat: str, name: str | None = None) -> np.ndarray:
        """One statistic (a STATS or FLAGS name) over the recorded steps: shape (steps,) for one
        tensor, (steps, tensors) for all."""
        if stat in FLAGS:
            table = self._table(self._flags, len(FLAGS), bool)[:, :, FLAGS.index(stat)]
        elif stat in STATS:
            table = self._table(self._stats, len(STATS), float)[:, :, STATS.index(stat)]
        else:
            raise ValueError(f"Unknown statistic {stat!r}; choose from {STATS + FLAGS}")
        return table if name is None else table[:, self._index(name)]

    def percentiles(self, name: str) -> np.ndarray:
        """The PERCENTILES of one tensor over the recorded steps, shape (steps, 9)."""
        return self._table(self._percentiles, len(PERCENTILES), float)[:, self._index(name)]

    def _table(self, rows, width, dtype):
        self._summarise()
        if not rows:
            return np.zeros((0, len(self.names), width), dtype)
        return np.stack(rows)

    def _index(self, name):
        try:
            return self.names.index(name)
        except ValueError:
            raise KeyError(f"No tensor named {name!r} is monitored (names: {self.names})") from None

    def first_flagged(self, flag: str | None = None) -> dict:
        """{flag: {name: first step it was raised}}, or {name: step} for one flag."""
        if flag is not None:
            return dict(self._first[_checked_flag(flag)])
        return {f: dict(steps) for f, steps in self._first.items()}

    def first_step(self, flag: str, name: str | None = None) -> int | None:
        """The first step at which `flag` was raised (for `name`, or for any tensor); else None."""
        steps = self._first[_checked_flag(flag)]
        if name is not None:
            self._index(name)
            return steps.get(name)
        return min(steps.values(), default=None)

    # -- export -----------------------------------------------------------------------------------
    def columns(self) -> tuple[str, ...]:
        return ("step", "name", *STATS, *FLAGS, *_P_COLUMNS)

    def to_dict(self) -> dict[str, list]:
        """The history as a long table: column -> list, one entry per (step, tensor)."""
        table = {c: [] for c in self.columns()}
        self._summarise()
        for step, stats, flags, pcts in zip(self.steps, self._stats, self._flags, self._percentiles):
            for i, name in enumerate(self.names):
                row = [step, name, *map(float, stats[i]), *map(bool, flags[i]), *map(float, pcts[i])]
                for column, value in zip(table, row, strict=True):
                    table[column].append(value)
        return table

    def to_pandas(self) -> pandas.DataFrame:
        """`to_dict()` as a pandas DataFrame, one row per (step, tensor) (needs `gradviz[pandas]`).

        >>> monitor.to_pandas().pivot(index="step", columns="name", values="norm")
        """
        return dataframe(self.to_dict())

    def to_csv(self, path: str | PathLike) -> None:
        """Write `to_dict()` as CSV (floats in full precision, so `from_csv` reads back the same)."""
        table = self.to_dict()
        with open(path, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(table)
            writer.writerows(zip(*[map(_cell, column) for column in table.values()]))

    def to_tensorboard(self, logdir, prefix="gradients"):
        """Write the recorded history as TensorBoard scalars, one per tensor and statistic
        (``gradients/<name>/<stat>``, the flags as 0/1), at the recorded steps. Returns the
        event file's directory: ``tensorboard --logdir <logdir>``."""
        from tensorboard.compat.proto import summary_pb2

        from ..engine.summary import FileWriter

        table = self.to_dict()
        columns = [*STATS, *FLAGS, *_P_COLUMNS]
        rows = itertools.groupby(range(len(table["step"])), key=lambda i: table["step"][i])
        with FileWriter(logdir) as writer:
            for step, block in rows:
                values = [
                    summary_pb2.Summary.Value(
                        tag=f"{prefix}/{table['name'][i]}/{c}", simple_value=float(table[c][i])
                    )
                    for i in block
                    for c in columns
                    if math.isfinite(float(table[c][i]))
                ]
                writer.add_summary(summary_pb2.Summary(value=values), step)
        return str(logdir)

    @classmethod
    def from_csv(
        cls,
        path: str | PathLike,
        vanishing: float | None = None,
        exploding: float | None = None,
        tiny: float | None = None,
    ) -> GradientMonitor:
        """A monitor holding the history written by `to_csv` (ready to plot; no tensors to fetch)."""
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
        monitor = cls(vanishing=vanishing, exploding=exploding, tiny=tiny)
        monitor.names = list(dict.fromkeys(row["name"] for row in rows))
        for step, block in itertools.groupby(rows, key=lambda row: int(row["step"])):
            block = list(block)
            stats = np.array([[float(r[c]) for c in STATS] for r in block])
            flags = np.array([[r[c] == "True" for c in FLAGS] for r in block], dtype=bool)
            pcts = np.array([[float(r[c]) for c in _P_COLUMNS] for r in block])
            monitor._add_step(step, flags)
            monitor._stats.append(stats)
            monitor._percentiles.append(pcts)
        return monitor

    # -- plots ------------------------------------------------------------------------------------
    def plot_norms(self, **kwargs: Any) -> Figure:
        """L2 norm per tensor over steps, log scale; markers where a flag first appeared."""
        return pictures.render("plot_norms", self, **kwargs)

    def plot_distributions(self, **kwargs: Any) -> Figure:
        """TensorBoard-style percentile bands per tensor over steps."""
        return pictures.render("plot_distributions", self, **kwargs)

    def plot_gradient_flow(self, step: int | None = None, **kwargs: Any) -> Figure:
        """Max and mean |g| per tensor at one step (the last by default), log scale."""
        return pictures.render("plot_gradient_flow", self, step=step, **kwargs)

    # -- text -------------------------------------------------------------------------------------
    def __str__(self):
        return monitor_text(self)

    def _repr_html_(self):
        return pictures.render("monitor_html", self)

    def __repr__(self):
        span = f"steps {self.steps[0]}…{self.steps[-1]}" if self.steps else "no steps yet"
        return f"<gradviz.GradientMonitor: {len(self.names)} tensors, {len(self.steps)} records, {span}>"


def _checked_flag(flag):
    if flag not in FLAGS:
        raise ValueError(f"Unknown flag {flag!r}; choose one of {FLAGS}")
    return flag


def _cell(value):
    return repr(value) if isinstance(value, float) else str(value)


def monitor_text(monitor):
    """A GradientMonitor as text: the last recorded norm and rms, and each flag's first step."""
    span = f"steps {monitor.steps[0]}…{monitor.steps[-1]}" if monitor.steps else "no steps yet"
    title = f"GradientMonitor: {len(monitor.names)} tensors, {len(monitor.steps)} records, {span}"
    header = ["tensor", "last norm", "last rms"] + [f"first {flag}" for flag in FLAGS]
    first = monitor.first_flagged()
    rows = []
    for name in monitor.names:
        last = [monitor.history(s, name)[-1] if monitor.steps else np.nan for s in ("norm", "rms")]
        steps = [first[flag].get(name, "—") for flag in FLAGS]
        rows.append([name, *(fmt_number(v) for v in last), *steps])
    return title + "\n" + text_table(header, rows, "l" + "r" * (len(header) - 1))
