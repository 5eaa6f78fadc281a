"""Render the gradient-health pictures of docs/images/ (issue #5).

    .venv/bin/python docs/make_health_images.py

Writes, for two small training runs (seeded, so the pictures are reproducible):
    gradient_summary.png       the HTML gradient summary of a 12-layer sigmoid MLP (Chromium)
    gradient_summary_exploding.png  the same for a relu chain with large weights, and an Inf
    gradient_check.png         the HTML report of check_gradients with a wrong custom gradient
    monitor_norms.png          gradient norm per layer over steps: 12-layer sigmoid MLP (vanishing)
    monitor_norms_diverging.png  the same for a linear MLP whose learning rate is too high
    monitor_distributions.png  TensorBoard-style percentile bands per layer
    gradient_flow.png          max and mean |g| per layer at the last step
"""

import pathlib
import shutil
import subprocess
import tempfile

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

import gradviz as gv  # noqa: E402

IMAGES = pathlib.Path(__file__).parent / "images"
F32 = np.float32


def mlp(activation, depth, width, weight_scale, seed=0, batch=64, inputs=8):
    """A `depth`-layer MLP on a fixed random classification task (4 classes)."""
    rng = np.random.default_rng(seed)
    X = gv.placeholder("float32", [batch, inputs], name="X")
    Y = gv.placeholder("float32", [batch, 4], name="Y")
    h, fan_in = X, inputs
    for i in range(1, depth + 1):
        fan_out = 4 if i == depth else width
        with gv.name_scope(f"layer{i}"):
            W = gv.Variable(
                (rng.standard_normal((fan_in, fan_out)) * weight_scale / np.sqrt(fan_in)).astype(F32),
                name="W",
            )
            b = gv.Variable(np.zeros(fan_out, F32), name="b")
            h = gv.matmul(h, W) + b
            h = activation(h) if i < depth else h
        fan_in = fan_out
    loss = gv.reduce_mean(gv.nn.softmax_cross_entropy_with_logits(labels=Y, logits=h))
    x = rng.standard_normal((batch, inputs)).astype(F32)
    labels = np.eye(4, dtype=F32)[np.argmax(x[:, :4] + 0.5 * x[:, 4:], axis=1)]
    return loss, {X: x, Y: labels}


def train(activation, depth, width, weight_scale, learning_rate, steps):
    """Train with gradient descent, watching the weight gradients; returns the monitor."""
    with gv.Graph().as_default():
        loss, feed = mlp(activation, depth, width, weight_scale)
        opt = gv.train.GradientDescentOptimizer(learning_rate)
        weights = [v for v in gv.trainable_variables() if v.op.name.endswith("/W")]
        grads_and_vars = opt.compute_gradients(loss, weights)
        train_op = opt.apply_gradients(grads_and_vars)
        sess = gv.Session()
        sess.run(gv.global_variables_initializer())
        monitor = gv.GradientMonitor(grads_and_vars)
        for step in range(steps):
            monitor.run(sess, train_op, feed, step=step)
    return monitor


def save(fig, name):
    path = IMAGES / name
    fig.savefig(path, dpi=110)
    print("wrote", path)


def summary_page():
    with gv.Graph().as_default():
        loss, feed = mlp(gv.sigmoid, depth=12, width=32, weight_scale=1.0)
        weights = [v for v in gv.trainable_variables() if v.op.name.endswith("/W")]
        grads_and_vars = gv.train.GradientDescentOptimizer(0.1).compute_gradients(loss, weights)
        return gv.gradient_summary(grads_and_vars, feed_dict=feed)._repr_html_()


def exploding_summary_page():
    """A 16-layer relu chain at three times He init: the gradient grows ×3 per layer towards the
    input. One more row: the gradient of Σ log(x) with an x fed 0 (Inf)."""
    rng = np.random.default_rng(0)
    with gv.Graph().as_default():
        X = gv.placeholder("float32", [32, 16], name="X")
        h, hidden = X, {}
        for i in range(1, 17):
            W = gv.Variable((rng.standard_normal((16, 16)) * 3 * np.sqrt(2 / 16)).astype(F32))
            h = gv.nn.relu(gv.matmul(h, W))
            hidden[f"∂loss/∂h{i}"] = h
        loss = gv.reduce_mean(h)
        grads = dict(zip(hidden, gv.gradients(loss, list(hidden.values())[:-1]), strict=False))
        x = gv.placeholder("float32", [4], name="x")
        (grads["∂Σlog(x)/∂x"],) = gv.gradients(gv.reduce_sum(gv.log(x)), [x])
        feed = {X: rng.standard_normal((32, 16)).astype(F32), x: np.array([1, 0.5, 0, 2], F32)}
        return gv.gradient_summary(grads, feed_dict=feed)._repr_html_()


def wrong_gradient_model():
    """A model with a custom gradient that forgets a factor 2: (loss, W, feed)."""

    @gv.custom_gradient
    def my_square(x):  # its gradient forgets the factor 2
        return x * x, lambda dy: dy * x

    X = gv.placeholder("float32", [4, 3], name="X")
    W = gv.Variable(np.full((3, 2), 0.5, F32), name="W")
    h = gv.tanh(gv.matmul(X, W))
    loss = gv.reduce_mean(my_square(h) + gv.exp(-h))
    return loss, W, {X: np.linspace(-1, 1, 12, dtype=F32).reshape(4, 3)}


def gradient_check_page():
    with gv.Graph().as_default():
        loss, W, feed = wrong_gradient_model()
        return gv.check_gradients(loss, [W], feed_dict=feed)._repr_html_()


def render_html(body, name, width, height):
    """Screenshot an HTML fragment with headless Chromium."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    page = f'<!doctype html><meta charset="utf-8"><body style="margin: 16px; background: white;">{body}'
    with tempfile.TemporaryDirectory() as tmp:
        html_path = pathlib.Path(tmp) / "page.html"
        html_path.write_text(page, encoding="utf-8")
        args = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                f"--screenshot={IMAGES / name}", f"--window-size={width},{height}",
                "--force-device-scale-factor=1", html_path.as_uri()]  # fmt: skip
        subprocess.run(args, check=True, capture_output=True, timeout=120)
    print("wrote", IMAGES / name)


def main():
    IMAGES.mkdir(exist_ok=True)
    render_html(summary_page(), "gradient_summary.png", 1140, 380)
    render_html(exploding_summary_page(), "gradient_summary_exploding.png", 1140, 480)
    render_html(gradient_check_page(), "gradient_check.png", 620, 230)
    vanishing = train(gv.sigmoid, depth=12, width=32, weight_scale=1.0, learning_rate=0.05, steps=300)
    title = "Gradient norm per layer: 12-layer sigmoid MLP"
    save(vanishing.plot_norms(title=title), "monitor_norms.png")
    save(vanishing.plot_distributions(ncols=4), "monitor_distributions.png")
    save(vanishing.plot_gradient_flow(step=30), "gradient_flow.png")
    diverging = train(gv.identity, depth=6, width=32, weight_scale=1.0, learning_rate=0.4, steps=30)
    title = "Gradient norm per layer: 6-layer linear MLP, learning rate too high"
    save(diverging.plot_norms(title=title), "monitor_norms_diverging.png")
    print(diverging)


if __name__ == "__main__":
    main()
