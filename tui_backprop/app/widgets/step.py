"""The current step: its title, the equation in symbols and the shape algebra (in quiz mode, until answered:
the gate, what it starts from and the names of its results)."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.reactive import var
from textual.widgets import Static

from ... import quiz
from ...i18n import _
from ...notation import phase_word
from ..state import View
from ..view import style

ARROW = {"forward": "─▶", "backward": "◀─", "update": "⟲"}


class StepPanel(Static):
    view: var[View | None] = var(None)

    def on_mount(self) -> None:
        self.border_title = _("Step")

    def watch_view(self, view: View | None) -> None:
        if view is None:
            return
        step, colours = view.step, view.colours
        t = Text()
        t.append(f"{ARROW.get(step.phase, '')} ", style=style("bold", colours.phase(step.phase)))
        if view.hidden:
            # Quiz mode, a question open: the gate, what it starts from as stored and what it makes — not
            # the equation (its transposes) nor the shape algebra, which are the answers.
            t.append(_(step.kind.label), style="bold")
            t.append("\n  " + _("from") + "  ", style="dim")
            t.append(quiz.given(step))
            t.append("\n  " + _("find") + "  ", style="dim")
            t.append(", ".join(op.symbol for op in step.operations), style=style("bold", colours.equation))
        else:
            t.append(step.title, style="bold")
            t.append("\n  ")
            t.append(step.equation, style=style("bold", colours.equation))
            t.append("\n  " + _("shapes") + "  ", style="dim")
            t.append(step.shapes)
        # A new layout only when the text wraps to another number of lines (spans do not change wrapping).
        width = self.size.width
        same = bool(width) and Content(t.plain).get_height(self.styles, width) == self.size.height
        self.update(t, layout=not same)
        self.border_title = _("Step {k}/{n} · {phase}").format(
            k=step.index, n=view.session.n_steps, phase=phase_word(step.phase)
        )
        for phase in ARROW:
            self.set_class(step.phase == phase, f"-{phase}")
