"""A scenario's optional `[lesson]` table: how a teacher sets the app up for a class.

    [lesson]
    quiz = true                            # start in quiz mode
    message = "Predict each shape first."  # shown once at the start
    hide_panels = ["cost"]                 # panels not shown
    lock_keys = ["train", "gradcheck"]     # actions that are disabled
    bug = "no-fprime@2"                    # plant a mistake to find (a name from `backprop-tui bugs`, or "random")

Validated here as data (stdlib only); the app honours it. Every problem is a
ScenarioError naming the field, what was expected and what was found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .describe import closest
from .describe import describe as _describe
from .errors import ScenarioError

PANELS = ("graph", "parameters", "cost", "explanation")
LOCKABLE = ("train", "gradcheck", "open", "play", "reset", "decimals", "quiz")
LESSON_KEYS = ("quiz", "message", "hide_panels", "lock_keys", "bug")
MAX_MESSAGE = 500


@dataclass(frozen=True)
class Lesson:
    quiz: bool = False
    message: str = ""
    hide_panels: tuple[str, ...] = ()
    lock_keys: tuple[str, ...] = ()
    bug: str = ""  # a mistake to plant; its name is checked against the network in scenario.py

    def hides(self, panel: str) -> bool:
        return panel in self.hide_panels

    def locks(self, action: str) -> bool:
        return action in self.lock_keys


def _hint(word: str, valid: tuple[str, ...]) -> str:
    close = closest(word, valid)
    return f" (did you mean '{close}'?)" if close else ""


def _names(src: str, key: str, value: Any, valid: tuple[str, ...], what: str) -> tuple[str, ...]:
    field = f"lesson.{key}"
    if not isinstance(value, list):
        raise ScenarioError(src, field, f'expected a list of {what} names like ["{valid[0]}"], got {_describe(value)}')
    seen: list[str] = []
    for i, item in enumerate(value, start=1):
        if not isinstance(item, str):
            raise ScenarioError(
                src, f"{field} item {i}", f"expected a {what} name ({', '.join(valid)}), got {_describe(item)}"
            )
        if item not in valid:
            raise ScenarioError(
                src,
                f"{field} item {i}",
                f"expected one of {', '.join(valid)}, got {_describe(item)}{_hint(item, valid)}",
            )
        if item not in seen:
            seen.append(item)
    return tuple(seen)


def parse_lesson(src: str, table: Any) -> Lesson:
    """Validate a `[lesson]` table (already parsed from TOML or JSON) into a Lesson."""
    if table is None:
        return Lesson()
    if not isinstance(table, dict):
        raise ScenarioError(src, "lesson", f"expected a table [lesson], got {_describe(table)}")
    for key in table:
        if key not in LESSON_KEYS:
            raise ScenarioError(
                src,
                f"lesson.{key}",
                f"expected one of the keys {', '.join(LESSON_KEYS)}, got an unknown key{_hint(str(key), LESSON_KEYS)}",
            )

    quiz = table.get("quiz", False)
    if not isinstance(quiz, bool):
        raise ScenarioError(src, "lesson.quiz", f"expected true or false, got {_describe(quiz)}")

    message = table.get("message", "")
    if not isinstance(message, str):
        raise ScenarioError(src, "lesson.message", f"expected a string, got {_describe(message)}")
    message = message.strip()
    if len(message) > MAX_MESSAGE:
        raise ScenarioError(src, "lesson.message", f"expected at most {MAX_MESSAGE} characters, got {len(message):,}")

    hide = _names(src, "hide_panels", table.get("hide_panels", []), PANELS, "panel")
    lock = _names(src, "lock_keys", table.get("lock_keys", []), LOCKABLE, "action")
    bug = table.get("bug", "")
    if "bug" in table and (not isinstance(bug, str) or not bug.strip()):
        raise ScenarioError(
            src, "lesson.bug", f'expected a mistake\'s name like "no-fprime" or "random", got {_describe(bug)}'
        )
    # quiz = true with "quiz" locked is allowed: the class stays in quiz mode.
    return Lesson(quiz=quiz, message=message, hide_panels=hide, lock_keys=lock, bug=bug.strip())
