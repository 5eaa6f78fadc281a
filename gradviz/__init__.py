"""gradviz: see gradients. A TensorFlow-1.x style numpy engine with a visual debugger.

    import gradviz as gv
    x = gv.placeholder("float32", [], name="x")
    y = x * x
    (dy_dx,) = gv.gradients(y, [x])
    gv.Session().run(dy_dx, {x: 3.0})   # 6.0

Public names follow API.md; everything is defined in the subpackages and only re-exported here.
"""

from types import SimpleNamespace as _Namespace

from . import examples
from .debug.gradcheck import check_gradients
from .debug.monitor import GradientMonitor
from .debug.nonfinite import find_nonfinite
from .debug.summary import gradient_summary
from .debug.trace import BackpropTrace, trace_backward
from .engine import train
from .engine.dtypes import as_dtype, bool_, float16, float32, float64, int32, int64
from .engine.errors import FailedPreconditionError, InvalidArgumentError, OpError
from .engine.gradients import AggregationMethod, UnconnectedGradients, gradients, hessians
from .engine.graph import (
    Graph,
    Operation,
    Tensor,
    get_default_graph,
    name_scope,
    reset_default_graph,
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
from .engine.ops.custom import custom_gradient
from .engine.ops.registry import NotDifferentiable, RegisterGradient
from .engine.ops.state import (
    Variable,
    constant,
    convert_to_tensor,
    global_variables,
    global_variables_initializer,
    group,
    placeholder,
    trainable_variables,
    variables_initializer,
)
from .engine.session import InteractiveSession, Session, get_default_session
from .engine.shape import TensorShape
from .viz.dot import Drawing, compare_backward, draw, draw_backward, draw_trace
from .viz.widgets import Debugger

float = float32  # noqa: A001  (TensorFlow accepts "float" for float32)
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
            "reduce_mean reduce_sum sigmoid sin sqrt square subtract tanh truediv"
        ).split()
    }
)
