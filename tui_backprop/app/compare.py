"""CompareApp: `backprop-tui compare`, two scenarios (or one and a variation) stepped in lockstep."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.screen import Screen

from ..say import PROG
from .app import BackpropApp, in_language
from .keys import COMPARE_KEYS, palette_commands
from .screens.compare import CompareScreen

if TYPE_CHECKING:
    from ..core import Scenario
    from ..core.compare import Side


class CompareApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = f"{PROG} compare"
    BINDINGS = BackpropApp.BINDINGS  # ctrl+p, its footer word in the catalogue

    def __init__(self, a: Scenario, b: Scenario, sides: tuple[Side, Side], decimals: int | None = None) -> None:
        """`a`, `b`: validated scenarios that `core.compare.comparable` accepts; `sides`: how the panes are titled."""
        from ..core import Session
        from ..core.compare import Lockstep, differences

        super().__init__()
        self.pair = Lockstep(Session(a), Session(b))
        self.sides = sides
        self.differences = differences(a, b)
        self.initial_decimals = decimals

    def get_default_screen(self) -> Screen:
        return CompareScreen(self.pair, self.sides, self.differences, self.initial_decimals)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from in_language(super().get_system_commands(screen))
        if isinstance(screen, CompareScreen):
            yield from palette_commands(screen, COMPARE_KEYS)

    say = BackpropApp.say  # the same plain-text notifications
    action_command_palette = BackpropApp.action_command_palette  # (its placeholder in the language)
