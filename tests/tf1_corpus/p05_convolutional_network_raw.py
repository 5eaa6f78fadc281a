# Source: aymericdamien/TensorFlow-Examples, examples/3_NeuralNetworks/convolutional_network_raw.py
# https://github.com/aymericdamien/TensorFlow-Examples/blob/master/examples/3_NeuralNetworks/convolutional_network_raw.py
# Data: seeded synthetic 12x12 images (the MNIST download replaced); smaller layers; random
# weights, so the loss is compared by threshold and the logits by shape.
import numpy as np

import gradviz as tf

rng = np.random.RandomState(3)
images = rng.rand(64, 144).astype(np.float32)
labels = np.eye(3, dtype=np.float32)[
    (images[:, :72].mean(1) > images[:, 72:].mean(1)).astype(int) + (images[:, 0] > 0.9)
]

learning_rate = 0.001
num_input, num_classes, dropout = 144, 3, 0.75
tf.set_random_seed(2)
X = tf.placeholder(tf.float32, [None, num_input])
Y = tf.placeholder(tf.float32, [None, num_classes])
keep_prob = tf.placeholder(tf.float32)


def conv2d(x, W, b, strides=1):
    x = tf.nn.conv2d(x, W, strides=[1, strides, strides, 1], padding="SAME")
    x = tf.nn.bias_add(x, b)
    return tf.nn.relu(x)


def maxpool2d(x, k=2):
    return tf.nn.max_pool(x, ksize=[1, k, k, 1], strides=[1, k, k, 1], padding="SAME")


def conv_net(x, weights, biases, dropout):
    x = tf.reshape(x, shape=[-1, 12, 12, 1])
    conv1 = conv2d(x, weights["wc1"], biases["bc1"])
    conv1 = maxpool2d(conv1, k=2)
    conv2 = conv2d(conv1, weights["wc2"], biases["bc2"])
    conv2 = maxpool2d(conv2, k=2)
    fc1 = tf.reshape(conv2, [-1, weights["wd1"].get_shape().as_list()[0]])
    fc1 = tf.add(tf.matmul(fc1, weights["wd1"]), biases["bd1"])
    fc1 = tf.nn.relu(fc1)
    fc1 = tf.nn.dropout(fc1, dropout)
    out = tf.add(tf.matmul(fc1, weights["out"]), biases["out"])
    return out


weights = {
    "wc1": tf.Variable(tf.random_normal([5, 5, 1, 8], stddev=0.1)),
    "wc2": tf.Variable(tf.random_normal([5, 5, 8, 16], stddev=0.1)),
    "wd1": tf.Variable(tf.random_normal([3 * 3 * 16, 32], stddev=0.1)),
    "out": tf.Variable(tf.random_normal([32, num_classes], stddev=0.1)),
}
biases = {
    "bc1": tf.Variable(tf.random_normal([8], stddev=0.1)),
    "bc2": tf.Variable(tf.random_normal([16], stddev=0.1)),
    "bd1": tf.Variable(tf.random_normal([32], stddev=0.1)),
    "out": tf.Variable(tf.random_normal([num_classes], stddev=0.1)),
}
logits = conv_net(X, weights, biases, keep_prob)
prediction = tf.nn.softmax(logits)
loss_op = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=Y))
optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate)
train_op = optimizer.minimize(loss_op)
correct_pred = tf.equal(tf.argmax(prediction, 1), tf.argmax(Y, 1))
accuracy = tf.reduce_mean(tf.cast(correct_pred, tf.float32))
init = tf.global_variables_initializer()

with tf.Session() as sess:
    sess.run(init)
    first = sess.run(loss_op, {X: images, Y: labels, keep_prob: 1.0})
    for step in range(60):
        sess.run(train_op, feed_dict={X: images, Y: labels, keep_prob: dropout})
    last, acc = sess.run([loss_op, accuracy], {X: images, Y: labels, keep_prob: 1.0})
    out = sess.run(prediction, {X: images[:4], keep_prob: 1.0})

results = {"improvement": last / first, "accuracy": acc, "prediction": out}
compare = {"improvement": ("below", 0.95), "accuracy": ("above", 0.4), "prediction": "shape"}
