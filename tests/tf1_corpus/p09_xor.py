# Source: Stephen Oman, "Solving XOR with a Neural Network in TensorFlow" (AI Matters, 2016)
# https://aimatters.wordpress.com/2016/01/16/solving-xor-with-a-neural-network-in-tensorflow/
# (the learning rate raised from 0.01 so a short run learns; weights from tf.random_uniform,
# so the cost is compared by threshold)
import gradviz as tf

XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]]
XOR_Y = [[0], [1], [1], [0]]

tf.set_random_seed(4)
x_ = tf.placeholder(tf.float32, shape=[4, 2], name="x-input")
y_ = tf.placeholder(tf.float32, shape=[4, 1], name="y-input")
Theta1 = tf.Variable(tf.random_uniform([2, 2], -1, 1), name="Theta1")
Theta2 = tf.Variable(tf.random_uniform([2, 1], -1, 1), name="Theta2")
Bias1 = tf.Variable(tf.zeros([2]), name="Bias1")
Bias2 = tf.Variable(tf.zeros([1]), name="Bias2")
with tf.name_scope("layer2") as scope:
    A2 = tf.sigmoid(tf.matmul(x_, Theta1) + Bias1)
with tf.name_scope("layer3") as scope:
    Hypothesis = tf.sigmoid(tf.matmul(A2, Theta2) + Bias2)
with tf.name_scope("cost") as scope:
    cost = tf.reduce_mean(((y_ * tf.log(Hypothesis)) + ((1 - y_) * tf.log(1.0 - Hypothesis))) * -1)
with tf.name_scope("train") as scope:
    train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cost)
init = tf.global_variables_initializer()
sess = tf.Session()
sess.run(init)
for i in range(2000):
    sess.run(train_step, feed_dict={x_: XOR_X, y_: XOR_Y})
final_cost = sess.run(cost, feed_dict={x_: XOR_X, y_: XOR_Y})
hypothesis = sess.run(Hypothesis, feed_dict={x_: XOR_X, y_: XOR_Y})

results = {"cost": final_cost, "hypothesis": hypothesis}
compare = {"cost": ("below", 0.7), "hypothesis": "shape"}
