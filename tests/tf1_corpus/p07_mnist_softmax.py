# Source: TensorFlow 1.x tutorial "MNIST For ML Beginners", tensorflow/examples/tutorials/mnist/mnist_softmax.py
# https://github.com/tensorflow/tensorflow/blob/r1.15/tensorflow/examples/tutorials/mnist/mnist_softmax.py
# Data: seeded synthetic 784-pixel images and one-hot labels instead of the MNIST download.
import numpy as np

import gradviz as tf

rng = np.random.RandomState(5)
train_images = rng.rand(300, 784).astype(np.float32) * 0.1
train_labels = np.eye(10, dtype=np.float32)[rng.randint(0, 10, 300)]
train_images[np.arange(300), train_labels.argmax(1) * 78] += 1.0

x = tf.placeholder(tf.float32, [None, 784])
W = tf.Variable(tf.zeros([784, 10]))
b = tf.Variable(tf.zeros([10]))
y = tf.matmul(x, W) + b
y_ = tf.placeholder(tf.float32, [None, 10])
cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y))
train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)

sess = tf.InteractiveSession()
tf.global_variables_initializer().run()
for i in range(30):
    batch_xs, batch_ys = (
        train_images[i * 10 % 300 : i * 10 % 300 + 100],
        train_labels[i * 10 % 300 : i * 10 % 300 + 100],
    )
    sess.run(train_step, feed_dict={x: batch_xs, y_: batch_ys})
correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
acc = sess.run(accuracy, feed_dict={x: train_images, y_: train_labels})
xent = sess.run(cross_entropy, feed_dict={x: train_images, y_: train_labels})
b_value = sess.run(b)
sess.close()

results = {"accuracy": acc, "cross_entropy": xent, "b": b_value}
