"""A scenario's optional `[lesson]` table: how a teacher sets the app up for a class.

    [lesson]
    quiz = true                            # start in quiz mode
    message = "Predict each shape first."  # shown once at the start
    hide_panels = ["cost"]                 # panels not shown
    lock_keys = ["train", "gradcheck"]     # actions that are disabled
    values = ["J", "dJ_dW2[2,1]"]          # results whose value the quiz asks, at an entry ([1,1] if none)
    tolerance = 0.001                      # how far a value answer may be off (default: half a unit in the
                                           # last decimal shown)
    fade = true                            # each later epoch leaves one more worked example to the student
    bug = "no-fprime@2"                    # plant a mistake to find (a name from `backprop-tui bugs`, or "random")
    language = "zh"                        # the class's language, en or zh (--lang still wins)

Validated here as data (stdlib only); the app honours it. Every problem is a
ScenarioError naming the field, what was expected and what was found.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from ..i18n import LANGUAGES, _
from .describe import closest
from .describe import describe as _describe
from .errors import ScenarioError

PANELS = ("graph", "parameters", "cost", "explanation")
LOCKABLE = ("train", "gradcheck", "open", "play", "reset", "decimals", "quiz")
LESSON_KEYS = ("quiz", "message", "hide_panels", "lock_keys", "values", "tolerance", "fade", "bug", "language")
_ENTRY = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\[\s*(\d{1,6})\s*,\s*(\d{1,6})\s*\])?\s*$")
MAX_MESSAGE = 500


@dataclass(frozen=True)
class Lesson:
    quiz: bool = False
    message: str = ""
    hide_panels: tuple[str, ...] = ()
    lock_keys: tuple[str, ...] = ()
    values: tuple[tuple[str, int, int], ...] | None = None  # (result, row, column), 0-based; None: the default
    tolerance: float | None = None
    fade: bool = False
    bug: str = ""  # a mistake to plant; its name is checked against the network in scenario.py
    language: str = ""  # "en" or "zh"; "" leaves it to --lang and the locale

    def hides(self, panel: str) -> bool:
        return panel in self.hide_panels

    def locks(self, action: str) -> bool:
        return action in self.lock_keys


def _hint(word: str, valid: tuple[str, ...]) -> str:
    close = closest(word, valid)
    return _(" (did you mean '{name}'?)").format(name=close) if close else ""


def item_field(field: str, i: int) -> str:
    """`lesson.values item 2`: the field of one item of a list."""
    return _("{field} item {i}").format(field=field, i=i)


def _names(src: str, key: str, value: Any, valid: tuple[str, ...], what: str) -> tuple[str, ...]:
    field = f"lesson.{key}"
    panels = what == "panel"
    if not isinstance(value, list):
        text = (
            _('expected a list of panel names like ["{example}"], got {found}')
            if panels
            else _('expected a list of action names like ["{example}"], got {found}')
        )
        raise ScenarioError(src, field, text.format(example=valid[0], found=_describe(value)))
    seen: list[str] = []
    for i, item in enumerate(value, start=1):
        if not isinstance(item, str):
            text = (
                _("expected a panel name ({names}), got {found}")
                if panels
                else _("expected an action name ({names}), got {found}")
            )
            raise ScenarioError(src, item_field(field, i), text.format(names=", ".join(valid), found=_describe(item)))
        if item not in valid:
            raise ScenarioError(
                src,
                item_field(field, i),
                _("expected one of {names}, got {found}").format(names=", ".join(valid), found=_describe(item))
                + _hint(item, valid),
            )
        if item not in seen:
            seen.append(item)
    return tuple(seen)


def _values(src: str, value: Any, results: dict[str, tuple[int, int]]) -> tuple[tuple[str, int, int], ...]:
    """`["J", "dJ_dW2[2,1]"]` → ((name, row, col), …), each an entry of a result of the walk."""
    field = "lesson.values"
    example = '["J", "dJ_db2", "dJ_dW2[2,1]"]'
    if not isinstance(value, list):
        raise ScenarioError(
            src,
            field,
            _("expected a list of result names like {example}, got {found}").format(
                example=example, found=_describe(value)
            ),
        )
    out: list[tuple[str, int, int]] = []
    names = tuple(results)
    for k, item in enumerate(value, start=1):
        where = item_field(field, k)
        m = _ENTRY.match(item) if isinstance(item, str) else None
        if m is None:
            raise ScenarioError(
                src,
                where,
                _("expected a result name with an optional entry like 'dJ_dW2[2,1]', got {found}").format(
                    found=_describe(item)
                ),
            )
        name = m.group(1)
        if name not in results:
            raise ScenarioError(
                src,
                where,
                _("expected the name of a result of the walk (as in the JSON trace), got {found}").format(
                    found=_describe(name)
                )
                + _hint(name, names),
            )
        rows, cols = results[name]
        i, j = (int(m.group(2)), int(m.group(3))) if m.group(2) else (1, 1)
        if not (1 <= i <= rows and 1 <= j <= cols):
            raise ScenarioError(
                src,
                where,
                _(
                    "expected an entry of {name} ({rows}×{cols}), rows 1–{rows} and columns 1–{cols}, got [{i},{j}]"
                ).format(name=name, rows=rows, cols=cols, i=i, j=j),
            )
        if (name, i - 1, j - 1) not in out:
            out.append((name, i - 1, j - 1))
    return tuple(out)


def parse_lesson(src: str, table: Any, results: dict[str, tuple[int, int]] | None = None) -> Lesson:
    """Validate a `[lesson]` table (already parsed from TOML or JSON) into a Lesson.

    `results`: the walk's result names and shapes, against which `values` is checked.
    """
    if table is None:
        return Lesson()
    if not isinstance(table, dict):
        raise ScenarioError(src, "lesson", _("expected a table [lesson], got {found}").format(found=_describe(table)))
    for key in table:
        if key not in LESSON_KEYS:
            raise ScenarioError(
                src,
                f"lesson.{key}",
                _("expected one of the keys {keys}, got an unknown key").format(keys=", ".join(LESSON_KEYS))
                + _hint(str(key), LESSON_KEYS),
            )

    quiz = table.get("quiz", False)
    if not isinstance(quiz, bool):
        raise ScenarioError(src, "lesson.quiz", _("expected true or false, got {found}").format(found=_describe(quiz)))

    message = table.get("message", "")
    if not isinstance(message, str):
        raise ScenarioError(src, "lesson.message", _("expected a string, got {found}").format(found=_describe(message)))
    message = message.strip()
    if len(message) > MAX_MESSAGE:
        raise ScenarioError(
            src,
            "lesson.message",
            _("expected at most {limit} characters, got {n}").format(limit=MAX_MESSAGE, n=f"{len(message):,}"),
        )

    hide = _names(src, "hide_panels", table.get("hide_panels", []), PANELS, "panel")
    lock = _names(src, "lock_keys", table.get("lock_keys", []), LOCKABLE, "action")
    values = _values(src, table["values"], results or {}) if "values" in table else None
    tolerance = table.get("tolerance")
    if tolerance is not None and (
        isinstance(tolerance, bool)
        or not isinstance(tolerance, (int, float))
        or not math.isfinite(tolerance)
        or tolerance <= 0
    ):
        raise ScenarioError(
            src, "lesson.tolerance", _("expected a number > 0, got {found}").format(found=_describe(tolerance))
        )
    fade = table.get("fade", False)
    if not isinstance(fade, bool):
        raise ScenarioError(src, "lesson.fade", _("expected true or false, got {found}").format(found=_describe(fade)))
    bug = table.get("bug", "")
    if "bug" in table and (not isinstance(bug, str) or not bug.strip()):
        raise ScenarioError(
            src,
            "lesson.bug",
            _('expected a mistake\'s name like "no-fprime" or "random", got {found}').format(found=_describe(bug)),
        )
    language = table.get("language", "")
    if "language" in table and language not in LANGUAGES:
        raise ScenarioError(
            src,
            "lesson.language",
            # no "did you mean": a close spelling of two-letter codes misleads ("cn" is nearest "en")
            _("expected one of {names}, got {found}").format(names=", ".join(LANGUAGES), found=_describe(language)),
        )
    # quiz = true with "quiz" locked is allowed: the class stays in quiz mode.
    return Lesson(
        quiz=quiz,
        message=message,
        hide_panels=hide,
        lock_keys=lock,
        values=values,
        tolerance=None if tolerance is None else float(tolerance),
        fade=fade,
        bug=bug.strip(),
        language=language,
    )
