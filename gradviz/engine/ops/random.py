"""Random ops and TensorFlow 1.x's seed rules.

The draws are numpy's (``numpy.random.Generator``), not TensorFlow's Philox stream: the same
seeds give the same numbers in gradviz run after run, but not the numbers TensorFlow draws.
What does match is *when* numbers repeat (``random_seed.get_seed`` in TensorFlow):

- graph seed and op seed both unset: fresh numbers every time the program runs;
- graph seed set (`set_random_seed`), op seed unset: the op seed is the number of ops already in
  the graph, so a program rebuilt the same way draws the same numbers;
- op seed set, graph seed unset: the graph seed defaults to 87654321.

Each random op keeps its generator in the Session, created on its first run: every `run` draws
new numbers, and a new Session starts the sequence again, as in TensorFlow.
"""

import numpy as np

from .. import dtypes
from ..graph import Tensor, get_default_graph
from ..shape import TensorShape
from .registry import apply_op, register_op

DEFAULT_GRAPH_SEED = 87654321


def set_random_seed(seed):
    """The graph-level seed of the default graph (see the module docstring for the rules)."""
    if seed is not None and not isinstance(seed, int | np.integer):
        raise TypeError(f"set_random_seed: seed must be an int or None, got {seed!r}")
    get_default_graph().seed = None if seed is None else int(seed)


def get_seed(op_seed):
    """(graph seed, op seed) for a new random op, TensorFlow 1.x's rule."""
    if op_seed is not None and not isinstance(op_seed, int | np.integer):
        raise TypeError(f"seed must be an int or None, got {op_seed!r}")
    graph = get_default_graph()
    graph_seed = getattr(graph, "seed", None)
    if graph_seed is not None:
        return graph_seed, len(graph) if op_seed is None else int(op_seed)
    if op_seed is not None:
        return DEFAULT_GRAPH_SEED, int(op_seed)
    return None, None


def _generator(state, key, seed, seed2):
    """The op's generator in this session's state, made on first use (tuple keys: not variables)."""
    rng = state.get(key)
    if rng is None:
        rng = state[key] = np.random.default_rng(None if seed is None else [seed, seed2])
    return rng


def _static_shape(shape, what):
    if isinstance(shape, Tensor):
        raise TypeError(f"{what}: shape must be a list of ints (a static shape), got {shape!r}")
    try:
        dims = tuple(int(d) for d in ([shape] if isinstance(shape, int | np.integer) else shape))
    except (TypeError, ValueError):
        raise TypeError(f"{what}: shape must be a list of ints, got {shape!r}") from None
    if any(d < 0 for d in dims):
        raise ValueError(f"{what}: shape {list(dims)} has a negative dimension")
    return dims


def _random_shape(*, shape, dtype, seed, seed2, key):
    return TensorShape(shape)


def _random_dtype(*, shape, dtype, seed, seed2, key):
    return dtype


@register_op("RandomStandardNormal", label="N(0,1)", stateful=True, no_gradient="random")
class RandomStandardNormal:
    shape, dtype = _random_shape, _random_dtype

    def forward(state, pending, *, shape, dtype, seed, seed2, key):
        return _generator(state, key, seed, seed2).standard_normal(shape).astype(dtype)


@register_op("TruncatedNormal", label="N(0,1)|2σ", stateful=True, no_gradient="random")
class TruncatedNormal:
    """Standard normal draws, redrawn while more than two standard deviations out."""

    shape, dtype = _random_shape, _random_dtype

    def forward(state, pending, *, shape, dtype, seed, seed2, key):
        rng = _generator(state, key, seed, seed2)
        values = rng.standard_normal(shape)
        outside = np.abs(values) > 2
        while outside.any():
            values[outside] = rng.standard_normal(int(outside.sum()))
            outside = np.abs(values) > 2
        return values.astype(dtype)


@register_op("RandomUniform", label="U[0,1)", stateful=True, no_gradient="random")
class RandomUniform:
    shape, dtype = _random_shape, _random_dtype

    def forward(state, pending, *, shape, dtype, seed, seed2, key):
        return _generator(state, key, seed, seed2).random(shape).astype(dtype)


@register_op("RandomUniformInt", label="U{a..b}", stateful=True, no_gradient="random")
class RandomUniformInt:
    def forward(state, pending, *, shape, dtype, seed, seed2, key, minval, maxval):
        return _generator(state, key, seed, seed2).integers(minval, maxval, shape).astype(dtype)

    def shape(*, shape, dtype, seed, seed2, key, minval, maxval):
        return TensorShape(shape)

    def dtype(*, shape, dtype, seed, seed2, key, minval, maxval):
        return dtype


@register_op("RandomShuffle", label="shuffle", stateful=True, no_gradient="random")
class RandomShuffle:
    """`value` with its first dimension permuted."""

    def forward(state, pending, value, *, seed, seed2, key):
        value = np.asarray(value)
        return value if value.ndim == 0 else _generator(state, key, seed, seed2).permutation(value)


def _random_op(op_type, shape, dtype, seed, name, what, **extra):
    dims = _static_shape(shape, what)
    dtype = dtypes.as_dtype(dtype)
    graph_seed, op_seed = get_seed(seed)
    graph = get_default_graph()
    key = ("random", graph.unique_name(name, mark_as_used=False))
    attrs = {"shape": dims, "dtype": dtype, "seed": graph_seed, "seed2": op_seed, "key": key, **extra}
    return apply_op(op_type, [], attrs, name=name)


def _scaled(draws, scale, shift, dtype):
    """draws · scale + shift, with the ops TensorFlow builds (mul, add)."""
    return draws * _cast_like(scale, dtype) + _cast_like(shift, dtype)


def _cast_like(value, dtype):
    from .array import Cast

    if isinstance(value, Tensor):
        return value if value.dtype == dtype else Cast(value, dtype=dtype)
    return np.asarray(value, dtype=dtype)


def _float_dtype(dtype, what):
    dtype = dtypes.as_dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"{what}: dtype must be a float type, got {dtype.name}")
    return dtype


def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Normal draws: ``tf.random_normal([784, 10], stddev=0.1)``."""
    dtype = _float_dtype(dtype, "random_normal")
    graph = get_default_graph()
    with graph.rollback_on_error(), graph.name_scope(name or "random_normal"):
        draws = _random_op(
            "RandomStandardNormal", shape, dtype, seed, "RandomStandardNormal", "random_normal"
        )
        return _scaled(draws, stddev, mean, dtype)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Normal draws redrawn beyond two standard deviations (the classic weight initializer)."""
    dtype = _float_dtype(dtype, "truncated_normal")
    graph = get_default_graph()
    with graph.rollback_on_error(), graph.name_scope(name or "truncated_normal"):
        draws = _random_op("TruncatedNormal", shape, dtype, seed, "TruncatedNormal", "truncated_normal")
        return _scaled(draws, stddev, mean, dtype)


def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """Uniform draws in [minval, maxval) (maxval defaults to 1 for floats; ints need it)."""
    dtype = dtypes.as_dtype(dtype)
    graph = get_default_graph()
    with graph.rollback_on_error(), graph.name_scope(name or "random_uniform"):
        if dtype.kind in "iu":
            if maxval is None:
                raise ValueError(f"random_uniform: maxval must be given for dtype {dtype.name}")
            extra = {"minval": int(minval), "maxval": int(maxval)}
            return _random_op(
                "RandomUniformInt", shape, dtype, seed, "RandomUniformInt", "random_uniform", **extra
            )
        dtype = _float_dtype(dtype, "random_uniform")
        maxval = 1.0 if maxval is None else maxval
        draws = _random_op("RandomUniform", shape, dtype, seed, "RandomUniform", "random_uniform")
        return _scaled(draws, _difference(maxval, minval, dtype), minval, dtype)


def _difference(maxval, minval, dtype):
    if isinstance(maxval, Tensor) or isinstance(minval, Tensor):
        return _cast_like(maxval, dtype) - _cast_like(minval, dtype)
    return np.asarray(maxval, dtype) - np.asarray(minval, dtype)


def random_shuffle(value, seed=None, name=None):
    """`value` shuffled along its first dimension, anew at every run."""
    graph_seed, op_seed = get_seed(seed)
    graph = get_default_graph() if not isinstance(value, Tensor) else value.graph
    key = ("random", graph.unique_name(name or "RandomShuffle", mark_as_used=False))
    return apply_op(
        "RandomShuffle",
        [value],
        {"seed": graph_seed, "seed2": op_seed, "key": key},
        name=name or "RandomShuffle",
    )


@register_op("RandomUniformLike", label="U[0,1)", stateful=True, no_gradient="random", typed=())
class RandomUniformLike:
    """Uniform draws shaped like `like` at run time (dropout of a batch of unknown size)."""

    def forward(state, pending, like, *, seed, seed2, key):
        return _generator(state, key, seed, seed2).random(like.shape).astype(like.dtype)


def random_uniform_like(like, seed=None, name="random_uniform"):
    graph_seed, op_seed = get_seed(seed)
    key = ("random", like.graph.unique_name(name, mark_as_used=False))
    return apply_op(
        "RandomUniformLike", [like], {"seed": graph_seed, "seed2": op_seed, "key": key}, name=name
    )
