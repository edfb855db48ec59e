"""A small character canvas for the pictures: braille line charts with axes, shaded heat cells.

Every picture reads without colour: lines are braille dots, marks are distinct glyphs and heat
levels are shade characters (" ░▒▓█"); colour, from the theme through each chart's component
classes in app.tcss, only adds to that. The numbers all come from the engine.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from rich.color import Color, ColorTriplet
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from ..view import fmt

# Braille dot bits by (row 0..3, column 0..1) within a character cell.
_DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
SHADES = " ░▒▓█"


class Braille:
    """A grid of cols × rows characters, each 2 × 4 dots; each cell remembers the series drawn last."""

    def __init__(self, cols: int, rows: int) -> None:
        self.cols, self.rows = max(1, cols), max(1, rows)
        self.w, self.h = self.cols * 2, self.rows * 4
        self.bits = [[0] * self.cols for _ in range(self.rows)]
        self.owner = [[""] * self.cols for _ in range(self.rows)]

    def dot(self, px: int, py: int, series: str) -> None:
        """A dot at pixel (px, py), py = 0 at the top."""
        if 0 <= px < self.w and 0 <= py < self.h:
            r, c = py // 4, px // 2
            self.bits[r][c] |= _DOTS[py % 4][px % 2]
            self.owner[r][c] = series

    def line(self, x0: float, y0: float, x1: float, y1: float, series: str, every: int = 1) -> None:
        """Pixels from (x0, y0) to (x1, y1); `every` > 1 draws a dotted line."""
        n = max(1, int(max(abs(x1 - x0), abs(y1 - y0))))
        for i in range(0, n + 1, every):
            t = i / n
            self.dot(round(x0 + (x1 - x0) * t), round(y0 + (y1 - y0) * t), series)

    def char(self, r: int, c: int) -> str:
        return chr(0x2800 + self.bits[r][c]) if self.bits[r][c] else " "


class Chart(Widget):
    """A widget drawn as one Text sized to its content region; subclasses implement `draw`."""

    DEFAULT_CSS = "Chart { height: 1fr; }"

    def style_of(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def draw(self, width: int, height: int) -> Text:  # pragma: no cover - abstract
        raise NotImplementedError

    def render(self) -> Text:
        w, h = self.content_region.width, self.content_region.height
        if w < 12 or h < 4:
            return Text("(too small to draw)", style="dim")
        return self.draw(w, h)


def ticks_text(width: int, labels: Sequence[tuple[int, str]]) -> str:
    """A row of `width` with each label centred on its column, kept inside the row and apart."""
    row = [" "] * width
    taken = -1
    for col, label in labels:
        start = min(max(0, col - len(label) // 2), width - len(label))
        if start <= taken or start < 0:
            continue
        row[start : start + len(label)] = label
        taken = start + len(label)
    return "".join(row)


def line_chart(
    width: int,
    height: int,
    series: Sequence[tuple[str, Sequence[float], Sequence[float], int]],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    styles: Callable[[str], Style],
    *,
    log: bool = False,
    x_labels: Sequence[tuple[float, str]] = (),
    marks: Sequence[tuple[float, str]] = (),
    points: Sequence[tuple[float, float, str]] = (),
    y_fmt: Callable[[float], str] = lambda v: fmt(v, 3),
    guides: bool = True,
) -> Text:
    """Braille curves with a labelled y axis (top, bottom, middle) and an x axis.

    `series`: (name, xs, ys, every) — `every` > 1 dots the line; `marks`: (x, glyph) drawn on the
    x axis (with a dotted vertical line above when `guides`); `points`: (x, y, series) drawn as heavy dots.
    With `log`, y is drawn on a log10 scale (y_range and values > 0).
    """
    y0, y1 = y_range
    tr = (lambda v: math.log10(v) if v > 0 else -math.inf) if log else (lambda v: v)
    ty0, ty1 = tr(y0), tr(y1)
    if not (math.isfinite(ty0) and math.isfinite(ty1)) or ty1 <= ty0:
        ty0, ty1 = (ty0, ty0 + 1.0) if math.isfinite(ty0) else (0.0, 1.0)
    rows = max(1, height - 2)
    labels = {0: y_fmt(y1), rows - 1: y_fmt(y0)}
    if rows >= 5:
        mid_t = (ty0 + ty1) / 2
        labels[(rows - 1) // 2] = y_fmt(10**mid_t if log else mid_t)
    lw = max(len(s) for s in labels.values()) + 1
    cols = max(1, width - lw)
    canvas = Braille(cols, rows)
    xa, xb = x_range
    xspan = (xb - xa) or 1.0

    def px(x: float) -> float:
        return (x - xa) / xspan * (canvas.w - 1)

    def py(y: float) -> float:
        t = tr(y)
        if not math.isfinite(t):
            t = ty0
        return (1 - (min(max(t, ty0), ty1) - ty0) / (ty1 - ty0)) * (canvas.h - 1)

    for x, _ in marks if guides else ():
        canvas.line(px(x), 0, px(x), canvas.h - 1, "mark", every=2)
    for name, xs, ys, every in series:
        prev = None
        for x, y in zip(xs, ys):
            if not math.isfinite(y):
                prev = None
                continue
            p = (px(x), py(y))
            if prev is None:
                canvas.dot(round(p[0]), round(p[1]), name)
            else:
                canvas.line(*prev, *p, name, every)
            prev = p
    for x, y, name in points:
        cx, cy = round(px(x)), round(py(y))
        for dx in (0, 1):
            for dy in (-1, 0, 1):
                canvas.dot(cx + dx, cy + dy, name)
    axis = styles("axis")
    out = Text(no_wrap=True, overflow="crop")
    for r in range(rows):
        label = labels.get(r)
        out.append((label or "").rjust(lw - 1) + ("┤" if label else "│"), axis)
        for c in range(cols):
            owner = canvas.owner[r][c]
            out.append(canvas.char(r, c), styles(owner) if owner else None)
        out.append("\n")
    axis_row = ["─"] * cols
    for x, glyph in marks:
        axis_row[min(cols - 1, max(0, int(px(x)) // 2))] = glyph
    out.append(" " * (lw - 1) + "└", axis)
    for ch in axis_row:
        out.append(ch, styles("mark") if ch != "─" else axis)
    out.append("\n")
    ticks = [(lw + int(px(x)) // 2, s) for x, s in x_labels]
    out.append(ticks_text(width, ticks), axis)
    return out


def shade(t: float) -> str:
    """The shade character of a level t in [0, 1] (NaN: blank)."""
    if not math.isfinite(t):
        return " "
    return SHADES[min(len(SHADES) - 1, max(0, int(t * len(SHADES))))]


def blend(low: Style, high: Style, t: float) -> Style:
    """A colour between the low and high styles' colours (themes give both); plain without colour."""
    a, b = low.color, high.color
    if a is None or b is None or a.triplet is None or b.triplet is None:
        return low
    t = min(1.0, max(0.0, t)) if math.isfinite(t) else 0.0
    ca, cb = a.triplet, b.triplet
    mix = tuple(round(x + (y - x) * t) for x, y in zip(ca, cb))
    return Style(color=Color.from_triplet(ColorTriplet(*mix)))
