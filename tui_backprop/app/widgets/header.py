"""The header: scenario name on the left; epoch · step k of N · phase (and what the app is doing) on the right."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ...notation import count
from ..view import PHASE_STYLE, LinesVisual


class StepHeader(Static):
    _parts: tuple[Text, Text] | None = None
    _drawn: tuple | None = None

    def show(
        self, name: str, epoch: int, index: int, n_steps: int, phase: str, status: str = "", score: str = ""
    ) -> None:
        left = Text(no_wrap=True, overflow="ellipsis")
        left.append(name, style="bold")
        right = Text(no_wrap=True, justify="right")
        if status:
            right.append(status, style="italic #ffd75f")
            right.append("  ·  ", style="dim")
        if score:
            right.append(score, style="bold #d7afff")
            right.append("  ·  ", style="dim")
        right.append(f"epoch {count(epoch)}")
        right.append("  ·  ", style="dim")
        right.append(f"step {index}/{n_steps}")
        right.append("  ·  ", style="dim")
        right.append(f" {phase.upper()} ", style=f"bold reverse {PHASE_STYLE.get(phase, '')}")
        self.text_plain = f"{name} · {right.plain}"
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
        key = (line.plain, width)
        if key == self._drawn:
            return
        self._drawn = key
        # One line high and as wide as the screen: a new text never needs a new layout.
        self.update(LinesVisual(line), layout=False)
