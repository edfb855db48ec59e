"""The step's input matrices and its output matrices side by side, each titled by name and shape.

Rendered as one Rich renderable (no widgets mounted per step), wrapped into rows
that fit the panel's width; the panel scrolls when that is still too big. Only
the cells on screen are formatted, so a 256-row batch costs what a 4-row one does.
"""

from __future__ import annotations

import numpy as np
from rich import box
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.widgets import Static

from ...core import Step
from ...notation import display_name
from ..view import PHASE_STYLE, dims, matrix_text


class MatricesPanel(ScrollableContainer, can_focus=True, inherit_bindings=False):
    # Arrows ← →, Home and End belong to the stepper; the panel scrolls with these.
    BINDINGS = [
        Binding("up", "scroll_up", "Scroll up", show=False),
        Binding("down", "scroll_down", "Scroll down", show=False),
        Binding("shift+left", "scroll_left", "Scroll left", show=False),
        Binding("shift+right", "scroll_right", "Scroll right", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._step: Step | None = None
        self._decimals = 3
        self._hide_outputs = False
        self.max_rows = 12
        self.max_cols = 6

    def compose(self):
        yield Static(id="matrices-body")

    def on_mount(self) -> None:
        self.border_title = "Matrices"

    def show(self, step: Step, decimals: int, hide_outputs: bool = False) -> None:
        """`hide_outputs`: quiz mode, the results are boxes with '?' until the student answers."""
        self._step, self._decimals, self._hide_outputs = step, decimals, hide_outputs
        self._render_step()

    def on_resize(self) -> None:
        if self._step is not None:
            self._render_step()

    def _box(self, name: str, a: np.ndarray, written: bool, colour: str) -> tuple[Panel, int]:
        if written and self._hide_outputs:
            body = Text("?  (your answer first)", style="bold")
            title = f"✎ {display_name(name)}  ?×?"
        else:
            body = matrix_text(a, self._decimals, self.max_rows, self.max_cols, written=written)
            title = f"{'✎ ' if written else ''}{display_name(name)}  {dims(a)}"
        inner = max([body.cell_len for body in body.split("\n")] + [len(title) + 2])
        width = inner + 4  # border + padding
        panel = Panel(
            body, title=title, title_align="left", width=width, padding=(0, 1),
            box=box.HEAVY if written else box.ROUNDED,
            border_style=f"bold {colour}" if written else "#808080",
        )
        return panel, width

    def _render_step(self) -> None:
        step = self._step
        assert step is not None
        colour = PHASE_STYLE.get(step.phase, "")
        groups: list[tuple[list[tuple[str, np.ndarray]], list[tuple[str, np.ndarray]]]]
        if step.phase == "update":
            # One row per parameter: old value and its gradient → the new value.
            groups = []
            for name, new in step.outputs.items():
                groups.append(([(name, step.inputs[name]), (f"dJ_d{name}", step.inputs[f"dJ_d{name}"])], [(name, new)]))
        else:
            groups = [(list(step.inputs.items()), list(step.outputs.items()))]
        available = max(self.size.width - 2, 40) if self.size.width else 10**6
        rows: list[Table] = []
        for inputs, outputs in groups:
            items: list[tuple[object, int]] = [self._box(n, a, False, colour) for n, a in inputs]
            written = [self._box(n, a, True, colour) for n, a in outputs]
            if written:  # the arrow travels with the first output when rows wrap
                first, width = written[0]
                written[0] = (_row([Text("─▶", style=f"bold {colour}"), first]), width + 3)
            items += written
            line: list[object] = []
            used = 0
            for renderable, width in items:
                if line and used + width + 1 > available:
                    rows.append(_row(line))
                    line, used = [], 0
                line.append(renderable)
                used += width + 1
            if line:
                rows.append(_row(line))
        self.query_one("#matrices-body", Static).update(Group(*rows))


def _row(cells: list[object]) -> Table:
    grid = Table.grid(padding=(0, 1))
    for _ in cells:
        grid.add_column(vertical="middle")
    grid.add_row(*cells)
    return grid
