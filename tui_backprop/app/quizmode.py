"""Quiz mode on the main screen: which step is asked, its questions in turn, the answers, the score per epoch.

The questions, the parsing and the "why" texts are ``tui_backprop.quiz``'s; this controller
keeps the state of a walk in quiz mode, publishes what the quiz panel shows (the screen's
`quiz` reactive) and posts QuizAnswered when a step's last question is closed.

A step's results stay hidden until every question on it is answered: per result its shape,
at a backward mulGate how the product is formed (keys 1–4), and the values the lesson asks
for, each value followed by its worked example. With the lesson's `fade`, epoch 1 shows
every step worked out and each later epoch leaves one more step to the student, from the last.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual.message import Message

from .. import quiz
from ..i18n import N_, _
from ..notation import count, dims
from .state import QuizView
from .view import fill, style
from .widgets.zoom import expansion_lines

if TYPE_CHECKING:
    from ..core import Session, Step
    from ..core.lesson import Lesson
    from .screens.main import MainScreen

NOT_IN_QUIZ = {
    "play": N_("Play"),
    "run_epoch": N_("Run to the end"),
    "last": N_("End"),
    "gradcheck": N_("The gradient check"),  # it lists every gradient: the answers
}  # they would skip the questions
WORKED_WIDTH = 70  # where a worked example's Σ written out term by term still fits on one line


def _gave_up() -> str:  # the two endings of a wrong answer's verdict
    return _(" (you gave up)")


def _not(answer: str) -> str:
    return _(", not {answer}").format(answer=answer)


class QuizAnswered(Message):
    """A step's questions are closed (each answered, skipped or given up)."""

    def __init__(self, epoch: int, index: int, right: bool, last_step: bool, score: str) -> None:
        super().__init__()
        self.epoch, self.index, self.right = epoch, index, right
        self.last_step = last_step  # the epoch's last step: its score is final
        self.score = score


@dataclass
class Question:
    """The questions open on one step, asked in turn; `at` is the one waiting for its answer."""

    epoch: int
    index: int
    asks: tuple[quiz.Ask, ...]
    at: int = 0
    right: bool = True  # every scored answer so far
    marks: list[Text] = field(default_factory=list)  # one short verdict per closed question
    feedback: Text | None = None  # the last verdict in full

    @property
    def ask(self) -> quiz.Ask:
        return self.asks[self.at]


class QuizMode:
    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.on = False
        # Verdicts per (epoch, step) ("right" | "wrong" | "seen"), scores per epoch, the open question.
        self.answers: dict[tuple[int, int], str] = {}
        self.scores: dict[int, quiz.Score] = {}
        self.question: Question | None = None
        self._paused: dict[tuple[int, int], Question] = {}  # questions left half-answered by ← (or a jump)
        self._closed: dict[tuple[int, int], Text | None] = {}  # each answered step's verdicts
        self._view = QuizView()

    @property
    def session(self) -> Session:
        return self.screen.session

    @property
    def lesson(self) -> Lesson:
        return self.screen.app.scenario.lesson

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
        return _("quiz {score}").format(score=self.score(self.session.position.epoch)) if self.on else ""

    def blocks(self, action: str) -> bool:
        """Play, run and End are off in quiz mode: say so."""
        if not self.on or action not in NOT_IN_QUIZ:
            return False
        self.screen.app.say(
            _("{key} is off in quiz mode: answer each step, then →.").format(key=_(NOT_IN_QUIZ[action])),
            timeout=3,
            alone=True,
        )
        return True

    # --- the flow ---------------------------------------------------------------------------------

    def clear(self) -> None:
        self.answers.clear()
        self.scores.clear()
        self.question = None
        self._paused.clear()
        self._closed.clear()
        self._show(prompt=None, feedback=None, hint=None, choices=())

    def start(self) -> None:
        """Quiz mode from the start (a lesson, a reset, a newly opened scenario): step 1 is asked too."""
        if self.on:
            self.ask_here()

    def leave(self) -> bool:
        """Moving off a step with an open question puts it aside (asked again, where it stopped, on the way
        back); True when one was put aside."""
        if self.question is not None and not self.hidden():
            q = self.question
            self.question = None
            self._paused[(q.epoch, q.index)] = q
            self._show(prompt=None, feedback=None, hint=None, choices=())
            return True
        return False

    def ask_here(self, forward: bool = True) -> None:
        """Arriving on a step: a worked example (fading) is shown; moving forward, the step's questions are
        asked unless answered."""
        if not self.on or self.question is not None:
            return
        here = self.here()
        step = self.session.step()
        if self.lesson.fade and quiz.worked(*here, self.session.n_steps):
            self.answers[here] = "seen"
            self._show(prompt=None, feedback=self._worked(step), hint=None, choices=())
            return
        if here in self._closed:  # an answered step: its verdicts again
            self._show(prompt=None, feedback=self._closed[here], hint=None, choices=())
        if not forward or here in self.answers:
            return
        self.score(here[0])
        q = self._paused.pop(here, None)
        if q is None:
            worked_value = self.lesson.fade  # a step left to the student: its worked example is theirs to write
            q = Question(*here, quiz.asks(step, self.lesson.values, worked_value))
        self.question = q
        self._ask(q)

    def toggle(self) -> bool:
        """Quiz mode on or off; True when it is now on."""
        self.on = not self.on
        if self.on:
            self.answers.setdefault(self.here(), "seen")  # the step on screen is already revealed
            idle = Text(_("Press → : each next result is hidden until you answer its questions."), style="italic")
            self._show(prompt=None, feedback=idle, hint=None, choices=())
        else:
            self.question = None
            self._show(prompt=None, feedback=None, hint=None, choices=())
        return self.on

    def focus(self) -> None:
        """Put the cursor in the answer field (→ with a question open)."""
        self._show(focus=self._view.focus + 1)

    def give_up(self) -> None:
        """Esc: the open question counts wrong, its answer is shown, and the next one is asked."""
        q = self.question
        if q is None or not self.hidden():
            return
        step = self.session.step()
        ask = q.ask
        if ask.kind == quiz.SHAPE:
            self._shape_verdict(q, step, None)
        elif ask.kind == quiz.ARRANGEMENT:
            self._arrangement_verdict(q, step, None)
        else:
            self._value_verdict(q, step, None, "")
        self._next(q)

    def choose(self, number: int) -> None:
        """Keys 1–4 at an arrangement question."""
        q = self.question
        if q is None or not self.hidden() or q.ask.kind != quiz.ARRANGEMENT:
            return
        step = self.session.step()
        choices = quiz.arrangement_question(step, q.ask)[1]
        if not 1 <= number <= len(choices):
            self._retry(_("Press a number from 1 to {n}.").format(n=len(choices)))
            return
        self._arrangement_verdict(q, step, number - 1)
        self._next(q)

    def submit(self, text: str) -> None:
        q = self.question
        if q is None or not self.hidden():
            return
        step = self.session.step()
        text = text.strip()
        if q.ask.kind == quiz.SHAPE:
            shape = quiz.parse_shape(text)
            if shape is None:  # malformed: a hint, no penalty
                hint = _(quiz.SHAPE_HINT)
                self._retry(_("'{text}' is not a shape. {hint}").format(text=text, hint=hint) if text else hint)
                return
            self._shape_verdict(q, step, shape)
        elif q.ask.kind == quiz.ARRANGEMENT:
            number = int(text) if text.isdigit() else 0
            self.choose(number) if number else self._retry(_("Press 1, 2, 3 or 4: the number of the product."))
            return
        elif not text:  # Enter alone skips a value: not scored, the worked example still shown
            self._value_verdict(q, step, None, "", skipped=True)
        else:
            value = quiz.parse_value(text)
            if value is None:
                self._retry(_("'{text}' is not a number. {hint}").format(text=text, hint=_(quiz.VALUE_HINT)))
                return
            self._value_verdict(q, step, value, text)
        self._next(q)

    # --- verdicts ---------------------------------------------------------------------------------

    def _scored(self, q: Question, right: bool) -> None:
        self.score(q.epoch).add(right)
        q.right = q.right and right

    def _mark(self, right: bool | None, what: str | Text) -> Text:
        colours = self.screen.colours
        t = Text()
        if right is None:
            t.append("– ", style="bold")
        else:
            t.append("✓ " if right else "✗ ", style=style("bold", colours.right if right else colours.wrong))
        t.append(what)
        return t

    def _shape_verdict(self, q: Question, step: Step, shape: tuple[int, int] | None) -> None:
        expected = quiz.expected_shape(step, q.ask)
        right = shape == expected
        self._scored(q, right)
        name = step.operations[q.ask.op].symbol
        wrong = "" if right else _gave_up() if shape is None else _(" (not {shape})").format(shape=dims(shape))
        verdict = fill(_("{name} is {shape}{wrong}."), name=name, shape=dims(expected), wrong=(wrong, "bold"))
        q.marks.append(self._mark(right, verdict))
        t = self._mark(right, verdict)
        # The why of a product's shape says how it is formed: it waits for the arrangement question.
        arranged_next = q.at + 1 < len(q.asks) and q.asks[q.at + 1].kind == quiz.ARRANGEMENT
        if not right and not arranged_next:
            t.append(" ")
            t.append(quiz.why(step, q.ask), style="italic")
        q.feedback = t

    def _arrangement_verdict(self, q: Question, step: Step, chosen: int | None) -> None:
        choices, answer = quiz.arrangement_question(step, q.ask)[1:]
        right = chosen == answer
        self._scored(q, right)
        wrong = "" if right else _gave_up() if chosen is None else _not(choices[chosen])
        verdict = fill(
            _("{name} = {product}{wrong}."),
            name=step.operations[q.ask.op].symbol,
            product=choices[answer],
            wrong=(wrong, "bold"),
        )
        q.marks.append(self._mark(right, verdict))
        q.feedback = self._mark(right, verdict) + Text(" ") + Text(quiz.why(step, q.ask), style="italic")

    def _value_verdict(self, q: Question, step: Step, value: float | None, typed: str, skipped: bool = False) -> None:
        target = quiz.value_target(step, q.ask)
        decimals = self.screen.decimals
        shown = target.written(decimals)  # in its matrix's power of ten: a tiny gradient is not "0.000"
        if skipped:
            right = None
            t = self._mark(None, _("{name} = {value} (skipped)").format(name=target.label, value=shown))
        else:
            tolerance, scale = self.lesson.tolerance, target.scale(decimals)
            right = value is not None and quiz.check_value(value, target.value, decimals, tolerance, scale)
            self._scored(q, right)
            t = self._mark(right, f"{target.label} = {shown}")
            if not right:
                t.append(_gave_up() if value is None else _not(typed), style="bold")
        q.marks.append(t.copy())
        t.append("\n")
        t.append_text(self._expansion(step, q.ask))
        q.feedback = t

    def _expansion(self, step: Step, ask: quiz.Ask) -> Text:
        """The entry's worked example: the gate model's expansion with the numbers plugged in."""
        e = step.operations[ask.op].expand(*ask.entry)
        lines = expansion_lines(e, self.screen.decimals, WORKED_WIDTH, hint=False)
        return Text("\n").join(Text.assemble(*((s, st) for s, st in line)) for line in lines)

    def _worked(self, step: Step) -> Text:
        """A worked step (fading): entry [1,1] of each result written out."""
        t = Text(_("Worked example — study it: later epochs leave this step to you.") + "\n", style="italic")
        parts = [self._expansion(step, quiz.Ask(quiz.VALUE, k)) for k in range(len(step.operations))]
        return t + Text("\n").join(parts)

    def _next(self, q: Question) -> None:
        q.at += 1
        if q.at < len(q.asks):
            self._ask(q)
            self.screen.refresh_view()  # the score in the header
        else:
            self._finish(q)

    def _finish(self, q: Question) -> None:
        self.answers[(q.epoch, q.index)] = "right" if q.right else "wrong"
        self.question = None
        self._closed[(q.epoch, q.index)] = self._feedback(q)
        self._show(prompt=None, feedback=self._closed[(q.epoch, q.index)], hint=None, choices=())
        self.screen.post_message(
            QuizAnswered(q.epoch, q.index, q.right, q.index == self.session.n_steps, str(self.score(q.epoch)))
        )

    # --- what the panel shows ---------------------------------------------------------------------

    def _feedback(self, q: Question) -> Text | None:
        """The earlier verdicts of the step in short, then the last one in full."""
        if q.feedback is None:
            return None
        if len(q.marks) < 2:
            return q.feedback
        return Text("  ").join(q.marks[:-1]) + Text("\n") + q.feedback

    def _ask(self, q: Question) -> None:
        step = self.session.step()
        ask = q.ask
        choices: tuple[str, ...] = ()
        if ask.kind == quiz.SHAPE:
            prompt, placeholder = quiz.shape_question(step, ask), _("rows x cols")
        elif ask.kind == quiz.ARRANGEMENT:
            prompt, choices = quiz.arrangement_question(step, ask)[:2]
            placeholder = f"1–{len(choices)}"
        else:
            prompt, placeholder = quiz.value_question(quiz.value_target(step, ask)), _("a number")
        v = self._view
        self._show(
            prompt=prompt,
            feedback=self._feedback(q),
            hint=None,
            placeholder=placeholder,
            choices=choices,
            asked=v.asked + 1,
        )

    def _retry(self, hint: str) -> None:
        self._show(hint=hint, retry=self._view.retry + 1)

    def _show(self, **changes) -> None:
        self._view = replace(self._view, **changes)
        self.publish()

    def publish(self) -> None:
        """The panel's view for the position on screen (its title carries the epoch's score)."""
        epoch = self.session.position.epoch if self.screen.loaded else 1
        title = (
            _("Quiz · epoch {epoch} · {score}").format(epoch=count(epoch), score=self.score(epoch))
            if self.on
            else _("Quiz")
        )
        v = self._view
        if v.on != self.on or v.title != title:
            v = self._view = replace(v, on=self.on, title=title)
        if self.screen.quiz is not v:
            self.screen.quiz = v
