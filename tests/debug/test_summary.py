"""gradient_summary: statistics equal numpy's, flags at the right layers of deep chains, names,
thresholds, and the text and HTML tables."""

import numpy as np
import pytest

import gradviz as gv
from gradviz.debug import summary as summary_module
from gradviz.debug.summary import STATS, compute_stats
from tests.debug.models import chain, layer_names

RNG = np.random.default_rng(7)


def numpy_stats(array, tiny=1e-8):
    """The reference: numpy in float64 over the finite entries; fractions over all entries."""
    a = np.asarray(array, dtype=np.float64).ravel()
    f = a[np.isfinite(a)]
    return {
        "norm": np.linalg.norm(f),
        "rms": np.sqrt(np.mean(f**2)),
        "mean": np.mean(f),
        "std": np.std(f),
        "min": np.min(f),
        "max": np.max(f),
        "max_abs": np.max(np.abs(f)),
        "mean_abs": np.mean(np.abs(f)),
        "zero_fraction": np.mean(a == 0),
        "tiny_fraction": np.mean(np.abs(a) < tiny),
        "nan_count": np.isnan(a).sum(),
        "inf_count": np.isinf(a).sum(),
    }


ARRAYS = {
    "float32 matrix": RNG.standard_normal((64, 48)).astype(np.float32) * 1e-3,
    "float64 vector": RNG.standard_normal(1000) * 5 + 2,
    "ints": np.arange(-5, 7),
    "large offset": (1000 + RNG.standard_normal(500) * 1e-3).astype(np.float32),
    "vanishing 1e-21": (RNG.standard_normal((16, 16)) * 1e-21).astype(np.float32),
    "huge 1e30": (RNG.standard_normal(100) * 1e30).astype(np.float32),
    "zeros and tiny": np.array([0.0, 0.0, 1e-9, -1e-10, 0.5, -2.0], np.float32),
    "nan and inf": np.array([np.nan, 1.0, np.inf, -np.inf, 0.0, 3.0, np.nan], np.float32),
    "scalar": np.float32(-2.5),
}


@pytest.mark.parametrize("key", ARRAYS)
def test_every_statistic_equals_numpy(key):
    got = dict(zip(STATS, compute_stats(ARRAYS[key]), strict=True))
    want = numpy_stats(ARRAYS[key])
    for stat in STATS:
        assert got[stat] == pytest.approx(want[stat], rel=2e-6, abs=0), stat


def test_nan_and_inf_are_counted_and_the_rest_summarised():
    row = gv.gradient_summary({"g": ARRAYS["nan and inf"]})["g"]
    assert (row.nan_count, row.inf_count, row.size) == (2, 2, 7)
    assert (row.min, row.max, row.mean) == (0.0, 3.0, pytest.approx(4 / 3))
    assert row.zero_fraction == pytest.approx(1 / 7)
    assert row.nonfinite and row.flags == ("nonfinite",)


def test_all_nonfinite_and_empty_tensors_have_nan_statistics_and_no_size_flags():
    summary = gv.gradient_summary({"nan": np.full(3, np.nan), "empty": np.zeros((0, 4))})
    assert np.isnan(summary["nan"].norm) and summary["nan"].nan_count == 3
    assert summary["nan"].flags == ("nonfinite",)
    assert np.isnan(summary["empty"].rms) and summary["empty"].size == 0
    assert summary["empty"].flags == ()


def test_flags_compare_the_rms_with_the_thresholds():
    values = {"small": np.full(100, 1e-7), "fine": np.full(100, 0.1), "big": np.full(4, 2e3)}
    summary = gv.gradient_summary(values)
    assert summary.flagged("vanishing") == ["small"]
    assert summary.flagged("exploding") == ["big"]
    assert summary.flagged("nonfinite") == []
    assert not summary.healthy
    assert summary["fine"].flags == ()


def test_thresholds_can_be_changed_per_call_and_by_the_module_defaults(monkeypatch):
    values = {"g": np.full(10, 1e-7)}
    assert gv.gradient_summary(values, vanishing=1e-8)["g"].flags == ()
    assert gv.gradient_summary(values, vanishing=1e-9, exploding=1e-8)["g"].flags == ("exploding",)
    monkeypatch.setattr(summary_module, "VANISHING", 1e-9)
    summary = gv.gradient_summary(values)
    assert summary["g"].flags == () and summary.thresholds.vanishing == 1e-9
    tiny = gv.gradient_summary({"g": np.array([1e-7, 1.0])}, tiny=1e-6)["g"]
    assert tiny.tiny_fraction == 0.5


def test_unknown_flag_is_a_clear_error():
    with pytest.raises(ValueError, match="Unknown flag 'vanished'"):
        gv.gradient_summary({"g": np.ones(2)}).flagged("vanished")


# -- the deep chains of the issue ----------------------------------------------------------------
def test_sigmoid_chain_of_30_layers_vanishes_in_the_first_23_layers():
    c = chain(gv.sigmoid)
    with c.graph.as_default():
        grads_and_vars = gv.train.GradientDescentOptimizer(0.1).compute_gradients(c.loss, c.weights)
    summary = gv.gradient_summary(grads_and_vars, session=c.session, feed_dict=c.feed)
    assert summary.names == layer_names(range(1, 31))
    assert summary.flagged("vanishing") == layer_names(range(1, 24))
    assert summary.flagged("exploding") == [] and summary.flagged("nonfinite") == []
    rms = [row.rms for row in summary]
    assert rms[0] < 1e-20 and rms[-1] > 1e-3  # σ' ≤ 1/4 per layer: ~20 orders of magnitude
    assert all(a < b for a, b in zip(rms, rms[1:]))


def test_relu_chain_with_large_weights_explodes_all_weights_and_the_first_18_activations():
    c = chain(gv.nn.relu, weight_scale=3 * np.sqrt(2))  # three times He init: gain 3 per layer
    with c.graph.as_default():
        weight_grads = gv.gradients(c.loss, c.weights)
        activation_grads = gv.gradients(c.loss, c.activations[:-1])
    weights = gv.gradient_summary(weight_grads, layer_names(range(1, 31)), c.session, c.feed)
    assert weights.flagged("exploding") == weights.names
    names = [f"h{i}" for i in range(1, 30)]
    activations = gv.gradient_summary(activation_grads, names, c.session, c.feed)
    assert activations.flagged("exploding") == names[:18]  # grows ~×3 per layer towards the input
    assert activations["h1"].rms > 1e10 and activations["h29"].rms < 0.01
    assert activations.flagged("vanishing") == []


# -- inputs and names ----------------------------------------------------------------------------
def test_tensors_are_named_by_tensor_name_and_pairs_by_variable():
    x = gv.placeholder("float32", [2], name="x")
    w = gv.Variable(np.array([1.0, 2.0], np.float32), name="w")
    y = gv.reduce_sum(w * x * x)
    (gw, gx) = gv.gradients(y, [w, x])
    sess = gv.Session()
    sess.run(gv.global_variables_initializer())
    feed = {x: np.array([3.0, 4.0], np.float32)}
    by_tensor = gv.gradient_summary([gw, gx], session=sess, feed_dict=feed)
    assert by_tensor.names == [gw.name, gx.name]
    assert by_tensor[gw.name].norm == pytest.approx(np.hypot(9, 16))
    assert by_tensor[1].max == pytest.approx(16.0)  # 2 w x = (6, 16)
    pairs = gv.gradient_summary([(gw, w), (None, x)], session=sess, feed_dict=feed)
    assert pairs.names == ["w"]  # the unconnected (None) gradient is left out
    with sess.as_default():
        mixed = gv.gradient_summary({"dw": gw, "numbers": np.array([1e-30])}, feed_dict=feed)
    assert mixed.names == ["dw", "numbers"] and mixed["numbers"].vanishing


def test_arrays_get_positional_names_unless_names_are_given():
    assert gv.gradient_summary([np.ones(2), np.zeros(2)]).names == ["[0]", "[1]"]
    assert gv.gradient_summary([np.ones(2)], names=["a"]).names == ["a"]
    assert gv.gradient_summary(np.ones(3)).names == ["[0]"]
    with pytest.raises(ValueError, match="names: got 1 names for 2 tensors"):
        gv.gradient_summary([np.ones(2), np.ones(2)], names=["a"])


def test_to_dict_has_one_column_per_field():
    table = gv.gradient_summary({"a": np.array([3.0, -4.0]), "b": np.zeros(2)}).to_dict()
    assert table["name"] == ["a", "b"]
    assert table["norm"] == [5.0, 0.0]
    assert table["vanishing"] == [False, True]
    assert table["shape"] == [(2,), (2,)]


# -- text and HTML -------------------------------------------------------------------------------
def small_summary():
    return gv.gradient_summary(
        {"layer1/W": np.full((2, 3), 1e-9), "layer2/W": np.array([3.0, -4.0]), "bad": [np.nan, 1.0]}
    )


def test_text_table_has_a_row_per_tensor_with_numbers_and_flags():
    lines = str(small_summary()).splitlines()
    assert lines[0] == (
        "Gradient summary: 3 tensors (vanishing: rms < 1e-06, exploding: rms > 1000, tiny: |g| < 1e-08)"
    )
    assert lines[1].split() == [
        "tensor", "shape", "norm", "rms", "mean", "std", "min", "max", "max|g|", "zeros", "tiny",
        "NaN", "Inf", "flags",
    ]  # fmt: skip
    assert lines[3].split() == ["layer1/W", "(2,", "3)", "2.449e-09", "1e-09", "1e-09", "0", "1e-09",
                                "1e-09", "1e-09", "0%", "100%", "0", "0", "vanishing"]  # fmt: skip
    assert lines[4].split()[:4] == ["layer2/W", "(2)", "5", "3.536"]
    assert lines[4].split()[-1] == "ok"
    assert lines[5].split()[-3:] == ["1", "0", "nonfinite"]


def test_html_table_colours_flags_and_draws_a_histogram_per_row():
    page = small_summary()._repr_html_()
    assert page.count("<tr") == 4 and page.count("<svg") == 3
    assert ">vanishing</span>" in page and "#3163ce" in page  # blue badge
    assert ">nonfinite</span>" in page and "#7d3c98" in page
    assert ">ok</span>" in page
    assert page == small_summary()._repr_html_()  # deterministic
    assert "id=" not in page


def test_log_histograms_share_one_axis_and_count_nonzero_finite_entries():
    summary = small_summary()
    edges, counts = summary.log_histograms(bins=10)
    assert edges[0] == -9.0 and edges[-1] == 1.0 and len(edges) == 11
    assert [c.sum() for c in counts] == [6, 2, 1]
    assert counts[0][0] == 6  # 1e-9 sits in the first bin
