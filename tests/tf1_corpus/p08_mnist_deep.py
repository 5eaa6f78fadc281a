# Source: TensorFlow 1.x tutorial "Deep MNIST for Experts", tensorflow/examples/tutorials/mnist/mnist_deep.py
# https://github.com/tensorflow/tensorflow/blob/r1.15/tensorflow/examples/tutorials/mnist/mnist_deep.py
# Data: seeded synthetic 16x16 images (MNIST replaced, layers scaled down); weights from
# tf.truncated_normal, so the loss is compared by threshold and the outputs by shape.
import numpy as np

import gradviz as tf

rng = np.random.RandomState(6)
images = rng.rand(48, 256).astype(np.float32)
labels = np.eye(2, dtype=np.float32)[(images[:, :128].sum(1) > images[:, 128:].sum(1)).astype(int)]


def weight_variable(shape):
    initial = tf.truncated_normal(shape, stddev=0.1)
    return tf.Variable(initial)


def bias_variable(shape):
    initial = tf.constant(0.1, shape=shape)
    return tf.Variable(initial)


def conv2d(x, W):
    return tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding="SAME")


def max_pool_2x2(x):
    return tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")


def deepnn(x):
    with tf.name_scope("reshape"):
        x_image = tf.reshape(x, [-1, 16, 16, 1])
    with tf.name_scope("conv1"):
        W_conv1 = weight_variable([5, 5, 1, 8])
        b_conv1 = bias_variable([8])
        h_conv1 = tf.nn.relu(conv2d(x_image, W_conv1) + b_conv1)
    with tf.name_scope("pool1"):
        h_pool1 = max_pool_2x2(h_conv1)
    with tf.name_scope("conv2"):
        W_conv2 = weight_variable([5, 5, 8, 16])
        b_conv2 = bias_variable([16])
        h_conv2 = tf.nn.relu(conv2d(h_pool1, W_conv2) + b_conv2)
    with tf.name_scope("pool2"):
        h_pool2 = max_pool_2x2(h_conv2)
    with tf.name_scope("fc1"):
        W_fc1 = weight_variable([4 * 4 * 16, 64])
        b_fc1 = bias_variable([64])
        h_pool2_flat = tf.reshape(h_pool2, [-1, 4 * 4 * 16])
        h_fc1 = tf.nn.relu(tf.matmul(h_pool2_flat, W_fc1) + b_fc1)
    with tf.name_scope("dropout"):
        keep_prob = tf.placeholder(tf.float32)
        h_fc1_drop = tf.nn.dropout(h_fc1, keep_prob)
    with tf.name_scope("fc2"):
        W_fc2 = weight_variable([64, 2])
        b_fc2 = bias_variable([2])
        y_conv = tf.matmul(h_fc1_drop, W_fc2) + b_fc2
    return y_conv, keep_prob


tf.set_random_seed(3)
x = tf.placeholder(tf.float32, [None, 256])
y_ = tf.placeholder(tf.float32, [None, 2])
y_conv, keep_prob = deepnn(x)
with tf.name_scope("loss"):
    cross_entropy = tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y_conv)
cross_entropy = tf.reduce_mean(cross_entropy)
with tf.name_scope("adam_optimizer"):
    train_step = tf.train.AdamOptimizer(1e-3).minimize(cross_entropy)
with tf.name_scope("accuracy"):
    correct_prediction = tf.equal(tf.argmax(y_conv, 1), tf.argmax(y_, 1))
    correct_prediction = tf.cast(correct_prediction, tf.float32)
accuracy = tf.reduce_mean(correct_prediction)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    first = cross_entropy.eval(feed_dict={x: images, y_: labels, keep_prob: 1.0})
    for i in range(40):
        train_step.run(feed_dict={x: images, y_: labels, keep_prob: 0.5})
    last = cross_entropy.eval(feed_dict={x: images, y_: labels, keep_prob: 1.0})
    logits = y_conv.eval(feed_dict={x: images[:3], keep_prob: 1.0})

results = {"improvement": last / first, "logits": logits}
compare = {"improvement": ("below", 0.9), "logits": "shape"}
