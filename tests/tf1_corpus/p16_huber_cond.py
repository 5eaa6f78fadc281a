# Source: chiphuyen/stanford-tensorflow-tutorials (CS 20SI), 2017/examples/03_linear_regression_sol.py
# https://github.com/chiphuyen/stanford-tensorflow-tutorials/blob/master/2017/examples/03_linear_regression_sol.py
# Data: seeded synthetic (fire, theft) pairs instead of the Chicago xls file.
import numpy as np

import gradviz as tf

rng = np.random.RandomState(8)
fire = rng.uniform(0, 40, 42).astype(np.float32)
theft = (1.5 * fire + 15 + rng.normal(0, 10, 42)).astype(np.float32)
theft[::10] += 60  # outliers, which the Huber loss is for
data = np.stack([fire, theft], 1)
n_samples = data.shape[0]


def huber_loss(labels, predictions, delta=14.0):
    residual = tf.abs(labels - predictions)

    def f1():
        return 0.5 * tf.square(residual)

    def f2():
        return delta * residual - 0.5 * tf.square(delta)

    return tf.cond(residual < delta, f1, f2)


X = tf.placeholder(tf.float32, name="X")
Y = tf.placeholder(tf.float32, name="Y")
w = tf.get_variable("weights", initializer=tf.constant(0.0))
b = tf.get_variable("bias", initializer=tf.constant(0.0))
Y_predicted = w * X + b
loss = huber_loss(Y, Y_predicted)
optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.0001).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(20):
        total_loss = 0
        for x, y in data:
            _, l = sess.run([optimizer, loss], feed_dict={X: x, Y: y})
            total_loss += l
    w_out, b_out = sess.run([w, b])

results = {"w": w_out, "b": b_out, "last_epoch_loss": total_loss / n_samples}
