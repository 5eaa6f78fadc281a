"""Record the reference numbers of the TF1 program corpus (tests/tf1_corpus) from real TensorFlow.

    python scripts/record_tf_reference.py [--venv DIR]

Creates (or reuses) a throwaway virtual env outside the repository (default: a temp directory),
installs `tensorflow-cpu` and `tf-keras` (TensorFlow 1.x's tf.layers need the Keras 2 package),
then runs every corpus program there with ``import gradviz as tf`` replaced by TensorFlow's
``tf.compat.v1`` in graph mode, and writes tests/tf1_corpus/reference.json. The test suite only
reads that file: it never installs TensorFlow.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "tf1_corpus"
TF_IMPORT = "import tensorflow.compat.v1 as tf; tf.disable_v2_behavior()"


def ensure_venv(venv):
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    have = subprocess.run([str(python), "-c", "import tensorflow, tf_keras"], capture_output=True)
    if have.returncode:
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "tensorflow-cpu", "tf-keras", "numpy"],
            check=True,
        )
    return python


def record():
    """Runs inside the TensorFlow venv: every program, its results encoded as JSON."""
    sys.path.insert(0, str(CORPUS))
    import runner  # (the corpus folder is on the path only here)
    import tensorflow
    import tensorflow.compat.v1 as tf

    reference = {"tensorflow": tensorflow.__version__, "programs": {}}
    for path in runner.programs():
        results, _ = runner.run(path, TF_IMPORT, reset=tf.reset_default_graph)
        reference["programs"][path.stem] = runner.encode(results)
        print(f"recorded {path.stem}", file=sys.stderr)
    runner.REFERENCE.write_text(json.dumps(reference, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, help="the throwaway venv (default: a new temp dir)")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        return record()
    venv = args.venv or Path(tempfile.mkdtemp(prefix="tf-reference-")) / "venv"
    if ROOT in venv.resolve().parents:
        parser.error("the TensorFlow venv must live outside the repository")
    python = ensure_venv(venv)
    env = {
        **os.environ,
        "TF_USE_LEGACY_KERAS": "1",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "CUDA_VISIBLE_DEVICES": "",
    }
    subprocess.run([str(python), __file__, "--inner"], check=True, env=env, cwd=str(ROOT))
    print(f"wrote {CORPUS / 'reference.json'}")


if __name__ == "__main__":
    main()
