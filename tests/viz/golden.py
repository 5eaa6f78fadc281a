"""The drawings of the docs (docs/make_images.py, README, quickstart) and of gv.examples, by name.

    .venv/bin/python -m tests.viz.golden     # re-record tests/data/dot_golden/*.dot

The recorded DOT sources pin what a drawing looks like: a refactor of the visual layer must leave
them byte-identical (tests/viz/test_golden.py).
"""

import importlib.util
import sys
from pathlib import Path

import numpy as np

import gradviz as gv

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "data" / "dot_golden"


def _docs_script(name):
    spec = importlib.util.spec_from_file_location(f"docs_{name}", ROOT / "docs" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _more_linreg():
    """The README's drawing (in a session), a drawn trace, a highlight."""
    ex = gv.examples.linear_regression()
    cost, xs, feed = ex.cost, [ex.W, ex.b], ex.feed
    with ex.graph.as_default():
        sess = gv.Session()
        sess.run(gv.global_variables_initializer())
        return {
            "readme_backward": gv.draw_backward(cost, xs, feed_dict=feed, session=sess),
            "linreg_trace": gv.draw_trace(gv.trace_backward(cost, xs, feed_dict=feed, session=sess)),
            "linreg_highlight": gv.draw(cost, feed_dict=feed, highlight={"add": "here"}),
        }


def _more_examples(docs):
    ex = gv.examples.a_plus_2a()
    with ex.graph.as_default():
        partial = gv.draw_backward(ex.y, [ex.a, ex.b], stop_gradients=[ex.a, ex.b])
    with gv.Graph().as_default():
        loss, params, feed = docs.mlp()
        expanded = gv.draw_backward(loss, params, feed_dict=feed)
    with gv.Graph().as_default():  # the quickstart's
        x = gv.placeholder("float32", [], name="x")
        y = gv.Variable(2.0, name="y")
        f = x * y + gv.sin(x)
        sess = gv.Session()
        sess.run(gv.global_variables_initializer())
        quickstart = gv.draw_backward(f, [x, y], feed_dict={x: 1.5}, session=sess)
    return {"a_plus_2a_partial": partial, "expanded_mlp": expanded, "quickstart": quickstart}


def _health(health):
    """The drawings the debug results make: a wrong custom gradient, a NaN's origin."""
    with gv.Graph().as_default():
        loss, W, feed = health.wrong_gradient_model()
        check = gv.check_gradients(loss, [W], feed_dict=feed).draw()
        custom = gv.draw_backward(loss, [W], feed_dict=feed)
    with gv.Graph().as_default():
        x = gv.placeholder("float32", [3], name="x")
        y = gv.reduce_sum(gv.sqrt(x) * gv.log(x + 1.0))
        nonfinite = gv.find_nonfinite(y, [x], feed_dict={x: np.array([1.0, 0.0, 4.0], "float32")})
        return {"gradient_check": check, "custom_gradient": custom, "nonfinite": nonfinite.draw()}


def drawings():
    """Every golden drawing's DOT source, by name."""
    docs = _docs_script("make_images")
    found = dict(docs.drawings())
    found.update(_more_linreg())
    found.update(_more_examples(docs))
    found.update(_health(_docs_script("make_health_images")))
    return {name: drawing.source for name, drawing in found.items()}


def record():
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name, source in drawings().items():
        (GOLDEN / f"{name}.dot").write_text(source, encoding="utf-8")
        print(GOLDEN / f"{name}.dot")


if __name__ == "__main__":
    sys.exit(record())
