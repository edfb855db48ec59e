"""What the main screen's panels show, as values the screen publishes and the panels are bound to.

The screen sets its reactive `view` (and `quiz`, `progress`) and every panel bound to it with
``data_bind`` redraws from it; no panel is reached into. The dataclasses compare by identity
(``eq=False``): a new one is a new view, and the arrays inside are never compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text

from ..i18n import N_
from .view import Palette

if TYPE_CHECKING:  # annotations only: the app's first frame does not wait for the engine (numpy)
    from ..core import Session, Step


@dataclass(frozen=True, eq=False)
class View:
    """The session at its position, and how to show it."""

    name: str  # the scenario's
    session: Session
    step: Step
    decimals: int
    colours: Palette
    hidden: bool = False  # quiz mode: a question is open on this step, its results wait
    cost_hidden: bool = False  # quiz mode: this epoch's J waits for its cost step's answer
    quiz_on: bool = False  # quiz mode: the graph names results without their shapes
    can_train: bool = True  # false when a lesson locks `t`
    narrow: bool = False
    score: str = ""  # "quiz 2/3" in quiz mode, "bug 4/5" while hunting a planted mistake
    # compare: the entries that differ from the other side's, as (operation, box label, row, column)
    differs: frozenset[tuple[int, str, int, int]] = frozenset()


@dataclass(frozen=True, eq=False)
class QuizView:
    """Quiz mode's panel: shown while quiz mode is on; `prompt` while a question is open."""

    on: bool = False
    title: str = N_("Quiz")  # (the panel shows titles and placeholders through _())
    prompt: str | None = None
    placeholder: str = N_("rows x cols")
    choices: tuple[str, ...] = ()  # an arrangement question's, chosen with keys 1–4
    feedback: Text | str | None = None
    hint: str | None = None
    asked: int = 0  # counts the questions asked: a new one empties the field
    retry: int = 0  # counts malformed answers: the field's text is selected to be typed over
    focus: int = 0  # counts requests to put the cursor in the field


@dataclass(frozen=True, eq=False)
class Progress:
    """A training run: how many epochs, from which, how many done."""

    epochs: int
    first_epoch: int
    done: int = 0


@dataclass(frozen=True, eq=False)
class HuntView:
    """Spot the bug, revealed: the planted step's results as computed and as they should be."""

    headline: str
    description: str
    mistaken: Step
    correct: Step
    decimals: int
