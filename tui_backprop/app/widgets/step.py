"""The current step: its title, the equation in symbols and the shape algebra."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.content import Content
from textual.widgets import Static

from ..view import PHASE_STYLE

if TYPE_CHECKING:  # annotations only: the app's first frame does not wait for the engine (numpy)
    from ...core import Step

ARROW = {"forward": "─▶", "backward": "◀─", "update": "⟲"}


class StepPanel(Static):
    def on_mount(self) -> None:
        self.border_title = "Step"

    def show(self, step: Step, n_steps: int, shapes: str | None = None) -> None:
        """`shapes` replaces the step's shape algebra (quiz mode hides the result's shape)."""
        colour = PHASE_STYLE.get(step.phase, "")
        t = Text()
        t.append(f"{ARROW.get(step.phase, '')} ", style=f"bold {colour}")
        t.append(step.title, style="bold")
        t.append("\n")
        t.append("  ")
        t.append(step.equation, style="bold #d7d7ff")
        t.append("\n")
        t.append("  shapes  ", style="dim")
        t.append(step.shapes if shapes is None else shapes)
        # A new layout only when the text wraps to another number of lines (spans do not change wrapping).
        width = self.size.width
        same = bool(width) and Content(t.plain).get_height(self.styles, width) == self.size.height
        self.update(t, layout=not same)
        self.border_title = f"Step {step.index}/{n_steps} · {step.phase}"
        self.set_class(step.phase == "forward", "-forward")
        self.set_class(step.phase == "backward", "-backward")
        self.set_class(step.phase == "update", "-update")
