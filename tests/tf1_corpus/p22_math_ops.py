# Source: TensorFlow 1.x API guide "Math" (reductions, segment-free scans, matrix math)
# https://github.com/tensorflow/docs/blob/r1.15/site/en/api_guides/python/math_ops.md
import numpy as np

import gradviz as tf

x = tf.constant([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]])
a = tf.constant(np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 10)
b = tf.constant(np.arange(40, dtype=np.float32).reshape(2, 4, 5) / 10)
ops = {
    "reduce_prod": tf.reduce_prod(x, 1),
    "reduce_min": tf.reduce_min(x, reduction_indices=0, keep_dims=True),
    "reduce_max": tf.reduce_max(x),
    "logsumexp": tf.reduce_logsumexp(x, 1),
    "reduce_any": tf.reduce_any(x > 4.5),
    "reduce_all": tf.reduce_all(x > -10.0),
    "argmax": tf.argmax(x, 1),
    "argmin": tf.argmin(x, 0),
    "cumsum": tf.cumsum(x, axis=1),
    "cumsum_excl_rev": tf.cumsum(x, axis=1, exclusive=True, reverse=True),
    "cumprod": tf.cumprod(x, axis=0),
    "batch_matmul": tf.matmul(a, b),
    "tensordot": tf.tensordot(a, b, [[2], [1]]),
    "einsum": tf.einsum("bij,bjk->bik", a, b),
    "einsum_outer": tf.einsum("i,j->ij", x[0], x[1]),
    "clip": tf.clip_by_value(x, -1.0, 2.0),
    "sign": tf.sign(x),
    "reciprocal": tf.reciprocal(x),
    "rsqrt": tf.rsqrt(tf.abs(x)),
    "trig": tf.tan(x / 10) + tf.atan(x) + tf.asin(x / 10) + tf.acos(x / 10),
    "hyperbolic": tf.sinh(x / 3) + tf.cosh(x / 3),
    "log1p_expm1": tf.log1p(tf.abs(x)) + tf.expm1(x / 10),
    "floor_ceil_round": tf.floor(x / 4) + tf.ceil(x / 4) + tf.round(x / 4),
    "mod": tf.mod(x, 4.0),
    "floordiv": tf.floordiv(x, 4.0),
    "squared_difference": tf.squared_difference(x, 1.0),
    "count_nonzero": tf.count_nonzero(tf.floor(x / 4)),
    "norm": tf.norm(x),
    "norm_axis": tf.norm(x, axis=1),
    "compare": tf.cast(tf.logical_and(tf.greater_equal(x, 1.0), tf.less(x, 5.0)), tf.int32),
    "not_equal": tf.not_equal(x, 3.0),
}
grads = tf.gradients(tf.reduce_sum(tf.reduce_prod(x, 1) + tf.reduce_logsumexp(x, 1)), x)[0]
with tf.Session() as sess:
    values = sess.run(ops)
    values["grad"] = sess.run(grads)

results = values
