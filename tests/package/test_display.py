"""Every plot function's figure shows as a picture in a fresh Jupyter kernel, with no magics:
run through nbclient, as a user's first notebook would be, once with ipykernel's default backend
and once with Agg (a kernel whose backend is not inline). Scripts keep their backend."""

import base64
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

SETUP = """
import numpy as np
import gradviz as gv
monitor = gv.GradientMonitor(names=["layer1/W", "layer2/W"])
for step in range(12):
    monitor.record(step, [np.full((3, 2), 10.0 ** (-step)), np.ones(4)])
summary = gv.gradient_summary({"W": np.full((2, 2), 1e-9), "b": np.ones(3)})
"""
PLOTS = {
    "monitor.plot_norms": "monitor.plot_norms()",
    "monitor.plot_distributions": "monitor.plot_distributions()",
    "monitor.plot_gradient_flow": "monitor.plot_gradient_flow()",
    "summary.plot_gradient_flow": "summary.plot_gradient_flow()",
    "plots.plot_norms": "from gradviz.viz import plots\nplots.plot_norms(monitor)",
    "plots.plot_distributions": "plots.plot_distributions(monitor)",
    "plots.plot_gradient_flow": "plots.plot_gradient_flow(summary)",
}
AFTER = """
import sys, matplotlib
print("pyplot loaded:", "matplotlib.pyplot" in sys.modules)
print("backend:", matplotlib.rcParams._get_backend_or_none())
"""


def run_notebook(cells, env_backend, monkeypatch):
    if env_backend is None:
        monkeypatch.delenv("MPLBACKEND", raising=False)
    else:
        monkeypatch.setenv("MPLBACKEND", env_backend)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    return nb


@pytest.mark.parametrize("backend", [None, "Agg"], ids=["default-backend", "agg-backend"])
def test_every_plot_function_shows_a_picture_in_a_fresh_kernel(backend, monkeypatch):
    assert not any("%" in code for code in [SETUP, *PLOTS.values(), AFTER])  # no magics
    nb = run_notebook([SETUP, *PLOTS.values(), AFTER], backend, monkeypatch)
    for name, cell in zip(PLOTS, nb.cells[1:-1], strict=True):
        results = [o for o in cell.outputs if o.output_type == "execute_result"]
        assert len(results) == 1, name
        data = results[0].data
        assert data["text/plain"].startswith("<Figure size"), name
        png = base64.b64decode(data.get("image/png", ""))
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000, name
        assert not [o for o in cell.outputs if o.output_type == "display_data"], name  # one copy
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert "pyplot loaded: False" in text  # nothing switched the user's backend through pyplot
    if backend == "Agg":
        assert "backend: agg" in text.lower()


def test_a_script_keeps_its_backend_and_loads_no_ipython():
    code = (
        "import sys, numpy as np, matplotlib; matplotlib.use('svg'); import gradviz as gv\n"
        "m = gv.GradientMonitor(names=['w']); m.record(0, [np.ones(3)])\n"
        "fig = m.plot_norms(); fig.savefig('/dev/null', format='png')\n"
        "print(matplotlib.get_backend(), 'IPython' in sys.modules, 'ipywidgets' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["svg", "False", "False"]


def test_an_existing_png_printer_for_figures_is_left_alone():
    from IPython.core.interactiveshell import InteractiveShell
    from matplotlib.figure import Figure

    from gradviz.viz import plots

    shell = InteractiveShell.instance()
    png = shell.display_formatter.formatters["image/png"]
    try:
        png.pop(Figure, None)
        plots._register_png_formatter()
        assert png.lookup_by_type(Figure) is plots.figure_png
        mine = lambda fig: b"mine"  # noqa: E731  (as the inline backend's printer would be)
        png.for_type(Figure, mine)
        plots._register_png_formatter()
        assert png.lookup_by_type(Figure) is mine
    finally:
        png.pop(Figure, None)
        InteractiveShell.clear_instance()
