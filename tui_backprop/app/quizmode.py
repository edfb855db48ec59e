"""Quiz mode on the main screen: which step is asked, the answers, the score per epoch.

The questions, the parsing and the "why" texts are ``tui_backprop.quiz``'s; this controller
keeps the state of a walk in quiz mode, publishes what the quiz panel shows (the screen's
`quiz` reactive) and posts QuizAnswered when a question is closed with a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual.message import Message

from .. import quiz
from ..notation import count, dims, display_name
from .state import QuizView
from .view import fmt, style

if TYPE_CHECKING:
    from ..core import Session, Step
    from .screens.main import MainScreen

NOT_IN_QUIZ = {"play": "Play", "run_epoch": "Run to the end", "last": "End"}  # they would skip the questions


class QuizAnswered(Message):
    """A question was closed with a verdict (answered or given up)."""

    def __init__(self, epoch: int, index: int, right: bool, last_step: bool, score: str) -> None:
        super().__init__()
        self.epoch, self.index, self.right = epoch, index, right
        self.last_step = last_step  # the epoch's last step: its score is final
        self.score = score


@dataclass
class Question:
    """The quiz question open on one step: first its shape, then (cost and bias steps) optionally a value."""

    epoch: int
    index: int
    stage: str  # "shape" | "value"
    correct: bool = False  # the shape answer
    feedback: Text | None = None


class QuizMode:
    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.on = False
        # Verdicts per (epoch, step) ("right" | "wrong" | "seen"), scores per epoch, the open question.
        self.answers: dict[tuple[int, int], str] = {}
        self.scores: dict[int, quiz.Score] = {}
        self.question: Question | None = None
        self._view = QuizView()

    @property
    def session(self) -> Session:
        return self.screen.session

    # --- what the screen asks ---------------------------------------------------------------------

    def score(self, epoch: int) -> quiz.Score:
        return self.scores.setdefault(epoch, quiz.Score())

    def here(self) -> tuple[int, int]:
        pos = self.session.position
        return pos.epoch, pos.index

    def hidden(self) -> bool:
        """A question is open on the step on screen: its results wait."""
        q = self.question
        return q is not None and (q.epoch, q.index) == self.here()

    def cost_hidden(self) -> bool:
        """In quiz mode J stays hidden until this epoch's cost step is answered."""
        if not self.on:
            return False
        epoch, index = self.here()
        cost = next(s.index for s in self.session.epoch_pass(epoch)[2] if s.phase == "forward" and s.node == "cost")
        return index <= cost and self.answers.get((epoch, cost)) is None

    def header_score(self) -> str:
        return f"quiz {self.score(self.session.position.epoch)}" if self.on else ""

    def blocks(self, action: str) -> bool:
        """Play, run and End are off in quiz mode: say so."""
        if not self.on or action not in NOT_IN_QUIZ:
            return False
        self.screen.app.say(
            f"{NOT_IN_QUIZ[action]} is off in quiz mode: answer each step, then →.", timeout=3, alone=True
        )
        return True

    # --- the flow ---------------------------------------------------------------------------------

    def clear(self) -> None:
        self.answers.clear()
        self.scores.clear()
        self.question = None
        self._show(prompt=None, feedback=None, hint=None)

    def start(self) -> None:
        """Quiz mode from the start (a lesson, a reset, a newly opened scenario): step 1 is asked too."""
        if self.on:
            self.ask_here()

    def leave(self) -> bool:
        """Moving off a step with an open question closes it unscored (asked again on the way back);
        True when one was closed."""
        if self.question is not None and not self.hidden():
            self.question = None
            self._show(prompt=None, feedback=None, hint=None)
            return True
        return False

    def ask_here(self) -> None:
        if not self.on or self.here() in self.answers or self.question is not None:
            return
        epoch, index = self.here()
        self.score(epoch)
        self.question = Question(epoch, index, "shape")
        self._ask(quiz.shape_question(self.session.step()), None, "rows x cols")

    def toggle(self) -> bool:
        """Quiz mode on or off; True when it is now on."""
        self.on = not self.on
        if self.on:
            self.answers.setdefault(self.here(), "seen")  # the step on screen is already revealed
            idle = Text("Press → : each next result is hidden until you type its shape.", style="italic")
            self._show(prompt=None, feedback=idle, hint=None)
        else:
            self.question = None
            self._show(prompt=None, feedback=None, hint=None)
        return self.on

    def focus(self) -> None:
        """Put the cursor in the answer field (→ with a question open)."""
        self._show(focus=self._view.focus + 1)

    def give_up(self) -> None:
        q = self.question
        if q is None or not self.hidden():
            return
        if q.stage == "shape":
            self.score(q.epoch).add(False)
            q.correct = False
            q.feedback = self._verdict(self.session.step(), None)
        self._finish(q)

    def submit(self, text: str) -> None:
        q = self.question
        if q is None or not self.hidden():
            return
        step = self.session.step()
        text = text.strip()
        if q.stage == "shape":
            shape = quiz.parse_shape(text)
            if shape is None:  # malformed: a hint, no penalty
                self._retry(f"'{text}' is not a shape. {quiz.SHAPE_HINT}" if text else quiz.SHAPE_HINT)
                return
            q.correct = shape == quiz.expected_shape(step)
            self.score(q.epoch).add(q.correct)
            q.feedback = self._verdict(step, shape)
            target = quiz.value_target(step)
            if target is not None:
                q.stage = "value"
                self._ask(quiz.value_question(target), q.feedback, "a number")
                self.screen.refresh_view()  # the score in the header
                return
            self._finish(q)
            return
        # the optional value
        target = quiz.value_target(step)
        if not text or target is None:
            self._finish(q)
            return
        value = quiz.parse_value(text)
        if value is None:
            self._retry(f"'{text}' is not a number. {quiz.VALUE_HINT}")
            return
        decimals = self.screen.decimals
        right = quiz.check_value(value, target.value, decimals)
        self.score(q.epoch).add(right)
        shown = fmt(target.value, decimals)
        colours = self.screen.colours
        fb = q.feedback or Text()
        fb.append("\n")
        if right:
            fb.append("✓ ", style=style("bold", colours.right))
            fb.append(f"{target.label} = {shown}")
        else:
            fb.append("✗ ", style=style("bold", colours.wrong))
            fb.append(f"{target.label} = {shown}, not {text}: ")
            fb.append(step.equation, style="italic")
        q.feedback = fb
        self._finish(q)

    def _verdict(self, step: Step, shape: tuple[int, int] | None) -> Text:
        expected = quiz.expected_shape(step)
        name = display_name(quiz.asked_output(step))
        colours = self.screen.colours
        t = Text()
        if shape == expected:
            t.append("✓ ", style=style("bold", colours.right))
            t.append(f"{name} is {dims(expected)}.")
            return t
        t.append("✗ ", style=style("bold", colours.wrong))
        said = "you gave up" if shape is None else f"not {dims(shape)}"
        t.append(f"{name} is {dims(expected)} ({said}). ", style="bold")
        t.append(quiz.why(step), style="italic")
        return t

    def _finish(self, q: Question) -> None:
        self.answers[(q.epoch, q.index)] = "right" if q.correct else "wrong"
        self.question = None
        self._show(prompt=None, feedback=q.feedback, hint=None)
        self.screen.post_message(
            QuizAnswered(q.epoch, q.index, q.correct, q.index == self.session.n_steps, str(self.score(q.epoch)))
        )

    # --- what the panel shows ---------------------------------------------------------------------

    def _ask(self, prompt: str, feedback: Text | None, placeholder: str) -> None:
        v = self._view
        self._show(prompt=prompt, feedback=feedback, hint=None, placeholder=placeholder, asked=v.asked + 1)

    def _retry(self, hint: str) -> None:
        self._show(hint=hint, retry=self._view.retry + 1)

    def _show(self, **changes) -> None:
        self._view = replace(self._view, **changes)
        self.publish()

    def publish(self) -> None:
        """The panel's view for the position on screen (its title carries the epoch's score)."""
        epoch = self.session.position.epoch if self.screen.loaded else 1
        title = f"Quiz · epoch {count(epoch)} · {self.score(epoch)}" if self.on else "Quiz"
        v = self._view
        if v.on != self.on or v.title != title:
            v = self._view = replace(v, on=self.on, title=title)
        if self.screen.quiz is not v:
            self.screen.quiz = v
