"""Spot the bug, revealed: the mistaken and the correct results of the planted step side by side.

Shown under the step once the mistake is found or given up, while the planted step is on screen.
Entries that differ are marked (bold, reversed, and ≠ after the row), so the contrast reads without colour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.reactive import var
from textual.widgets import Static

from ...i18n import _
from ...notation import dims, display_name, ljust, matrix_cells
from ..state import HuntView

if TYPE_CHECKING:
    import numpy as np

    from ...core import Step

MAX_ROWS, MAX_COLS = 8, 6
MARK = "bold reverse"


def _cells(a: np.ndarray, differs: np.ndarray, decimals: int, peak: float) -> tuple[list, str]:
    """The shown part of `a` as written by the app's one rule (notation.matrix_cells), each entry with
    whether it differs, and the scale's title text (`×10⁻²`); `peak` sets the scale."""
    r, c = min(a.shape[0], MAX_ROWS), min(a.shape[1], MAX_COLS)
    cells = matrix_cells(a[:r, :c].tolist(), decimals, peak)
    return [[(cells.text[i][j], bool(differs[i, j])) for j in range(c)] for i in range(r)], cells.scale_text


def comparison(mistaken: Step, correct: Step, decimals: int) -> Text:
    """Each result that differs: as computed | as it should be, differing entries marked."""
    t = Text(no_wrap=True, overflow="ellipsis")
    first = True
    for name, right in correct.outputs.items():
        wrong = mistaken.outputs[name]
        differs = wrong != right
        if not differs.any():
            continue
        if not first:
            t.append("\n")
        first = False
        shown = display_name(name)
        import numpy as np  # (not at import: the app's first frame is painted before numpy loads)

        # One scale for both, so that the entries compare digit by digit.
        both = np.abs(np.concatenate([wrong.ravel(), right.ravel()]))
        peak = float(both[np.isfinite(both)].max()) if np.isfinite(both).any() else 0.0
        (left, scale), (right_cells, _scale) = (
            _cells(wrong, differs, decimals, peak),
            _cells(right, differs, decimals, peak),
        )
        width = max(len(s) for row in left + right_cells for s, _ in row)
        col = len(left[0]) * (width + 1) - 1
        scale = f" {scale}" if scale else ""
        head_l = _("{name} as computed ({shape})").format(name=shown, shape=dims(wrong.shape)) + scale
        head_r = _("{name} as it should be").format(name=shown) + scale
        span = max(col, cell_len(head_l))
        t.append(ljust(head_l, span), style="bold")
        t.append("   ")
        t.append(head_r, style="bold")
        for row_l, row_r in zip(left, right_cells):
            t.append("\n")
            line = Text()
            for j, (s, d) in enumerate(row_l):
                line.append(" " if j else "")
                line.append(s.rjust(width), style=MARK if d else "")
            line.append(" " * (span - line.cell_len))
            t.append_text(line)
            t.append(" ≠ " if any(d for _, d in row_l) else "   ", style="bold")
            for j, (s, d) in enumerate(row_r):
                t.append(" " if j else "")
                t.append(s.rjust(width), style="bold" if d else "")
        more = wrong.shape[0] - len(left), wrong.shape[1] - len(left[0])
        if any(more):
            t.append(
                "\n" + _("… {n} of {total} entries differ").format(n=int(differs.sum()), total=differs.size),
                style="italic dim",
            )
    return t


class BugPanel(Static):
    """The revealed mistake: what it is, and the planted step's results, mistaken and correct."""

    hunt: var[HuntView | None] = var(None)

    def on_mount(self) -> None:
        self.border_title = _("The mistake")

    def watch_hunt(self, hunt: HuntView | None) -> None:
        self.display = hunt is not None
        if hunt is None:
            return
        t = Text()
        t.append(hunt.headline, style="bold")
        t.append("\n")
        t.append(
            _("{mistake}.").format(mistake=hunt.description), style="italic"
        )  # (not capitalised: δ would become Δ)
        t.append("\n\n")
        t.append_text(comparison(hunt.mistaken, hunt.correct, hunt.decimals))
        self.update(t)
