"""Summary ops: each run serializes a TensorBoard `Summary` protocol buffer (bytes, dtype
`gv.string`), through the `tensorboard` package's own protos, so TensorBoard reads what a
`summary.FileWriter` writes. Histograms use TensorFlow's bucket edges (±1e-12 · 1.1^k and 0)."""

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..shape import TensorShape
from .registry import register_op


def summary_pb2():
    try:
        from tensorboard.compat.proto import summary_pb2 as module
    except ImportError:  # pragma: no cover - the extra is installed with the dev tools
        raise ImportError(
            "gv.summary needs the tensorboard package: pip install 'gradviz[tensorboard]'"
        ) from None
    return module


def _string(*shapes, **attrs):
    return TensorShape([])


def _string_dtype(*kinds, **attrs):
    return dtypes.string


@register_op("ScalarSummary", label="summary", no_gradient="summary", kinds="fiu")
class ScalarSummary:
    shape, dtype = _string, _string_dtype

    def forward(tensor, *, tag):
        if np.ndim(tensor) != 0:
            raise InvalidArgumentError(
                f"tags and values are not the same shape: [] != {list(np.shape(tensor))} (tag '{tag}')"
            )
        pb = summary_pb2()
        return pb.Summary(
            value=[pb.Summary.Value(tag=tag, simple_value=float(tensor))]
        ).SerializeToString()


def _default_buckets():
    """TensorFlow's default histogram bucket limits (core/lib/histogram/histogram.cc)."""
    positive, v = [], 1.0e-12
    while v < 1.0e20:
        positive.append(v)
        v *= 1.1
    positive.append(np.finfo(np.float64).max)
    return np.array([-b for b in reversed(positive)] + [0.0] + positive)


BUCKET_LIMITS = _default_buckets()


def histogram_proto(values, tag):
    """A HistogramProto of `values`, encoded as TensorFlow encodes it (runs of empty buckets
    collapsed into one, keeping the last limit)."""
    values = np.asarray(values, dtype=np.float64).ravel()
    if not np.all(np.isfinite(values)):
        kind = "Nan" if np.any(np.isnan(values)) else "Infinity"
        raise InvalidArgumentError(f"{kind} in summary histogram for: {tag}")
    pb = summary_pb2()
    counts = np.bincount(
        np.searchsorted(BUCKET_LIMITS, values, side="right"), minlength=len(BUCKET_LIMITS)
    )
    limits, buckets, i = [], [], 0
    counts = counts[: len(BUCKET_LIMITS)]
    while i < len(counts):
        end, count = BUCKET_LIMITS[i], counts[i]
        i += 1
        if count <= 0:
            while i < len(counts) and counts[i] <= 0:
                end, count = BUCKET_LIMITS[i], counts[i]
                i += 1
        limits.append(float(end))
        buckets.append(float(count))
    empty = values.size == 0
    return pb.HistogramProto(
        min=0.0 if empty else float(values.min()),
        max=0.0 if empty else float(values.max()),
        num=float(values.size),
        sum=float(values.sum()),
        sum_squares=float(np.dot(values, values)),
        bucket_limit=limits,
        bucket=buckets,
    )


@register_op("HistogramSummary", label="histogram", no_gradient="summary", kinds="fiu")
class HistogramSummary:
    shape, dtype = _string, _string_dtype

    def forward(values, *, tag):
        pb = summary_pb2()
        return pb.Summary(
            value=[pb.Summary.Value(tag=tag, histo=histogram_proto(values, tag))]
        ).SerializeToString()


@register_op("MergeSummary", label="merge", no_gradient="summary", kinds="O")
class MergeSummary:
    shape, dtype = _string, _string_dtype

    def forward(*inputs):
        pb = summary_pb2()
        merged, seen = pb.Summary(), set()
        for serialized in inputs:
            for value in pb.Summary.FromString(serialized).value:
                if value.tag in seen:
                    raise InvalidArgumentError(f"Duplicate tag {value.tag} found in summary inputs")
                seen.add(value.tag)
                merged.value.add().CopyFrom(value)
        return merged.SerializeToString()
