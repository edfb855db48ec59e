"""Snapshots of the main screen (forward, backward, update steps at 120×40 and 80×24) and the modal screens.

Every snapshot is taken through `settled`: keys, then every worker finished, then no toast (they
time out) and no blinking cursor — nothing on screen depends on how long the run took.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from tui_backprop.app import BackpropApp

DATA = Path(__file__).parent / "data"


def settled(*keys: str):
    """A run_before for snap_compare: press the keys and wait until nothing on screen is timed."""

    async def run_before(pilot) -> None:
        app = pilot.app
        await pilot.press(*keys)
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.clear_notifications()
        for field in app.screen.query(Input):
            field.cursor_blink = False  # a blinking cursor is shown or not depending on the moment
        await pilot.pause()
        assert not app.screen.query("Toast"), "a timed notification would be in the snapshot"

    return run_before


# Steps of the default [2, 3, 1] scenario: 1..7 forward, 8..14 backward, 15..16 update.
FORWARD = ["right"] * 2  # step 3: activation of layer 1
BACKWARD = ["right"] * 10  # step 11: backward mulGate of layer 2
UPDATE = ["end"]  # step 16: update of W1, b1


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
@pytest.mark.parametrize("keys", [FORWARD, BACKWARD, UPDATE], ids=["forward", "backward", "update"])
def test_main_screen(snap_compare, size, keys):
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=size, run_before=settled(*keys))


def test_update_step_old_new(snap_compare):
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(120, 40), run_before=settled("end", "left"))


def test_narrow_side_panels(snap_compare):
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(80, 24), run_before=settled(*["right"] * 10 + ["v"]))


def test_help_screen(snap_compare):
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(120, 40), run_before=settled("question_mark"))


def test_gradient_check_screen(snap_compare):
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(120, 40), run_before=settled("g"))


def test_picker_screen(snap_compare):
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(120, 40), run_before=settled("o"))


def test_big_scenario(snap_compare):
    assert snap_compare(BackpropApp(DATA / "big.toml"), terminal_size=(120, 40), run_before=settled(*["right"] * 4))


# --- quiz mode and lessons ------------------------------------------------------------------------


def test_quiz_question(snap_compare):
    """Quiz on, → onto step 3 (a2 = σ(z2)): the result and its shape are hidden, the question is asked."""
    assert snap_compare(
        BackpropApp("sleep-study"),
        terminal_size=(120, 40),
        run_before=settled("k", "right", "4", "x", "3", "enter", "right"),
    )


def test_quiz_wrong_answer(snap_compare):
    """A wrong shape: revealed with ✗, the right shape and why (element-wise)."""
    keys = ["k", "right", "4", "x", "3", "enter", "right", "3", "x", "4", "enter"]
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(120, 40), run_before=settled(*keys))


def test_quiz_wrong_answer_narrow(snap_compare):
    keys = ["k", "right", "4", "x", "3", "enter", "right", "3", "x", "4", "enter"]
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(80, 24), run_before=settled(*keys))


def test_lesson_message(snap_compare):
    assert snap_compare(BackpropApp("lesson-shapes"), terminal_size=(120, 40), run_before=settled())


# --- small terminals: what is cut says so, and the keys scroll it ------------------------------------


def test_small_result_below_is_announced(snap_compare):
    """60×20, step 1: the result XW1 is below the fold; the matrices panel's border names it."""
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(60, 20), run_before=settled())


def test_small_explanation_scrolls_by_keyboard(snap_compare):
    """60×20, step 11: Tab to the cut explanation, ↓ scrolls it; its border counts the lines below."""
    assert snap_compare(
        BackpropApp("sleep-study"), terminal_size=(60, 20), run_before=settled(*["right"] * 10, "tab", "down")
    )


def test_matrices_scroll_after_v_twice(snap_compare):
    """80×24, step 12: side panels shown and hidden again, then PgDn scrolls the matrices without Tab."""
    keys = ["right"] * 11 + ["v", "v", "pagedown"]
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(80, 24), run_before=settled(*keys))


def test_small_side_panels_deep(snap_compare):
    """60×20, deep, `v`: the graph is cut with its cue so that the parameters and cost stay on screen."""
    assert snap_compare(BackpropApp("deep"), terminal_size=(60, 20), run_before=settled("v"))


# --- training, divergence, a deeper network, a dead unit -----------------------------------------------


def test_cost_curve_after_training(snap_compare):
    """t, Enter: 100 epochs of sleep-study; the cost panel's curve and the new weights."""
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(120, 40), run_before=settled("t", "enter"))


def test_divergence_notice(snap_compare):
    """Training that diverges at epoch 3: the banner stays (the toast that also says so is timed)."""
    app = BackpropApp(DATA / "diverge.toml")
    assert snap_compare(app, terminal_size=(120, 40), run_before=settled("t", "enter"))


def test_deep_graph(snap_compare):
    """[2, 4, 3, 1]: three layers each way in the graph, at the backward f′ of layer 2 (δ3)."""
    assert snap_compare(BackpropApp("deep"), terminal_size=(120, 40), run_before=settled(*["right"] * 14))


def test_dead_relu_unit(snap_compare):
    """relu-hidden at the backward f′ of layer 1: unit 3 of layer 2 is dead, its column of δ2 exactly 0."""
    assert snap_compare(BackpropApp("relu-hidden"), terminal_size=(120, 40), run_before=settled(*["right"] * 11))


def test_every_snapshot_is_settled():
    """No snap_compare takes keys by `press=` or its own run_before: each goes through `settled`."""
    import ast

    tree = ast.parse(Path(__file__).read_text())
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "snap_compare"]
    assert len(calls) >= 15
    for call in calls:
        keywords = {k.arg: k.value for k in call.keywords}
        assert "press" not in keywords, call.lineno
        run_before = keywords.get("run_before")
        assert isinstance(run_before, ast.Call) and run_before.func.id == "settled", call.lineno


def test_spot_the_bug_revealed(snap_compare):
    """A planted no-fprime@3 found at step 9: δ3 as computed beside δ3 as it should be, the differences marked."""
    app = BackpropApp("sleep-study", bug="no-fprime@3")
    assert snap_compare(app, terminal_size=(120, 40), run_before=settled(*["right"] * 8, "m"))
