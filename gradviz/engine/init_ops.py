"""Initializers, TensorFlow 1.x's `*_initializer` family: objects called with a shape (and a
dtype) that build the ops of a variable's initial value, as `get_variable` calls them.

The fan-based ones follow TensorFlow's `VarianceScaling` exactly (its fans, its 0.8796... factor
for the truncated normal); the draws themselves are gradviz's (see `ops/random.py`).
"""

import math

import numpy as np

from . import dtypes
from .ops.creation import ones, zeros
from .ops.random import random_normal, random_uniform, truncated_normal
from .ops.state import constant

# The standard deviation of a standard normal truncated to [-2, 2] (TensorFlow's constant).
_TRUNCATED_STDDEV = 0.87962566103423978


class Initializer:
    """Base class: ``init(shape, dtype=None, partition_info=None)`` -> the initial value."""

    dtype = dtypes.float32

    def __call__(self, shape, dtype=None, partition_info=None):
        return self._build(list(shape), dtypes.as_dtype(dtype or self.dtype))

    def _build(self, shape, dtype):
        raise NotImplementedError


class Zeros(Initializer):
    def __init__(self, dtype=dtypes.float32):
        self.dtype = dtypes.as_dtype(dtype)

    def _build(self, shape, dtype):
        return zeros(shape, dtype)


class Ones(Zeros):
    def _build(self, shape, dtype):
        return ones(shape, dtype)


class Constant(Initializer):
    """Fills the shape with `value` (a number, or a list as big as the shape)."""

    def __init__(self, value=0, dtype=dtypes.float32, verify_shape=False):
        self.value, self.dtype = value, dtypes.as_dtype(dtype)

    def _build(self, shape, dtype):
        return constant(self.value, dtype=dtype, shape=shape)


class RandomNormal(Initializer):
    def __init__(self, mean=0.0, stddev=1.0, seed=None, dtype=dtypes.float32):
        self.mean, self.stddev, self.seed, self.dtype = mean, stddev, seed, dtypes.as_dtype(dtype)

    def _build(self, shape, dtype):
        return random_normal(shape, self.mean, self.stddev, dtype, seed=self.seed)


class TruncatedNormal(RandomNormal):
    def _build(self, shape, dtype):
        return truncated_normal(shape, self.mean, self.stddev, dtype, seed=self.seed)


class RandomUniform(Initializer):
    def __init__(self, minval=0.0, maxval=None, seed=None, dtype=dtypes.float32):
        self.minval, self.maxval, self.seed = minval, maxval, seed
        self.dtype = dtypes.as_dtype(dtype)

    def _build(self, shape, dtype):
        return random_uniform(shape, self.minval, self.maxval, dtype, seed=self.seed)


class VarianceScaling(Initializer):
    """Draws with variance scale / n, n the fan in, fan out or their mean."""

    def __init__(
        self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None, dtype=dtypes.float32
    ):
        if scale <= 0.0:
            raise ValueError(f"variance_scaling_initializer: scale must be positive, got {scale}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"variance_scaling_initializer: invalid mode {mode!r}")
        if distribution == "normal":
            distribution = "truncated_normal"  # TensorFlow 1.x's alias
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError(f"variance_scaling_initializer: invalid distribution {distribution!r}")
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed
        self.dtype = dtypes.as_dtype(dtype)

    def _build(self, shape, dtype):
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, n)
        if self.distribution == "truncated_normal":
            return truncated_normal(
                shape, 0.0, math.sqrt(variance) / _TRUNCATED_STDDEV, dtype, self.seed
            )
        if self.distribution == "untruncated_normal":
            return random_normal(shape, 0.0, math.sqrt(variance), dtype, self.seed)
        limit = math.sqrt(3.0 * variance)
        return random_uniform(shape, -limit, limit, dtype, self.seed)


def compute_fans(shape):
    """(fan_in, fan_out) of a weight shape, TensorFlow's rule (conv kernels count their window)."""
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return shape[-2] * receptive, shape[-1] * receptive


def glorot_uniform_initializer(seed=None, dtype=dtypes.float32):
    """Uniform in ±sqrt(6 / (fan_in + fan_out)): `get_variable`'s default."""
    return VarianceScaling(1.0, "fan_avg", "uniform", seed, dtype)


def glorot_normal_initializer(seed=None, dtype=dtypes.float32):
    return VarianceScaling(1.0, "fan_avg", "truncated_normal", seed, dtype)


def he_normal(seed=None):
    return VarianceScaling(2.0, "fan_in", "truncated_normal", seed)


def he_uniform(seed=None):
    return VarianceScaling(2.0, "fan_in", "uniform", seed)


constant_initializer = Constant
zeros_initializer = Zeros
ones_initializer = Ones
random_normal_initializer = RandomNormal
truncated_normal_initializer = TruncatedNormal
random_uniform_initializer = RandomUniform
variance_scaling_initializer = VarianceScaling
