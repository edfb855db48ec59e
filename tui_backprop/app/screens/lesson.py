"""A lesson's message, shown once when its scenario opens; any key starts."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ...i18n import _


class LessonScreen(ModalScreen[None]):
    def __init__(self, title: str, message: str, notes: list[str] | None = None) -> None:
        super().__init__()
        self.lesson_title = title
        self.message = message
        self.notes = notes or []

    def compose(self) -> ComposeResult:
        with Vertical(id="lesson-box"):
            yield Static(Text(self.message, style="bold"), id="lesson-message")
            if self.notes:
                yield Static(Text("\n".join(self.notes), style="italic"), id="lesson-notes")
            yield Static(_("Press Enter (or any key) to start."), id="lesson-start")

    def on_mount(self) -> None:
        title = self.lesson_title
        said = title.lower().startswith("lesson") or title.startswith(_("Lesson"))  # (a title that says it already)
        title = title if said else _("Lesson · {title}").format(title=title)
        self.query_one("#lesson-box").border_title = Content(title)  # the scenario's name, never markup

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        if self.is_active:
            self.dismiss(None)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        if self.is_active:
            self.dismiss(None)
