# Source: TensorFlow 1.15 API docs, tf.custom_gradient (the log1pexp example)
# https://github.com/tensorflow/docs/blob/master/site/en/api_docs/python/tf/custom_gradient.md
import gradviz as tf


@tf.custom_gradient
def log1pexp(x):
    e = tf.exp(x)

    def grad(dy):
        return dy * (1 - 1 / (1 + e))

    return tf.log(1 + e), grad


x = tf.constant(100.0)
y = log1pexp(x)
dy = tf.gradients(y, x)
naive = tf.gradients(tf.log(1 + tf.exp(x)), x)
small = tf.constant(2.0)
dsmall = tf.gradients(log1pexp(small), small)
with tf.Session() as sess:
    values = sess.run([y, dy[0], naive[0], dsmall[0]])

results = {"y": values[0], "dy": values[1], "naive_dy": values[2], "dy_at_2": values[3]}
