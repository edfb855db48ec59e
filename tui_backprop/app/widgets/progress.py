"""Training progress: a label and a progress bar, shown while a training worker runs.

The label and the bar are mounted on the first training only: a hidden widget still
costs every screen update (and every Pilot wait) a little.
"""

from __future__ import annotations

from textual.containers import Horizontal
from textual.reactive import var
from textual.widgets import Label, ProgressBar

from ...i18n import _
from ...notation import count
from ..state import Progress


class TrainProgress(Horizontal):
    progress: var[Progress | None] = var(None)  # None: no training run
    _run: tuple[int, int] | None = None  # the run the label was written for

    def watch_progress(self, progress: Progress | None) -> None:
        self.set_class(progress is not None, "-active")
        if progress is None:
            self._run = None
            return
        run = (progress.epochs, progress.first_epoch)
        if run != self._run:
            self._run = run
            text = _("Training {n} epochs from epoch {epoch}").format(
                n=count(progress.epochs), epoch=count(progress.first_epoch)
            )
            if not self.children:
                self.mount(
                    Label(text, id="train-label"), ProgressBar(total=progress.epochs, id="train-bar", show_eta=False)
                )
                return
            self.query_one("#train-label", Label).update(text)
            self.query_one(ProgressBar).update(total=progress.epochs, progress=0)
        for bar in self.query(ProgressBar):
            bar.update(progress=progress.done)
