"""Quiz mode's panel in the step area: the question, the answer field, the verdict and the score.

The questions, the parsing and the "why" texts live in ``tui_backprop.quiz`` (no
textual); this widget only shows them and hands the typed answer to the app.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static


class QuizInput(Input):
    """The answer field. ← at the start steps back, → at the end asks again, Esc gives up."""

    BINDINGS = [
        Binding("left", "left_or_back", "Left / previous step", show=False),
        Binding("right", "right_or_next", "Right / next step", show=False),
        Binding("escape", "give_up", "Give up", show=False),
    ]

    async def action_left_or_back(self) -> None:
        if self.cursor_position == 0:
            await self.app.run_action("previous")
        else:
            self.action_cursor_left()

    async def action_right_or_next(self) -> None:
        if self.cursor_position >= len(self.value):
            await self.app.run_action("next")
        else:
            self.action_cursor_right()

    async def action_give_up(self) -> None:
        await self.app.run_action("quiz_give_up")


class QuizPanel(Vertical):
    def compose(self):
        yield Static("", id="quiz-feedback")
        with Horizontal(id="quiz-ask"):
            yield Label("", id="quiz-prompt")
            yield QuizInput(id="quiz-input", compact=True, max_length=40, placeholder="3x1")
        yield Static("", id="quiz-hint", classes="error")

    def on_mount(self) -> None:
        self.border_title = "Quiz"
        self.query_one("#quiz-ask").display = False
        self.query_one("#quiz-hint").display = False
        self.query_one("#quiz-feedback").display = False

    @property
    def asking(self) -> bool:
        return bool(self.query_one("#quiz-ask").display)

    def set_score(self, epoch: int, score: str) -> None:
        self.border_title = f"Quiz · epoch {epoch} · {score}"

    def feedback(self, text: Text | str | None) -> None:
        fb = self.query_one("#quiz-feedback", Static)
        fb.update(text or "")
        fb.display = bool(text)

    def ask(self, prompt: str, feedback: Text | str | None = None) -> None:
        self.feedback(feedback)
        self.query_one("#quiz-prompt", Label).update(prompt + " ")
        field = self.query_one("#quiz-input", QuizInput)
        field.value = ""
        self.query_one("#quiz-ask").display = True
        self.hint(None)
        field.focus()

    def hint(self, text: str | None) -> None:
        hint = self.query_one("#quiz-hint", Static)
        hint.update(text or "")
        hint.display = bool(text)

    def close(self, feedback: Text | str | None) -> None:
        """No question open: the last verdict (or an idle line) stays."""
        self.query_one("#quiz-ask").display = False
        self.hint(None)
        self.feedback(feedback)

    def focus_field(self) -> None:
        if self.asking:
            self.query_one("#quiz-input", QuizInput).focus()
