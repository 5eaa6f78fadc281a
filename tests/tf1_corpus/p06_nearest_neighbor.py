# Source: aymericdamien/TensorFlow-Examples, examples/2_BasicModels/nearest_neighbor.py
# https://github.com/aymericdamien/TensorFlow-Examples/blob/master/examples/2_BasicModels/nearest_neighbor.py
# Data: seeded synthetic points instead of MNIST.
import numpy as np

import gradviz as tf

rng = np.random.RandomState(4)
Xtr = rng.rand(100, 16).astype(np.float32)
Ytr = np.eye(5, dtype=np.float32)[rng.randint(0, 5, 100)]
Xte = Xtr[:20] + 0.01 * rng.rand(20, 16).astype(np.float32)
Yte = Ytr[:20]

xtr = tf.placeholder("float", [None, 16])
xte = tf.placeholder("float", [16])
distance = tf.reduce_sum(tf.abs(tf.add(xtr, tf.negative(xte))), reduction_indices=1)
pred = tf.arg_min(distance, 0)
accuracy = 0.0
init = tf.global_variables_initializer()
indices = []
with tf.Session() as sess:
    sess.run(init)
    for i in range(len(Xte)):
        nn_index = sess.run(pred, feed_dict={xtr: Xtr, xte: Xte[i, :]})
        indices.append(int(nn_index))
        if np.argmax(Ytr[nn_index]) == np.argmax(Yte[i]):
            accuracy += 1.0 / len(Xte)

results = {"accuracy": accuracy, "indices": indices}
