"""Snapshots of the main screen (forward, backward, update steps at 120×40 and 80×24) and the modal screens."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from tui_backprop.app import BackpropApp

# Steps of the default [2, 3, 1] scenario: 1..7 forward, 8..14 backward, 15..16 update.
FORWARD = ["right"] * 2  # step 3: activation of layer 1
BACKWARD = ["right"] * 10  # step 11: backward mulGate of layer 2
UPDATE = ["end"]  # step 16: update of W1, b1


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
@pytest.mark.parametrize("keys", [FORWARD, BACKWARD, UPDATE], ids=["forward", "backward", "update"])
def test_main_screen(snap_compare, size, keys):
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=size, press=keys)


def test_update_step_old_new(snap_compare):
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(120, 40), press=["end", "left"])


def test_narrow_side_panels(snap_compare):
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(80, 24), press=["right"] * 10 + ["v"])


def test_help_screen(snap_compare):
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(120, 40), press=["question_mark"])


def test_gradient_check_screen(snap_compare):
    async def run_before(pilot) -> None:
        await pilot.press("g")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(120, 40), run_before=run_before)


def test_picker_screen(snap_compare):
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(120, 40), press=["o"])


def test_big_scenario(snap_compare):
    assert snap_compare(
        BackpropApp(Path(__file__).parent / "data" / "big.toml"), terminal_size=(120, 40), press=["right"] * 4
    )


# --- quiz mode and lessons ------------------------------------------------------------------------


def without_toasts(*keys: str):
    """Press the keys, then clear the notifications and stop the answer field's cursor blinking: whether
    a 3-second toast is still up, or the cursor lit, when the screen is taken depends on how busy the
    machine is."""

    async def run_before(pilot) -> None:
        await pilot.press(*keys)
        pilot.app.clear_notifications()
        for field in pilot.app.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    return run_before


def test_quiz_question(snap_compare):
    """Quiz on, → onto step 3 (a2 = σ(z2)): the result and its shape are hidden, the question is asked."""
    keys = ["k", "right", "4", "x", "3", "enter", "right"]
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(120, 40), run_before=without_toasts(*keys))


def test_quiz_wrong_answer(snap_compare):
    """A wrong shape: revealed with ✗, the right shape and why (element-wise)."""
    keys = ["k", "right", "4", "x", "3", "enter", "right", "3", "x", "4", "enter"]
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(120, 40), run_before=without_toasts(*keys))


def test_quiz_wrong_answer_narrow(snap_compare):
    keys = ["k", "right", "4", "x", "3", "enter", "right", "3", "x", "4", "enter"]
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(80, 24), run_before=without_toasts(*keys))


def test_lesson_message(snap_compare):
    async def run_before(pilot) -> None:
        await pilot.pause()

    assert snap_compare(BackpropApp("lesson-shapes"), terminal_size=(120, 40), run_before=run_before)


# --- small terminals: what is cut says so, and the keys scroll it ------------------------------------


def test_small_result_below_is_announced(snap_compare):
    """60×20, step 1: the result XW1 is below the fold; the matrices panel's border names it."""
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(60, 20))


def test_small_explanation_scrolls_by_keyboard(snap_compare):
    """60×20, step 11: Tab to the cut explanation, ↓ scrolls it; its border counts the lines below."""
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(60, 20), press=["right"] * 10 + ["tab", "down"])


def test_matrices_scroll_after_v_twice(snap_compare):
    """80×24, step 12: side panels shown and hidden again, then PgDn scrolls the matrices without Tab."""
    keys = ["right"] * 11 + ["v", "v", "pagedown"]
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(80, 24), press=keys)


def test_small_side_panels_deep(snap_compare):
    """60×20, deep, `v`: the graph is cut with its cue so that the parameters and cost stay on screen."""
    assert snap_compare(BackpropApp("deep"), terminal_size=(60, 20), press=["v"])


def test_spot_the_bug_revealed(snap_compare):
    """A planted no-fprime@3 found at step 9: δ3 as computed beside δ3 as it should be, the differences marked."""
    app = BackpropApp("sleep-study", bug="no-fprime@3")
    assert snap_compare(app, terminal_size=(120, 40), run_before=without_toasts(*["right"] * 8, "m"))
