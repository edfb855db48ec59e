"""A scenario's [lesson] in the app: quiz mode, the message, hidden panels, locked keys; the picker applies it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from rich.console import Console
from textual.widgets import Input, OptionList, Static

from tui_backprop.app import BackpropApp
from tui_backprop.app.keys import KEYS
from tui_backprop.app.screens.gradcheck import GradCheckScreen
from tui_backprop.app.screens.help import HelpScreen
from tui_backprop.app.screens.lesson import LessonScreen
from tui_backprop.app.screens.picker import PickerScreen
from tui_backprop.app.screens.train import TrainScreen
from tui_backprop.app.widgets.header import StepHeader
from tui_backprop.core import Position, resolve
from tui_backprop.core.lesson import Lesson

SIZE = (120, 40)


def plain(renderable) -> str:
    console = Console(width=200, record=True, color_system=None, file=open("/dev/null", "w"))
    console.print(renderable)
    return " ".join(console.export_text().split())


def with_lesson(name: str = "sleep-study", **kw):
    return dataclasses.replace(resolve(name), lesson=Lesson(**kw))


def footer_actions(app) -> set[str]:
    return {b.action for _, b, enabled, _ in app.active_bindings.values() if b.show}


async def test_bundled_lesson_shapes_starts_with_its_message_in_quiz_mode():
    app = BackpropApp("lesson-shapes")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        message = plain(app.screen.query_one("#lesson-message", Static).content)
        assert "Predict the shape of every result" in message
        notes = plain(app.screen.query_one("#lesson-notes", Static).content)
        assert "Quiz mode" in notes and "Train" in notes and "Check" in notes
        await pilot.press("right")  # any key starts, and does nothing else
        assert not isinstance(app.screen, LessonScreen)
        assert app.session.position == Position(1, 1)
        assert (
            app.main.quiz_mode.on and app.main.quiz_mode.question is not None and app.main.quiz_mode.question.index == 1
        )
        await pilot.press(*"4x3", "enter")
        assert app.main.quiz_mode.question is None and "quiz 1/1" in app.query_one(StepHeader).text_plain
        # train and gradcheck are locked: out of the footer and the palette, "(locked)" in the help
        assert {"train", "gradcheck"}.isdisjoint(footer_actions(app))
        titles = " ".join(c.title for c in app.get_system_commands(app.screen))
        assert "Train" not in titles and "Gradient check" not in titles and "Quiz mode" in titles
        await pilot.press("t", "g")
        assert not isinstance(app.screen, (TrainScreen, GradCheckScreen))
        assert any("locked by this lesson" in str(n.message) for n in app._notifications)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        help_text = plain(app.screen.query_one("#help-table", Static).content)
        assert help_text.count("(locked by this lesson)") == 2


async def test_no_message_no_modal():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not isinstance(app.screen, LessonScreen)
        assert not app.main.quiz_mode.on


async def test_message_enter_starts():
    app = BackpropApp(with_lesson(message="Watch the gradients flow back."))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert "Watch the gradients" in plain(app.screen.query_one("#lesson-message", Static).content)
        await pilot.press("enter")
        assert not isinstance(app.screen, LessonScreen)
        assert not app.main.quiz_mode.on
        await pilot.press("right")
        assert app.session.position == Position(1, 2)


async def test_hidden_panels_stay_hidden_even_with_v():
    app = BackpropApp(with_lesson(hide_panels=("cost", "explanation")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.query_one("#cost").display or app.query_one("#cost").size.height == 0
        assert app.screen.has_class("-hide-cost") and app.screen.has_class("-hide-explanation")
        for panel in ("#cost", "#explanation"):
            assert app.query_one(panel).size.height == 0
        assert app.query_one("#graph").size.height > 0 and app.query_one("#params").size.height > 0
    app = BackpropApp(with_lesson(hide_panels=("cost",)))
    async with app.run_test(size=(80, 24)) as pilot:  # narrow: v shows the side panels, not the hidden one
        await pilot.press("v")
        await pilot.pause()
        assert app.query_one("#graph").size.height > 0
        assert app.query_one("#cost").size.height == 0
        await pilot.press("v")


async def test_all_side_panels_hidden_and_v_does_nothing():
    app = BackpropApp(with_lesson(hide_panels=("graph", "parameters", "cost")))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("v")
        await pilot.pause()
        assert app.query_one("#main").size.width > 0, "v must not swap to an empty side column"
        assert app.query_one("#side").size.width == 0
    app = BackpropApp(with_lesson(hide_panels=("graph", "parameters", "cost")))
    async with app.run_test(size=SIZE) as pilot:  # wide: the main column takes the whole width
        await pilot.pause()
        assert app.query_one("#side").size.width == 0
        assert app.query_one("#main").size.width >= SIZE[0] - 1


async def test_locked_keys_every_lockable_action():
    lockable = tuple(
        s.action
        for s in KEYS
        if s.lockable and s.action in ("train", "gradcheck", "open", "play", "reset", "decimals", "quiz")
    )
    app = BackpropApp(with_lesson(lock_keys=lockable))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right", "right")
        await pilot.press("t", "g", "o", "space", "r", "d", "k")
        await pilot.pause()
        assert len(app.screen_stack) == 1 and app.main.playing is None
        assert app.session.position == Position(1, 3)  # r (reset) did nothing
        assert app.main.decimals == 3 and not app.main.quiz_mode.on
        palette = " ".join(c.title for c in app.get_system_commands(app.screen))
        for spec in KEYS:
            if spec.action in lockable:
                assert spec.palette_title not in palette, spec.action
        assert "Next step" in palette


async def test_picker_applies_the_opened_scenarios_lesson():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        options.highlighted = ids.index("lesson-shapes")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        await pilot.press("escape")
        assert app.main.quiz_mode.on and app.main.quiz_mode.question is not None and "train" in app.main.locked
        await pilot.press("escape")  # give up step 1
        assert "quiz 0/1" in app.query_one(StepHeader).text_plain
        # and back to a scenario without a lesson: unlocked, no message; quiz mode stays as the student had it
        await pilot.press("o")
        assert isinstance(app.screen, PickerScreen)
        inp = app.screen.query_one("#picker-path", Input)
        inp.focus()
        inp.value = str(Path(__file__).resolve().parents[1] / "scenarios" / "xor.toml")
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, (PickerScreen, LessonScreen))
        assert app.main.locked == frozenset()
        assert "quiz 0/0" in app.query_one(StepHeader).text_plain  # a fresh score for a fresh scenario


async def test_quiz_true_with_quiz_locked_stays_on():
    app = BackpropApp(with_lesson(quiz=True, lock_keys=("quiz",)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")  # give up step 1
        await pilot.press("k")
        assert app.main.quiz_mode.on


async def test_cost_panel_offers_t_only_when_train_is_not_locked():
    for lock, offered in (((), True), (("train",), False)):
        app = BackpropApp(with_lesson(lock_keys=lock))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            cost = str(app.query_one("#cost-text").content)
            assert "one epoch so far" in cost and ("t trains more" in cost) == offered, (lock, cost)
