"""A one-line banner for what must not be missed: divergence, the end of training."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class Notice(Static):
    _said: tuple | None = None

    def say(self, message: str | None, severity: str = "error") -> None:
        if (message, severity) == self._said:
            return
        self._said = (message, severity)
        self.set_class(bool(message), "-visible")
        self.set_class(severity == "error", "-error")
        self.update(Content(message or ""))  # plain text: an error may quote "[weights]"
