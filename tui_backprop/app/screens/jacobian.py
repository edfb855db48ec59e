"""The fused output step the long way, for one observation: ∂J/∂ŷ_r · S_r = row r of δ.

The numbers come from core/jacobian.py; this screen lays them out as the matrices panel does
(titled boxes side by side) with the numbers plugged in and why the two factors cancel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ...core.jacobian import fused_row, plugged, underflow_note
from ...i18n import _
from ...notation import dims
from ..view import app_palette, matrix_view, style
from ..widgets.matrices import Box, Drawing, _wrap, matrix_box

if TYPE_CHECKING:
    import numpy as np

    from ...core import Step

MAX_COLS = 8  # classes shown across (S_r is k × k)


class JacobianScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,j,q", "close", "Close", key_display="esc"),
        Binding("up", "observation(-1)", "Previous observation", show=False),
        Binding("down", "observation(1)", "Next observation", show=False),
        *(Binding(str(n), f"pick({n})", show=False) for n in range(1, 10)),
        Binding("pageup", "page(-1)", "Scroll up", show=False),
        Binding("pagedown", "page(1)", "Scroll down", show=False),
    ]

    def __init__(self, step: Step, r: int = 0, decimals: int = 3) -> None:
        super().__init__()
        self.step = step
        self.m = step.operations[0].value.shape[0]
        self.r = max(0, min(self.m - 1, r))
        self.decimals = decimals
        self._text = Text()

    def compose(self) -> ComposeResult:
        last = min(self.m, 9)
        pick = _("↑ ↓ 1–{last}: observation").format(last=last) + "  ·  " if self.m > 1 else ""
        with Vertical(id="jacobian-box"):
            with VerticalScroll(id="jacobian-scroll", can_focus=False):
                yield Static(id="jacobian-body")
            yield Static(pick + _("PgUp PgDn: scroll  ·  esc or j: close"), id="jacobian-close")

    def on_resize(self) -> None:
        self.show()  # the boxes wrap to the box's width

    @property
    def body(self) -> Text:
        """What the screen shows (for the tests), as one Rich Text."""
        return self._text

    def show(self) -> None:
        step, r, d = self.step, self.r, self.decimals
        row = fused_row(step, r)
        c = app_palette(self.app)
        colour = c.phase(step.phase)
        delta = step.operations[0].symbol
        self.query_one("#jacobian-box").border_title = _("{delta} the long way: observation r = {r} of {m}").format(
            delta=delta, r=r + 1, m=self.m
        )
        width = max(self.query_one("#jacobian-scroll").size.width - 1, 40)

        def box(label: str, a: np.ndarray, written: bool = False) -> Box:
            v = matrix_view(a, d, MAX_COLS, MAX_COLS, written, c)
            title = f"{'✎ ' if written else ''}{label}  {dims(a.shape)}" + (f"  {v.scale}" if v.scale else "")
            return matrix_box(title, v.lines, written, colour, frame=c.frame)

        def glyph(s: str) -> Box:
            return Box([[(s, "bold")]], len(s))

        grad_form, jac_form = row.formulas
        lines: list[list] = [
            [
                (
                    _("The fused step computes {delta} = (ŷ − y)/m at once. The long way, for row r = {r}:").format(
                        delta=delta, r=r + 1
                    ),
                    "",
                )
            ],
            [],
            *_wrap([box("ŷ_r", row.yhat), box("y_r", row.y)], width),
            [],
            [(grad_form, style("italic", c.equation)), ("   ", ""), (jac_form, style("italic", c.equation))],
        ]
        if row.product is not None and row.dJ_dyhat is not None:
            lines += _wrap(
                [
                    box("∂J/∂ŷ_r", row.dJ_dyhat),
                    glyph("·"),
                    box("S_r", row.jacobian),
                    glyph("="),
                    box("∂J/∂ŷ_r · S_r", row.product),
                    glyph("="),
                    box(_("row {r} of {delta}").format(r=r + 1, delta=delta), row.delta, written=True),
                ],
                width,
            )
        else:
            lines += _wrap(
                [
                    box("S_r", row.jacobian),
                    glyph("   "),
                    box(_("row {r} of {delta}").format(r=r + 1, delta=delta), row.delta, True),
                ],
                width,
            )
            lines += [[(underflow_note(row), style("bold", c.wrong))]]
        lines += [[]] + [[(line, "")] for line in plugged(row, d)]
        lines += [[], [(_("Why they cancel:") + " ", "bold"), (row.because, "")]]
        self._text = Drawing(lines).text
        self._text.no_wrap = False
        self.query_one("#jacobian-body", Static).update(self._text)

    def action_observation(self, delta: int) -> None:
        self._go(self.r + delta)

    def action_pick(self, n: int) -> None:
        if n <= self.m:
            self._go(n - 1)
        else:
            self.app.bell()

    def action_page(self, direction: int) -> None:
        scroll = self.query_one("#jacobian-scroll", VerticalScroll)
        (scroll.scroll_page_up if direction < 0 else scroll.scroll_page_down)(animate=False)

    def _go(self, r: int) -> None:
        r = max(0, min(self.m - 1, r))
        if r != self.r:
            self.r = r
            self.show()

    def action_close(self) -> None:
        if self.is_active:  # (a second key before the first one's dismissal took effect)
            self.dismiss(None)
