"""The TF1-breadth ops: forward values against numpy and gradients (and, where TensorFlow has
them, gradients of gradients) against central finite differences in float64, on shapes, axes,
indices, paddings and strides that hypothesis draws."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import gradviz as gv

from .checks import (
    FAST,
    SLOW,
    check_gradients,
    distinct,
    half_grid,
    nonzero,
    positive,
    real,
    seeds,
    shapes,
)


def within(low, high):
    return lambda rng, shape: rng.uniform(low, high, shape)


def away_from_zero_and_six(rng, shape):
    return rng.choice([-1.5, 1.5, 3.0, 7.0], shape) + rng.uniform(-0.4, 0.4, shape)


def np_softplus(x):
    return np.logaddexp(0, x)


SELU = (1.6732632423543772848170429916717, 1.0507009873554804934193349852946)

# name -> (builder, numpy reference, domain, has a second derivative in TensorFlow)
UNARY = {
    "reciprocal": (gv.reciprocal, np.reciprocal, nonzero, True),
    "rsqrt": (gv.rsqrt, lambda x: 1 / np.sqrt(x), positive, True),
    "tan": (gv.tan, np.tan, within(-1.2, 1.2), True),
    "atan": (gv.atan, np.arctan, real, True),
    "asin": (gv.asin, np.arcsin, within(-0.9, 0.9), True),
    "acos": (gv.acos, np.arccos, within(-0.9, 0.9), True),
    "sinh": (gv.sinh, np.sinh, real, True),
    "cosh": (gv.cosh, np.cosh, real, True),
    "log1p": (gv.log1p, np.log1p, within(-0.5, 2.0), True),
    "expm1": (gv.expm1, np.expm1, real, True),
    "softplus": (gv.nn.softplus, np_softplus, real, True),
    "softsign": (gv.nn.softsign, lambda x: x / (1 + np.abs(x)), nonzero, True),
    "elu": (gv.nn.elu, lambda x: np.where(x > 0, x, np.expm1(x)), nonzero, True),
    "selu": (gv.nn.selu, lambda x: SELU[1] * np.where(x > 0, x, SELU[0] * np.expm1(x)), nonzero, True),
    "relu6": (gv.nn.relu6, lambda x: np.clip(x, 0, 6), away_from_zero_and_six, True),
    "leaky_relu": (
        lambda x: gv.nn.leaky_relu(x, 0.1),
        lambda x: np.where(x > 0, x, 0.1 * x),
        nonzero,
        True,
    ),
    "squared_difference_const": (
        lambda x: gv.squared_difference(x, 0.5),
        lambda x: (x - 0.5) ** 2,
        real,
        True,
    ),
    "reverse_all": (
        lambda x: gv.reverse(x, list(range(len(x.shape)))),
        lambda x: np.flip(x),
        real,
        True,
    ),
    "clip_by_value": (
        lambda x: gv.clip_by_value(x, -1.0, 1.0),
        lambda x: np.clip(x, -1, 1),
        half_grid,
        True,
    ),
    "l2_loss": (gv.nn.l2_loss, lambda x: np.sum(x * x) / 2, real, True),
    "reduce_prod": (gv.reduce_prod, np.prod, nonzero, False),
    "reduce_min": (gv.reduce_min, np.min, distinct, True),
    "reduce_logsumexp": (gv.reduce_logsumexp, lambda x: np.log(np.sum(np.exp(x))), real, True),
    "norm": (gv.norm, np.linalg.norm, nonzero, True),
    "global_norm": (
        lambda x: gv.global_norm([x, 2.0 * x]),
        lambda x: np.sqrt(5 * np.sum(x * x)),
        nonzero,
        True,
    ),
    "clip_by_norm": (
        lambda x: gv.clip_by_norm(x, 1.0),
        lambda x: x / max(np.linalg.norm(x), 1.0),
        nonzero,
        True,
    ),
    "sigmoid_xent": (
        lambda x: gv.nn.sigmoid_cross_entropy_with_logits(labels=0.3 + gv.zeros_like(x), logits=x),
        lambda x: np.maximum(x, 0) - 0.3 * x + np.log1p(np.exp(-np.abs(x))),
        nonzero,
        True,
    ),
    "check_numerics": (lambda x: gv.check_numerics(x, "bad"), lambda x: x, real, True),
    "print": (lambda x: gv.Print(x, [], "x"), lambda x: x, real, True),
    "x[...]": (lambda x: x[...], lambda x: x[...], real, True),
    "x[None]": (lambda x: x[None], lambda x: x[None], real, True),
}


@pytest.mark.parametrize("name", UNARY)
@FAST
@given(shape=shapes, seed=seeds)
def test_unary_forward_and_gradient(name, shape, seed):
    build, reference, domain, _ = UNARY[name]
    x = domain(np.random.default_rng(seed), shape)
    with gv.Graph().as_default():
        y = build(gv.constant(x))
        value = gv.Session().run(y)
    np.testing.assert_allclose(value, reference(x), rtol=1e-10, atol=1e-12)
    assert y.dtype == np.float64 and list(np.shape(value)) == y.shape.as_list()
    check_gradients(build, [x], seed)


@pytest.mark.parametrize("name", [n for n, case in UNARY.items() if case[3]])
@SLOW
@given(shape=shapes, seed=seeds)
def test_unary_second_order(name, shape, seed):
    build, _, domain, _ = UNARY[name]
    check_gradients(build, [domain(np.random.default_rng(seed), shape)], seed, order=2)


# -- cases with axes, indices, several inputs: each draws its own arguments ------------------------
def axis_of(data, rank):
    return data.draw(st.integers(-rank, rank - 1), label="axis") if rank else None


def case_reduce(data, rng):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=3))
    axis = axis_of(data, len(shape))
    keep = data.draw(st.booleans())
    kind = data.draw(st.sampled_from(["prod", "min", "logsumexp", "prod_old_keywords"]))
    if kind == "prod":
        return (
            (lambda x: gv.reduce_prod(x, axis, keepdims=keep)),
            [nonzero(rng, shape)],
            (lambda x: np.prod(x, axis, keepdims=keep)),
        )
    if kind == "prod_old_keywords":
        return (
            (lambda x: gv.reduce_prod(x, reduction_indices=[axis], keep_dims=keep)),
            [nonzero(rng, shape)],
            (lambda x: np.prod(x, axis, keepdims=keep)),
        )
    if kind == "min":
        return (
            (lambda x: gv.reduce_min(x, axis, keepdims=keep)),
            [distinct(rng, shape)],
            (lambda x: np.min(x, axis, keepdims=keep)),
        )
    ref = lambda x: np.log(np.sum(np.exp(x), axis, keepdims=keep))  # noqa: E731
    return (lambda x: gv.reduce_logsumexp(x, axis, keepdims=keep)), [real(rng, shape)], ref


def case_cumulative(data, rng):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
    axis = axis_of(data, len(shape))
    exclusive, reverse = data.draw(st.booleans()), data.draw(st.booleans())
    product = data.draw(st.booleans())

    def ref(x):
        y = np.flip(x, axis) if reverse else x
        acc = (np.cumprod if product else np.cumsum)(y, axis)
        if exclusive:
            acc = np.roll(acc, 1, axis)
            idx = [slice(None)] * x.ndim
            idx[axis] = 0
            acc[tuple(idx)] = 1 if product else 0
        return np.flip(acc, axis) if reverse else acc

    op = gv.cumprod if product else gv.cumsum
    return (lambda x: op(x, axis, exclusive, reverse)), [nonzero(rng, shape)], ref


def index_items(data, dims):
    """A random Python index for a tensor of shape `dims`: ints, slices, None, Ellipsis."""
    items, k = [], 0
    use_ellipsis = data.draw(st.booleans())
    while k < len(dims):
        kind = data.draw(st.sampled_from(["int", "slice", "none", "stop"]))
        if kind == "stop":
            break
        if kind == "none":
            items.append(None)
            continue
        d = dims[k]
        if kind == "int":
            items.append(data.draw(st.integers(-d, d - 1)))
        else:
            bound = st.none() | st.integers(-d - 1, d + 1)
            step = data.draw(st.none() | st.sampled_from([1, 2, -1, -2]))
            items.append(slice(data.draw(bound), data.draw(bound), step))
        k += 1
    if use_ellipsis:
        items.insert(data.draw(st.integers(0, len(items))), Ellipsis)
    return tuple(items)


def case_slicing(data, rng):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    index = index_items(data, shape)
    return (lambda x: x[index]), [real(rng, shape)], (lambda x: x[index])


def case_shaping(data, rng):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=3))
    rank = len(shape)
    kind = data.draw(
        st.sampled_from(["concat", "stack", "unstack", "split", "tile", "pad", "reverse", "squeeze"])
    )
    axis = axis_of(data, rank)
    if kind == "concat":
        other = list(shape)
        other[axis] = data.draw(st.integers(1, 3))
        inputs = [real(rng, shape), real(rng, tuple(other))]
        return (
            (lambda a, b: gv.concat([a, b, a], axis)),
            inputs,
            (lambda a, b: np.concatenate([a, b, a], axis)),
        )
    if kind == "stack":
        new_axis = data.draw(st.integers(-rank - 1, rank))
        inputs = [real(rng, shape), real(rng, shape)]
        return (
            (lambda a, b: gv.stack([a, b], new_axis)),
            inputs,
            (lambda a, b: np.stack([a, b], new_axis)),
        )
    if kind == "unstack":
        weights = rng.standard_normal(shape[axis])

        def build(x):
            return gv.add_n([w * t for w, t in zip(weights, gv.unstack(x, axis=axis))])

        return (
            build,
            [real(rng, shape)],
            (lambda x: np.tensordot(np.moveaxis(x, axis, 0), weights, ([0], [0]))),
        )
    if kind == "split":
        n = shape[axis]
        sizes = data.draw(st.sampled_from([[n], [1, n - 1] if n > 1 else [1]]))

        def build(x):
            parts = gv.split(x, sizes, axis)
            return gv.concat([p * (i + 2.0) for i, p in enumerate(parts)], axis)

        def ref(x):
            parts = np.split(x, np.cumsum(sizes)[:-1], axis)
            return np.concatenate([p * (i + 2.0) for i, p in enumerate(parts)], axis)

        return build, [real(rng, shape)], ref
    if kind == "tile":
        multiples = data.draw(st.lists(st.integers(1, 3), min_size=rank, max_size=rank))
        return (lambda x: gv.tile(x, multiples)), [real(rng, shape)], (lambda x: np.tile(x, multiples))
    if kind == "pad":
        mode = data.draw(st.sampled_from(["CONSTANT", "REFLECT", "SYMMETRIC"]))
        limit = (lambda d: d - 1) if mode == "REFLECT" else (lambda d: d)
        pads = [[data.draw(st.integers(0, min(2, limit(d)))) for _ in range(2)] for d in shape]
        value = 0.5 if mode == "CONSTANT" else 0

        def ref(x):
            kw = {"constant_values": value} if mode == "CONSTANT" else {}
            return np.pad(x, pads, mode=mode.lower(), **kw)

        return (lambda x: gv.pad(x, pads, mode, constant_values=value)), [real(rng, shape)], ref
    if kind == "reverse":
        return (lambda x: gv.reverse(x, [axis])), [real(rng, shape)], (lambda x: np.flip(x, axis))
    padded = (*shape[:1], 1, *shape[1:])
    return (lambda x: gv.squeeze(x, [1])), [real(rng, padded)], (lambda x: np.squeeze(x, 1))


def case_gather(data, rng):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
    axis = axis_of(data, len(shape))
    ishape = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=3))
    indices = rng.integers(0, shape[axis], ishape)  # repeats: their gradients add up
    kind = data.draw(st.sampled_from(["gather", "embedding_lookup", "boolean_mask"]))
    if kind == "gather":
        return (
            (lambda p: gv.gather(p, indices, axis=axis)),
            [real(rng, shape)],
            (lambda p: np.take(p, indices, axis)),
        )
    if kind == "embedding_lookup":
        indices = rng.integers(0, shape[0], ishape)
        return (
            (lambda p: gv.nn.embedding_lookup(p, indices)),
            [real(rng, shape)],
            (lambda p: np.take(p, indices, 0)),
        )
    k = data.draw(st.integers(1, len(shape)))
    mask = rng.random(shape[:k]) < 0.6
    return (lambda t: gv.boolean_mask(t, mask)), [real(rng, shape)], (lambda t: t[mask])


def batch_shapes(data):
    return data.draw(
        hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2, max_side=3)
    ).input_shapes


def case_linalg(data, rng):
    kind = data.draw(st.sampled_from(["batch_matmul", "einsum", "tensordot"]))
    m, k, n = (data.draw(st.integers(1, 3)) for _ in range(3))
    if kind == "batch_matmul":
        ba, bb = batch_shapes(data)
        ta, tb = data.draw(st.booleans()), data.draw(st.booleans())
        sa = (*ba, 1, 1) if not ba else (*ba, *((k, m) if ta else (m, k)))
        sb = (*bb, *((n, k) if tb else (k, n)))
        if len(sa) < 3 and len(sb) < 3:
            sa = (2, *sa[-2:])
        sa = (*sa[:-2], *((k, m) if ta else (m, k)))

        def ref(a, b):
            return np.matmul(np.swapaxes(a, -1, -2) if ta else a, np.swapaxes(b, -1, -2) if tb else b)

        return (
            (lambda a, b: gv.matmul(a, b, transpose_a=ta, transpose_b=tb)),
            [real(rng, sa), real(rng, sb)],
            ref,
        )
    if kind == "einsum":
        equation, sa, sb = data.draw(
            st.sampled_from(
                [
                    ("ij,jk->ik", (m, k), (k, n)),
                    ("ij,ij->i", (m, k), (m, k)),
                    ("ij,kj->ik", (m, k), (n, k)),
                    ("bij,bjk->bik", (2, m, k), (2, k, n)),
                    ("i,j->ij", (m,), (n,)),
                    ("ij,j->i", (m, k), (k,)),
                    ("ij,jk", (m, k), (k, n)),
                    ("ij,k->i", (m, k), (n,)),
                    ("ij->ji", (m, k), None),
                    ("ij->j", (m, k), None),
                ]
            )
        )
        if sb is None:
            return (
                (lambda a: gv.einsum(equation, a)),
                [real(rng, sa)],
                (lambda a: np.einsum(equation, a)),
            )
        return (
            (lambda a, b: gv.einsum(equation, a, b)),
            [real(rng, sa), real(rng, sb)],
            (lambda a, b: np.einsum(equation, a, b)),
        )
    axes = data.draw(st.sampled_from([1, 2, [[0], [1]], [[1, 0], [0, 1]]]))
    sa, sb = ((m, k), (k, n)) if axes == 1 else ((m, k), (m, k)) if axes == 2 else ((m, k), (n, m))
    if axes == [[1, 0], [0, 1]]:
        sb = (k, m)
    return (
        (lambda a, b: gv.tensordot(a, b, axes)),
        [real(rng, sa), real(rng, sb)],
        (lambda a, b: np.tensordot(a, b, axes)),
    )


def np_conv(x, w, strides, padding, dilations):
    """A direct (slow, obviously right) NHWC convolution with TensorFlow's padding rule."""
    kh, kw = (w.shape[0] - 1) * dilations[0] + 1, (w.shape[1] - 1) * dilations[1] + 1
    pads = []
    for i, k in ((1, kh), (2, kw)):
        size, s = x.shape[i], strides[i - 1]
        if padding == "VALID":
            out = (size - k) // s + 1
            pads.append((0, 0, out))
        else:
            out = -(-size // s)
            total = max((out - 1) * s + k - size, 0)
            pads.append((total // 2, total - total // 2, out))
    xp = np.pad(x, ((0, 0), pads[0][:2], pads[1][:2], (0, 0)))
    out = np.zeros((x.shape[0], pads[0][2], pads[1][2], w.shape[3]))
    for r in range(out.shape[1]):
        for c in range(out.shape[2]):
            for i in range(w.shape[0]):
                for j in range(w.shape[1]):
                    pixel = xp[
                        :, r * strides[0] + i * dilations[0], c * strides[1] + j * dilations[1], :
                    ]
                    out[:, r, c, :] += pixel @ w[i, j]
    return out


def case_conv(data, rng):
    n, h, w_, cin, cout = 2, data.draw(st.integers(3, 6)), data.draw(st.integers(3, 6)), 2, 3
    kh, kw = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    padding = data.draw(st.sampled_from(["SAME", "VALID"]))
    dilated = data.draw(st.booleans())
    strides = (1, 1) if dilated else (data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2)))
    dilations = (data.draw(st.integers(1, 2)), 1) if dilated else (1, 1)
    if padding == "VALID" and ((kh - 1) * dilations[0] + 1 > h or kw > w_):
        padding = "SAME"
    kind = data.draw(st.sampled_from(["conv2d", "max_pool", "avg_pool"]))
    x = real(rng, (n, h, w_, cin))
    if kind == "conv2d":
        filt = real(rng, (kh, kw, cin, cout))

        def build(a, b):
            return gv.nn.conv2d(a, b, [1, *strides, 1], padding, dilations=[1, *dilations, 1])

        return build, [x, filt], (lambda a, b: np_conv(a, b, strides, padding, dilations))
    ksize = [1, kh, kw, 1]
    if kind == "max_pool":
        x = distinct(rng, (n, h, w_, cin))  # no ties: the max is unique in every window
        return (lambda a: gv.nn.max_pool(a, ksize, [1, *strides, 1], padding)), [x], None
    return (lambda a: gv.nn.avg_pool(a, ksize, [1, *strides, 1], padding)), [x], None


def case_nn(data, rng):
    batch, classes = data.draw(st.integers(1, 3)), data.draw(st.integers(2, 4))
    kind = data.draw(
        st.sampled_from(
            [
                "xent_v2",
                "sparse_xent",
                "moments",
                "l2_normalize",
                "bias_add",
                "log_softmax",
                "losses",
                "dense",
            ]
        )
    )
    logits = real(rng, (batch, classes))
    if kind == "xent_v2":
        labels = rng.dirichlet(np.ones(classes), batch)

        def ref(z, y):
            ls = z - np.log(np.sum(np.exp(z), -1, keepdims=True))
            return -np.sum(y * ls, -1)

        return (
            (lambda z, y: gv.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=z)),
            [logits, labels],
            ref,
        )
    if kind == "sparse_xent":
        labels = rng.integers(0, classes, batch)

        def ref(z):
            ls = z - np.log(np.sum(np.exp(z), -1, keepdims=True))
            return -ls[np.arange(batch), labels]

        return (
            (lambda z: gv.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=z)),
            [logits],
            ref,
        )
    if kind == "moments":
        axes = data.draw(st.sampled_from([[0], [1], [0, 1]]))

        def build(x):
            mean, var = gv.nn.moments(x, axes)
            return gv.concat([gv.reshape(mean, [-1]), gv.reshape(var, [-1])], 0)

        # TensorFlow's variance holds the mean constant (stop_gradient): right to first order
        # (the deviations sum to 0), deliberately not to second.
        build.first_order_only = True
        return (
            build,
            [logits],
            (
                lambda x: np.concatenate(
                    [np.mean(x, tuple(axes)).ravel(), np.var(x, tuple(axes)).ravel()]
                )
            ),
        )
    if kind == "l2_normalize":
        axis = data.draw(st.sampled_from([0, 1, -1]))
        return (
            (lambda x: gv.nn.l2_normalize(x, axis)),
            [nonzero(rng, (batch, classes))],
            (lambda x: x / np.sqrt(np.sum(x * x, axis, keepdims=True))),
        )
    if kind == "bias_add":
        return (lambda x, b: gv.nn.bias_add(x, b)), [logits, real(rng, (classes,))], (lambda x, b: x + b)
    if kind == "log_softmax":
        return gv.nn.log_softmax, [logits], (lambda z: z - np.log(np.sum(np.exp(z), -1, keepdims=True)))
    if kind == "losses":
        name = data.draw(st.sampled_from(["mse", "abs", "huber", "log_loss"]))
        target = rng.uniform(0.1, 0.9, (batch, classes))
        pred = rng.uniform(0.2, 0.8, (batch, classes)) + np.where(
            rng.random((batch, classes)) < 0.5, 1.7, 0
        )
        builders = {
            "mse": (gv.losses.mean_squared_error, lambda y, p: np.mean((y - p) ** 2)),
            "abs": (gv.losses.absolute_difference, lambda y, p: np.mean(np.abs(p - y))),
            "huber": (
                gv.losses.huber_loss,
                lambda y, p: np.mean(
                    np.where(np.abs(p - y) <= 1, 0.5 * (p - y) ** 2, np.abs(p - y) - 0.5)
                ),
            ),
            "log_loss": (
                gv.losses.log_loss,
                lambda y, p: np.mean(-y * np.log(p + 1e-7) - (1 - y) * np.log(1 - p + 1e-7)),
            ),
        }
        loss, ref = builders[name]
        if name == "log_loss":
            pred = rng.uniform(0.1, 0.9, (batch, classes))
        return (lambda y, p: loss(y, p)), [target, pred], ref
    w = real(rng, (classes, 2))
    return (lambda x: gv.nn.relu(x @ w) * 1.0), [logits], (lambda x: np.maximum(x @ w, 0))


CASES = {
    "reduce": case_reduce,
    "cumulative": case_cumulative,
    "slicing": case_slicing,
    "shaping": case_shaping,
    "gather": case_gather,
    "linalg": case_linalg,
    "conv": case_conv,
    "nn": case_nn,
}
NO_SECOND_ORDER = {"reduce"}  # reduce_prod's second derivative is not implemented


@pytest.mark.parametrize("name", CASES)
@FAST
@given(data=st.data(), seed=seeds)
def test_case_forward_and_gradient(name, data, seed):
    rng = np.random.default_rng(seed)
    build, inputs, reference = CASES[name](data, rng)
    with gv.Graph().as_default():
        y = build(*[gv.constant(x) for x in inputs])
        value = gv.Session().run(y)
    if reference is not None:
        expected = reference(*inputs)
        np.testing.assert_allclose(value, expected, rtol=1e-9, atol=1e-12)
    assert y.shape.is_compatible_with(np.shape(value)), (y.shape, np.shape(value))
    if np.size(value):
        check_gradients(build, inputs, seed)


@pytest.mark.parametrize("name", [n for n in CASES if n not in NO_SECOND_ORDER])
@SLOW
@given(data=st.data(), seed=seeds)
def test_case_second_order(name, data, seed):
    rng = np.random.default_rng(seed)
    build, inputs, _ = CASES[name](data, rng)
    if getattr(build, "first_order_only", False):
        return
    with gv.Graph().as_default():
        size = np.size(gv.Session().run(build(*[gv.constant(x) for x in inputs])))
    if size:
        check_gradients(build, inputs, seed, order=2)


def test_pool_values_against_numpy_windows():
    x = np.arange(2 * 5 * 5 * 1, dtype=np.float64).reshape(2, 5, 5, 1) % 7
    with gv.Graph().as_default():
        mx = gv.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
        av_same = gv.nn.avg_pool(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME")
        mv, av = gv.Session().run([mx, av_same])
    expected = x[:, :4, :4, 0].reshape(2, 2, 2, 2, 2).max(axis=(2, 4))
    np.testing.assert_array_equal(mv[..., 0], expected)
    # SAME, 3x3, stride 2 on 5x5: pad 1 each side; the corner window averages 4 real entries.
    np.testing.assert_allclose(av[0, 0, 0, 0], x[0, :2, :2, 0].mean())
    np.testing.assert_allclose(av[0, 1, 1, 0], x[0, 1:4, 1:4, 0].mean())
    assert mx.shape == [2, 2, 2, 1] and av_same.shape == [2, 3, 3, 1]


def test_max_pool_tie_goes_to_the_first_maximum():
    x = np.ones((1, 2, 2, 1))
    with gv.Graph().as_default():
        t = gv.constant(x)
        (g,) = gv.gradients(gv.nn.max_pool(t, [1, 2, 2, 1], [1, 2, 2, 1], "VALID"), [t])
        np.testing.assert_array_equal(gv.Session().run(g)[0, :, :, 0], [[1, 0], [0, 0]])


IMAGE = np.zeros((1, 4, 4, 2), np.float32)


def test_bad_arguments_name_the_argument_and_change_nothing():
    with gv.Graph().as_default() as graph:
        x = gv.placeholder("float32", [2, 3])
        before = len(graph.get_operations())
        for call, match in [
            (lambda: x["a"], "index"),
            (lambda: x[..., ...], "ellipsis"),
            (lambda: x[0, 0, 0], "out of range"),
            (lambda: x[5], "out of bounds"),
            (lambda: x[::0], "step"),
            (lambda: gv.concat([x, x], 2), "axis"),
            (lambda: gv.split(x, 2, 1), "divisible"),
            (lambda: gv.tile(x, [1, -1]), "multiples"),
            (lambda: gv.pad(x, [[1, 1]]), "paddings"),
            (lambda: gv.pad(x, [[1, 1], [0, 0]], "WRAP"), "mode"),
            (lambda: gv.gather(x, [0], axis=3), "axis"),
            (lambda: gv.one_hot([1], -1), "depth"),
            (lambda: gv.argmax(x, 2), "axis"),
            (lambda: gv.argmax(x, 0, output_type=gv.float32), "output_type"),
            (lambda: gv.einsum("ii->i", x), "repeated"),
            (lambda: gv.einsum("ij,jk->ik", x), "operands"),
            (
                lambda: gv.nn.conv2d(IMAGE, np.zeros((2, 2, 3, 1), "f"), [1, 1, 1, 1], "SAME"),
                "depth",
            ),
            (
                lambda: gv.nn.conv2d(IMAGE, np.zeros((2, 2, 2, 1), "f"), [1, 1, 1, 1], "FULL"),
                "padding",
            ),
            (
                lambda: gv.nn.max_pool(IMAGE, [2, 2, 2, 1], [1, 1, 1, 1], "SAME"),
                "ksize",
            ),
            (lambda: gv.clip_by_value(x, 2.0, 1.0), "clip_value_min"),
            (lambda: gv.nn.dropout(x), "keep_prob"),
            (lambda: gv.nn.dropout(x, keep_prob=1.5), "keep_prob"),
            (lambda: gv.squeeze(x, [0]), "squeeze"),
            (lambda: gv.cumsum(x, 2), "axis"),
            (lambda: gv.reduce_sum(x, axis=0, reduction_indices=0), "reduction_indices"),
        ]:
            mark = len(graph.get_operations())
            with pytest.raises((ValueError, TypeError), match=match):
                call()
            assert len(graph.get_operations()) == mark, match
        assert before <= len(graph.get_operations())


@pytest.mark.parametrize("name", ["slicing", "gather", "linalg", "cumulative", "reduce"])
@SLOW
@given(data=st.data(), seed=seeds)
def test_case_gradient_with_dims_known_only_while_running(name, data, seed):
    rng = np.random.default_rng(seed)
    build, inputs, _ = CASES[name](data, rng)
    with gv.Graph().as_default():
        size = np.size(gv.Session().run(build(*[gv.constant(x) for x in inputs])))
    if size:
        check_gradients(build, inputs, seed, static="unknown dims")


def test_tf1_layers_build_their_variables():
    images = gv.placeholder("float32", [None, 8, 8, 3])
    conv = gv.layers.conv2d(images, 4, 3, padding="same", activation=gv.nn.relu)
    pooled = gv.layers.max_pooling2d(conv, 2, 2)
    flat = gv.layers.flatten(pooled)
    dropped = gv.layers.dropout(flat, rate=0.5, training=False)
    training = gv.placeholder(gv.bool_, [])
    maybe = gv.layers.dropout(flat, rate=0.5, training=training)
    names = [v.name for v in gv.trainable_variables()]
    assert names == ["conv2d/kernel:0", "conv2d/bias:0"]
    assert (
        conv.shape.as_list() == [None, 8, 8, 4]
        and flat.shape.as_list() == [None, 64]
        and dropped is flat
    )
    sess = gv.Session()
    sess.run(gv.global_variables_initializer())
    x = np.random.default_rng(0).random((2, 8, 8, 3)).astype(np.float32)
    f, off, on = sess.run([flat, maybe, maybe], {images: x, training: False})
    np.testing.assert_array_equal(f, off)
    on = sess.run(maybe, {images: x, training: True})
    assert set(np.unique(on[f > 0] / f[f > 0]).round(4)) <= {0.0, 2.0}


def test_weighted_cross_entropy_matches_its_formula():
    z, y = np.array([-1.0, 0.5, 2.0]), np.array([0.0, 1.0, 0.3])
    with gv.Graph().as_default():
        out = gv.Session().run(
            gv.nn.weighted_cross_entropy_with_logits(labels=y, logits=z, pos_weight=2.0)
        )
    sig = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(out, -(2.0 * y * np.log(sig) + (1 - y) * np.log(1 - sig)), rtol=1e-12)
