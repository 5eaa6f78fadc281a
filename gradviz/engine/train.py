"""Optimizers, TensorFlow 1.x style: ``train_op = GradientDescentOptimizer(0.1).minimize(cost)``."""

import numpy as np

from . import dtypes
from .gradients import gradients
from .graph import Tensor, graph_of
from .ops.array import Cast
from .ops.control import control_dependencies
from .ops.elementwise import Floor
from .ops.math import Mul, Pow, Sqrt
from .ops.state import Variable, convert_to_tensor, group, trainable_variables
from .validate import check_name, check_number, check_tensor, describe
from .variable_scope import create_global_step, get_global_step, get_or_create_global_step

__all__ = ["create_global_step", "get_global_step", "get_or_create_global_step"]


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
        with graph.as_default(), graph.rollback_on_error():
            self._prepare(graph, [v for _, v in pairs])
            with graph.name_scope(self._name):
                updates = [self._apply(g, v) for g, v in pairs]
                updates += self._finish(updates)
                if global_step is not None:
                    with control_dependencies(updates):
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

    def _prepare(self, graph, var_list):
        """Variables the optimizer needs once, made before the updates (Adam's beta powers)."""

    def _apply(self, grad, var):
        raise NotImplementedError

    def _finish(self, updates):
        """Ops to run after every variable's update (Adam advances its beta powers)."""
        return []


def _like(value, var):
    """A hyperparameter in the variable's dtype: TensorFlow casts a float32 rate to each
    variable's dtype, so a float32 rate trains float64 variables."""
    if isinstance(value, Tensor):
        return value if value.dtype == var.dtype else Cast(value, dtype=var.dtype)
    return np.asarray(value, dtype=var.dtype)


def _update_name(var):
    return "update_" + var.op.name.replace("/", "_")


def _check_positive(**values):
    for what, value in values.items():
        if not isinstance(value, Tensor) and (
            not isinstance(value, int | float | np.number) or value < 0
        ):
            raise ValueError(f"{what} must be a non-negative number or a tensor, got {value!r}")


class GradientDescentOptimizer(Optimizer):
    """var ← var − learning_rate · grad for every trained variable."""

    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        _check_positive(learning_rate=learning_rate)
        super().__init__(use_locking, name)
        if not isinstance(learning_rate, Tensor):
            check_number(learning_rate, "learning_rate")
        self.learning_rate = learning_rate

    def _apply(self, grad, var):
        rate = _like(self.learning_rate, var)
        return var.assign(var - rate * grad, name=_update_name(var)).op


class _SlotOptimizer(Optimizer):
    """An optimizer with per-variable state ("slots", TensorFlow's name): variables named
    `<var>/<Optimizer>`, `<var>/<Optimizer>_1`, ... created on the first `apply_gradients`
    and initialized by `global_variables_initializer` like any other."""

    def __init__(self, use_locking, name):
        super().__init__(use_locking, name)
        self._slots = {}

    def _slot(self, var, init, suffix=""):
        key = (var, suffix)
        if key not in self._slots:
            graph = var.graph
            with graph.name_scope(""):  # slot names hang off the variable, not the scope
                full = graph.unique_name(var.op.name + "/" + self._name + suffix, mark_as_used=False)
                value = np.full(var.shape.as_list(), init, dtype=var.dtype)
                self._slots[key] = Variable(value, name=full + "/", trainable=False)
                graph.unique_name(full)
        return self._slots[key]

    def get_slot(self, var, name):
        """The slot variable `name` (one of `get_slot_names()`) of `var`, or None."""
        if name not in self._slot_names:
            return None
        i = self._slot_names.index(name)
        return self._slots.get((var, "" if i == 0 else f"_{i}"))

    def get_slot_names(self):
        return list(self._slot_names)

    def _non_slot(self, name, init, graph, dtype):
        """A scalar variable the optimizer keeps once (Adam's beta powers)."""
        key = (None, name)
        if key not in self._slots:
            with graph.name_scope(""):
                full = graph.unique_name(name, mark_as_used=False)
                self._slots[key] = Variable(np.asarray(init, dtype), name=full + "/", trainable=False)
                graph.unique_name(full)
        return self._slots[key]


class MomentumOptimizer(_SlotOptimizer):
    """accum ← momentum·accum + grad; var ← var − lr·accum (Nesterov: var ← var − lr·(grad +
    momentum·accum)), TensorFlow's ApplyMomentum."""

    _slot_names = ("momentum",)

    def __init__(self, learning_rate, momentum, use_locking=False, name="Momentum", use_nesterov=False):
        _check_positive(learning_rate=learning_rate, momentum=momentum)
        super().__init__(use_locking, name)
        self.learning_rate, self.momentum, self.use_nesterov = (
            learning_rate,
            momentum,
            bool(use_nesterov),
        )

    def _apply(self, grad, var):
        lr, mu = _like(self.learning_rate, var), _like(self.momentum, var)
        accum = self._slot(var, 0.0)
        new_accum = accum.assign(accum * mu + grad)
        step = (grad + new_accum * mu) * lr if self.use_nesterov else new_accum * lr
        return var.assign(var - step, name=_update_name(var)).op


class AdamOptimizer(_SlotOptimizer):
    """TensorFlow 1.x's Adam: lr_t = lr·√(1 − β2^t)/(1 − β1^t); m ← β1 m + (1 − β1) g;
    v ← β2 v + (1 − β2) g²; var ← var − lr_t·m / (√v + ε), with ε = 1e-8 outside the root."""

    _slot_names = ("m", "v")

    def __init__(
        self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-08, use_locking=False, name="Adam"
    ):
        _check_positive(learning_rate=learning_rate, beta1=beta1, beta2=beta2, epsilon=epsilon)
        super().__init__(use_locking, name)
        self.learning_rate, self.beta1, self.beta2, self.epsilon = learning_rate, beta1, beta2, epsilon

    def _prepare(self, graph, var_list):
        dtype = var_list[0].dtype  # TensorFlow: the dtype of the first variable
        self._beta1_power = self._non_slot("beta1_power", self.beta1, graph, dtype)
        self._beta2_power = self._non_slot("beta2_power", self.beta2, graph, dtype)

    def _apply(self, grad, var):
        b1, b2 = _like(self.beta1, var), _like(self.beta2, var)
        b1_power, b2_power = _like(self._beta1_power, var), _like(self._beta2_power, var)
        lr = _like(self.learning_rate, var) * Sqrt(1.0 - b2_power) / (1.0 - b1_power)
        m, v = self._slot(var, 0.0), self._slot(var, 0.0, "_1")
        m_t = m.assign(m * b1 + grad * (1.0 - b1))
        v_t = v.assign(v * b2 + grad * grad * (1.0 - b2))
        update = lr * m_t / (Sqrt(v_t) + _like(self.epsilon, var))
        return var.assign(var - update, name=_update_name(var)).op

    def _finish(self, updates):
        with control_dependencies(updates):
            b1 = self._beta1_power.assign(self._beta1_power * self.beta1)
            b2 = self._beta2_power.assign(self._beta2_power * self.beta2)
        return [b1.op, b2.op]


class RMSPropOptimizer(_SlotOptimizer):
    """TensorFlow 1.x's RMSProp: ms ← ρ ms + (1 − ρ) g² (ms starts at ones); mom ← μ mom +
    lr·g/√(ms + ε); var ← var − mom. `centered` also tracks the mean gradient mg and uses
    ms − mg² as the variance."""

    _slot_names = ("rms", "momentum", "mg")

    def __init__(
        self,
        learning_rate,
        decay=0.9,
        momentum=0.0,
        epsilon=1e-10,
        use_locking=False,
        centered=False,
        name="RMSProp",
    ):
        _check_positive(learning_rate=learning_rate, decay=decay, momentum=momentum, epsilon=epsilon)
        super().__init__(use_locking, name)
        self.learning_rate, self.decay, self.momentum = learning_rate, decay, momentum
        self.epsilon, self.centered = epsilon, bool(centered)

    def _apply(self, grad, var):
        rho, mu, eps = _like(self.decay, var), _like(self.momentum, var), _like(self.epsilon, var)
        ms, mom = self._slot(var, 1.0), self._slot(var, 0.0, "_1")
        ms_t = ms.assign(ms * rho + grad * grad * (1.0 - rho))
        denominator = ms_t + eps
        if self.centered:
            mg = self._slot(var, 0.0, "_2")
            mg_t = mg.assign(mg * rho + grad * (1.0 - rho))
            denominator = ms_t - mg_t * mg_t + eps
        mom_t = mom.assign(mom * mu + _like(self.learning_rate, var) * grad / Sqrt(denominator))
        return var.assign(var - mom_t, name=_update_name(var)).op


class AdagradOptimizer(_SlotOptimizer):
    """accum ← accum + g² (starting at 0.1); var ← var − lr·g/√accum."""

    _slot_names = ("accumulator",)

    def __init__(self, learning_rate, initial_accumulator_value=0.1, use_locking=False, name="Adagrad"):
        _check_positive(learning_rate=learning_rate)
        if not initial_accumulator_value > 0:
            raise ValueError(f"initial_accumulator_value must be positive: {initial_accumulator_value}")
        super().__init__(use_locking, name)
        self.learning_rate, self.initial = learning_rate, initial_accumulator_value

    def _apply(self, grad, var):
        accum = self._slot(var, self.initial)
        accum_t = accum.assign(accum + grad * grad)
        update = _like(self.learning_rate, var) * grad / Sqrt(accum_t)
        return var.assign(var - update, name=_update_name(var)).op


class AdadeltaOptimizer(_SlotOptimizer):
    """accum ← ρ accum + (1 − ρ) g²; update = √(accum_update + ε)/√(accum + ε)·g;
    accum_update ← ρ accum_update + (1 − ρ) update²; var ← var − lr·update."""

    _slot_names = ("accum", "accum_update")

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-08, use_locking=False, name="Adadelta"):
        _check_positive(learning_rate=learning_rate, rho=rho, epsilon=epsilon)
        super().__init__(use_locking, name)
        self.learning_rate, self.rho, self.epsilon = learning_rate, rho, epsilon

    def _apply(self, grad, var):
        rho, eps = _like(self.rho, var), _like(self.epsilon, var)
        accum, accum_update = self._slot(var, 0.0), self._slot(var, 0.0, "_1")
        accum_t = accum.assign(accum * rho + grad * grad * (1.0 - rho))
        update = Sqrt(accum_update + eps) / Sqrt(accum_t + eps) * grad
        with control_dependencies(
            [accum_update.assign(accum_update * rho + update * update * (1.0 - rho))]
        ):
            return var.assign(var - _like(self.learning_rate, var) * update, name=_update_name(var)).op


def exponential_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None):
    """learning_rate · decay_rate ^ (global_step / decay_steps), the exponent floored if
    `staircase`."""
    if global_step is None:
        raise ValueError("global_step is required for exponential_decay.")
    if not isinstance(decay_steps, Tensor) and decay_steps <= 0:
        raise ValueError(f"exponential_decay: decay_steps must be positive, got {decay_steps}")
    graph = graph_of([global_step])
    with graph.as_default(), graph.rollback_on_error(), graph.name_scope(name or "ExponentialDecay"):
        lr = (
            convert_to_tensor(learning_rate, dtypes.float32, name="learning_rate")
            if not isinstance(learning_rate, Tensor)
            else learning_rate
        )
        step = Cast(global_step, dtype=lr.dtype)
        p = step / _like(decay_steps, lr)
        if staircase:
            p = Floor(p)
        return Mul(lr, Pow(_like(decay_rate, lr), p), name=name or "ExponentialDecay")
