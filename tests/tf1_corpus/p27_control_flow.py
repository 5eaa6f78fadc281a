# Source: Stack Overflow, "Understanding Tensorflow control dependencies" and the TF 1.x API guide
# "Control Flow" (tf.control_dependencies, tf.group, tf.tuple, tf.identity, tf.cond, tf.py_func)
# https://stackoverflow.com/questions/55094952/understanding-tensorflow-control-dependencies
# https://github.com/tensorflow/docs/blob/r1.15/site/en/api_guides/python/control_flow_ops.md
import numpy as np

import gradviz as tf

counter = tf.Variable(0.0)
increment = tf.assign_add(counter, 1.0)
x = tf.placeholder(tf.float32, [])
with tf.control_dependencies([increment]):
    doubled = tf.identity(x) * 2.0  # running it runs the increment first
branch = tf.cond(x > 1.0, lambda: tf.square(x), lambda: x - 10.0)
d_branch = tf.gradients(branch, x)[0]
a, b = tf.tuple([x + 1.0, x + 2.0])
checked = tf.check_numerics(tf.sqrt(x), "sqrt of x")
squared = tf.py_func(lambda v: np.square(v), [x], tf.float32)
noop = tf.no_op()
grouped = tf.group(increment, noop)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    first = sess.run(doubled, {x: 4.0})
    sess.run(grouped)
    values = sess.run([branch, d_branch, a, b, checked, squared], {x: 3.0})
    low = sess.run([branch, d_branch], {x: 0.5})
    count = sess.run(counter)

results = {"first": first, "count": count, "high": values, "low": low}
