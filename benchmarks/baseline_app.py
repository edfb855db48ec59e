"""The least Textual app: a Header, one Static updated on each → press, a Footer.

The baseline the app's step cost and launch time are measured against.

    python benchmarks/baseline_app.py
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

MARKER = "baseline step 0"


class BaselineApp(App):
    TITLE = "baseline"
    BINDINGS = [("right", "step", "Step"), ("q", "quit", "Quit")]

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(MARKER, id="body")
        yield Footer()

    def action_step(self) -> None:
        self.count += 1
        self.query_one("#body", Static).update(f"baseline step {self.count}")


if __name__ == "__main__":
    import sys

    if "--import-only" not in sys.argv:  # --import-only: for -X importtime comparisons
        BaselineApp().run()
