#!/usr/bin/env bash
# The whole test suite, in this order: lint (ruff), unit tests and the real-browser JupyterLab test
# (pytest tests/), the tutorial notebooks (nbval, strict), the code blocks of README.md and docs/,
# the docs site (mkdocs build --strict).
# Installs what it needs first (see setup.sh; the browser test installs Debian's chromium itself).
# Extra arguments go to the pytest run of tests/, e.g. `bash scripts/test.sh -m "not browser"`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/setup.sh"
cd "$root"

start=$SECONDS
timings=()
step=""
begin() { step=$1; step_start=$SECONDS; echo "== test.sh: $step" >&2; }
end() { timings+=("$step $((SECONDS - step_start))s"); }
trap 'rc=$?; [ $rc = 0 ] || echo "test.sh: FAILED in step \"$step\" (exit $rc) after $((SECONDS - start))s" >&2' EXIT

begin lint
ruff check gradviz tests benchmarks scripts/execute_notebooks.py docs/hooks.py setup.py
ruff format --check gradviz tests benchmarks scripts/execute_notebooks.py docs/hooks.py setup.py
end

begin tests
python -m pytest tests --ignore=tests/test_docs.py "$@"
end

begin notebooks
if compgen -G "notebooks/*.ipynb" >/dev/null; then
  rc=0
  python -m pytest --nbval --nbval-current-env --nbval-sanitize-with notebooks/nbval_sanitize.cfg \
    notebooks/ || rc=$?
  if [ $rc = 5 ]; then echo "test.sh: nbval collected no notebook cells" >&2; elif [ $rc != 0 ]; then exit $rc; fi
else
  echo "test.sh: no notebooks in notebooks/, nbval skipped" >&2
fi
end

begin docs
rc=0
python -m pytest tests/test_docs.py || rc=$?
if [ $rc != 0 ] && [ $rc != 5 ]; then exit $rc; fi
end

begin site
# The docs site (mkdocs-material + the executed tutorials); --strict turns a broken link into a failure.
NO_MKDOCS_2_WARNING=1 mkdocs build --strict --quiet --site-dir "$root/build/site"
end

step=""
summary=$(printf '%s, ' "${timings[@]}")
echo "test.sh: all green in $((SECONDS - start))s (${summary%, })"
