"""Pilot tests of the terminal stepper: every key and every screen."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import time
from pathlib import Path

import pytest
from conftest import nonfinite_shown
from rich.console import Console
from textual.widgets import DataTable, Input, OptionList, Static

from tui_backprop import counts
from tui_backprop.app import BackpropApp
from tui_backprop.app.keys import KEYS, bindings, locked_actions
from tui_backprop.app.screens.gradcheck import GradCheckScreen
from tui_backprop.app.screens.help import HelpScreen
from tui_backprop.app.screens.main import MainScreen
from tui_backprop.app.screens.picker import PickerScreen
from tui_backprop.app.screens.train import TrainScreen
from tui_backprop.app.view import WRITTEN, fmt, matrix_text
from tui_backprop.app.widgets.header import StepHeader
from tui_backprop.app.widgets.notice import Notice
from tui_backprop.core import Position, ScenarioError, parse_text, resolve
from tui_backprop.core.lesson import Lesson

DATA = Path(__file__).parent / "data"
BIG = DATA / "big.toml"
SIZE = (120, 40)


def plain(renderable, width: int = 200) -> str:
    console = Console(width=width, record=True, color_system=None, file=open("/dev/null", "w"))
    console.print(renderable)
    return console.export_text()


def header(app) -> str:
    return app.query_one(StepHeader).text_plain


def body(app, selector: str) -> str:
    return plain(app.query_one(selector).content)  # a Static's, or the matrices panel's Text


async def wait_workers(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


# --- construction -------------------------------------------------------------------------------


def test_constructor_forms(tmp_path):
    assert BackpropApp().scenario.name == resolve(None).name
    assert BackpropApp("xor").scenario.layers == resolve("xor").layers
    assert BackpropApp(resolve("and")).scenario.layers == [2, 1]
    assert BackpropApp(BIG).scenario.m == 256
    assert BackpropApp(str(BIG), decimals=5).initial_decimals == 5
    with pytest.raises(ScenarioError):
        BackpropApp("no-such-scenario")
    with pytest.raises(ScenarioError):
        BackpropApp(tmp_path)  # a directory
    bad = tmp_path / "bad.toml"
    bad.write_text("name = 'x'\n[data]\nX = [[1, 2]]\n")
    app = BackpropApp(bad)  # the contents are validated when the scenario is loaded: after the first screen
    with pytest.raises(ScenarioError):
        app.scenario


@pytest.mark.parametrize("defer", [None, True], ids=["headless", "as-in-a-terminal"])
async def test_a_file_that_cannot_be_used_ends_the_app_at_launch(tmp_path, defer):
    bad = tmp_path / "bad.toml"
    bad.write_text("name = 'Bad one'\n[data]\nX = [[1, 2]]\n")
    expected = str(pytest.raises(ScenarioError, parse_text, bad.read_text(), str(bad), ".toml").value)
    app = BackpropApp(bad)
    app.defer_load = defer
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("right")  # nothing to step: no crash
    assert app.return_code == 1
    assert app.startup_error == expected and str(bad) in expected
    assert "\n" not in app.startup_error


async def test_the_first_screen_does_not_wait_for_the_scenario(monkeypatch):
    first = []
    on_ready = BackpropApp.on_ready

    async def watched(self) -> None:
        first.append((self.loaded, plain(self.query_one(StepHeader).content).strip()))
        await on_ready(self)

    monkeypatch.setattr(BackpropApp, "on_ready", watched)
    mounted = []
    on_mount = MainScreen.on_mount

    async def at_mount(self) -> None:  # before anything is painted: what the first frame will show
        mounted.append(plain(self.query_one(StepHeader).content).strip())
        await on_mount(self)

    monkeypatch.setattr(MainScreen, "on_mount", at_mount)
    app = BackpropApp("sleep-study")
    app.defer_load = True  # as in a terminal (headless, the scenario is loaded on mount)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert mounted == ["Sleep and study → test score"]
        assert first == [(False, "Sleep and study → test score")]  # the first frame: the name, before the engine
        assert app.loaded and app.return_code is None
        assert app.query_one("#step").outer_size.height >= 5
        # The quiz and progress panels, mounted after the first frame, are where compose puts them headless.
        ids = [w.id for w in app.screen.walk_children() if w.id]
        await pilot.press("right")
        assert app.session.position == Position(1, 2)
    eager = BackpropApp("sleep-study")
    async with eager.run_test(size=(80, 24)):
        assert [w.id for w in eager.screen.walk_children() if w.id] == ids


async def test_when_loaded_is_called_once_the_scenario_is_shown():
    calls = []
    app = BackpropApp("xor")
    app.defer_load = True
    app.when_loaded = lambda: calls.append(app.loaded)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("right")
    assert calls == [True]


async def test_a_key_before_the_scenario_is_loaded_loads_it_first(monkeypatch):
    async def not_yet(self) -> None:
        pass  # as if the keys came before the first frame

    monkeypatch.setattr(BackpropApp, "on_ready", not_yet)
    app = BackpropApp("sleep-study")
    app.defer_load = True
    async with app.run_test(size=SIZE) as pilot:
        assert not app.loaded
        await pilot.press("right")
        assert app.loaded and app.session.position == Position(1, 2)


# --- the key table ------------------------------------------------------------------------------


async def test_key_table_drives_bindings_and_palette():
    actions = [spec.action for spec in KEYS]
    assert len(actions) == len(set(actions)), "each action declared once"
    assert [b.action for b in bindings()] == actions
    assert [b.action for b in MainScreen.BINDINGS] == actions
    app = BackpropApp()
    async with app.run_test(size=SIZE):
        titles = {c.title for c in app.get_system_commands(app.screen)}
        footer = {b.action for _, b, enabled, _ in app.active_bindings.values() if b.show}
    for spec in KEYS:
        # only while training (test_training_can_be_stopped), while hunting a planted mistake (test_bugs_app)
        if spec.action in ("stop_training", "mark", "give_up"):
            assert spec.action not in footer and not any(spec.palette_title in t for t in titles)
            continue
        if spec.action != "quit":  # Textual's own palette already has Quit
            assert any(spec.palette_title in t for t in titles), spec.action
        if spec.show:
            assert spec.action in footer


def test_lesson_locks_actions():
    assert locked_actions(Lesson(lock_keys=("train", "gradcheck", "help", "nonsense"))) == {"train", "gradcheck"}
    assert locked_actions(Lesson()) == frozenset()
    assert locked_actions(Lesson(lock_keys=("quiz",))) == {"quiz"}
    assert locked_actions(Lesson(lock_keys=("quit",))) == frozenset()  # help and quit are never locked


async def test_locked_key_does_nothing_and_is_hidden():
    scenario = resolve(None)
    locked = dataclasses.replace(scenario, lesson=Lesson(lock_keys=("train",)))
    app = BackpropApp(locked)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        assert not isinstance(app.screen, TrainScreen)
        assert all("Train" not in c.title for c in app.get_system_commands(app.screen))
        await pilot.press("question_mark")
        assert "locked" in plain(app.screen.query_one("#help-table", Static).content)


# --- stepping -----------------------------------------------------------------------------------


async def test_step_keys_forward_and_back():
    app = BackpropApp()
    async with app.run_test(size=SIZE) as pilot:
        s = app.session
        assert "step 1/16" in header(app) and "Sleep and study" in header(app)
        assert "FORWARD" in header(app)
        await pilot.press("right", "l", "n")
        assert s.position == Position(1, 4)
        await pilot.press("left", "h", "p")
        assert s.position == Position(1, 1)
        await pilot.press("left")  # the very first step: stays
        assert s.position == Position(1, 1)
        await pilot.press("end")
        assert s.position == Position(1, 16) and "UPDATE" in header(app)
        await pilot.press("home")
        assert s.position == Position(1, 1)


async def test_whole_epoch_forward_then_back_across_the_update():
    app = BackpropApp()
    async with app.run_test(size=SIZE) as pilot:
        s = app.session
        phases = []
        for _ in range(s.n_steps):
            phases.append(header(app).split("·")[-1].strip())
            await pilot.press("right")
        assert phases[:7] == ["FORWARD"] * 7 and phases[7:14] == ["BACKWARD"] * 7 and phases[14:] == ["UPDATE"] * 2
        assert s.position == Position(2, 1)
        assert "epoch 2" in header(app)
        await pilot.press("left")  # back across the update into epoch 1
        assert s.position == Position(1, 16)
        assert "epoch 1" in header(app) and "UPDATE" in header(app)
        for _ in range(s.n_steps - 1):
            await pilot.press("left")
        assert s.position == Position(1, 1)


async def test_panels_show_the_step():
    app = BackpropApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("end")
        for _ in range(5):
            await pilot.press("left")
        # step 11: backward mulGate of layer 2
        assert app.session.position.index == 11
        step_text = body(app, "#step")
        assert "∂J/∂W2 = a2ᵀ · δ3" in step_text and "(3×4)·(4×1) → 3×1" in step_text
        matrices = body(app, "#matrices")
        assert "a2  4×3" in matrices and "δ3  4×1" in matrices and "✎ ∂J/∂W2  3×1" in matrices
        step = app.session.step()
        assert fmt(step.outputs["dJ_dW2"][0, 0], 3) in matrices
        assert "switcher" in body(app, "#explanation-text")
        graph = body(app, "#graph")
        assert "W2 3×1" in graph and "◀ δ3" in graph and "─4×3" in graph
        assert "J = 0.1446" in body(app, "#cost-text")


async def test_update_step_shows_old_new_and_change():
    app = BackpropApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("end", "left")  # step 15: update of W2, b2
        step = app.session.step()
        assert step.phase == "update" and step.layer == 2
        params = body(app, "#params-body")
        assert "old → new" in params
        old, new = step.inputs["W2"][0, 0], step.outputs["W2"][0, 0]
        assert f"{fmt(old, 3)} → {fmt(new, 3)}" in params
        matrices = body(app, "#matrices")
        assert "∂J/∂W2" in matrices and "✎ new W2" in matrices and "✎ new b2" in matrices
        await pilot.press("right")  # step 16: W2 now shown updated
        assert "updated ✓" in body(app, "#params-body")


async def test_run_to_end_of_epoch():
    app = BackpropApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        for _ in range(100):
            if app.main.playing is None:
                break
            await pilot.pause(0.05)
        assert app.session.position == Position(1, 16)
        await pilot.press("e")  # at the end: runs through the next epoch
        for _ in range(100):
            if app.main.playing is None:
                break
            await pilot.pause(0.05)
        assert app.session.position == Position(2, 16)


async def test_play_pause_and_speed():
    app = BackpropApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("plus", "plus", "plus", "plus", "plus")  # fastest: 0.1 s
        assert app.main.speed == 4
        await pilot.press("space")
        assert "playing" in header(app)
        await pilot.pause(0.45)
        await pilot.press("space")
        assert "playing" not in header(app)
        reached = app.session.position.index
        assert reached >= 3
        await pilot.pause(0.3)
        assert app.session.position.index == reached  # paused stays put
        await pilot.press("minus")
        assert app.main.speed == 3


# --- train, reset, decimals ---------------------------------------------------------------------


async def test_train_default_100_epochs():
    app = BackpropApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        assert isinstance(app.screen, TrainScreen)
        assert app.screen.query_one(Input).value == "100"
        await pilot.press("enter")
        await wait_workers(app, pilot)
        await pilot.pause()
        s = app.session
        assert s.frontier == 101 and s.position == Position(101, 1)
        assert len(s.costs) == 101 and s.costs[-1] < s.costs[0]
        assert "epoch 101" in header(app)
        # epoch 101 stands at step 1: its J is not computed in the walk yet, so the curve ends at 100
        assert "epoch 1: 0.1446 → 100:" in body(app, "#cost-text") and "J = —" in body(app, "#cost-text")
        assert app.query_one("#cost-chart").display
        assert not app.main.trainer.running
        await pilot.press("left")  # back across the update into epoch 100
        assert s.position == Position(100, 16)


async def test_train_rejects_bad_counts():
    assert counts.epochs("100") == 100
    assert counts.epochs("1,000") == 1000
    for bad in ("0", "-3", "abc", "1000001", "2.5"):
        with pytest.raises(ValueError, match="expected"):
            counts.epochs(bad)
    app = BackpropApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        inp = app.screen.query_one(Input)
        inp.value = "0"
        await pilot.press("enter")
        assert isinstance(app.screen, TrainScreen)
        assert "expected 1 to 1,000,000" in str(app.screen.query_one("#train-error", Static).content)
        await pilot.press("escape")
        assert not isinstance(app.screen, TrainScreen)
        assert app.session.frontier == 1


async def _until(predicate, timeout: float = 5.0) -> float:
    start = time.perf_counter()
    while not predicate():
        assert time.perf_counter() - start < timeout, "timed out"
        await asyncio.sleep(0.005)
    return time.perf_counter() - start


async def test_training_keeps_ui_responsive():
    app = BackpropApp(BIG)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        app.screen.query_one(Input).value = "8000"
        # Pilot.press waits for the app to be idle, which a busy worker delays: poll instead.
        enter = asyncio.create_task(pilot.press("enter"))
        await _until(lambda: app.main.trainer.running)
        assert app.query_one("#progress").has_class("-active")
        assert "training 8,000 epochs" in header(app)
        help_key = asyncio.create_task(pilot.press("question_mark"))
        await _until(lambda: isinstance(app.screen, HelpScreen))
        assert app.main.trainer.running, "help opened while the worker was still training"
        await enter
        await help_key
        await pilot.press("escape")
        await wait_workers(app, pilot)
        assert not app.main.trainer.running and app.session.frontier == 8001
        assert not app.query_one("#progress").has_class("-active")
        assert app.session.position == Position(8001, 1)


HOT = """
name = "Too hot"
[data]
X = [[0.3, 1.0], [0.5, 0.2], [1.0, 0.4]]
y = [[0.75], [0.82], [0.93]]
[weights]
W1 = [[0.5], [-0.4]]
b1 = [[0.1]]
[training]
learning_rate = 50.0
output_activation = "identity"
"""


async def test_divergence_is_a_message_not_nan():
    scenario = parse_text(HOT, "hot.toml", ".toml")
    app = BackpropApp(scenario)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await pilot.press("enter")
        await wait_workers(app, pilot)
        assert app.session.diverged is not None
        notice = app.query_one(Notice)
        assert notice.has_class("-visible") and "diverged" in str(notice.content)
        for _ in range(app.session.n_steps + 1):
            await pilot.press("right")
        assert not nonfinite_shown(app)
        assert "lower the learning rate" in str(notice.content)


async def test_reset_and_decimals():
    app = BackpropApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("end", "right", "right")
        assert app.session.position == Position(2, 2)
        await pilot.press("r")
        assert app.session.position == Position(1, 1) and app.session.frontier == 1
        assert app.main.decimals == 3
        seen = []
        for _ in range(4):
            await pilot.press("d")
            seen.append(app.main.decimals)
        assert seen == [4, 6, 2, 3]
        await pilot.press("d")
        assert "0.3000" in body(app, "#matrices")


# --- screens ------------------------------------------------------------------------------------


async def test_help_lists_every_key():
    app = BackpropApp()
    async with app.run_test(size=SIZE) as pilot:
        for key in ("question_mark", "f1"):
            await pilot.press(key)
            assert isinstance(app.screen, HelpScreen)
            text = plain(app.screen.query_one("#help-table", Static).content)
            for spec in KEYS:
                assert spec.display in text
                assert spec.help.split(":")[0].split(";")[0][:30] in " ".join(text.split())
            await pilot.press("escape")
            assert not isinstance(app.screen, HelpScreen)


async def test_gradient_check_screen():
    app = BackpropApp("deep")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        assert isinstance(app.screen, GradCheckScreen)
        await wait_workers(app, pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 6  # W1 b1 W2 b2 W3 b3
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert [r[0] for r in rows] == ["W1", "b1", "W2", "b2", "W3", "b3"]
        assert all(r[-1] == "ok" for r in rows)
        assert "all ok" in str(app.screen.query_one("#grad-summary", Static).content)
        # per parameter: its worst entry, analytic and numerical there, the max relative error (one tolerance)
        from tui_backprop.core import gradient_check
        from tui_backprop.core.network import TOLERANCE

        labels = [str(c.label) for c in table.columns.values()]
        assert labels[:6] == ["param", "shape", "worst", "analytic", "numerical", "rel. error"]
        assert labels[6] == f"≤ {TOLERANCE:g}"
        entries = gradient_check(app.session.net, app.session.params_at(1))
        for row, e in zip(rows, entries):
            i, j = divmod(int(e.relative_error.argmax()), e.relative_error.shape[1])
            assert str(row[2]) == f"[{i + 1},{j + 1}]" and row[1] == f"{e.analytic.shape[0]}×{e.analytic.shape[1]}"
            assert float(str(row[3])) == pytest.approx(e.analytic[i, j], rel=1e-5)
            assert float(str(row[4])) == pytest.approx(e.numerical[i, j], rel=1e-5)
            assert str(row[5]) == f"{e.max_error:.2e}"
        await pilot.press("escape")
        assert not isinstance(app.screen, GradCheckScreen)


async def test_picker_opens_bundled_scenario():
    app = BackpropApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right")
        await pilot.press("o")
        assert isinstance(app.screen, PickerScreen)
        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        options.highlighted = ids.index("xor")
        await pilot.press("enter")
        assert not isinstance(app.screen, PickerScreen)
        assert app.scenario.layers == resolve("xor").layers
        assert app.session.position == Position(1, 1)
        assert resolve("xor").name in header(app)


async def test_picker_bad_file_keeps_current(tmp_path):
    bad = tmp_path / "broken.toml"
    bad.write_text("name = 'broken'\n[data]\nX = [[1, 2], [3]]\ny = [[1], [0]]\n")
    app = BackpropApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right", "right")
        await pilot.press("o")
        inp = app.screen.query_one("#picker-path", Input)
        inp.focus()
        inp.value = str(bad)
        await pilot.press("enter")
        assert isinstance(app.screen, PickerScreen), "the picker stays open"
        error = str(app.screen.query_one("#picker-error", Static).content)
        assert "broken.toml" in error and "\n" not in error
        inp.value = str(tmp_path / "missing.toml")
        await pilot.press("enter")
        assert "missing.toml" in str(app.screen.query_one("#picker-error", Static).content)
        await pilot.press("escape")
        assert app.scenario.name == resolve(None).name
        assert app.session.position == Position(1, 3)
        # and a good file by path
        await pilot.press("o")
        inp = app.screen.query_one("#picker-path", Input)
        inp.focus()
        inp.value = str(BIG)
        await pilot.press("enter")
        assert app.scenario.m == 256


async def test_command_palette_runs_a_key_action():
    app = BackpropApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CommandPalette"
        await pilot.press(*"next step")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.position == Position(1, 2)
        await pilot.press("ctrl+p", *"gradient check")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, GradCheckScreen)
        await pilot.press("escape")


async def test_scroll_keys_move_a_matrix_too_large_for_its_panel():
    """shift+← / shift+→, ↑ ↓ PgUp PgDn: the README's scroll keys, on a matrix far larger than the panel."""
    app = BackpropApp(BIG)
    async with app.run_test(size=(60, 24)) as pilot:
        panel = app.query_one("#matrices")
        assert app.focused is panel
        await pilot.press("d", "d")  # 6 decimals: wider than the panel too
        app.clear_notifications()
        await pilot.pause()
        top = app.export_screenshot()
        for key, moved in [
            ("down", lambda x, y: y == 1 and x == 0),
            ("pagedown", lambda x, y: y > 2),
            ("pageup", lambda x, y: y == 1),
            ("up", lambda x, y: y == 0),
            ("shift+right", lambda x, y: x > 0 and y == 0),
            ("shift+left", lambda x, y: x == 0 and y == 0),
        ]:
            await pilot.press(key)
            await pilot.pause()
            assert moved(*panel.scroll_offset), (key, panel.scroll_offset)
            if key in ("down", "shift+right"):
                assert app.export_screenshot() != top, key  # what is on screen moved
        assert app.session.position == Position(1, 1)  # scrolling is not stepping
        assert app.export_screenshot() == top


async def test_quit():
    app = BackpropApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right")
        assert app.return_code is None
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0


# --- narrow terminals, big scenarios, no colour -------------------------------------------------


async def test_narrow_layout_and_panel_toggle():
    app = BackpropApp()
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.screen.has_class("-narrow")
        assert not app.query_one("#side").display or app.query_one("#side").size.width == 0
        assert app.query_one("#matrices").size.height >= 6
        assert app.query_one("#step").outer_size.height >= 5
        # The focused matrices panel scrolls sideways here, yet ← → Home End still step.
        for _ in range(10):
            await pilot.press("right")
        assert app.session.position == Position(1, 11)
        await pilot.press("home")
        assert app.session.position == Position(1, 1)
        await pilot.press("v")
        await pilot.pause()
        assert app.query_one("#side").size.width > 0
        assert app.query_one("#main").size.width == 0
        await pilot.press("v")
        await pilot.pause()
        assert app.query_one("#main").size.width > 0


def test_big_matrices_are_cut_with_a_note():
    import numpy as np

    a = np.arange(256 * 32, dtype=float).reshape(256, 32)
    text = plain(matrix_text(a, 3, 12, 6))
    assert "… 244 more rows" in text and "… 26 more cols" in text
    assert len(text.splitlines()) == 13


def test_written_cells_survive_no_colour():
    import numpy as np

    t = matrix_text(np.array([[1.0, -2.0]]), 2, 5, 5, written=True)
    styles = {str(span.style) for span in t.spans}
    assert "underline" in WRITTEN and "bold" in WRITTEN and WRITTEN in styles
    assert fmt(float("nan"), 3) == "—" and fmt(-0.0001, 2) == "-0.00"
    assert fmt(0.0, 3) == fmt(-0.0, 3) == "0" and fmt(1e-9, 3) == "0.000"


async def test_big_scenario_steps_smoothly():
    """50 step keys on m=256, [8, 32, 16, 4] cost about what they cost on the default."""
    timings = {}
    for spec in (None, BIG):
        app = BackpropApp(spec)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            start = time.perf_counter()
            for i in range(50):
                await pilot.press("right" if i % 10 < 7 else "left")
            await pilot.pause()
            timings[spec] = (time.perf_counter() - start) / 50 * 1000
            if spec is BIG:
                assert "more rows" in body(app, "#matrices")
    print(f"\nms per step key: default {timings[None]:.1f}, big {timings[BIG]:.1f}")
    assert timings[BIG] < max(5 * timings[None], 60)


def test_graph_lights_the_current_gate_and_what_has_flowed():
    """Figure 2 styled by the walk: the current gate reversed, gradients bold once their step has run."""
    from tui_backprop.app.view import DIM, Palette
    from tui_backprop.app.widgets.graph import render_graph
    from tui_backprop.core import Position, Session, load_bundled

    session = Session(load_bundled("sleep-study"))
    BACKWARD, UPDATE = "yellow", "blue"
    colours = Palette(forward="green", backward=BACKWARD, update=UPDATE)

    def styles(text, sub: str, nth: int = 0) -> set[str]:
        at = -1
        for _ in range(nth + 1):
            at = text.plain.index(sub, at + 1)
        return {str(span.style) for span in text.spans if span.start <= at < span.end}

    session.position = Position(1, 11)  # backward mulGate of layer 2
    t = render_graph(session, colours, 120)
    assert styles(t, "(·)", 1) == {"bold reverse"} and "bold reverse" not in styles(t, "(·)", 0)
    assert styles(t, "◀ δ3") == {f"bold {BACKWARD}"} and styles(t, "◀ ∂J/∂a2") == {f"bold {BACKWARD}"}
    assert styles(t, "◀ δ2") == {DIM}  # δ2 comes at step 12
    assert styles(t, "W2 3×1") == {f"bold {BACKWARD}"} and styles(t, "W1 2×3") == {"bold"}
    session.position = Position(1, 15)  # W2 and b2 updated: this step lights them
    t = render_graph(session, colours, 120)
    assert styles(t, "W2 3×1") == {"bold reverse"} == styles(t, "b2 1×1")
    session.position = Position(1, 16)
    assert styles(render_graph(session, colours, 120), "W2 3×1") == {f"bold {UPDATE}"}


# --- text from users and files is never markup ----------------------------------------------------


async def test_train_dialog_shows_bracketed_input_literally():
    app = BackpropApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        app.screen.query_one(Input).value = ""
        await pilot.press(*"[/]", "enter")
        assert isinstance(app.screen, TrainScreen) and app._exception is None
        assert "'[/]'" in str(app.screen.query_one("#train-error", Static).content)


async def test_picker_shows_bracketed_paths_and_errors_literally(tmp_path):
    app = BackpropApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        inp = app.screen.query_one("#picker-path", Input)
        inp.focus()
        inp.value = str(tmp_path / "[/]x.toml")
        await pilot.press("enter")
        assert app._exception is None
        assert "[/]x.toml" in str(app.screen.query_one("#picker-error", Static).content)
        inp.value = str(Path(__file__).parent / "bad" / "missing-weights-and-network.toml")
        await pilot.press("enter")
        error = str(app.screen.query_one("#picker-error", Static).content)
        assert "[weights]" in error and "[network]" in error, error


MARKUP_NAME = "Weights [/] and [bold]x"


async def test_a_scenario_name_with_markup_is_shown_literally(tmp_path):
    path = tmp_path / "named.toml"
    path.write_text(
        HOT.replace('name = "Too hot"', f'name = "{MARKUP_NAME}"').replace("50.0", "0.5")
        + '[lesson]\nmessage = "Look [b]here[/b]."\n'
    )
    app = BackpropApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app._exception is None
        box = app.screen.query_one("#lesson-box")
        assert box._border_title.plain == f"Lesson · {MARKUP_NAME}"  # (its `border_title` is the escaped markup)
        assert "Look [b]here[/b]." in str(app.screen.query_one("#lesson-message", Static).content)
        await pilot.press("enter")
        assert MARKUP_NAME in header(app)
        await pilot.press("o")  # opened from the picker too: its notification is plain text
        inp = app.screen.query_one("#picker-path", Input)
        inp.focus()
        inp.value = str(path)
        await pilot.press("enter")
        await pilot.pause()
        assert app._exception is None
        assert any(MARKUP_NAME in n.message for n in app._notifications)


# --- numbers, divergence toasts ---------------------------------------------------------------------


def test_huge_numbers_are_scientific():
    assert fmt(-5.2413e143, 2) == "-5.24e+143" and fmt(1e6, 3) == "1.000e+06" and fmt(-999_999.5, 2) == "-999999.50"
    assert fmt(0.0, 3) == "0" and fmt(1e-9, 3) == "0.000" and fmt(-1e-9, 3) == "-0.000"


HUGE = """
name = "Huge"
[data]
X = [[1000000.0, 1000000.0]]
y = [[1.0]]
[weights]
W1 = [[1000000.0, 0.0], [0.0, 1000000.0]]
b1 = [[0.0, 0.0]]
W2 = [[1000000.0], [1000000.0]]
b2 = [[0.0]]
[training]
learning_rate = 0.1
output_activation = "identity"
activation = "identity"
"""


async def test_huge_values_keep_cells_and_the_cost_short(tmp_path):
    path = tmp_path / "huge.toml"
    path.write_text(HUGE)
    app = BackpropApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("end")
        matrices = body(app, "#matrices")
        assert "e+30" in matrices and not re.search(r"\d{8}", matrices), matrices
        cost = str(app.query_one("#cost-text").content)
        assert "e+" in cost and len(cost.splitlines()) <= 2, cost


async def test_divergence_toasts_do_not_pile_up():
    app = BackpropApp(DATA / "diverge.toml")
    async with app.run_test(size=SIZE) as pilot:
        while app.session.diverged is None:
            await pilot.press("right")
        for _ in range(5):
            await pilot.press("right")
        assert len([n for n in app._notifications if n.title == "Diverged"]) == 1
        assert len(app._notifications) <= 1


@pytest.mark.parametrize("stop", ["x", "escape"])
async def test_training_can_be_stopped(stop):
    app = BackpropApp(BIG)
    async with app.run_test(size=SIZE) as pilot:
        shown = lambda: {b.action for _, b, enabled, _ in app.active_bindings.values() if enabled and b.show}
        assert "stop_training" not in shown()
        await pilot.press("t")
        app.screen.query_one(Input).value = "1000000"
        enter = asyncio.create_task(pilot.press("enter"))  # Pilot waits for idle, which a busy worker delays
        await _until(lambda: app.main.trainer.running and app.session.frontier > 1)
        assert "stop_training" in shown()  # x Stop in the footer while training
        progress, footer = app.query_one("#progress"), app.query_one("#footer")
        await _until(lambda: progress.region.height == 1)
        assert not progress.region.overlaps(footer.region)  # the bar is seen, not under the footer
        key = asyncio.create_task(pilot.press(stop))
        await _until(lambda: not app.main.trainer.running, timeout=30)  # a guard against a hang, not a speed target
        await enter
        await key
        s = app.session
        assert 1 < s.frontier < 1_000_001 and s.position == Position(s.frontier, 1)
        assert len(s.costs) == s.frontier
        assert any("Stopped after" in n.message for n in app._notifications)
        assert "stop_training" not in shown()
        await pilot.press("right")
        assert s.position == Position(s.frontier, 2)


# --- the scenario's description --------------------------------------------------------------------


async def test_the_description_is_shown_in_the_picker_the_help_and_on_opening():
    xor = resolve("xor")
    assert xor.description
    start = " ".join(xor.description.split())[:40]
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        about = plain(app.screen.query_one("#help-about", Static).content)
        assert "About this scenario" in about and app.scenario.name in about
        assert " ".join(app.scenario.description.split())[:40] in " ".join(about.split())
        await pilot.press("escape", "o")
        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        prompt = options.get_option_at_index(ids.index("xor")).prompt
        assert start in str(prompt).split("\n")[1]  # a second line under the name
        options.highlighted = ids.index("xor")
        await pilot.press("enter")
        toast = [n for n in app._notifications if n.title.startswith("Opened")]
        assert len(toast) == 1 and xor.name in toast[0].title and start in toast[0].message
        assert toast[0].timeout >= 10


async def test_a_theme_recolours_what_the_panels_draw():
    """ctrl+p → theme: the colours the panels draw in Python are the new theme's, read from its variables."""
    from textual.color import Color

    app = BackpropApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*["right"] * 10)  # step 11: a backward step with written results and negative values

        def colours() -> tuple[set[str], set[str]]:
            matrices = {str(span.style) for span in app.query_one("#matrices").content.spans}
            graph = {str(span.style) for span in app.query_one("#graph").content.text.spans}
            return matrices, graph

        def theme() -> dict[str, str]:
            return {k: Color.parse(app.theme_variables[k]).hex for k in ("text-accent", "text-error", "text-warning")}

        dark = theme()  # the default, textual-dark
        app.theme = "textual-light"
        await pilot.pause()
        light = theme()
        assert light != dark
        matrices, graph = colours()
        # written cells (a clickable cell's style is written back with its colour in lower case)
        assert any(light["text-accent"].lower() in s.lower() and "underline" in s for s in matrices)
        assert light["text-error"] in matrices  # negative values
        assert any(light["text-warning"] in s for s in graph)  # the gradient's edges
        assert not any(c in s for c in dark.values() for s in matrices | graph)


async def test_every_theme_draws():
    """Every theme Textual offers in ctrl+p → theme, the ansi-* ones (terminal colours by number) included."""
    app = BackpropApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*["right"] * 10)
        themes = sorted(app.available_themes)
        assert {"ansi-dark", "textual-light"} <= set(themes)
        for name in themes:
            app.theme = name
            await pilot.pause()
            assert app.main.view.colours == app.main.colours
        await pilot.press("right")
        assert app._exception is None and app.session.position == Position(1, 12)
