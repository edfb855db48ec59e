"""Quiz mode's panel in the step area: the question, the answer field, the verdict and the score.

The questions, the parsing and the "why" texts live in ``tui_backprop.quiz`` (no
textual); this widget only shows them and hands the typed answer to the app.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from ...notation import count


def _plain(text: Text | str | None) -> Text:
    """Never markup: the hint quotes what was typed ("[/]" included)."""
    return text if isinstance(text, Text) else Text(text or "")


class QuizInput(Input):
    """The answer field. ← steps back (the question stays for later), → asks again, Esc gives up.

    A shape is a few characters: backspace edits it, so the arrows keep their stepping meaning. Only what
    an answer is written with is typed (digits, x × *, separators, a number's sign and exponent): any
    other key (? help, q quit, …) is the app's.
    """

    ALLOWED = r"[0-9xX×*,() .+\-−eE]"

    BINDINGS = [
        Binding("enter", "submit", "Answer", key_display="⏎"),
        Binding("escape", "give_up", "Give up", key_display="esc"),
        Binding("left", "left_or_back", "Prev", key_display="←", show=False),  # the app's ← Prev shows
        Binding("right", "right_or_next", "Next", show=False),
        # A stray letter while answering must not wipe the walk (r) or end the quiz (k) under the student.
        Binding("r,k", "answer_first", show=False),
    ]

    def action_answer_first(self) -> None:
        self.app.notify("Answer first (Enter), or Esc to give up.", markup=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, restrict=rf"{self.ALLOWED}*", **kwargs)
        self._allowed = re.compile(self.ALLOWED)

    def _accepts(self, character: str | None) -> bool:
        return character is not None and self._allowed.fullmatch(character) is not None

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return self._accepts(character)

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable and not self._accepts(event.character):
            event.prevent_default()  # not typed (Input's handler is skipped); it bubbles on to the app's keys

    async def action_left_or_back(self) -> None:
        await self.app.run_action("previous")

    async def action_right_or_next(self) -> None:
        await self.app.run_action("next")

    async def action_give_up(self) -> None:
        # While training, Esc stops the training (as everywhere else) rather than giving up.
        await self.app.run_action("stop_training" if getattr(self.app, "training", False) else "quiz_give_up")


class QuizPanel(Vertical):
    """Its question, field, verdict and hint are mounted the first time quiz mode needs them: hidden
    widgets still cost every screen update (and every Pilot wait) a little."""

    _built = False

    def _parts(self) -> None:
        """Mount the parts, if not yet."""
        if self._built:
            return
        self._built = True
        ask = Horizontal(id="quiz-ask")
        feedback = Static("", id="quiz-feedback")
        hint = Static("", id="quiz-hint", classes="error")
        ask.display = hint.display = feedback.display = False
        self.mount(feedback, ask, hint)
        # Disabled (so never focused) unless a question is open.
        ask.mount(
            Label("", id="quiz-prompt"),
            QuizInput(id="quiz-input", compact=True, max_length=40, placeholder="rows x cols", disabled=True),
        )

    def on_mount(self) -> None:
        self.border_title = "Quiz"

    @property
    def asking(self) -> bool:
        return self._built and bool(self.query_one("#quiz-ask").display)

    def set_score(self, epoch: int, score: str) -> None:
        self.border_title = f"Quiz · epoch {count(epoch)} · {score}"

    def feedback(self, text: Text | str | None) -> None:
        self._parts()
        fb = self.query_one("#quiz-feedback", Static)
        fb.update(_plain(text))
        fb.display = bool(text)

    def ask(self, prompt: str, feedback: Text | str | None = None, placeholder: str = "rows x cols") -> None:
        self._parts()
        self.feedback(feedback)
        self.query_one("#quiz-prompt", Label).update(_plain(prompt + " "))
        field = self.query_one("#quiz-input", QuizInput)
        field.value = ""
        field.placeholder = placeholder
        field.disabled = False
        self.query_one("#quiz-ask").display = True
        self.hint(None)
        field.focus()

    def hint(self, text: str | None) -> None:
        self._parts()
        hint = self.query_one("#quiz-hint", Static)
        hint.update(_plain(text))
        hint.display = bool(text)

    def retry(self, text: str) -> None:
        """A malformed answer: the hint, and the answer selected so that typing replaces it."""
        self._parts()
        self.hint(text)
        field = self.query_one("#quiz-input", QuizInput)
        field.select_all()
        field.focus()

    def close(self, feedback: Text | str | None) -> None:
        """No question open: the last verdict (or an idle line) stays."""
        if not feedback and not self._built:
            return  # never used: nothing to close
        self._parts()
        self.query_one("#quiz-ask").display = False
        self.query_one("#quiz-input", QuizInput).disabled = True
        self.hint(None)
        self.feedback(feedback)

    def focus_field(self) -> None:
        if self.asking:
            self.query_one("#quiz-input", QuizInput).focus()
