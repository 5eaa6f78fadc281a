# Source: Sebastian Ruder, "An overview of gradient descent optimization algorithms" (2016),
# the optimizers compared on one problem, with TensorFlow 1.x's tf.train optimizers
# https://ruder.io/optimizing-gradient-descent/
import numpy as np

import gradviz as tf

optimizers = {
    "sgd": tf.train.GradientDescentOptimizer(0.05),
    "momentum": tf.train.MomentumOptimizer(0.05, 0.9),
    "nesterov": tf.train.MomentumOptimizer(0.05, 0.9, use_nesterov=True),
    "adagrad": tf.train.AdagradOptimizer(0.5),
    "adadelta": tf.train.AdadeltaOptimizer(5.0),
    "rmsprop": tf.train.RMSPropOptimizer(0.05),
    "rmsprop_centered": tf.train.RMSPropOptimizer(0.05, momentum=0.5, centered=True),
    "adam": tf.train.AdamOptimizer(0.1),
}
train_ops, params = {}, {}
for name, optimizer in optimizers.items():
    with tf.variable_scope(name):
        w = tf.get_variable("w", initializer=np.array([1.5, -0.5], dtype=np.float32))
        loss = tf.reduce_sum(
            tf.square(w - np.array([-1.0, 2.0], dtype=np.float32))
            * np.array([1.0, 4.0], dtype=np.float32)
        )
        train_ops[name] = optimizer.minimize(loss, var_list=[w])
        params[name] = w
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(25):
        sess.run(list(train_ops.values()))
    results = sess.run(params)
