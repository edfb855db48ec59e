"""Display helpers shared by the panels: number and matrix formatting, the theme's palette, graph status.

Nothing here computes the network's maths: every number comes from the engine's
Session and Step objects; this module only decides how they look.
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.text import Text
from textual.strip import Strip
from textual.visual import Visual

from ..i18n import ngettext
from ..notation import DEFAULT_DECIMALS as DEFAULT_DECIMALS  # the app's start, shared with `trace`
from ..notation import format_number, matrix_cells

if TYPE_CHECKING:  # annotations only: the app's first frame does not wait for the engine (numpy)
    import numpy as np

    from ..core import Session, Step

DECIMALS = (2, 3, 4, 6)

# Text attributes that survive NO_COLOR; colours come from the theme (see Palette).
WRITTEN = "bold underline"
DIM = "dim"

# The theme variable each role's colour is read from: the `text-*` variants are the theme's colours made
# readable on its background, in a dark and in a light theme alike. The stylesheet uses the same roles
# ($success forward, $warning backward, $primary update) for the panels' borders.
ROLES = {
    "forward": "text-success",
    "backward": "text-warning",
    "update": "text-primary",
    "written": "text-accent",
    "negative": "text-error",
    "right": "text-success",
    "wrong": "text-error",
    "status": "text-accent",
    "score": "text-secondary",
    "equation": "text-secondary",
    "key": "text-accent",
    "frame": "foreground-muted",
}


@dataclass(frozen=True)
class Palette:
    """A colour (a Rich colour string, "" for none) per role, read from the app's current theme."""

    forward: str = ""
    backward: str = ""
    update: str = ""
    written: str = ""
    negative: str = ""
    right: str = ""
    wrong: str = ""
    status: str = ""
    score: str = ""
    equation: str = ""
    key: str = ""
    frame: str = ""

    def phase(self, phase: str) -> str:
        return {"forward": self.forward, "backward": self.backward, "update": self.update}.get(phase, "")


ACT_SYMBOL = {"sigmoid": "σ", "tanh": "tanh", "relu": "relu", "identity": "id"}

PLAIN = Palette()  # no colours: what the functions below use when not given the app's palette


def palette(variables: dict[str, str]) -> Palette:
    """The roles' colours from a theme's variables (`App.theme_variables`); a colour with alpha is blended
    onto the theme's surface, as the stylesheet would draw it."""
    from textual.color import Color

    surface = Color.parse(variables["surface"]) if "surface" in variables else Color(0, 0, 0)
    colours = {}
    for role, name in ROLES.items():
        try:
            colour = Color.parse(variables[name])
        except (KeyError, Exception):  # a theme without the variable, or one Rich cannot draw ("auto 60%")
            colours[role] = ""
            continue
        if colour.ansi is not None:  # the ansi-* themes: the terminal's own colour N ("" for its default)
            colours[role] = f"color({colour.ansi})" if colour.ansi >= 0 else ""
        else:
            colours[role] = (surface + colour).hex if colour.a < 1 else colour.hex
    return Palette(**colours)


def app_palette(app) -> Palette:
    """The palette of the app's current theme."""
    return palette(app.theme_variables or app.get_css_variables())


def style(*parts: str) -> str:
    """Rich style words joined, leaving out the empty ones (a colour the palette does not have)."""
    return " ".join(p for p in parts if p)


def next_decimals(current: int) -> int:
    for d in DECIMALS:
        if d > current:
            return d
    return DECIMALS[0]


def fmt(x: float, decimals: int) -> str:
    """A number with a fixed number of decimals; never 'nan' on screen.

    An exact zero is "0" (a dead relu unit's gradient is exactly that), so it is never
    confused with a small value rounded to "0.000" or "-0.000", which keep their sign.
    From 1e6 on, scientific notation ("-5.241e+143"): a cell never runs to 140 digits.
    """
    x = float(x)
    if math.isnan(x):
        return "—"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if x == 0:
        return "0"
    return format_number(x, decimals)


Piece = tuple[str, str]  # (text, Rich style)


def fill(template: str, **parts: str | Piece) -> Text:
    """A translated `template` with its {placeholders} filled, a (text, style) part in its style: a sentence
    whose words a language may reorder, with a styled piece inside it."""
    out = Text()
    for literal, field, _spec, _conversion in string.Formatter().parse(template):
        out.append(literal)
        if field is not None:
            part = parts[field]
            out.append(*part) if isinstance(part, tuple) else out.append(part)
    return out


@dataclass(frozen=True)
class MatrixView:
    """A matrix as shown: its lines, the power of ten its numbers are written in (`×10⁻³`, for the title),
    and whether it needs the exact-zero legend."""

    lines: list[list[Piece]]
    scale: str
    exact_zero: bool


MARKED = "reverse"  # an entry under the cursor or feeding it: readable without colour


def matrix_view(
    a: np.ndarray,
    decimals: int,
    max_rows: int,
    max_cols: int,
    written: bool = False,
    colours: Palette = PLAIN,
    marks: frozenset[tuple[int, int]] = frozenset(),
    flags: dict[tuple[int, int], Piece] | None = None,
) -> MatrixView:
    """The first rows/cols of a matrix that fit, written by the shared rule (`notation.matrix_cells`:
    a power of ten for a matrix of small entries, an exact 0 lined up with its column), with '… N more'
    lines: one list of pieces per line. Only the cells shown are formatted; `marks` (row, col) are reversed;
    `flags` (row, col) → (glyph, style): the entry in that style with the glyph after it (readable without
    colour; every entry then gets a glyph's room, so the columns stay lined up)."""
    rows, cols = a.shape
    r, c = min(rows, max_rows), min(cols, max_cols)
    peak = float(abs(a).max()) if a.size else 0.0  # the whole matrix sets the scale, not the part shown
    cells = matrix_cells(a[:r, :c].tolist(), decimals, peak)
    written_style, negative = style(WRITTEN, colours.written), colours.negative
    lines: list[list[Piece]] = []
    for i, row in enumerate(cells.text):
        line: list[Piece] = []
        for j, s in enumerate(row):
            if j:
                line.append((" ", ""))
            cell = written_style if written else negative if s.lstrip().startswith("-") else ""
            flag = flags.get((i, j)) if flags else None
            if flag:
                cell = style(cell, flag[1])
            line.append((s, style(cell, MARKED) if (i, j) in marks else cell))
            if flags:
                line.append(flag or (" ", ""))
        if c < cols:
            line.append(("  …", DIM))
        lines.append(line)
    more = []
    if r < rows:
        more.append(ngettext("… {n} more row", "… {n} more rows", rows - r).format(n=rows - r))
    if c < cols:
        more.append(ngettext("… {n} more col", "… {n} more cols", cols - c).format(n=cols - c))
    if more:
        lines.append([(" · ".join(more), "italic " + DIM)])
    return MatrixView(lines, cells.scale_text, cells.exact_zero)


def _shown_value(text: str, scale: int):
    """A written cell as the number it shows (`1.230` under ×10⁻³: 0.00123), or its text (`—`, `∞`)."""
    from decimal import Decimal, InvalidOperation

    try:
        return Decimal(text.strip()).scaleb(scale)
    except InvalidOperation:
        return text.strip()


def shown_differences(
    a: np.ndarray, b: np.ndarray, decimals: int, max_rows: int, max_cols: int
) -> set[tuple[int, int]]:
    """The entries (row, col) among the first rows and cols where a and b, as written at `decimals` (each
    under its own power of ten), show different numbers: a difference the screen cannot show is none."""
    if a.shape != b.shape:
        return set()
    r, c = min(a.shape[0], max_rows), min(a.shape[1], max_cols)
    cells = [matrix_cells(m[:r, :c].tolist(), decimals, float(abs(m).max()) if m.size else 0.0) for m in (a, b)]
    return {
        (i, j)
        for i in range(r)
        for j in range(c)
        if _shown_value(cells[0].text[i][j], cells[0].scale) != _shown_value(cells[1].text[i][j], cells[1].scale)
    }


def matrix_text(
    a: np.ndarray, decimals: int, max_rows: int, max_cols: int, written: bool = False, colours: Palette = PLAIN
) -> Text:
    """`matrix_view`'s lines as one Rich Text."""
    out = Text(no_wrap=True, overflow="ellipsis")
    for i, line in enumerate(matrix_view(a, decimals, max_rows, max_cols, written, colours).lines):
        if i:
            out.append("\n")
        for s, piece_style in line:
            out.append(s, style=piece_style or None)
    return out


# --- the graph's state at a position --------------------------------------------------------


@dataclass(frozen=True)
class NodeState:
    value: bool  # its forward value is computed
    gradient: bool  # the gradient through it is known
    updated: bool  # (update nodes) applied
    current: bool


def step_index(steps: list[Step]) -> dict[tuple[str, str], int]:
    """(node, phase) → step index, read from the trace."""
    return {(s.node, s.phase): s.index for s in steps}


def node_state(index: dict[tuple[str, str], int], node: str, current: int, current_node: str) -> NodeState:
    big = 10**9
    fwd = index.get((node, "forward"), big)
    bwd = index.get((node, "backward"), big)
    upd = index.get((node, "update"), big)
    return NodeState(fwd <= current, bwd <= current, upd <= current, node == current_node)


@dataclass(frozen=True)
class ParamView:
    name: str  # W1, b1
    layer: int
    old: np.ndarray  # at the start of the epoch
    new: np.ndarray | None  # after this epoch's update, once that step is reached
    current: bool  # the current step is this layer's update


def param_views(session: Session) -> list[ParamView]:
    """The parameters as they stand at the session's position, from the epoch's update steps."""
    pos = session.position
    params, steps = session.epoch_pass(pos.epoch)[::2]
    updates = {s.layer: s for s in steps if s.phase == "update"}
    out: list[ParamView] = []
    for name, value in params.named().items():
        layer = int(name[1:])
        up = updates.get(layer)
        done = up is not None and up.index <= pos.index
        out.append(ParamView(name, layer, value, up.outputs[name] if done else None, done and up.index == pos.index))
    return out


def gradient_norms_reached(session: Session, hidden: bool = False) -> list[tuple[int, float | None]]:
    """(l, ‖∂J/∂W_l‖) for every layer, the norm None until the walk reaches the step computing ∂J/∂W_l
    (and while `hidden`: quiz mode keeps the current step's results back). From core/diagnostics."""
    from ..core.diagnostics import gradient_norms

    pos = session.position
    p, steps = session.epoch_pass(pos.epoch)[1:]
    at: dict[str, int] = {}
    for s in steps:
        for name in s.outputs:
            at.setdefault(name, s.index)  # the step that computes it, not a later one that uses it
    out: list[tuple[int, float | None]] = []
    for l, norm in enumerate(gradient_norms(p), start=1):
        i = at.get(f"dJ_dW{l}", 10**9)
        reached = i < pos.index or (i == pos.index and not hidden)
        out.append((l, norm if reached else None))
    return out


# --- a Visual for unwrapped text -------------------------------------------------------------

_CONSOLE = None


def _console():
    """A Rich console to cut a Text into segments (its styles are written out whole, so any console does;
    a Visual is not told the app's)."""
    global _CONSOLE
    if _CONSOLE is None:
        from rich.console import Console

        _CONSOLE = Console(width=10_000, color_system="truecolor", legacy_windows=False)
    return _CONSOLE


class LinesVisual(Visual):
    """A Rich `Text` drawn one line per line (never wrapped; cut with … when too wide) for a `Static`.

    Textual turns a `Text` into `Content` and formats it again on every repaint; the panels whose
    text is never wrapped (graph, header, parameters) are drawn here straight from the Rich segments,
    and the strips are kept until the text, the width or the base style changes. `Console.print`
    of it prints the text (what the tests read).
    """

    def __init__(self, text: Text) -> None:
        self.text = text
        self.lines = text.split("\n", allow_blank=True)
        self._width = max((line.cell_len for line in self.lines), default=0)
        self._cache: tuple[tuple, list[Strip]] | None = None

    def __rich_console__(self, console, options):
        yield self.text

    def get_optimal_width(self, rules, container_width: int) -> int:
        return self._width

    def get_height(self, rules, width: int) -> int:
        return len(self.lines)

    def render_strips(self, width: int, height: int | None, style, options) -> list[Strip]:
        base = style.rich_style
        key = (width, height, base)
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        console = _console()
        strips = []
        for line in self.lines if height is None else self.lines[:height]:
            if line.cell_len > width:
                line = line.copy()
                line.truncate(width, overflow="ellipsis")
            segments = Segment.apply_style(line.render(console, end=""), base)
            strips.append(Strip(segments))
        self._cache = (key, strips)
        return strips
