# Source: aymericdamien/TensorFlow-Examples, examples/3_NeuralNetworks/multilayer_perceptron.py
# https://github.com/aymericdamien/TensorFlow-Examples/blob/master/examples/3_NeuralNetworks/multilayer_perceptron.py
# Data: seeded synthetic inputs; weights drawn by tf.random_normal, so losses are compared by threshold.
import numpy as np

import gradviz as tf

rng = np.random.RandomState(2)
features = rng.rand(256, 20).astype(np.float32)
classes = (features[:, :4].sum(1) > 2).astype(int) + 2 * (features[:, 4] > 0.5)
targets = np.eye(4, dtype=np.float32)[classes]

learning_rate = 0.01
n_hidden_1, n_hidden_2, n_input, n_classes = 32, 32, 20, 4
tf.set_random_seed(1)
X = tf.placeholder("float", [None, n_input])
Y = tf.placeholder("float", [None, n_classes])
weights = {
    "h1": tf.Variable(tf.random_normal([n_input, n_hidden_1])),
    "h2": tf.Variable(tf.random_normal([n_hidden_1, n_hidden_2])),
    "out": tf.Variable(tf.random_normal([n_hidden_2, n_classes])),
}
biases = {
    "b1": tf.Variable(tf.random_normal([n_hidden_1])),
    "b2": tf.Variable(tf.random_normal([n_hidden_2])),
    "out": tf.Variable(tf.random_normal([n_classes])),
}


def multilayer_perceptron(x):
    layer_1 = tf.add(tf.matmul(x, weights["h1"]), biases["b1"])
    layer_2 = tf.add(tf.matmul(layer_1, weights["h2"]), biases["b2"])
    out_layer = tf.matmul(layer_2, weights["out"]) + biases["out"]
    return out_layer


logits = multilayer_perceptron(X)
loss_op = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=Y))
optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate)
train_op = optimizer.minimize(loss_op)
init = tf.global_variables_initializer()

with tf.Session() as sess:
    sess.run(init)
    first = sess.run(loss_op, {X: features, Y: targets})
    for step in range(300):
        sess.run(train_op, feed_dict={X: features, Y: targets})
    last = sess.run(loss_op, {X: features, Y: targets})
    out = sess.run(logits, {X: features[:5]})

results = {"improvement": last / first, "logits": out}
compare = {"improvement": ("below", 0.2), "logits": "shape"}
