"""`variable_scope` and `get_variable`: variables named by scope and shared by name (TF 1.x).

    with gv.variable_scope("layer1"):
        W = gv.get_variable("W", [784, 10])              # "layer1/W"
    with gv.variable_scope("layer1", reuse=True):
        assert gv.get_variable("W") is W                 # the same variable

Each graph keeps its variables by full name (its "store"). `reuse=True` requires the variable to
exist, `reuse=False` (the default at the top) requires it not to, `gv.AUTO_REUSE` creates it once
and returns it afterwards. A scope inherits its parent's reuse, and reuse=True cannot be undone
inside. Entering a scope also opens a name scope of that name for the ops built inside (a
second entry makes "layer1_1/" for ops, while variables keep "layer1/...").
"""

import contextlib

import numpy as np

from . import dtypes, init_ops
from .graph import Tensor, get_default_graph
from .ops.state import Variable


class _ReuseMode:
    def __repr__(self):
        return "tf.AUTO_REUSE"


AUTO_REUSE = _ReuseMode()


class VariableScope:
    """What a `variable_scope` block says: its full `name`, `reuse`, default `initializer`,
    `regularizer` and `dtype` for the variables created inside."""

    def __init__(self, name, reuse=False, initializer=None, regularizer=None, dtype=dtypes.float32):
        self.name, self.reuse = name, reuse
        self.initializer, self.regularizer, self.dtype = initializer, regularizer, dtype
        self.original_name_scope = name + "/" if name else ""

    def reuse_variables(self):
        """Reuse from here on in this block, as TensorFlow's ``scope.reuse_variables()``."""
        self.reuse = True

    def __repr__(self):
        return f"<gradviz.VariableScope '{self.name}' reuse={self.reuse}>"


def _state(graph):
    if not hasattr(graph, "_variable_scopes"):
        graph._variable_scopes = [VariableScope("")]  # the root scope
        graph._variable_store = {}
        graph._variable_scope_counts = {}
    return graph


def get_variable_scope():
    """The innermost `variable_scope` of the default graph (the root one outside all of them)."""
    return _state(get_default_graph())._variable_scopes[-1]


@contextlib.contextmanager
def variable_scope(
    name_or_scope=None,
    default_name=None,
    values=None,
    initializer=None,
    regularizer=None,
    reuse=None,
    dtype=None,
    auxiliary_name_scope=True,
    **unused_tf_options,
):
    """A scope for `get_variable` names (see the module docstring)."""
    graph = _state(get_default_graph())
    parent = graph._variable_scopes[-1]
    if reuse not in (None, True, False, AUTO_REUSE):
        raise ValueError(
            f"variable_scope: reuse must be True, False, None or tf.AUTO_REUSE, got {reuse!r}"
        )
    full, name_scope = _scope_names(graph, parent, name_or_scope, default_name)
    scope = VariableScope(
        full,
        _inherited_reuse(parent.reuse, reuse),
        initializer if initializer is not None else _inherit(name_or_scope, parent, "initializer"),
        regularizer if regularizer is not None else _inherit(name_or_scope, parent, "regularizer"),
        dtypes.as_dtype(dtype) if dtype is not None else _inherit(name_or_scope, parent, "dtype"),
    )
    graph._variable_scopes.append(scope)
    try:
        if auxiliary_name_scope:
            with graph.name_scope(name_scope) as ops_scope:
                scope.original_name_scope = ops_scope
                yield scope
        else:
            yield scope
    finally:
        graph._variable_scopes.pop()


def _scope_names(graph, parent, name_or_scope, default_name):
    """The full variable-scope name, and the name scope the ops inside get."""
    counts = graph._variable_scope_counts
    if isinstance(name_or_scope, VariableScope):
        return name_or_scope.name, name_or_scope.original_name_scope or name_or_scope.name + "/"
    if name_or_scope is None:
        if default_name is None:
            raise ValueError("variable_scope: give name_or_scope or default_name")
        base = _join(parent.name, default_name)
        n = counts.get(base, 0)
        name = default_name if n == 0 else f"{default_name}_{n}"
    elif isinstance(name_or_scope, str):
        base, name = _join(parent.name, name_or_scope), name_or_scope
    else:
        raise TypeError(
            f"variable_scope: name_or_scope must be a string or a VariableScope, got {name_or_scope!r}"
        )
    counts[base] = counts.get(base, 0) + 1
    return _join(parent.name, name), name


def _join(prefix, name):
    return f"{prefix}/{name}" if prefix else name


def _inherited_reuse(parent, asked):
    if parent is True or asked is True:
        return True
    if asked is AUTO_REUSE or (asked is None and parent is AUTO_REUSE):
        return AUTO_REUSE
    return False


def _inherit(name_or_scope, parent, attr):
    source = name_or_scope if isinstance(name_or_scope, VariableScope) else parent
    return getattr(source, attr)


def get_variable(
    name,
    shape=None,
    dtype=None,
    initializer=None,
    regularizer=None,
    trainable=None,
    collections=None,
    **unused_tf_options,
):
    """The variable `scope/name`: created (by `initializer`, the scope's, or glorot_uniform for
    floats and zeros otherwise) or, under reuse, the existing one."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"get_variable: name must be a non-empty string, got {name!r}")
    graph = _state(get_default_graph())
    scope = graph._variable_scopes[-1]
    full = _join(scope.name, name)
    existing = graph._variable_store.get(full)
    if existing is not None:
        return _reused(existing, full, scope, shape, dtype)
    if scope.reuse is True:
        raise ValueError(
            f"Variable {full} does not exist, or was not created with tf.get_variable(). "
            "Did you mean to set reuse=tf.AUTO_REUSE in VarScope?"
        )
    var = _create(graph, scope, full, shape, dtype, initializer, regularizer, trainable, collections)
    graph._variable_store[full] = var
    return var


def _reused(var, full, scope, shape, dtype):
    if scope.reuse is False:
        raise ValueError(
            f"Variable {full} already exists, disallowed. Did you mean to set reuse=True or "
            "reuse=tf.AUTO_REUSE in VarScope?"
        )
    if shape is not None and not var.shape.is_compatible_with(list(shape)):
        raise ValueError(
            f"Trying to share variable {full}, but specified shape {list(shape)} "
            f"and found shape {var.shape}."
        )
    if dtype is not None and dtypes.as_dtype(dtype) != var.dtype:
        raise ValueError(
            f"Trying to share variable {full}, but specified dtype {dtypes.as_dtype(dtype).name} "
            f"and found dtype {var.dtype.name}."
        )
    return var


def _create(graph, scope, full, shape, dtype, initializer, regularizer, trainable, collections):
    dtype = dtypes.as_dtype(dtype) if dtype is not None else scope.dtype
    initializer = initializer if initializer is not None else scope.initializer
    if initializer is None or isinstance(initializer, type):
        default = init_ops.glorot_uniform_initializer() if dtype.kind == "f" else init_ops.Zeros()
        initializer = default if initializer is None else initializer()
    if callable(initializer) and not isinstance(initializer, Tensor):
        if shape is None:
            raise ValueError(
                f"Shape of a new variable ({full}) must be fully defined, but instead was None."
            )
        dims = _shape_list(shape, full)

        def initial_value():
            return initializer(dims, dtype=dtype)
    else:  # a value or a tensor: it gives the shape
        if shape is not None:
            raise ValueError(
                f"get_variable '{full}': if initializer is a constant, do not specify shape."
            )
        initial_value = initializer
        dtype = None if isinstance(initializer, Tensor) or dtype == dtypes.float32 else dtype
    with graph.rollback_on_error():
        graph.unique_name(full)  # the variable's name is taken, whatever name scope is open
        var = Variable(
            initial_value,
            name=full + "/",
            trainable=True if trainable is None else trainable,
            dtype=dtype,
            collections=collections,
        )
        if regularizer is not None:
            with graph.name_scope(full + "/Regularizer/"):
                loss = regularizer(var)
            if loss is not None:
                graph.add_to_collection("regularization_losses", loss)
    return var


def _shape_list(shape, full):
    try:
        dims = [int(d) for d in ([shape] if isinstance(shape, int | np.integer) else shape)]
    except (TypeError, ValueError):
        raise ValueError(
            f"Shape of a new variable ({full}) must be fully defined, but instead was {shape}."
        ) from None
    if any(d < 0 for d in dims):
        raise ValueError(f"get_variable '{full}': shape {dims} has a negative dimension")
    return dims


def get_or_create_global_step(graph=None):
    """The graph's int64 step counter "global_step" (made on first use, not trainable)."""
    graph = _state(graph or get_default_graph())
    found = graph.get_collection("global_step")
    if found:
        return found[0]
    with graph.as_default():
        graph._variable_scopes.append(VariableScope(""))
        try:
            return get_variable(
                "global_step",
                shape=[],
                dtype=dtypes.int64,
                initializer=init_ops.Zeros(),
                trainable=False,
                collections=["variables", "global_step"],
            )
        finally:
            graph._variable_scopes.pop()


def get_global_step(graph=None):
    found = (graph or get_default_graph()).get_collection("global_step")
    return found[0] if found else None


def create_global_step(graph=None):
    graph = graph or get_default_graph()
    if graph.get_collection("global_step"):
        raise ValueError('"global_step" already exists.')
    return get_or_create_global_step(graph)
