# Source: aymericdamien/TensorFlow-Examples, examples/1_Introduction/basic_operations.py
# https://github.com/aymericdamien/TensorFlow-Examples/blob/master/examples/1_Introduction/basic_operations.py
import gradviz as tf

a = tf.constant(2)
b = tf.constant(3)
with tf.Session() as sess:
    add_const = sess.run(a + b)
    mul_const = sess.run(a * b)

a = tf.placeholder(tf.int16)
b = tf.placeholder(tf.int16)
add = tf.add(a, b)
mul = tf.multiply(a, b)
with tf.Session() as sess:
    add_fed = sess.run(add, feed_dict={a: 2, b: 3})
    mul_fed = sess.run(mul, feed_dict={a: 2, b: 3})

matrix1 = tf.constant([[3.0, 3.0]])
matrix2 = tf.constant([[2.0], [2.0]])
product = tf.matmul(matrix1, matrix2)
with tf.Session() as sess:
    result = sess.run(product)

results = {
    "add_const": add_const,
    "mul_const": mul_const,
    "add_fed": add_fed,
    "mul_fed": mul_fed,
    "product": result,
}
