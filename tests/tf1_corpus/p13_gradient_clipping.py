# Source: Stack Overflow, "How to apply gradient clipping in TensorFlow?"
# https://stackoverflow.com/questions/36498127/how-to-apply-gradient-clipping-in-tensorflow
import numpy as np

import gradviz as tf

x = tf.placeholder(tf.float32, [None, 3])
y = tf.placeholder(tf.float32, [None, 1])
W = tf.Variable(np.array([[1.0], [-1.0], [2.0]], dtype=np.float32))
b = tf.Variable(0.5)
cost = tf.reduce_mean(tf.square(tf.matmul(x, W) + b - y))
optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.1)
gvs = optimizer.compute_gradients(cost)
capped_gvs = [(tf.clip_by_value(grad, -1.0, 1.0), var) for grad, var in gvs]
train_op = optimizer.apply_gradients(capped_gvs)

gradients, variables = zip(*optimizer.compute_gradients(cost))
gradients, global_norm = tf.clip_by_global_norm(gradients, 5.0)
train_global = optimizer.apply_gradients(zip(gradients, variables))
clipped_by_norm = tf.clip_by_norm(gvs[0][0], 1.0)

data_x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [-1.0, 0.5, 2.0]], dtype=np.float32)
data_y = np.array([[10.0], [0.0], [1.0]], dtype=np.float32)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    norm_before, by_norm = sess.run([global_norm, clipped_by_norm], {x: data_x, y: data_y})
    for _ in range(3):
        sess.run(train_op, {x: data_x, y: data_y})
    for _ in range(3):
        sess.run(train_global, {x: data_x, y: data_y})
    w_value, b_value, final = sess.run([W, b, cost], {x: data_x, y: data_y})

results = {
    "global_norm": norm_before,
    "clip_by_norm": by_norm,
    "W": w_value,
    "b": b_value,
    "cost": final,
}
