# Source: TensorFlow 1.x guide "Low Level APIs: Introduction" (layers, tf.layers.dense)
# https://github.com/tensorflow/docs/blob/r1.15/site/en/guide/low_level_intro.md#layers
# (its training section, with tf.losses.mean_squared_error; the kernel is drawn by
# glorot_uniform, so the loss is compared by threshold)
import gradviz as tf

tf.set_random_seed(7)
x = tf.constant([[1], [2], [3], [4]], dtype=tf.float32)
y_true = tf.constant([[0], [-1], [-2], [-3]], dtype=tf.float32)
linear_model = tf.layers.dense(x, units=1)
y_pred = linear_model
loss = tf.losses.mean_squared_error(labels=y_true, predictions=y_pred)
optimizer = tf.train.GradientDescentOptimizer(0.01)
train = optimizer.minimize(loss)
init = tf.global_variables_initializer()
sess = tf.Session()
sess.run(init)
for i in range(500):
    _, loss_value = sess.run((train, loss))
prediction = sess.run(y_pred)
names = [v.name for v in tf.trainable_variables()]

results = {
    "loss": loss_value,
    "prediction": prediction,
    "names_ok": float(names == ["dense/kernel:0", "dense/bias:0"]),
}
compare = {"loss": ("below", 0.05), "prediction": "shape"}
