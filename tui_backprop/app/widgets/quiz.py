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
    """The answer field. ← steps back (the question stays for later), → asks again, Esc gives up.

    A shape is a few characters: backspace edits it, so the arrows keep their stepping meaning.
    """

    BINDINGS = [
        Binding("enter", "submit", "Answer", key_display="⏎"),
        Binding("escape", "give_up", "Give up", key_display="esc"),
        Binding("left", "left_or_back", "Prev", key_display="←"),
        Binding("right", "right_or_next", "Next", show=False),
    ]

    async def action_left_or_back(self) -> None:
        await self.app.run_action("previous")

    async def action_right_or_next(self) -> None:
        await self.app.run_action("next")

    async def action_give_up(self) -> None:
        await self.app.run_action("quiz_give_up")


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
        ask.mount(Label("", id="quiz-prompt"),
                  QuizInput(id="quiz-input", compact=True, max_length=40, placeholder="rows x cols", disabled=True))

    def on_mount(self) -> None:
        self.border_title = "Quiz"

    @property
    def asking(self) -> bool:
        return self._built and bool(self.query_one("#quiz-ask").display)

    def set_score(self, epoch: int, score: str) -> None:
        self.border_title = f"Quiz · epoch {epoch} · {score}"

    def feedback(self, text: Text | str | None) -> None:
        self._parts()
        fb = self.query_one("#quiz-feedback", Static)
        fb.update(text or "")
        fb.display = bool(text)

    def ask(self, prompt: str, feedback: Text | str | None = None, placeholder: str = "rows x cols") -> None:
        self._parts()
        self.feedback(feedback)
        self.query_one("#quiz-prompt", Label).update(prompt + " ")
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
        hint.update(text or "")
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
