"""Random keys, tiny terminals, bad files, divergence — the app stays up and sane."""

from __future__ import annotations

import asyncio
import random
import re
import time
from pathlib import Path

from conftest import app_screen_text, nonfinite_shown
from textual import events

from tui_backprop.app import BackpropApp
from tui_backprop.app.keys import KEYS
from tui_backprop.app.screens.picker import PickerScreen
from tui_backprop.app.widgets.header import StepHeader
from tui_backprop.app.widgets.notice import Notice
from tui_backprop.core import Position

TESTS = Path(__file__).parent
BAD = TESTS / "bad"
DIVERGE = TESTS / "data" / "diverge.toml"
SIZE = (120, 40)

# Every key of the key table but quit, plus typing keys for the modals (picker, train prompt, quiz answer, help).
TABLE_KEYS = [k for spec in KEYS if spec.action != "quit" for k in spec.keys.split(",")]
TYPING = list("abcxyz0123456789") + [
    "enter",
    "escape",
    "tab",
    "backspace",
    "up",
    "down",
    "space",
    "left_square_bracket",
    "right_square_bracket",
    "slash",
]  # markup: "[/]"
CHARS = {"space": " ", "left_square_bracket": "[", "right_square_bracket": "]", "slash": "/"}


screen_text = app_screen_text


def nan_or_inf(text: str) -> list[str]:
    return re.findall(r"\b(?:nan|inf|infinity)\b", text, flags=re.I)


async def send(app, key: str) -> None:
    """A key as the driver delivers it, without Pilot's wait-for-idle per key (real typing does not wait)."""
    char = key if len(key) == 1 else CHARS.get(key)
    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)
    await asyncio.sleep(0)


async def test_thousands_of_random_keys_and_tiny_terminals():
    rng = random.Random(1234)
    app = BackpropApp("sleep-study")
    start = time.perf_counter()
    n_keys = 2500
    seen: set[str] = set()
    quiz_seen = False
    async with app.run_test(size=SIZE) as pilot:
        for i in range(n_keys):
            pool = TYPING if rng.random() < 0.35 else TABLE_KEYS
            key = rng.choice(pool)
            seen.add(app.screen.__class__.__name__)
            quiz_seen |= app.main.quiz_mode.question is not None
            if app.screen.__class__.__name__ == "TrainScreen" and key in list("0123456789"):
                key = "backspace"  # keep training short: 100 epochs at most, or an error
            await send(app, key)
            if i % 25 == 24:
                await pilot.pause()
                if app.main.trainer.running:
                    await app.workers.wait_for_complete()
                    await pilot.pause()
            if i % 400 == 399:
                await pilot.resize_terminal(20, 8)
                for _ in range(20):
                    await send(app, rng.choice(TABLE_KEYS + TYPING))
                await pilot.pause()
                await pilot.resize_terminal(*SIZE)
                await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        # Still running and answering: close whatever is open, then step.
        for _ in range(6):
            await pilot.press("escape")
            if len(app.screen_stack) == 1 and app.main.quiz_mode.question is None:
                break
        if app.main.quiz_mode.on:
            app.main.action_quiz()
        await pilot.pause()
        await pilot.press("escape")  # (a zoom cursor left on would take → for itself)
        assert len(app.screen_stack) == 1
        await pilot.press("home", "right")
        assert app.session.position.index == 2 and "step 2/" in app.query_one(StepHeader).text_plain
        assert app.is_running and app._exception is None
    elapsed = time.perf_counter() - start
    print(f"\n{n_keys} random keys in {elapsed:.1f} s; screens {sorted(seen)}")
    assert {"PickerScreen", "TrainScreen", "HelpScreen", "GradCheckScreen"} <= seen and quiz_seen
    assert app.return_code in (0, None)


BAD_FILES = [
    "empty.toml",
    "lr-nan.toml",
    "binary.toml",
    "json-syntax.json",
    "latin1.toml",
    "gap-W1-W3.toml",
    "limit-units.toml",
    "inf-cell.toml",
]


async def test_picker_bad_files_show_an_error_and_keep_the_scenario():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right", "right")
        name = app.scenario.name
        await pilot.press("o")
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        field = picker.query_one("#picker-path")
        field.focus()
        for bad in BAD_FILES:
            assert (BAD / bad).exists(), bad
            field.value = str(BAD / bad)
            await pilot.press("enter")
            assert app.screen is picker, f"{bad}: the picker stays open"
            error = str(picker.query_one("#picker-error").content)
            assert error.startswith("✗") and bad in error, (bad, error)
            assert not nan_or_inf(error.replace(bad, "")) or "inf" in bad or "nan" in bad
        await pilot.press("escape")
        assert app.scenario.name == name and name in app.query_one(StepHeader).text_plain
        assert app.session.position == Position(1, 3)


async def test_divergent_scenario_never_shows_nan_or_inf():
    app = BackpropApp(DIVERGE)
    async with app.run_test(size=SIZE) as pilot:
        n = app.session.n_steps
        for _ in range(4 * n):  # step through the epochs until the divergence stops us
            await pilot.press("right")
            assert not nonfinite_shown(app), app.session.position
            if app.session.diverged is not None:
                break
        assert app.session.diverged is not None and app.session.diverged.epoch == 3
        notice = str(app.query_one(Notice).content)
        assert "epoch 3" in notice and "lower the learning rate" in notice
        await pilot.press("right", "right")  # stays put, says it again
        await pilot.press("t")  # training is refused with the same message
        assert len(app.screen_stack) == 1
        assert not nonfinite_shown(app) and "lower the learning rate" in screen_text(app)
        await pilot.press("left", "d", "d", "d")  # older epochs, every precision: still finite
        assert not nonfinite_shown(app)
    app = BackpropApp(DIVERGE)
    async with app.run_test(size=SIZE) as pilot:  # straight to training from epoch 1
        await pilot.press("t", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.session.diverged is not None
        assert "lower the learning rate" in screen_text(app) and not nonfinite_shown(app)
        for key in ("end", "left", "g"):
            await pilot.press(key)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not nonfinite_shown(app)
