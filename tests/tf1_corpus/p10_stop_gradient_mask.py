# Source: Stack Overflow, "How to stop gradient for some entry of a tensor in tensorflow"
# https://stackoverflow.com/questions/43364985/how-to-stop-gradient-for-some-entry-of-a-tensor-in-tensorflow
import numpy as np

import gradviz as tf

mask_h = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
mask = 1.0 - mask_h
E = tf.Variable(np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32))
res_matrix = tf.stop_gradient(mask_h * E) + mask * E
loss = tf.reduce_sum(tf.square(res_matrix))
grad = tf.gradients(loss, E)[0]
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    g = sess.run(grad)
    sess.run(train)
    e = sess.run(E)

results = {"grad": g, "E_after_step": e}
