"""Render the drawings shown in the docs to docs/images/*.png.

    .venv/bin/python docs/make_images.py

Every picture comes from the public API, on the engine issue's examples, so re-running this after
a change to gradviz/viz shows the change in the docs.
"""

import sys
from pathlib import Path

import numpy as np

import gradviz as gv

OUT = Path(__file__).resolve().parent / "images"


def drawings():
    """The docs' drawings by image name (also the DOT golden files of tests/viz/test_golden.py)."""
    found = {}
    ex = gv.examples.linear_regression()
    graph, cost, (W, b), feed = ex.graph, ex.cost, [ex.W, ex.b], ex.feed
    with graph.as_default():
        found["linreg_forward"] = gv.draw(cost, feed_dict=feed, title="linear regression: forward")
        found["linreg_backward"] = gv.draw_backward(
            cost, [W, b], feed_dict=feed, title="linear regression: ∂cost/∂W and ∂cost/∂b"
        )
        found["grad_ops"] = gv.draw_backward(
            cost, [W, b], feed_dict=feed, show_grad_ops=True, title="the gradient ops gradients() added"
        )

    ex2 = gv.examples.a_plus_2a()
    graph, y, a, b = ex2.graph, ex2.y, ex2.a, ex2.b
    with graph.as_default():
        found["partial_vs_total"] = gv.compare_backward(
            y,
            [a, b],
            right={"stop_gradients": [a, b]},
            titles=("total derivative", "partial derivative: stop_gradients=[a, b]"),
        )
        y2 = gv.add(gv.stop_gradient(a, name="c"), b, name="y2")
        found["explain_stop_gradient"] = gv.draw_backward(
            y2, [a], explain=a, title="why is ∂y2/∂a only 2? explain=a"
        )

    with gv.Graph().as_default():
        x = gv.placeholder("float32", [], name="x")
        h = x
        for i in range(10):  # each sigmoid multiplies the gradient by at most 1/4
            h = gv.sigmoid(h, name=f"sigmoid_{i}")
        y = gv.multiply(h, 1e4, name="y")
        found["magnitude"] = gv.draw_backward(
            y,
            [x],
            feed_dict={x: 8.0},  # a saturated first sigmoid: the gradient vanishes towards x
            color_by_magnitude=True,
            rankdir="TB",
            title="color_by_magnitude: a vanishing path",
        )

    with gv.Graph().as_default():
        loss, params, feed = mlp()
        found["collapsed_mlp"] = gv.draw_backward(
            loss, params, feed_dict=feed, collapse=True, title="an MLP with its name scopes collapsed"
        )
    return found


def mlp():
    """A 3-8-8-1 tanh MLP in name scopes dense_0..2 and loss: (loss, weights, feed)."""
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
    return loss, params, feed


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, drawing in drawings().items():
        drawing.save(OUT / f"{name}.png")
    for path in sorted(OUT.glob("*.png")):
        print(path.relative_to(OUT.parent.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
