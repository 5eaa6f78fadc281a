#!/usr/bin/env bash
# Opens the tutorial notebooks in JupyterLab (installing what is needed first).
# With --execute, runs every tutorial top to bottom in place instead (no browser needed).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/setup.sh"
cd "$root/notebooks"
if [ "${1:-}" = "--execute" ]; then
  for nb in [0-9]*.ipynb; do
    echo "executing $nb" >&2
    # No per-cell timestamps: re-running a tutorial changes only what its outputs change.
    # No widget state either: a stored notebook keeps its static pictures, never stale widget models.
    jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.record_timing=False \
      --ExecutePreprocessor.store_widget_state=False "$nb"
  done
else
  exec jupyter lab "$@"
fi
