#!/usr/bin/env bash
# Installs everything gradviz needs, idempotently: Graphviz (the `dot` program) with whichever of
# conda (an active env), brew or apt-get the machine has, a Python 3.11 or newer with its venv
# module, and a virtual env in .venv with gradviz and its dev tools. Sourced by tutorials.sh and
# test.sh; `bash scripts/setup.sh` also works on its own.
#
# When something is missing that it cannot install (no root and no sudo for apt-get, no package
# manager at all, no Python 3.11+), it says in one line what to install and exits with status 2.
# PYTHON=/path/to/python chooses the interpreter. GRADVIZ_SETUP_UID stands in for `id -u`, so the
# tests can check the messages a user without root sees.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv="$root/.venv"

say() { echo "setup: $*" >&2; }
missing() { echo "setup: $*" >&2; exit 2; }  # one line: what to install, then stop
have() { command -v "$1" >/dev/null 2>&1; }

can_be_root() {  # root, or sudo that can ask (a terminal) or needs no password
  [ "${GRADVIZ_SETUP_UID:-$(id -u)}" = 0 ] && return 0
  have sudo && { [ -t 0 ] || sudo -n true 2>/dev/null; }
}

as_root() {
  if [ "${GRADVIZ_SETUP_UID:-$(id -u)}" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {  # apt_install PACKAGE
  can_be_root ||
    missing "$1 is missing and installing it needs root (no sudo here): ask an administrator to run \`apt-get install $1\`, then run this again"
  say "installing Debian package $1"
  as_root apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$1" >/dev/null
}

install_graphviz() {
  have dot && return 0
  if [ -n "${CONDA_PREFIX:-}" ] && have conda; then
    say "installing graphviz into the conda env $CONDA_PREFIX"
    conda install -y -q -c conda-forge graphviz >/dev/null
  elif have brew; then
    say "installing graphviz with brew"
    brew install graphviz >/dev/null
  elif have apt-get; then
    apt_install graphviz
  else
    missing "Graphviz's \`dot\` is missing and no conda, brew or apt-get was found: install Graphviz (https://graphviz.org/download/, e.g. \`winget install graphviz\`), then run this again"
  fi
  have dot || missing "Graphviz was installed but \`dot\` is not on PATH: add its folder to PATH, then run this again"
}

python_version() {  # python_version PYTHON: "3.11" (empty when it does not run)
  "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true
}

new_enough() {  # new_enough "3.11"
  case "$1" in 3.1[1-9] | 3.[2-9][0-9]) return 0 ;; *) return 1 ;; esac
}

find_python() {  # sets $python to a Python 3.11+ (PYTHON if given); bash 3.2 safe (macOS)
  local found="" version
  if [ -n "${PYTHON:-}" ]; then
    python=$PYTHON
    version=$(python_version "$python")
    new_enough "$version" ||
      missing "PYTHON=$PYTHON is ${version:+Python }${version:-not a Python that runs}; gradviz needs Python 3.11 or newer"
    return 0
  fi
  for python in python3.14 python3.13 python3.12 python3.11 python3 python; do
    have "$python" || continue
    version=$(python_version "$python")
    new_enough "$version" && return 0
    found="$found${found:+, }$python ${version:-(does not run)}"
  done
  missing "gradviz needs Python 3.11 or newer${found:+ (found: $found)}: install one (apt-get install python3.11, brew install python@3.12, conda install python=3.12, or from python.org), or set PYTHON=/path/to/python3.11"
}

check_venv_module() {  # Debian ships python3's venv without ensurepip: python3.X-venv adds it
  "$python" -c 'import venv, ensurepip' 2>/dev/null && return 0
  local package
  package="python$(python_version "$python")-venv"
  if have apt-get; then apt_install "$package"; fi
  "$python" -c 'import venv, ensurepip' 2>/dev/null ||
    missing "$python has no working venv module: install it (Debian/Ubuntu: \`sudo apt-get install $package\`), then run this again"
}

install_graphviz
if [ -x "$venv/bin/python" ]; then
  version=$(python_version "$venv/bin/python")
  new_enough "$version" ||
    missing "$venv holds Python ${version:-that does not run}; gradviz needs 3.11 or newer: remove $venv, then run this again"
else
  find_python
  check_venv_module
  say "creating $venv with $python ($(python_version "$python"))"
  "$python" -m venv "$venv"
fi
stamp="$venv/.gradviz-installed"
if [ ! -f "$stamp" ] || [ "$root/pyproject.toml" -nt "$stamp" ]; then
  say "installing Python packages"
  "$venv/bin/pip" install -q --upgrade pip >/dev/null
  "$venv/bin/pip" install -q -e "$root[dev,docs,pandas]"  # tests, the docs site, to_pandas()
  # gradviz.torch's tests run against PyTorch itself: the CPU build, exactly this version.
  "$venv/bin/pip" install -q torch==2.13.0
  touch "$stamp"
fi
# The notebooks' kernel `python3` must be this venv's python (an absolute path in the kernelspec,
# not whatever `python` is first on PATH), for JupyterLab, nbconvert and nbval alike.
kernel_json="$venv/share/jupyter/kernels/python3/kernel.json"
if ! grep -qF "\"$venv/bin/python" "$kernel_json" 2>/dev/null; then
  say "installing the python3 kernelspec into $venv"
  "$venv/bin/python" -m ipykernel install --sys-prefix >/dev/null
fi
export PATH="$venv/bin:$PATH"
export JUPYTER_PREFER_ENV_PATH=1  # the venv's kernelspecs and settings before the user's
