"""What the current gate does to values or gradients, and why."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Static

from ...core import Step


class ExplanationPanel(VerticalScroll, can_focus=False):
    def compose(self):
        yield Static(id="explanation-text")

    def on_mount(self) -> None:
        self.border_title = "Why"

    def show(self, step: Step, hidden: bool = False) -> None:
        text = "Answer the quiz question first; the explanation follows." if hidden else step.explanation
        self.query_one("#explanation-text", Static).update(text)
