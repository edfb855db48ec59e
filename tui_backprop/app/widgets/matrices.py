"""The step's input matrices and its output matrices side by side, each titled by name and shape.

No Rich tables or panels and no widget per matrix: each matrix is a small box of
lines (lists of (text, style) pieces) with box-drawing borders, boxes are laid side
by side by joining their lines and wrapped into rows that fit the panel's width. The
panel is a Line API widget: it draws only the lines on screen, scrolls when the
drawing is bigger than it, and its scrollable size stays the same while the drawing
fits, so stepping needs no new layout. Only the cells shown are formatted (a
256-row batch costs what a 4-row one does), and a step's drawing is cached, so
stepping back and forth re-draws nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text
from textual import events
from textual.actions import SkipAction
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...i18n import N_, _
from ...notation import EXACT_ZERO, dims, display_name
from ..state import View
from ..view import DIM, PLAIN, Palette, Piece, matrix_view, style
from .scrolling import SCROLL_BINDINGS, ScrollCue
from .zoom import chain_lines, expansion_lines

if TYPE_CHECKING:  # annotations only: the app's first frame does not wait for the engine (numpy)
    import numpy as np

    from ...core import Session, Step

ROUNDED = ("╭", "─", "╮", "│", "╰", "╯")
HEAVY = ("┏", "━", "┓", "┃", "┗", "┛")
CACHE_SIZE = 64  # steps' texts kept (a few epochs' worth of ← →)
NO_OBSERVATIONS = N_(
    "Per observation: at a layer's backward addGate and mulGate, where ∂J/∂b and ∂J/∂W add up the batch."
)  # shown through _()
MAX_OBSERVATIONS = 32  # per-observation boxes drawn (a batch of up to 32 in full); the rest are counted


class Box:
    """One titled matrix: its lines (lists of pieces), all `width` cells wide."""

    __slots__ = ("lines", "width")

    def __init__(self, lines: list[list[Piece]], width: int) -> None:
        self.lines, self.width = lines, width

    @property
    def height(self) -> int:
        return len(self.lines)


def shown_size(narrow: bool) -> tuple[int, int]:
    """The rows and columns of a matrix the panel shows (the rest are counted: `… 4 more rows`)."""
    return (8, 5) if narrow else (12, 6)


def step_matrices(step: Step) -> list[tuple[list[tuple[str, np.ndarray]], list[tuple[str, np.ndarray]]]]:
    """Per operation of the step: its input boxes (the step's context first) and its result, as (label, matrix)."""
    context = [(display_name(n), a) for n, a in step.context.items()]
    return [
        (([*context] if k == 0 else []) + [(o.symbol, o.entered) for o in op.operands], [(op.symbol, op.value)])
        for k, op in enumerate(step.operations)
    ]


def _piece_len(line: list[Piece]) -> int:
    return cell_len("".join([s for s, _ in line]))


def matrix_box(
    title: str, body: list[list[Piece]], written: bool, colour: str, caption: str = "", frame: str = ""
) -> Box:
    """A bordered box: the title in the top border (left), the caption in the bottom one, one space of
    padding either side."""
    title_len, caption_len = cell_len(title), cell_len(caption)
    widths = [_piece_len(line) for line in body]
    inner = max(widths + [title_len + 2, caption_len + 2])
    width = inner + 4  # border + padding
    tl, h, tr, v, bl, br = HEAVY if written else ROUNDED
    border = style("bold", colour) if written else frame
    top = f"{tl}{h} {title} {h * (width - title_len - 5)}{tr}"
    lines: list[list[Piece]] = [[(top, border)]]
    for line, used in zip(body, widths):
        pad = inner - used
        lines.append([(f"{v} ", border), *line, (" " * pad + " ", ""), (v, border)])
    if caption:
        rest = h * (width - caption_len - 5)
        lines.append([(f"{bl}{h} ", border), (caption, "italic " + DIM), (f" {rest}{br}", border)])
    else:
        lines.append([(f"{bl}{h * (width - 2)}{br}", border)])
    return Box(lines, width)


def _arrowed(box: Box, colour: str) -> Box:
    """The arrow into the first output, centred beside it (it travels with the box when rows wrap)."""
    mid = (box.height - 1) // 2
    lines = [
        [("─▶ " if y == mid else "   ", style("bold", colour) if y == mid else ""), *line]
        for y, line in enumerate(box.lines)
    ]
    return Box(lines, box.width + 3)


def _join_row(boxes: list[Box]) -> list[list[Piece]]:
    """Boxes side by side, one space apart, each centred vertically in the row."""
    height = max(b.height for b in boxes)
    out: list[list[Piece]] = [[] for _ in range(height)]
    for i, b in enumerate(boxes):
        top = (height - b.height) // 2
        blank = [(" " * b.width, "")]
        for y in range(height):
            row = out[y]
            if i:
                row.append((" ", ""))
            inside = 0 <= y - top < b.height
            row.extend(b.lines[y - top] if inside else blank)
    return out


class Drawing:
    """A step's matrices: the lines as pieces, as a Rich `Text` (what `content` gives) and, drawn lazily, as strips."""

    __slots__ = ("lines", "_text", "size", "_strips", "_base", "result_at", "results", "zoom_at")

    def __init__(
        self, lines: list[list[Piece]], result_at: int = -1, results: str = "", zoom_at: int | None = None
    ) -> None:
        self.zoom_at = zoom_at  # the first line of the zoom under the matrices, if any
        self.result_at, self.results = result_at, results  # the first result's top line; the results' names
        for i, line in enumerate(lines):  # trailing blank pieces (short boxes at the end of a row) are left out
            while line and not line[-1][0].strip():
                line = line[:-1]
            lines[i] = line
        self.lines = lines
        self._text: Text | None = None
        self.size = Size(max((_piece_len(line) for line in lines), default=0), len(lines))
        self._strips: list[Strip | None] = []
        self._base: Style | None = None

    @property
    def text(self) -> Text:
        """The drawing as one Rich Text (made when asked for: the screen draws from the pieces)."""
        if self._text is None:
            self._text = _to_text(self.lines)
        return self._text

    def strip(self, y: int, base: Style) -> Strip:
        """Line y, uncropped, on the widget's base style (cached until that style changes)."""
        if base != self._base:
            self._base, self._strips = base, [None] * len(self.lines)
        strip = self._strips[y]
        if strip is None:
            strip = self._strips[y] = Strip([Segment(s, _style(base, style)) for s, style in self.lines[y]])
        return strip


_STYLES: dict[tuple[Style, str], Style] = {}


def _clickable(body: list[list[Piece]], k: int, max_cols: int) -> list[list[Piece]]:
    """The same lines, each cell of the matrix carrying (operation, i, j) as style meta for a click
    (separators and the '…' of elided rows and columns carry nothing)."""
    out = []
    for i, line in enumerate(body):
        j, new = 0, []
        for text, piece in line:
            if j < max_cols and text.strip() and not text.strip().startswith("…"):
                meta = Style(meta={"entry": (k, i, j)})
                new.append((text, Style.parse(piece) + meta if piece else meta))
                j += 1
            else:
                new.append((text, piece))
        out.append(new)
    return out


def _wrap(boxes: list[Box], available: int) -> list[list[Piece]]:
    """Boxes in rows that fit `available` columns."""
    lines: list[list[Piece]] = []
    row: list[Box] = []
    used = 0
    for box in boxes:
        if row and used + box.width + 1 > available:
            lines += _join_row(row)
            row, used = [], 0
        row.append(box)
        used += box.width + 1
    if row:
        lines += _join_row(row)
    return lines


def _style(base: Style, style: str) -> Style:
    key = (base, style)
    out = _STYLES.get(key)
    if out is None:
        if len(_STYLES) > 512:
            _STYLES.clear()
        out = _STYLES[key] = base + (style if isinstance(style, Style) else Style.parse(style)) if style else base
    return out


def _to_text(lines: list[list[Piece]]) -> Text:
    parts: list[str] = []
    spans: list[Span] = []
    offset = 0
    for y, line in enumerate(lines):
        if y:
            parts.append("\n")
            offset += 1
        for s, piece_style in line:
            n = len(s)
            if piece_style and n:
                spans.append(Span(offset, offset + n, piece_style))
            parts.append(s)
            offset += n
    return Text("".join(parts), no_wrap=True, overflow="crop", spans=spans)


class MatricesPanel(ScrollCue, ScrollView, can_focus=True, inherit_bindings=False):
    """A Line API widget: only the lines on screen are drawn, and its size never depends on the step
    (a scroll container of auto-sized content would lay the screen out twice per step).

    When the step's result is below what the panel shows, its bottom border names it."""

    # ← → step, and move the entry cursor while it is on, as ↑ ↓ do (which otherwise scroll).
    BINDINGS = [
        Binding("left", "cursor(0, -1)", N_("Entry left"), show=False),
        Binding("right", "cursor(0, 1)", N_("Entry right"), show=False),
        Binding("up", "cursor(-1, 0)", N_("Entry up / scroll up"), show=False),
        Binding("down", "cursor(1, 0)", N_("Entry down / scroll down"), show=False),
        Binding("escape", "leave_cursor", N_("Leave the entry"), show=False),
        *(b for b in SCROLL_BINDINGS if b.key not in ("up", "down")),
    ]
    view: var[View | None] = var(None)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._step: Step | None = None
        self._decimals = 3
        self._colours: Palette = PLAIN
        self._hide_outputs = False
        self._width = -1  # the width the drawing on show was laid out for
        self._shown: tuple | None = None  # its cache key
        self._drawing: Drawing | None = None
        self._base: Style | None = None
        self._cache: OrderedDict[tuple, tuple[Step, Drawing]] = OrderedDict()
        self.max_rows = 12
        self.max_cols = 6
        self._steps: list[Step] = []
        self._session: Session | None = None
        self.cursor: tuple[int, int, int] | None = None  # (operation, i, j) of the step's results, 0-based
        self.chain_on = False  # the chain from J under the expansion
        self.observations_on = False  # each observation's contribution at the parameter gradients
        self._differs: frozenset[tuple[int, str, int, int]] = frozenset()  # compare: marked in both panes

    def on_mount(self) -> None:
        self.border_title = _("Matrices")

    @property
    def content(self) -> Text:
        """What the panel shows, as one Rich Text."""
        return self._drawing.text if self._drawing is not None else Text()

    def watch_view(self, view: View | None) -> None:
        """Quiz mode hides the results (boxes with '?') until the student answers."""
        if view is None:
            return
        if view.step is not self._step and self.cursor is not None:
            self.cursor = (0, 0, 0)  # a new step: the cursor starts again on its first entry
        self._step, self._decimals, self._hide_outputs = view.step, view.decimals, view.hidden
        self._session = view.session
        self._differs = view.differs
        self._steps = view.session.epoch_pass(view.step.epoch)[2]
        self._colours = view.colours
        self.max_rows, self.max_cols = shown_size(view.narrow)
        self._render_step()

    # --- the entry cursor -------------------------------------------------------------------------

    @property
    def entry(self) -> tuple[str, int, int] | None:
        """The entry under the cursor: (result, i, j), 0-based."""
        if self.cursor is None or self._step is None:
            return None
        k, i, j = self.cursor
        return self._step.operations[k].result, i, j

    def toggle_cursor(self, on: bool | None = None) -> None:
        on = self.cursor is None if on is None else on
        self.cursor = (0, 0, 0) if on and self.cursor is None else self.cursor if on else None
        if not on:
            self.chain_on = False
        self.focus()
        self._render_step()

    def put_cursor(self, k: int, i: int, j: int) -> None:
        self.cursor = (k, i, j)
        self.focus()
        self._render_step()

    def toggle_chain(self) -> None:
        self.chain_on = not self.chain_on
        if self.chain_on and self.cursor is None:
            self.cursor = (0, 0, 0)
        self.focus()
        self._render_step()

    def toggle_observations(self) -> None:
        self.observations_on = not self.observations_on
        self._render_step()

    def action_cursor(self, di: int, dj: int) -> None:
        if self.cursor is None or self._step is None:
            if di:  # no cursor: ↑ ↓ scroll as before
                (self.action_scroll_up if di < 0 else self.action_scroll_down)()
                return
            raise SkipAction()  # ← → step
        k, i, j = self.cursor
        ops = self._step.operations
        rows, cols = ops[k].shape
        i, j = i + di, max(0, min(cols - 1, j + dj))
        if i < 0 and k > 0:  # up from the first row: the last row of the result before
            k -= 1
            i = ops[k].shape[0] - 1
        elif i >= rows and k + 1 < len(ops):
            k, i = k + 1, 0
        i = max(0, min(ops[k].shape[0] - 1, i))
        self.cursor = (k, i, min(j, ops[k].shape[1] - 1))
        self._render_step()

    def action_leave_cursor(self) -> None:
        if self.cursor is None:
            raise SkipAction()
        self.toggle_cursor(False)

    def on_click(self, event: events.Click) -> None:
        entry = event.style.meta.get("entry")
        if entry is not None and not self._hide_outputs:
            self.put_cursor(*entry)

    def on_resize(self) -> None:
        # Only a new width changes how the boxes wrap; a new height (the explanation under this panel
        # grows or shrinks with its text) only changes how much is visible.
        if self._step is not None and self._available() != self._width:
            self._render_step()
        elif self._drawing is not None:
            self._set_virtual_size(self._virtual_size())

    def _set_virtual_size(self, size: Size) -> None:
        self.virtual_size = size
        # Private API, as Textual's own TextArea uses it: in Textual 8.2.8 a ScrollView refreshes its
        # scrollbars only when its own size changes, and no public call updates them for a new virtual size.
        self._refresh_scrollbars()

    def _available(self) -> int:
        return max(self.size.width - 2, 40) if self.size.width else 10**6

    def _render_step(self) -> None:
        step = self._step
        assert step is not None
        available = self._available()
        zoom = (self.cursor, self.chain_on, self.observations_on) if not self._hide_outputs else None
        key = (
            id(step),
            self._decimals,
            self._hide_outputs,
            available,
            self.max_rows,
            self.max_cols,
            self._colours,
            zoom,
            self._differs,
        )
        self._width = available
        if key == self._shown:
            return
        hit = self._cache.get(key)
        if hit is not None and hit[0] is step:
            self._cache.move_to_end(key)
            drawing = hit[1]
        else:
            drawing = self.drawing_of(step, available)
            zoom_lines = self._zoom_lines(step, available) if not self._hide_outputs else []
            if zoom_lines:
                drawing = Drawing(drawing.lines + zoom_lines, drawing.result_at, drawing.results, len(drawing.lines))
            self._cache[key] = (step, drawing)
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        self._shown = key
        before, self._drawing = self._drawing, drawing
        virtual = self._virtual_size()
        if drawing.zoom_at is not None and self.cursor is not None:
            self.call_after_refresh(self._show_zoom, drawing)
        if virtual != self.virtual_size:
            self._set_virtual_size(virtual)  # a new layout, and the whole panel is repainted
            self.update_cue()
            return
        self.update_cue()
        # The same scrollable size: repaint only the rows where either drawing has lines, no layout.
        scroll_y = round(self.scroll_y)
        rows = min(self.size.height, max(drawing.size.height, before.size.height if before else 0) - scroll_y)
        if rows > 0:
            self.refresh(Region(0, 0, self.size.width, rows))

    def _show_zoom(self, drawing: Drawing) -> None:
        """Scroll the expansion under the matrices into view (a short panel shows the matrices' top only)."""
        if drawing is self._drawing and drawing.zoom_at is not None:
            lines = min(self.size.height, drawing.size.height - drawing.zoom_at)
            self.scroll_to_region(Region(0, drawing.zoom_at, 1, max(lines, 1)), animate=False, x_axis=False)

    def _virtual_size(self) -> Size:
        """The drawing's size, but never less than the viewport less its scrollbars: while the drawing fits,
        the scrollable size stays the same from step to step, and stepping needs no new layout."""
        if self._drawing is None:
            return Size(0, 0)
        width, height = self._drawing.size
        styles = self.styles
        return Size(
            max(width, self.size.width - styles.scrollbar_size_vertical),
            max(height, self.size.height - styles.scrollbar_size_horizontal),
        )

    def render_lines(self, crop):
        self._base = self.rich_style  # once per pass, not once per line (it walks the ancestors)
        try:
            return super().render_lines(crop)
        finally:
            self._base = None

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        base = self._base or self.rich_style
        drawing = self._drawing
        y += scroll_y
        if drawing is None or y >= len(drawing.lines):
            return Strip.blank(width, base)
        return drawing.strip(y, base).crop_extend(scroll_x, scroll_x + width, base)

    def _box(
        self,
        label: str,
        a: np.ndarray,
        written: bool,
        colour: str,
        marks=frozenset(),
        result: int | None = None,
        flags: dict[tuple[int, int], Piece] | None = None,
    ) -> Box:
        if written and self._hide_outputs:
            body: list[list[Piece]] = [[("?  " + _("(your answer first)"), "bold")]]
            title = f"✎ {label}  ?×?"
        else:
            view = matrix_view(a, self._decimals, self.max_rows, self.max_cols, written, self._colours, marks, flags)
            body = view.lines
            if result is not None:  # a click on a result's entry puts the cursor there
                body = _clickable(body, result, self.max_cols)
            title = f"{'✎ ' if written else ''}{label}  {dims(a.shape)}"
            if view.scale:
                title += f"  {view.scale}"
            return matrix_box(
                title, body, written, colour, _(EXACT_ZERO) if view.exact_zero else "", self._colours.frame
            )
        return matrix_box(title, body, written, colour, frame=self._colours.frame)

    def below(self) -> str:
        drawing = self._drawing
        # The result is announced until its top border and first row are on screen.
        bottom = round(self.scroll_y) + self.scrollable_content_region.height
        if drawing is not None and drawing.result_at >= 0 and drawing.result_at + 2 > bottom:
            return _("{results} below").format(results=drawing.results)
        return super().below()

    def drawing_of(self, step: Step, available: int) -> Drawing:
        colour = self._colours.phase(step.phase)
        groups = step_matrices(step)
        if self._hide_outputs:  # quiz mode: the matrices as stored, no transposes (how they enter is asked)
            stored = [(display_name(n), a) for n, a in step.inputs.items()]
            groups = [(stored, [(op.symbol, op.value) for op in step.operations])]
        marks = self._marks(step)
        flags, legend = self._flow_flags(step)
        lines: list[list[Piece]] = []
        result_at = -1
        for k, (inputs, outputs) in enumerate(groups):
            items = [
                self._box(n, a, False, colour, marks.get((k, n), frozenset()), flags=flags.get((k, n)))
                for n, a in inputs
            ]
            written = [self._box(n, a, True, colour, marks.get((k, n), frozenset()), k) for n, a in outputs]
            if written:  # the arrow travels with the first output when rows wrap
                written[0] = _arrowed(written[0], colour)
            first = written[0] if written and result_at < 0 else None
            items += written
            row: list[Box] = []
            used = 0
            for box in items + [None]:
                if row and (box is None or used + box.width + 1 > available):
                    if first in row:  # _join_row centres each box in its row
                        result_at = len(lines) + (max(b.height for b in row) - first.height) // 2
                    lines += _join_row(row)
                    row, used = [], 0
                if box is not None:
                    row.append(box)
                    used += box.width + 1
        if legend:
            lines.append(legend)
        names = ", ".join(f"✎ {op.symbol}" for op in step.operations)
        return Drawing(lines, result_at, names)

    def _flow_flags(self, step: Step) -> tuple[dict[tuple[int, str], dict[tuple[int, int], Piece]], list[Piece]]:
        """At an f' step, the entries of f'(z) the gradient hardly gets through (core/diagnostics.py): saturated
        ones (░) and every entry of a dead relu unit (✕), by (operation, symbol); and their legend line."""
        at = step.kind.fprime_at
        if at is None or self._session is None:
            return {}, []
        from ...core.diagnostics import SATURATED_BELOW, gradient_flow

        flow = gradient_flow(self._session.net, self._session.epoch_pass(step.epoch)[1])[step.layer - 1]
        fprime = step.operations[0].operands[at]
        saturated, dead = ("░", self._colours.wrong), ("✕", style("bold", self._colours.wrong))
        cells: dict[tuple[int, int], Piece] = {}
        if flow.saturated is not None:
            cells.update(((int(i), int(j)), saturated) for i, j in zip(*flow.saturated.nonzero()))
        dead_columns = [int(j) for j in flow.dead[0].nonzero()[0]]
        cells.update(((i, j), dead) for j in dead_columns for i in range(fprime.matrix.shape[0]))
        if not cells:
            return {}, []
        legend: list[Piece] = []
        if any(flag is saturated for flag in cells.values()):
            legend += [
                (" ░", saturated[1]),
                (" " + _("saturated: f′ < {percent} of its max").format(percent=f"{SATURATED_BELOW * 100:g} %"), DIM),
            ]
        if dead_columns:
            legend += [
                ("  ·" if legend else "", DIM),
                (" ✕", dead[1]),
                (" " + _("dead unit: relu′ = 0 for the whole batch"), DIM),
            ]
        return {(0, fprime.symbol): cells}, legend

    def _marks(self, step: Step) -> dict[tuple[int, str], frozenset[tuple[int, int]]]:
        """(operation, operand or result symbol) → the entries to reverse, as they enter: the cursor's entry
        and the entries of the operands its expansion multiplies."""
        if self.cursor is None or self._hide_outputs:
            return self._differ_marks()
        k, i, j = self.cursor
        op = step.operations[k]
        e = op.expand(i, j)
        out = {(k, op.symbol): frozenset({(i, j)})}
        for o in op.operands:
            if e.terms is None:  # the cost (and entries given directly): every entry of its operands
                cells = {(r, c) for r in range(o.shape[0]) for c in range(o.shape[1])}
            else:
                stored = {f.index for t in e.terms for f in t.factors if f.name == o.name}
                cells = {(c, r) if o.transposed else (r, c) for r, c in stored}
            out[(k, o.symbol)] = frozenset(cells)
        return out

    def _differ_marks(self) -> dict[tuple[int, str], frozenset[tuple[int, int]]]:
        """The view's entries that differ from the other side's (compare), reversed as the cursor's are."""
        out: dict[tuple[int, str], set[tuple[int, int]]] = {}
        for k, label, i, j in self._differs:
            out.setdefault((k, label), set()).add((i, j))
        return {key: frozenset(cells) for key, cells in out.items()}

    def _zoom_lines(self, step: Step, available: int) -> list[list[Piece]]:
        """Under the matrices: the cursor's expansion, its chain from J, each observation's contribution."""
        from ...core.zoom import chain, chain_names

        out: list[list[Piece]] = []
        if self.cursor is not None:
            k, i, j = self.cursor
            op = step.operations[k]
            out += [[], *expansion_lines(op.expand(i, j), self._decimals, available)]
            if self.chain_on:
                c = chain(self._steps, op.result, i, j) if op.result in chain_names(self._steps) else None
                out += [[], *chain_lines(c, self._steps, self._decimals, self._colours.backward)]
        if self.observations_on:
            out += [[], *self._observation_lines(step, available)]
        return out

    def _observation_lines(self, step: Step, available: int) -> list[list[Piece]]:
        """Each observation's own ∂J/∂W (or ∂J/∂b) as a box, and the batch gradient as their sum or mean."""
        from ...core.zoom import observation_contributions

        parts = observation_contributions(self._steps, step)
        if not parts:
            return [[(_(NO_OBSERVATIONS), "italic")]]
        colour = self._colours.phase(step.phase)
        out: list[list[Piece]] = []
        for name, each, batch, mean in parts:
            m = len(each)
            how = (
                _("their mean, as the cost is an average (1/m = 1/{m})").format(m=m)
                if mean
                else _("their sum, as the cost is a sum: the row of ones 1ᵀ made visible")
            )
            out.append(
                [(_("{name} observation by observation: {how}").format(name=display_name(name), how=how), "bold")]
            )
            boxes = [self._box(f"i={n + 1}", a, False, colour) for n, a in enumerate(each[:MAX_OBSERVATIONS])]
            if m > MAX_OBSERVATIONS:
                more = _("… {n} more").format(n=m - MAX_OBSERVATIONS)
                boxes.append(Box([[(more, DIM)]], cell_len(more)))
            combined = _("mean") if mean else "Σ"
            total = self._box(f"{combined} = {display_name(name)}", batch, True, colour)
            out += _wrap([*boxes, _arrowed(total, colour)], available)
        return out
