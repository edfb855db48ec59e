"""The main screen: the panels, stepping and playback, and the keys of the key table.

The screen publishes what the panels show through its reactives (`view`, `status`,
`quiz`, `progress`), to which each panel is bound in `compose`; quiz mode and training
are controllers of their own (`quizmode.py`, `training.py`) whose messages are handled
here with ``@on``. The open scenario and its session are the app's (it loads them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, Input

from ...core.lesson import PANELS
from ...i18n import _, ngettext
from ...notation import count
from ..hunt import HuntMarked, HuntMode
from ..keys import ACTIONS, KEYS, InLanguage, bindings, locked_actions
from ..playback import Playback
from ..quizmode import NOT_IN_QUIZ, QuizAnswered, QuizMode
from ..state import HuntView, Progress, QuizView, View
from ..training import Trainer, TrainingDone
from ..view import DEFAULT_DECIMALS, PLAIN, app_palette, next_decimals
from ..widgets.activation import ActivationPanel
from ..widgets.bug import BugPanel
from ..widgets.cost import CostPanel
from ..widgets.explanation import ExplanationPanel
from ..widgets.graph import GraphPanel
from ..widgets.header import StepHeader
from ..widgets.matrices import MatricesPanel
from ..widgets.notice import Notice
from ..widgets.params import ParamsPanel
from ..widgets.progress import TrainProgress
from ..widgets.quiz import QuizInput, QuizPanel
from ..widgets.step import StepPanel

if TYPE_CHECKING:
    from ...core import Scenario, Session

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
        "landscape",
        "learned",
        "mark",
        "give_up",
    }
)
HUNT_ACTIONS = ("mark", "give_up")
SIDE_PANELS = ("graph", "parameters", "cost")


class MainScreen(Playback, InLanguage, Screen[None]):
    BINDINGS = bindings()
    AUTO_FOCUS = "#matrices"  # ↑ ↓ PgUp PgDn scroll the matrices from the start (Tab moves to the other panels)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    view: var[View | None] = var(None)
    status: var[str] = var("")  # what the screen is doing: playing, training, …
    quiz: var[QuizView | None] = var(None)
    progress: var[Progress | None] = var(None)
    hunt: var[HuntView | None] = var(None)  # spot the bug: the mistake revealed on its step
    wide: var[bool] = var(True)  # room in the footer for ctrl+p

    def __init__(self, decimals: int | None = None) -> None:
        super().__init__()
        self.decimals = DEFAULT_DECIMALS if decimals is None else decimals
        self.locked: frozenset[str] = frozenset()
        self.loaded = False  # the panels show the scenario (until then: the layout, "loading…")
        self.colours = PLAIN
        self.quiz_mode = QuizMode(self)
        self.trainer = Trainer(self)
        self.hunt_mode = HuntMode(self)
        self._side_shown = False
        self._late: list = []  # the panels mounted after the first frame

    @property
    def session(self) -> Session:
        return self.app.session

    # --- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Loading after the first frame, the two panels that frame never shows (the quiz and the training
        # progress, with their input field and progress bar) are mounted after it too, in the same places.
        late = self.app.defers_loading()
        quiz = QuizPanel(id="quiz", classes="panel").data_bind(MainScreen.quiz)
        progress = TrainProgress(id="progress").data_bind(MainScreen.progress)
        if late:
            self._late = [quiz, progress]
        # The first frame shows the scenario's name, read without the engine, when loading waits for it.
        name = self.app.first_name() if late else ""
        yield StepHeader(name, id="header").data_bind(MainScreen.view, MainScreen.status)
        with Horizontal(id="body"):
            with Vertical(id="side"):
                yield GraphPanel(id="graph", classes="panel").data_bind(MainScreen.view)
                yield ParamsPanel(id="params", classes="panel").data_bind(MainScreen.view)
                yield CostPanel(id="cost", classes="panel").data_bind(MainScreen.view)
            with Vertical(id="main"):
                yield Notice(id="notice").data_bind(MainScreen.view)
                yield StepPanel(Text(_("loading…"), style="dim italic"), id="step", classes="panel").data_bind(
                    MainScreen.view
                )
                if not late:
                    yield quiz
                yield BugPanel(id="bug", classes="panel").data_bind(MainScreen.hunt)
                yield MatricesPanel(id="matrices", classes="panel").data_bind(MainScreen.view)
                yield ActivationPanel(id="activation", classes="panel").data_bind(MainScreen.view)
                yield ExplanationPanel(id="explanation", classes="panel").data_bind(MainScreen.view)
        if not late:
            yield progress
        yield Footer(id="footer", compact=True).data_bind(show_command_palette=MainScreen.wide)

    async def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        self.colours = app_palette(self.app)
        if not self._late:  # (else the app loads the scenario once the first frame is painted)
            await self.app.finish_loading()

    def _theme_changed(self, _theme) -> None:
        self.colours = app_palette(self.app)
        if self.loaded:
            self.refresh_view()

    def on_resize(self) -> None:
        # Narrow terminals need every footer cell for the keys; ctrl+p stays in the help.
        self.wide = self.size.width >= 100

    async def show_scenario(self) -> None:
        """The app has loaded its scenario: mount what waited for it and show it (once)."""
        if self._late:
            late, self._late = self._late, []
            await self.query_one("#main").mount(late[0], after="#step")
            await self.mount(late[1], before="#footer")
        self._use_lesson(self.app.scenario, quiz_on=self.app.scenario.lesson.quiz)
        self.loaded = True
        self.quiz_mode.start()
        self.hunt_mode.start(self.session)
        self.refresh_bindings()
        self.refresh_view()
        self._show_message()

    # --- drawing ---------------------------------------------------------------------------------

    def refresh_view(self) -> None:
        """Publish the session at its position: every panel bound to `view` redraws what changed."""
        s = self.session
        q = self.quiz_mode
        hidden = q.hidden()
        self.view = View(
            name=self.app.scenario.title,
            session=s,
            step=s.step(),
            decimals=self.decimals,
            colours=self.colours,
            hidden=hidden,
            cost_hidden=q.cost_hidden(),
            quiz_on=q.on,
            can_train="train" not in self.locked,
            narrow=self.has_class("-narrow"),
            score="  ·  ".join(x for x in (q.header_score(), self.hunt_mode.header_score()) if x),
        )
        q.publish()
        self.hunt_mode.publish(hidden)
        # Short terminals: the explanation only says "answer first" while a question is open; give its rows away.
        self.set_class(hidden, "-quiz-open")

    def _focus_matrices(self) -> None:
        """The keys go back to the matrices panel (which scrolls) when the quiz field closes."""
        self.set_focus(self.query_one(MatricesPanel))

    # --- the key table ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.locked:
            return False
        if action == "stop_training":
            return self.trainer.running  # in the footer only while training
        if action in HUNT_ACTIONS and not self.hunt_mode.on:
            return False  # only while a planted mistake is being hunted
        if self.quiz_mode.on and action in NOT_IN_QUIZ:
            return False  # off in quiz mode: not in the footer (on_key says why)
        if self.trainer.running and action in STEP_ACTIONS:
            return None  # shown greyed out while a training worker owns the session
        return True

    def on_key(self, event: events.Key) -> None:
        """A key a lesson locked, or one quiz mode switches off: say so rather than doing nothing (it reaches
        here unhandled)."""
        if not self.loaded:
            return
        for spec in KEYS:
            if event.key not in spec.keys.split(","):
                continue
            if spec.action in self.locked:
                self.app.say(
                    _("{key} ({keys}) is locked by this lesson.").format(key=_(spec.label), keys=spec.display),
                    timeout=2,
                    alone=True,
                )
                return
            if self.quiz_mode.blocks(spec.action):
                return

    # --- stepping --------------------------------------------------------------------------------

    def _move(self, delta: int) -> bool:
        moved = self.session.move(delta)
        if moved:
            if self.quiz_mode.leave():
                self._focus_matrices()
            self.quiz_mode.ask_here(forward=delta > 0)
            self.refresh_view()
        elif self.session.diverged is not None and delta > 0:
            self.refresh_view()  # the banner stays; one toast however often → is pressed
            self.app.say(str(self.session.diverged), title=_("Diverged"), severity="error", timeout=8, alone=True)
        return moved

    def action_next(self) -> None:
        self.stop_playing()
        if self.quiz_mode.question is not None:  # the answer is required to move on
            self.quiz_mode.focus()
            self.app.say(_("Answer first: type your answer and press Enter (Esc gives up)."), timeout=3, alone=True)
            return
        if not self._move(+1) and self.session.diverged is None:
            self.app.bell()

    def action_first(self) -> None:
        self.stop_playing()
        self.session.go(1)
        if self.quiz_mode.leave():
            self._focus_matrices()
        self.quiz_mode.ask_here(forward=False)
        self.refresh_view()

    def action_last(self) -> None:
        self.stop_playing()
        if self.quiz_mode.blocks("last"):
            return
        self.session.go(self.session.n_steps)
        self.refresh_view()

    @on(QuizInput.Step)
    async def _step_from_quiz(self, event: QuizInput.Step) -> None:
        event.stop()
        await self.run_action("next" if event.delta > 0 else "previous")  # (greyed out while training)

    # --- play and train: playback.py; here what quiz mode changes ------------------------------------

    @property
    def walk(self) -> Session:
        return self.session

    def _refuses(self, action: str) -> bool:
        return self.quiz_mode.blocks(action)

    @on(TrainingDone)
    def _training_done(self, event: TrainingDone) -> None:
        self.trainer.finished()
        self.refresh_bindings()
        self.progress = None
        self.status = ""
        self.quiz_mode.leave()
        self.quiz_mode.ask_here()  # a new epoch: its first step is asked
        self.refresh_view()
        s = self.session
        # In quiz mode the new epoch's J is a question to come: the toast leaves it out.
        cost = "?" if self.quiz_mode.cost_hidden() else f"{s.costs[s.frontier - 1]:.6g}"
        if event.error is not None:
            self.app.say(str(event.error), title=_("Diverged"), severity="error", timeout=10)
        elif event.trained < event.epochs:
            self.app.say(
                _("Stopped after {n} of {total} epochs: now at epoch {epoch}, J = {cost}.").format(
                    n=count(event.trained), total=count(event.epochs), epoch=count(s.frontier), cost=cost
                ),
                title=_("Training stopped"),
                timeout=5,
            )
        else:
            self.app.say(
                ngettext(
                    "Trained {n} epoch: now at epoch {epoch}, J = {cost}.",
                    "Trained {n} epochs: now at epoch {epoch}, J = {cost}.",
                    event.trained,
                ).format(n=count(event.trained), epoch=count(s.frontier), cost=cost),
                title=_("Training done"),
                timeout=5,
            )

    # --- reset / open ----------------------------------------------------------------------------

    def action_reset(self) -> None:
        self.stop_playing()
        self.session.reset()
        self.quiz_mode.clear()
        self.quiz_mode.start()
        self.refresh_view()
        self.app.say(_("Back to the initial weights: epoch 1, step 1."), timeout=2)

    def action_open(self) -> None:
        self.stop_playing()
        from .picker import PickerScreen

        self.app.push_screen(PickerScreen(self.app.scenario.source), self._opened)

    def _opened(self, scenario: Scenario | None) -> None:
        if scenario is not None:
            self.load(scenario)

    def load(self, scenario: Scenario) -> None:
        """Open another scenario and apply its lesson (quiz mode, message, hidden panels, locked keys)."""
        self.stop_playing()
        was_on = self.quiz_mode.on
        self.app.use(scenario)
        # The lesson may switch quiz mode on; a mode the student chose stays unless the lesson locks the key.
        locked = locked_actions(scenario.lesson)
        self._use_lesson(scenario, quiz_on=scenario.lesson.quiz or (was_on and "quiz" not in locked))
        self.quiz_mode.clear()
        self.quiz_mode.start()
        self.hunt_mode.start(self.session)
        self.refresh_bindings()
        self.refresh_view()
        shape = "" if scenario.shape_text in scenario.title else f" {scenario.shape_text}"  # said once
        opened = _("Opened {name}, m = {m}.").format(name=scenario.title + shape, m=scenario.m)
        if scenario.about:  # the format's "shown in the app" (also atop the help and in the picker)
            self.app.say(" ".join(scenario.about.split()), title=opened, timeout=10)
        else:
            self.app.say(opened, timeout=3)
        self._show_message()

    # --- the lesson ------------------------------------------------------------------------------

    def _use_lesson(self, scenario: Scenario, quiz_on: bool) -> None:
        lesson = scenario.lesson
        self.locked = locked_actions(lesson)
        self.quiz_mode.on = quiz_on or lesson.fade  # fading worked examples are a walk in quiz mode
        for panel in PANELS:  # the stylesheet hides them; the `v` toggle never brings them back
            self.set_class(lesson.hides(panel), f"-hide-{panel}")
        self.set_class(all(lesson.hides(p) for p in SIDE_PANELS), "-hide-side")
        self.refresh_bindings()

    def _show_message(self) -> None:
        lesson = self.app.scenario.lesson
        if not lesson.message:
            return
        notes = []
        if self.quiz_mode.on:
            notes.append(
                _("Quiz mode: answer each result's questions (its shape, e.g. 3x1, and Enter) before it is revealed.")
            )
        if self.locked:
            labels = ", ".join(f"{_(ACTIONS[a].label)} ({ACTIONS[a].display})" for a in sorted(self.locked))
            notes.append(_("Locked for this lesson: {keys}.").format(keys=labels))
        if lesson.hide_panels:
            notes.append(_("Hidden for this lesson: {panels}.").format(panels=", ".join(lesson.hide_panels)))
        from .lesson import LessonScreen

        self.app.push_screen(LessonScreen(self.app.scenario.title, lesson.message, notes))

    # --- quiz mode -------------------------------------------------------------------------------

    def action_quiz(self) -> None:
        self.stop_playing()
        on = self.quiz_mode.toggle()
        self.refresh_bindings()
        if on:
            self.app.say(
                _("Quiz mode on: answer each result's questions before it is revealed."), timeout=3, alone=True
            )
        else:
            self._focus_matrices()
            self.app.say(_("Quiz mode off."), timeout=2, alone=True)
        self.refresh_view()

    @on(QuizInput.GiveUp)
    def _give_up_from_quiz(self, event: QuizInput.GiveUp) -> None:
        event.stop()
        # While training, Esc stops the training (as everywhere else) rather than giving up.
        self.action_stop_training() if self.trainer.running else self.quiz_mode.give_up()

    @on(QuizInput.Chosen)
    def _quiz_chosen(self, event: QuizInput.Chosen) -> None:
        event.stop()
        self.quiz_mode.choose(event.number)

    @on(Input.Submitted, "#quiz-input")
    def _quiz_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.quiz_mode.submit(event.value)

    @on(QuizAnswered)
    def _quiz_answered(self, event: QuizAnswered) -> None:
        self.refresh_view()
        self._focus_matrices()
        if event.last_step:
            self.app.say(
                _("Epoch {epoch} quiz: {score}").format(epoch=count(event.epoch), score=event.score),
                title=_("Quiz score"),
                timeout=8,
            )

    # --- spot the bug ----------------------------------------------------------------------------

    def action_mark(self) -> None:
        if not self.hunt_mode.on:
            return
        self.stop_playing()
        self.hunt_mode.mark()

    def action_give_up(self) -> None:
        if not self.hunt_mode.on:
            return
        self.stop_playing()
        self.hunt_mode.give_up()
        if self.quiz_mode.leave():
            self._focus_matrices()

    @on(HuntMarked)
    def _hunt_marked(self, event: HuntMarked) -> None:
        severity = "warning" if event.right is False else "information"
        self.app.say(event.message, title=_("Spot the bug"), severity=severity, timeout=8, alone=True)
        self.refresh_bindings()
        self.refresh_view()

    # --- view ------------------------------------------------------------------------------------

    def action_decimals(self) -> None:
        self.decimals = next_decimals(self.decimals)
        self.refresh_view()
        self.app.say(_("{n} decimals").format(n=self.decimals), timeout=1.5, alone=True)

    def action_panels(self) -> None:
        if self.has_class("-hide-side"):
            self.app.say(_("The graph, parameters and cost panels are hidden by this lesson."), timeout=2)
            return
        self._side_shown = not self._side_shown
        self.set_class(self._side_shown, "-side-toggled")
        self.call_after_refresh(self._keep_keyboard)

    def _keep_keyboard(self) -> None:
        """A hidden panel loses the keyboard: give it to one on screen (the open question's field, else the
        matrices, the parameters, the graph), so that ↓ PgDn still scroll without Tab."""
        chain = self.focus_chain
        if self.focused in chain:
            return
        for widget in (*self.query("#quiz-input"), *map(self.query_one, (MatricesPanel, ParamsPanel, GraphPanel))):
            if widget in chain:
                widget.focus()
                return

    # --- zoom ------------------------------------------------------------------------------------

    def _zoom_allowed(self) -> bool:
        if self.quiz_mode.hidden():
            self.app.say(_("Answer the quiz question first; then the entries can be zoomed into."), timeout=2)
            return False
        return True

    def action_zoom(self) -> None:
        if self._zoom_allowed():
            self.stop_playing()
            self.query_one(MatricesPanel).toggle_cursor()

    def action_chain(self) -> None:
        if self._zoom_allowed():
            self.stop_playing()
            self.query_one(MatricesPanel).toggle_chain()

    def action_observations(self) -> None:
        panel = self.query_one(MatricesPanel)
        panel.toggle_observations()
        said = _("Per observation on.") if panel.observations_on else _("Per observation off.")
        self.app.say(said, timeout=1.5, alone=True)

    def action_jacobian(self) -> None:
        from ...core.jacobian import expands

        step = self.session.step()
        if not expands(step):
            steps = self.session.epoch_pass(step.epoch)[2]
            fused = next((s.index for s in steps if expands(s)), None)
            where = (
                _("step {k} of each epoch here").format(k=fused)
                if fused
                else _("this scenario's cost ({cost}) has none").format(cost=step.facts.cost)
            )
            self.app.say(
                _("The Jacobian (j) is only at the fused softmax/cross-entropy step: {where}.").format(where=where),
                timeout=3,
            )
            return
        if self.quiz_mode.hidden():
            self.app.say(_("Answer the quiz question first; then the Jacobian can be opened."), timeout=2)
            return
        self.stop_playing()
        from .jacobian import JacobianScreen

        cursor = self.query_one(MatricesPanel).cursor  # start at the zoom cursor's observation
        self.app.push_screen(JacobianScreen(step, cursor[1] if cursor else 0, self.decimals))

    def action_gradcheck(self) -> None:
        self.stop_playing()
        if self.quiz_mode.blocks("gradcheck"):
            return
        from .gradcheck import GradCheckScreen

        self.app.push_screen(GradCheckScreen(self.session))

    def action_help(self) -> None:
        from .help import HelpScreen

        scenario = self.app.scenario
        self.app.push_screen(HelpScreen(self.locked, scenario.title, scenario.about))

    def action_quit(self) -> None:
        self.app.exit()

    # --- pictures: cost plot, loss surface, learned function ------------------------------------------

    def action_cost_scale(self) -> None:
        log = self.query_one(CostPanel).toggle_log()
        self.app.say(_("Cost axis: log scale") if log else _("Cost axis: linear scale"), timeout=1.5, alone=True)

    def action_landscape(self) -> None:
        self.stop_playing()
        from .landscape import LandscapeScreen

        q = self.quiz_mode
        self.app.push_screen(
            LandscapeScreen(self.session, hide_current=q.cost_hidden(), can_move=not q.on), self._after_picture
        )

    def action_learned(self) -> None:
        self.stop_playing()
        if self.quiz_mode.cost_hidden():  # ŷ for every observation: the forward pass's answers
            self.app.say(_("The learned function is shown once this epoch's J is answered."), timeout=3, alone=True)
            return
        from .learned import LearnedScreen

        self.app.push_screen(LearnedScreen(self.session, can_move=not self.quiz_mode.on), self._after_picture)

    def _after_picture(self, moved: bool | None) -> None:
        """A picture screen may have moved through the epochs: show where the session now stands."""
        if moved:
            self.quiz_mode.leave()
            self.quiz_mode.ask_here()
            self.refresh_view()
