# Source: TensorFlow 1.x tutorial "TensorBoard: Visualizing Learning", mnist_with_summaries.py
# https://github.com/tensorflow/tensorflow/blob/r1.15/tensorflow/examples/tutorials/mnist/mnist_with_summaries.py
# (its variable_summaries function; the event files go to a temporary directory)
import tempfile

import numpy as np

import gradviz as tf


def variable_summaries(var):
    with tf.name_scope("summaries"):
        mean = tf.reduce_mean(var)
        tf.summary.scalar("mean", mean)
        with tf.name_scope("stddev"):
            stddev = tf.sqrt(tf.reduce_mean(tf.square(var - mean)))
        tf.summary.scalar("stddev", stddev)
        tf.summary.scalar("max", tf.reduce_max(var))
        tf.summary.scalar("min", tf.reduce_min(var))
        tf.summary.histogram("histogram", var)
    return mean, stddev


with tf.name_scope("layer1"):
    with tf.name_scope("weights"):
        weights = tf.Variable(np.linspace(-1.0, 2.0, 12, dtype=np.float32).reshape(3, 4))
        mean, stddev = variable_summaries(weights)
merged = tf.summary.merge_all()
logdir = tempfile.mkdtemp()
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    train_writer = tf.summary.FileWriter(logdir, sess.graph)
    summary, m, s = sess.run([merged, mean, stddev])
    train_writer.add_summary(summary, 0)
    train_writer.close()

results = {"mean": m, "stddev": s, "summary_bytes_nonempty": float(len(summary) > 0)}
