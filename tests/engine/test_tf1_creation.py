"""TF1 creation ops, random ops with TensorFlow's seed rules, initializers, get_variable and
variable_scope, assign ops and the global step."""

import numpy as np
import pytest

import gradviz as gv


def run(*fetches, feed=None):
    sess = gv.Session()
    sess.run(gv.global_variables_initializer())
    return sess.run(list(fetches), feed)


def test_creation_values_dtypes_and_shapes():
    z, o, f = gv.zeros([2, 3]), gv.ones([2], gv.int32), gv.fill([2, 2], 9)
    r, rf, lin, eye = gv.range(5), gv.range(0.0, 1.0, 0.25), gv.linspace(0.0, 1.0, 5), gv.eye(2, 3)
    values = run(z, o, f, r, rf, lin, eye)
    assert [v.dtype for v in values] == [np.float32, np.int32, np.int32, np.int32] + [np.float32] * 3
    np.testing.assert_array_equal(values[0], np.zeros((2, 3)))
    np.testing.assert_array_equal(values[2], [[9, 9], [9, 9]])
    np.testing.assert_array_equal(values[3], [0, 1, 2, 3, 4])
    np.testing.assert_array_equal(values[4], [0, 0.25, 0.5, 0.75])
    np.testing.assert_allclose(values[5], [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_array_equal(values[6], np.eye(2, 3))
    assert gv.eye(2, batch_shape=[3]).shape == [3, 2, 2]


def test_zeros_of_a_dynamic_shape_and_like():
    x = gv.placeholder("float32", [None, 3])
    z, o, zl = gv.zeros(gv.shape(x)), gv.ones_like(x), gv.zeros_like(x, dtype=gv.int32)
    zv, ov, zlv = run(z, o, zl, feed={x: np.ones((4, 3))})
    assert zv.shape == (4, 3) and ov.sum() == 12 and zlv.dtype == np.int32


def test_fill_gradient_sums():
    v = gv.placeholder("float64", [])
    (g,) = gv.gradients(gv.reduce_sum(gv.fill([2, 3], v) * np.arange(6.0).reshape(2, 3)), [v])
    assert run(g, feed={v: 1.0})[0] == 15.0


@pytest.mark.parametrize("bad", [[-1, 2], "ab", [1.5, None]])
def test_creation_rejects_bad_shapes(bad):
    with pytest.raises((ValueError, TypeError), match="shape"):
        gv.zeros(bad)
    assert len(gv.get_default_graph().get_operations()) == 0


def draws(build, graph_seed):
    """The values of a freshly built program: (first run, second run, a new session's first run)."""
    with gv.Graph().as_default() as graph:
        if graph_seed is not None:
            gv.set_random_seed(graph_seed)
        t = build()
        first = gv.Session(graph)
        return first.run(t), first.run(t), gv.Session(graph).run(t)


RANDOM = {
    "normal": lambda: gv.random_normal([50], mean=1.0, stddev=2.0),
    "truncated": lambda: gv.truncated_normal([500], stddev=0.5),
    "uniform": lambda: gv.random_uniform([50], -3.0, 3.0),
    "uniform_int": lambda: gv.random_uniform([50], 0, 10, dtype=gv.int64),
    "shuffle": lambda: gv.random_shuffle(gv.range(20)),
}


@pytest.mark.parametrize("name", RANDOM)
def test_graph_seed_makes_programs_reproducible(name):
    a1, a2, a_new = draws(RANDOM[name], 7)
    b1, _, _ = draws(RANDOM[name], 7)
    c1, _, _ = draws(RANDOM[name], 8)
    np.testing.assert_array_equal(a1, b1)  # the same program twice: the same numbers
    np.testing.assert_array_equal(a1, a_new)  # a new session starts the sequence again
    assert not np.array_equal(a1, a2) and not np.array_equal(a1, c1)  # each run draws anew


def test_random_distributions():
    n, t, u, i = run(
        gv.random_normal([20000], 1.0, 2.0, seed=1),
        gv.truncated_normal([20000], stddev=0.5, seed=2),
        gv.random_uniform([20000], -3.0, 3.0, seed=3),
        gv.random_uniform([20000], 0, 10, dtype=gv.int32, seed=4),
    )
    assert abs(n.mean() - 1.0) < 0.05 and abs(n.std() - 2.0) < 0.05
    assert np.abs(t).max() <= 1.0 and abs(t.std() - 0.5 * 0.8796) < 0.02
    assert -3.0 <= u.min() and u.max() < 3.0 and abs(u.mean()) < 0.1
    assert i.dtype == np.int32 and set(np.unique(i)) == set(range(10))
    assert sorted(run(gv.random_shuffle(gv.range(10), seed=1))[0]) == list(range(10))


def test_op_seed_without_graph_seed_is_reproducible_and_unseeded_is_not():
    a = draws(lambda: gv.random_normal([5], seed=3), None)[0]
    b = draws(lambda: gv.random_normal([5], seed=3), None)[0]
    c = draws(lambda: gv.random_normal([5]), None)[0]
    d = draws(lambda: gv.random_normal([5]), None)[0]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(c, d)


def test_random_ops_reject_bad_arguments():
    with pytest.raises(TypeError, match="dtype"):
        gv.random_normal([2], dtype=gv.int32)
    with pytest.raises(ValueError, match="maxval"):
        gv.random_uniform([2], dtype=gv.int32)
    with pytest.raises(TypeError, match="seed"):
        gv.set_random_seed("x")
    assert len(gv.get_default_graph().get_operations()) == 0


def fan_shape_case(init, shape):
    gv.set_random_seed(0)
    return run(gv.Variable(init(shape)))[0]


def test_initializers_values():
    assert np.all(fan_shape_case(gv.zeros_initializer(), [3]) == 0)
    assert np.all(fan_shape_case(gv.ones_initializer(), [3]) == 1)
    np.testing.assert_array_equal(fan_shape_case(gv.constant_initializer([1, 2]), [4]), [1, 2, 2, 2])
    glorot = fan_shape_case(gv.glorot_uniform_initializer(), [200, 300])
    limit = np.sqrt(6 / 500)
    assert np.abs(glorot).max() <= limit and np.abs(glorot).max() > 0.95 * limit
    normal = fan_shape_case(gv.glorot_normal_initializer(), [200, 300])
    assert abs(normal.std() - np.sqrt(2 / 500)) < 0.1 * np.sqrt(2 / 500)
    conv = fan_shape_case(gv.variance_scaling_initializer(2.0, "fan_in", "uniform"), [3, 3, 16, 8])
    assert np.abs(conv).max() <= np.sqrt(3 * 2.0 / (9 * 16))
    rn = fan_shape_case(gv.random_normal_initializer(0.0, 0.01), [1000])
    assert abs(rn.std() - 0.01) < 0.001
    assert np.abs(fan_shape_case(gv.truncated_normal_initializer(stddev=0.1), [1000])).max() <= 0.2
    ru = fan_shape_case(gv.random_uniform_initializer(-0.5, 0.5), [1000])
    assert -0.5 <= ru.min() and ru.max() < 0.5
    with pytest.raises(ValueError, match="mode"):
        gv.variance_scaling_initializer(mode="fan_x")


def test_get_variable_and_scopes():
    with gv.variable_scope("net"):
        with gv.variable_scope("layer1"):
            w = gv.get_variable("W", [2, 3], initializer=gv.ones_initializer())
            b = gv.get_variable("b", initializer=np.float32([1.0, 2.0, 3.0]))
            y = gv.add(w, 1.0)
    assert (w.name, b.name, y.name) == ("net/layer1/W:0", "net/layer1/b:0", "net/layer1/Add:0")
    with gv.variable_scope("net", reuse=True):
        with gv.variable_scope("layer1"):
            assert gv.get_variable("W") is w and gv.get_variable("W", [2, 3]) is w
            z = gv.add(w, 1.0)
    assert z.name == "net_1/layer1/Add:0"  # ops get a fresh name scope, variables are shared
    with gv.variable_scope("net/layer1", reuse=True):
        with pytest.raises(ValueError, match="specified shape"):
            gv.get_variable("W", [3, 3])
        with pytest.raises(ValueError, match="does not exist"):
            gv.get_variable("nope", [1])
    with gv.variable_scope("net"), gv.variable_scope("layer1"):
        with pytest.raises(ValueError, match="already exists"):
            gv.get_variable("W", [2, 3])
    with gv.variable_scope("auto", reuse=gv.AUTO_REUSE):
        assert gv.get_variable("v", [1]) is gv.get_variable("v", [1])
    with gv.name_scope("ops_only"):
        assert gv.get_variable("top", [1]).name == "top:0"  # name scopes do not name variables
    assert gv.trainable_variables()[:2] == [w, b]
    wv, bv = run(w, b)
    np.testing.assert_array_equal(wv, np.ones((2, 3)))
    np.testing.assert_array_equal(bv, [1, 2, 3])


def test_get_variable_default_initializer_regularizer_and_scope_initializer():
    with gv.variable_scope("s", initializer=gv.constant_initializer(0.5)):
        a = gv.get_variable("a", [2], regularizer=lambda v: gv.reduce_sum(v * v))
        n = gv.get_variable("n", [2], dtype=gv.int32, initializer=gv.zeros_initializer())
    g = gv.get_variable("g", [100, 100])
    losses = gv.get_collection(gv.GraphKeys.REGULARIZATION_LOSSES)
    av, nv, gvalue, loss = run(a, n, g, losses[0])
    np.testing.assert_array_equal(av, [0.5, 0.5])
    assert nv.dtype == np.int32 and loss == 0.5
    assert 0 < np.abs(gvalue).max() <= np.sqrt(6 / 200)  # glorot_uniform by default
    with pytest.raises(ValueError, match="fully defined"):
        gv.get_variable("noshape")
    with pytest.raises(TypeError, match="name"):
        gv.get_variable(3, [1])


def test_default_names_count_up_and_reuse_variables():
    with gv.variable_scope(None, default_name="dense") as s1:
        gv.get_variable("k", [1])
    with gv.variable_scope(None, default_name="dense") as s2:
        gv.get_variable("k", [1])
        s2.reuse_variables()
        assert gv.get_variable("k").name == "dense_1/k:0"
    assert (s1.name, s2.name) == ("dense", "dense_1")


def test_assign_ops_and_initialized_value():
    w = gv.Variable(2.0, name="w")
    w2 = gv.Variable(w.initialized_value() * 3.0, name="w2")
    sess = gv.Session()
    sess.run(gv.global_variables_initializer())
    assert sess.run(w2) == 6.0
    assert sess.run(gv.assign(w, 5.0)) == 5.0
    assert sess.run(gv.assign_add(w, 1.0)) == 6.0
    assert sess.run(gv.assign_sub(w, 4.0)) == 2.0 and sess.run(w) == 2.0
    with pytest.raises(TypeError, match="ref"):
        gv.assign(gv.constant(1.0), 2.0)


def test_local_variables_and_global_step():
    local = gv.Variable(7, name="counter", trainable=False, collections=[gv.GraphKeys.LOCAL_VARIABLES])
    step = gv.train.get_or_create_global_step()
    assert gv.train.get_or_create_global_step() is step and gv.train.get_global_step() is step
    assert step.name == "global_step:0" and step.dtype == np.int64
    assert step not in gv.trainable_variables()
    assert local in gv.local_variables() and local not in gv.global_variables()
    sess = gv.Session()
    sess.run([gv.global_variables_initializer(), gv.local_variables_initializer()])
    assert sess.run(local) == 7 and sess.run(step) == 0
    with pytest.raises(ValueError, match="already exists"):
        gv.train.create_global_step()
    with pytest.raises(TypeError, match="collections"):
        gv.Variable(1.0, collections="variables")
