"""Training many epochs in a worker thread, off the screen's event loop.

The controller runs the engine in chunks (a stop takes effect between two) and posts
TrainingProgress (at most 20 a second) and TrainingDone to the screen, which handles
them with ``@on``; the thread touches no widget.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from ..core import DivergenceError, Session
    from .screens.main import MainScreen

TRAIN_CHUNK = 500  # epochs per engine call: a stop takes effect between two chunks
PROGRESS_EVERY = 0.05  # seconds between two progress messages


class TrainingProgress(Message):
    def __init__(self, done: int) -> None:
        super().__init__()
        self.done = done


class TrainingDone(Message):
    def __init__(self, before: int, trained: int, epochs: int, error: DivergenceError | None) -> None:
        super().__init__()
        self.before = before  # the frontier when training started
        self.trained = trained  # epochs trained (fewer than asked when stopped or diverged)
        self.epochs = epochs  # epochs asked for
        self.error = error  # the divergence that stopped it


class Trainer:
    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.running = False
        self.stop_requested = False

    def start(self, session: Session, epochs: int) -> None:
        self.running = True
        self.stop_requested = False
        self.screen.run_worker(
            lambda: self._train(session, epochs), thread=True, exclusive=True, group="train", name="train"
        )

    def stop(self) -> bool:
        """Ask the worker to stop after its chunk; False when there is nothing to stop."""
        if not self.running or self.stop_requested:
            return False
        self.stop_requested = True
        return True

    def finished(self) -> None:
        self.running = False

    def _train(self, session: Session, epochs: int) -> None:
        post = self.screen.post_message  # thread-safe
        last = [0.0]

        def progress(done: int) -> None:
            now = time.monotonic()
            if now - last[0] >= PROGRESS_EVERY or done == epochs:
                last[0] = now
                # Posted from the event loop, the worker waiting for it: 20 times a second the worker stands
                # aside for the screen, which keeps keys answered on a busy machine.
                self.screen.app.call_from_thread(post, TrainingProgress(done))

        before = session.frontier
        done = 0
        error = None
        while done < epochs and not self.stop_requested:
            n = min(TRAIN_CHUNK, epochs - done)
            error = session.train(n, progress=lambda k, base=done: progress(base + k))
            done += n
            if error is not None:
                break
        post(TrainingDone(before, session.frontier - before, epochs, error))
