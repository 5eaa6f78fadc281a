"""Elementwise math, activations and matrix multiplication, each with its gradient beside it.

Gradients follow TensorFlow's `math_grad.py` and `nn_grad.py` formula for formula, so edge cases
match: d|x|/dx = sign(x) (0 at 0), relu' uses `y > 0` (0 at 0), sqrt' = 0.5 / y (inf at 0),
sigmoid' = y (1 - y) and tanh' = 1 - y² computed from the float32 output (0 once saturated).
"""

from __future__ import annotations

import operator

import numpy as np

from ..graph import Tensor
from ..hints import TensorLike
from ..shape import TensorShape
from .array import Cast, Greater, OnesLike, Where, ZerosLike
from .registry import boolean, broadcast, register_op, unbroadcast


# -- binary arithmetic ------------------------------------------------------------------------
@register_op(
    "Add",
    label="+",
    partials=("1", "1"),
    rule="sum rule",
    hint="{label} passes the upstream grad back unchanged to each input: {upstream} × 1",
)
class Add:
    shape = broadcast

    inputs = ("x", "y")
    forward = operator.add  # numpy's x + y

    def gradient(op, grad):
        x, y = op.inputs
        return [unbroadcast(grad, x), unbroadcast(grad, y)]


@register_op(
    "Sub",
    label="−",
    partials=("1", "−1"),
    rule="sum rule",
    hint="{label} passes the upstream grad back to its first input as it is and to its second "
    "negated: {upstream} × {partial}",
)
class Sub:
    shape = broadcast

    inputs = ("x", "y")
    forward = operator.sub  # numpy's x - y

    def gradient(op, grad):
        x, y = op.inputs
        return [unbroadcast(grad, x), unbroadcast(-grad, y)]


@register_op(
    "Mul",
    label="×",
    partials=("y", "x"),
    rule="product rule",
    hint="{label} sends back the upstream grad times the *other* input: {upstream} × {other}",
)
class Mul:
    shape = broadcast

    inputs = ("x", "y")
    forward = operator.mul  # numpy's x * y

    def gradient(op, grad):
        x, y = op.inputs
        return [unbroadcast(grad * y, x), unbroadcast(grad * x, y)]


@register_op(
    "RealDiv",
    label="÷",
    partials=("1/y", "−x/y²"),
    kinds="f",
    rule="quotient rule",
    hint="{label} sends back the upstream grad times 1/y to x and times −x/y² to y: "
    "here {upstream} × {partial}",
)
class RealDiv:
    shape = broadcast

    inputs = ("x", "y")
    forward = operator.truediv  # numpy's x / y

    def gradient(op, grad):
        x, y = op.inputs
        return [unbroadcast(grad / y, x), unbroadcast(grad * ((-x / y) / y), y)]


@register_op(
    "Pow",
    label="^",
    partials=("y·x^(y−1)", "x^y·ln x"),
    kinds="fi",
    rule="power rule",
    hint="the power rule: ∂(x^y)/∂x = y·x^(y−1) and ∂(x^y)/∂y = x^y·ln x; here {upstream} × {partial}",
)
class Pow:
    shape = broadcast

    inputs = ("x", "y")
    forward = np.power

    def gradient(op, grad):
        x, y = op.inputs
        z = op.outputs[0]
        gx = grad * y * Pow(x, y - 1)
        # ln x only where x > 0, as TensorFlow does, so x = 0 gives 0 instead of NaN.
        positive = Greater(x, ZerosLike(x))
        log_x = Where(positive, Log(Where(positive, x, OnesLike(x))), ZerosLike(x))
        return [unbroadcast(gx, x), unbroadcast(grad * z * log_x, y)]


@register_op("Maximum", label="max", partials=("[x ≥ y]", "[x < y]"), kinds="fi")
class Maximum:
    shape = broadcast

    inputs = ("x", "y")
    forward = np.maximum

    def gradient(op, grad):
        x, y = op.inputs
        return _select_grads(GreaterEqual(x, y), grad, x, y)  # a tie goes to x


@register_op("Minimum", label="min", partials=("[x ≤ y]", "[x > y]"), kinds="fi")
class Minimum:
    shape = broadcast

    inputs = ("x", "y")
    forward = np.minimum

    def gradient(op, grad):
        x, y = op.inputs
        return _select_grads(LessEqual(x, y), grad, x, y)


def _select_grads(x_wins, grad, x, y):
    zeros = ZerosLike(grad)
    return [unbroadcast(Where(x_wins, grad, zeros), x), unbroadcast(Where(x_wins, zeros, grad), y)]


@register_op("GreaterEqual", label="≥", no_gradient="comparison")
class GreaterEqual:
    shape, dtype = broadcast, boolean

    inputs = ("x", "y")
    forward = operator.ge  # numpy's x >= y


@register_op("LessEqual", label="≤", no_gradient="comparison")
class LessEqual:
    shape, dtype = broadcast, boolean

    inputs = ("x", "y")
    forward = operator.le  # numpy's x <= y


# -- unary ------------------------------------------------------------------------------------
@register_op("Neg", label="−x", partials=("−1",))
class Neg:
    inputs = ("x",)
    forward = operator.neg  # numpy's -x

    def gradient(op, grad):
        return [-grad]


@register_op(
    "Square",
    label="x²",
    partials=("2x",),
    rule="power rule",
    hint="the power rule: {label} sends back the upstream grad times 2 × its input: "
    "{upstream} × 2·{input}",
)
class Square:
    inputs = ("x",)
    forward = np.square

    def gradient(op, grad):
        return [grad * (2.0 * op.inputs[0])]


@register_op("Sqrt", label="√", partials=("0.5/√x",), kinds="f")
class Sqrt:
    inputs = ("x",)
    forward = np.sqrt

    def gradient(op, grad):
        return [grad * 0.5 / op.outputs[0]]


@register_op("Exp", label="exp", partials=("exp(x)",), kinds="f")
class Exp:
    inputs = ("x",)
    forward = np.exp

    def gradient(op, grad):
        return [grad * op.outputs[0]]


@register_op("Log", label="ln", partials=("1/x",), kinds="f")
class Log:
    inputs = ("x",)
    forward = np.log

    def gradient(op, grad):
        return [grad * (1.0 / op.inputs[0])]  # TensorFlow: grad * reciprocal(x)


@register_op("Abs", label="|x|", partials=("sign(x)",), kinds="fi")
class Abs:
    inputs = ("x",)
    forward = np.absolute

    def gradient(op, grad):
        return [grad * Sign(op.inputs[0])]


@register_op("Sign", label="sign", partials=("0",), kinds="fi")
class Sign:
    inputs = ("x",)
    forward = np.sign

    def gradient(op, grad):
        return [ZerosLike(op.inputs[0])]


@register_op("Sin", label="sin", partials=("cos(x)",), kinds="f")
class Sin:
    inputs = ("x",)
    forward = np.sin

    def gradient(op, grad):
        return [grad * Cos(op.inputs[0])]


@register_op("Cos", label="cos", partials=("−sin(x)",), kinds="f")
class Cos:
    inputs = ("x",)
    forward = np.cos

    def gradient(op, grad):
        return [-grad * Sin(op.inputs[0])]


@register_op("Tanh", label="tanh", partials=("1 − tanh²(x)",), kinds="f")
class Tanh:
    inputs = ("x",)
    forward = np.tanh

    def gradient(op, grad):
        y = op.outputs[0]
        return [grad * (1.0 - y * y)]


@register_op("Sigmoid", label="σ", partials=("σ(x)(1 − σ(x))",), kinds="f")
class Sigmoid:
    def forward(x):
        # Split by sign so neither branch overflows in exp (TensorFlow's kernel is stable too).
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)

    def gradient(op, grad):
        y = op.outputs[0]
        return [grad * (y * (1.0 - y))]


@register_op("Relu", label="relu", partials=("[x > 0]",), kinds="fi")
class Relu:
    def forward(x):
        return np.maximum(x, 0)

    def gradient(op, grad):
        y = op.outputs[0]
        return [grad * Cast(Greater(y, ZerosLike(y)), dtype=grad.dtype)]


# -- matrix multiplication --------------------------------------------------------------------
@register_op(
    "MatMul",
    label="@",
    partials=("g·yᵀ", "xᵀ·g"),
    kinds="fi",
    rule="matrix product rule",
    hint="{label} sends back the upstream grad g times the *other* matrix, transposed: {partial}",
)
class MatMul:
    def forward(a, b, *, transpose_a=False, transpose_b=False):
        if a.ndim != 2 or b.ndim != 2:  # unknown static ranks are checked here, as TensorFlow does
            raise ValueError(f"MatMul needs matrices, got shapes {a.shape} and {b.shape}")
        return np.matmul(a.T if transpose_a else a, b.T if transpose_b else b)

    def shape(a, b, *, transpose_a=False, transpose_b=False):
        for name, s in (("a", a), ("b", b)):
            if s.rank is not None and s.rank != 2:
                raise ValueError(f"Shape must be rank 2 but is rank {s.rank} for input '{name}'")
        rows, inner_a = _matrix_dims(a, transpose_a)
        inner_b, cols = _matrix_dims(b, transpose_b)
        if None not in (inner_a, inner_b) and inner_a != inner_b:
            raise ValueError(f"Dimensions must be equal, but are {inner_a} and {inner_b}")
        return TensorShape([rows, cols])

    def gradient(op, grad):
        a, b = op.inputs
        ta, tb = op.attrs["transpose_a"], op.attrs["transpose_b"]
        # TensorFlow's _MatMulGrad, one case per transpose combination.
        if not ta and not tb:
            return [MatMul(grad, b, transpose_b=True), MatMul(a, grad, transpose_a=True)]
        if not ta and tb:
            return [MatMul(grad, b), MatMul(grad, a, transpose_a=True)]
        if ta and not tb:
            return [MatMul(b, grad, transpose_b=True), MatMul(a, grad)]
        return [
            MatMul(b, grad, transpose_a=True, transpose_b=True),
            MatMul(grad, a, transpose_a=True, transpose_b=True),
        ]


def _matrix_dims(shape, transposed):
    dims = shape.dims if shape.dims is not None else (None, None)
    return dims[::-1] if transposed else dims


def truediv(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """x / y. Integers are divided as float64, as TensorFlow's truediv does: 3 / 2 = 1.5."""
    first = next((t for t in (x, y) if isinstance(t, Tensor)), None)
    kind = first.dtype.kind if first is not None else np.asarray(x).dtype.kind
    if kind in "iu":
        x, y = Cast(x, dtype=np.dtype("float64")), Cast(y, dtype=np.dtype("float64"))
    return RealDiv(x, y, name=name or "truediv")
