"""The cost per epoch: a sparkline and the current value."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.containers import Vertical
from textual.reactive import var
from textual.widgets import Sparkline, Static

from ..state import View
from ..view import DIM, fmt

if TYPE_CHECKING:  # annotations only: the app's first frame does not wait for the engine (numpy)
    from ...core import Session

MAX_POINTS = 400  # the sparkline buckets anyway; a long history is sampled evenly


class CostPanel(Vertical):
    view: var[View | None] = var(None)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple | None = None  # what the panel on show was drawn from

    def compose(self):
        yield Sparkline([], id="cost-spark")
        yield Static(id="cost-text")

    def on_mount(self) -> None:
        self.border_title = "Cost J per epoch"

    def watch_view(self, view: View | None) -> None:
        if view is not None:
            self._show(view.session, view.decimals, view.cost_hidden, view.can_train)

    def _show(self, session: Session, decimals: int, hide_current: bool = False, can_train: bool = True) -> None:
        """`hide_current`: quiz mode, this epoch's J is not shown before its cost step is answered.
        `can_train`: false when a lesson locks `t` (the panel does not offer it then)."""
        costs = session.costs
        epoch = session.position.epoch
        key = (len(costs), costs[-1] if costs else None, epoch, decimals, hide_current, can_train)
        if key == self._shown:  # the history grows only when an epoch is computed
            return
        self._shown = key
        if hide_current:
            costs = costs[: epoch - 1]
        step = max(1, len(costs) // MAX_POINTS)
        data = costs[::step] if step > 1 else list(costs)
        if costs and data[-1] is not costs[-1]:
            data.append(costs[-1])
        spark = self.query_one("#cost-spark", Sparkline)
        spark.data = data
        spark.display = len(data) > 1
        t = Text(no_wrap=True, overflow="ellipsis")
        current = costs[epoch - 1] if 0 < epoch <= len(costs) else None
        t.append("J = ", style="bold")
        t.append(fmt(current, max(decimals, 4)) if current is not None else "?" if hide_current else "—", style="bold")
        t.append(f"  at epoch {epoch}", style=DIM)
        if hide_current and len(costs) <= 1:
            t.append("\n")
            t.append("quiz: J is shown once you have predicted it", style=DIM)
        elif len(costs) <= 1:
            t.append("\n")
            t.append("one epoch so far; t trains more" if can_train else "one epoch so far", style=DIM)
        else:
            t.append("\n")
            t.append(f"epoch 1: {fmt(costs[0], max(decimals, 4))}", style=DIM)
            t.append(f" → {len(costs)}: {fmt(costs[-1], max(decimals, 4))}", style=DIM)
        self.query_one("#cost-text", Static).update(t)
