# Source: TensorFlow 1.15 API docs, tf.train.exponential_decay (the global_step example)
# https://github.com/tensorflow/docs/blob/master/site/en/api_docs/python/tf/compat/v1/train/exponential_decay.md
import numpy as np

import gradviz as tf

x = tf.placeholder(tf.float32, [None, 2])
y = tf.placeholder(tf.float32, [None])
W = tf.Variable(np.array([0.5, -0.5], dtype=np.float32))
loss = tf.reduce_mean(tf.square(tf.reduce_sum(x * W, 1) - y))

global_step = tf.Variable(0, trainable=False)
starter_learning_rate = 0.1
learning_rate = tf.train.exponential_decay(starter_learning_rate, global_step, 5, 0.5, staircase=True)
learning_step = tf.train.MomentumOptimizer(learning_rate, 0.9).minimize(loss, global_step=global_step)

data_x = np.array([[1.0, 2.0], [2.0, 1.0], [0.5, -1.0]], dtype=np.float32)
data_y = np.array([3.0, 1.0, 0.0], dtype=np.float32)
rates = []
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(12):
        rates.append(sess.run(learning_rate))
        sess.run(learning_step, {x: data_x, y: data_y})
    final, step, w_value = sess.run([loss, global_step, W], {x: data_x, y: data_y})

results = {"rates": rates, "loss": final, "global_step": step, "W": w_value}
