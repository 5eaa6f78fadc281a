"""The public API is typed (the package ships py.typed): the functions and constructors of the
API contract (the engine's TensorFlow names, the ops, the debugger, gradient health, packaging),
and the methods users call most, annotate every parameter and their return, and the annotations
resolve to real types. (The TF1-breadth names added later are not covered here yet.)"""

import enum
import inspect
import typing
from pathlib import Path

import pytest

import gradviz as gv
from gradviz.engine.ops.registry import OpDef

METHODS = {
    "Session": ["run", "close"],
    "GradientMonitor": ["run", "record", "history", "first_step", "to_dict", "to_pandas", "to_csv"],
    "GradientSummary": ["flagged", "to_dict", "to_pandas", "plot_gradient_flow"],
    "Drawing": ["svg", "save"],
}
MONITOR_PLOTS = ["plot_norms", "plot_distributions", "plot_gradient_flow"]
BUILT_BY_OPS = {"Operation", "Tensor"}  # public types whose constructors only the engine calls
CONTRACT = set(
    """Graph get_default_graph reset_default_graph name_scope placeholder constant Variable
    convert_to_tensor global_variables_initializer variables_initializer global_variables
    trainable_variables group Session InteractiveSession get_default_session gradients
    stop_gradient hessians RegisterGradient NotDifferentiable custom_gradient as_dtype TensorShape
    add subtract multiply divide truediv negative pow square sqrt exp log abs sin cos tanh sigmoid
    relu maximum minimum matmul reduce_sum reduce_mean reduce_max reshape transpose identity add_n
    where softmax cast trace_backward draw draw_backward draw_trace compare_backward Drawing
    Debugger gradient_summary GradientMonitor find_nonfinite check_gradients GraphvizMissing""".split()
)


def public_callables():
    for name in sorted(CONTRACT):
        value = getattr(gv, name)
        if inspect.isfunction(value) or isinstance(value, OpDef):
            yield name, value
        elif (
            inspect.isclass(value)
            and name not in BUILT_BY_OPS
            and not issubclass(value, Exception | enum.Enum)
        ):
            for method in ("__new__", "__init__"):
                if method in value.__dict__:  # defined there, not inherited from object
                    yield f"{name}.{method}", getattr(value, method)
                    break


def unannotated(function):
    """Parameters (and the return) without an annotation; raises if one does not resolve."""
    if isinstance(function, OpDef):
        signature = inspect.signature(function)
        hints = {p.name: p.annotation for p in signature.parameters.values()}
        hints["return"] = signature.return_annotation
        hints = {k: v for k, v in hints.items() if v is not inspect.Parameter.empty}
    else:
        hints = typing.get_type_hints(function, localns=_only_for_checkers())
        signature = inspect.signature(function)
    names = [n for n in signature.parameters if n not in ("self", "cls")]
    return [n for n in [*names, "return"] if n not in hints]


def _only_for_checkers():
    """What annotations name under `if TYPE_CHECKING:` (optional or slow imports)."""
    import pandas
    from matplotlib.figure import Figure

    from gradviz.engine.session import Session

    return {"pandas": pandas, "Figure": Figure, "Session": Session}


CALLABLES = dict(public_callables())


def test_there_are_many_public_callables():
    assert len(CALLABLES) >= 55
    assert {"gradients", "placeholder", "draw_backward", "Variable.__new__", "add"} <= set(CALLABLES)


@pytest.mark.parametrize("name", sorted(CALLABLES))
def test_public_callable_is_fully_annotated(name):
    assert unannotated(CALLABLES[name]) == []


@pytest.mark.parametrize(
    ("cls", "method"),
    [(c, m) for c, ms in METHODS.items() for m in ms] + [("GradientMonitor", m) for m in MONITOR_PLOTS],
)
def test_everyday_methods_are_annotated(cls, method):
    owner = getattr(gv, cls, None) or getattr(gv.debug.summary, cls)
    assert unannotated(getattr(owner, method)) == []


def test_ops_show_their_inputs_as_tensor_like_and_return_a_tensor():
    signature = inspect.signature(gv.add)
    assert list(signature.parameters) == ["x", "y", "name"]
    assert signature.parameters["x"].annotation == gv.engine.hints.TensorLike
    assert signature.return_annotation is gv.Tensor


def test_the_package_is_marked_typed():
    assert (Path(gv.__file__).parent / "py.typed").exists()
