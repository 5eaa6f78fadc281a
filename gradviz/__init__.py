"""gradviz: see gradients. A TensorFlow-1.x style numpy engine with a visual debugger.

    import gradviz as gv
    x = gv.placeholder("float32", [], name="x")
    y = x * x
    (dy_dx,) = gv.gradients(y, [x])
    gv.Session().run(dy_dx, {x: 3.0})   # 6.0

Public names follow API.md; everything is defined in the subpackages and only re-exported here.
"""

import builtins as _builtins
import sys as _sys
from types import SimpleNamespace as _Namespace

from . import (
    examples,
    torch,  # the PyTorch producer; imports torch itself only when used
)
from ._version import __version__
from .debug.gradcheck import check_gradients
from .debug.monitor import GradientMonitor
from .debug.nonfinite import find_nonfinite
from .debug.summary import gradient_summary
from .debug.trace import BackpropTrace, trace_backward
from .engine import init_ops as _init
from .engine import layers, losses, train
from .engine import summary as _summary
from .engine.dtypes import (
    as_dtype,
    bool_,
    float16,
    float32,
    float64,
    int8,
    int16,
    int32,
    int64,
    string,
    uint8,
)
from .engine.errors import FailedPreconditionError, InvalidArgumentError, OpError
from .engine.gradient_checker import compute_gradient, compute_gradient_error
from .engine.gradients import AggregationMethod, UnconnectedGradients, gradients, hessians
from .engine.graph import (
    Graph,
    Operation,
    Tensor,
    get_default_graph,
    name_scope,
    reset_default_graph,
)
from .engine.init_ops import (
    constant_initializer,
    glorot_normal_initializer,
    glorot_uniform_initializer,
    ones_initializer,
    random_normal_initializer,
    random_uniform_initializer,
    truncated_normal_initializer,
    variance_scaling_initializer,
    zeros_initializer,
)
from .engine.ops import (
    abs,
    add,
    add_n,
    cast,
    cos,
    divide,
    exp,
    identity,
    log,
    matmul,
    maximum,
    minimum,
    multiply,
    negative,
    nn,
    pow,
    reduce_max,
    reduce_mean,
    reduce_sum,
    relu,
    reshape,
    sigmoid,
    sin,
    softmax,
    sqrt,
    square,
    stop_gradient,
    subtract,
    tanh,
    transpose,
    truediv,
    where,
)
from .engine.ops.compare import (
    argmax,
    argmin,
    equal,
    greater,
    greater_equal,
    less,
    less_equal,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    not_equal,
)
from .engine.ops.control import (
    Print,
    check_numerics,
    cond,
    control_dependencies,
    no_op,
    py_func,
    tuple,
)
from .engine.ops.control import print_ as print  # noqa: A004  (tf.print)
from .engine.ops.creation import eye, fill, linspace, ones, ones_like, range, zeros, zeros_like
from .engine.ops.custom import custom_gradient
from .engine.ops.elementwise import (
    acos,
    asin,
    atan,
    ceil,
    cosh,
    expm1,
    floor,
    floordiv,
    log1p,
    mod,
    reciprocal,
    round,
    rsqrt,
    sinh,
    squared_difference,
    tan,
)
from .engine.ops.indexing import boolean_mask, gather, one_hot, slice, strided_slice  # noqa: A004
from .engine.ops.linalg import einsum, tensordot
from .engine.ops.math import Sign as sign
from .engine.ops.mathfns import (
    clip_by_global_norm,
    clip_by_norm,
    clip_by_value,
    count_nonzero,
    cumprod,
    cumsum,
    global_norm,
    is_finite,
    is_inf,
    is_nan,
    norm,
    reduce_logsumexp,
    to_double,
    to_float,
    to_int32,
    to_int64,
)
from .engine.ops.random import (
    random_normal,
    random_shuffle,
    random_uniform,
    set_random_seed,
    truncated_normal,
)
from .engine.ops.reduce import reduce_all, reduce_any, reduce_min, reduce_prod
from .engine.ops.registry import NotDifferentiable, RegisterGradient
from .engine.ops.shaping import (
    concat,
    expand_dims,
    pad,
    rank,
    reverse,
    shape,
    size,
    split,
    squeeze,
    stack,
    tile,
    unstack,
)
from .engine.ops.state import (
    Variable,
    add_to_collection,
    assign,
    assign_add,
    assign_sub,
    constant,
    convert_to_tensor,
    get_collection,
    global_variables,
    global_variables_initializer,
    group,
    local_variables,
    local_variables_initializer,
    placeholder,
    trainable_variables,
    variables_initializer,
)
from .engine.session import InteractiveSession, Session, get_default_session
from .engine.shape import TensorShape
from .engine.variable_scope import (
    AUTO_REUSE,
    VariableScope,
    get_variable,
    get_variable_scope,
    variable_scope,
)
from .viz.dot import Drawing, GraphvizMissing, compare_backward, draw, draw_backward, draw_trace

float = float32  # noqa: A001  (TensorFlow accepts "float" for float32)
double = float64
newaxis = None
reverse_v2 = reverse
floor_div = floordiv
floormod = mod
arg_max, arg_min = argmax, argmin  # TensorFlow 1.x's old names
in_top_k, l2_normalize, softplus = nn.in_top_k, nn.l2_normalize, nn.softplus
errors = _Namespace(
    OpError=OpError,
    InvalidArgumentError=InvalidArgumentError,
    FailedPreconditionError=FailedPreconditionError,
)
math = _Namespace(
    **{
        name: globals()[name]
        for name in (
            "abs add add_n cos divide exp log maximum minimum multiply negative pow reduce_max "
            "reduce_mean reduce_sum sigmoid sin sqrt square subtract tanh truediv reduce_min "
            "reduce_prod reduce_any reduce_all reduce_logsumexp argmax argmin equal not_equal "
            "greater greater_equal less less_equal logical_and logical_or logical_not logical_xor "
            "sign reciprocal rsqrt tan atan asin acos sinh cosh log1p expm1 floor ceil round mod "
            "floordiv squared_difference cumsum cumprod count_nonzero is_finite is_nan is_inf "
            "in_top_k l2_normalize softplus"
        ).split()
    }
)
initializers = _Namespace(
    constant=constant_initializer,
    zeros=zeros_initializer,
    ones=ones_initializer,
    random_normal=random_normal_initializer,
    truncated_normal=truncated_normal_initializer,
    random_uniform=random_uniform_initializer,
    glorot_uniform=glorot_uniform_initializer,
    glorot_normal=glorot_normal_initializer,
    variance_scaling=variance_scaling_initializer,
    he_normal=_init.he_normal,
    he_uniform=_init.he_uniform,
    global_variables=global_variables_initializer,
    local_variables=local_variables_initializer,
)
random = _Namespace(
    normal=random_normal,
    uniform=random_uniform,
    truncated_normal=truncated_normal,
    shuffle=random_shuffle,
    set_random_seed=set_random_seed,
)
GraphKeys = _Namespace(
    GLOBAL_VARIABLES="variables",
    LOCAL_VARIABLES="local_variables",
    TRAINABLE_VARIABLES="trainable_variables",
    GLOBAL_STEP="global_step",
    SUMMARIES="summaries",
    LOSSES="losses",
    REGULARIZATION_LOSSES="regularization_losses",
    UPDATE_OPS="update_ops",
)
test = _Namespace(compute_gradient=compute_gradient, compute_gradient_error=compute_gradient_error)
linalg = _Namespace(einsum=einsum, tensordot=tensordot, matmul=matmul, norm=norm)


def disable_eager_execution():
    """Nothing to do: gradviz is graph mode only (for code written for `tf.compat.v1`)."""


def disable_v2_behavior():
    """Nothing to do: gradviz behaves as TensorFlow 1.x."""


compat = _Namespace(v1=__import__("sys").modules[__name__])
summary = _Namespace(
    scalar=_summary.scalar,
    histogram=_summary.histogram,
    merge=_summary.merge,
    merge_all=_summary.merge_all,
    FileWriter=_summary.FileWriter,
)

# `from gradviz import *` brings every public name except those that would shadow a builtin or a
# standard-library module in the caller's namespace (abs, pow, float, math, ...): they stay
# reachable as gv.abs, gv.pow, gv.float, gv.math. Neither are the layers' packages, nor gv.torch
# (it would hide the caller's `import torch`).
_LAZY = ("Debugger",)
_NOT_STARRED = ("engine", "debug", "viz", "torch")
__all__ = sorted(
    name
    for name in [*globals(), *_LAZY]
    if not name.startswith("_")
    and name not in _NOT_STARRED
    and name not in vars(_builtins)
    and name not in _sys.stdlib_module_names
)


def __getattr__(name):
    # lazy: saves import time (ipywidgets and IPython load only when a Debugger is first used)
    if name == "Debugger":
        from .viz.widgets import Debugger

        globals()["Debugger"] = Debugger
        return Debugger
    raise AttributeError(f"module 'gradviz' has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *_LAZY})
