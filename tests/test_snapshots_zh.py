"""Snapshots of the app in Chinese (--lang zh): two-cell CJK characters keep the panels, tables, graph and
footer aligned at 120×40 and 80×24. The English ones are tests/test_snapshots.py's, taken the same way."""

from __future__ import annotations

import pytest
from test_snapshots import BACKWARD, FORWARD, UPDATE, settled

from tui_backprop import i18n
from tui_backprop.app import BackpropApp
from tui_backprop.app.compare import CompareApp
from tui_backprop.core.compare import open_pair


@pytest.fixture(autouse=True)
def chinese():
    i18n.start("zh")
    yield
    i18n.start()  # the suite's English (the locale's)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
@pytest.mark.parametrize("keys", [FORWARD, BACKWARD, UPDATE], ids=["forward", "backward", "update"])
def test_main_screen_zh(snap_compare, size, keys):
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=size, run_before=settled(*keys))


def test_narrow_side_panels_zh(snap_compare):
    keys = ["right"] * 10 + ["v"]
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(80, 24), run_before=settled(*keys))


@pytest.mark.parametrize("key", ["question_mark", "g", "o", "t"], ids=["help", "gradcheck", "picker", "train"])
def test_modal_screens_zh(snap_compare, key):
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(120, 40), run_before=settled(key))


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_quiz_question_and_verdict_zh(snap_compare, size):
    """Quiz mode at step 3: a wrong shape's verdict and why; the next question open."""
    keys = ["k", "right", *"4x3", "enter", "right", *"3x4", "enter", "right"]
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=size, run_before=settled(*keys))


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_compare_zh(snap_compare, size):
    """`compare sleep-study --vary learning_rate=3` at its update step: the header, panes and cost plot."""
    app = CompareApp(*open_pair("sleep-study", assignment="learning_rate=3"))
    assert snap_compare(app, terminal_size=size, run_before=settled("end"))
