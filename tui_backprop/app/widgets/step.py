"""The current step: its title, the equation in symbols and the shape algebra."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.reactive import var
from textual.widgets import Static

from ... import quiz
from ..state import View
from ..view import style

ARROW = {"forward": "─▶", "backward": "◀─", "update": "⟲"}


class StepPanel(Static):
    view: var[View | None] = var(None)

    def on_mount(self) -> None:
        self.border_title = "Step"

    def watch_view(self, view: View | None) -> None:
        if view is None:
            return
        step, colours = view.step, view.colours
        t = Text()
        t.append(f"{ARROW.get(step.phase, '')} ", style=style("bold", colours.phase(step.phase)))
        t.append(step.title, style="bold")
        t.append("\n")
        t.append("  ")
        t.append(step.equation, style=style("bold", colours.equation))
        t.append("\n")
        t.append("  shapes  ", style="dim")
        # Quiz mode hides the result's shape while its question is open.
        t.append(quiz.masked_shapes(step) if view.hidden else step.shapes)
        # A new layout only when the text wraps to another number of lines (spans do not change wrapping).
        width = self.size.width
        same = bool(width) and Content(t.plain).get_height(self.styles, width) == self.size.height
        self.update(t, layout=not same)
        self.border_title = f"Step {step.index}/{view.session.n_steps} · {step.phase}"
        for phase in ARROW:
            self.set_class(step.phase == phase, f"-{phase}")
