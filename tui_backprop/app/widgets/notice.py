"""A one-line banner for what must not be missed: divergence, the end of training."""

from __future__ import annotations

from textual.widgets import Static


class Notice(Static):
    def say(self, message: str | None, severity: str = "error") -> None:
        self.set_class(bool(message), "-visible")
        self.set_class(severity == "error", "-error")
        self.update(message or "")
