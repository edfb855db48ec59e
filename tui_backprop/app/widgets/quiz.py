"""Quiz mode's panel in the step area: the question, the answer field, the verdict and the score.

The questions, the parsing and the "why" texts live in ``tui_backprop.quiz`` (no
textual); this widget only shows them; the typed answer reaches the screen as Input.Submitted.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import var
from textual.widgets import Input, Label, Static

from ...i18n import N_, _
from ..state import QuizView


def _plain(text: Text | str | None) -> Text:
    """Never markup: the hint quotes what was typed ("[/]" included)."""
    return text if isinstance(text, Text) else Text(text or "")


class QuizInput(Input):
    """The answer field. ← steps back (the question stays for later), → asks again, Esc gives up; at a choice
    (how a product is formed) the keys 1–4 answer at once.

    A shape is a few characters: backspace edits it, so the arrows keep their stepping meaning. Only what
    an answer is written with is typed (digits, x × *, separators, a number's sign and exponent): any
    other key (? help, q quit, …) is the screen's. The arrows and Esc are posted as messages: what they
    do is the screen's to decide.
    """

    ALLOWED = r"[0-9xX×*,() .+\-−eE]"

    BINDINGS = [
        Binding("enter", "submit", N_("Answer"), key_display="⏎"),
        Binding("escape", "give_up", N_("Give up"), key_display="esc"),
        Binding("left", "step(-1)", N_("Prev"), key_display="←", show=False),  # the screen's ← Prev shows
        Binding("right", "step(1)", N_("Next"), show=False),
        # A stray letter while answering must not wipe the walk (r) or end the quiz (k) under the student.
        Binding("r,k", "answer_first", show=False),
        # A choice: a digit answers at once (on_key; typed otherwise). Declared for the footer and help.
        Binding("1,2,3,4", "choose", N_("Choose"), key_display="1–4"),
    ]

    class Step(Message):
        """← or → in the field: step back, or forward (which asks for the answer first)."""

        def __init__(self, delta: int) -> None:
            super().__init__()
            self.delta = delta

    class GiveUp(Message):
        """Esc in the field."""

    class Chosen(Message):
        """A digit key at a choice."""

        def __init__(self, number: int) -> None:
            super().__init__()
            self.number = number

    choices = 0  # the number of choices of the open question (0: an answer is typed)

    def action_answer_first(self) -> None:
        self.notify(_("Answer first (Enter), Esc to give up, or ← to step back."), markup=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, restrict=rf"{self.ALLOWED}*", **kwargs)
        self._allowed = re.compile(self.ALLOWED)

    def _accepts(self, character: str | None) -> bool:
        return character is not None and self._allowed.fullmatch(character) is not None

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return self._accepts(character)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose":
            return bool(self.choices)  # only at a choice (and then in the footer)
        return True

    def action_choose(self) -> None:
        """(The digits are read in on_key, which knows which one was pressed.)"""

    def on_key(self, event: events.Key) -> None:
        if self.choices and event.character is not None and event.character.isdigit():
            event.prevent_default()  # not typed: the choice
            event.stop()
            self.post_message(self.Chosen(int(event.character)))
            return
        if event.is_printable and not self._accepts(event.character):
            event.prevent_default()  # not typed (Input's key handler is skipped); it bubbles on to the screen's keys

    def action_step(self, delta: int) -> None:
        self.post_message(self.Step(delta))

    def action_give_up(self) -> None:
        self.post_message(self.GiveUp())


class QuizPanel(Vertical):
    """Shows the screen's `quiz` (a QuizView). Its question, field, verdict and hint are mounted the first
    time quiz mode needs them: hidden widgets still cost every screen update (and every Pilot wait) a little."""

    quiz: var[QuizView | None] = var(None)
    _built = False
    _asked = _retry = _focus = 0  # the view's counters last acted on

    def _parts(self) -> None:
        """Mount the parts, if not yet."""
        if self._built:
            return
        self._built = True
        ask = Horizontal(id="quiz-ask")
        feedback = Static("", id="quiz-feedback")
        hint = Static("", id="quiz-hint", classes="error")
        choices = Static("", id="quiz-choices")
        ask.display = hint.display = feedback.display = choices.display = False
        self.mount(feedback, ask, choices, hint)
        # Disabled (so never focused) unless a question is open.
        ask.mount(
            Label("", id="quiz-prompt"),
            QuizInput(id="quiz-input", compact=True, max_length=40, placeholder=_("rows x cols"), disabled=True),
        )

    def on_mount(self) -> None:
        self.border_title = _("Quiz")

    def watch_quiz(self, quiz: QuizView | None) -> None:
        if quiz is None:
            return
        self.display = quiz.on
        self.border_title = _(quiz.title)
        if quiz.prompt is None and not quiz.feedback and not self._built:
            return  # never used: nothing to build
        self._parts()
        feedback = self.query_one("#quiz-feedback", Static)
        feedback.update(_plain(quiz.feedback))
        feedback.display = bool(quiz.feedback)
        hint = self.query_one("#quiz-hint", Static)
        hint.update(_plain(quiz.hint))
        hint.display = bool(quiz.hint)
        field = self.query_one("#quiz-input", QuizInput)
        asking = quiz.prompt is not None
        self.query_one("#quiz-ask").display = asking
        field.disabled = not asking
        choices = self.query_one("#quiz-choices", Static)
        choices.update(
            Text("   ").join(Text.assemble((f" {n} ", "bold reverse"), f" {c}") for n, c in enumerate(quiz.choices, 1))
        )
        choices.display = bool(quiz.choices)
        if field.choices != len(quiz.choices):
            field.choices = len(quiz.choices)
            field.refresh_bindings()
        if not asking:
            return
        self.query_one("#quiz-prompt", Label).update(_plain(quiz.prompt + " "))
        field.placeholder = _(quiz.placeholder)
        if quiz.asked != self._asked:  # a new question: an empty field
            field.value = ""
        elif quiz.retry != self._retry:  # a malformed answer: selected, so typing replaces it
            field.select_all()
        if (quiz.asked, quiz.retry, quiz.focus) != (self._asked, self._retry, self._focus):
            field.focus()
        self._asked, self._retry, self._focus = quiz.asked, quiz.retry, quiz.focus
