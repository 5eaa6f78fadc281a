"""Data types and value conversion, following TensorFlow's rules.

Python floats become float32 and Python ints int32 (TensorFlow's defaults); numpy arrays keep their
dtype. A dtype is a plain `numpy.dtype`, so ``gv.float32 == np.float32`` holds.
"""

from __future__ import annotations

import numpy as np

float16 = np.dtype("float16")
float32 = np.dtype("float32")
float64 = np.dtype("float64")
int32 = np.dtype("int32")
int64 = np.dtype("int64")
int8, int16, uint8 = np.dtype("int8"), np.dtype("int16"), np.dtype("uint8")
bool_ = np.dtype("bool")
string = np.dtype(object)  # serialized bytes: what summary ops output, as TensorFlow's tf.string

_ALIASES = {
    "float": float32,
    "double": float64,
    "half": float16,
    "int": int32,
    "bool": bool_,
}


def as_dtype(dtype: str | type | np.dtype) -> np.dtype:
    """Turn "float32", "float", np.float32, gv.float32 ... into a numpy dtype (TypeError if not)."""
    if isinstance(dtype, np.dtype) and dtype.kind in "fiub":
        return dtype  # already one: the usual case, once per tensor built
    if isinstance(dtype, str) and dtype in _ALIASES:
        return _ALIASES[dtype]
    if dtype is None:  # (numpy would read None as float64)
        raise TypeError('dtype is None: pass a dtype such as gv.float32 or "float32"')
    if dtype is string:
        return string
    try:
        result = np.dtype(dtype)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f'Cannot convert {dtype!r} to a gradviz dtype: use gv.float32, "float64", "int32" ...'
        ) from err
    if result.kind not in "fiub":
        raise TypeError(f"Unsupported dtype {result} (gradviz handles floats, ints and bools)")
    return result


def is_floating(dtype):
    return np.dtype(dtype).kind == "f"


def infer_dtype(value):
    """The dtype TensorFlow gives a Python or numpy value when no dtype is asked for."""
    if isinstance(value, np.ndarray | np.generic):
        return value.dtype
    raw = as_array(value, "value")
    if raw.dtype.kind in "iu":  # int32 if every value fits (TensorFlow's rule), else int64
        return int32 if raw.size == 0 or -(2**31) <= raw.min() <= raw.max() < 2**31 else int64
    return {"f": float32, "b": bool_}.get(raw.dtype.kind) or _reject(value)


def _reject(value):
    raise TypeError(f"Cannot convert {_short(value)} to a tensor: {_why_not_numeric(value)}")


def _short(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _why_not_numeric(value):
    if _has_huge_int(value):
        return "an integer does not fit in int64 (TensorFlow's largest integer type)"
    try:
        kind = np.asarray(value).dtype.kind
    except (TypeError, ValueError):
        kind = "O"
    held = _HELD.get(kind, f"values of type {type(value).__name__}")
    return f"it is not numeric: it holds {held}, and a tensor holds numbers or bools"


_HELD = {
    "U": "text",
    "S": "bytes",
    "O": "Python objects that are not numbers (None, a Tensor, mixed types ...)",
    "c": "complex numbers (gradviz has real dtypes only)",
    "M": "dates",
    "m": "time spans",
    "V": "structured records",
}


def _has_huge_int(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return not -(2**63) <= value < 2**64
    if isinstance(value, list | tuple):
        return any(_has_huge_int(v) for v in value)
    return False


def as_array(value, what):
    """np.asarray, with TensorFlow's ValueError for a ragged nested list instead of numpy's."""
    try:
        return np.asarray(value)
    except ValueError:
        raise ValueError(
            f"{what}: Can't convert non-rectangular Python sequence to Tensor: {_short(value)} has "
            "rows of different lengths; every row of a nested list must have the same length"
        ) from None
    except TypeError as err:
        raise TypeError(f"{what}: cannot convert {_short(value)} to a tensor ({err})") from None


def to_array(value, dtype=None, what="value", copy=False):
    """`value` as a numpy array of `dtype` (inferred as TensorFlow does when None).

    A float that would lose its fraction in an integer dtype is a TypeError, as in TensorFlow, and
    so is an integer that does not fit (TensorFlow rejects such a Python int; numpy would wrap it).
    `copy=True` never returns the caller's own array (a constant must not change with it).
    """
    raw = as_array(value, what)
    if raw.dtype.kind not in "fiub":
        raise TypeError(f"{what}: cannot convert {_short(value)}: {_why_not_numeric(value)}")
    dtype = infer_dtype(raw if raw is value else value) if dtype is None else as_dtype(dtype)
    array = raw.astype(dtype, copy=copy)
    narrowing = raw.dtype.kind == "f" and dtype.kind in "iub"
    lossy = narrowing or (raw.dtype.kind in "iu" and dtype.kind in "iu")
    if lossy and not np.array_equal(array, raw):
        raise TypeError(f"{what}: cannot convert {_short(value)} to {dtype} without losing precision")
    return array
