"""Runs one corpus program and returns its `results` and `compare` rules.

Each program in this folder is a TensorFlow 1.x program from a public tutorial or post (its
source is named in its header), with the dataset download replaced by seeded synthetic arrays
and the TensorFlow calls kept as written. It starts with ``import gradviz as tf``; to record the
reference numbers, scripts/record_tf_reference.py runs the same text with that one line replaced
by TensorFlow's ``tf.compat.v1`` in graph mode. A program ends by setting `results` (name ->
number or array) and, optionally, `compare` (name -> "value", "shape", ("below", t) or
("above", t)) for values that depend on TensorFlow's random draws. This module imports neither
gradviz nor TensorFlow: the recording script uses it too.
"""

import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
GRADVIZ_IMPORT = "import gradviz as tf"
REFERENCE = HERE / "reference.json"


def programs():
    return sorted(HERE.glob("p[0-9][0-9]_*.py"))


def run(path, import_line=None, reset=None):
    """exec the program (with `import_line` in place of the gradviz import), after `reset()`."""
    source = Path(path).read_text(encoding="utf-8")
    if GRADVIZ_IMPORT not in source:
        raise ValueError(f"{path}: a corpus program imports gradviz as tf")
    if import_line is not None:
        source = source.replace(GRADVIZ_IMPORT, import_line, 1)
    if reset is not None:
        reset()
    namespace = {"__name__": "__corpus__", "__file__": str(path)}
    exec(compile(source, str(path), "exec"), namespace)  # noqa: S102
    return namespace["results"], namespace.get("compare", {})


def encode(results):
    """JSON-ready results: each value's numbers, shape and dtype kind."""
    out = {}
    for name, value in results.items():
        array = np.asarray(value)
        out[name] = {
            "value": array.astype(float).tolist() if array.dtype != bool else array.tolist(),
            "shape": list(array.shape),
            "kind": array.dtype.kind,
        }
    return out


def load_reference():
    return json.loads(REFERENCE.read_text(encoding="utf-8"))
