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
    if dtype is string:
        return string
    try:
        result = np.dtype(dtype)
    except TypeError as err:
        raise TypeError(f"Cannot convert {dtype!r} to a gradviz dtype") from err
    if result.kind not in "fiub":
        raise TypeError(f"Unsupported dtype {result} (gradviz handles floats, ints and bools)")
    return result


def is_floating(dtype):
    return np.dtype(dtype).kind == "f"


def infer_dtype(value):
    """The dtype TensorFlow gives a Python or numpy value when no dtype is asked for."""
    if isinstance(value, np.ndarray | np.generic):
        return value.dtype
    raw = np.asarray(value)
    if raw.dtype.kind in "iu":  # int32 if every value fits (TensorFlow's rule), else int64
        return int32 if raw.size == 0 or -(2**31) <= raw.min() <= raw.max() < 2**31 else int64
    return {"f": float32, "b": bool_}.get(raw.dtype.kind) or _reject(value)


def _reject(value):
    raise TypeError(f"Cannot convert {value!r} to a tensor: it is not numeric")


def to_array(value, dtype=None, what="value"):
    """`value` as a numpy array of `dtype` (inferred as TensorFlow does when None).

    A float that would lose its fraction in an integer dtype is a TypeError, as in TensorFlow, and
    so is an integer that does not fit (TensorFlow rejects such a Python int; numpy would wrap it).
    """
    dtype = infer_dtype(value) if dtype is None else as_dtype(dtype)
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{what}: cannot convert {value!r} to {dtype}") from err
    if raw.dtype.kind not in "fiub":
        raise TypeError(f"{what}: cannot convert {value!r} to {dtype}: it is not numeric")
    array = raw.astype(dtype, copy=False)
    narrowing = raw.dtype.kind == "f" and dtype.kind in "iub"
    lossy = narrowing or (raw.dtype.kind in "iu" and dtype.kind in "iu")
    if lossy and not np.array_equal(array, raw):
        raise TypeError(f"{what}: cannot convert {value!r} to {dtype} without losing precision")
    return array
