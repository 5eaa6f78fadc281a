# Source: chiphuyen/stanford-tensorflow-tutorials (CS 20SI), examples/03_logreg.py
# https://github.com/chiphuyen/stanford-tensorflow-tutorials/blob/master/examples/03_logreg.py
# Data: seeded synthetic images instead of MNIST; weights from tf.random_normal_initializer,
# so the loss is compared by threshold.
import numpy as np

import gradviz as tf

rng = np.random.RandomState(9)
images = rng.rand(128, 49).astype(np.float32)
labels = np.eye(10, dtype=np.float32)[(images[:, :10] * np.arange(1, 11)).argmax(1)]

tf.set_random_seed(6)
learning_rate = 0.01
img = tf.placeholder(tf.float32, [None, 49], name="image")
label = tf.placeholder(tf.int32, [None, 10], name="label")
w = tf.get_variable(name="weights", shape=(49, 10), initializer=tf.random_normal_initializer(0, 0.01))
b = tf.get_variable(name="bias", shape=(1, 10), initializer=tf.zeros_initializer())
logits = tf.matmul(img, w) + b
entropy = tf.nn.softmax_cross_entropy_with_logits(
    labels=tf.to_float(label), logits=logits, name="entropy"
)
loss = tf.reduce_mean(entropy, name="loss")
optimizer = tf.train.AdamOptimizer(learning_rate).minimize(loss)
preds = tf.nn.softmax(logits)
correct_preds = tf.equal(tf.argmax(preds, 1), tf.argmax(label, 1))
accuracy = tf.reduce_sum(tf.cast(correct_preds, tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(200):
        _, l = sess.run([optimizer, loss], {img: images, label: labels})
    acc = sess.run(accuracy, {img: images, label: labels})

results = {"loss": l, "correct": acc}
compare = {"loss": ("below", 1.6), "correct": ("above", 40)}
