"""The docs' drawings keep their exact DOT text: tests/data/dot_golden/ was recorded before the
architecture refactor, and a change to the visual layer that should not change a picture must
leave every byte of it as it was. (Re-record with `python -m tests.viz.golden` only for a change
that is meant to change the pictures.)"""

import pytest

from .golden import GOLDEN, drawings

SOURCES = drawings()


def test_every_golden_file_is_drawn():
    assert sorted(p.stem for p in GOLDEN.glob("*.dot")) == sorted(SOURCES)


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_dot_source_is_byte_identical(name):
    recorded = (GOLDEN / f"{name}.dot").read_text(encoding="utf-8")
    assert SOURCES[name] == recorded


def test_stepper_css_is_unchanged():
    from gradviz.viz import theme

    assert theme.STEPPER_CSS == (GOLDEN.parent / "stepper.css").read_text(encoding="utf-8")
