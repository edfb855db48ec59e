"""Gradient check: the engine's analytic gradients against central differences."""

from __future__ import annotations

import numpy as np
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from ...core import Session, gradient_check
from ...core.network import TOLERANCE  # the CLI's default too: one verdict for the same numbers
from ...i18n import N_, _
from ...notation import count, dims
from ..view import app_palette, style


class GradCheckScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,g,q", "close", "Close", key_display="esc")]

    def __init__(
        self, session: Session, title: str = N_("Gradient check"), close: str = N_("esc or g to close")
    ) -> None:
        """`title`, `close`: the box's title and closing line (compare: which side, and what comes next)."""
        super().__init__()
        self.session = session
        self.epoch = session.position.epoch
        self.title_text, self.close_text = title, close

    def compose(self) -> ComposeResult:
        with Vertical(id="grad-box"):
            yield Static(
                _(
                    "Weights at the start of epoch {epoch}; analytic gradients against central "
                    "differences (ε = 1e-5), at each parameter's worst entry."
                ).format(epoch=count(self.epoch)),
                id="grad-intro",
            )
            yield DataTable(id="grad-table", cursor_type="row", zebra_stripes=True)
            yield Static(_("computing…"), id="grad-summary")
            yield Static(_(self.close_text), id="grad-close")

    def on_mount(self) -> None:
        self.query_one("#grad-box").border_title = _(self.title_text)
        table = self.query_one(DataTable)
        table.add_columns(
            _("param"), _("shape"), _("worst"), _("analytic"), _("numerical"), _("rel. error"), f"≤ {TOLERANCE:g}"
        )
        self.run_check()

    @work(thread=True, exclusive=True)
    def run_check(self) -> None:
        params = self.session.params_at(self.epoch)
        # With a planted mistake, its analytic gradients: the parameters that disagree are the hunt's hint.
        entries = gradient_check(self.session.net, params, plant=self.session.planted)
        self.app.call_from_thread(self.show_entries, entries)

    def show_entries(self, entries) -> None:
        table = self.query_one(DataTable)
        worst = 0.0
        colours = app_palette(self.app)
        for e in entries:
            worst = max(worst, e.max_error)
            ok = e.max_error <= TOLERANCE
            if e.relative_error.size:  # the entry where analytic and numerical disagree most
                i, j = np.unravel_index(int(np.argmax(e.relative_error)), e.relative_error.shape)
                where = f"[{i + 1},{j + 1}]"  # counted from 1, as in the handout and the equations
                analytic, numerical = f"{e.analytic[i, j]:.6g}", f"{e.numerical[i, j]:.6g}"
            else:
                where = analytic = numerical = "—"
            table.add_row(
                e.name,
                dims(e.analytic.shape),
                Text(where),
                Text(analytic, justify="right"),
                Text(numerical, justify="right"),
                Text(f"{e.max_error:.2e}", justify="right"),
                _("ok") if ok else Text(_("FAIL"), style=style("bold", colours.wrong)),
            )
        failing = [e.name for e in entries if e.max_error > TOLERANCE]
        verdict = _("all ok") if not failing else _("FAIL: {names} disagree").format(names=", ".join(failing))
        self.query_one("#grad-summary", Static).update(
            _("max relative error {error} — {verdict} (tolerance {tolerance})").format(
                error=f"{worst:.2e}", verdict=verdict, tolerance=f"{TOLERANCE:g}"
            )
        )
        self.add_class("-done")

    def action_close(self) -> None:
        if self.is_active:  # (a second key before the first one's dismissal took effect)
            self.dismiss(None)
