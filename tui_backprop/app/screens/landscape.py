"""The loss surface of two weights: J over a grid around their current values, every other parameter
held, with the path gradient descent has taken through them and the negative gradient here."""

from __future__ import annotations

import math

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, Select, Static

from ...core import Session
from ...core.landscape import Entry, Landscape, entries, landscape, session_path
from ...i18n import _
from ..view import DIM, fmt
from ..widgets.canvas import SHADES, Chart, blend, ticks_text
from .picture import PictureScreen

ARROWS = "→↗↑↖←↙↓↘"  # by the angle of −∇J, in eighths of a turn from east
SHAFTS = "─╱│╲─╱│╲"
ARROW_CELLS = 4


def default_pair(all_entries: list[Entry]) -> tuple[int, int]:
    """W1[1,1] against the last layer's W[1,1] (W1[2,1] when there is one layer only)."""
    last = max(e.layer for e in all_entries)
    ws = [i for i, e in enumerate(all_entries) if e.kind == "W"]
    second = next((i for i in ws if all_entries[i].layer == last), ws[-1]) if last > 1 else ws[1]
    return ws[0], second


def bands(J: np.ndarray) -> np.ndarray:
    """Edges of the shade bands: quantiles, so each shade covers about the same area (contour bands)."""
    finite = J[np.isfinite(J)]
    if finite.size == 0:
        return np.zeros(len(SHADES) - 1)
    return np.quantile(finite, np.linspace(0, 1, len(SHADES) + 1)[1:-1])


class SurfaceChart(Chart):
    COMPONENT_CLASSES = {"chart--axis", "heat--low", "heat--high", "heat--path"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.compute = None  # (cols, rows) -> Landscape | None, set by the screen
        self.land: Landscape | None = None
        self.edges: np.ndarray | None = None

    def draw(self, width: int, height: int) -> Text:
        if self.compute is None:
            return Text()
        ylab = 8
        cols, rows = max(2, width - ylab - 1), max(2, height - 2)
        land = self.compute(cols, rows)
        self.land = land
        if land is None:
            return Text("Choose two different parameter entries.", style="italic")
        J = land.J[::-1]  # row 0 at the top: the largest y
        self.edges = edges = bands(land.J)
        level = np.searchsorted(edges, J, side="right")
        order = np.argsort(np.argsort(np.where(np.isfinite(J), J, np.inf), axis=None)).reshape(J.shape)
        rank = order / max(1, J.size - 1)
        low, high, axis = self.style_of("heat--low"), self.style_of("heat--high"), self.style_of("chart--axis")
        mark = self.style_of("heat--path")
        cells = [
            [SHADES[int(v)] if np.isfinite(J[r, c]) else "?" for c, v in enumerate(row)] for r, row in enumerate(level)
        ]
        over = self._overlay(land, cols, rows)
        x0, x1 = land.xs[0], land.xs[-1]
        y0, y1 = land.ys[0], land.ys[-1]
        out = Text(no_wrap=True, overflow="crop")
        for r in range(rows):
            label = f"{y1:.2f}" if r == 0 else f"{y0:.2f}" if r == rows - 1 else ""
            if rows > 4 and r == rows // 2:
                label = land.second.label
            out.append(label.rjust(ylab)[:ylab] + ("┤" if r in (0, rows - 1) else "│"), axis)
            for c in range(cols):
                if (r, c) in over:
                    out.append(over[(r, c)], mark)
                else:
                    out.append(cells[r][c], blend(low, high, float(rank[r, c])))
            out.append("\n")
        out.append(" " * ylab + "└" + "─" * cols + "\n", axis)
        labels = [(ylab + 1, f"{x0:.2f}"), (ylab + 1 + cols // 2, land.first.label), (ylab + cols, f"{x1:.2f}")]
        out.append(ticks_text(width, labels), axis)
        return out

    @staticmethod
    def _overlay(land: Landscape, cols: int, rows: int) -> dict[tuple[int, int], str]:
        """Path (·, ○ at epoch 1), the current point (●) and the −∇J arrow, by cell (row 0 at the top)."""
        x0, x1, y0, y1 = land.xs[0], land.xs[-1], land.ys[0], land.ys[-1]

        def cell(x: float, y: float) -> tuple[float, float]:
            return (x - x0) / (x1 - x0) * (cols - 1), (1 - (y - y0) / (y1 - y0)) * (rows - 1)

        def inside(c: float, r: float) -> bool:
            return 0 <= round(c) < cols and 0 <= round(r) < rows

        out: dict[tuple[int, int], str] = {}
        pts = [cell(x, y) for x, y, _ in land.path.tolist()]
        for (ca, ra), (cb, rb) in zip(pts, pts[1:]):
            n = max(1, int(max(abs(cb - ca), abs(rb - ra))))
            for i in range(n + 1):
                c, r = ca + (cb - ca) * i / n, ra + (rb - ra) * i / n
                if inside(c, r):
                    out[(round(r), round(c))] = "·"
        gx, gy = land.descent
        cc, cr = cell(*land.current)
        if gx or gy:
            # In cells: x to the right, y up (rows grow downwards); unit steps along −∇J.
            dx = gx / (x1 - x0) * (cols - 1)
            dy = -gy / (y1 - y0) * (rows - 1)
            norm = math.hypot(dx, dy)
            ux, uy = dx / norm, dy / norm
            octant = round(math.atan2(-2 * uy, ux) / (math.pi / 4)) % 8  # a cell is twice as tall as wide
            k = 1 / max(abs(ux), abs(uy))  # one cell per step along the longer axis: no gaps
            for i in range(1, ARROW_CELLS + 1):
                c, r = cc + ux * k * i, cr + uy * k * i
                if inside(c, r):
                    out[(round(r), round(c))] = ARROWS[octant] if i == ARROW_CELLS else SHAFTS[octant]
        if pts and inside(*pts[0]):
            out[(round(pts[0][1]), round(pts[0][0]))] = "○"
        if inside(cc, cr):
            out[(round(cr), round(cc))] = "●"
        return out


class LandscapeScreen(PictureScreen):
    BINDINGS = [Binding("w", "close", "Close", show=False)]

    def __init__(self, session: Session, hide_current: bool = False, can_move: bool = True) -> None:
        super().__init__(session, can_move)
        self.hide_current = hide_current
        self.entries = entries(session.scenario.params)
        self.first, self.second = default_pair(self.entries)
        self._path: tuple[tuple[int, int, int], np.ndarray] | None = None  # ((first, second, epoch), path)
        self._land: tuple[tuple, Landscape | None] | None = None

    def compose(self) -> ComposeResult:
        options = [(e.label, i) for i, e in enumerate(self.entries)]
        with Vertical(id="land-box"):
            with Horizontal(id="land-pick"):
                yield Label(_("across") + " ")
                yield Select(options, value=self.first, allow_blank=False, id="land-x", compact=True)
                yield Label(" " + _("up") + " ")
                yield Select(options, value=self.second, allow_blank=False, id="land-y", compact=True)
            yield SurfaceChart(id="land-chart")
            yield Static(id="land-legend")
            yield Static(_("esc: close · ← → PgUp PgDn: epochs · tab: the weight pickers"), id="land-close")

    def on_mount(self) -> None:
        self.query_one(SurfaceChart).compute = self.compute
        self.redraw()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.value is Select.BLANK:
            return
        if event.select.id == "land-x":
            self.first = int(event.value)
        else:
            self.second = int(event.value)
        self.redraw()

    def path(self) -> np.ndarray:
        """The two entries and J at the start of epochs 1..current (long histories: see session_path)."""
        key = (self.first, self.second, self.epoch)
        if self._path is None or self._path[0] != key:
            self._path = (key, session_path(self.session, *self.pair(), self.epoch))
        return self._path[1]

    def pair(self) -> tuple[Entry, Entry]:
        return self.entries[self.first], self.entries[self.second]

    def compute(self, cols: int, rows: int) -> Landscape | None:
        key = (self.first, self.second, self.epoch, cols, rows)
        if self._land is None or self._land[0] != key:
            land = None
            if self.first != self.second:
                s = self.session
                land = landscape(s.net, s.params_at(self.epoch), *self.pair(), self.path(), (cols, rows))
            self._land = (key, land)
        return self._land[1]

    def redraw(self) -> None:
        box = self.query_one("#land-box")
        first, second = self.pair()
        box.border_title = _("Loss surface: J over {first} and {second} at epoch {epoch}").format(
            first=first.label, second=second.label, epoch=self.epoch
        )
        chart = self.query_one(SurfaceChart)
        chart.refresh()
        self.call_after_refresh(self._legend)

    def _legend(self) -> None:
        charts = self.query(SurfaceChart)
        if not charts:  # closed before its first paint
            return
        chart = charts.first()
        land, edges = chart.land, chart.edges
        t = Text(no_wrap=False)
        if land is None or edges is None:
            self.query_one("#land-legend", Static).update(t)
            return
        lo, hi = float(np.nanmin(land.J)), float(np.nanmax(land.J))
        bounds = [lo, *edges.tolist(), hi]
        t.append("J: ", style="bold")
        for i, ch in enumerate(SHADES):
            t.append(f"[{ch}]")
            t.append(f" {fmt(bounds[i], 3)}–{fmt(bounds[i + 1], 3)}  ", style=DIM)
        t.append("\n")
        t.append(_("○ epoch 1  · path  ●") + " ", style="")
        here = _("epoch {epoch}").format(epoch=self.epoch)
        if not self.hide_current:
            here += f" (J = {fmt(land.path[-1][2], 4)})" if len(land.path) else ""
        t.append(here + "  ")
        gx, gy = land.descent
        t.append(f"→ −∇J = ({gx:.3g}, {gy:.3g})")
        t.append(_("; every other parameter held at epoch {epoch}'s values").format(epoch=self.epoch), style=DIM)
        self.query_one("#land-legend", Static).update(t)
