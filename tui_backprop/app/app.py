"""BackpropApp: start-up, the open scenario, screens and notifications.

The main screen (``screens/main.py``) composes the panels and steps through the scenario;
the app locates and loads the scenario — after the first frame is painted in a terminal,
so the layout shows before numpy is imported — and keeps it and its session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from ..core.errors import BackpropError
from ..i18n import N_, _, prefer
from ..locate import Location, load, locate, peek_language, peek_name
from ..say import PROG
from .keys import KEYS, palette_commands
from .screens.main import MainScreen

if TYPE_CHECKING:  # the engine (numpy) is imported after the first screen is painted
    from ..core import Scenario, Session


# Textual's own commands in the palette, marked for the catalogue: shown through _() like ours.
TEXTUAL_COMMANDS = (
    N_("Theme"),
    N_("Change the current theme"),
    N_("Quit the application as soon as possible"),
    N_("Keys"),
    N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
)


def in_language(commands: Iterable[SystemCommand]) -> Iterator[SystemCommand]:
    """Textual's own palette commands (TEXTUAL_COMMANDS) in the language in force."""
    for command in commands:
        yield command._replace(title=_(command.title), help=_(command.help))


class BackpropApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = PROG
    # Textual's own ctrl+p binding, declared here so that its footer word is in the catalogue (the main
    # screen shows bindings through _()).
    BINDINGS = [
        Binding(
            App.COMMAND_PALETTE_BINDING,
            "command_palette",
            N_("palette"),
            show=False,
            key_display=App.COMMAND_PALETTE_DISPLAY,
            priority=True,
            tooltip=N_("Open the command palette"),
        )
    ]

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
        self._loading = False
        # Load after the first frame is painted? None: in a terminal yes; headless (tests) no, there is no one to see it.
        self.defer_load: bool | None = None
        self.when_loaded: Callable[[], object] | None = None  # called once, when the scenario is first shown
        self.initial_decimals = decimals  # the main screen's, until `d` changes them
        self.main: MainScreen | None = None
        self._bug, self._seed = bug, seed  # for the first scenario; one opened later plants its lesson's
        # The first scenario's lesson may choose the language (unless --lang did): before the first frame,
        # which already shows words. A scenario opened later keeps the app in its language.
        if scenario is None or isinstance(scenario, (str, Path)):
            self._location = locate(scenario)
            prefer(peek_language(self._location))
        else:
            prefer(scenario.lesson.language)
            self.use(scenario)

    @on(events.AppBlur)
    @on(events.AppFocus)
    def _stay_focused_in_a_browser(self, event: events.AppBlur | events.AppFocus) -> None:
        # The page reports every click outside the terminal, and Textual restyles the whole screen and
        # rebuilds the footer on each (~50 ms of CPU a time): on a classroom server shared by thirty
        # students the app stays focused instead.
        if self.is_web:
            event.prevent_default()

    def get_default_screen(self) -> Screen:
        self.main = MainScreen(self.initial_decimals)
        return self.main

    # --- loading ---------------------------------------------------------------------------------

    def defers_loading(self) -> bool:
        if self._scenario is not None:
            return False
        return self.defer_load if self.defer_load is not None else not self.is_headless

    def first_name(self) -> str:
        """The scenario's name for the first frame, read without the engine (or the spec when unreadable)."""
        return peek_name(self._location) or self._location.spec

    @property
    def loaded(self) -> bool:
        """The main screen shows the scenario (until then: the layout, "loading…")."""
        return self.main is not None and self.main.loaded

    @property
    def scenario(self) -> Scenario:
        if self._scenario is None:
            self.use(load(self._location))
        return self._scenario

    @property
    def session(self) -> Session:
        if self._session is None:
            self.scenario  # noqa: B018 (loads it)
        return self._session

    def use(self, scenario: Scenario) -> None:
        """Make `scenario` the open one, with a new session at its start."""
        from ..core import Session
        from ..core.bugs import planted_for

        planted = planted_for(scenario, self._bug, self._seed)
        self._bug = None
        self._scenario = scenario
        self._session = Session(scenario, planted)

    async def on_ready(self) -> None:
        """The first screen is painted (Textual's Ready): now the engine and the scenario's validation."""
        await self.finish_loading()

    async def finish_loading(self) -> bool:
        """Load (if not yet) and show the scenario; False when it cannot be used (the app then exits, code 1)
        or while it is being shown."""
        if self.loaded:
            return True
        if self.startup_error is not None or self._loading:
            return False
        self._loading = True
        try:
            self.scenario  # noqa: B018 (loads it)
        except BackpropError as exc:
            self.startup_error = str(exc)
            self.exit(return_code=1)
            return False
        except Exception as exc:  # a bug, still one line: the CLI prints it after the terminal is restored
            self.startup_error = _("internal error: {kind}: {error}").format(kind=type(exc).__name__, error=exc)
            self.exit(return_code=1)
            return False
        finally:
            self._loading = False
        self._loading = True  # (a key pressed meanwhile waits: it finds the scenario being shown)
        try:
            await self.main.show_scenario()
        finally:
            self._loading = False
        if self.when_loaded is not None:
            self.when_loaded()
            self.when_loaded = None
        return True

    async def run_action(self, action, default_namespace=None, namespaces=None) -> bool:
        # A key pressed before the scenario is shown (right after launch) loads it first, then acts.
        if not self.loaded and self.is_running and not await self.finish_loading():
            return False
        return await super().run_action(action, default_namespace, namespaces)

    # --- the command palette ---------------------------------------------------------------------

    def action_command_palette(self) -> None:
        """Textual's, with its search field's placeholder in the language in force."""
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(placeholder=_("Search for commands…"), id="--command-palette"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from in_language(super().get_system_commands(screen))
        if self.main is not None:  # (a key the main screen switches off, locked or in quiz mode, is left out)
            yield from palette_commands(self.main, KEYS)

    # --- notifications ---------------------------------------------------------------------------

    def say(self, message: str, *, alone: bool = False, **kwargs) -> None:
        """A notification in plain text: messages quote scenario names, file paths and errors ("[weights]").
        (Textual's own notifications, such as ctrl+c's "Press [b]q[/b] to quit", keep their markup.)
        `alone`: the toasts on show go first, so that a key pressed again and again does not pile them up."""
        if alone:
            self.clear_notifications()
        self.notify(message, markup=False, **kwargs)
