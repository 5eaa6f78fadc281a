"""Command line: ``python -m gradviz tutorials [DIR] [--no-browser]`` (also ``gradviz tutorials``).

Copies the tutorial notebooks that ship inside the package into DIR (default ./gradviz-tutorials),
then opens JupyterLab there. Notebooks already in DIR are left as they are (they may hold your
edits) unless --force is given.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from ._version import __version__

PACKAGE = Path(__file__).resolve().parent


def tutorials_source() -> Path:
    """Where the tutorials are: inside an installed wheel, or notebooks/ of a source checkout
    (an editable install runs from the checkout, where the build step has not copied them)."""
    for folder in (PACKAGE / "tutorials", PACKAGE.parent / "notebooks"):
        if any(folder.glob("*.ipynb")):
            return folder
    raise FileNotFoundError(f"No tutorial notebooks found in {PACKAGE / 'tutorials'}")


def copy_tutorials(target: Path, force: bool = False) -> tuple[list[Path], list[Path]]:
    """Copy every tutorial notebook into `target`: (copied, kept because already there)."""
    target.mkdir(parents=True, exist_ok=True)
    copied, kept = [], []
    for notebook in sorted(tutorials_source().glob("*.ipynb")):
        destination = target / notebook.name
        if destination.exists() and not force:
            kept.append(destination)
        else:
            shutil.copyfile(notebook, destination)
            copied.append(destination)
    return copied, kept


def open_jupyterlab(folder: Path) -> int:
    try:
        import jupyterlab  # noqa: F401  (only to give a clear message when it is missing)
    except ImportError:
        print(
            f"JupyterLab is not installed in this Python ({sys.executable}).\n"
            f"Install it with `{Path(sys.executable).name} -m pip install jupyterlab` "
            "(or gradviz[jupyter]), "
            f"then run `jupyter lab` in {folder}.",
            file=sys.stderr,
        )
        return 1
    return subprocess.call([sys.executable, "-m", "jupyterlab"], cwd=folder)


def tutorials(args: argparse.Namespace) -> int:
    target = Path(args.dir).expanduser().resolve()
    copied, kept = copy_tutorials(target, args.force)
    for path in copied:
        print(f"copied {path.name}")
    if kept:
        names = ", ".join(p.name for p in kept)
        print(f"kept {len(kept)} notebooks already in {target} (--force replaces them): {names}")
    print(f"{len(copied) + len(kept)} tutorials in {target}")
    return 0 if args.no_browser else open_jupyterlab(target)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gradviz", description="gradviz tools")
    parser.add_argument("--version", action="version", version=f"gradviz {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("tutorials", help="copy the tutorial notebooks and open JupyterLab")
    command.add_argument(
        "dir", nargs="?", default="gradviz-tutorials", help="default: ./gradviz-tutorials"
    )
    command.add_argument("--no-browser", action="store_true", help="only copy, do not start JupyterLab")
    command.add_argument("--force", action="store_true", help="replace notebooks already in DIR")
    command.set_defaults(run=tutorials)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
