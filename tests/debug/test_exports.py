"""Summaries and monitor histories go to pandas; the monitor shows as an HTML table in Jupyter."""

import re
import sys

import numpy as np
import pytest

import gradviz as gv

pd = pytest.importorskip("pandas")


def vanishing_monitor():
    monitor = gv.GradientMonitor(names=["layer1/W", "layer2/W"])
    for step in range(6):
        nan = np.nan if step == 4 else 1.0
        monitor.record(step, [np.full((3, 2), 10.0 ** (-2 * step)), np.array([1.0, 2.0, nan])])
    return monitor


def test_summary_to_pandas_has_one_row_per_tensor_with_the_summary_values():
    summary = gv.gradient_summary({"W": np.full((2, 2), 1e-9), "b": np.array([3.0, -4.0])})
    df = summary.to_pandas()
    assert list(df["name"]) == ["W", "b"]
    assert list(df.columns) == list(summary.to_dict())
    row = df.set_index("name").loc["b"]
    assert row["norm"] == pytest.approx(5.0) and row["max_abs"] == pytest.approx(4.0)
    assert row["size"] == 2 and row["shape"] == (2,)
    assert df["vanishing"].tolist() == [True, False]
    assert df["vanishing"].dtype == bool and df["nan_count"].dtype.kind == "i"


def test_monitor_to_pandas_is_the_long_history_table():
    monitor = vanishing_monitor()
    df = monitor.to_pandas()
    assert len(df) == 6 * 2 and list(df.columns) == list(monitor.columns())
    norms = df.pivot(index="step", columns="name", values="norm")
    np.testing.assert_allclose(norms["layer1/W"], monitor.history("norm", "layer1/W"))
    assert df["step"].dtype.kind == "i" and df["nonfinite"].dtype == bool
    first = df[df["vanishing"]].groupby("name")["step"].min().to_dict()
    assert first == monitor.first_flagged("vanishing")
    assert df.query("step == 4 and name == 'layer2/W'")["nan_count"].item() == 1


def test_to_pandas_without_pandas_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"gradviz\[pandas\]"):
        vanishing_monitor().to_pandas()


def test_monitor_html_shows_the_last_step_sparklines_and_first_flags():
    monitor = vanishing_monitor()
    page = monitor._repr_html_()
    assert page.startswith('<div class="gradviz-monitor">')
    rows = re.findall(r"<tr style=\"[^\"]*\">(.*?)</tr>", page)
    assert len(rows) == 2
    assert "Table: step 5" in page
    # layer1/W at step 5: every entry 1e-10 → norm √6·1e-10, vanishing now; first at step 4
    # (rms 1e-8; at step 3 the rms is exactly 1e-6, not below the threshold).
    assert "2.449e-10" in rows[0] and "vanishing at step 4" in rows[0] and "vanishing</span>" in rows[0]
    # layer2/W: NaN at step 4 only, fine again at step 5: badge ok, first nonfinite at step 4.
    assert "ok</span>" in rows[1] and "nonfinite at step 4" in rows[1]
    assert len(re.findall(r"<svg ", page)) == 2  # one sparkline per tensor
    assert page.count("<polyline") >= 2
    nan_ticks = re.findall(r'<line x1="[\d.]+" y1="19" x2="[\d.]+" y2="26" stroke="#[0-9a-f]+"/>', page)
    assert len(nan_ticks) == 1
    assert page == vanishing_monitor()._repr_html_()  # deterministic: safe for nbval


def test_an_empty_monitor_has_a_short_html():
    page = gv.GradientMonitor(names=["w"])._repr_html_()
    assert "no steps yet" in page and "<table" not in page


def test_sparkline_thins_a_long_run_to_its_width():
    from gradviz.viz.tables import trend_svg

    svg = trend_svg(np.logspace(0, -8, 5000), width=100)
    (points,) = re.findall(r'points="([^"]+)"', svg)
    assert len(points.split()) == 100
