"""The compare screen's panels: its header, a side's label, and one cost plot with both curves.

Each side's step and matrices are the main screen's StepPanel and MatricesPanel, bound to that side's
view; the entries that differ between the sides are computed here and marked by the matrices panel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.containers import Vertical
from textual.reactive import var
from textual.widgets import Static

from ...i18n import N_, _
from ...notation import count, phase_word
from ..state import View
from ..view import DIM, LinesVisual, fmt, shown_differences, style
from .canvas import Chart, line_chart
from .cost import MAX_POINTS, cost_step
from .matrices import MatricesPanel, shown_size, step_matrices

if TYPE_CHECKING:
    from ...core import Session, Step

# How each side's curve is drawn: a solid line for A, a dotted one for B (told apart without colour).
CURVES = {"a": ("━━", 1), "b": ("┅┅", 4)}
# Shown through _().
MARK_LEGEND = N_("reversed entries differ between A and B at the decimals shown: {n} here")
NO_MARKS = N_("reversed entries differ between A and B at the decimals shown: none here")


Marks = frozenset[tuple[int, str, int, int]]


def step_differences(a: Step, b: Step, decimals: int, narrow: bool = False) -> tuple[Marks, Marks]:
    """Each side's (operation, box label, row, col) of every entry whose written value differs from the
    other side's.

    Operations are paired by their result (momentum's and Adam's updates have more operations than plain
    gradient descent's: new W1 is paired with new W1), their boxes by label; a box one side lacks (Adam's
    moments) is not compared. Only the entries a pane shows are compared (fewer when `narrow`)."""
    rows, cols = shown_size(narrow)
    ga, gb = step_matrices(a), step_matrices(b)
    theirs = {outputs[0][0]: k for k, (_, outputs) in enumerate(gb)}
    out_a, out_b = set(), set()
    for ka, (inputs, outputs) in enumerate(ga):
        kb = theirs.get(outputs[0][0])
        if kb is None:
            continue
        other = dict(gb[kb][0] + gb[kb][1])
        for label, m in inputs + outputs:
            if label in other:
                cells = shown_differences(m, other[label], decimals, rows, cols)
                out_a |= {(ka, label, i, j) for i, j in cells}
                out_b |= {(kb, label, i, j) for i, j in cells}
    return frozenset(out_a), frozenset(out_b)


class PaneMatrices(MatricesPanel):
    """A side's matrices: the differences are what its reversed entries mean here, so a click does not put
    the main screen's zoom cursor (reversed too) on them."""

    def on_click(self, event: events.Click) -> None:
        event.prevent_default()


class CompareHeader(Static):
    """Line 1: what differs, and where both stand; line 2: what the marks mean."""

    left: var[View | None] = var(None)
    status: var[str] = var("")

    def __init__(self, differences: list[str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.differences = differences
        self.text_plain = ""

    def watch_left(self) -> None:
        self._draw()

    def watch_status(self) -> None:
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        view = self.left
        if view is None:
            return
        pos, colours = view.session.position, view.colours
        right = Text("  ", no_wrap=True)
        if self.status:
            right.append(self.status, style=style("italic", colours.status))
            right.append("  ·  ", style=DIM)
        where = (
            _("epoch {epoch}").format(epoch=count(pos.epoch)),
            _("step {k}/{n}").format(k=pos.index, n=view.session.n_steps),
        )
        right.append("  ·  ".join(where) + "  ·  ")
        phase = view.step.phase
        right.append(f" {phase_word(phase).upper()} ", style=style("bold reverse", colours.phase(phase)))
        left = Text(no_wrap=True, overflow="ellipsis")
        left.append("A | B  ", style="bold")
        left.append("  ·  ".join(self.differences) or _("the same settings"), style=style("bold", colours.status))
        # What differs is cut with … to leave room for where both stand, flush right.
        room = self.size.width - right.cell_len
        if room > 0:
            left.truncate(room, overflow="ellipsis", pad=True)
        else:
            left = Text(" ")
        n = len(view.differs)
        said = _(MARK_LEGEND).format(n=count(n)) if n else _(NO_MARKS)
        legend = Text(said, style=DIM, no_wrap=True, overflow="ellipsis")
        t = Text.assemble(left, right, "\n", legend)
        self.text_plain = t.plain
        self.update(LinesVisual(t), layout=False)


class SideLabel(Static):
    """A pane's first line: its side's letter and what it runs."""

    def __init__(self, side: str, title: str, **kwargs) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f" {side} ", style="bold reverse")
        text.append(f" {CURVES[side.lower()][0]} ", style=DIM)  # its curve in the cost plot
        text.append(title, style="bold")
        super().__init__(LinesVisual(text), **kwargs)


def _sampled(costs: list[float], hide: int | None) -> list[tuple[int, float]]:
    """(epoch, J) evenly sampled to MAX_POINTS, the last kept; epoch `hide` (not computed yet) left out."""
    known = [(e, c) for e, c in enumerate(costs, start=1) if e != hide]
    data = known[:: max(1, len(known) // MAX_POINTS)]
    if known and known[-1] not in data:
        data.append(known[-1])
    return data


class PairCostChart(Chart):
    """Both sides' J against the epoch, A solid, B dotted; ▲ marks the epoch both stand at."""

    COMPONENT_CLASSES = {"chart--axis", "chart--a", "chart--b", "chart--mark"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.curves: dict[str, list[tuple[int, float]]] = {"a": [], "b": []}
        self.current = 1
        self.log_scale = False
        self.decimals = 3

    def plot(self, curves: dict[str, list[tuple[int, float]]], current: int, log: bool, decimals: int) -> None:
        self.curves, self.current, self.log_scale, self.decimals = curves, current, log, decimals
        self.refresh()

    def draw(self, width: int, height: int) -> Text:
        costs = [c for data in self.curves.values() for _, c in data]
        log = self.log_scale and any(c > 0 for c in costs)
        values = [c for c in costs if c > 0] if log else costs
        lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
        if not log:
            lo = min(lo, 0.0)
        last = max([e for data in self.curves.values() for e, _ in data] + [self.current, 2])
        digits = max(self.decimals, 2)
        # B first: where the curves share a cell, A's solid line keeps its colour and B's dots still show.
        series = [
            (side, [e for e, _ in data], [c for _, c in data], CURVES[side][1])
            for side, data in reversed(self.curves.items())
        ]
        return line_chart(
            width,
            height,
            series,
            (1, last),
            (lo, hi if hi > lo else lo + 1.0),
            lambda name: self.style_of(f"chart--{name}") if name else None,
            log=log,
            x_labels=[(1, "1"), (last, str(last))],
            marks=[(self.current, "▲")],
            guides=False,  # a dotted guide would read as B's curve
            y_fmt=lambda v: fmt(v, digits) if abs(v) >= 10**-digits or v == 0 else f"{v:.1e}",
        )


class PairCostPanel(Vertical):
    left: var[View | None] = var(None)
    right: var[View | None] = var(None)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.log_scale = False

    def compose(self):
        yield PairCostChart(id="cmp-cost-chart")
        yield Static(id="cmp-cost-text")

    def on_mount(self) -> None:
        self.border_title = _("Cost J per epoch: A and B")

    def watch_left(self) -> None:
        self._draw()

    def watch_right(self) -> None:
        self._draw()

    def toggle_log(self) -> bool:
        self.log_scale = not self.log_scale
        self._draw()
        return self.log_scale

    def _draw(self) -> None:
        if self.left is None or self.right is None:
            return
        views = {"a": self.left, "b": self.right}
        epoch = self.left.session.position.epoch
        curves = {side: _sampled(v.session.costs, self._unknown(v.session)) for side, v in views.items()}
        decimals = self.left.decimals
        self.query_one(PairCostChart).plot(curves, epoch, self.log_scale, decimals)
        digits = max(decimals, 4)
        t = Text(no_wrap=True, overflow="ellipsis")
        for side, v in views.items():
            s = v.session
            known = self._unknown(s) is None and epoch <= len(s.costs)
            t.append(f"{CURVES[side][0]} {side.upper()}: ", style="bold")
            t.append(f"J = {fmt(s.costs[epoch - 1], digits)}" if known else "J = —", style="bold")
            if s.diverged is not None:
                t.append(_(" (diverged at epoch {epoch})").format(epoch=count(s.diverged.epoch)), style=DIM)
            t.append("    ")
        t.append(_("at epoch {epoch}").format(epoch=count(epoch)) + " ▲", style=DIM)
        self.query_one("#cmp-cost-text", Static).update(t)
        self.border_subtitle = _("log scale · s: linear") if self.log_scale else _("s: log scale")

    @staticmethod
    def _unknown(session: Session) -> int | None:
        """This epoch, before its cost step: its J is not computed yet on screen."""
        return session.position.epoch if session.position.index < cost_step(session) else None
