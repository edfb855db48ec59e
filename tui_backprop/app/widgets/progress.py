"""Training progress: a label and a progress bar, shown while a training worker runs.

The label and the bar are mounted on the first training only: a hidden widget still
costs every screen update (and every Pilot wait) a little.
"""

from __future__ import annotations

from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from ...notation import count


class TrainProgress(Horizontal):
    def start(self, epochs: int, first_epoch: int) -> None:
        text = f"Training {count(epochs)} epochs from epoch {count(first_epoch)}"
        if not self.children:
            self.mount(Label(text, id="train-label"), ProgressBar(total=epochs, id="train-bar", show_eta=False))
        else:
            self.query_one("#train-label", Label).update(text)
            self.query_one(ProgressBar).update(total=epochs, progress=0)
        self.add_class("-active")

    def advance_to(self, done: int) -> None:
        for bar in self.query(ProgressBar):
            bar.update(progress=done)

    def stop(self) -> None:
        self.remove_class("-active")
