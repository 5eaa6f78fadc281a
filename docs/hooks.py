"""MkDocs hooks: the tutorial notebooks join the site from notebooks/, where they stay.

Every notebooks/*.ipynb becomes a page under notebooks/ and an entry of the "Tutorials" section,
in file order, so a new tutorial is published without editing mkdocs.yml. The CHANGELOG at the
top of the repository becomes the "Changes" page the same way.
"""

from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _title(notebook):
    """ "04_vanishing_exploding" -> "4 · Vanishing exploding" (the file name, not the notebook's
    first heading, which may hold code that a menu cannot show)."""
    number, _, words = notebook.stem.partition("_")
    words = words.replace("_", " ").capitalize()
    return f"{int(number)} · {words}" if number.isdigit() else notebook.stem.replace("_", " ")


def on_config(config):
    tutorials = [{_title(nb): f"notebooks/{nb.name}"} for nb in NOTEBOOKS]
    config["nav"].append({"Tutorials": tutorials})
    return config


@event_priority(100)  # before mkdocs-jupyter, which turns .ipynb files into pages
def on_files(files, config):
    # Real files under the repository root (mkdocs-jupyter reads a notebook through its path):
    # the pages are notebooks/NAME/ and CHANGELOG/ on the site.
    site, pretty = config["site_dir"], config["use_directory_urls"]
    for path in [f"notebooks/{nb.name}" for nb in NOTEBOOKS] + ["CHANGELOG.md"]:
        files.append(File(path, str(ROOT), site, pretty))
    return files
