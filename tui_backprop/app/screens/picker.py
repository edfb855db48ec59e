"""Open another scenario: a bundled one from the list, or a file by its path."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...core import Scenario, ScenarioError, load_bundled
from ...i18n import _
from ...locate import load, locate, names
from ...notation import cell_len, wrap
from ..view import app_palette

DESCRIPTION_CHARS = 72  # the picker's second line per scenario: one row of the box at 100 columns


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if cell_len(text) <= limit:
        return text
    cut = wrap(text, limit - 1).split("\n")[0]  # at a space, or between two CJK characters
    return cut.rstrip(" ,;:.—，；：。") + "…"


class PickerScreen(ModalScreen[Scenario | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: str = "") -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        options = []
        pad = max((len(n) for n in names()), default=12)
        loaded: dict[str, Scenario | ScenarioError] = {}
        shape_colour = app_palette(self.app).update or None
        for name in names():
            try:
                loaded[name] = load_bundled(name)
            except ScenarioError as err:  # a broken bundled file is listed, not fatal
                loaded[name] = err
        shapes = max((len(s.shape_text) for s in loaded.values() if isinstance(s, Scenario)), default=14)
        for name, s in loaded.items():
            if isinstance(s, ScenarioError):
                options.append(Option(Text(f"{name}  ({s})", style="dim"), id=name, disabled=True))
                continue
            label = Text(no_wrap=True, overflow="ellipsis")
            label.append(name.ljust(pad), style="bold")
            label.append(f" {s.shape_text:<{shapes}} m={s.m:<4}", style=shape_colour)
            label.append(s.title)
            if s.about:  # the format's "shown in the app": a second, dim line (all of it in the help)
                label.append("\n" + " " * (pad + 1) + _cut(s.about, DESCRIPTION_CHARS), style="dim")
            options.append(Option(label, id=name))
        with Vertical(id="picker-box"):
            yield Label(_("Bundled scenarios (↑↓, Enter):"))
            yield OptionList(*options, id="picker-list")
            yield Label(_("…or a scenario file (.toml / .json), Enter to open:"))
            yield Input(placeholder=_("path/to/scenario.toml"), id="picker-path")
            yield Static("", id="picker-error", classes="error")

    def on_mount(self) -> None:
        self.query_one("#picker-box").border_title = _("Open a scenario")
        options = self.query_one(OptionList)
        options.focus()
        for i in range(options.option_count):
            if options.get_option_at_index(i).id == self.current:
                options.highlighted = i

    def _open(self, spec: str, file: bool = False) -> None:
        """`file`: the path field's text, a path whatever it looks like (never a bundled name)."""
        if not self.is_active:
            return  # a second Enter typed before the first one's dismissal took effect
        try:
            scenario = load(locate(spec, file=file))
        except ScenarioError as err:
            self.query_one("#picker-error", Static).update(Text(f"✗ {err}"))
            return
        except OSError as err:  # unreadable paths that slip past validation
            self.query_one("#picker-error", Static).update(Text(f"✗ {spec}: {err.strerror or err}"))
            return
        self.dismiss(scenario)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self._open(event.option.id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        if not path:
            self.query_one("#picker-error", Static).update(_("✗ type a file path, or pick a bundled scenario above"))
            return
        self._open(path, file=True)

    def action_cancel(self) -> None:
        if self.is_active:
            self.dismiss(None)
