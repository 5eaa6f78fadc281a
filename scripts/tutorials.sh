#!/usr/bin/env bash
# Opens the tutorial notebooks in JupyterLab (installing what is needed first).
# With --execute, runs every tutorial top to bottom instead (no browser needed), rewriting a stored
# notebook only where its outputs changed (see execute_notebooks.py).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/setup.sh"
cd "$root/notebooks"
if [ "${1:-}" = "--execute" ]; then
  python "$root/scripts/execute_notebooks.py" [0-9]*.ipynb
else
  exec jupyter lab "$@"
fi
