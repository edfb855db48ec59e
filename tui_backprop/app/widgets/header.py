"""The header: scenario name on the left; epoch · step k of N · phase (and what the app is doing) on the right."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import var
from textual.widgets import Static

from ...i18n import _
from ...notation import count, phase_word
from ..state import View
from ..view import LinesVisual, style


class StepHeader(Static):
    view: var[View | None] = var(None)
    status: var[str] = var("")  # what the app is doing: playing, training, …
    _parts: tuple[Text, Text] | None = None
    _drawn: tuple | None = None
    text_plain = ""

    def __init__(self, name: str = "", **kwargs) -> None:
        """`name`: the scenario's, shown alone until its view arrives (the first frame, before loading)."""
        first = Text(name, style="bold", no_wrap=True, overflow="ellipsis")
        super().__init__(first, **kwargs)  # drawn as it is in the first frame (a resize is too late for it)
        if name:
            self._parts = (first, Text())

    def watch_view(self) -> None:
        self._compose_parts()

    def watch_status(self) -> None:
        self._compose_parts()

    def _compose_parts(self) -> None:
        view = self.view
        if view is None:
            return
        pos, colours = view.session.position, view.colours
        left = Text(no_wrap=True, overflow="ellipsis")
        left.append(view.name, style="bold")
        right = Text(no_wrap=True, justify="right")
        if self.status:
            right.append(self.status, style=style("italic", colours.status))
            right.append("  ·  ", style="dim")
        if view.score:
            right.append(view.score, style=style("bold", colours.score))
            right.append("  ·  ", style="dim")
        right.append(_("epoch {epoch}").format(epoch=count(pos.epoch)))
        right.append("  ·  ", style="dim")
        right.append(_("step {k}/{n}").format(k=pos.index, n=view.session.n_steps))
        right.append("  ·  ", style="dim")
        phase = view.step.phase
        right.append(f" {phase_word(phase).upper()} ", style=style("bold reverse", colours.phase(phase)))
        self.text_plain = f"{view.name} · {right.plain}"
        self._parts = (left, right)
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        """The name, cut with … to leave room for the right-hand side, which is flush right."""
        if self._parts is None:
            return
        left, right = self._parts
        width = self.size.width
        if width:
            room = width - right.cell_len
            if room > 0:
                line = left.copy()
                line.truncate(room, overflow="ellipsis", pad=True)
                line.append_text(right)
            else:
                line = right.copy()
                line.truncate(width)
        else:
            line = Text.assemble(left, "  ", right)
        key = (line.plain, width, tuple(line.spans))
        if key == self._drawn:
            return
        self._drawn = key
        # One line high and as wide as the screen: a new text never needs a new layout.
        self.update(LinesVisual(line), layout=False)
