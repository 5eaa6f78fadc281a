"""Batched matmul, einsum and tensordot.

`Einsum`'s gradient for each operand is another einsum: the upstream grad contracted with the
other operands back to that operand's letters (broadcast over letters that only it had), so
every einsum, and tensordot built on it, is differentiable to any order.
"""

import re

import numpy as np

from ..graph import Tensor, graph_of
from ..shape import TensorShape, broadcast_shapes
from .array import BroadcastLike, ExpandDims
from .registry import register_op, unbroadcast
from .state import convert_to_tensor


@register_op("BatchMatMulV2", label="@", partials=("g·yᵀ", "xᵀ·g"), kinds="fi")
class BatchMatMul:
    """matmul of the last two dimensions, the leading (batch) ones broadcast."""

    def forward(x, y, *, adj_x=False, adj_y=False):
        return np.matmul(np.swapaxes(x, -1, -2) if adj_x else x, np.swapaxes(y, -1, -2) if adj_y else y)

    def shape(x, y, *, adj_x=False, adj_y=False):
        if x.dims is None or y.dims is None:
            return TensorShape(None)
        for name, s in (("x", x), ("y", y)):
            if len(s.dims) < 2:
                raise ValueError(
                    f"Shape must be at least rank 2 but is rank {len(s.dims)} for input '{name}'"
                )
        rows, inner_x = x.dims[-2:][::-1] if adj_x else x.dims[-2:]
        inner_y, cols = y.dims[-2:][::-1] if adj_y else y.dims[-2:]
        if None not in (inner_x, inner_y) and inner_x != inner_y:
            raise ValueError(f"Dimensions must be equal, but are {inner_x} and {inner_y}")
        batch = broadcast_shapes(TensorShape(x.dims[:-2]), TensorShape(y.dims[:-2]))
        return TensorShape([*batch.dims, rows, cols])

    def gradient(op, grad):
        x, y = op.inputs
        ax, ay = op.attrs["adj_x"], op.attrs["adj_y"]
        # TensorFlow's _BatchMatMulV2 gradient, one case per adjoint combination, then the
        # broadcast batch dimensions summed away.
        if not ax and not ay:
            gx, gy = BatchMatMul(grad, y, adj_y=True), BatchMatMul(x, grad, adj_x=True)
        elif not ax:
            gx, gy = BatchMatMul(grad, y), BatchMatMul(grad, x, adj_x=True)
        elif not ay:
            gx, gy = BatchMatMul(y, grad, adj_y=True), BatchMatMul(x, grad)
        else:
            gx = BatchMatMul(y, grad, adj_x=True, adj_y=True)
            gy = BatchMatMul(grad, x, adj_x=True, adj_y=True)
        return [unbroadcast(gx, x), unbroadcast(gy, y)]


_EQUATION = re.compile(r"^([a-zA-Z]*)(?:,([a-zA-Z]*))*(->[a-zA-Z]*)?$")


def parse_equation(equation, count):
    """(input letter strings, output letters) of an einsum equation without ellipses."""
    eq = equation.replace(" ", "")
    if not _EQUATION.match(eq):
        raise ValueError(f"einsum: cannot parse equation {equation!r} (letters, commas and -> only)")
    lhs, _, out = eq.partition("->")
    specs = lhs.split(",")
    if len(specs) != count:
        raise ValueError(f"einsum: equation {equation!r} names {len(specs)} operands, got {count}")
    for spec in specs:
        if len(set(spec)) != len(spec):
            raise ValueError(f"einsum: repeated letter in operand {spec!r} (diagonals) is not supported")
    if "->" not in eq:  # numpy's implicit output: the letters that appear once, sorted
        letters = "".join(specs)
        out = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    if len(set(out)) != len(out) or not set(out) <= set("".join(specs)):
        raise ValueError(f"einsum: output {out!r} of {equation!r} must name input letters once each")
    return specs, out


def _einsum_shape(*shapes, equation):
    specs, out = parse_equation(equation, len(shapes))
    sizes = {}
    for spec, s in zip(specs, shapes):
        if s.dims is None:
            continue
        if len(s.dims) != len(spec):
            raise ValueError(f"einsum: operand {spec!r} needs rank {len(spec)}, got shape {s}")
        for letter, d in zip(spec, s.dims):
            if d is not None and sizes.get(letter, d) not in (d, 1) and d != 1:
                raise ValueError(f"einsum: letter {letter!r} has sizes {sizes[letter]} and {d}")
            if d is not None and (sizes.get(letter) in (None, 1)):
                sizes[letter] = d
    return TensorShape([sizes.get(c) for c in out])


@register_op("Einsum", label="einsum", partials=("einsum of the others",), kinds="fi")
class Einsum:
    def forward(*inputs, equation):
        return np.asarray(np.einsum(equation, *inputs))

    shape = _einsum_shape

    def gradient(op, grad):
        specs, out = parse_equation(op.attrs["equation"], len(op.inputs))
        return [_einsum_grad(op, grad, specs, out, k) for k in range(len(op.inputs))]


def _einsum_grad(op, grad, specs, out, k):
    others = [s for j, s in enumerate(specs) if j != k]
    known = set(out).union(*others)
    kept = "".join(c for c in specs[k] if c in known)
    equation = ",".join([out, *others]) + "->" + kept
    operands = [grad, *[t for j, t in enumerate(op.inputs) if j != k]]
    part = Einsum(operands, equation=equation)
    missing = tuple(i for i, c in enumerate(specs[k]) if c not in known)
    if missing:  # letters only this operand had: summed in the forward, broadcast back
        part = BroadcastLike(ExpandDims(part, axes=missing), op.inputs[k])
    return unbroadcast(part, op.inputs[k])  # size-1 dims that met a bigger one


def einsum(equation, *inputs, name=None, **unused):
    """``tf.einsum("ij,jk->ik", a, b)``: sums of products named by letters (no ellipsis, no
    repeated letter within one operand)."""
    if not isinstance(equation, str):
        raise TypeError(f"einsum: equation must be a string, got {equation!r}")
    if not inputs:
        raise ValueError("einsum: give at least one operand")
    parse_equation(equation, len(inputs))
    graph = graph_of(inputs)
    first = next((t for t in inputs if isinstance(t, Tensor)), None)
    tensors = [convert_to_tensor(t, None if first is None else first.dtype, graph=graph) for t in inputs]
    return Einsum(tensors, equation=equation.replace(" ", ""), name=name or "einsum")


def tensordot(a, b, axes, name=None):
    """Sum over `axes` of a and b: an int n (a's last n with b's first n) or [a_axes, b_axes]."""
    graph = graph_of([a, b])
    a, b = convert_to_tensor(a, graph=graph), convert_to_tensor(b, a.dtype, graph=graph)
    ra, rb = a.shape.rank, b.shape.rank
    if ra is None or rb is None:
        raise ValueError("tensordot: both operands need a known rank")
    a_axes, b_axes = _tensordot_axes(axes, ra, rb)
    letters = iter("abcdefghijklmnopqrstuvwxyz")
    sa = [next(letters) for _ in range(ra)]
    sb = [next(letters) for _ in range(rb)]
    for i, j in zip(a_axes, b_axes):
        sb[j] = sa[i]
    out = [c for i, c in enumerate(sa) if i not in a_axes] + [
        c for j, c in enumerate(sb) if j not in b_axes
    ]
    equation = f"{''.join(sa)},{''.join(sb)}->{''.join(out)}"
    with graph.as_default(), graph.name_scope(name or "Tensordot"):
        return Einsum([a, b], equation=equation)


def _tensordot_axes(axes, ra, rb):
    if isinstance(axes, int | np.integer):
        n = int(axes)
        if not 0 <= n <= min(ra, rb):
            raise ValueError(f"tensordot: axes={n} is out of range for ranks {ra} and {rb}")
        return list(range(ra - n, ra)), list(range(n))
    try:
        a_axes, b_axes = ([int(x)] if np.ndim(x) == 0 else [int(v) for v in x] for x in axes)
    except (TypeError, ValueError):
        raise ValueError(
            f"tensordot: axes must be an int or a pair of axis lists, got {axes!r}"
        ) from None
    if len(a_axes) != len(b_axes):
        raise ValueError(f"tensordot: axes {axes!r} must pair up the same number of axes")
    return [x % ra for x in a_axes], [x % rb for x in b_axes]
