"""The header: scenario name on the left; epoch · step k of N · phase (and what the app is doing) on the right."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from ..view import PHASE_STYLE


class StepHeader(Static):
    def show(self, name: str, epoch: int, index: int, n_steps: int, phase: str, status: str = "",
             score: str = "") -> None:
        left = Text(no_wrap=True, overflow="ellipsis")
        left.append(name, style="bold")
        right = Text(no_wrap=True, justify="right")
        if status:
            right.append(status, style="italic #ffd75f")
            right.append("  ·  ", style="dim")
        if score:
            right.append(score, style="bold #d7afff")
            right.append("  ·  ", style="dim")
        right.append(f"epoch {epoch}")
        right.append("  ·  ", style="dim")
        right.append(f"step {index}/{n_steps}")
        right.append("  ·  ", style="dim")
        right.append(f" {phase.upper()} ", style=f"bold reverse {PHASE_STYLE.get(phase, '')}")
        grid = Table.grid(expand=True)
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(justify="right", no_wrap=True)
        grid.add_row(left, right)
        self.text_plain = f"{name} · {right.plain}"
        self.update(grid)
