"""A one-line banner for what must not be missed: the walk diverged."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import var
from textual.widgets import Static

from ...i18n import _
from ...notation import count
from ..state import View


class Notice(Static):
    view: var[View | None] = var(None)
    _said: str | None = None

    def watch_view(self, view: View | None) -> None:
        if view is None:
            return
        s = view.session
        err = s.diverged
        message = None
        if err is not None:
            at_end = s.position.epoch == s.frontier
            message = f"⚠ {err}" + (
                "" if at_end else _(" — you are at epoch {epoch}").format(epoch=count(s.position.epoch))
            )
        if message == self._said:
            return
        self._said = message
        self.set_class(bool(message), "-visible")
        self.update(Content(message or ""))  # plain text: an error may quote "[weights]"
