"""Ask how many epochs to train."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ...core.scenario import MAX_EPOCHS  # the same limit as a scenario's epochs and `train --epochs`

DEFAULT_TRAIN = 100


def parse_epochs(text: str) -> tuple[int | None, str]:
    text = text.strip().replace(",", "").replace("_", "")
    try:
        value = int(text)
    except ValueError:
        return None, f"expected a whole number of epochs, got {text!r}"
    if not 1 <= value <= MAX_EPOCHS:
        return None, f"expected 1 to {MAX_EPOCHS:,} epochs, got {value:,}"
    return value, ""


class TrainScreen(ModalScreen[int | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="train-box"):
            yield Static("How many epochs to train (1 to 1,000,000)? Enter to start, Esc to cancel.", id="train-prompt")
            yield Input(str(DEFAULT_TRAIN), id="train-input")
            yield Static("", id="train-error", classes="error")

    def on_mount(self) -> None:
        self.query_one("#train-box").border_title = "Train"
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not self.is_active:
            return  # a second Enter typed before the first one's dismissal took effect
        value, error = parse_epochs(event.value)
        if value is None:
            self.query_one("#train-error", Static).update(Text(error))  # quotes what was typed
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        if self.is_active:
            self.dismiss(None)
