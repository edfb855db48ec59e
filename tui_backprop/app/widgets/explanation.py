"""What the current gate does to values or gradients, and why.

The panel keeps one height for all the steps of an epoch: the height of the longest
explanation at the panel's width (capped by the stylesheet's max-height, beyond which it
scrolls). A panel that grew and shrank with each step's text would resize the matrices
panel above it, and lay the whole screen out a second time, on every key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.containers import VerticalScroll
from textual.content import Content
from textual.reactive import var
from textual.widgets import Static

from ...i18n import N_, _
from ..state import View
from .scrolling import SCROLL_BINDINGS, ScrollCue

if TYPE_CHECKING:  # annotations only: the app's first frame does not wait for the engine (numpy)
    from ...core import Step

HIDDEN = N_("Answer the quiz question first; the explanation follows.")  # shown through _()


class ExplanationPanel(ScrollCue, VerticalScroll, can_focus=True, inherit_bindings=False):
    """Cut when the text is longer than its rows allow: Tab to it, then ↓ (the cue says so)."""

    BINDINGS = SCROLL_BINDINGS
    view: var[View | None] = var(None)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._texts: tuple[str, ...] = ()
        self._steps: Sequence[Step] | None = None
        self._fitted: tuple | bool | None = None  # (texts, width, cap) the height was fitted for; False: auto
        self._text: str | None = None

    def compose(self):
        yield Static(id="explanation-text")

    def on_mount(self) -> None:
        self.border_title = _("Why")

    def watch_view(self, view: View | None) -> None:
        if view is not None:
            s = view.session
            self._show(view.step, view.hidden, s.epoch_pass(s.position.epoch)[2])

    def _show(self, step: Step, hidden: bool, steps: Sequence[Step]) -> None:
        """`steps`: the epoch's steps, whose longest explanation sets the panel's height."""
        if steps and steps is not self._steps:
            self._steps = steps
            texts = tuple(dict.fromkeys([s.explanation for s in steps] + [_(HIDDEN)]))
            if texts != self._texts:
                self._texts, self._fitted = texts, None
        text = _(HIDDEN) if hidden else step.explanation
        if text not in self._texts:  # (not one of the epoch's: fitted for it too, never cut)
            self._texts, self._fitted = self._texts + (text,), None
        fixed = self._fit()
        if text != self._text:
            self._text = text
            # With a fixed height and width the text's size cannot change the layout.
            self.query_one("#explanation-text", Static).update(Content(text), layout=not fixed)
            self.scroll_home(animate=False)  # a new text is read from its start

    def on_resize(self) -> None:
        self._fit()  # (then ScrollCue's)

    def _fit(self) -> bool:
        """Give the text the height of the longest explanation; False while that cannot be known yet."""
        body = self.query_one("#explanation-text", Static)
        width = self.size.width
        if self.screen.has_class("-short"):
            # Rows are scarce on a short terminal: the panel hugs each step's text (and the screen is laid out
            # again when that changes), leaving the rest to the matrices.
            if self._fitted is not False:
                self._fitted = False
                body.styles.height = "auto"
            return False
        if not width or not self._texts:
            return False
        max_height = self.styles.max_height
        cap = (
            int(max_height.value) - self.styles.gutter.height
            if max_height is not None and max_height.is_cells
            else 10**6
        )
        key = (self._texts, width, cap)
        if key == self._fitted:
            return True
        lines = self._lines(body, width)
        if lines > cap:  # it scrolls: the scrollbar takes columns from the text
            lines = self._lines(body, max(1, width - self.styles.scrollbar_size_vertical))
        self._fitted = key
        if body.styles.height is None or body.styles.height.value != lines:
            body.styles.height = lines
        return True

    def _lines(self, body: Static, width: int) -> int:
        return max(Content(t).get_height(body.styles, width) for t in self._texts)
