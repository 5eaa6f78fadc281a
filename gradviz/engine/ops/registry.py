"""The op registry: every op is declared once, forward kernel, shape rule and gradient together.

    @register_op("Mul", label="×", partials=("b", "a"))
    class Mul:
        def forward(x, y):                      # numpy kernel
            return x * y
        shape = broadcast                       # static shape rule
        def gradient(op, grad):                 # builds graph ops, so it can be differentiated
            x, y = op.inputs
            return [unbroadcast(grad * y, x), unbroadcast(grad * x, y)]

`register_op` turns the class into an `OpDef`, which is also the op's builder function:
``Mul(a, b, name="m")`` adds a "Mul" operation to the graph. Nothing outside this package
names an op type: the session asks the registry for kernels, `gradients()` for gradient functions,
and the trace and the drawings ask an op's declaration what it is (`role`, `undoes_broadcast`,
`custom_gradient`) through `op_def(op)`.
"""

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import dtypes
from ..graph import Operation, Tensor, graph_of
from ..shape import TensorShape, broadcast_shapes

# Why an edge carries no gradient: the words gradients() records and drawings, explain() show.
STOP_GRADIENT_OP = "stop_gradient op"
IN_STOP_GRADIENTS = "listed in stop_gradients"
NO_GRADIENT_DEFINED = "no gradient defined"
INTEGER = "integer tensor"
UNREACHED = "does not reach any x"
NOTHING_ARRIVED = "no gradient arrives here"

# What an op is to the debugger, declared on the op (`role=`): the leaves, whose values are known
# before the forward pass starts, and "group" (NoOp), which has no value to show.
PLACEHOLDER, VARIABLE, CONSTANT, GROUP = "placeholder", "variable", "constant", "group"
LEAF_ROLES = (PLACEHOLDER, VARIABLE, CONSTANT)

OPS = {}  # op type -> OpDef
GRADIENTS = {}  # gradient type -> gradient function (op, *upstream_grads) -> input grads
NO_GRADIENT = {}  # gradient type -> reason no gradient passes ("stop_gradient op", ...)


@dataclass
class OpDef:
    type: str
    forward: object
    shape: object
    dtype: object
    inputs: tuple
    attrs: tuple
    label: str
    partials: tuple
    kinds: str  # dtype kinds the typed inputs accept ("f" for float-only ops)
    typed: tuple | None  # indices of the inputs that share one dtype (None: all of them)
    variadic: bool = False  # one list argument of any length (AddN)
    num_outputs: int = 1
    stateful: bool = False
    defaults: dict = field(default_factory=dict)
    # indices of the inputs whose values the forward never reads, only their shape and dtype
    # (ZerosLike's x, BroadcastLike's `like`): the session folds the op once those are known
    shape_only: tuple = ()
    aliasing: bool = False  # the output may be an array stored elsewhere (a view, a variable)
    role: str | None = None  # PLACEHOLDER, VARIABLE, CONSTANT or GROUP; None for a computation
    undoes_broadcast: bool = False  # sums a gradient back to an input's shape (SumToShape)
    custom_gradient: bool = False  # its gradient is a user's grad_fn (gv.custom_gradient)
    # The rule of calculus at work in `gradient`, for a student ("product rule"), and a hint that
    # names it with the op's own inputs: a format string with {label}, {input}, {other},
    # {upstream} and {partial} (see debug/quiz.py). Empty: the chain rule through `label`.
    rule: str = ""
    hint: str = ""

    @property
    def is_leaf(self):
        """A placeholder, variable or constant: its value is known before the forward pass."""
        return self.role in LEAF_ROLES

    @property
    def has_value(self):
        """False for a group (NoOp): it runs, but there is nothing to show or fetch."""
        return self.role != GROUP

    def __call__(self, *args, name=None, **kwargs):
        if not kwargs and len(args) == len(self.inputs) and not self.variadic:
            return apply_op(self.type, list(args), name=name)  # inputs only: the usual call
        if self.variadic:
            return apply_op(
                self.type, list(args[0]), dict(zip(self.attrs, args[1:])) | kwargs, name=name
            )
        inputs = list(args[: len(self.inputs)])
        if len(inputs) < len(self.inputs):
            missing = [n for n in self.inputs[len(inputs) :] if n not in kwargs]
            if missing:
                raise TypeError(f"{self.type}() missing input(s): {', '.join(missing)}")
            inputs += [kwargs.pop(n) for n in self.inputs[len(inputs) :]]
        attrs = dict(zip(self.attrs, args[len(self.inputs) :], strict=False))
        attrs.update(kwargs)
        return apply_op(self.type, inputs, attrs, name=name)

    def __repr__(self):
        return f"<op {self.type}>"

    def signature(self):
        """The call as help() and the API reference show it: inputs, attributes, then name."""
        param = inspect.Parameter
        from ..hints import TensorLike  # here: the hints module imports the graph this one uses

        kind = param.POSITIONAL_OR_KEYWORD
        inputs = Sequence[TensorLike] if self.variadic else TensorLike
        params = [param(n, kind, annotation=inputs) for n in self.inputs]
        params += [param(a, kind, default=self.defaults.get(a), annotation=Any) for a in self.attrs]
        name = param("name", param.KEYWORD_ONLY, default=None, annotation=str | None)
        return inspect.Signature([*params, name], return_annotation=Tensor)


class _Signature:
    """`op.__signature__` for inspect.signature(gv.where) (None on the class itself)."""

    def __get__(self, op, owner=None):
        return None if op is None else op.signature()


OpDef.__signature__ = _Signature()


def register_op(
    op_type,
    label=None,
    partials=(),
    kinds="fiub",
    typed=None,
    num_outputs=1,
    stateful=False,
    no_gradient=None,
    shape_only=(),
    aliasing=False,
    role=None,
    undoes_broadcast=False,
    custom_gradient=False,
    rule="",
    hint="",
):
    """Class decorator: declare an op (see the module docstring). `no_gradient` gives the reason
    a gradient never passes this op type; otherwise the class must define `gradient`.
    `aliasing=True` marks an op whose output may share memory with an input or with session
    state (a numpy view, a variable's value): the session copies such a value when it is fetched.
    `role` says what the op is to the debugger (PLACEHOLDER, VARIABLE, CONSTANT, GROUP);
    `undoes_broadcast` marks the op that sums a gradient back to an input's shape, and
    `custom_gradient` the op whose gradient is a user's function.
    `rule` and `hint` tell a student which rule of calculus the gradient applies (the classroom
    mode's hints); without them the hint is the chain rule through the op's `partials`.

    `forward` may also be a C function taking the inputs positionally (``forward = np.sin``,
    ``forward = operator.add``, which is numpy's ``x + y``), with the input names in the class's
    `inputs`: the session then calls numpy without a Python frame in between.
    """

    def declare(cls):
        forward = cls.__dict__["forward"]
        params = inspect.signature(forward).parameters.values() if inspect.isfunction(forward) else []
        if not inspect.isfunction(forward) and "inputs" not in cls.__dict__:
            raise TypeError(f"Op {op_type}: a forward that is not a Python function needs `inputs`")
        positional = [p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD]
        variadic = [p.name for p in params if p.kind is p.VAR_POSITIONAL]
        inputs = tuple(getattr(cls, "inputs", positional[2:] if stateful else positional))
        inputs = tuple(variadic) or inputs
        keyword = [p for p in params if p.kind is p.KEYWORD_ONLY]
        opdef = OpDef(
            type=op_type,
            forward=forward,
            shape=cls.__dict__.get("shape", same_shape),
            dtype=cls.__dict__.get("dtype", same_dtype),
            inputs=inputs,
            attrs=tuple(p.name for p in keyword),
            defaults={p.name: p.default for p in keyword if p.default is not p.empty},
            label=label or op_type,
            partials=tuple(partials),
            kinds=kinds,
            typed=None if typed is None else tuple(typed),
            variadic=bool(variadic),
            num_outputs=num_outputs,
            stateful=stateful,
            shape_only=tuple(shape_only),
            aliasing=aliasing,
            role=role,
            undoes_broadcast=undoes_broadcast,
            custom_gradient=custom_gradient,
            rule=rule,
            hint=hint,
        )
        OPS[op_type] = opdef
        if "gradient" in cls.__dict__:
            GRADIENTS[op_type] = cls.__dict__["gradient"]
        elif no_gradient:
            NO_GRADIENT[op_type] = no_gradient
        else:
            raise TypeError(f"Op {op_type} needs a gradient or a no_gradient reason")
        return opdef

    return declare


def op_def(op):
    """The declaration of `op` (an Operation): what the trace and the drawings ask about it."""
    return OPS[op.type]


class RegisterGradient:
    """``@gv.RegisterGradient("MySquare")`` registers `fn(op, grad) -> [input grads]`; use it with
    ``graph.gradient_override_map({"Square": "MySquare"})``, as in TensorFlow."""

    def __init__(self, op_type: str) -> None:
        if not isinstance(op_type, str):
            raise TypeError("RegisterGradient expects a string op type")
        self.op_type = op_type

    def __call__(self, fn: Callable) -> Callable:
        if self.op_type in GRADIENTS or self.op_type in NO_GRADIENT:
            raise KeyError(f"Registering two gradient with name '{self.op_type}'!")
        GRADIENTS[self.op_type] = fn
        return fn


def NotDifferentiable(op_type: str) -> None:  # noqa: N802 (TensorFlow's name)
    NO_GRADIENT[op_type] = "no gradient defined"


# -- building ops ---------------------------------------------------------------------------
def apply_op(op_type, inputs, attrs=None, name=None, control_inputs=(), graph=None):
    """Validate `inputs` and `attrs`, infer output shapes and dtypes, then add the op (to
    `graph`, for ops without inputs; otherwise to the inputs' graph).

    Validation happens before anything is added, so a rejected op leaves the graph unchanged.
    """
    opdef = OPS[op_type]
    if name is not None and type(name) is not str:
        raise TypeError(f"name must be a string or None, got {type(name).__name__} {name!r}")
    if attrs:
        attrs = {**opdef.defaults, **attrs}
        unknown = attrs.keys() - opdef.attrs
        if unknown:
            raise TypeError(f"{op_type} got unexpected argument(s): {', '.join(sorted(unknown))}")
    else:
        attrs = dict(opdef.defaults)
    if graph is None:  # (not `graph or`: an empty Graph is falsy, it has a __len__)
        graph = graph_of([*inputs, *control_inputs] if control_inputs else inputs)
    dependencies = getattr(graph, "_control_dependencies", None)
    if dependencies:  # inside `with gv.control_dependencies([...])`
        control_inputs = (*control_inputs, *dependencies[-1])
    values = _convert_inputs(opdef, inputs)
    specs = _infer(opdef, values, attrs, name)
    consts = [v if isinstance(v, Tensor) else _constant(graph, v) for v in values]
    # A name ending in "/" is a scope name used as is (TensorFlow's rule), as Variables do.
    op_name = name[:-1] if name and name.endswith("/") else graph.unique_name(name or op_type)
    op = Operation(graph, op_type, op_name, consts, attrs, specs, control_inputs)
    graph._add_op(op)
    return op.outputs[0] if opdef.num_outputs == 1 else op.outputs


def _convert_inputs(opdef, inputs):
    """Tensors stay; other values become numpy arrays in the dtype of the op's typed inputs."""
    n = len(inputs)
    typed = range(n) if opdef.typed is None else [i for i in opdef.typed if i < n]
    if _all_tensors(inputs):
        out = list(inputs)  # the usual case: nothing to convert
    else:
        hint = next((inputs[i].dtype for i in typed if isinstance(inputs[i], Tensor)), None)
        out = [_convert_input(opdef, i, x, hint) for i, x in enumerate(inputs)]
    first = None  # index of the first typed input: the others must share its dtype
    for i in typed:
        dtype = out[i].dtype
        if first is None:
            first = i
        elif dtype != out[first].dtype:
            raise TypeError(
                f"Input '{_input_name(opdef, i)}' of '{opdef.type}' Op has type {dtype.name} that "
                f"does not match type {out[first].dtype.name} of argument '{_input_name(opdef, first)}'."
            )
        if dtype.kind not in opdef.kinds:
            raise TypeError(
                f"Value for input '{_input_name(opdef, i)}' of '{opdef.type}' Op has dtype "
                f"{dtype.name}, not in the allowed kinds ({_kind_names(opdef.kinds)})."
            )
    return out


def _all_tensors(values):
    for value in values:  # (a loop: twice as fast as all() over a generator, for two inputs)
        if not isinstance(value, Tensor):
            return False
    return True


def _convert_input(opdef, i, value, hint):
    if not isinstance(value, Tensor) and hasattr(value, "_as_graph_tensor"):
        value = value._as_graph_tensor()
    if isinstance(value, Tensor):
        return value
    label = f"Input '{_input_name(opdef, i)}' of '{opdef.type}' Op"
    typed = opdef.typed is None or i in opdef.typed
    # A copy: the Const must not change when the caller later edits their array.
    return dtypes.to_array(value, hint if typed else None, label, copy=True)


def _input_name(opdef, i):
    return f"{opdef.inputs[0]}[{i}]" if opdef.variadic else opdef.inputs[i]


def _kind_names(kinds):
    return ", ".join(
        {"f": "float", "i": "int", "u": "uint", "b": "bool", "O": "string"}[k] for k in kinds
    )


def _infer(opdef, values, attrs, name):
    # A Tensor's shape is shared, not copied: TensorShapes are never changed in place.
    shapes = [v._shape if isinstance(v, Tensor) else TensorShape(v.shape) for v in values]
    kinds = [v.dtype for v in values]
    try:
        out_shapes = opdef.shape(*shapes, **attrs)
        out_dtypes = opdef.dtype(*kinds, **attrs)
    except ValueError as err:
        where = ", ".join(str(s) for s in shapes)
        raise ValueError(
            f"{err} for '{name or opdef.type}' (op: '{opdef.type}') with input shapes: {where}."
        ) from None
    if opdef.num_outputs == 1:
        return [(out_shapes, out_dtypes)]
    if opdef.num_outputs is None:  # as many outputs as the shape rule gives (PyFunc)
        return list(zip(out_shapes, out_dtypes, strict=True))
    return list(zip(out_shapes, out_dtypes, strict=True))


def _constant(graph, array):
    """A Const op for an input given as a value (already converted to its array)."""
    return apply_op("Const", [], {"value": array}, name="Const", graph=graph)


# -- shape and dtype rules shared by many ops -------------------------------------------------
def same_shape(x, *rest, **attrs):
    return x


def same_dtype(x, *rest, **attrs):
    return x


def broadcast(x, y, **attrs):
    return broadcast_shapes(x, y)


def like_second(x, like, **attrs):
    return like


def boolean(*dtypes_, **attrs):
    return dtypes.bool_


# -- helpers for gradient definitions ---------------------------------------------------------
def unbroadcast(grad, like):
    """`grad` summed back to the shape of `like`: undoes numpy broadcasting (HIPS autograd's
    one helper). No op is added when the static shapes already agree."""
    if grad is None:
        return None
    if grad.shape.is_fully_defined() and grad.shape == like.shape:
        return grad
    return apply_op("SumToShape", [grad, like], name="unbroadcast")


def is_float(tensor):
    return tensor.dtype.kind == "f"
