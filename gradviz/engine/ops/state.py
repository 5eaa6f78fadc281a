"""Leaves and state: constants, placeholders, variables and the ops that assign them.

A variable's value lives in the Session (as in TensorFlow), keyed by the variable's op name. Assign
ops write to a staging dict that the session commits only when the whole run succeeded, so a
failing `Session.run` leaves every variable as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .. import dtypes, validate
from ..errors import FailedPreconditionError, InvalidArgumentError
from ..graph import Graph, Operation, Tensor, get_default_graph
from ..hints import DTypeLike, ShapeLike, TensorLike
from ..shape import TensorShape
from .registry import CONSTANT, GROUP, PLACEHOLDER, VARIABLE, apply_op, register_op

if TYPE_CHECKING:  # the session module imports this one
    from ..session import Session


@register_op("Const", label="const", no_gradient="constant", aliasing=True, role=CONSTANT)
class Const:
    def forward(*, value):
        return value

    def shape(*, value):
        return TensorShape(value.shape)

    def dtype(*, value):
        return value.dtype


@register_op(
    "Placeholder", label="placeholder", no_gradient="placeholder", aliasing=True, role=PLACEHOLDER
)
class Placeholder:
    def forward(*, dtype, shape):
        raise AssertionError("placeholders are fed, never computed")

    def shape(*, dtype, shape):
        return TensorShape(shape)

    def dtype(*, dtype, shape):
        return dtype


@register_op(
    "VariableV2", label="variable", stateful=True, no_gradient="variable", aliasing=True, role=VARIABLE
)
class VariableV2:
    def forward(state, pending, *, var, dtype, shape):
        try:
            return state[var]
        except KeyError:
            raise FailedPreconditionError(
                f"Attempting to use uninitialized value {var}: run its initializer "
                f"(for example gv.global_variables_initializer()) first."
            ) from None

    def shape(*, var, dtype, shape):
        return TensorShape(shape)

    def dtype(*, var, dtype, shape):
        return dtype


@register_op("Assign", label="assign", stateful=True, no_gradient="assignment", aliasing=True)
class Assign:
    def forward(state, pending, value, *, var, shape=None):
        if shape is not None and value.shape != shape:  # TensorFlow's validate_shape
            raise InvalidArgumentError(
                f"Assign to variable '{var}' of shape {list(shape)} got a value of shape "
                f"{list(value.shape)}"
            )
        # The variable keeps its own copy: `value` may be a fed array the caller still owns.
        # (numpy scalars are immutable and stay as they are: 0-d arrays are slower to compute with.)
        pending[var] = value.copy() if type(value) is np.ndarray else value
        return value


@register_op("NoOp", label="group", no_gradient="no output", role=GROUP)
class NoOp:
    def forward():
        return None

    def shape():
        return TensorShape(None)

    def dtype():
        return dtypes.bool_


def constant_in(graph, value, dtype, name):
    array = dtypes.to_array(value, dtype, f"constant '{name}'")
    return apply_op("Const", [], {"value": array}, name=name, graph=graph)


def convert_to_tensor(
    value: TensorLike, dtype: DTypeLike = None, name: str = "Const", graph: Graph | None = None
) -> Tensor:
    """A Tensor for `value`: a Tensor is returned as is, anything else becomes a constant."""
    if isinstance(value, Tensor):
        if dtype is not None and value.dtype != dtypes.as_dtype(dtype):
            raise TypeError(
                f"Tensor '{value.name}' has dtype {value.dtype.name}, "
                f"but {dtypes.as_dtype(dtype).name} is required here."
            )
        return value
    if isinstance(value, Operation):
        where = "" if name == "Const" else f" (as {name})"
        raise TypeError(
            f"Operation '{value.name}' has no value; pass one of its outputs, '{value.name}:0'{where}."
        )
    return constant_in(graph or get_default_graph(), value, dtype, name)


def constant(
    value: TensorLike, dtype: DTypeLike = None, shape: ShapeLike = None, name: str = "Const"
) -> Tensor:
    """``gv.constant([1., 2.])``: a float32 constant (Python floats default to float32).
    The value is copied: changing the numpy array given later does not change the constant."""
    validate.check_name(name)
    if isinstance(value, Tensor):
        raise TypeError(f"constant '{name}': value is Tensor '{value.name}'; use gv.identity(t)")
    shape = None if shape is None else validate.check_shape(shape, allow_unknown=False)
    array = dtypes.to_array(value, dtype, f"constant '{name}'", copy=True)
    if shape is not None:
        array = _fill_to_shape(array, shape, name)
    return constant_in(get_default_graph(), array, array.dtype, name)


def _fill_to_shape(array, shape, name):
    if array.size == 1:
        return np.full(shape, array.reshape(()), dtype=array.dtype)
    size = int(np.prod(shape))
    if array.size > size:
        raise TypeError(f"constant '{name}': {array.size} values cannot fill shape {list(shape)}")
    # TensorFlow 1.x repeats the last value to fill a larger shape: [1, 2] in [4] is [1, 2, 2, 2].
    flat = np.concatenate([array.ravel(), np.repeat(array.ravel()[-1:], size - array.size)])
    return flat.reshape(shape)


def placeholder(dtype: DTypeLike, shape: ShapeLike = None, name: str | None = None) -> Tensor:
    """``X = gv.placeholder("float", [None, 1], name="X")``: fed through `feed_dict`."""
    dtype = dtypes.as_dtype(dtype)
    shape = TensorShape(validate.check_shape(shape))
    return apply_op("Placeholder", [], {"dtype": dtype, "shape": shape.dims}, name=name)


class Variable(Tensor):
    """``W = gv.Variable(1.66, name="W")``: state kept by the Session, trained by optimizers.

    The Variable *is* the tensor its value is read from, so it goes anywhere a Tensor does.
    """

    def __new__(
        cls,
        initial_value: TensorLike,
        name: str | None = None,
        trainable: bool = True,
        dtype: DTypeLike = None,
        collections: Sequence[str] | None = None,
    ) -> Variable:
        validate.check_name(name)
        graph = initial_value.graph if isinstance(initial_value, Tensor) else get_default_graph()
        if collections is not None and (isinstance(collections, str) or not _all_str(collections)):
            raise TypeError(f"Variable: collections must be a list of names, got {collections!r}")
        with graph.as_default(), graph.rollback_on_error():
            return _build_variable(cls, graph, initial_value, name, trainable, dtype, collections)

    def __init__(self, *args, **kwargs):
        pass  # built in __new__

    @property
    def initializer(self):
        return self._initializer

    @property
    def initial_value(self):
        return self._initial_value

    def initialized_value(self):
        """The initial value, to initialize another variable from this one:
        ``w2 = gv.Variable(w.initialized_value() * 2)`` (one initializer run sets both)."""
        return self._initial_value

    def assign(self, value: TensorLike, name: str | None = None) -> Tensor:
        with self.graph.rollback_on_error():  # a rejected value leaves no Const behind
            value = convert_to_tensor(value, self.dtype, graph=self.graph)
            if not value.shape.is_compatible_with(self.shape):
                raise ValueError(
                    f"Cannot assign a value of shape {value.shape} to variable '{self.op.name}' "
                    f"of shape {self.shape}"
                )
            attrs = {"var": self.op.name, "shape": self.shape.dims}
            return apply_op("Assign", [value], attrs, name=name or "Assign")

    def assign_add(self, delta: TensorLike, name: str | None = None) -> Tensor:
        with self.graph.rollback_on_error():  # `self + delta` goes too if the assign is rejected
            return self.assign(self + delta, name=name or "AssignAdd")

    def assign_sub(self, delta: TensorLike, name: str | None = None) -> Tensor:
        with self.graph.rollback_on_error():
            return self.assign(self - delta, name=name or "AssignSub")

    def value(self):
        return self

    read_value = value

    def load(self, value: TensorLike, session: Session | None = None) -> None:
        """Write `value` into the variable in `session` (the default one if None)."""
        from ..session import session_for  # here: the session module imports this one

        session_for(self.graph, session, self).load_variable(self, value)

    def __repr__(self):
        return f"<gradviz.Variable '{self.name}' shape={self.shape} dtype={self.dtype.name}>"


def _all_str(names):
    return all(isinstance(n, str) for n in names)


def _build_variable(cls, graph, initial_value, name, trainable, dtype, collections=None):
    with graph.name_scope(name or "Variable") as scope:
        var_name = scope.rstrip("/")
        if callable(initial_value):  # built inside the variable's scope (get_variable's initializers)
            with graph.name_scope("Initializer"):
                initial_value = initial_value()
        init = convert_to_tensor(initial_value, dtype, name="initial_value", graph=graph)
        if not init.shape.is_fully_defined():
            raise ValueError(f"initial_value of Variable '{var_name}' must have a known shape")
        attrs = {"var": var_name, "dtype": init.dtype, "shape": init.shape.dims}
        var = apply_op("VariableV2", [], attrs, name=scope)
        var.__class__ = cls
        var._initial_value = init
        var.trainable = trainable
        var._initializer = apply_op("Assign", [init], {"var": var_name}, name="Assign").op
    for key in ["variables"] if collections is None else collections:
        graph.add_to_collection(key, var)
    if trainable:
        graph.add_to_collection("trainable_variables", var)
    return var


def global_variables(graph: Graph | None = None) -> list[Variable]:
    return (graph or get_default_graph()).get_collection("variables")


def trainable_variables(graph: Graph | None = None) -> list[Variable]:
    return (graph or get_default_graph()).get_collection("trainable_variables")


def group(*inputs: Operation | Tensor, name: str = "group") -> Operation:
    """One op that runs all `inputs` (ops or tensors)."""
    for i, x in enumerate(inputs):
        if not isinstance(x, Tensor | Operation):
            raise TypeError(
                f"group: inputs[{i}] must be an Operation or a Tensor, got {validate.describe(x)}"
            )
    ops = [x.op if isinstance(x, Tensor) else x for x in inputs]
    return apply_op("NoOp", [], name=name, control_inputs=ops).op


def variables_initializer(var_list: Sequence[Variable], name: str = "init") -> Operation:
    if isinstance(var_list, Tensor) or not isinstance(var_list, list | tuple):
        raise TypeError(f"var_list must be a list of gv.Variables, got {validate.describe(var_list)}")
    for i, v in enumerate(var_list):
        if not isinstance(v, Variable):
            raise TypeError(f"var_list[{i}] must be a gv.Variable, got {validate.describe(v)}")
    return group(*[v.initializer for v in var_list], name=name)


def global_variables_initializer() -> Operation:
    """The op that initializes every variable of the default graph: ``sess.run(init)``."""
    return variables_initializer(global_variables(), name="init")


def local_variables(graph=None):
    return (graph or get_default_graph()).get_collection("local_variables")


def local_variables_initializer():
    """The op that initializes the variables of the "local_variables" collection."""
    return variables_initializer(local_variables(), name="init")


def _variable(ref, what):
    if not isinstance(ref, Variable):
        raise TypeError(f"{what}: ref must be a Variable, got {ref!r}")
    return ref


def assign(ref, value, validate_shape=None, use_locking=None, name=None):
    """``tf.assign(W, value)``: the op that writes `value` into `ref` and returns it."""
    return _variable(ref, "assign").assign(value, name=name)


def assign_add(ref, value, use_locking=None, name=None):
    return _variable(ref, "assign_add").assign_add(value, name=name)


def assign_sub(ref, value, use_locking=None, name=None):
    return _variable(ref, "assign_sub").assign_sub(value, name=name)


def get_collection(key, scope=None):
    """The default graph's collection `key` (only names starting with `scope`, if given)."""
    items = get_default_graph().get_collection(key)
    if scope is None:
        return items
    return [x for x in items if getattr(x, "name", "").startswith(scope)]


def add_to_collection(name, value):
    get_default_graph().add_to_collection(name, value)
