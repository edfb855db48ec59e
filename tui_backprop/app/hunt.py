"""Spot the bug on the main screen: the hunt's rules and score, and its controller.

The mistake (core/bugs.py) is made at the same gate of every epoch, so marking that step in any epoch
finds it. A hunt starts with POINTS points; each wrong mark costs one (never below zero); giving up
ends it with none. HuntMode keeps the hunt of the open session, publishes what the revealed-mistake
panel shows (the screen's `hunt` reactive) and posts HuntMarked when a mark or giving up has a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

from ..i18n import _, ngettext
from .state import HuntView

if TYPE_CHECKING:
    from ..core import Session
    from .screens.main import MainScreen

POINTS = 5
FOUND, GAVE_UP = "found", "gave up"


@dataclass
class Hunt:
    name: str  # the planted mistake, e.g. no-fprime@3
    description: str
    step: int  # the planted step's index (1-based), the same in every epoch
    points: int = POINTS
    wrong: list[tuple[int, int]] = field(default_factory=list)  # (epoch, step) of each wrong mark
    outcome: str | None = None  # FOUND | GAVE_UP once the hunt is over

    @classmethod
    def of(cls, session: Session) -> Hunt | None:
        planted = session.planted
        if planted is None:
            return None
        return cls(planted.name, planted.description, session.bug_step(1))

    @property
    def over(self) -> bool:
        return self.outcome is not None

    def mark(self, epoch: int, index: int) -> bool:
        """Mark step `index` of `epoch` as the mistaken one: True if it is; a wrong mark costs a point."""
        if index == self.step:
            self.outcome = FOUND
            return True
        if (epoch, index) not in self.wrong:  # the same wrong mark twice costs once
            self.wrong.append((epoch, index))
            self.points = max(0, self.points - 1)
        return False

    def give_up(self) -> None:
        self.outcome = GAVE_UP
        self.points = 0

    def score(self) -> str:
        return _("bug {points}/{total}").format(points=self.points, total=POINTS)

    def feedback(self, right: bool) -> str:
        if right:
            tries = len(self.wrong)
            after = (
                _("first try") if not tries else ngettext("{n} wrong mark", "{n} wrong marks", tries).format(n=tries)
            )
            return _("✓ Found it ({after}): {mistake}. Score {points}/{total}.").format(
                after=after, mistake=self.description, points=self.points, total=POINTS
            )
        return _(
            "✗ Not this step: its result follows from its inputs by its equation. "
            "−1 point ({points}/{total} left); the hunt goes on."
        ).format(points=self.points, total=POINTS)


class HuntMarked(Message):
    """A mark (or giving up) has a verdict: `message` says it; `right` is None on giving up."""

    def __init__(self, right: bool | None, message: str) -> None:
        super().__init__()
        self.right, self.message = right, message


class HuntMode:
    """The hunt for the open session's planted mistake (none without one)."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.hunt: Hunt | None = None

    @property
    def on(self) -> bool:
        """A mistake is planted and not yet found or given up: `m` and `u` work."""
        return self.hunt is not None and not self.hunt.over

    def start(self, session: Session) -> None:
        """A new session (a scenario opened, or reset): a new hunt if it has a planted mistake."""
        self.hunt = Hunt.of(session)

    def header_score(self) -> str:
        return self.hunt.score() if self.hunt is not None else ""

    def mark(self) -> None:
        pos = self.screen.session.position
        right = self.hunt.mark(pos.epoch, pos.index)
        self.screen.post_message(HuntMarked(right, self.hunt.feedback(right)))

    def give_up(self) -> None:
        self.hunt.give_up()
        self.screen.session.go(self.hunt.step)
        said = _("The mistake is at step {k}: {mistake}.").format(k=self.hunt.step, mistake=self.hunt.description)
        self.screen.post_message(HuntMarked(None, said))

    def publish(self, hidden: bool) -> None:
        """After the find (or on giving up) the planted step shows its results mistaken and correct."""
        hunt, session = self.hunt, self.screen.session
        step = session.step()
        if hunt is None or not hunt.over or step.index != hunt.step or hidden:
            self.screen.hunt = None
            return
        correct = session.correct_steps(step.epoch)[step.index - 1]
        found = (
            _("Found: the mistake is here, {name}")
            if hunt.outcome == FOUND
            else _("Given up: the mistake is here, {name}")
        )
        headline = found.format(name=hunt.name)
        self.screen.hunt = HuntView(headline, hunt.description, step, correct, self.screen.decimals)
