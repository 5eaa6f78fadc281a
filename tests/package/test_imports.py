"""What `import gradviz` loads and exports: no widget stack until a Debugger is used, a star
import that leaves Python's builtins alone, GraphvizMissing catchable from the top level."""

import builtins
import subprocess
import sys

import graphviz
import pytest

import gradviz as gv

HEAVY = ("ipywidgets", "IPython", "pandas", "matplotlib", "anywidget")


def loaded_after(code):
    probe = f"{code}\nimport sys; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_import_gradviz_loads_no_widget_plot_or_dataframe_library():
    assert loaded_after("import gradviz as gv; gv.draw; gv.gradient_summary") == []


def test_the_debugger_loads_ipywidgets_when_first_used():
    assert {"ipywidgets", "IPython"} <= set(loaded_after("import gradviz as gv; gv.Debugger"))
    assert gv.Debugger.__name__ == "Debugger" and "Debugger" in dir(gv)


def test_an_unknown_name_is_still_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        gv.no_such_name  # noqa: B018


def test_star_import_leaves_builtins_and_math_alone():
    namespace = {}
    exec("from gradviz import *", namespace)
    for name in ("abs", "pow", "float", "math"):
        assert name not in namespace, name
        assert hasattr(gv, name)
    assert gv.float is gv.float32 and gv.math.abs is gv.abs
    shadowing = [n for n in gv.__all__ if n in vars(builtins) or n in sys.stdlib_module_names]
    assert shadowing == []
    # Everything else public is exported, and every exported name exists.
    assert {"placeholder", "gradients", "Session", "Debugger", "nn", "train", "GraphvizMissing"} <= set(
        namespace
    )
    assert [n for n in gv.__all__ if not hasattr(gv, n)] == []
    public = {n for n in dir(gv) if not n.startswith("_") and not isinstance(getattr(gv, n), type(sys))}
    shadows = {n for n in public if n in vars(builtins) or n in sys.stdlib_module_names}
    assert {"abs", "pow", "float", "math"} <= shadows
    assert public - set(gv.__all__) == shadows  # only those are held back


def test_version():
    major, minor, patch = gv.__version__.split(".")
    assert (int(major), int(minor), int(patch)) >= (0, 2, 0)


def test_graphviz_missing_is_exported_and_caught_as_graphvizs_own_error():
    assert issubclass(gv.GraphvizMissing, graphviz.ExecutableNotFound)
    assert issubclass(gv.GraphvizMissing, RuntimeError)
    with pytest.raises(graphviz.ExecutableNotFound):
        raise gv.GraphvizMissing()


@pytest.mark.parametrize(
    ("platform", "first"),
    [
        ("linux", "sudo apt-get install graphviz"),
        ("darwin", "brew install graphviz"),
        ("win32", "winget install graphviz"),
    ],
)
def test_install_hints_put_this_platform_first_and_name_every_other(platform, first):
    from gradviz.viz.dot import install_hint

    lines = install_hint("draw this graph", platform=platform).splitlines()
    assert "needed to draw this graph" in lines[0]
    assert first in lines[1]
    text = "\n".join(lines)
    for command in ("apt-get install graphviz", "brew install graphviz", "winget install graphviz"):
        assert command in text
    assert "conda install -c conda-forge graphviz" in text


@pytest.fixture
def no_dot(tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def test_the_debugger_says_what_needs_dot_without_drawing_source(no_dot):
    ex = gv.examples.linear_regression()
    with pytest.raises(gv.GraphvizMissing) as caught:
        gv.Debugger(ex.cost, [ex.W, ex.b], feed_dict=ex.feed)
    message = str(caught.value)
    assert "lay out the Debugger's graph" in message
    assert "drawing.source" not in message
    assert "brew install graphviz" in message and "apt-get install graphviz" in message


def test_a_drawing_without_dot_raises_graphviz_missing_and_keeps_its_source(no_dot, tmp_path):
    ex = gv.examples.linear_regression()
    drawing = gv.draw(ex.cost, feed_dict=ex.feed)
    with pytest.raises(gv.GraphvizMissing, match="drawing.source"):
        drawing.save(tmp_path / "g.svg")
    assert "digraph" in drawing.source
