"""The TF1 names without a gradient to check (comparisons, logic, arg-reductions, one_hot,
shape queries, casts), optimizers against their update rules in numpy, control and checks."""

import numpy as np
import pytest

import gradviz as gv


def run(fetches, feed=None):
    sess = gv.Session()
    sess.run(gv.global_variables_initializer())
    return sess.run(fetches, feed)


def test_comparisons_logic_and_operators():
    a = gv.constant([1.0, 2.0, 3.0])
    b = gv.constant([3.0, 2.0, 1.0])
    t, f = gv.constant([True, True, False]), gv.constant([True, False, False])
    fetches = {
        "equal": gv.equal(a, b),
        "not_equal": gv.not_equal(a, b),
        "greater": gv.greater(a, b),
        "greater_equal": gv.greater_equal(a, b),
        "less": gv.less(a, b),
        "less_equal": gv.less_equal(a, b),
        "<": a < b,
        ">=": a >= 2.0,
        "and": gv.logical_and(t, f),
        "or": t | f,
        "not": ~t,
        "xor": gv.logical_xor(t, f),
        "all": gv.reduce_all(t),
        "any": gv.reduce_any(f, keep_dims=True),
    }
    v = run(fetches)
    assert all(np.asarray(x).dtype == np.bool_ for x in v.values())
    assert v["equal"].tolist() == [False, True, False] and v["not_equal"].tolist() == [True, False, True]
    assert v["greater"].tolist() == [False, False, True] and v["less_equal"].tolist() == [
        True,
        True,
        False,
    ]
    assert v["<"].tolist() == [True, False, False] and v[">="].tolist() == [False, True, True]
    assert v["and"].tolist() == [True, False, False] and v["or"].tolist() == [True, True, False]
    assert v["not"].tolist() == [False, False, True] and v["xor"].tolist() == [False, True, False]
    assert v["all"] == np.False_ and v["any"].tolist() == [True]
    with pytest.raises(TypeError, match="kinds"):
        gv.logical_and(a, b)


def test_argmax_argmin_int64_and_accuracy_idiom():
    logits = gv.constant([[0.1, 0.7, 0.2], [0.9, 0.05, 0.05]])
    labels = gv.constant([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    correct = gv.equal(gv.argmax(logits, 1), gv.argmax(labels, 1))
    accuracy = gv.reduce_mean(gv.cast(correct, gv.float32))
    am, ami, acc, am32 = run(
        [
            gv.argmax(logits, 1),
            gv.argmin(logits, axis=0),
            accuracy,
            gv.argmax(logits, dimension=1, output_type=gv.int32),
        ]
    )
    assert am.dtype == np.int64 and am.tolist() == [1, 0] and ami.tolist() == [0, 1, 1]
    assert acc == np.float32(0.5) and am32.dtype == np.int32


def test_one_hot_shapes_casts_and_counts():
    oh = gv.one_hot([0, 2, -1], 3)
    oh_axis0 = gv.one_hot([0, 2], 3, on_value=5, off_value=-1, axis=0, dtype=gv.int32)
    x = gv.placeholder("float32", [None, 3])
    values = run(
        [
            oh,
            oh_axis0,
            gv.shape(x),
            gv.size(x),
            gv.rank(x),
            gv.to_int32(gv.constant(2.7)),
            gv.to_float(3),
            gv.to_int64(gv.constant([1.0])),
            gv.count_nonzero(gv.constant([0.0, 1.0, 2.0])),
            gv.floor(2.5),
            gv.ceil(2.5),
            gv.round(gv.constant([0.5, 1.5, 2.5])),
            gv.mod(7, 3),
            gv.floordiv(7, 2),
            gv.sign(gv.constant([-2.0, 0.0, 3.0])),
        ],
        {x: np.zeros((4, 3))},
    )
    np.testing.assert_array_equal(values[0], [[1, 0, 0], [0, 0, 1], [0, 0, 0]])
    assert values[0].dtype == np.float32
    np.testing.assert_array_equal(values[1], [[5, -1], [-1, -1], [-1, 5]])
    assert (
        values[2].tolist() == [4, 3]
        and values[2].dtype == np.int32
        and values[3] == 12
        and values[4] == 2
    )
    assert values[5] == 2 and values[6] == np.float32(3) and values[7].dtype == np.int64
    assert values[8] == 2 and values[8].dtype == np.int64
    assert (values[9], values[10]) == (2.0, 3.0) and values[11].tolist() == [0.0, 2.0, 2.0]
    assert (values[12], values[13]) == (1, 3) and values[14].tolist() == [-1, 0, 1]
    assert gv.one_hot(gv.placeholder(gv.int64, [None]), 4).shape.as_list() == [None, 4]


def test_slicing_shapes_like_tensorflow():
    x = gv.placeholder("float32", [None, 4, 5])
    assert x[:, 0].shape.as_list() == [None, 5]
    assert x[..., None].shape.as_list() == [None, 4, 5, 1]
    assert x[1:, -1, ::2].shape.as_list() == [None, 3]
    assert x[gv.newaxis, 0, 1:3].shape.as_list() == [1, 2, 5]
    theta = gv.constant(np.arange(6.0).reshape(2, 3))
    v = run(
        [
            theta[:, 0],
            theta[:, None],
            theta[-1],
            theta[::-1, 1:],
            gv.slice(theta, [0, 1], [2, -1]),
            gv.strided_slice(theta, [0, 0], [2, 3], [1, 2]),
        ]
    )
    np.testing.assert_array_equal(v[0], [0, 3])
    assert v[1].shape == (2, 1, 3)
    np.testing.assert_array_equal(v[2], [3, 4, 5])
    np.testing.assert_array_equal(v[3], [[4, 5], [1, 2]])
    np.testing.assert_array_equal(v[4], [[1, 2], [4, 5]])
    np.testing.assert_array_equal(v[5], [[0, 2], [3, 5]])


def test_in_top_k():
    preds = gv.constant([[0.1, 0.8, 0.1], [0.5, 0.3, 0.2]])
    assert run(gv.nn.in_top_k(preds, [1, 2], 1)).tolist() == [True, False]
    assert run(gv.nn.in_top_k(preds, [1, 2], 3)).tolist() == [True, True]


def test_dropout_keeps_scale_and_draws_anew():
    gv.set_random_seed(0)
    x = gv.ones([1000])
    d1, d2 = gv.nn.dropout(x, keep_prob=0.5), gv.nn.dropout(x, rate=0.25)
    sess = gv.Session()
    a, b = sess.run([d1, d2])
    assert set(np.unique(a)) <= {0.0, 2.0} and 0.4 < np.mean(a == 0) < 0.6
    assert set(np.unique(b)).issubset({0.0, np.float32(1 / 0.75)}) and 0.15 < np.mean(b == 0) < 0.35
    assert not np.array_equal(a, sess.run(d1))
    (g,) = gv.gradients(gv.reduce_sum(d1), [x])
    out, grad = sess.run([d1, g])
    np.testing.assert_array_equal(grad, out)  # the gradient is the same mask, scaled


def numpy_train(rule, steps, w, grad_fn, **hp):
    state = {}
    for t in range(1, steps + 1):
        w = rule(w, grad_fn(w), state, t, **hp)
    return w


def momentum(w, g, s, t, lr, mu, nesterov=False):
    s["a"] = s.get("a", 0) * mu + g
    return w - lr * (g + mu * s["a"]) if nesterov else w - lr * s["a"]


def adam(w, g, s, t, lr, b1=0.9, b2=0.999, eps=1e-8):
    s["m"] = b1 * s.get("m", 0) + (1 - b1) * g
    s["v"] = b2 * s.get("v", 0) + (1 - b2) * g * g
    lr_t = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
    return w - lr_t * s["m"] / (np.sqrt(s["v"]) + eps)


def rmsprop(w, g, s, t, lr, rho=0.9, mu=0.0, eps=1e-10):
    s["ms"] = rho * s.get("ms", 1.0) + (1 - rho) * g * g
    s["mom"] = mu * s.get("mom", 0) + lr * g / np.sqrt(s["ms"] + eps)
    return w - s["mom"]


def adagrad(w, g, s, t, lr, init=0.1):
    s["acc"] = s.get("acc", init) + g * g
    return w - lr * g / np.sqrt(s["acc"])


def adadelta(w, g, s, t, lr, rho=0.95, eps=1e-8):
    s["acc"] = rho * s.get("acc", 0) + (1 - rho) * g * g
    update = np.sqrt(s.get("upd", 0) + eps) / np.sqrt(s["acc"] + eps) * g
    s["upd"] = rho * s.get("upd", 0) + (1 - rho) * update * update
    return w - lr * update


OPTIMIZERS = {
    "momentum": (lambda: gv.train.MomentumOptimizer(0.1, 0.9), momentum, {"lr": 0.1, "mu": 0.9}),
    "nesterov": (
        lambda: gv.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
        momentum,
        {"lr": 0.1, "mu": 0.9, "nesterov": True},
    ),
    "adam": (lambda: gv.train.AdamOptimizer(0.05), adam, {"lr": 0.05}),
    "rmsprop": (lambda: gv.train.RMSPropOptimizer(0.01, momentum=0.5), rmsprop, {"lr": 0.01, "mu": 0.5}),
    "adagrad": (lambda: gv.train.AdagradOptimizer(0.3), adagrad, {"lr": 0.3}),
    "adadelta": (lambda: gv.train.AdadeltaOptimizer(1.0), adadelta, {"lr": 1.0}),
}


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_optimizers_follow_their_update_rules(name):
    make, rule, hp = OPTIMIZERS[name]
    target = np.array([1.0, -2.0, 0.5])
    w = gv.Variable(np.zeros(3), name="w")
    loss = gv.reduce_sum(gv.square(w - target) * np.array([1.0, 2.0, 3.0]))
    step = gv.train.get_or_create_global_step()
    train_op = make().minimize(loss, global_step=step)
    sess = gv.Session()
    sess.run(gv.global_variables_initializer())
    for _ in range(5):
        sess.run(train_op)
    expected = numpy_train(
        rule, 5, np.zeros(3), lambda v: 2 * (v - target) * np.array([1.0, 2.0, 3.0]), **hp
    )
    np.testing.assert_allclose(sess.run(w), expected, rtol=1e-10)
    assert sess.run(step) == 5


def test_optimizer_slots_var_list_and_apply_gradients():
    a, b = gv.Variable(1.0, name="a"), gv.Variable(2.0, name="b")
    loss = a * a + b * b
    opt = gv.train.AdamOptimizer(0.1)
    grads_and_vars = opt.compute_gradients(loss, var_list=[a])
    assert [v for _, v in grads_and_vars] == [a]
    train_op = opt.apply_gradients(grads_and_vars)
    assert opt.get_slot(a, "m").name == "a/Adam:0" and opt.get_slot(a, "v").name == "a/Adam_1:0"
    assert opt.get_slot_names() == ["m", "v"] and opt.get_slot(b, "m") is None
    sess = gv.Session()
    sess.run(gv.global_variables_initializer())
    sess.run(train_op)
    assert sess.run(b) == 2.0 and sess.run(a) < 1.0
    with pytest.raises(ValueError, match="learning_rate"):
        gv.train.AdamOptimizer(-1.0)


def test_exponential_decay():
    step = gv.Variable(0, dtype=gv.int32, trainable=False)
    lr = gv.train.exponential_decay(0.1, step, 10, 0.5)
    lr_stair = gv.train.exponential_decay(0.1, step, 10, 0.5, staircase=True)
    sess = gv.Session()
    sess.run(gv.global_variables_initializer())
    step.load(15, sess)
    np.testing.assert_allclose(sess.run([lr, lr_stair]), [0.1 * 0.5**1.5, 0.05], rtol=1e-6)
    with pytest.raises(ValueError, match="global_step"):
        gv.train.exponential_decay(0.1, None, 10, 0.5)


def test_cond_builds_both_branches_and_differentiates_the_taken_one():
    x = gv.placeholder("float32", [])
    y = gv.cond(x > 0, lambda: x * x, lambda: -3.0 * x)
    pair = gv.cond(x > 0, lambda: (x, x + 1), lambda: (x - 1, x))
    (g,) = gv.gradients(y, [x])
    sess = gv.Session()
    assert sess.run([y, g], {x: 2.0}) == [4.0, 4.0]
    assert sess.run([y, g], {x: -2.0}) == [6.0, -3.0]
    assert isinstance(pair, tuple) and sess.run(list(pair), {x: -1.0}) == [-2.0, -1.0]
    with pytest.raises(TypeError, match="Python bool"):
        gv.cond(True, lambda: x, lambda: x)
    with pytest.raises(TypeError, match="bool"):
        gv.cond(x, lambda: x, lambda: x)


def test_control_dependencies_tuple_and_no_op():
    v = gv.Variable(0.0)
    inc = v.assign_add(1.0)
    with gv.control_dependencies([inc]):
        read = gv.identity(v * 1.0)
        nothing = gv.no_op()
    assert inc.op in read.op.control_inputs and inc.op in nothing.control_inputs
    with gv.control_dependencies([inc]), gv.control_dependencies(None):
        free = gv.identity(v)
    assert free.op.control_inputs == ()
    a, b = gv.tuple([v + 1.0, v + 2.0])
    sess = gv.Session()
    sess.run(gv.global_variables_initializer())
    sess.run(read)
    sess.run(nothing)
    assert sess.run(v) == 2.0 and sess.run([a, b]) == [3.0, 4.0]


def test_check_numerics_print_and_py_func(capsys):
    x = gv.placeholder("float32", [2])
    checked = gv.check_numerics(gv.log(x), "log of x")
    printed = gv.Print(x, [x, gv.reduce_sum(x)], "values: ", first_n=1)
    print_op = gv.print("sum:", gv.reduce_sum(x))
    doubled = gv.py_func(lambda a: a * 2, [x], gv.float32)
    both = gv.py_func(lambda a: (a + 1, np.sum(a)), [x], [gv.float32, gv.float32])
    sess = gv.Session()
    assert sess.run(checked, {x: [1.0, 1.0]}).tolist() == [0.0, 0.0]
    with pytest.raises(gv.errors.InvalidArgumentError, match="log of x : Tensor had NaN values"):
        sess.run(checked, {x: [-1.0, 1.0]})
    sess.run(printed, {x: [1.0, 2.0]})
    sess.run(printed, {x: [1.0, 2.0]})
    sess.run(print_op, {x: [1.0, 2.0]})
    err = capsys.readouterr().err
    assert err.count("values: [[1 2]][3]") == 1 and "sum: 3\n" in err
    assert sess.run(doubled, {x: [1.0, 2.0]}).tolist() == [2.0, 4.0]
    assert [np.asarray(v).tolist() for v in sess.run(both, {x: [1.0, 2.0]})] == [[2.0, 3.0], 3.0]
    assert gv.gradients(doubled, [x]) == [None]
    (g,) = gv.gradients(printed * 3.0, [x])
    assert sess.run(g, {x: [1.0, 2.0]}).tolist() == [3.0, 3.0]


def test_compute_gradient_error_and_compat_v1():
    x = gv.placeholder("float64", [2, 3])
    y = gv.reduce_sum(gv.tanh(x) * x, axis=1)
    with gv.Session():
        err = gv.test.compute_gradient_error(x, [2, 3], y, [2])
        theoretical, numeric = gv.test.compute_gradient(x, [2, 3], y, [2])
    assert err < 1e-6 and theoretical.shape == (6, 2)
    np.testing.assert_allclose(theoretical, numeric, atol=1e-6)
    assert gv.compat.v1 is gv and gv.compat.v1.compat.v1.zeros is gv.zeros
    gv.compat.v1.disable_eager_execution()
    with pytest.raises(ValueError, match="default session"):
        gv.test.compute_gradient_error(x, [2, 3], y, [2])


def test_layers_dense_variables_and_reuse():
    x = gv.placeholder("float32", [None, 4])
    h = gv.layers.dense(x, 3, activation=gv.nn.relu)
    out = gv.layers.dense(h, 2)
    names = [v.name for v in gv.trainable_variables()]
    assert names == ["dense/kernel:0", "dense/bias:0", "dense_1/kernel:0", "dense_1/bias:0"]
    again = gv.layers.dense(h, 2, name="dense_1", reuse=True)
    assert len(gv.trainable_variables()) == 4
    v1, v2 = run([out, again], {x: np.ones((5, 4))})
    np.testing.assert_array_equal(v1, v2)
    assert v1.shape == (5, 2)
    with pytest.raises(ValueError, match="units"):
        gv.layers.dense(x, 0)


def test_losses_collections_and_regularization():
    y, p = gv.constant([[1.0, 0.0]]), gv.constant([[0.5, 0.5]])
    mse = gv.losses.mean_squared_error(y, p)
    weighted = gv.losses.mean_squared_error(y, p, weights=[[1.0, 0.0]])
    xent = gv.losses.softmax_cross_entropy(y, gv.constant([[2.0, 0.0]]))
    sparse = gv.losses.sparse_softmax_cross_entropy([0], gv.constant([[2.0, 0.0]]))
    sig = gv.losses.sigmoid_cross_entropy(y, gv.constant([[0.0, 0.0]]))
    with gv.variable_scope("r"):
        gv.get_variable("w", initializer=np.float32([3.0]), regularizer=gv.nn.l2_loss)
    reg = gv.losses.get_regularization_loss()
    v = run([mse, weighted, xent, sparse, sig, reg])
    np.testing.assert_allclose(
        v[:5], [0.25, 0.25, np.log1p(np.exp(-2.0)), np.log1p(np.exp(-2.0)), np.log(2.0)], rtol=1e-6
    )
    assert v[5] == 4.5 and len(gv.losses.get_losses()) == 5
