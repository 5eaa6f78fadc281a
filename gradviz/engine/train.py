"""Optimizers, TensorFlow 1.x style: ``train_op = GradientDescentOptimizer(0.1).minimize(cost)``."""

from .gradients import gradients
from .graph import Tensor, graph_of
from .ops.array import Cast
from .ops.state import Variable, group, trainable_variables
from .validate import check_name, check_number, check_tensor, describe


def _check_var_list(var_list, graph):
    """The variables to train: var_list (Variables of the loss's graph), else the trainable ones."""
    if var_list is None:
        return trainable_variables(graph)
    if isinstance(var_list, Tensor) or not isinstance(var_list, list | tuple | set | frozenset):
        raise TypeError(f"var_list must be a list of gv.Variables, got {describe(var_list)}")
    var_list = list(var_list)
    for i, v in enumerate(var_list):
        if not isinstance(v, Variable):
            raise TypeError(f"var_list[{i}] must be a gv.Variable, got {describe(v)}")
        if v.graph is not graph:
            raise ValueError(f"var_list[{i}] (Variable '{v.op.name}') is not in the loss's graph")
    return var_list


def _check_grads_and_vars(grads_and_vars):
    """A list of (gradient Tensor or None, Variable) pairs, all of one graph."""
    if isinstance(grads_and_vars, Tensor) or not isinstance(grads_and_vars, list | tuple | zip):
        raise TypeError(
            "grads_and_vars must be a list of (gradient, variable) pairs, "
            f"got {describe(grads_and_vars)}"
        )
    pairs = list(grads_and_vars)
    for i, pair in enumerate(pairs):
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise TypeError(
                f"grads_and_vars[{i}] must be a (gradient, variable) pair, got {describe(pair)}"
            )
        grad, var = pair
        if not isinstance(var, Variable):
            raise TypeError(
                f"grads_and_vars[{i}]: the variable must be a gv.Variable, got {describe(var)}"
            )
        if grad is not None:
            check_tensor(grad, f"grads_and_vars[{i}] gradient", var.graph)
            if grad.dtype != var.dtype or not grad.shape.is_compatible_with(var.shape):
                raise ValueError(
                    f"grads_and_vars[{i}]: gradient '{grad.name}' ({grad.dtype.name}, shape "
                    f"{grad.shape}) does not fit variable '{var.op.name}' ({var.dtype.name}, "
                    f"shape {var.shape})"
                )
    return [tuple(p) for p in pairs]


class Optimizer:
    """Base class: `compute_gradients`, then `apply_gradients`; `minimize` does both."""

    def __init__(self, use_locking=False, name="Optimizer"):
        self._name = check_name(name)

    def compute_gradients(
        self,
        loss,
        var_list=None,
        aggregation_method=None,
        grad_loss=None,
        stop_gradients=None,
        **unused_tf_options,
    ):
        """List of (gradient, variable); the gradient is None for a variable loss ignores."""
        check_tensor(loss, "loss")
        var_list = _check_var_list(var_list, loss.graph)
        if not var_list:
            raise ValueError(
                f"No variables to optimize: the graph of loss '{loss.name}' has no trainable "
                "variables (or var_list is empty)."
            )
        grads = gradients(
            loss,
            var_list,
            grad_ys=grad_loss,
            stop_gradients=stop_gradients,
            aggregation_method=aggregation_method,
        )
        return list(zip(grads, var_list, strict=True))

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        grads_and_vars = _check_grads_and_vars(grads_and_vars)
        check_name(name)
        if global_step is not None and not isinstance(global_step, Variable):
            raise TypeError(f"global_step must be a gv.Variable or None, got {describe(global_step)}")
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        if not pairs:
            names = ", ".join(v.name for _, v in grads_and_vars)
            raise ValueError(f"No gradients provided for any variable: {names}")
        graph = graph_of([t for pair in pairs for t in pair])
        with graph.as_default(), graph.rollback_on_error(), graph.name_scope(self._name):
            updates = [self._apply(g, v) for g, v in pairs]
            if global_step is not None:
                updates.append(global_step.assign_add(1).op)
            return group(*updates, name=name or "update")

    def minimize(
        self,
        loss,
        global_step=None,
        var_list=None,
        aggregation_method=None,
        name=None,
        grad_loss=None,
        **unused_tf_options,
    ):
        """The op that takes one optimization step on `loss`."""
        check_tensor(loss, "loss")
        check_name(name)
        with loss.graph.rollback_on_error():  # rejected updates take the gradient ops with them
            grads_and_vars = self.compute_gradients(loss, var_list, aggregation_method, grad_loss)
            if all(g is None for g, _ in grads_and_vars):
                names = ", ".join(v.name for _, v in grads_and_vars)
                raise ValueError(
                    f"No gradients provided for any variable, check your graph for ops that do not "
                    f"support gradients, between variables [{names}] and loss '{loss.name}'."
                )
            return self.apply_gradients(grads_and_vars, global_step, name)

    def _apply(self, grad, var):
        raise NotImplementedError


class GradientDescentOptimizer(Optimizer):
    """var ← var − learning_rate · grad for every trained variable."""

    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(use_locking, name)
        if not isinstance(learning_rate, Tensor):
            check_number(learning_rate, "learning_rate")
        self.learning_rate = learning_rate

    def _apply(self, grad, var):
        rate = self.learning_rate
        if isinstance(rate, Tensor) and rate.dtype != var.dtype:
            # TensorFlow casts the rate to each variable's dtype: a float32 rate trains float64.
            rate = Cast(rate, dtype=var.dtype)
        return var.assign(var - rate * grad, name="update_" + var.op.name.replace("/", "_")).op
