"""BackpropApp: step through one training iteration, gate by gate."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Iterable

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer

from ..core import DivergenceError, Scenario, Session, resolve
from .keys import KEYS, bindings, locked_actions
from .screens.gradcheck import GradCheckScreen
from .screens.help import HelpScreen
from .screens.picker import PickerScreen
from .screens.train import TrainScreen
from .view import DEFAULT_DECIMALS, next_decimals
from .widgets.cost import CostPanel
from .widgets.explanation import ExplanationPanel
from .widgets.graph import GraphPanel
from .widgets.header import StepHeader
from .widgets.matrices import MatricesPanel
from .widgets.notice import Notice
from .widgets.params import ParamsPanel
from .widgets.progress import TrainProgress
from .widgets.step import StepPanel

SPEEDS = (2.0, 1.0, 0.5, 0.25, 0.1)  # seconds per step while playing
DEFAULT_SPEED = 1
RUN_INTERVAL = 0.06  # `e`: run to the end of the epoch
STEP_ACTIONS = frozenset({"next", "previous", "first", "last", "run_epoch", "play", "train", "reset", "open", "gradcheck"})


def _scenario(spec: Scenario | str | Path | None) -> Scenario:
    if isinstance(spec, Scenario):
        return spec
    return resolve(None if spec is None else str(spec))


class BackpropApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "backprop-tui"
    BINDINGS = bindings()
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    def __init__(self, scenario: Scenario | str | Path | None = None, decimals: int | None = None) -> None:
        super().__init__()
        self.scenario = _scenario(scenario)  # raises ScenarioError for a bad spec
        self.session = Session(self.scenario)
        self.decimals = DEFAULT_DECIMALS if decimals is None else decimals
        self.locked = locked_actions(self.scenario.lesson)
        self.speed = DEFAULT_SPEED
        self._timer = None
        self._play_mode: str | None = None  # "play" | "run"
        self.training = False
        self.side_shown = False
        self.status = ""

    # --- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StepHeader(id="header")
        with Horizontal(id="body"):
            with Vertical(id="side"):
                yield GraphPanel(id="graph", classes="panel")
                yield ParamsPanel(id="params", classes="panel")
                yield CostPanel(id="cost", classes="panel")
            with Vertical(id="main"):
                yield Notice(id="notice")
                yield StepPanel(id="step", classes="panel")
                yield MatricesPanel(id="matrices", classes="panel")
                yield ExplanationPanel(id="explanation", classes="panel")
        yield TrainProgress(id="progress")
        yield Footer(id="footer", compact=True)

    def on_mount(self) -> None:
        self.refresh_view()

    def on_resize(self) -> None:
        # Narrow terminals need every footer cell for the keys; ctrl+p stays in the help.
        self.query_one(Footer).show_command_palette = self.size.width >= 100

    # --- drawing ---------------------------------------------------------------------------------

    def refresh_view(self, *, history: bool = True) -> None:
        s = self.session
        step = s.step()
        pos = s.position
        self.query_one(StepHeader).show(self.scenario.name, pos.epoch, pos.index, s.n_steps, step.phase, self.status)
        self.query_one(StepPanel).show(step, s.n_steps)
        narrow = self.screen.has_class("-narrow") if self.screen else False
        matrices = self.query_one(MatricesPanel)
        matrices.max_rows, matrices.max_cols = (8, 5) if narrow else (12, 6)
        matrices.show(step, self.decimals)
        self.query_one(ExplanationPanel).show(step)
        self.query_one(GraphPanel).show(s)
        self.query_one(ParamsPanel).show(s, self.decimals)
        if history:
            self.query_one(CostPanel).show(s, self.decimals)
        self._show_divergence()

    def _show_divergence(self) -> None:
        err = self.session.diverged
        notice = self.query_one(Notice)
        if err is None:
            notice.say(None)
            return
        at_end = self.session.position.epoch == self.session.frontier
        notice.say(f"⚠ {err}" + ("" if at_end else f" — you are at epoch {self.session.position.epoch}"))

    def _set_status(self, status: str) -> None:
        self.status = status
        s = self.session
        self.query_one(StepHeader).show(self.scenario.name, s.position.epoch, s.position.index, s.n_steps,
                                         s.step().phase, status)

    # --- key table plumbing ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.locked:
            return False
        if self.training and action in STEP_ACTIONS:
            return None  # shown greyed out while a training worker owns the session
        return True

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for spec in KEYS:
            if spec.action in self.locked or spec.action == "quit":
                continue
            yield SystemCommand(f"{spec.palette_title} ({spec.display})", spec.help,
                                lambda a=spec.action: self.run_action(a))

    # --- stepping --------------------------------------------------------------------------------

    def _move(self, delta: int) -> bool:
        epoch = self.session.position.epoch
        moved = self.session.move(delta)
        if moved:
            self.refresh_view(history=self.session.position.epoch != epoch)
        elif self.session.diverged is not None and delta > 0:
            self._show_divergence()
            self.notify(str(self.session.diverged), title="Diverged", severity="error", timeout=8)
        return moved

    def action_next(self) -> None:
        self.stop_playing()
        if not self._move(+1) and self.session.diverged is None:
            self.bell()

    def action_previous(self) -> None:
        self.stop_playing()
        if not self._move(-1):
            self.notify("This is the first step of epoch 1.", timeout=2)

    def action_first(self) -> None:
        self.stop_playing()
        self.session.go(1)
        self.refresh_view(history=False)

    def action_last(self) -> None:
        self.stop_playing()
        self.session.go(self.session.n_steps)
        self.refresh_view(history=False)

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
            self._set_status("")

    def _tick(self) -> None:
        if self._play_mode == "run" and self.session.position.index == self.session.n_steps:
            self.stop_playing()
            return
        if not self._move(+1):
            self.stop_playing()
            if self.session.diverged is None:
                self.notify("End of the available steps.", timeout=3)
            return
        if self._play_mode == "run" and self.session.position.index == self.session.n_steps:
            self.stop_playing()

    def action_play(self) -> None:
        if self._play_mode == "play":
            self.stop_playing()
            return
        self._start_timer("play", SPEEDS[self.speed])
        self._set_status(f"▶ playing, {SPEEDS[self.speed]:g} s/step")

    def action_run_epoch(self) -> None:
        if self.session.position.index == self.session.n_steps:
            if not self._move(+1):
                return
        self._start_timer("run", RUN_INTERVAL)
        self._set_status("▶ running to the end of the epoch")

    def _change_speed(self, delta: int) -> None:
        self.speed = max(0, min(len(SPEEDS) - 1, self.speed + delta))
        if self._play_mode == "play":
            self._start_timer("play", SPEEDS[self.speed])
            self._set_status(f"▶ playing, {SPEEDS[self.speed]:g} s/step")
        else:
            self.clear_notifications()
            self.notify(f"Play speed: {SPEEDS[self.speed]:g} s per step", timeout=2)

    def action_faster(self) -> None:
        self._change_speed(+1)

    def action_slower(self) -> None:
        self._change_speed(-1)

    # --- train / reset / open --------------------------------------------------------------------

    def action_train(self) -> None:
        self.stop_playing()
        if self.session.diverged is not None:
            self.notify(str(self.session.diverged), title="Cannot train further", severity="error")
            return
        self.push_screen(TrainScreen(), self._train_chosen)

    def _train_chosen(self, epochs: int | None) -> None:
        if epochs:
            self.start_training(epochs)

    def start_training(self, epochs: int) -> None:
        self.training = True
        self.refresh_bindings()
        self.query_one(TrainProgress).start(epochs, self.session.frontier)
        self._set_status(f"training {epochs:,} epochs…")
        self.train_worker(epochs)

    @work(thread=True, exclusive=True, group="train")
    def train_worker(self, epochs: int) -> None:
        last = [0.0]

        def progress(done: int) -> None:
            now = time.monotonic()
            if now - last[0] >= 0.05 or done == epochs:
                last[0] = now
                self.call_from_thread(self.query_one(TrainProgress).advance_to, done)

        before = self.session.frontier
        result = self.session.train(epochs, progress=progress)
        self.call_from_thread(self._training_done, before, result)

    def _training_done(self, before: int, result: DivergenceError | None) -> None:
        self.training = False
        self.refresh_bindings()
        self.query_one(TrainProgress).stop()
        self._set_status("")
        self.refresh_view()
        trained = self.session.frontier - before
        cost = self.session.costs[self.session.frontier - 1]
        if result is not None:
            self.notify(str(result), title="Diverged", severity="error", timeout=10)
        else:
            self.notify(f"Trained {trained:,} epochs: now at epoch {self.session.frontier}, J = {cost:.6g}.",
                        title="Training done", timeout=5)

    def action_reset(self) -> None:
        self.stop_playing()
        self.session.reset()
        self.refresh_view()
        self.notify("Back to the initial weights: epoch 1, step 1.", timeout=2)

    def action_open(self) -> None:
        self.stop_playing()
        self.push_screen(PickerScreen(self.scenario.source), self._opened)

    def _opened(self, scenario: Scenario | None) -> None:
        if scenario is not None:
            self.load(scenario)

    def load(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.session = Session(scenario)
        self.locked = locked_actions(scenario.lesson)
        self.refresh_bindings()
        self.refresh_view()
        self.notify(f"Opened {scenario.name} {scenario.shape_text}, m = {scenario.m}.", timeout=3)

    # --- view ------------------------------------------------------------------------------------

    def action_decimals(self) -> None:
        self.decimals = next_decimals(self.decimals)
        self.refresh_view()
        self.clear_notifications()
        self.notify(f"{self.decimals} decimals", timeout=1.5)

    def action_panels(self) -> None:
        self.side_shown = not self.side_shown
        self.screen.set_class(self.side_shown, "-side-toggled")

    def action_gradcheck(self) -> None:
        self.stop_playing()
        self.push_screen(GradCheckScreen(self.session))

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.locked))

    def action_quit(self) -> None:
        self.exit()
