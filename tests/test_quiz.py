"""Quiz mode: the pure question/answer module, then the app's flow with Pilot."""

from __future__ import annotations

import dataclasses

import pytest
from rich.console import Console

from tui_backprop import quiz
from tui_backprop.app import BackpropApp
from tui_backprop.app.view import fmt
from tui_backprop.app.widgets.header import StepHeader
from tui_backprop.app.widgets.quiz import QuizInput, QuizPanel
from tui_backprop.core import Position, Session, resolve
from tui_backprop.core.lesson import Lesson
from tui_backprop.notation import dims

SIZE = (120, 40)


def steps(name: str):
    return Session(resolve(name)).epoch_pass(1)[2]


def plain(renderable, width: int = 200) -> str:
    console = Console(width=width, record=True, color_system=None, file=open("/dev/null", "w"))
    console.print(renderable)
    return " ".join(console.export_text().split())


def text(app, selector: str) -> str:
    return plain(app.query_one(selector).content)  # a Static's, or the matrices panel's Text


def quiz_text(app) -> str:
    panel = app.query_one(QuizPanel)
    return " ".join([panel.border_title or "", text(app, "#quiz-feedback"), text(app, "#quiz-hint")])


def typed(shape: tuple[int, int]) -> str:
    return f"{shape[0]}x{shape[1]}"


def header(app) -> str:
    return app.query_one(StepHeader).text_plain


# --- the pure module -----------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["3x1", "3×1", "3 x 1", "3,1", "(3, 1)", " 3X1 ", "3 1", "(3,1)", "3*1"])
def test_parse_shape_accepts_the_usual_spellings(answer):
    assert quiz.parse_shape(answer) == (3, 1)


@pytest.mark.parametrize(
    "answer", ["", "abc", "3", "3x", "x1", "3x1x2", "0x1", "3x0", "-3x1", "3.5x1", "3x1)(", "1" * 8 + "x1"]
)
def test_parse_shape_rejects_the_rest(answer):
    assert quiz.parse_shape(answer) is None


def test_expected_shape_is_the_first_output_per_gate():
    s = steps("sleep-study")
    got = [(st.index, st.phase, st.gate, quiz.expected_shape(st)) for st in s]
    assert got == [
        (1, "forward", "mul", (4, 3)),
        (2, "forward", "add", (4, 3)),
        (3, "forward", "activation", (4, 3)),
        (4, "forward", "mul", (4, 1)),
        (5, "forward", "add", (4, 1)),
        (6, "forward", "activation", (4, 1)),
        (7, "forward", "cost", (1, 1)),
        (8, "backward", "cost", (4, 1)),
        (9, "backward", "activation", (4, 1)),
        (10, "backward", "add", (1, 1)),
        (11, "backward", "mul", (3, 1)),
        (12, "backward", "activation", (4, 3)),
        (13, "backward", "add", (1, 3)),
        (14, "backward", "mul", (2, 3)),
        (15, "update", "update", (3, 1)),
        (16, "update", "update", (2, 3)),
    ]
    for st in s:  # always the shape of the array the engine wrote first
        assert quiz.expected_shape(st) == next(iter(st.outputs.values())).shape


def test_expected_shape_on_deep():
    s = steps("deep")
    by = {(st.phase, st.gate, st.layer): quiz.expected_shape(st) for st in s}
    net = resolve("deep")
    for l, w in enumerate(net.params.weights, start=1):
        assert by[("backward", "mul", l)] == w.shape  # ∂J/∂W has W's shape
        assert by[("update", "update", l)] == w.shape
        assert by[("backward", "add", l)] == (1, w.shape[1])  # ∂J/∂b has b's shape
        assert by[("forward", "mul", l)] == (net.m, w.shape[1])
    assert by[("forward", "cost", 0)] == (1, 1)


@pytest.mark.parametrize("name", ["sleep-study", "deep"])
def test_why_texts_name_the_rule_of_each_gate(name):
    for st in steps(name):
        w = quiz.why(st)
        shape = dims(quiz.expected_shape(st))
        assert shape in w, (st.title, w)
        if st.gate == "mul" and st.phase == "backward":
            assert "transposed" in w and f"W{st.layer}'s shape" in w and "on the left" in w
            if f"dJ_da{st.layer}" in st.outputs:
                assert f"W{st.layer}ᵀ" in w and "on the right" in w
        elif st.gate == "mul":
            assert "inner dimensions cancel" in w and "(a×b)·(b×c) → a×c" in w
        elif st.gate == "add" and st.phase == "backward":
            assert "1ᵀ" in w and "sum over the batch" in w and f"b{st.layer}'s shape 1×" in w
        elif st.gate == "add":
            assert "broadcast" in w
        elif st.gate == "activation":
            assert "element-wise" in w
        elif st.gate == "cost" and st.phase == "forward":
            assert "single number" in w and "1×1" in w
        elif st.gate == "cost":
            assert "ŷ's shape" in w
        elif st.gate == "update":
            assert "same shape" in w


def test_masked_shapes_hide_the_result_only():
    s = steps("sleep-study")
    assert quiz.masked_shapes(s[0]) == "(4×2)·(2×3) → ?"
    assert quiz.masked_shapes(s[2]) == "f(4×3) → ?"  # not even "(element-wise)"
    assert quiz.masked_shapes(s[10]) == "(3×4)·(4×1) → ?;  (4×1)·(1×3) → ?"
    assert quiz.masked_shapes(s[14]) == "(?) − η·(3×1) → ?;  (?) − η·(1×1) → ?"
    for st in s:
        if st.phase != "update":  # an update's gradient has the answer's shape: that is the point
            assert dims(quiz.expected_shape(st)) not in quiz.masked_shapes(st).split("→")[-1]


def test_value_targets_at_cost_and_bias_steps_only():
    s = steps("sleep-study")
    targets = {st.index: quiz.value_target(st) for st in s}
    assert {i for i, t in targets.items() if t} == {7, 8, 10, 13}
    assert targets[7].label == "J" and targets[7].value == pytest.approx(s[6].outputs["J"][0, 0])
    assert targets[8].label == "∂J/∂ŷ[1,1]"
    assert targets[10].label == "∂J/∂b2[1,1]" and targets[13].label == "∂J/∂b1[1,1]"
    assert targets[13].value == s[12].outputs["dJ_db1"][0, 0]


def test_check_value_tolerance():
    assert quiz.check_value(0.094, 0.09431, 3)  # within half a unit of the 3rd decimal
    assert not quiz.check_value(0.093, 0.09431, 3)
    assert quiz.check_value(0.0943, 0.09431, 6)  # 6 decimals: still within a relative 1e-3
    assert not quiz.check_value(0.0940, 0.09431, 6)
    assert quiz.check_value(1234.5, 1234.0, 0)
    assert quiz.check_value(100_050.0, 100_000.0, 6)  # relative 1e-3
    assert not quiz.check_value(float("nan"), 1.0, 3)
    assert quiz.parse_value(" −0.5 ") == -0.5 and quiz.parse_value("0,25") == 0.25
    assert quiz.parse_value("abc") is None and quiz.parse_value("inf") is None


def test_score_counts():
    score = quiz.Score()
    score.add(True)
    score.add(False)
    assert str(score) == "1/2"


# --- the app -------------------------------------------------------------------------------------


async def test_quiz_right_wrong_malformed_and_score():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        assert not app.query_one(QuizPanel).display
        await pilot.press("k")
        assert app.main.quiz_mode.on and "quiz 0/0" in header(app)
        await pilot.press("right")  # step 2: addGate, z2 = XW1 + b1
        assert app.session.position == Position(1, 2) and app.main.quiz_mode.question is not None
        assert isinstance(app.focused, QuizInput)
        matrices = text(app, "#matrices")
        assert "z2 ?×?" in matrices and "z2 4×3" not in matrices
        assert "→ ?" in text(app, "#step") and "→ 4×3" not in text(app, "#step")
        assert "Shape of z2?" in text(app, "#quiz-prompt")
        await pilot.press(*"4x3", "enter")
        assert app.main.quiz_mode.question is None
        assert "✓" in quiz_text(app) and "1/1" in quiz_text(app) and "quiz 1/1" in header(app)
        assert "z2 4×3" in text(app, "#matrices")
        await pilot.press("right")  # step 3: a2 = σ(z2)
        a2 = app.session.step().outputs["a2"]
        assert fmt(a2[0, 0], 3) not in text(app, "#matrices")
        await pilot.press(*"3x4", "enter")
        feedback = quiz_text(app)
        assert "✗" in feedback and "4×3" in feedback and "element-wise" in feedback and "1/2" in feedback
        assert fmt(a2[0, 0], 3) in text(app, "#matrices")  # revealed
        await pilot.press("right")  # step 4: a question; a malformed answer costs nothing
        await pilot.press(*"3x", "enter")
        assert app.main.quiz_mode.question is not None and "not a shape" in text(app, "#quiz-hint")
        assert "1/2" in quiz_text(app)
        await pilot.press("right")  # → does not skip the open question
        assert app.session.position == Position(1, 4) and app.main.quiz_mode.question is not None
        await pilot.press("left")  # ← goes back, leaving it unanswered
        assert app.session.position == Position(1, 3) and app.main.quiz_mode.question is None
        await pilot.press("left", "right")  # back onto answered steps: no question
        assert app.session.position == Position(1, 3) and app.main.quiz_mode.question is None
        await pilot.press("right")  # step 4 was not answered: asked again
        assert app.main.quiz_mode.question is not None and app.session.position == Position(1, 4)
        await pilot.press(*"(4, 1)", "enter")
        assert "2/3" in quiz_text(app)


async def test_escape_gives_up_and_counts_wrong():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("k", "right", "escape")
        assert app.main.quiz_mode.question is None and "0/1" in quiz_text(app)
        assert "✗ z2 is 4×3 (you gave up)" in quiz_text(app) and "broadcast" in quiz_text(app)
        assert "z2 4×3" in text(app, "#matrices")


async def test_cost_step_asks_a_value_and_hides_J():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("k")
        assert "J = ?" in text(app, "#cost-text")  # the cost panel must not give the answer away
        for _ in range(5):
            await pilot.press("right")
            await pilot.press(*typed(quiz.expected_shape(app.session.step())), "enter")
        assert app.session.position == Position(1, 6) and app.main.quiz_mode.question is None
        assert "J = ?" in text(app, "#cost-text")
        await pilot.press("right")  # step 7: the cost
        await pilot.press(*"1x1", "enter")
        assert (
            app.main.quiz_mode.question is not None and app.main.quiz_mode.question.stage == "value"
        )  # the outputs stay hidden
        assert "Value of J" in text(app, "#quiz-prompt") and "J 1×1" not in text(app, "#matrices")
        J = app.session.step().outputs["J"][0, 0]
        await pilot.press(*f"{J:.3f}", "enter")
        assert app.main.quiz_mode.question is None and "7/7" in quiz_text(app)
        assert f"J = {fmt(J, 3)}" in quiz_text(app)
        assert "J = ?" not in text(app, "#cost-text")
        await pilot.press("right", *"4x1", "enter", "5", "enter")  # ∂J/∂ŷ: a wrong value
        assert "8/9" in quiz_text(app) and "✗" in quiz_text(app) and "not 5" in quiz_text(app)
        await pilot.press("right", *"4x1", "enter", "right", *"1x1", "enter", "enter")  # skip the value
        assert "10/11" in quiz_text(app)
        assert app.session.position == Position(1, 10) and app.main.quiz_mode.question is None


async def test_whole_epoch_summary_and_new_epoch_score():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("k")
        for i in range(app.session.n_steps - 1):
            await pilot.press("right")
            shape = quiz.expected_shape(app.session.step())
            wrong = (shape[0] + 1, shape[1])
            await pilot.press(*typed(wrong if i % 5 == 0 else shape), "enter")
            if app.main.quiz_mode.question is not None:
                await pilot.press("enter")  # skip the value
        assert app.session.position == Position(1, 16)
        assert any("Epoch 1 quiz: 12/15" in str(n.message) for n in app._notifications)
        await pilot.press("right")
        assert app.session.position == Position(2, 1)  # a new epoch, a new score
        assert "quiz 0/0" in header(app) and app.main.quiz_mode.question is not None
        await pilot.press(*"4x3", "enter")
        assert "quiz 1/1" in header(app)
        await pilot.press("left")  # back into epoch 1: its score
        assert "quiz 12/15" in header(app)


async def test_play_run_and_end_are_off_in_quiz_mode():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("k", "space", "e", "end")
        await pilot.pause(0.2)
        assert app.main.playing is None and app.session.position == Position(1, 1)
        await pilot.press("k")  # off again
        assert not app.main.quiz_mode.on and not app.query_one(QuizPanel).display
        await pilot.press("right")
        assert app.main.quiz_mode.question is None and "z2 4×3" in text(app, "#matrices")


async def test_turning_quiz_off_closes_an_open_question():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("k", "right")
        assert app.main.quiz_mode.question is not None
        app.main.action_quiz()  # from the command palette: the input has the focus, so not by k
        await pilot.pause()
        assert app.main.quiz_mode.question is None and not app.main.quiz_mode.on
        assert "z2 4×3" in text(app, "#matrices")


async def test_lesson_quiz_true_starts_in_quiz_mode():
    scenario = dataclasses.replace(resolve("sleep-study"), lesson=Lesson(quiz=True))
    app = BackpropApp(scenario)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.main.quiz_mode.on and app.main.quiz_mode.question is not None  # step 1 is asked from the start
        assert "quiz 0/0" in header(app)
        await pilot.press(*"4x3", "enter")
        assert "1/1" in quiz_text(app)


async def test_locking_quiz_disables_k():
    scenario = dataclasses.replace(resolve("sleep-study"), lesson=Lesson(lock_keys=("quiz",)))
    app = BackpropApp(scenario)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("k")
        assert not app.main.quiz_mode.on
        assert all("Quiz" not in c.title for c in app.get_system_commands(app.screen))
        footer = {b.action for _, b, enabled, _ in app.active_bindings.values() if b.show}
        assert "quiz" not in footer
        assert any("locked by this lesson" in str(n.message) for n in app._notifications)


async def test_quiz_from_the_command_palette():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", *"quiz mode")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.main.quiz_mode.on


async def test_training_in_quiz_mode_asks_the_new_epoch():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("k", "t")
        app.screen.query_one("#train-input").value = "5"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.session.position == Position(6, 1)
        assert app.main.quiz_mode.question is not None and "quiz 0/0" in header(app)


async def test_an_answer_is_never_markup():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("k", "right")
        field = app.query_one(QuizInput)
        field.value = "[/]"  # (pasted: typing "[" is not an answer's character)
        await pilot.press("enter")
        assert app._exception is None and "'[/]' is not a shape" in text(app, "#quiz-hint")
        for _ in range(5):  # on to the cost step's value question
            await pilot.press(*typed(quiz.expected_shape(app.session.step())), "enter", "right")
        await pilot.press(*"1x1", "enter")
        assert app.main.quiz_mode.question is not None and app.main.quiz_mode.question.stage == "value"
        field.value = "[/]"
        await pilot.press("enter")
        assert app._exception is None and "'[/]' is not a number" in text(app, "#quiz-hint")


async def test_keys_that_are_not_an_answer_reach_the_app_in_quiz_mode():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("k")
        shown = [b.action for _, b, enabled, _ in app.screen.active_bindings.values() if enabled and b.show]
        assert "play" not in shown and "quiz" in shown  # Play is off in quiz mode: not in the footer
        await pilot.press("space")  # still says why
        assert any("Play is off in quiz mode" in n.message for n in app._notifications)
        await pilot.press("right")
        field = app.query_one(QuizInput)
        assert app.focused is field and app.main.quiz_mode.question is not None
        await pilot.press("4", "x", "?")
        assert field.value == "4x"  # ? is not typed ...
        from tui_backprop.app.screens.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)  # ... ? opens the help
        await pilot.press("escape")
        assert app.focused is field and field.value == "4x"
        await pilot.press("r", "k")  # a stray r or k neither resets the walk nor ends the quiz
        assert app.session.position.index == 2 and app.main.quiz_mode.on and app.main.quiz_mode.question is not None
        await pilot.press("q")  # and q quits
    assert app.return_code == 0 and field.value == "4x"
