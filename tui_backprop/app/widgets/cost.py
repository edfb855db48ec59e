"""The cost per epoch: a plot of J against the epoch with a labelled scale, and the current value."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.containers import Vertical
from textual.reactive import var
from textual.widgets import Static

from ...i18n import _
from ...notation import count
from ..state import View
from ..view import DIM, fmt
from .canvas import Chart, line_chart

if TYPE_CHECKING:  # annotations only: the app's first frame does not wait for the engine (numpy)
    from ...core import Session

MAX_POINTS = 400  # a long history is sampled evenly (first, last and current kept) before drawing


def cost_step(session: Session) -> int:
    """The index of the epoch's cost step (7 on the default network): J exists from there on."""
    steps = session.epoch_pass(session.position.epoch)[2]
    return next(s.index for s in steps if s.phase == "forward" and s.node == "cost")


class CostChart(Chart):
    """J against the epoch: braille line, min/max (and middle) on the y axis, ▲ at the current epoch."""

    COMPONENT_CLASSES = {"chart--axis", "chart--line", "chart--mark"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.epochs: list[int] = []
        self.costs: list[float] = []
        self.current: int = 1
        self.current_cost: float | None = None  # drawn as a heavy dot when it may be shown
        self.log_scale = False
        self.decimals = 3

    def plot(self, epochs: list[int], costs: list[float], current: int, current_cost, log: bool, decimals: int):
        self.epochs, self.costs, self.current, self.current_cost = epochs, costs, current, current_cost
        self.log_scale, self.decimals = log, decimals
        self.refresh()

    def draw(self, width: int, height: int) -> Text:
        epochs, costs = self.epochs, self.costs
        log = self.log_scale and any(c > 0 for c in costs)
        values = [c for c in costs if c > 0] if log else costs
        lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
        if not log:
            lo = min(lo, 0.0)  # from zero: a 35 % drop never looks like a fall to the floor
        last = max(epochs[-1] if epochs else 1, self.current, 2)
        digits = max(self.decimals, 2)

        def style(name: str):
            return self.style_of(f"chart--{name}") if name else None

        return line_chart(
            width,
            height,
            [("line", epochs, costs, 1)],
            (1, last),
            (lo, hi if hi > lo else lo + 1.0),
            style,
            log=log,
            x_labels=[(1, "1"), (last, str(last))],
            marks=[(self.current, "▲")],
            points=[(self.current, self.current_cost, "line")] if self.current_cost is not None else [],
            y_fmt=lambda v: fmt(v, digits) if abs(v) >= 10**-digits or v == 0 else f"{v:.1e}",
        )


class CostPanel(Vertical):
    view: var[View | None] = var(None)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple | None = None  # what the panel on show was drawn from
        self.log_scale = False

    def compose(self):
        yield CostChart(id="cost-chart")
        yield Static(id="cost-text")

    def on_mount(self) -> None:
        self.border_title = _("Cost J per epoch")

    def watch_view(self, view: View | None) -> None:
        if view is not None:
            self.show(view.session, view.decimals, view.cost_hidden, view.can_train)

    def toggle_log(self) -> bool:
        self.log_scale = not self.log_scale
        if self.view is not None:
            self.watch_view(self.view)
        return self.log_scale

    def show(self, session: Session, decimals: int, hide_current: bool = False, can_train: bool = True) -> None:
        """`hide_current`: quiz mode, this epoch's J is not shown before its cost step is answered.
        Before the cost step is reached this epoch's J is never shown: it has not been computed yet.
        `can_train`: false when a lesson locks `t` (the panel does not offer it then)."""
        costs = session.costs
        epoch = session.position.epoch
        hidden = hide_current or session.position.index < cost_step(session)
        key = (
            len(costs),
            costs[-1] if costs else None,
            epoch,
            decimals,
            hidden,
            hide_current,
            can_train,
            self.log_scale,
        )
        if key == self._shown:
            return
        self._shown = key
        known = [(e, c) for e, c in enumerate(costs, start=1) if not (hidden and e == epoch)]
        step = max(1, len(known) // MAX_POINTS)
        data = known[::step]
        for must in (known[-1:] if known else []) + [p for p in known if p[0] == epoch]:
            if must not in data:
                data.append(must)
        data.sort()
        current = None if hidden or epoch > len(costs) else costs[epoch - 1]
        chart = self.query_one(CostChart)
        chart.plot([e for e, _c in data], [c for _e, c in data], epoch, current, self.log_scale, decimals)
        chart.display = bool(data)
        digits = max(decimals, 4)
        t = Text(no_wrap=True, overflow="ellipsis")
        t.append("J = ", style="bold")
        t.append(fmt(current, digits) if current is not None else "?" if hide_current else "—", style="bold")
        t.append("  " + _("at epoch {epoch}").format(epoch=count(epoch)) + " ▲", style=DIM)
        if current is None and not hide_current:
            t.append(_(" (from step {k})").format(k=cost_step(session)), style=DIM)
        t.append("\n")
        if hide_current and len(known) == 0:
            t.append(_("quiz: J is shown once you have predicted it"), style=DIM)
        elif len(known) <= 1:
            t.append(_("one epoch so far; t trains more") if can_train else _("one epoch so far"), style=DIM)
        else:
            (e0, c0), (e1, c1) = known[0], known[-1]
            t.append(
                _("epoch {first}: {cost} → {last}: {last_cost}").format(
                    first=count(e0), cost=fmt(c0, digits), last=count(e1), last_cost=fmt(c1, digits)
                ),
                style=DIM,
            )
        self.query_one("#cost-text", Static).update(t)
        self.border_subtitle = _("log scale · s: linear") if self.log_scale else _("s: log scale")
