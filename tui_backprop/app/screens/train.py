"""Ask how many epochs to train."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ... import counts
from ...core.scenario import MAX_EPOCHS
from ...i18n import _

DEFAULT_TRAIN = 100


class TrainScreen(ModalScreen[int | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="train-box"):
            yield Static(
                _("How many epochs to train (1 to {most})? Enter to start, Esc to cancel.").format(
                    most=f"{MAX_EPOCHS:,}"
                ),
                id="train-prompt",
            )
            yield Input(str(DEFAULT_TRAIN), id="train-input")
            yield Static("", id="train-error", classes="error")

    def on_mount(self) -> None:
        self.query_one("#train-box").border_title = _("Train")
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not self.is_active:
            return  # a second Enter typed before the first one's dismissal took effect
        try:
            value = counts.epochs(event.value)  # the same reading and limit as `train --epochs`
        except ValueError as error:
            self.query_one("#train-error", Static).update(Text(str(error)))  # quotes what was typed
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        if self.is_active:
            self.dismiss(None)
