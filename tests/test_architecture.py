"""The seams of the layout hold: nothing outside the ops package names an op type, and the engine
and the debug layer never import the visual layer (the arrows point one way)."""

import ast
import re
from pathlib import Path

import gradviz  # noqa: F401  (registers every op)
from gradviz.engine.ops.registry import OPS

PACKAGE = Path(gradviz.__file__).parent
OPS_PACKAGE = PACKAGE / "engine" / "ops"


def _sources(under=PACKAGE):
    return sorted(under.rglob("*.py"))


def _string_literals(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def test_no_op_type_string_outside_the_ops_package():
    op_types = set(OPS)
    found = [
        f"{path.relative_to(PACKAGE)}:{line}: {text!r}"
        for path in _sources()
        if OPS_PACKAGE not in path.parents
        for line, text in _string_literals(path)
        if text in op_types
    ]
    assert found == []


def test_the_check_finds_an_op_type_string(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text('"""Doc naming Placeholder."""\nKIND = {"Placeholder": 1}\n', encoding="utf-8")
    assert [text for _, text in _string_literals(probe) if text in OPS] == ["Placeholder"]


def _imported_modules(path):
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module) if p)
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def test_engine_and_debug_never_import_the_visual_layer():
    found = [
        f"{path.relative_to(PACKAGE)}: {module}"
        for layer in ("engine", "debug")
        for path in _sources(PACKAGE / layer)
        for module in _imported_modules(path)
        if re.match(r"gradviz\.viz(\.|$)", module)
    ]
    assert found == []


def test_the_engine_imports_nothing_of_the_layers_above_it():
    found = [
        f"{path.relative_to(PACKAGE)}: {module}"
        for path in _sources(PACKAGE / "engine")
        for module in _imported_modules(path)
        if re.match(r"gradviz\.(viz|debug)(\.|$)|graphviz|ipywidgets|matplotlib", module)
    ]
    assert found == []


def test_the_import_check_sees_a_relative_import_of_viz():
    path = PACKAGE / "debug" / "summary.py"
    assert "gradviz.format" in set(_imported_modules(path))


def test_every_colour_and_css_class_lives_in_the_theme():
    """One theme table: hex colours and "gv-" class names appear nowhere else in the package."""
    pattern = re.compile(r"(?<!&)#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b|\bgv-[a-z]")  # not &#160;
    theme = PACKAGE / "viz" / "theme.py"
    found = [
        f"{path.relative_to(PACKAGE)}:{line}: {text!r}"
        for path in _sources()
        if path != theme
        for line, text in _string_literals(path)
        if pattern.search(text)
    ]
    assert found == []


def test_the_backward_pass_functions_share_one_argument_order():
    import inspect

    common = ["ys", "xs", "feed_dict", "grad_ys", "stop_gradients", "session"]
    common += ["aggregation_method", "unconnected_gradients"]
    for function in (gradviz.trace_backward, gradviz.draw_backward, gradviz.Debugger):
        assert list(inspect.signature(function).parameters)[: len(common)] == common, function
    compare = list(inspect.signature(gradviz.compare_backward).parameters)
    assert compare[:3] == common[:3] and compare.index("session") < compare.index("titles")
