"""Graph, Operation and Tensor: the data structure every other module reads.

Operations are appended in creation order, which is always a topological order (an op's inputs
exist before it), so the session and the drawings can sort by `Operation.index` instead of
searching. Names are unique per graph and stable across runs ("mul", "mul_1", "layer1/MatMul"),
which keeps drawings and notebook outputs reproducible.
"""

from __future__ import annotations

import contextlib
import threading

from . import dtypes
from .shape import TensorShape

_default = threading.local()


class Graph:
    """A TensorFlow-1.x style graph. ``with gv.Graph().as_default():`` builds into it."""

    def __init__(self) -> None:
        self._ops = []
        self._by_name = {}
        self._names_in_use = {}
        self._scope = ""
        self._collections = {}
        self._gradient_overrides = {}
        self.gradient_maps = []

    # -- building ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def as_default(self):
        stack = _graph_stack()
        stack.append(self)
        try:
            yield self
        finally:
            stack.pop()

    def unique_name(self, name, mark_as_used=True):
        """TensorFlow's naming: "mul", then "mul_1", "mul_2" ... inside the current scope."""
        full = f"{self._scope}/{name}" if self._scope else name
        key = full.lower()
        count = self._names_in_use.get(key, 0)
        if count:
            candidate = f"{full}_{count}"
            while candidate.lower() in self._names_in_use:
                count += 1
                candidate = f"{full}_{count}"
            full = candidate
        if mark_as_used:
            self._names_in_use[key] = count + 1
            self._names_in_use.setdefault(full.lower(), 1)
        return full

    def name_scope(self, name):
        """Prefix op names with `name/`; a second scope of the same name becomes `name_1/`."""
        if name is not None and not isinstance(name, str):
            raise TypeError(
                f"name_scope: name must be a string or None, got {type(name).__name__} {name!r}"
            )
        return _NameScope(self, name)

    @contextlib.contextmanager
    def gradient_override_map(self, op_type_map):
        """Ops created inside use the gradient registered under another name (TensorFlow's API)."""
        saved = dict(self._gradient_overrides)
        self._gradient_overrides.update(op_type_map)
        try:
            yield
        finally:
            self._gradient_overrides = saved

    @contextlib.contextmanager
    def rollback_on_error(self):
        """Anything added inside is removed again if the block raises: a failed call changes
        nothing in the graph."""
        mark, names = len(self._ops), dict(self._names_in_use)
        collections = {k: list(v) for k, v in self._collections.items()}
        scope, maps = self._scope, len(self.gradient_maps)
        try:
            yield
        except BaseException:
            for op in self._ops[mark:]:
                del self._by_name[op.name]
                for tensor in op.inputs:
                    tensor._consumers.remove(op)
            del self._ops[mark:]
            del self.gradient_maps[maps:]
            self._names_in_use, self._collections, self._scope = names, collections, scope
            raise

    def _add_op(self, op):
        op.index = len(self._ops)
        self._ops.append(op)
        self._by_name[op.name] = op
        for tensor in op.inputs:
            tensor._consumers.append(op)

    # -- reading ----------------------------------------------------------------------------
    def get_operations(self):
        return list(self._ops)

    def get_operation_by_name(self, name):
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"The name {name!r} refers to an Operation not in the graph.") from None

    def get_tensor_by_name(self, name):
        op_name, _, index = name.rpartition(":")
        if not op_name or not index.isdigit():
            raise ValueError(f"The name {name!r} does not look like a tensor name ('op:0').")
        op = self.get_operation_by_name(op_name)
        if int(index) >= len(op.outputs):
            raise KeyError(f"The name {name!r} refers to a Tensor which does not exist.")
        return op.outputs[int(index)]

    def as_graph_element(self, obj):
        """A Tensor, Operation or Variable of this graph, from itself or from its name."""
        if isinstance(obj, str):
            return self.get_tensor_by_name(obj) if ":" in obj else self.get_operation_by_name(obj)
        if isinstance(obj, Tensor | Operation):
            if obj.graph is not self:
                raise ValueError(f"{_describe(obj)} is not an element of this graph.")
            return obj
        raise TypeError(f"Can not convert a {type(obj).__name__} into a Tensor or Operation.")

    def add_to_collection(self, key, value):
        self._collections.setdefault(key, []).append(value)

    def get_collection(self, key):
        return list(self._collections.get(key, []))

    def __len__(self):
        return len(self._ops)

    def __bool__(self):
        return True  # an empty graph is still a graph: `graph or default` must not skip it

    def __repr__(self):
        return f"<gradviz.Graph with {len(self._ops)} ops>"


def _graph_stack():
    if not hasattr(_default, "stack"):
        _default.stack = []
        _default.root = Graph()
    return _default.stack


class _NameScope:
    """The context manager of `Graph.name_scope`, entered with ``as`` the scope prefix. A class
    rather than a generator: gradients() enters one per op, where a generator's cost shows."""

    __slots__ = ("graph", "name", "previous")

    def __init__(self, graph, name):
        self.graph, self.name = graph, name

    def __enter__(self):
        graph, name = self.graph, self.name
        self.previous = graph._scope
        if name is None:
            scope = self.previous
        elif name == "" or name.endswith("/"):
            scope = name.rstrip("/")
        else:
            scope = graph.unique_name(name)
        graph._scope = scope
        return scope + "/" if scope else ""

    def __exit__(self, *exc):
        self.graph._scope = self.previous


def get_default_graph() -> Graph:
    stack = _graph_stack()
    return stack[-1] if stack else _default.root


def reset_default_graph() -> None:
    """A fresh default graph (TensorFlow forbids this inside a `with graph.as_default()`)."""
    if _graph_stack():
        raise AssertionError("Do not use reset_default_graph() inside a graph context.")
    _default.root = Graph()


def name_scope(name: str | None) -> contextlib.AbstractContextManager[str]:
    """``with gv.name_scope("layer1"):`` prefixes the ops created inside (drawn as a cluster)."""
    return get_default_graph().name_scope(name)


class Operation:
    """One node: its `type` (registry key), unique `name`, input tensors and output tensors."""

    # Slots: a graph holds many of these, and fewer per-op objects keep building linear in size.
    __slots__ = (
        "graph",
        "type",
        "name",
        "inputs",
        "attrs",
        "control_inputs",
        "gradient_type",
        "index",
        "outputs",
    )

    def __init__(self, graph, op_type, name, inputs, attrs, out_specs, control_inputs=()):
        self.graph = graph
        self.type = op_type
        self.name = name
        self.inputs = tuple(inputs)
        self.attrs = attrs
        self.control_inputs = tuple(control_inputs)
        self.gradient_type = graph._gradient_overrides.get(op_type, op_type)
        self.index = -1
        self.outputs = tuple(
            [Tensor(self, i, dtype, shape) for i, (shape, dtype) in enumerate(out_specs)]
        )

    def get_attr(self, name):
        return self.attrs[name]

    def run(self, feed_dict=None, session=None):
        """Run this op in the default session (or `session`), as TensorFlow's Operation.run."""
        from .session import session_for  # here: the session module imports this one

        session_for(self.graph, session, self).run(self, feed_dict)

    def __repr__(self):
        return f"<gradviz.Operation '{self.name}' type={self.type}>"


class Tensor:
    """An output of an Operation; ``x * w + b`` builds new operations in `x.graph`."""

    __array_priority__ = 100  # numpy defers `array * tensor` to Tensor.__rmul__

    def __init__(self, op, value_index, dtype, shape):
        self.op = op
        self.value_index = value_index
        self.dtype = dtypes.as_dtype(dtype)
        self._shape = shape if type(shape) is TensorShape else TensorShape(shape)  # immutable
        self._consumers = []

    @property
    def graph(self):
        return self.op.graph

    @property
    def name(self):
        return f"{self.op.name}:{self.value_index}"

    @property
    def shape(self):
        return self._shape

    def get_shape(self):
        return self._shape

    def set_shape(self, shape):
        self._shape = self._shape.merge_with(shape)

    def consumers(self):
        return list(self._consumers)

    def eval(self, feed_dict=None, session=None):
        """This tensor's value in the default session (or `session`)."""
        from .session import session_for  # here: the session module imports this one

        return session_for(self.graph, session, self).run(self, feed_dict)

    def __repr__(self):
        return f"<gradviz.Tensor '{self.name}' shape={self._shape} dtype={self.dtype.name}>"

    # The Python operators (``x * w + b``, ``-x``, ``x[0]``) are installed by the ops package
    # (gradviz.engine.ops), which declares the ops they build.

    # TensorFlow 1.x's graph tensors are neither iterable nor booleans: without these, Python
    # would iterate through __getitem__ with ever larger indices and never stop.
    def __iter__(self):
        raise TypeError(
            f"Tensor objects are only iterable when eager execution is enabled (Tensor "
            f"'{self.name}'). To iterate over this tensor use tf.map_fn, or index it: t[0], t[1] ..."
        )

    def __contains__(self, item):
        self.__iter__()

    def __bool__(self):
        raise TypeError(
            f"Using a `tf.Tensor` as a Python `bool` is not allowed (Tensor '{self.name}'). "
            "Use `if t is not None:` instead of `if t:` to test if a tensor is defined, and use "
            "ops such as gv.where to select values conditioned on the value of a tensor."
        )

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            f"Cannot convert a symbolic Tensor ('{self.name}') to a numpy array: run it first, "
            "sess.run(t) or t.eval(), to get its value."
        )

    def __len__(self):
        raise TypeError(
            f"len is not well defined for symbolic Tensors ('{self.name}'). "
            "Please call `x.shape` rather than `len(x)` for shape information."
        )

    __hash__ = object.__hash__  # identity, as in TensorFlow 1.x; == is not overloaded


def _describe(obj):
    kind = "Tensor" if isinstance(obj, Tensor) else "Operation"
    return f"{kind} '{obj.name}'"


# -- graph walks: the one traversal every layer uses ------------------------------------------------
def walk(start, neighbours, within=None):
    """The set of ops reachable from the ops `start` (included) by `neighbours(op)`, never leaving
    the set `within` (when given)."""
    seen, stack = set(), list(start)
    while stack:
        op = stack.pop()
        if op not in seen and (within is None or op in within):
            seen.add(op)
            stack.extend(neighbours(op))
    return seen


def producers(op):
    """The ops whose outputs `op` reads."""
    return [t.op for t in op.inputs]


def consumers(op):
    """The ops that read an output of `op`."""
    return [c for t in op.outputs for c in t._consumers]


def ancestors(tensors):
    """Ops the tensors depend on, in creation (topological) order."""
    return sorted(walk([t.op for t in tensors], producers), key=lambda op: op.index)


def descendants(ops):
    """The ops `ops` and every op that depends on one of them (a set)."""
    return walk(ops, consumers)


def as_list(value):
    """ys, xs and friends accept one tensor or a list/tuple of them (None: an empty list)."""
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def graph_of(values, what="inputs"):
    """The one graph all tensors in `values` belong to (the default graph if there are none)."""
    graph = None
    for value in values:
        if isinstance(value, Tensor):
            value_graph = value.op.graph
        elif isinstance(value, Operation):
            value_graph = value.graph
        else:
            continue
        if graph is None:
            graph = value_graph
        elif value_graph is not graph:
            raise ValueError(f"{_describe(value)} must be from the same graph as the other {what}.")
    return graph or get_default_graph()
