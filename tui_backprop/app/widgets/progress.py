"""Training progress: a label and a progress bar, shown while a training worker runs."""

from __future__ import annotations

from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar


class TrainProgress(Horizontal):
    def compose(self):
        yield Label("Training", id="train-label")
        yield ProgressBar(id="train-bar", show_eta=False)

    def start(self, epochs: int, first_epoch: int) -> None:
        self.query_one("#train-label", Label).update(f"Training {epochs:,} epochs from epoch {first_epoch}")
        self.query_one(ProgressBar).update(total=epochs, progress=0)
        self.add_class("-active")

    def advance_to(self, done: int) -> None:
        self.query_one(ProgressBar).update(progress=done)

    def stop(self) -> None:
        self.remove_class("-active")
