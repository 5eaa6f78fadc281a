"""The TF1 program corpus (tests/tf1_corpus): each program from a public tutorial or post runs
unmodified with ``import gradviz as tf`` and gives TensorFlow's numbers, as recorded from real
TensorFlow (tensorflow-cpu, tf.compat.v1) by scripts/record_tf_reference.py. Values that depend
on TensorFlow's random draws are compared by shape or against a loss threshold."""

import numpy as np
import pytest

import gradviz as gv

from .tf1_corpus import runner

REFERENCE = runner.load_reference()
PROGRAMS = runner.programs()


def test_the_corpus_is_complete_and_recorded():
    assert len(PROGRAMS) >= 25
    assert sorted(REFERENCE["programs"]) == [p.stem for p in PROGRAMS]
    for path in PROGRAMS:
        header = path.read_text(encoding="utf-8").splitlines()[0]
        assert header.startswith("# Source: "), path.name


def check(name, ours, theirs, rule):
    value = np.asarray(ours)
    assert list(value.shape) == theirs["shape"], f"{name}: shape {value.shape} vs {theirs['shape']}"
    expected = np.asarray(theirs["value"], dtype=float if theirs["kind"] != "b" else bool)
    if rule == "shape":
        return
    if isinstance(rule, tuple):
        kind, threshold = rule
        for who, v in (("gradviz", value), ("TensorFlow", expected)):
            ok = np.all(v <= threshold) if kind == "below" else np.all(v >= threshold)
            assert ok, f"{name}: {who}'s {v} is not {kind} {threshold}"
        return
    if theirs["kind"] == "b":
        np.testing.assert_array_equal(value, expected, err_msg=name)
    else:
        np.testing.assert_allclose(value.astype(float), expected, rtol=2e-4, atol=2e-5, err_msg=name)


@pytest.mark.parametrize("path", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_program_gives_tensorflows_numbers(path):
    results, compare = runner.run(path, reset=gv.reset_default_graph)
    theirs = REFERENCE["programs"][path.stem]
    assert sorted(results) == sorted(theirs)
    for name, value in results.items():
        check(name, value, theirs[name], compare.get(name, "value"))
