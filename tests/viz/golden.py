"""The drawings of the docs (docs/make_images.py, README, quickstart) and of gv.examples, by name.

    .venv/bin/python -m tests.viz.golden     # re-record tests/data/dot_golden/*.dot

The recorded DOT sources pin what a drawing looks like: a refactor of the visual layer must leave
them byte-identical (tests/viz/test_golden.py).
"""

import sys
from pathlib import Path

import numpy as np

import gradviz as gv

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "dot_golden"


def _linreg():
    ex = gv.examples.linear_regression()
    cost, xs, feed = ex.cost, [ex.W, ex.b], ex.feed
    with ex.graph.as_default():
        sess = gv.Session()
        sess.run(gv.global_variables_initializer())
        return {
            "linreg_forward": gv.draw(cost, feed_dict=feed, title="linear regression: forward"),
            "linreg_backward": gv.draw_backward(
                cost, xs, feed_dict=feed, title="linear regression: ∂cost/∂W and ∂cost/∂b"
            ),
            "grad_ops": gv.draw_backward(
                cost, xs, feed_dict=feed, show_grad_ops=True, title="the gradient ops gradients() added"
            ),
            "readme_backward": gv.draw_backward(cost, xs, feed_dict=feed, session=sess),
            "linreg_trace": gv.draw_trace(gv.trace_backward(cost, xs, feed_dict=feed, session=sess)),
            "linreg_highlight": gv.draw(cost, feed_dict=feed, highlight={"add": "here"}),
        }


def _a_plus_2a():
    ex = gv.examples.a_plus_2a()
    y, a, b = ex.y, ex.a, ex.b
    with ex.graph.as_default():
        y2 = gv.add(gv.stop_gradient(a, name="c"), b, name="y2")
        return {
            "partial_vs_total": gv.compare_backward(
                y,
                [a, b],
                right={"stop_gradients": [a, b]},
                titles=("total derivative", "partial derivative: stop_gradients=[a, b]"),
            ),
            "explain_stop_gradient": gv.draw_backward(
                y2, [a], explain=a, title="why is ∂y2/∂a only 2? explain=a"
            ),
            "a_plus_2a_partial": gv.draw_backward(y, [a, b], stop_gradients=[a, b]),
        }


def _magnitude():
    with gv.Graph().as_default():
        x = gv.placeholder("float32", [], name="x")
        h = x
        for i in range(10):
            h = gv.sigmoid(h, name=f"sigmoid_{i}")
        y = gv.multiply(h, 1e4, name="y")
        drawing = gv.draw_backward(
            y,
            [x],
            feed_dict={x: 8.0},
            color_by_magnitude=True,
            rankdir="TB",
            title="color_by_magnitude: a vanishing path",
        )
        return {"magnitude": drawing}


def _mlp():
    with gv.Graph().as_default():
        rng = np.random.RandomState(0)
        inputs = gv.placeholder("float32", [4, 3], name="inputs")
        labels = gv.placeholder("float32", [4, 1], name="labels")
        h, params = inputs, []
        for i, (n_in, n_out) in enumerate([(3, 8), (8, 8), (8, 1)]):
            with gv.name_scope(f"dense_{i}"):
                W = gv.Variable((rng.randn(n_in, n_out) / np.sqrt(n_in)).astype("float32"), name="W")
                bias = gv.Variable(np.zeros(n_out, "float32"), name="b")
                h = gv.matmul(h, W) + bias
                h = gv.tanh(h, name="tanh") if i < 2 else h
                params += [W, bias]
        with gv.name_scope("loss"):
            loss = gv.reduce_mean(gv.square(h - labels), name="mse")
        feed = {inputs: rng.randn(4, 3).astype("float32"), labels: rng.randn(4, 1).astype("float32")}
        return {
            "collapsed_mlp": gv.draw_backward(
                loss, params, feed_dict=feed, collapse=True, title="an MLP, name scopes collapsed"
            ),
            "expanded_mlp": gv.draw_backward(loss, params, feed_dict=feed),
        }


def _quickstart():
    with gv.Graph().as_default():
        x = gv.placeholder("float32", [], name="x")
        y = gv.Variable(2.0, name="y")
        f = x * y + gv.sin(x)
        sess = gv.Session()
        sess.run(gv.global_variables_initializer())
        return {"quickstart": gv.draw_backward(f, [x, y], feed_dict={x: 1.5}, session=sess)}


def _health():
    """The drawings the debug results make: a wrong custom gradient, a NaN's origin."""
    with gv.Graph().as_default():

        @gv.custom_gradient
        def my_square(x):  # its gradient forgets the factor 2
            return x * x, lambda dy: dy * x

        X = gv.placeholder("float32", [4, 3], name="X")
        W = gv.Variable(np.full((3, 2), 0.5, "float32"), name="W")
        h = gv.tanh(gv.matmul(X, W))
        loss = gv.reduce_mean(my_square(h) + gv.exp(-h))
        feed = {X: np.linspace(-1, 1, 12, dtype="float32").reshape(4, 3)}
        check = gv.check_gradients(loss, [W], feed_dict=feed).draw()
        custom = gv.draw_backward(loss, [W], feed_dict=feed)
    with gv.Graph().as_default():
        x = gv.placeholder("float32", [3], name="x")
        y = gv.reduce_sum(gv.sqrt(x) * gv.log(x + 1.0))
        nonfinite = gv.find_nonfinite(y, [x], feed_dict={x: np.array([1.0, 0.0, 4.0], "float32")})
        return {"gradient_check": check, "custom_gradient": custom, "nonfinite": nonfinite.draw()}


def drawings():
    """Every golden drawing's DOT source, by name."""
    found = {}
    for build in (_linreg, _a_plus_2a, _magnitude, _mlp, _quickstart, _health):
        found.update({name: drawing.source for name, drawing in build().items()})
    return found


def record():
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name, source in drawings().items():
        (GOLDEN / f"{name}.dot").write_text(source, encoding="utf-8")
        print(GOLDEN / f"{name}.dot")


if __name__ == "__main__":
    sys.exit(record())
