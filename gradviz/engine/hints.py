"""The type names the public API's annotations use (``py.typed``: checkers read them).

TensorLike   what an op accepts: a Tensor, a numpy array, a Python number or nested list
DTypeLike    a dtype as the engine takes it: "float32", "float", np.float32, gv.float32
ShapeLike    a static shape: [2, None], (3,), a TensorShape, or None (unknown rank)
FeedDict     {placeholder or its name: value} for Session.run and every debug function
Tensors      one Tensor or a list of them (ys, xs)
"""

from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

import numpy as np

from .graph import Operation, Tensor
from .shape import TensorShape

TensorLike: TypeAlias = Tensor | np.ndarray | float | int | bool | Sequence[Any]
DTypeLike: TypeAlias = str | type | np.dtype | None
ShapeLike: TypeAlias = TensorShape | Sequence[int | None] | int | None
FeedDict: TypeAlias = Mapping[Tensor | str, Any] | None
Tensors: TypeAlias = Tensor | Sequence[Tensor]
Fetches: TypeAlias = Any  # a Tensor, Operation, name, or nested lists, tuples and dicts of them

__all__ = ["TensorLike", "DTypeLike", "ShapeLike", "FeedDict", "Tensors", "Fetches", "Operation"]
