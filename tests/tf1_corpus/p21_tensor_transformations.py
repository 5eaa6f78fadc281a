# Source: TensorFlow 1.x API guide "Tensor Transformations" (slicing and joining, shapes)
# https://github.com/tensorflow/docs/blob/r1.15/site/en/api_guides/python/array_ops.md
import numpy as np

import gradviz as tf

t = tf.constant(np.arange(24, dtype=np.float32).reshape(2, 3, 4))
m = tf.constant([[1, 2, 3], [4, 5, 6]])
ops = {
    "slice_col": t[:, 0],
    "slice_neg": t[-1, 1:, ::-2],
    "newaxis": tf.shape(t[:, None, ..., tf.newaxis]),
    "ellipsis": t[..., 1],
    "tf_slice": tf.slice(t, [1, 0, 0], [1, 1, 3]),
    "strided": tf.strided_slice(t, [0, 0, 0], [2, 3, 4], [1, 2, 2]),
    "concat": tf.concat([m, m * 10], 1),
    "stack": tf.stack([m, m], axis=1),
    "unstack": tf.unstack(m, axis=1)[2],
    "split": tf.split(t, [1, 3], 2)[1],
    "tile": tf.tile(m, [2, 1]),
    "pad": tf.pad(m, [[1, 1], [2, 2]]),
    "pad_reflect": tf.pad(m, [[1, 1], [2, 2]], "REFLECT"),
    "reverse": tf.reverse(m, [1]),
    "gather": tf.gather(m, [1, 0, 1]),
    "gather_axis1": tf.gather(m, [2, 0], axis=1),
    "one_hot": tf.one_hot([0, 2, 1], 3),
    "boolean_mask": tf.boolean_mask(m, [True, False]),
    "expand": tf.shape(tf.expand_dims(m, -1)),
    "squeeze": tf.squeeze(tf.constant([[[1.0], [2.0]]])),
    "transpose": tf.transpose(t, [2, 0, 1])[1],
    "reshape": tf.reshape(t, [4, -1])[3],
    "size": tf.size(t),
    "rank": tf.rank(t),
}
x = tf.Variable(np.ones((2, 3), dtype=np.float32))
picked = x[:, 1] * 3.0 + tf.reduce_sum(tf.gather(x, [0, 0]))
grad = tf.gradients(picked, x)[0]
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    values = sess.run(ops)
    values["grad"] = sess.run(grad)

results = values
