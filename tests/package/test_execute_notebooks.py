"""`tutorials.sh --execute` (scripts/execute_notebooks.py) leaves a stored tutorial byte for byte
as it was when only run-to-run noise differs (widget model ids, timing), and writes real changes."""

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "execute_notebooks.py"


def execute(*paths):
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, paths)], capture_output=True, text=True, check=True
    )


def test_rerunning_the_debugger_tutorial_changes_no_byte(tmp_path):
    # notebook 03 shows Debugger widgets, whose model ids are new at every run
    notebook = tmp_path / "03_calculus_debugger.ipynb"
    shutil.copy(ROOT / "notebooks" / notebook.name, notebook)
    result = execute(notebook)
    assert "outputs changed in: none" in result.stderr
    assert notebook.read_bytes() == (ROOT / "notebooks" / notebook.name).read_bytes()


def test_a_real_change_is_written_without_timing_or_widget_state(tmp_path):
    notebook = tmp_path / "tiny.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nb.cells = [nbformat.v4.new_code_cell("print(6 * 7)")]
    nbformat.write(nb, notebook)
    result = execute(notebook)
    assert "outputs changed in: tiny.ipynb" in result.stderr
    written = nbformat.read(notebook, as_version=4)
    assert written.cells[0].outputs[0]["text"] == "42\n"
    assert "execution" not in written.cells[0].metadata and "widgets" not in written.metadata
    before = notebook.read_bytes()
    assert "outputs changed in: none" in execute(notebook).stderr
    assert notebook.read_bytes() == before
