"""BackpropApp: step through one training iteration, gate by gate."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input

from .. import quiz
from ..core.errors import BackpropError
from ..core.lesson import PANELS
from ..locate import Location, locate, peek_name
from ..notation import display_name
from .hunt import Hunt
from .keys import ACTIONS, KEYS, bindings, locked_actions
from .view import DEFAULT_DECIMALS, fmt, next_decimals
from .widgets.bug import BugPanel
from .widgets.cost import CostPanel
from .widgets.explanation import ExplanationPanel
from .widgets.graph import GraphPanel
from .widgets.header import StepHeader
from .widgets.matrices import MatricesPanel
from .widgets.notice import Notice
from .widgets.params import ParamsPanel
from .widgets.progress import TrainProgress
from .widgets.quiz import QuizPanel
from .widgets.step import StepPanel

if TYPE_CHECKING:  # the engine (numpy) is imported after the first screen is painted
    from ..core import DivergenceError, Scenario, Session

SPEEDS = (2.0, 1.0, 0.5, 0.25, 0.1)  # seconds per step while playing
DEFAULT_SPEED = 1
RUN_INTERVAL = 0.06  # `e`: run to the end of the epoch
TRAIN_CHUNK = 500  # epochs per engine call while training: a stop takes effect between two chunks
STEP_ACTIONS = frozenset(
    {
        "next",
        "previous",
        "first",
        "last",
        "run_epoch",
        "play",
        "train",
        "reset",
        "open",
        "gradcheck",
        "quiz",
        "quiz_give_up",
        "mark",
        "give_up",
    }
)
NOT_IN_QUIZ = {"play": "Play", "run_epoch": "Run to the end", "last": "End"}  # they would skip the questions
PANEL_IDS = {"graph": "graph", "parameters": "params", "cost": "cost", "explanation": "explanation"}
SIDE_PANELS = ("graph", "parameters", "cost")


@dataclass
class Question:
    """The quiz question open on one step: first its shape, then (cost and bias steps) optionally a value."""

    epoch: int
    index: int
    stage: str  # "shape" | "value"
    correct: bool = False  # the shape answer
    feedback: Text | None = None


class BackpropApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "backprop-tui"
    BINDINGS = bindings()
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    def __init__(
        self,
        scenario: Scenario | str | Path | None = None,
        decimals: int | None = None,
        bug: str | None = None,
        seed: int | None = None,
    ) -> None:
        """`scenario`: a loaded Scenario, or a file path or bundled name (None: the default) to load.

        `bug` (and `seed` for "random"): a mistake to plant in it (else its lesson's, if any).

        A spec is only located here (no such file or bundled name raises ScenarioError at once); it is
        loaded and validated once the first screen is painted, and a file that cannot be used ends the
        app with return code 1 and `startup_error` (the one-line message). Reading `scenario` or
        `session` before that loads it on the spot.
        """
        super().__init__()
        self._scenario: Scenario | None = None
        self._session: Session | None = None
        self._location: Location | None = None
        self.startup_error: str | None = None
        self.loaded = False  # the panels show the scenario (until then: the layout, "loading…")
        self._loading = False
        self._late_mounts = False
        # Load after the first frame is painted? None: in a terminal yes; headless (tests) no, there is no one to see it.
        self.defer_load: bool | None = None
        self.when_loaded: Callable[[], object] | None = None  # called once, when the scenario is first shown
        self.locked: frozenset[str] = frozenset()
        self.quiz_on = False
        self._bug, self._seed = bug, seed  # for the first scenario; one opened later plants its lesson's
        self.hunt: Hunt | None = None  # spot the bug: the hunt for the planted mistake, if one is planted
        if scenario is None or isinstance(scenario, (str, Path)):
            self._location = locate(scenario)
        else:
            self._use(scenario)
        self.decimals = DEFAULT_DECIMALS if decimals is None else decimals
        self.speed = DEFAULT_SPEED
        self._timer = None
        self._play_mode: str | None = None  # "play" | "run"
        self.training = False
        self._stop_requested = False  # x / Esc while training
        self.side_shown = False
        self.status = ""
        # Quiz mode: verdicts per (epoch, step) ("right" | "wrong" | "seen"), scores per epoch, the open question.
        self.quiz_answers: dict[tuple[int, int], str] = {}
        self.quiz_scores: dict[int, quiz.Score] = {}
        self.question: Question | None = None

    # --- layout ----------------------------------------------------------------------------------

    def _defers_loading(self) -> bool:
        if self._scenario is not None:
            return False
        return self.defer_load if self.defer_load is not None else not self.is_headless

    def compose(self) -> ComposeResult:
        # Loading after the first frame, the two panels that frame never shows (the quiz and the training
        # progress, with their input field and progress bar) are mounted after it too, in the same places.
        late = self._late_mounts = self._defers_loading()
        yield StepHeader(id="header")
        with Horizontal(id="body"):
            with Vertical(id="side"):
                yield GraphPanel(id="graph", classes="panel")
                yield ParamsPanel(id="params", classes="panel")
                yield CostPanel(id="cost", classes="panel")
            with Vertical(id="main"):
                yield Notice(id="notice")
                yield StepPanel(id="step", classes="panel")
                if not late:
                    yield QuizPanel(id="quiz", classes="panel")
                yield BugPanel(id="bug", classes="panel")
                yield MatricesPanel(id="matrices", classes="panel")
                yield ExplanationPanel(id="explanation", classes="panel")
        if not late:
            yield TrainProgress(id="progress")
        yield Footer(id="footer", compact=True)

    async def on_mount(self) -> None:
        if not self._late_mounts:
            await self._finish_loading()
            return
        # The first screen: the layout, the scenario's name (read without the engine) and "loading…".
        name = peek_name(self._location) or self._location.spec
        self.query_one(StepHeader).update(Text(name, style="bold", no_wrap=True, overflow="ellipsis"))
        self.query_one(StepPanel).update(Text("loading…", style="dim italic"))

    async def on_ready(self) -> None:
        """The first screen is painted (Textual's Ready): now the engine and the scenario's validation."""
        await self._finish_loading()

    # --- loading ---------------------------------------------------------------------------------

    @property
    def scenario(self) -> Scenario:
        if self._scenario is None:
            self._load_scenario()
        return self._scenario

    @property
    def session(self) -> Session:
        if self._session is None:
            self._load_scenario()
        return self._session

    def _load_scenario(self) -> None:
        """The engine's loader on the located spec; raises ScenarioError for a file it cannot use."""
        from ..core import load_bundled, load_file

        where = self._location
        self._use(load_bundled(where.spec) if where.bundled else load_file(where.entry))

    def _use(self, scenario: Scenario) -> None:
        from ..core import Session
        from ..core.bugs import planted_for

        planted = planted_for(scenario, self._bug, self._seed)
        self._bug = None
        self._scenario = scenario
        self._session = Session(scenario, planted)
        self.hunt = Hunt.of(self._session)
        self.locked = locked_actions(scenario.lesson)
        self.quiz_on = scenario.lesson.quiz

    async def _finish_loading(self) -> bool:
        """Load (if not yet) and show the scenario; False when it cannot be used (the app then exits, code 1)
        or while it is being shown."""
        if self.loaded:
            return True
        if self.startup_error is not None or self._loading:
            return False
        self._loading = True
        try:
            _ = self.scenario  # loads it
        except BackpropError as exc:
            self.startup_error = str(exc)
            self.exit(return_code=1)
            return False
        except Exception as exc:  # a bug, still one line: the CLI prints it after the terminal is restored
            self.startup_error = f"internal error: {type(exc).__name__}: {exc}"
            self.exit(return_code=1)
            return False
        finally:
            self._loading = False
        if self._late_mounts:
            self._late_mounts = False
            self._loading = True
            try:
                await self.query_one("#main").mount(QuizPanel(id="quiz", classes="panel"), after="#step")
                await self.mount(TrainProgress(id="progress"), before="#footer")
            finally:
                self._loading = False
        self._show_loaded()
        if self.when_loaded is not None:
            self.when_loaded()
            self.when_loaded = None
        return True

    def _show_loaded(self) -> None:
        self.loaded = True
        self.refresh_bindings()
        self._apply_lesson()
        self._quiz_start()
        self.refresh_view()
        self._show_message()

    async def run_action(self, action: str, default_namespace=None) -> bool:
        # A key pressed before the scenario is shown (right after launch) loads it first, then acts.
        if not self.loaded and self.is_running and not await self._finish_loading():
            return False
        return await super().run_action(action, default_namespace)

    def on_resize(self) -> None:
        # Narrow terminals need every footer cell for the keys; ctrl+p stays in the help.
        self.query_one(Footer).show_command_palette = self.size.width >= 100

    # --- drawing ---------------------------------------------------------------------------------

    def refresh_view(self, *, history: bool = True) -> None:
        s = self.session
        step = s.step()
        hidden = self._hidden()
        self._show_header()
        self.query_one(StepPanel).show(step, s.n_steps, shapes=quiz.masked_shapes(step) if hidden else None)
        narrow = self.screen.has_class("-narrow") if self.screen else False
        matrices = self.query_one(MatricesPanel)
        matrices.max_rows, matrices.max_cols = (8, 5) if narrow else (12, 6)
        matrices.show(step, self.decimals, hide_outputs=hidden)
        self.query_one(ExplanationPanel).show(step, hidden=hidden, steps=s.epoch_pass(s.position.epoch)[2])
        self.query_one(GraphPanel).show(s)
        self.query_one(ParamsPanel).show(s, self.decimals, hide_current=hidden)
        if history or self.quiz_on:
            self.query_one(CostPanel).show(
                s, self.decimals, hide_current=self._cost_hidden(), can_train="train" not in self.locked
            )
        self._show_quiz_panel()
        self._show_bug(step)
        if self.screen is not None and self.screen_stack:
            # Short terminals: the explanation only says "answer first" while a question is open; give its rows away.
            self.screen_stack[0].set_class(hidden, "-quiz-open")
        self._show_divergence()

    def _show_header(self) -> None:
        s = self.session
        pos = s.position
        scores = [f"quiz {self._score(pos.epoch)}" if self.quiz_on else "", self.hunt.score() if self.hunt else ""]
        score = "  ·  ".join(x for x in scores if x)
        self.query_one(StepHeader).show(
            self.scenario.name, pos.epoch, pos.index, s.n_steps, s.step().phase, self.status, score
        )

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
        self._show_header()

    # --- key table plumbing ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.locked:
            return False
        if action == "stop_training":
            return self.training  # in the footer only while training
        if action in ("mark", "give_up") and (self.hunt is None or self.hunt.over):
            return False  # only while a planted mistake is being hunted
        if self.quiz_on and action in NOT_IN_QUIZ:
            return False  # off in quiz mode: not in the footer (on_key says why)
        if self.training and action in STEP_ACTIONS:
            return None  # shown greyed out while a training worker owns the session
        return True

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for spec in KEYS:
            if (
                spec.action in self.locked
                or spec.action == "quit"
                or (spec.action == "stop_training" and not self.training)
                or (spec.action in ("mark", "give_up") and (self.hunt is None or self.hunt.over))
                or (self.quiz_on and spec.action in NOT_IN_QUIZ)
            ):
                continue
            yield SystemCommand(
                f"{spec.palette_title} ({spec.display})", spec.help, lambda a=spec.action: self.run_action(a)
            )

    # --- stepping --------------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """A key a lesson locked, or one quiz mode switches off: say so rather than doing nothing (it reaches
        here unhandled)."""
        if len(self.screen_stack) != 1:
            return
        if self.quiz_on and self.loaded:
            for action in NOT_IN_QUIZ:
                if action not in self.locked and event.key in ACTIONS[action].keys.split(","):
                    self._quiz_blocks(action)
                    return
        if not self.locked:
            return
        for spec in KEYS:
            if spec.action in self.locked and event.key in spec.keys.split(","):
                self.clear_notifications()
                self.say(f"{spec.label} ({spec.display}) is locked by this lesson.", timeout=2)
                return

    def _move(self, delta: int) -> bool:
        epoch = self.session.position.epoch
        moved = self.session.move(delta)
        if moved:
            self._quiz_leave()
            if delta > 0:
                self._quiz_ask_here()
            self.refresh_view(history=self.session.position.epoch != epoch)
        elif self.session.diverged is not None and delta > 0:
            self._show_divergence()
            self.clear_notifications()  # one toast however often → is pressed (the banner stays)
            self.say(str(self.session.diverged), title="Diverged", severity="error", timeout=8)
        return moved

    def action_next(self) -> None:
        self.stop_playing()
        if self.question is not None:  # the answer is required to move on
            self.query_one(QuizPanel).focus_field()
            self.clear_notifications()
            self.say("Answer first: type the shape and press Enter (Esc gives up).", timeout=3)
            return
        if not self._move(+1) and self.session.diverged is None:
            self.bell()

    def action_previous(self) -> None:
        self.stop_playing()
        if not self._move(-1):
            self.say("This is the first step of epoch 1.", timeout=2)

    def action_first(self) -> None:
        self.stop_playing()
        self.session.go(1)
        self._quiz_leave()
        self.refresh_view(history=False)

    def action_last(self) -> None:
        self.stop_playing()
        if self._quiz_blocks("last"):
            return
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
                self.say("End of the available steps.", timeout=3)
            return
        if self._play_mode == "run" and self.session.position.index == self.session.n_steps:
            self.stop_playing()

    def action_play(self) -> None:
        if self._play_mode == "play":
            self.stop_playing()
            return
        if self._quiz_blocks("play"):
            return
        self._start_timer("play", SPEEDS[self.speed])
        self._set_status(f"▶ playing, {SPEEDS[self.speed]:g} s/step")

    def action_run_epoch(self) -> None:
        if self._quiz_blocks("run_epoch"):
            return
        if self.session.position.index == self.session.n_steps and not self._move(+1):
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
            self.say(f"Play speed: {SPEEDS[self.speed]:g} s per step", timeout=2)

    def action_faster(self) -> None:
        self._change_speed(+1)

    def action_slower(self) -> None:
        self._change_speed(-1)

    # --- train / reset / open --------------------------------------------------------------------

    def action_train(self) -> None:
        self.stop_playing()
        if self.session.diverged is not None:
            self.say(str(self.session.diverged), title="Cannot train further", severity="error")
            return
        from .screens.train import TrainScreen

        self.push_screen(TrainScreen(), self._train_chosen)

    def _train_chosen(self, epochs: int | None) -> None:
        if epochs:
            self.start_training(epochs)

    def start_training(self, epochs: int) -> None:
        self.training = True
        self._stop_requested = False
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

        # In chunks: x / Esc stops between two of them, at the last completed epoch (the history stays exact).
        before = self.session.frontier
        done = 0
        result = None
        while done < epochs and not self._stop_requested:
            n = min(TRAIN_CHUNK, epochs - done)
            result = self.session.train(n, progress=lambda k, base=done: progress(base + k))
            done += n
            if result is not None:
                break
        self.call_from_thread(self._training_done, before, result, epochs)

    def action_stop_training(self) -> None:
        if self.training and not self._stop_requested:
            self._stop_requested = True
            self._set_status("stopping…")

    def _training_done(self, before: int, result: DivergenceError | None, epochs: int | None = None) -> None:
        self.training = False
        self.refresh_bindings()
        self.query_one(TrainProgress).stop()
        self._set_status("")
        self._quiz_leave()
        self._quiz_ask_here()  # a new epoch: its first step is asked
        self.refresh_view()
        trained = self.session.frontier - before
        cost = self.session.costs[self.session.frontier - 1]
        if result is not None:
            self.say(str(result), title="Diverged", severity="error", timeout=10)
        elif epochs is not None and trained < epochs:
            self.say(
                f"Stopped after {trained:,} of {epochs:,} epochs: now at epoch {self.session.frontier}, "
                f"J = {cost:.6g}.",
                title="Training stopped",
                timeout=5,
            )
        else:
            self.say(
                f"Trained {trained:,} epochs: now at epoch {self.session.frontier}, J = {cost:.6g}.",
                title="Training done",
                timeout=5,
            )

    def action_reset(self) -> None:
        self.stop_playing()
        self.session.reset()
        self._quiz_clear()
        self._quiz_start()
        self.refresh_view()
        self.say("Back to the initial weights: epoch 1, step 1.", timeout=2)

    def action_open(self) -> None:
        self.stop_playing()
        from .screens.picker import PickerScreen

        self.push_screen(PickerScreen(self.scenario.source), self._opened)

    def _opened(self, scenario: Scenario | None) -> None:
        if scenario is not None:
            self.load(scenario)

    def load(self, scenario: Scenario) -> None:
        """Open another scenario and apply its lesson (quiz mode, message, hidden panels, locked keys)."""
        self.stop_playing()
        was_on = self.quiz_on
        self._use(scenario)
        # The lesson may switch quiz mode on; a mode the student chose stays unless the lesson locks the key.
        self.quiz_on = scenario.lesson.quiz or (was_on and "quiz" not in self.locked)
        self._quiz_clear()
        self._apply_lesson()
        self.refresh_bindings()
        self._quiz_start()
        self.refresh_view()
        opened = f"{scenario.name} {scenario.shape_text}, m = {scenario.m}."
        if scenario.description:  # the format's "shown in the app" (also atop the help and in the picker)
            self.say(" ".join(scenario.description.split()), title=f"Opened {opened}", timeout=10)
        else:
            self.say(f"Opened {opened}", timeout=3)
        self._show_message()

    # --- the lesson ------------------------------------------------------------------------------

    def _apply_lesson(self) -> None:
        lesson = self.scenario.lesson
        for panel in PANELS:
            self.query_one(f"#{PANEL_IDS[panel]}").set_class(lesson.hides(panel), "-lesson-hidden")
        self.query_one("#side").set_class(all(lesson.hides(p) for p in SIDE_PANELS), "-lesson-hidden")

    def _show_message(self) -> None:
        lesson = self.scenario.lesson
        if not lesson.message:
            return
        notes = []
        if self.quiz_on:
            notes.append("Quiz mode: type each result's shape (e.g. 3x1) and press Enter before it is revealed.")
        if self.locked:
            labels = ", ".join(f"{ACTIONS[a].label} ({ACTIONS[a].display})" for a in sorted(self.locked))
            notes.append(f"Locked for this lesson: {labels}.")
        if lesson.hide_panels:
            notes.append(f"Hidden for this lesson: {', '.join(lesson.hide_panels)}.")
        from .screens.lesson import LessonScreen

        self.push_screen(LessonScreen(self.scenario.name, lesson.message, notes))

    # --- quiz mode -------------------------------------------------------------------------------

    def _score(self, epoch: int) -> quiz.Score:
        return self.quiz_scores.setdefault(epoch, quiz.Score())

    def _quiz_clear(self) -> None:
        self.quiz_answers.clear()
        self.quiz_scores.clear()
        self.question = None
        self.query_one(QuizPanel).close(None)

    def _quiz_start(self) -> None:
        """Quiz mode from the start (a lesson, a reset, a newly opened scenario): step 1 is asked too."""
        if self.quiz_on:
            self._quiz_ask_here()

    def _quiz_blocks(self, action: str) -> bool:
        if not self.quiz_on:
            return False
        self.clear_notifications()
        self.say(f"{NOT_IN_QUIZ[action]} is off in quiz mode: answer each step, then →.", timeout=3)
        return True

    def _here(self) -> tuple[int, int]:
        pos = self.session.position
        return pos.epoch, pos.index

    def _hidden(self) -> bool:
        q = self.question
        return q is not None and (q.epoch, q.index) == self._here()

    def _cost_hidden(self) -> bool:
        """In quiz mode J stays hidden until this epoch's cost step is answered."""
        if not self.quiz_on:
            return False
        epoch, index = self._here()
        cost = next(s.index for s in self.session.epoch_pass(epoch)[2] if s.gate == "cost")
        return index <= cost and self.quiz_answers.get((epoch, cost)) is None

    def _quiz_leave(self) -> None:
        """Moving off a step with an open question closes it unscored; it is asked again on the way back."""
        if self.question is not None and not self._hidden():
            self.question = None
            self.query_one(QuizPanel).close(None)
            self.query_one(MatricesPanel).focus()

    def _quiz_ask_here(self) -> None:
        if not self.quiz_on or self._here() in self.quiz_answers or self.question is not None:
            return
        epoch, index = self._here()
        self._score(epoch)
        self.question = Question(epoch, index, "shape")
        self.query_one(QuizPanel).ask(quiz.shape_question(self.session.step()))

    def _show_quiz_panel(self) -> None:
        panel = self.query_one(QuizPanel)
        panel.display = self.quiz_on
        epoch = self.session.position.epoch
        panel.set_score(epoch, str(self._score(epoch)))

    def action_quiz(self) -> None:
        self.stop_playing()
        self.quiz_on = not self.quiz_on
        self.refresh_bindings()
        self.clear_notifications()
        if self.quiz_on:
            self.quiz_answers.setdefault(self._here(), "seen")  # the step on screen is already revealed
            self.query_one(QuizPanel).close(
                Text("Press → : each next result is hidden until you type its shape.", style="italic")
            )
            self.say("Quiz mode on: type each result's shape (e.g. 3x1) and press Enter.", timeout=3)
        else:
            self.question = None
            self.query_one(QuizPanel).close(None)
            self.query_one(MatricesPanel).focus()
            self.say("Quiz mode off.", timeout=2)
        self.refresh_view()

    def action_quiz_give_up(self) -> None:
        q = self.question
        if q is None or not self._hidden():
            return
        step = self.session.step()
        if q.stage == "shape":
            self._score(q.epoch).add(False)
            q.correct = False
            q.feedback = self._verdict(step, None)
        self._quiz_finish(q)

    @on(Input.Submitted, "#quiz-input")
    def _quiz_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        q = self.question
        if q is None or not self._hidden():
            return
        panel = self.query_one(QuizPanel)
        step = self.session.step()
        text = event.value.strip()
        if q.stage == "shape":
            shape = quiz.parse_shape(text)
            if shape is None:  # malformed: a hint, no penalty
                panel.retry(f"'{text}' is not a shape. {quiz.SHAPE_HINT}" if text else quiz.SHAPE_HINT)
                return
            q.correct = shape == quiz.expected_shape(step)
            self._score(q.epoch).add(q.correct)
            q.feedback = self._verdict(step, shape)
            target = quiz.value_target(step)
            if target is not None:
                q.stage = "value"
                panel.ask(quiz.value_question(target), q.feedback, placeholder="a number")
                self._show_header()
                self._show_quiz_panel()
                return
            self._quiz_finish(q)
            return
        # the optional value
        target = quiz.value_target(step)
        if not text or target is None:
            self._quiz_finish(q)
            return
        value = quiz.parse_value(text)
        if value is None:
            panel.retry(f"'{text}' is not a number. {quiz.VALUE_HINT}")
            return
        right = quiz.check_value(value, target.value, self.decimals)
        self._score(q.epoch).add(right)
        shown = fmt(target.value, self.decimals)
        fb = q.feedback or Text()
        fb.append("\n")
        if right:
            fb.append("✓ ", style="bold green")
            fb.append(f"{target.label} = {shown}")
        else:
            fb.append("✗ ", style="bold red")
            fb.append(f"{target.label} = {shown}, not {text}: ")
            fb.append(step.equation, style="italic")
        q.feedback = fb
        self._quiz_finish(q)

    def _verdict(self, step, shape: tuple[int, int] | None) -> Text:
        expected = quiz.expected_shape(step)
        name = display_name(quiz.asked_output(step))
        t = Text()
        if shape == expected:
            t.append("✓ ", style="bold green")
            t.append(f"{name} is {quiz.fmt_shape(expected)}.")
            return t
        t.append("✗ ", style="bold red")
        said = "you gave up" if shape is None else f"not {quiz.fmt_shape(shape)}"
        t.append(f"{name} is {quiz.fmt_shape(expected)} ({said}). ", style="bold")
        t.append(quiz.why(step), style="italic")
        return t

    def _quiz_finish(self, q: Question) -> None:
        self.quiz_answers[(q.epoch, q.index)] = "right" if q.correct else "wrong"
        self.question = None
        self.query_one(QuizPanel).close(q.feedback)
        self.refresh_view(history=False)
        self.query_one(MatricesPanel).focus()
        if q.index == self.session.n_steps:
            self.say(f"Epoch {q.epoch} quiz: {self._score(q.epoch)}", title="Quiz score", timeout=8)

    # --- spot the bug ----------------------------------------------------------------------------

    def action_mark(self) -> None:
        hunt = self.hunt
        if hunt is None or hunt.over:
            return
        self.stop_playing()
        pos = self.session.position
        right = hunt.mark(pos.epoch, pos.index)
        self.clear_notifications()
        self.say(hunt.feedback(right), title="Spot the bug", severity="information" if right else "warning", timeout=8)
        self.refresh_bindings()
        self.refresh_view(history=False)

    def action_give_up(self) -> None:
        hunt = self.hunt
        if hunt is None or hunt.over:
            return
        self.stop_playing()
        hunt.give_up()
        self._quiz_leave()
        self.session.go(hunt.step)
        self.clear_notifications()
        self.say(f"The mistake is at step {hunt.step}: {hunt.description}.", title="Spot the bug", timeout=8)
        self.refresh_bindings()
        self.refresh_view(history=False)

    def _show_bug(self, step) -> None:
        """After the find (or on giving up) the planted step shows its results mistaken and correct."""
        panel = self.query_one(BugPanel)
        hunt = self.hunt
        shown = hunt is not None and hunt.over and step.index == hunt.step and not self._hidden()
        panel.display = shown
        if shown:
            correct = self.session.correct_steps(step.epoch)[step.index - 1]
            headline = f"{'Found' if hunt.outcome == 'found' else 'Given up'}: the mistake is here, {hunt.name}"
            panel.show(headline, hunt.description, step, correct, self.decimals)

    # --- view ------------------------------------------------------------------------------------

    def action_decimals(self) -> None:
        self.decimals = next_decimals(self.decimals)
        self.refresh_view()
        self.clear_notifications()
        self.say(f"{self.decimals} decimals", timeout=1.5)

    def action_panels(self) -> None:
        if self.query_one("#side").has_class("-lesson-hidden"):
            self.say("The graph, parameters and cost panels are hidden by this lesson.", timeout=2)
            return
        self.side_shown = not self.side_shown
        self.screen.set_class(self.side_shown, "-side-toggled")

    def action_gradcheck(self) -> None:
        self.stop_playing()
        from .screens.gradcheck import GradCheckScreen

        self.push_screen(GradCheckScreen(self.session))

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        self.push_screen(HelpScreen(self.locked, self.scenario.name, self.scenario.description))

    def action_quit(self) -> None:
        self.exit()

    def say(self, message: str, **kwargs) -> None:
        """A notification in plain text: messages quote scenario names, file paths and errors ("[weights]").
        (Textual's own notifications, such as ctrl+c's "Press [b]q[/b] to quit", keep their markup.)"""
        self.notify(message, markup=False, **kwargs)
