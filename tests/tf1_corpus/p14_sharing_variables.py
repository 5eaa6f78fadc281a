# Source: TensorFlow 1.x guide "Sharing Variables" (variable_scope, get_variable, reuse)
# https://github.com/tensorflow/docs/blob/r1.15/site/en/guide/variables.md#sharing-variables
import numpy as np

import gradviz as tf


def conv_relu(input, kernel_shape, bias_shape):
    weights = tf.get_variable("weights", kernel_shape, initializer=tf.random_normal_initializer())
    biases = tf.get_variable("biases", bias_shape, initializer=tf.constant_initializer(0.0))
    conv = tf.nn.conv2d(input, weights, strides=[1, 1, 1, 1], padding="SAME")
    return tf.nn.relu(conv + biases)


def my_image_filter(input_images):
    with tf.variable_scope("conv1"):
        relu1 = conv_relu(input_images, [5, 5, 3, 4], [4])
    with tf.variable_scope("conv2"):
        return conv_relu(relu1, [5, 5, 4, 4], [4])


image1 = tf.placeholder(tf.float32, [2, 8, 8, 3])
image2 = tf.placeholder(tf.float32, [2, 8, 8, 3])
with tf.variable_scope("model"):
    output1 = my_image_filter(image1)
with tf.variable_scope("model", reuse=True):
    output2 = my_image_filter(image2)
with tf.variable_scope("model") as scope:
    scope.reuse_variables()
    output3 = my_image_filter(image1)
with tf.variable_scope("foo", reuse=tf.AUTO_REUSE):
    v = tf.get_variable("v", [1])
with tf.variable_scope("foo", reuse=tf.AUTO_REUSE):
    v1 = tf.get_variable("v", [1])

data = np.random.RandomState(7).rand(2, 8, 8, 3).astype(np.float32)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    o1, o2, o3 = sess.run([output1, output2, output3], {image1: data, image2: data})

names = [var.name for var in tf.trainable_variables()]
results = {
    "same_outputs": float(np.array_equal(o1, o2) and np.array_equal(o1, o3)),
    "variable_count": len(names),
    "names_ok": float(
        names[:4]
        == [
            "model/conv1/weights:0",
            "model/conv1/biases:0",
            "model/conv2/weights:0",
            "model/conv2/biases:0",
        ]
    ),
    "auto_reuse": float(v is v1 or v.name == v1.name),
    "output": o1,
}
compare = {"output": "shape"}
