# Source: TensorFlow 1.x API guide "Neural Network" (activations, classification losses) and
# "L2 regularization in TensorFlow" (tf.nn.l2_loss weight decay), Stack Overflow
# https://github.com/tensorflow/docs/blob/r1.15/site/en/api_guides/python/nn.md
# https://stackoverflow.com/questions/38286717/tensorflow-regularization-with-l2-loss-how-to-apply-to-all-weights-not-just
import numpy as np

import gradviz as tf

logits = tf.constant([[2.0, -1.0, 0.5], [0.1, 0.2, 3.0]])
labels = tf.constant([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5]])
sparse = tf.constant([2, 0])
weights = tf.Variable(np.array([[0.5, -1.0], [2.0, 0.25]], dtype=np.float32))
ops = {
    "relu6": tf.nn.relu6(logits * 3),
    "elu": tf.nn.elu(logits),
    "selu": tf.nn.selu(logits),
    "softplus": tf.nn.softplus(logits),
    "softsign": tf.nn.softsign(logits),
    "leaky_relu": tf.nn.leaky_relu(logits - 1, alpha=0.1),
    "log_softmax": tf.nn.log_softmax(logits),
    "xent_v2": tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits),
    "sparse_xent": tf.nn.sparse_softmax_cross_entropy_with_logits(labels=sparse, logits=logits),
    "sigmoid_xent": tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits),
    "l2_loss": tf.nn.l2_loss(weights),
    "l2_normalize": tf.nn.l2_normalize(logits, 1),
    "bias_add": tf.nn.bias_add(logits, [1.0, 2.0, 3.0]),
    "in_top_k": tf.nn.in_top_k(logits, sparse, 1),
    "losses_sparse": tf.losses.sparse_softmax_cross_entropy(sparse, logits),
    "losses_softmax": tf.losses.softmax_cross_entropy(labels, logits, label_smoothing=0.1),
    "losses_sigmoid": tf.losses.sigmoid_cross_entropy(labels, logits),
    "huber": tf.losses.huber_loss(labels, logits),
    "absolute": tf.losses.absolute_difference(labels, logits),
    "log_loss": tf.losses.log_loss(labels, tf.sigmoid(logits)),
    "moments_mean": tf.nn.moments(logits, [0])[0],
    "moments_var": tf.nn.moments(logits, [0])[1],
    "embedding": tf.nn.embedding_lookup(weights, [1, 1, 0]),
}
total = tf.reduce_mean(ops["sparse_xent"]) + 0.01 * tf.nn.l2_loss(weights)
grad = tf.gradients(total + tf.reduce_sum(ops["embedding"]), weights)[0]
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    values = sess.run(ops)
    values["grad"] = sess.run(grad)

results = values
