"""`tf.summary` (TensorFlow 1.x): scalar and histogram summaries, merge / merge_all, and
`FileWriter`, which writes TensorBoard event files (and the graph, for TensorBoard's graph tab)
with the `tensorboard` package's own event writer.

    tf.summary.scalar("loss", loss)
    tf.summary.histogram("grad/W", grad_W)
    merged = tf.summary.merge_all()
    writer = tf.summary.FileWriter("logs/run1", sess.graph)
    writer.add_summary(sess.run(merged, feed), step)
    writer.close()                      # then: tensorboard --logdir logs
"""

import time

import numpy as np

from . import dtypes
from .graph import Graph, Tensor, get_default_graph, graph_of
from .ops.summary import HistogramSummary, MergeSummary, ScalarSummary, summary_pb2

SUMMARIES = "summaries"


def _tag(name, what):
    if not isinstance(name, str) or not name:
        raise TypeError(f"summary.{what}: name must be a non-empty string, got {name!r}")
    return name


def _summary_op(opdef, name, tensor, collections, what):
    name = _tag(name, what)
    graph = graph_of([tensor])
    with graph.as_default(), graph.rollback_on_error():
        op_name = graph.unique_name(name, mark_as_used=False)
        summary = opdef(tensor, tag=op_name, name=name)
        for key in [SUMMARIES] if collections is None else collections:
            graph.add_to_collection(key, summary)
    return summary


def scalar(name, tensor, collections=None, family=None):
    """A summary of one scalar, tagged by `name` inside the current name scope ("train/loss")."""
    if isinstance(tensor, Tensor) and tensor.shape.rank not in (None, 0):
        raise ValueError(
            f"summary.scalar '{name}': the tensor must be a scalar, got shape {tensor.shape}"
        )
    return _summary_op(ScalarSummary, name, tensor, collections, "scalar")


def histogram(name, values, collections=None, family=None):
    """A histogram summary of all entries of `values` (TensorBoard's Histograms and
    Distributions tabs). Running it on NaN or Inf raises InvalidArgumentError, as TensorFlow."""
    return _summary_op(HistogramSummary, name, values, collections, "histogram")


def merge(inputs, collections=None, name=None):
    """One summary holding the values of all `inputs` (serialized summaries)."""
    inputs = list(inputs)
    if not inputs:
        raise ValueError("summary.merge: inputs is empty")
    for t in inputs:
        if not isinstance(t, Tensor) or t.dtype != dtypes.string:
            raise TypeError(f"summary.merge: inputs must be summary tensors, got {t!r}")
    graph = graph_of(inputs)
    merged = MergeSummary(inputs, name=name or "Merge/MergeSummary")
    for key in collections or []:
        graph.add_to_collection(key, merged)
    return merged


def merge_all(key=SUMMARIES, scope=None, name=None):
    """All summaries of the default graph's collection `key` merged, or None if there are none."""
    summaries = get_default_graph().get_collection(key)
    if scope is not None:
        summaries = [s for s in summaries if s.op.name.startswith(scope)]
    return merge(summaries, name=name) if summaries else None


# -- writing event files ------------------------------------------------------------------------------
class FileWriter:
    """Writes summaries and the graph into an event file in `logdir` for TensorBoard."""

    def __init__(
        self, logdir, graph=None, max_queue=10, flush_secs=120, filename_suffix=None, session=None
    ):
        from tensorboard.summary.writer.event_file_writer import EventFileWriter

        if not isinstance(logdir, str | bytes) and not hasattr(logdir, "__fspath__"):
            raise TypeError(f"FileWriter: logdir must be a path, got {logdir!r}")
        if graph is not None and not isinstance(graph, Graph):
            raise TypeError(f"FileWriter: graph must be a gv.Graph, got {graph!r}")
        self._logdir = str(logdir)
        self._writer = EventFileWriter(self._logdir, max_queue, flush_secs, filename_suffix or "")
        self._closed = False
        if graph is not None:
            self.add_graph(graph)

    def get_logdir(self):
        return self._logdir

    def add_event(self, event):
        if self._closed:
            raise RuntimeError("FileWriter is closed")
        self._writer.add_event(event)

    def add_summary(self, summary, global_step=None):
        """`summary`: what a summary op returned from `Session.run` (bytes), or a Summary proto."""
        from tensorboard.compat.proto import event_pb2

        pb = summary_pb2()
        if isinstance(summary, bytes | np.bytes_):
            summary = pb.Summary.FromString(bytes(summary))
        elif not isinstance(summary, pb.Summary):
            raise TypeError(
                f"add_summary: expected a serialized summary (bytes), got {type(summary).__name__}"
            )
        event = event_pb2.Event(wall_time=time.time(), summary=summary)
        if global_step is not None:
            event.step = int(global_step)
        self.add_event(event)

    def add_graph(self, graph, global_step=None, graph_def=None):
        """The graph, for TensorBoard's graph tab: one node per op, its inputs, dtype and shapes."""
        from tensorboard.compat.proto import event_pb2

        event = event_pb2.Event(
            wall_time=time.time(), graph_def=graph_to_graph_def(graph).SerializeToString()
        )
        if global_step is not None:
            event.step = int(global_step)
        self.add_event(event)

    def flush(self):
        self._writer.flush()

    def close(self):
        if not self._closed:
            self._writer.close()
            self._closed = True

    def reopen(self):
        from tensorboard.summary.writer.event_file_writer import EventFileWriter

        if self._closed:
            self._writer = EventFileWriter(self._logdir)
            self._closed = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _dtype_enum(dtype):
    from tensorboard.compat.proto import types_pb2

    names = {
        "float16": "DT_HALF",
        "float32": "DT_FLOAT",
        "float64": "DT_DOUBLE",
        "int32": "DT_INT32",
        "int64": "DT_INT64",
        "bool": "DT_BOOL",
        "object": "DT_STRING",
        "uint8": "DT_UINT8",
        "int8": "DT_INT8",
        "int16": "DT_INT16",
    }
    return types_pb2.DataType.Value(names.get(np.dtype(dtype).name, "DT_INVALID"))


def _shape_proto(shape):
    from tensorboard.compat.proto import tensor_shape_pb2

    if shape.dims is None:
        return tensor_shape_pb2.TensorShapeProto(unknown_rank=True)
    dims = [tensor_shape_pb2.TensorShapeProto.Dim(size=-1 if d is None else d) for d in shape.dims]
    return tensor_shape_pb2.TensorShapeProto(dim=dims)


def graph_to_graph_def(graph):
    """A TensorBoard GraphDef of `graph`: nodes named as the ops (scopes become TensorBoard's
    groups), inputs "op:index" ("^op" for control inputs), dtype and "_output_shapes" attributes."""
    from tensorboard.compat.proto import attr_value_pb2, graph_pb2, node_def_pb2

    nodes = []
    for op in graph.get_operations():
        attrs = {}
        if op.outputs and op.outputs[0].dtype is not None:
            attrs["T"] = attr_value_pb2.AttrValue(type=_dtype_enum(op.outputs[0].dtype))
        shapes = [
            _shape_proto(t.shape)
            for t in op.outputs
            if t.shape.dims is not None or t.dtype != dtypes.bool_
        ]
        attrs["_output_shapes"] = attr_value_pb2.AttrValue(
            list=attr_value_pb2.AttrValue.ListValue(shape=shapes)
        )
        inputs = [t.op.name if t.value_index == 0 else f"{t.op.name}:{t.value_index}" for t in op.inputs]
        inputs += [f"^{c.name}" for c in op.control_inputs]
        nodes.append(node_def_pb2.NodeDef(name=op.name, op=op.type, input=inputs, attr=attrs))
    return graph_pb2.GraphDef(node=nodes)
