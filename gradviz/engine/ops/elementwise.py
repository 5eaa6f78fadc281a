"""More elementwise math and activations, gradients as TensorFlow's math_grad.py / nn_grad.py
write them: tan' = sec², asin' = 1/√(1−x²), elu' from the output (y + 1 below 0), floor, ceil
and round pass no gradient (None), floormod's y-gradient is −floor(x / y)."""

import numpy as np

from .array import Cast, Greater, Where, ZerosLike
from .compare import Less, LogicalAnd
from .math import Abs, Cos, Exp, Sigmoid, Sqrt, Square
from .registry import broadcast, register_op, unbroadcast


def _as(mask, like):
    return Cast(mask, dtype=like.dtype)


@register_op("Reciprocal", label="1/x", partials=("−1/x²",), kinds="f")
class Reciprocal:
    inputs = ("x",)
    forward = np.reciprocal

    def gradient(op, grad):
        y = op.outputs[0]
        return [-grad * (y * y)]


@register_op("Rsqrt", label="1/√x", partials=("−½x^−³ᐟ²",), kinds="f")
class Rsqrt:
    def forward(x):
        return 1 / np.sqrt(x)

    def gradient(op, grad):
        y = op.outputs[0]
        return [grad * (-0.5 * (y * y * y))]


@register_op("Tan", label="tan", partials=("sec²(x)",), kinds="f")
class Tan:
    inputs = ("x",)
    forward = np.tan

    def gradient(op, grad):
        return [grad * Square(Reciprocal(Cos(op.inputs[0])))]


@register_op("Atan", label="atan", partials=("1/(1+x²)",), kinds="f")
class Atan:
    inputs = ("x",)
    forward = np.arctan

    def gradient(op, grad):
        return [grad * Reciprocal(1.0 + Square(op.inputs[0]))]


@register_op("Asin", label="asin", partials=("1/√(1−x²)",), kinds="f")
class Asin:
    inputs = ("x",)
    forward = np.arcsin

    def gradient(op, grad):
        return [grad * Reciprocal(Sqrt(1.0 - Square(op.inputs[0])))]


@register_op("Acos", label="acos", partials=("−1/√(1−x²)",), kinds="f")
class Acos:
    inputs = ("x",)
    forward = np.arccos

    def gradient(op, grad):
        return [-grad * Reciprocal(Sqrt(1.0 - Square(op.inputs[0])))]


@register_op("Sinh", label="sinh", partials=("cosh(x)",), kinds="f")
class Sinh:
    inputs = ("x",)
    forward = np.sinh

    def gradient(op, grad):
        return [grad * Cosh(op.inputs[0])]


@register_op("Cosh", label="cosh", partials=("sinh(x)",), kinds="f")
class Cosh:
    inputs = ("x",)
    forward = np.cosh

    def gradient(op, grad):
        return [grad * Sinh(op.inputs[0])]


@register_op("Log1p", label="ln(1+x)", partials=("1/(1+x)",), kinds="f")
class Log1p:
    inputs = ("x",)
    forward = np.log1p

    def gradient(op, grad):
        return [grad * Reciprocal(1.0 + op.inputs[0])]


@register_op("Expm1", label="eˣ−1", partials=("exp(x)",), kinds="f")
class Expm1:
    inputs = ("x",)
    forward = np.expm1

    def gradient(op, grad):
        return [grad * Exp(op.inputs[0])]


def _no_grad(op, grad):
    return [None] * len(op.inputs)  # TensorFlow registers these gradients as None


@register_op("Floor", label="⌊x⌋", partials=("none",), kinds="f")
class Floor:
    inputs = ("x",)
    forward = np.floor
    gradient = _no_grad


@register_op("Ceil", label="⌈x⌉", partials=("none",), kinds="f")
class Ceil:
    inputs = ("x",)
    forward = np.ceil
    gradient = _no_grad


@register_op("Round", label="round", partials=("none",), kinds="fi")
class Round:
    """Half to even, as TensorFlow's round (and numpy's)."""

    inputs = ("x",)
    forward = np.round
    gradient = _no_grad


@register_op("FloorDiv", label="//", partials=("none", "none"), kinds="fiu")
class FloorDiv:
    shape = broadcast
    inputs = ("x", "y")
    forward = np.floor_divide
    gradient = _no_grad


@register_op("FloorMod", label="mod", partials=("1", "−⌊x/y⌋"), kinds="fiu")
class FloorMod:
    shape = broadcast
    inputs = ("x", "y")
    forward = np.mod

    def gradient(op, grad):
        x, y = op.inputs
        return [unbroadcast(grad, x), unbroadcast(grad * -FloorDiv(x, y), y)]


@register_op("SquaredDifference", label="(x−y)²", partials=("2(x−y)", "−2(x−y)"), kinds="fi")
class SquaredDifference:
    shape = broadcast

    def forward(x, y):
        return np.square(x - y)

    def gradient(op, grad):
        x, y = op.inputs
        x_grad = grad * (2.0 * (x - y))
        return [unbroadcast(x_grad, x), unbroadcast(-x_grad, y)]


# -- activations ------------------------------------------------------------------------------
@register_op("Softplus", label="softplus", partials=("σ(x)",), kinds="f")
class Softplus:
    def forward(x):
        return np.logaddexp(0, x).astype(x.dtype, copy=False)

    def gradient(op, grad):
        return [grad * Sigmoid(op.inputs[0])]


@register_op("Softsign", label="softsign", partials=("1/(1+|x|)²",), kinds="f")
class Softsign:
    def forward(x):
        return x / (1 + np.abs(x))

    def gradient(op, grad):
        return [grad / Square(1.0 + Abs(op.inputs[0]))]


@register_op("Elu", label="elu", partials=("1 or y+1",), kinds="f")
class Elu:
    def forward(x):
        return np.where(x > 0, x, np.expm1(np.minimum(x, 0))).astype(x.dtype, copy=False)

    def gradient(op, grad):
        y = op.outputs[0]
        return [Where(Greater(y, ZerosLike(y)), grad, grad * (y + 1.0))]


SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


@register_op("Selu", label="selu", partials=("λ or y+λα",), kinds="f")
class Selu:
    def forward(x):
        negative = SELU_ALPHA * np.expm1(np.minimum(x, 0))
        return (SELU_SCALE * np.where(x > 0, x, negative)).astype(x.dtype, copy=False)

    def gradient(op, grad):
        y = op.outputs[0]
        below = grad * (y + SELU_SCALE * SELU_ALPHA)
        return [Where(Greater(y, ZerosLike(y)), grad * SELU_SCALE, below)]


@register_op("Relu6", label="relu6", partials=("[0 < y < 6]",), kinds="fi")
class Relu6:
    def forward(x):
        return np.clip(x, 0, 6)

    def gradient(op, grad):
        y = op.outputs[0]
        inside = LogicalAnd(Greater(y, ZerosLike(y)), Less(y, 6.0 + ZerosLike(y)))
        return [grad * _as(inside, grad)]


@register_op("LeakyRelu", label="leaky relu", partials=("1 or α",), kinds="f")
class LeakyRelu:
    def forward(x, *, alpha=0.2):
        return np.where(x > 0, x, alpha * x).astype(x.dtype, copy=False)

    def gradient(op, grad):
        x = op.inputs[0]
        return [Where(Greater(x, ZerosLike(x)), grad, grad * op.attrs["alpha"])]


# TensorFlow's public names (gv.tan, gv.math.log1p, ...).
reciprocal, rsqrt, tan, atan, asin, acos = Reciprocal, Rsqrt, Tan, Atan, Asin, Acos
sinh, cosh, log1p, expm1, floor, ceil = Sinh, Cosh, Log1p, Expm1, Floor, Ceil
round, floordiv, mod, squared_difference = Round, FloorDiv, FloorMod, SquaredDifference  # noqa: A001
