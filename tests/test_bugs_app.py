"""Spot the bug in the stepper, through Textual's Pilot: marking the right gate, a wrong one, giving up."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from rich.console import Console
from textual.widgets import Static

from tui_backprop.app import BackpropApp
from tui_backprop.app.hunt import POINTS
from tui_backprop.app.widgets.bug import BugPanel
from tui_backprop.app.widgets.header import StepHeader
from tui_backprop.core import parse_text
from tui_backprop.core.bugs import BY_NAME

SIZE = (120, 40)


def text(renderable) -> str:
    console = Console(width=200, record=True, color_system=None, file=open("/dev/null", "w"))
    console.print(renderable)
    return console.export_text()


def panel(app) -> str:
    return text(app.query_one(BugPanel).content)


async def test_marking_the_right_gate_reveals_the_mistake_side_by_side():
    app = BackpropApp("sleep-study", bug="no-fprime@3")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.main.hunt_mode.hunt.step == 9 and "bug 5/5" in app.query_one(StepHeader).text_plain
        assert not app.query_one(BugPanel).display
        titles = " ".join(c.title for c in app.get_system_commands(app.screen))
        assert "Mark this step as the mistaken one" in titles and "Give up the hunt" in titles
        assert "mark" in {b.action for _, b, _, _ in app.active_bindings.values() if b.show}
        await pilot.press(*["right"] * 8)
        assert app.session.position.index == 9 and not app.query_one(BugPanel).display  # nothing gives it away
        await pilot.press("m")
        await pilot.pause()
        assert app.main.hunt_mode.hunt.outcome == "found" and app.main.hunt_mode.hunt.points == POINTS
        assert app.query_one(BugPanel).display
        shown = panel(app)
        assert BY_NAME["no-fprime"].describe(2) in shown.replace("\n", " ")
        mistaken = app.session.step().outputs["delta3"]
        correct = app.session.correct_steps(1)[8].outputs["delta3"]
        assert not np.array_equal(mistaken, correct)
        rows = [line for line in shown.splitlines() if "≠" in line]
        assert len(rows) == 4  # every entry of δ3 differs (f' < 1 everywhere)
        for row, wrong, right in zip(rows, mistaken[:, 0], correct[:, 0]):
            left, _, after = row.partition("≠")
            assert float(left.replace("−", "-")) == round(wrong, 3)
            assert float(after.replace("−", "-")) == round(right, 3)
        await pilot.press("right")
        assert not app.query_one(BugPanel).display  # only on the planted step
        await pilot.press("m")  # the hunt is over: marking does nothing more
        assert app.main.hunt_mode.hunt.points == POINTS and app.main.check_action("mark", ()) is False


async def test_a_wrong_mark_costs_a_point_and_the_hunt_goes_on():
    app = BackpropApp("xor", bug="bias-mean@2")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.main.hunt_mode.hunt.step == 13
        await pilot.press("right", "right", "m")
        await pilot.pause()
        assert app.main.hunt_mode.hunt.points == POINTS - 1 and app.main.hunt_mode.hunt.outcome is None
        assert not app.query_one(BugPanel).display
        await pilot.press("m")  # the same wrong step again costs nothing more
        assert app.main.hunt_mode.hunt.points == POINTS - 1
        await pilot.press(*["right"] * 11, "m")  # step 14: after the mistake, but computed right from it
        assert app.main.hunt_mode.hunt.points == POINTS - 2 and app.main.hunt_mode.hunt.outcome is None
        assert f"bug {POINTS - 2}/{POINTS}" in app.query_one(StepHeader).text_plain
        await pilot.press(*["right"] * 15, "m")  # epoch 2, step 13: the same gate, every epoch
        await pilot.pause()
        assert app.session.position.epoch == 2 and app.main.hunt_mode.hunt.outcome == "found"
        assert app.main.hunt_mode.hunt.points == POINTS - 2 and app.query_one(BugPanel).display


async def test_giving_up_goes_to_the_mistake_and_shows_it():
    app = BackpropApp("xor", bug="stale-weights")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("right", "u")
        await pilot.pause()
        assert app.main.hunt_mode.hunt.outcome == "gave up" and app.main.hunt_mode.hunt.points == 0
        assert app.session.position.index == app.main.hunt_mode.hunt.step == 11
        assert app.query_one(BugPanel).display
        shown = panel(app)
        assert "Given up" in shown and "∂J/∂a2 as computed" in shown and "∂J/∂a2 as it should be" in shown
        assert "∂J/∂W2" not in shown.split("\n\n", 1)[1]  # only the result that differs is compared
        assert app.main.check_action("give_up", ()) is False


async def test_without_a_planted_mistake_there_is_no_hunt():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.main.hunt_mode.hunt is None and app.main.check_action("mark", ()) is False
        await pilot.press("right", "m", "u")
        assert app.session.position.index == 2 and not app.query_one(BugPanel).display
        assert "bug" not in app.query_one(StepHeader).text_plain


async def test_the_gradient_check_names_the_parameters_that_disagree():
    app = BackpropApp("sleep-study", bug="stale-weights")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("g")
        await app.workers.wait_for_complete()
        await pilot.pause()
        summary = text(app.screen.query_one("#grad-summary", Static).content)
        assert "FAIL: W1, b1 disagree" in summary


LESSON = """
name = "Find it"
[data]
X = [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
y = [[1.0], [1.0], [0.0]]
[network]
layers = [2, 3, 1]
seed = 4
[training]
learning_rate = 0.5
[lesson]
bug = "random"
lock_keys = ["gradcheck"]
"""


async def test_a_lesson_plants_its_mistake_and_can_lock_the_hint():
    app = BackpropApp(parse_text(LESSON, "find.toml", ".toml"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.main.hunt_mode.hunt is not None and app.session.planted is not None
        assert app.main.hunt_mode.hunt.step == app.session.bug_step(1)
        await pilot.press("g")
        await pilot.pause()
        assert len(app.screen_stack) == 1  # the gradient check is locked: no hint


def test_a_bad_bug_name_is_one_line_and_exit_1():
    out = subprocess.run(
        [sys.executable, "-m", "tui_backprop", "sleep-study", "--bug", "no-fprme"], capture_output=True, text=True
    )
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.strip().count("\n") == 0 and "did you mean 'no-fprime'" in out.stderr


async def test_the_revealed_entries_are_written_by_the_matrices_rule_under_one_scale():
    """Small entries are written under a power of ten (as in the matrices panel), the same for both sides."""
    app = BackpropApp("xor", bug="bias-mean@2")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        shown = panel(app)
        assert "∂J/∂b1 as computed (1×3) ×10⁻²" in shown and "∂J/∂b1 as it should be ×10⁻²" in shown
        wrong = app.session.step().outputs["dJ_db1"]
        right = app.session.correct_steps(1)[12].outputs["dJ_db1"]
        row = next(line for line in shown.splitlines() if "≠" in line)
        left, _, after = row.partition("≠")
        decimals = app.main.decimals
        assert [float(x) for x in left.split()] == [round(x * 100, decimals) for x in wrong[0]]
        assert [float(x) for x in after.split()] == [round(x * 100, decimals) for x in right[0]]


async def test_hunting_under_a_fused_output_and_momentum():
    """xor-bce's output δ is one fused step; the mistake below it is found there all the same. With momentum
    the hunt runs the same way, and reset keeps the hunt (the same mistake, the same score)."""
    app = BackpropApp("xor-bce", bug="no-fprime@2")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        hunt = app.main.hunt_mode.hunt
        step = app.session.epoch_pass(1)[2][hunt.step - 1]
        assert step.title.startswith("f'") and step.layer == 1
        await pilot.press(*["right"] * (hunt.step - 1), "m")
        await pilot.pause()
        assert hunt.outcome == "found" and app.query_one(BugPanel).display
    app = BackpropApp("sleep-momentum", bug="bias-first-row@2")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m")
        assert app.main.hunt_mode.hunt.points == POINTS - 1
        await pilot.press("r")
        await pilot.pause()
        assert app.main.hunt_mode.hunt.points == POINTS - 1 and app.main.check_action("mark", ()) is True
        await pilot.press("u")
        await pilot.pause()
        assert app.session.position.index == app.main.hunt_mode.hunt.step and app.query_one(BugPanel).display
