# Source: aymericdamien/TensorFlow-Examples, examples/2_BasicModels/logistic_regression.py
# https://github.com/aymericdamien/TensorFlow-Examples/blob/master/examples/2_BasicModels/logistic_regression.py
# Data: seeded synthetic 64-pixel "digits" instead of the MNIST download.
import numpy as np

import gradviz as tf

rng = np.random.RandomState(1)
images = rng.rand(200, 64).astype(np.float32)
labels = np.eye(10, dtype=np.float32)[(images[:, :10].argmax(1))]

learning_rate = 0.5
training_epochs = 20
batch_size = 50

x = tf.placeholder(tf.float32, [None, 64])
y = tf.placeholder(tf.float32, [None, 10])
W = tf.Variable(tf.zeros([64, 10]))
b = tf.Variable(tf.zeros([10]))
pred = tf.nn.softmax(tf.matmul(x, W) + b)
cost = tf.reduce_mean(-tf.reduce_sum(y * tf.log(pred), reduction_indices=1))
optimizer = tf.train.GradientDescentOptimizer(learning_rate).minimize(cost)
init = tf.global_variables_initializer()

with tf.Session() as sess:
    sess.run(init)
    for epoch in range(training_epochs):
        for i in range(len(images) // batch_size):
            batch_xs = images[i * batch_size : (i + 1) * batch_size]
            batch_ys = labels[i * batch_size : (i + 1) * batch_size]
            _, c = sess.run([optimizer, cost], feed_dict={x: batch_xs, y: batch_ys})
    correct_prediction = tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    acc = accuracy.eval({x: images, y: labels})
    final_cost = sess.run(cost, {x: images, y: labels})

results = {"cost": final_cost, "accuracy": acc, "last_batch_cost": c}
