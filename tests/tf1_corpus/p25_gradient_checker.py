# Source: TensorFlow 1.x, tensorflow/python/ops/gradient_checker.py (tf.test.compute_gradient_error),
# as its tests use it on a small network
# https://github.com/tensorflow/tensorflow/blob/r1.15/tensorflow/python/ops/gradient_checker.py
import numpy as np

import gradviz as tf

x = tf.placeholder(tf.float64, [3, 4])
w = tf.constant(np.linspace(-1, 1, 8).reshape(4, 2))
y = tf.nn.softplus(tf.matmul(tf.tanh(x), w)) + tf.reduce_logsumexp(x, 1, keepdims=True)
x_init = np.linspace(-1, 1, 12).reshape(3, 4)
with tf.Session():
    error = tf.test.compute_gradient_error(x, [3, 4], y, [3, 2], x_init_value=x_init)
    theoretical, numeric = tf.test.compute_gradient(x, [3, 4], y, [3, 2], x_init_value=x_init)

results = {"error": error, "theoretical": theoretical}
compare = {"error": ("below", 1e-6)}
