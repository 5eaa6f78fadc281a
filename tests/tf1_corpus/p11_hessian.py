# Source: Stack Overflow, "Computing Hessian with TensorFlow" (tf.hessians of a quadratic form)
# https://stackoverflow.com/questions/35266370/tensorflow-compute-hessian-matrix-and-higher-order-derivatives
import numpy as np

import gradviz as tf

A = tf.constant(np.array([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]], dtype=np.float32))
x = tf.Variable(np.array([[1.0], [2.0], [3.0]], dtype=np.float32))
f = tf.matmul(tf.transpose(x), tf.matmul(A, x))
grad = tf.gradients(f, x)[0]
hess = tf.hessians(f, x)[0]
cube = tf.reduce_sum(x**3)
hess_cube = tf.hessians(cube, x)[0]
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    g, h, hc = sess.run([grad, hess, hess_cube])

results = {"grad": g, "hessian": h, "hessian_cube": hc}
