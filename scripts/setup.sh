#!/usr/bin/env bash
# Installs everything gradviz needs, idempotently: Debian's graphviz (the `dot` program),
# a virtual env in .venv with gradviz and its dev tools. Sourced by tutorials.sh and test.sh.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv="$root/.venv"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {  # apt_install PROGRAM PACKAGE
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "setup: installing Debian package $2" >&2
  as_root apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$2" >/dev/null
}

apt_install dot graphviz

python=${PYTHON:-python3.11}
command -v "$python" >/dev/null 2>&1 || python=python3
if [ ! -x "$venv/bin/python" ]; then
  echo "setup: creating $venv" >&2
  "$python" -m venv "$venv"
fi
stamp="$venv/.gradviz-installed"
if [ ! -f "$stamp" ] || [ "$root/pyproject.toml" -nt "$stamp" ]; then
  echo "setup: installing Python packages" >&2
  "$venv/bin/pip" install -q --upgrade pip >/dev/null
  "$venv/bin/pip" install -q -e "$root[dev]"
  # gradviz.torch's tests run against PyTorch itself: the CPU build, exactly this version.
  "$venv/bin/pip" install -q torch==2.13.0
  touch "$stamp"
fi
# The notebooks' kernel `python3` must be this venv's python (an absolute path in the kernelspec,
# not whatever `python` is first on PATH), for JupyterLab, nbconvert and nbval alike.
kernel_json="$venv/share/jupyter/kernels/python3/kernel.json"
if ! grep -qF "\"$venv/bin/python" "$kernel_json" 2>/dev/null; then
  echo "setup: installing the python3 kernelspec into $venv" >&2
  "$venv/bin/python" -m ipykernel install --sys-prefix >/dev/null
fi
export PATH="$venv/bin:$PATH"
export JUPYTER_PREFER_ENV_PATH=1  # the venv's kernelspecs and settings before the user's
