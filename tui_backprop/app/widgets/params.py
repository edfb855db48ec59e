"""The parameters as they stand; on an update step, old → new and the change of each entry."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from rich.text import Text
from textual.containers import VerticalScroll
from textual.reactive import var
from textual.widgets import Static

from ...i18n import _
from ...notation import EXACT_ZERO, dims
from ..state import View
from ..view import DIM, WRITTEN, LinesVisual, Palette, fmt, gradient_norms_reached, matrix_view, param_views, style
from .scrolling import SCROLL_BINDINGS, ScrollCue

if TYPE_CHECKING:  # annotations only: the app's first frame does not wait for the engine (numpy)
    from ...core import Session

MAX_ENTRIES = 8  # old → new lines listed per parameter on its update step
BAR_CELLS = 12  # the largest gradient norm's bar
CELLS_PER_DECADE = 2  # a log scale: a norm 100× smaller has a bar 4 cells shorter


class ParamsPanel(ScrollCue, VerticalScroll, can_focus=True, inherit_bindings=False):
    BINDINGS = SCROLL_BINDINGS
    view: var[View | None] = var(None)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple | None = None  # what the text on show was drawn from

    def compose(self):
        yield Static(id="params-body")

    def on_mount(self) -> None:
        self.border_title = _("Parameters")

    def watch_view(self, view: View | None) -> None:
        if view is not None:
            self._show(view.session, view.decimals, view.colours, hide_current=view.hidden)

    def _show(
        self,
        session: Session,
        decimals: int,
        c: Palette,
        max_rows: int = 6,
        max_cols: int = 4,
        hide_current: bool = False,
    ) -> None:
        """`hide_current`: quiz mode, the current update's new values are not shown yet."""
        views = param_views(session)
        if hide_current:
            views = [v if not v.current else type(v)(v.name, v.layer, v.old, None, False) for v in views]
        # The parameters change only at an update step or in another epoch: most steps redraw nothing.
        norms = tuple(gradient_norms_reached(session, hide_current))
        key = ([(v.old, v.new, v.current) for v in views], decimals, max_rows, max_cols, c, norms)
        if self._shown is not None and _same(key, self._shown):
            return
        self._shown = key
        t = Text(no_wrap=True, overflow="ellipsis")
        if any(n is not None for _layer, n in norms):
            _norm_lines(t, norms, c)
        for i, v in enumerate(views):
            if i:
                t.append("\n")
            t.append(f"{v.name}", style="bold")
            t.append(f" {dims(v.old.shape)}", style=DIM)
            if v.current and v.new is not None:
                t.append("  " + _("old → new (change)"), style=style("bold", c.update))
                # The change is read as new − old of two engine arrays: display only.
                change = v.new - v.old
                rows, cols = v.old.shape
                shown = 0
                for r in range(rows):
                    for col in range(cols):
                        if shown == MAX_ENTRIES:
                            break
                        d = change[r, col]
                        t.append(f"\n [{r + 1},{col + 1}] ", style=DIM)
                        t.append(fmt(v.old[r, col], decimals))
                        t.append(" → ", style=DIM)
                        t.append(fmt(v.new[r, col], decimals), style=style(WRITTEN, c.written))
                        sign = "+" if d >= 0 else ""
                        t.append(f" ({sign}{fmt(d, decimals + 1)})", style=(c.negative if d < 0 else c.update) or None)
                        shown += 1
                if rows * cols > shown:
                    t.append("\n " + _("… {n} more entries").format(n=rows * cols - shown), style="italic " + DIM)
            else:
                value = v.old if v.new is None else v.new
                view = matrix_view(value, decimals, max_rows, max_cols, colours=c)
                if view.scale:
                    t.append(f" {view.scale}", style="bold")
                if v.new is not None:
                    t.append("  " + _("updated ✓"), style=style("bold", c.update))
                if view.exact_zero:
                    t.append(f"  {_(EXACT_ZERO)}", style="italic " + DIM)
                for line in view.lines:
                    t.append("\n")
                    for s, piece_style in line:
                        t.append(s, style=piece_style or None)
        self.query_one("#params-body", Static).update(LinesVisual(t))


def _norm_lines(t: Text, norms: tuple[tuple[int, float | None], ...], c: Palette) -> None:
    """‖∂J/∂W_l‖ of each layer reached so far, with a bar on a log scale: the flow of the gradient at a glance."""
    top = max(n for _layer, n in norms if n is not None)
    for l, n in norms:
        t.append(f"‖∂J/∂W{l}‖ ", style="bold")
        if n is None:
            t.append(_("… not reached yet") + "\n", style="italic " + DIM)
            continue
        t.append(f"{n:.2e} " if n else "0        ")
        cells = 0 if not n else max(1, BAR_CELLS + round(CELLS_PER_DECADE * math.log10(n / top)))
        t.append("█" * cells + "\n", style=c.backward or None)
    t.append(_("(log scale: {n} █ per ×10)").format(n=CELLS_PER_DECADE) + "\n\n", style=DIM)


def _same(a: tuple, b: tuple) -> bool:
    """The same arrays (by identity: an array's values are never changed in place) and settings."""
    (va, *ra), (vb, *rb) = a, b
    return (
        ra == rb and len(va) == len(vb) and all(x[0] is y[0] and x[1] is y[1] and x[2] == y[2] for x, y in zip(va, vb))
    )
