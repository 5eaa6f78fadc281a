"""Ships the tutorial notebooks inside the package, as gradviz/tutorials/*.ipynb.

The notebooks live in notebooks/ (where the tests and JupyterLab use them); building copies every
notebooks/*.ipynb into the built package, so a new tutorial is shipped without listing it anywhere.
`python -m gradviz tutorials DIR` copies them out again. Everything else is in pyproject.toml.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"


class build_py_with_tutorials(build_py):  # noqa: N801  (setuptools' command naming)
    def run(self):
        super().run()
        target = Path(self.build_lib, "gradviz", "tutorials")
        self.mkpath(str(target))
        for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
            self.copy_file(str(notebook), str(target / notebook.name))


setup(cmdclass={"build_py": build_py_with_tutorials})
