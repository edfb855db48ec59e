"""Spot the bug in the stepper: the hunt's rules and score (no Textual here; the app shows them).

The mistake (core/bugs.py) is made at the same gate of every epoch, so marking that step in any epoch
finds it. A hunt starts with POINTS points; each wrong mark costs one (never below zero); giving up
ends it with none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core import Session

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
        return f"bug {self.points}/{POINTS}"

    def feedback(self, right: bool) -> str:
        if right:
            tries = len(self.wrong)
            after = "first try" if not tries else f"{tries} wrong mark{'s' if tries != 1 else ''}"
            return f"✓ Found it ({after}): {self.description}. Score {self.points}/{POINTS}."
        return (
            "✗ Not this step: its result follows from its inputs by its equation. "
            f"−1 point ({self.points}/{POINTS} left); the hunt goes on."
        )
