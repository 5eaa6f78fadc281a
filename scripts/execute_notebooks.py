"""Run tutorial notebooks top to bottom; rewrite a stored notebook only where its outputs changed.

    python scripts/execute_notebooks.py notebooks/*.ipynb

Each notebook runs in a fresh kernel on a copy (nbclient, the notebook's folder as the working
directory). What legitimately differs between two runs is ignored when comparing with the stored
file: widget model ids (random per run), widget state in the metadata (not stored, see the
developers' notes), execution timing. So re-running unchanged tutorials leaves every tracked file
as it was, and a real change is written with the same formatting Jupyter uses.
"""

import copy
import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MODEL_ID = re.compile(r"\b[0-9a-f]{32}\b")


def comparable(nb):
    """The notebook without what changes on every run."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.get("metadata", {}).pop("execution", None)
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is not None:
                view["model_id"] = "<model id>"
            for key in ("text/plain", "text/html"):
                if key in output.get("data", {}):
                    output.data[key] = MODEL_ID.sub("<model id>", "".join(output.data[key]))
    return nb


def execute(path):
    """Run one notebook; write it back only if its outputs changed. True when it was written."""
    stored = nbformat.read(path, as_version=4)
    executed = copy.deepcopy(stored)
    folder = {"metadata": {"path": str(path.parent)}}
    NotebookClient(executed, timeout=600, record_timing=False, resources=folder).execute()
    executed.metadata.pop("widgets", None)  # stored without widget state
    if comparable(executed) == comparable(stored):
        return False
    nbformat.write(executed, path)
    return True


def main(paths):
    changed = []
    for path in map(Path, paths):
        print(f"executing {path.name}", file=sys.stderr)
        if execute(path):
            changed.append(path.name)
    print(
        f"{len(paths)} notebooks run; outputs changed in: {', '.join(changed) or 'none'}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
