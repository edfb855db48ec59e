"""Snapshots of `backprop-tui compare` at 120×40 (both sides) and 80×24 (one side, `a` for the other).

Taken through test_snapshots' `settled`: nothing on screen depends on how long the run took.
"""

from __future__ import annotations

import pytest
from test_snapshots import settled

from tui_backprop.app.compare import CompareApp
from tui_backprop.core.compare import open_pair

SIZES = pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])


def learning_rates() -> CompareApp:
    return CompareApp(*open_pair("sleep-study", assignment="learning_rate=3"))


@SIZES
def test_the_update_step_marks_what_the_learning_rate_changed(snap_compare, size):
    """Step 16 of epoch 1: the same gradients on both sides, new W1 and b1 differ (reversed in both)."""
    assert snap_compare(learning_rates(), terminal_size=size, run_before=settled("end"))


@SIZES
def test_trained_both_the_cost_plot_has_both_curves(snap_compare, size):
    """`t` 100 epochs, then to the cost step of epoch 101: A solid, B dotted; the forward values differ."""
    keys = ["t", "enter", *["right"] * 6]
    assert snap_compare(learning_rates(), terminal_size=size, run_before=settled(*keys))


def test_narrow_b_side(snap_compare):
    """80 columns after `a`: B's pane (tanh hidden units beside sigmoid ones), the header as before."""
    app = CompareApp(*open_pair("sleep-study", "tanh-hidden"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled("right", "right", "a"))
