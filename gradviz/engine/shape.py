"""Static shapes with unknown dimensions, as TensorFlow's TensorShape.

A shape is known up to rank (`dims` is a tuple whose entries may be None) or entirely unknown
(`dims` is None). Shape rules use these to reject, while building, what TensorFlow rejects.
"""

from __future__ import annotations

from collections.abc import Iterable


class TensorShape:
    """``TensorShape([2, None])``: rank 2, first dimension 2, second unknown."""

    __slots__ = ("dims",)

    def __init__(self, dims: TensorShape | Iterable[int | None] | int | None) -> None:
        if isinstance(dims, TensorShape):
            dims = dims.dims
        elif dims is not None:
            dims = tuple([_dim(d) for d in _as_tuple(dims)])
        self.dims = dims

    @property
    def rank(self):
        return None if self.dims is None else len(self.dims)

    ndims = rank

    def as_list(self):
        if self.dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return list(self.dims)

    def is_fully_defined(self):
        return self.dims is not None and None not in self.dims

    def is_compatible_with(self, other):
        other = _as_shape(other)
        if self.dims is None or other.dims is None or self.dims == other.dims:
            return True
        return len(self.dims) == len(other.dims) and all(
            a is None or b is None or a == b for a, b in zip(self.dims, other.dims, strict=True)
        )

    def merge_with(self, other):
        """The most specific shape compatible with both (ValueError if none)."""
        other = _as_shape(other)
        if self.dims == other.dims:
            return self
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {other} are not compatible")
        if self.dims is None:
            return other
        if other.dims is None:
            return self
        return TensorShape([a if a is not None else b for a, b in zip(self.dims, other.dims)])

    def num_elements(self):
        if not self.is_fully_defined():
            return None
        count = 1
        for d in self.dims:
            count *= d
        return count

    def __iter__(self):
        return iter(self.dims or ())

    def __len__(self):
        if self.dims is None:
            raise ValueError("Cannot take the length of a shape with unknown rank.")
        return len(self.dims)

    def __getitem__(self, index):
        return self.dims[index]

    def __eq__(self, other):
        try:
            return self.dims == _as_shape(other).dims
        except (TypeError, ValueError):
            return NotImplemented

    def __hash__(self):
        return hash(self.dims)

    def __repr__(self):
        return "TensorShape(None)" if self.dims is None else f"TensorShape({list(self.dims)})"

    def __str__(self):
        if self.dims is None:
            return "<unknown>"
        return "(" + ", ".join("?" if d is None else str(d) for d in self.dims) + ")"


def _as_shape(shape):
    """`shape` as a TensorShape, itself if it is one (they are never changed in place)."""
    return shape if type(shape) is TensorShape else TensorShape(shape)


def _as_tuple(dims):
    if isinstance(dims, int):
        return (dims,)
    if isinstance(dims, str | bytes):
        raise TypeError(f"A shape must be a list of integers, got str {dims!r}")
    return tuple(dims)


def _dim(d):
    """One dimension: an int ≥ 0, or None (also written -1) when not known. TensorFlow's
    Dimension rules: a float or a string is a TypeError, a negative size a ValueError."""
    if d is None:
        return None
    try:
        d = d.__index__()
    except AttributeError:
        raise TypeError(
            f"Dimension value must be integer or None, got {d!r} of type {type(d).__name__}"
        ) from None
    if d < 0:
        if d == -1:
            return None
        raise ValueError(f"Dimension {d} must be >= 0 (or -1 / None for an unknown size)")
    return d


def broadcast_shapes(a, b):
    """numpy's broadcasting on static shapes; None where a dimension cannot be known yet."""
    if a.dims is None or b.dims is None:
        return TensorShape(None)
    if a.dims == b.dims:
        return a  # the usual case: nothing to broadcast
    rank = max(len(a.dims), len(b.dims))
    left = (1,) * (rank - len(a.dims)) + a.dims
    right = (1,) * (rank - len(b.dims)) + b.dims
    return TensorShape([_broadcast_dim(x, y, a, b) for x, y in zip(left, right)])


def _broadcast_dim(x, y, a, b):
    if x == 1:
        return y
    if y == 1 or x == y:
        return x
    if x is None or y is None:
        return x if y is None else y
    raise ValueError(f"Dimensions must be equal, but are {x} and {y}; input shapes: {a}, {b}")
