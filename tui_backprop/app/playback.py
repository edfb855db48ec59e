"""Back, play, run to the end of the epoch, the speed and training: one home for the screens that step a walk.

The main screen steps its session, the compare screen a pair of sessions in lockstep (core.compare.Lockstep);
both have a position, a number of steps, a frontier and a divergence, which is all this needs. A screen mixes
Playback in before Screen and provides `walk`, `_move(delta)`, the reactives `status` and `progress`, a
`trainer` (training.Trainer) and its own handler of TrainingDone; `_refuses(action)` may turn an action down
(quiz mode does play and run), saying why.
"""

from __future__ import annotations

from ..i18n import _
from ..notation import count
from .state import Progress
from .training import TrainingProgress

SPEEDS = (2.0, 1.0, 0.5, 0.25, 0.1)  # seconds per step while playing
DEFAULT_SPEED = 1
RUN_INTERVAL = 0.06  # `e`: run to the end of the epoch


class Playback:
    speed = DEFAULT_SPEED
    _timer = None
    _play_mode: str | None = None  # "play" | "run"

    @property
    def walk(self):
        """What is stepped: a Session, or a Lockstep of two."""
        raise NotImplementedError

    @property
    def playing(self) -> str | None:
        """ "play" or "run" (`e`) while stepping on a timer."""
        return self._play_mode

    def _refuses(self, action: str) -> bool:
        return False

    def _training_status(self, epochs: int) -> str:
        return _("training {n} epochs…").format(n=count(epochs))

    # --- back ------------------------------------------------------------------------------------

    def action_previous(self) -> None:
        self.stop_playing()
        if not self._move(-1):
            self.app.say(_("This is the first step of epoch 1."), timeout=2)

    # --- play ------------------------------------------------------------------------------------

    def _start_timer(self, mode: str, interval: float) -> None:
        self.stop_playing()
        self._play_mode = mode
        self._timer = self.set_interval(interval, self._tick)

    def stop_playing(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._play_mode is not None:
            self._play_mode = None
            self.status = ""

    def _at_end(self) -> bool:
        return self.walk.position.index == self.walk.n_steps

    def _tick(self) -> None:
        if self._play_mode == "run" and self._at_end():
            self.stop_playing()
            return
        if not self._move(+1):
            self.stop_playing()
            if self.walk.diverged is None:
                self.app.say(_("End of the available steps."), timeout=3)
            return
        if self._play_mode == "run" and self._at_end():
            self.stop_playing()

    def _playing(self) -> str:
        return _("▶ playing, {seconds} s/step").format(seconds=f"{SPEEDS[self.speed]:g}")

    def action_play(self) -> None:
        if self._play_mode == "play":
            self.stop_playing()
            return
        if self._refuses("play"):
            return
        self._start_timer("play", SPEEDS[self.speed])
        self.status = self._playing()

    def action_run_epoch(self) -> None:
        if self._refuses("run_epoch"):
            return
        if self._at_end() and not self._move(+1):
            return
        self._start_timer("run", RUN_INTERVAL)
        self.status = _("▶ running to the end of the epoch")

    def _change_speed(self, delta: int) -> None:
        self.speed = max(0, min(len(SPEEDS) - 1, self.speed + delta))
        if self._play_mode == "play":
            self._start_timer("play", SPEEDS[self.speed])
            self.status = self._playing()
        else:
            speed = _("Play speed: {seconds} s per step").format(seconds=f"{SPEEDS[self.speed]:g}")
            self.app.say(speed, timeout=2, alone=True)

    def action_faster(self) -> None:
        self._change_speed(+1)

    def action_slower(self) -> None:
        self._change_speed(-1)

    # --- train -----------------------------------------------------------------------------------

    def action_train(self) -> None:
        self.stop_playing()
        if self.walk.diverged is not None:
            self.app.say(str(self.walk.diverged), title=_("Cannot train further"), severity="error")
            return
        from .screens.train import TrainScreen

        self.app.push_screen(TrainScreen(), self._train_chosen)

    def _train_chosen(self, epochs: int | None) -> None:
        if epochs:
            self.start_training(epochs)

    def start_training(self, epochs: int) -> None:
        self.progress = Progress(epochs, self.walk.frontier)
        self.trainer.start(self.walk, epochs)
        self.refresh_bindings()
        self.status = self._training_status(epochs)

    def on_training_progress(self, event: TrainingProgress) -> None:
        if self.progress is not None:
            self.progress = Progress(self.progress.epochs, self.progress.first_epoch, event.done)

    def action_stop_training(self) -> None:
        if self.trainer.stop():
            self.status = _("stopping…")
