"""The graphs the trace, drawing and debugger tests share, each built into a fresh graph.

The numbers are the engine issue's: linear regression with W = 1.6649098, b = 0.54648024 on
X = [[2], [3]], Y = [[3], [2]] gives dcost/dW = 12.376228 and dcost/db = 4.4175096.
"""

from types import SimpleNamespace

import numpy as np

import gradviz as gv
from gradviz import examples

W_GRAD, B_GRAD = 12.376228, 4.4175096


linreg = examples.linear_regression
a_plus_2a = examples.a_plus_2a


def mlp(layers=3, width=4, batch=2, seed=0):
    """A small tanh MLP, one name scope per layer plus "loss"; xs are all the variables."""
    rng = np.random.RandomState(seed)
    graph = gv.Graph()
    with graph.as_default():
        x = gv.placeholder("float32", [batch, width], name="x")
        y = gv.placeholder("float32", [batch, 1], name="y")
        h, params = x, []
        for i in range(layers):
            with gv.name_scope(f"layer{i}"):
                W = gv.Variable((0.5 * rng.randn(width, width)).astype("float32"), name="W")
                b = gv.Variable(np.zeros(width, "float32"), name="b")
                h = gv.tanh(gv.matmul(h, W) + b, name="h")
                params += [W, b]
        with gv.name_scope("loss"):
            W = gv.Variable(rng.randn(width, 1).astype("float32"), name="W")
            loss = gv.reduce_mean(gv.square(gv.matmul(h, W) - y), name="mse")
            params.append(W)
    feed = {
        x: rng.randn(batch, width).astype("float32"),
        y: rng.randn(batch, 1).astype("float32"),
    }
    return SimpleNamespace(graph=graph, x=x, y=y, loss=loss, params=params, feed=feed)


def xy_plus_sin_x(x=1.5, y=2.0):
    """f = x·y + sin(x) (notebook 3's function; x is used twice), in a fresh graph: (f, [x, y], feed)."""
    graph = gv.Graph()
    with graph.as_default():
        xt = gv.placeholder("float64", [], name="x")
        yt = gv.placeholder("float64", [], name="y")
        f = gv.add(gv.multiply(xt, yt, name="xy"), gv.sin(xt, name="sin_x"), name="f")
    return f, [xt, yt], {xt: x, yt: y}
