"""Two runs side by side, stepped in lockstep: "same start, one thing changed".

The screen publishes each side's view (`left`, `right`) to a StepPanel and a MatricesPanel per side,
the entries that differ marked in both; every step key moves both sessions (core.compare.Lockstep),
`t` trains both the same epochs (the main screen's Trainer and TrainScreen), `g` checks A then B.
Below 100 columns one side shows at a time and `a` switches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer

from ...i18n import _, ngettext
from ...notation import count
from ..keys import COMPARE_KEYS, InLanguage, bindings
from ..playback import Playback
from ..state import Progress, View
from ..training import Trainer, TrainingDone
from ..view import DEFAULT_DECIMALS, PLAIN, app_palette, next_decimals
from ..widgets.compare import CompareHeader, PairCostPanel, PaneMatrices, SideLabel, step_differences
from ..widgets.matrices import MatricesPanel
from ..widgets.progress import TrainProgress
from ..widgets.step import StepPanel
from .main import STEP_ACTIONS

if TYPE_CHECKING:
    from ...core.compare import Lockstep, Side

NARROW = 100  # below this many columns one side shows at a time


class CompareScreen(Playback, InLanguage, Screen[None]):
    BINDINGS = bindings(COMPARE_KEYS)
    AUTO_FOCUS = "#matrices-a"  # ↑ ↓ PgUp PgDn scroll A's matrices (Tab moves to B's)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    left: var[View | None] = var(None)
    right: var[View | None] = var(None)
    status: var[str] = var("")
    progress: var[Progress | None] = var(None)
    shown: var[str] = var("a")  # below 100 columns: the side on screen

    def __init__(self, pair: Lockstep, sides: tuple[Side, Side], differences: list[str], decimals: int | None) -> None:
        super().__init__()
        self.pair, self.sides, self.differences = pair, sides, differences
        self.decimals = DEFAULT_DECIMALS if decimals is None else decimals
        self.colours = PLAIN
        self.trainer = Trainer(self)

    def compose(self) -> ComposeResult:
        yield CompareHeader(self.differences, id="cmp-header").data_bind(CompareScreen.left, CompareScreen.status)
        with Horizontal(id="cmp-panes"):
            for side, view in zip(self.sides, (CompareScreen.left, CompareScreen.right)):
                key = side.label.lower()
                with Vertical(id=f"pane-{key}", classes="cmp-pane"):
                    yield SideLabel(side.label, side.title, classes="cmp-label")
                    yield StepPanel(id=f"step-{key}", classes="panel cmp-step").data_bind(view=view)
                    yield PaneMatrices(id=f"matrices-{key}", classes="panel cmp-matrices").data_bind(view=view)
        yield PairCostPanel(id="cmp-cost", classes="panel").data_bind(CompareScreen.left, CompareScreen.right)
        yield TrainProgress(id="progress").data_bind(CompareScreen.progress)
        yield Footer(id="footer", compact=True)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        self.colours = app_palette(self.app)
        self.refresh_view()

    def _theme_changed(self, _theme) -> None:
        self.colours = app_palette(self.app)
        self.refresh_view()

    def on_resize(self) -> None:
        self.refresh_bindings()  # `a` is in the footer below 100 columns only
        self.refresh_view()  # the matrices show fewer rows and columns when narrow

    def refresh_view(self) -> None:
        """Publish both sides at their (common) position, the entries that differ marked in both."""
        a, b = self.pair.sessions
        sa, sb = a.step(), b.step()
        narrow = self.size.width < NARROW if self.size.width else False
        marks = step_differences(sa, sb, self.decimals, narrow)
        self.left, self.right = (
            View(side.title, s, step, self.decimals, self.colours, narrow=narrow, differs=differs)
            for side, s, step, differs in zip(self.sides, (a, b), (sa, sb), marks)
        )

    # --- the key table ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop_training":
            return self.trainer.running
        if action == "switch_side":
            return bool(self.size.width) and self.size.width < NARROW
        if self.trainer.running and action in STEP_ACTIONS:
            return None  # greyed out while a training worker owns both sessions
        return True

    def action_switch_side(self) -> None:
        self.shown = "b" if self.shown == "a" else "a"

    def watch_shown(self, shown: str) -> None:
        self.set_class(shown == "b", "-show-b")
        matrices = self.query_one(f"#matrices-{shown}", MatricesPanel)
        self.call_after_refresh(matrices.focus)

    # --- stepping --------------------------------------------------------------------------------

    def _move(self, delta: int) -> bool:
        moved = self.pair.move(delta)
        if moved:
            self.refresh_view()
        elif self.pair.diverged is not None and delta > 0:
            self.app.say(str(self.pair.diverged), title=_("Diverged"), severity="error", timeout=8, alone=True)
        return moved

    def action_next(self) -> None:
        self.stop_playing()
        if not self._move(+1) and self.pair.diverged is None:
            self.app.bell()

    def action_first(self) -> None:
        self.stop_playing()
        self.pair.go(1)
        self.refresh_view()

    def action_last(self) -> None:
        self.stop_playing()
        self.pair.go(self.pair.n_steps)
        self.refresh_view()

    # --- play and train both: playback.py ---------------------------------------------------------

    @property
    def walk(self) -> Lockstep:
        return self.pair

    def _training_status(self, epochs: int) -> str:
        return _("training both {n} epochs…").format(n=count(epochs))

    @on(TrainingDone)
    def _training_done(self, event: TrainingDone) -> None:
        self.trainer.finished()
        self.refresh_bindings()
        self.progress = None
        self.status = ""
        self.refresh_view()
        a, b = self.pair.sessions
        now = self.pair.frontier
        costs = f"J = {a.costs[now - 1]:.6g} (A), {b.costs[now - 1]:.6g} (B)"
        if event.error is not None:
            self.app.say(str(event.error), title=_("Diverged"), severity="error", timeout=10)
        else:
            self.app.say(
                ngettext(
                    "Trained both {n} epoch: now at epoch {epoch}, {costs}.",
                    "Trained both {n} epochs: now at epoch {epoch}, {costs}.",
                    event.trained,
                ).format(n=count(event.trained), epoch=count(now), costs=costs),
                timeout=5,
            )

    # --- reset, check, view --------------------------------------------------------------------------

    def action_reset(self) -> None:
        self.stop_playing()
        self.pair.reset()
        self.refresh_view()
        self.app.say(_("Both back to their initial weights: epoch 1, step 1."), timeout=2)

    def action_gradcheck(self) -> None:
        """A's gradient check, then (closing it) B's."""
        self.stop_playing()
        from .gradcheck import GradCheckScreen

        closes = (_("esc or g: B's check next"), _("esc or g to close"))
        a, b = (
            GradCheckScreen(s, _("Gradient check · {side}: {title}").format(side=side.label, title=side.title), close)
            for s, side, close in zip(self.pair.sessions, self.sides, closes)
        )
        self.app.push_screen(a, lambda _result: self.app.push_screen(b))

    def action_decimals(self) -> None:
        self.decimals = next_decimals(self.decimals)
        self.refresh_view()
        said = _("{n} decimals: the marks follow what is shown").format(n=self.decimals)
        self.app.say(said, timeout=1.5, alone=True)

    def action_cost_scale(self) -> None:
        log = self.query_one(PairCostPanel).toggle_log()
        self.app.say(_("Cost axis: log scale") if log else _("Cost axis: linear scale"), timeout=1.5, alone=True)

    def action_help(self) -> None:
        from .help import HelpScreen

        about = _("Two runs side by side, every step key moving both.") + " "
        if self.differences:
            about += _("They differ in {differences}.").format(differences="; ".join(self.differences))
        else:
            about += _("The same settings.")
        name = " · ".join(f"{side.label}: {side.title}" for side in self.sides)
        self.app.push_screen(HelpScreen(name=name, description=about, keys=COMPARE_KEYS))

    def action_quit(self) -> None:
        self.app.exit()
