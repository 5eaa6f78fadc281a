"""scripts/setup.sh on machines unlike the project's own: no apt-get, no brew, no sudo, no root,
only an old Python. Each case runs a copy of the script (so no .venv is made in the checkout)
with PATH reduced to a folder of stand-ins, stdin closed (no terminal for sudo to ask on), and
GRADVIZ_SETUP_UID standing in for `id -u`."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASH = shutil.which("bash")


def stand_in(folder, name, body):
    """An executable `name` in `folder` whose calls are logged to calls.log."""
    path = folder / name
    path.write_text(f'#!{BASH}\necho "{name} $*" >> "{folder}/calls.log"\n{body}\n')
    path.chmod(0o755)


def fake_python(folder, name, version, venv_works=True):
    venv_status = 0 if venv_works else 1
    body = f'case "$*" in *version_info*) echo {version} ;; *ensurepip*) exit {venv_status} ;; esac'
    stand_in(folder, name, body)


MAKES_DOT = f'printf "#!{BASH}\\n" > "$(dirname "$0")/dot"; /bin/chmod +x "$(dirname "$0")/dot"'


@pytest.fixture
def machine(tmp_path):
    """A checkout holding only the set-up script, and a PATH with bash and dirname only."""
    (tmp_path / "repo" / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "setup.sh", tmp_path / "repo" / "scripts" / "setup.sh")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "dirname"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    return tmp_path


def run_setup(machine, uid="1000", **env):
    result = subprocess.run(
        [BASH, str(machine / "repo" / "scripts" / "setup.sh")],
        env={"PATH": str(machine / "bin"), "HOME": str(machine), "GRADVIZ_SETUP_UID": uid, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.returncode, result.stderr.strip().splitlines()


def calls(machine):
    log = machine / "bin" / "calls.log"
    return log.read_text().splitlines() if log.exists() else []


def test_no_package_manager_no_sudo_says_what_to_install(machine):
    status, lines = run_setup(machine)
    assert status == 2
    assert len(lines) == 1
    assert "no conda, brew or apt-get was found" in lines[0] and "install Graphviz" in lines[0]
    assert not (machine / "repo" / ".venv").exists()


def test_apt_without_root_or_sudo_names_the_package_and_never_runs_apt(machine):
    stand_in(machine / "bin", "apt-get", "exit 0")
    status, lines = run_setup(machine)
    assert status == 2
    assert len(lines) == 1
    assert "graphviz is missing and installing it needs root" in lines[0]
    assert "apt-get install graphviz" in lines[0]
    assert calls(machine) == []


def test_a_sudo_that_would_ask_for_a_password_without_a_terminal_is_not_waited_on(machine):
    stand_in(machine / "bin", "apt-get", "exit 0")
    stand_in(machine / "bin", "sudo", 'case "$1" in -n) exit 1 ;; esac; exit 0')
    status, lines = run_setup(machine)
    assert status == 2 and len(lines) == 1 and "needs root" in lines[0]
    assert calls(machine) == ["sudo -n true"]  # only the non-interactive probe


def test_as_root_apt_installs_graphviz_then_asks_for_python(machine):
    stand_in(machine / "bin", "apt-get", f'[ "$1" = install ] && {{ {MAKES_DOT}; }}; exit 0')
    status, lines = run_setup(machine, uid="0")
    assert calls(machine) == ["apt-get update -qq", "apt-get install -y -qq graphviz"]
    assert status == 2
    assert lines[0] == "setup: installing Debian package graphviz"
    assert "gradviz needs Python 3.11 or newer" in lines[-1] and "found:" not in lines[-1]


def test_brew_installs_graphviz_without_root(machine):
    stand_in(machine / "bin", "brew", MAKES_DOT)
    stand_in(machine / "bin", "apt-get", "exit 0")  # brew is preferred: it needs no root
    status, lines = run_setup(machine)
    assert calls(machine) == ["brew install graphviz"]
    assert lines[0] == "setup: installing graphviz with brew"
    assert status == 2 and "Python 3.11 or newer" in lines[-1]


def test_an_active_conda_env_gets_graphviz_from_conda_forge(machine):
    stand_in(machine / "bin", "conda", MAKES_DOT)
    status, lines = run_setup(machine, CONDA_PREFIX=str(machine / "env"))
    assert calls(machine) == ["conda install -y -q -c conda-forge graphviz"]
    assert status == 2 and "Python 3.11 or newer" in lines[-1]


def test_only_an_old_python_is_named_and_not_used(machine):
    stand_in(machine / "bin", "dot", "exit 0")
    fake_python(machine / "bin", "python3", "3.10")
    status, lines = run_setup(machine)
    assert status == 2
    assert len(lines) == 1
    assert "gradviz needs Python 3.11 or newer (found: python3 3.10)" in lines[0]
    assert "PYTHON=/path/to/python3.11" in lines[0]
    assert not (machine / "repo" / ".venv").exists()


def test_a_newer_python_is_preferred_to_an_old_python3(machine):
    stand_in(machine / "bin", "dot", "exit 0")
    fake_python(machine / "bin", "python3", "3.10")
    fake_python(machine / "bin", "python3.12", "3.12", venv_works=False)
    status, lines = run_setup(machine)
    assert status == 2 and len(lines) == 1
    assert "python3.12 has no working venv module" in lines[0]
    assert "apt-get install python3.12-venv" in lines[0]


def test_an_old_PYTHON_is_refused_by_name(machine):
    stand_in(machine / "bin", "dot", "exit 0")
    fake_python(machine / "bin", "python3.12", "3.12")
    fake_python(machine / "bin", "oldpy", "3.9")
    status, lines = run_setup(machine, PYTHON="oldpy")
    assert status == 2 and len(lines) == 1
    assert lines[0] == "setup: PYTHON=oldpy is Python 3.9; gradviz needs Python 3.11 or newer"


def test_a_missing_venv_module_with_apt_but_no_root_names_the_debian_package(machine):
    stand_in(machine / "bin", "dot", "exit 0")
    stand_in(machine / "bin", "apt-get", "exit 0")
    fake_python(machine / "bin", "python3.11", "3.11", venv_works=False)
    status, lines = run_setup(machine)
    assert status == 2 and len(lines) == 1
    assert "python3.11-venv is missing and installing it needs root" in lines[0]
    assert calls(machine) == [c for c in calls(machine) if c.startswith("python3.11 ")]  # no apt


def test_the_script_runs_on_macos_bash_3_2_syntax():
    """No bash-4-only constructs (macOS ships bash 3.2): associative arrays, ${x,,}, mapfile."""
    text = (ROOT / "scripts" / "setup.sh").read_text()
    for construct in ("declare -A", ",,}", "^^}", "mapfile", "readarray", "local -n"):
        assert construct not in text, construct
