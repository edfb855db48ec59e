"""Every key, generated from the key table."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ...i18n import _
from ..keys import KEYS, KeySpec
from ..view import app_palette, style


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,question_mark,q,f1", "dismiss_help", "Close", key_display="esc"),
    ]

    def __init__(
        self,
        locked: frozenset[str] = frozenset(),
        name: str = "",
        description: str = "",
        keys: tuple[KeySpec, ...] = KEYS,
    ) -> None:
        """`name`, `description`: the scenario's, shown first ("About this scenario"); `keys`: the screen's."""
        super().__init__()
        self.key_specs = keys
        self.locked = locked
        self.scenario_name = name
        self.description = description

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style=style("bold", app_palette(self.app).key), no_wrap=True, min_width=8)
        table.add_column(ratio=1)
        group = None
        for spec in self.key_specs:
            if spec.group != group:
                if group is not None:
                    table.add_row("", "")
                group = spec.group
                table.add_row(Text(_(group), style="bold underline"), "")
            text = Text(_(spec.help))
            if spec.action in self.locked:
                text.append("  " + _("(locked by this lesson)"), style="italic dim")
            table.add_row(spec.display, text)
        table.add_row("", "")
        table.add_row(
            "↑ ↓ PgUp PgDn",
            Text(
                _(
                    "Scroll the panel that has the keyboard (the matrices at first); shift+← / shift+→ scroll it "
                    "sideways. A cut panel's bottom border says what is below."
                )
            ),
        )
        table.add_row("Tab", Text(_("Give the keyboard to the next panel: matrices, explanation, parameters, graph.")))
        table.add_row("ctrl+p", Text(_("Command palette: every key above as a command, searchable.")))
        with Vertical(id="help-box"):
            with VerticalScroll(id="help-scroll"):
                if self.scenario_name or self.description:
                    about = Text()
                    about.append(_("About this scenario:") + " ", style="bold underline")
                    about.append(self.scenario_name, style="bold")
                    if self.description:
                        about.append("\n" + " ".join(self.description.split()))
                    yield Static(about, id="help-about")
                yield Static(table, id="help-table")
            yield Static(_("esc, ? or q to close"), id="help-close")

    def on_mount(self) -> None:
        self.query_one("#help-box").border_title = _("Keys")

    def action_dismiss_help(self) -> None:
        if self.is_active:  # (a second key before the first one's dismissal took effect)
            self.dismiss(None)
