"""Display helpers shared by the panels: number and matrix formatting, graph status.

Nothing here computes the network's maths: every number comes from the engine's
Session and Step objects; this module only decides how they look.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.text import Text
from textual.strip import Strip
from textual.visual import Visual

from ..notation import display_name, format_number

if TYPE_CHECKING:  # annotations only: the app's first frame does not wait for the engine (numpy)
    import numpy as np

    from ..core import Session, Step

DECIMALS = (2, 3, 4, 6)
DEFAULT_DECIMALS = 3

# Styles (Rich); bold / underline / reverse survive NO_COLOR, colours do not.
WRITTEN = "bold underline #ffd75f"
NEGATIVE = "#ff8787"
POSITIVE = ""
DIM = "dim"
FORWARD = "#5fd787"
BACKWARD = "#ffaf5f"
UPDATE = "#87afff"
PHASE_STYLE = {"forward": FORWARD, "backward": BACKWARD, "update": UPDATE}


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


def dims(a: np.ndarray) -> str:
    return f"{a.shape[0]}×{a.shape[1]}"


Piece = tuple[str, str]  # (text, Rich style)


MARKED = "reverse"  # an entry under the cursor or feeding it: readable without colour


def matrix_lines(
    a: np.ndarray,
    decimals: int,
    max_rows: int,
    max_cols: int,
    written: bool = False,
    marks: frozenset[tuple[int, int]] = frozenset(),
) -> list[list[Piece]]:
    """The first rows/cols of a matrix that fit, aligned, with '… N more' lines: one list of pieces per line.

    Only the cells shown are formatted; `marks` (row, col) are drawn reversed."""
    rows, cols = a.shape
    r, c = min(rows, max_rows), min(cols, max_cols)
    cells = [[fmt(x, decimals) for x in row] for row in a[:r, :c].tolist()]
    width = max((len(s) for row in cells for s in row), default=1)
    lines: list[list[Piece]] = []
    for i, row in enumerate(cells):
        line: list[Piece] = []
        for j, s in enumerate(row):
            if j:
                line.append((" ", ""))
            style = WRITTEN if written else (NEGATIVE if s.startswith("-") else POSITIVE)
            if (i, j) in marks:
                style = f"{style} {MARKED}".strip()
            line.append((s.rjust(width), style))
        if c < cols:
            line.append(("  …", DIM))
        lines.append(line)
    more = []
    if r < rows:
        more.append(f"… {rows - r} more row{'s' if rows - r != 1 else ''}")
    if c < cols:
        more.append(f"… {cols - c} more col{'s' if cols - c != 1 else ''}")
    if more:
        lines.append([(" · ".join(more), "italic " + DIM)])
    return lines


def matrix_text(a: np.ndarray, decimals: int, max_rows: int, max_cols: int, written: bool = False) -> Text:
    """The first rows/cols of a matrix that fit, aligned, with '… N more' lines. Only those are formatted."""
    out = Text(no_wrap=True, overflow="ellipsis")
    for i, line in enumerate(matrix_lines(a, decimals, max_rows, max_cols, written)):
        if i:
            out.append("\n")
        for s, style in line:
            out.append(s, style=style or None)
    return out


def matrix_title(name: str, a: np.ndarray) -> str:
    return f"{display_name(name)}  {dims(a)}"


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
    params, _, steps = session.epoch_pass(pos.epoch)
    updates = {s.layer: s for s in steps if s.phase == "update"}
    out: list[ParamView] = []
    for name, value in params.named().items():
        layer = int(name[1:])
        up = updates.get(layer)
        done = up is not None and up.index <= pos.index
        out.append(ParamView(name, layer, value, up.outputs[name] if done else None, done and up.index == pos.index))
    return out


# --- a Visual for unwrapped text -------------------------------------------------------------


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
        from textual._context import active_app

        console = active_app.get().console
        strips = []
        for line in self.lines if height is None else self.lines[:height]:
            if line.cell_len > width:
                line = line.copy()
                line.truncate(width, overflow="ellipsis")
            segments = Segment.apply_style(line.render(console, end=""), base)
            strips.append(Strip(segments))
        self._cache = (key, strips)
        return strips
