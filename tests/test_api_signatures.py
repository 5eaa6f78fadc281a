"""The signatures written in docs/api.md are the code's: each `gv.name(params)` there must name
parameters of the real callable, in their order, with the same defaults, and every required one.

Optional parameters may be left out (the reference shows the ones that matter; a `...` marks
the place where some are); a default written as `...` (`labels=...`) means "given by keyword",
and is not compared; a parameter whose default is None may be written without it.
"""

import ast
import inspect
import re
from pathlib import Path

import pytest

import gradviz as gv

API = (Path(__file__).resolve().parent.parent / "docs" / "api.md").read_text(encoding="utf-8")
SIGNATURE = re.compile(r"`gv\.([A-Za-z_][\w.]*)\(([^`]*)\)`")
MORE = object()  # a `...` in the parameter list
# Other ways to call the same signature, written as such in api.md: (name, documented params).
ALTERNATIVES = {  # a BackpropTrace in the first parameter's place: Debugger(trace), ...
    ("Debugger", "trace"),
    ("gradient_summary", "trace"),
    ("find_nonfinite", "trace"),
}


def documented():
    """(dotted name, parameter text) for every signature in api.md, first occurrence of each."""
    seen = {}
    for name, params in SIGNATURE.findall(API):
        if (name, params) not in ALTERNATIVES and params.strip() != "...":  # (...): as above
            seen.setdefault((name, params), None)
    return list(seen)


def split_params(text):
    """Top-level comma split: `a, b=(1, 2), ...` -> ["a", "b=(1, 2)", "..."]."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char in "([{"
        depth -= char in ")]}"
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [p for p in [*parts, current.strip()] if p]


def parse(text):
    """[(name, default source or None)] with MORE for `...`; `*xs` and `**kw` keep their stars."""
    params = []
    for part in split_params(text):
        if part == "...":
            params.append(MORE)
            continue
        name, _, default = part.partition("=")
        params.append((name.strip(), default.strip() or None))
    return params


def resolve(dotted):
    obj = gv
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def real_params(obj):
    params = []
    for p in inspect.signature(obj).parameters.values():
        star = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "")
        params.append((star + p.name, p))
    return params


def same_default(documented_default, real):
    if documented_default == "...":
        return True
    if real.default is inspect.Parameter.empty:
        return False
    try:
        value = ast.literal_eval(documented_default)
    except ValueError:  # a name: gv.UnconnectedGradients.NONE, float32
        try:
            value = eval(documented_default.removeprefix("gv."), vars(gv))  # noqa: S307
        except Exception:
            return documented_default.removeprefix("gv.") == _dotted(real.default)
    if isinstance(value, list | tuple) and isinstance(real.default, list | tuple):
        return tuple(value) == tuple(real.default)
    return value == real.default or str(value) == str(real.default)


def _dotted(value):
    return f"{type(value).__name__}.{getattr(value, 'name', value)}"


def mismatches(dotted, text):
    """What differs between the documented and the real parameters (empty when they agree)."""
    real = real_params(resolve(dotted))
    names = [name for name, _ in real]
    problems, position = [], 0
    for item in parse(text):
        if item is MORE:
            continue
        name, default = item
        if name not in names[position:]:
            problems.append(f"{name!r} is not a parameter (in this order) of {names}")
            continue
        index = names.index(name, position)
        problems += _required(real[position:index], f"before {name!r}")
        real_param = real[index][1]
        # None as the default of a parameter documented as needed is a sentinel (Debugger(trace)
        # needs no xs): only a real default must be written
        if default is None and real_param.default not in (inspect.Parameter.empty, None):
            problems.append(f"{name!r} is documented without its default {real_param.default!r}")
        if default is not None and not same_default(default, real_param):
            problems.append(f"{name!r}: documented default {default}, real {real_param.default!r}")
        position = index + 1
    return problems + _required(real[position:], "at the end")


def _required(skipped, where):
    names = [n for n, p in skipped if p.default is inspect.Parameter.empty and not n.startswith("*")]
    return [f"required {names} not documented {where}"] if names else []


SIGNATURES = documented()


def test_api_md_has_signatures_to_check():
    assert len(SIGNATURES) >= 30


@pytest.mark.parametrize(("name", "params"), SIGNATURES, ids=[f"{n}({p[:30]})" for n, p in SIGNATURES])
def test_documented_signature_matches_the_code(name, params):
    assert mismatches(name, params) == []


def test_the_checker_finds_a_wrong_default_a_missing_and_an_unknown_parameter():
    assert mismatches("placeholder", "dtype, shape=None, name=None") == []
    assert mismatches("placeholder", "dtype, shape=(), name=None")  # wrong default
    assert mismatches("placeholder", "dtype, ..., name=None") == []
    assert mismatches("placeholder", "name=None")  # the required dtype left out
    assert mismatches("placeholder", "dtype, shape=None, nam=None")  # no such parameter
    assert mismatches("placeholder", "shape=None, dtype, name=None")  # order
    assert mismatches("constant", "value, dtype=None, shape=None, name")  # default "Const" missing
    assert mismatches("where", "condition, x, y") == []  # ops declared with register_op too
    assert mismatches("where", "cond, x, y")
