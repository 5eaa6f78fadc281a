# Source: R2RT, "Implementing Batch Normalization in Tensorflow" (2016)
# https://r2rt.com/implementing-batch-normalization-in-tensorflow.html
# Data: seeded synthetic inputs instead of MNIST; the layer sizes scaled down.
import numpy as np

import gradviz as tf

rng = np.random.RandomState(10)
inputs = rng.rand(32, 10).astype(np.float32)
w1_initial = rng.normal(size=(10, 6)).astype(np.float32)
epsilon = 1e-3

x = tf.placeholder(tf.float32, shape=[None, 10])
w1 = tf.Variable(w1_initial)
b1 = tf.Variable(tf.zeros([6]))
z1 = tf.matmul(x, w1) + b1
w1_BN = tf.Variable(w1_initial)
z1_BN = tf.matmul(x, w1_BN)
batch_mean1, batch_var1 = tf.nn.moments(z1_BN, [0])
z1_hat = (z1_BN - batch_mean1) / tf.sqrt(batch_var1 + epsilon)
scale1 = tf.Variable(tf.ones([6]))
beta1 = tf.Variable(tf.zeros([6]))
BN1 = scale1 * z1_hat + beta1
l1_BN = tf.nn.sigmoid(BN1)
scale2 = tf.Variable(tf.ones([6]))
beta2 = tf.Variable(tf.zeros([6]))
batch_mean2, batch_var2 = tf.nn.moments(z1_BN, [0])
BN2 = tf.nn.batch_normalization(z1_BN, batch_mean2, batch_var2, beta2, scale2, epsilon)
loss = tf.reduce_mean(tf.square(l1_BN - 0.3)) + tf.reduce_mean(tf.square(tf.sigmoid(z1)))
grads = tf.gradients(loss, [w1_BN, scale1, w1])
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    bn1, bn2, g = sess.run([BN1, BN2, grads], {x: inputs})

results = {"BN1": bn1, "BN2": bn2, "grad_w1_BN": g[0], "grad_scale": g[1], "grad_w1": g[2]}
