"""The built distribution holds what a pip user needs: the license, the tutorials, py.typed, the
metadata; and `python -m gradviz tutorials DIR --no-browser` copies every tutorial."""

import email
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import gradviz as gv

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """sdist and wheel, the wheel built from the sdist (as `python -m build` does by default)."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("gradviz-*.whl")
    (sdist,) = out.glob("gradviz-*.tar.gz")
    return wheel, sdist


@pytest.fixture(scope="module")
def wheel_files(dist):
    with zipfile.ZipFile(dist[0]) as wheel:
        return {name: wheel.read(name) for name in wheel.namelist()}


def metadata(wheel_files):
    (name,) = [n for n in wheel_files if n.endswith(".dist-info/METADATA")]
    return email.message_from_bytes(wheel_files[name])


def test_the_wheel_holds_every_tutorial_unchanged(wheel_files):
    assert len(NOTEBOOKS) >= 5
    for notebook in NOTEBOOKS:
        assert wheel_files[f"gradviz/tutorials/{notebook.name}"] == notebook.read_bytes()
    shipped = [n for n in wheel_files if n.startswith("gradviz/tutorials/")]
    assert sorted(shipped) == sorted(f"gradviz/tutorials/{nb.name}" for nb in NOTEBOOKS)


def test_the_wheel_holds_the_license_and_py_typed(wheel_files):
    (license_name,) = [n for n in wheel_files if n.endswith(".dist-info/licenses/LICENSE")]
    assert wheel_files[license_name] == (ROOT / "LICENSE").read_bytes()
    assert b"MIT License" in wheel_files[license_name]
    assert "gradviz/py.typed" in wheel_files
    assert "gradviz/__main__.py" in wheel_files


def test_the_metadata_names_license_version_urls_and_extras(wheel_files):
    meta = metadata(wheel_files)
    assert meta["Name"] == "gradviz"
    assert meta["Version"] == gv.__version__
    assert meta["License-Expression"] == "MIT"
    assert meta.get_all("License-File") == ["LICENSE"]
    assert meta["Requires-Python"] == ">=3.11"
    assert "The gradviz developers" in meta["Author"]
    classifiers = meta.get_all("Classifier")
    assert "Typing :: Typed" in classifiers and "Framework :: Jupyter" in classifiers
    assert "Programming Language :: Python :: 3.11" in classifiers
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
    assert {"Homepage", "Documentation", "Source", "Issues", "Changelog"} <= set(urls)
    requires = meta.get_all("Requires-Dist")
    assert any(r.startswith("anywidget") for r in requires)
    assert any(r.startswith("pandas") and 'extra == "pandas"' in r for r in requires)
    assert {"pandas", "docs", "jupyter", "dev"} <= set(meta.get_all("Provides-Extra"))
    # The README is the long description, and it opens with the install section for pip users.
    body = meta.get_payload()
    assert "pip install gradviz" in body
    entry_points = next(v for k, v in wheel_files.items() if k.endswith("entry_points.txt"))
    assert b"gradviz = gradviz.__main__:main" in entry_points


def test_the_sdist_holds_license_changelog_and_notebooks(dist):
    with tarfile.open(dist[1]) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    assert {"LICENSE", "CHANGELOG.md", "README.md", "setup.py", "gradviz/py.typed"} <= names
    assert {f"notebooks/{nb.name}" for nb in NOTEBOOKS} <= names


def run_tutorials(*args, pythonpath=None, cwd=ROOT):
    env = None
    if pythonpath is not None:
        import os

        env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(
        [sys.executable, "-m", "gradviz", "tutorials", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
    )


def test_tutorials_command_from_the_installed_wheel_copies_every_notebook(dist, tmp_path):
    site = tmp_path / "site"
    with zipfile.ZipFile(dist[0]) as wheel:
        wheel.extractall(site)  # a pure-Python wheel installs by unpacking
    target = tmp_path / "my tutorials"
    result = run_tutorials(target, "--no-browser", pythonpath=site, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"{len(NOTEBOOKS)} tutorials in {target}" in result.stdout
    assert sorted(p.name for p in target.iterdir()) == [nb.name for nb in NOTEBOOKS]
    for notebook in NOTEBOOKS:
        assert (target / notebook.name).read_bytes() == notebook.read_bytes()
    where = subprocess.run(
        [sys.executable, "-c", "import gradviz.__main__ as m; print(m.tutorials_source())"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(site), "PATH": ""},
        cwd=tmp_path,
        check=True,
    )
    assert where.stdout.strip() == str(site / "gradviz" / "tutorials")  # not the checkout


def test_tutorials_command_keeps_edited_notebooks_unless_forced(tmp_path):
    first = run_tutorials(tmp_path, "--no-browser")
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("copied ") == len(NOTEBOOKS)
    edited = tmp_path / NOTEBOOKS[0].name
    edited.write_text("my notes")
    again = run_tutorials(tmp_path, "--no-browser")
    assert again.returncode == 0 and f"kept {len(NOTEBOOKS)} notebooks" in again.stdout
    assert edited.read_text() == "my notes"
    forced = run_tutorials(tmp_path, "--no-browser", "--force")
    assert forced.returncode == 0 and edited.read_bytes() == NOTEBOOKS[0].read_bytes()


def test_tutorials_command_without_jupyterlab_says_how_to_get_it(tmp_path, monkeypatch, capsys):
    from gradviz import __main__ as cli

    monkeypatch.setitem(sys.modules, "jupyterlab", None)  # import fails as if not installed
    assert cli.main(["tutorials", str(tmp_path)]) == 1
    assert "pip install jupyterlab" in capsys.readouterr().err
    assert len(list(tmp_path.glob("*.ipynb"))) == len(NOTEBOOKS)


def test_version_is_the_packaged_one():
    from importlib.metadata import version

    assert gv.__version__ == version("gradviz")
    out = subprocess.run(
        [sys.executable, "-m", "gradviz", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"gradviz {gv.__version__}"
