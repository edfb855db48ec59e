"""What the picture screens share: a box, a close key, and ← → through the epochs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.screen import ModalScreen

from ...i18n import _

if TYPE_CHECKING:
    from ...core import Session


class PictureScreen(ModalScreen[bool]):
    """Dismissed with True when it moved the session to another epoch (the main view then redraws)."""

    BINDINGS = [
        Binding("escape,q", "close", "Close", key_display="esc"),
        Binding("left,h", "epoch(-1)", "Epoch −1", key_display="←"),
        Binding("right,l", "epoch(1)", "Epoch +1", key_display="→"),
        Binding("pageup", "epoch(-10)", "−10", key_display="PgUp"),
        Binding("pagedown", "epoch(10)", "+10", key_display="PgDn"),
    ]

    def __init__(self, session: Session, can_move: bool = True) -> None:
        super().__init__()
        self.session = session
        self.can_move = can_move  # quiz mode: moving would skip the questions
        self.moved = False

    @property
    def epoch(self) -> int:
        return self.session.position.epoch

    def action_epoch(self, delta: int) -> None:
        if not self.can_move:
            self.app.notify(_("Off in quiz mode: answer each step, then →."), timeout=2, markup=False)
            return
        from ...core import Position

        s = self.session
        target = max(1, self.epoch + delta)
        while s.frontier < target and s.can_enter(s.frontier + 1):
            pass
        target = min(target, s.frontier)
        if target == self.epoch:
            if s.diverged is not None and delta > 0:
                self.app.notify(str(s.diverged), severity="error", timeout=4, markup=False)
            return
        s.position = Position(target, 1)
        s.epoch_pass(target)
        self.moved = True
        self.redraw()

    def redraw(self) -> None:  # pragma: no cover - each screen draws its picture
        raise NotImplementedError

    def action_close(self) -> None:
        if self.is_active:
            self.dismiss(self.moved)
