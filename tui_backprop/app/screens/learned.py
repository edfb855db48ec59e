"""What the network has learned: ŷ over the input plane as shaded cells, the observations on it."""

from __future__ import annotations

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from ...core import Session
from ...core.landscape import Plane, plane_note, prediction_plane
from ...i18n import _
from ..view import DIM, fmt
from ..widgets.canvas import SHADES, Chart, blend, ticks_text
from .picture import PictureScreen

DIGITS = "123456789"


def observation_glyphs(y: np.ndarray) -> list[str]:
    """Targets told apart: ● 1 / ○ 0 for 0/1 targets; the observation's number for up to 9 others;
    else ● at or above the middle of the targets' range, ○ below."""
    t = y[:, 0]
    if np.isin(t, (0.0, 1.0)).all():
        return ["●" if v == 1 else "○" for v in t]
    if len(t) <= len(DIGITS):
        return list(DIGITS[: len(t)])
    mid = (t.min() + t.max()) / 2
    return ["●" if v >= mid else "○" for v in t]


def value_range(plane: Plane, bounded: bool) -> tuple[float, float]:
    if bounded:  # sigmoid output: ŷ lives in (0, 1)
        return 0.0, 1.0
    finite = plane.yhat[np.isfinite(plane.yhat)]
    lo = float(min(finite.min(initial=np.inf), plane.y.min()))
    hi = float(max(finite.max(initial=-np.inf), plane.y.max()))
    return lo, hi if hi > lo else lo + 1.0


class PlaneChart(Chart):
    COMPONENT_CLASSES = {"chart--axis", "heat--low", "heat--high", "heat--path"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.session: Session | None = None
        self.range: tuple[float, float] = (0.0, 1.0)

    def draw(self, width: int, height: int) -> Text:
        s = self.session
        if s is None:
            return Text()
        ylab = 6
        cols, rows = max(2, width - ylab - 1), max(2, height - 2)
        plane = prediction_plane(s.net, s.params_at(s.position.epoch), cols, rows)
        lo, hi = self.range = value_range(plane, s.scenario.output_activation == "sigmoid")
        level = (plane.yhat[::-1] - lo) / (hi - lo)  # row 0 at the top: the largest x₂
        low, high, axis = self.style_of("heat--low"), self.style_of("heat--high"), self.style_of("chart--axis")
        mark = self.style_of("heat--path")
        xs, ys = plane.xs, plane.ys
        over: dict[tuple[int, int], str] = {}
        for (a, b), glyph in zip(plane.X.tolist(), observation_glyphs(plane.y)):
            c = round((a - xs[0]) / (xs[-1] - xs[0]) * (cols - 1))
            r = round((1 - (b - ys[0]) / (ys[-1] - ys[0])) * (rows - 1))
            over[(r, c)] = glyph if (r, c) not in over or over[(r, c)] == glyph else "◐"
        out = Text(no_wrap=True, overflow="crop")
        for r in range(rows):
            label = f"{ys[-1]:.2f}" if r == 0 else f"{ys[0]:.2f}" if r == rows - 1 else "x₂" if r == rows // 2 else ""
            out.append(label.rjust(ylab) + ("┤" if r in (0, rows - 1) else "│"), axis)
            for c in range(cols):
                t = float(level[r, c])
                if (r, c) in over:
                    out.append(over[(r, c)], mark)
                elif np.isfinite(t):
                    i = min(len(SHADES) - 1, max(0, int(t * len(SHADES))))
                    out.append(SHADES[i], blend(low, high, t))
                else:
                    out.append("?", axis)
            out.append("\n")
        out.append(" " * ylab + "└" + "─" * cols + "\n", axis)
        labels = [(ylab + 1, f"{xs[0]:.2f}"), (ylab + 1 + cols // 2, "x₁"), (ylab + cols, f"{xs[-1]:.2f}")]
        out.append(ticks_text(width, labels), axis)
        return out


class LearnedScreen(PictureScreen):
    BINDINGS = [Binding("f", "close", "Close", show=False)]

    def compose(self) -> ComposeResult:
        with Vertical(id="learned-box"):
            note = plane_note(self.session.net)
            if note is None:
                yield PlaneChart(id="learned-chart")
            yield Static(note or "", id="learned-legend")
            yield Static(_("esc: close · ← → PgUp PgDn: epochs"), id="learned-close")

    def on_mount(self) -> None:
        for chart in self.query(PlaneChart):
            chart.session = self.session
        self.redraw()

    def redraw(self) -> None:
        box = self.query_one("#learned-box")
        box.border_title = _("What the network has learned: ŷ over the inputs at epoch {epoch}").format(
            epoch=self.epoch
        )
        charts = self.query(PlaneChart)
        if not charts:
            return
        charts.first().refresh()
        self.call_after_refresh(self._legend)

    def _legend(self) -> None:
        charts = self.query(PlaneChart)
        if not charts:  # closed before its first paint
            return
        chart = charts.first()
        lo, hi = chart.range
        s = self.session
        t = Text()
        t.append("ŷ: ", style="bold")
        for i, ch in enumerate(SHADES):
            a, b = lo + (hi - lo) * i / len(SHADES), lo + (hi - lo) * (i + 1) / len(SHADES)
            t.append(f"[{ch}]")
            t.append(f" {fmt(a, 2)}–{fmt(b, 2)}  ", style=DIM)
        t.append("\n")
        p = s.epoch_pass(self.epoch)[1]
        glyphs = observation_glyphs(s.net.y)
        if glyphs[0] in "●○" and np.isin(s.net.y, (0.0, 1.0)).all():
            t.append(_("● target 1  ○ target 0"), style="")
        elif glyphs[0] in DIGITS:
            parts = [
                f"{g}: y {fmt(y, 2)}, ŷ {fmt(yh, 2)}"
                for g, y, yh in zip(glyphs, s.net.y[:, 0].tolist(), p.activations[-1][:, 0].tolist())
            ]
            t.append("  ".join(parts))
        else:
            t.append(_("● target in the upper half of the targets' range  ○ lower half"))
        self.query_one("#learned-legend", Static).update(t)
