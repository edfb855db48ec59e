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


def open_ask(app) -> quiz.Ask:
    return app.main.quiz_mode.question.ask


async def answer(pilot, app, right: bool = True) -> None:
    """Answer the open question: rightly, or wrongly (one row too many, the next choice, a value off by 1)."""
    step, ask = app.session.step(), open_ask(app)
    if ask.kind == quiz.SHAPE:
        rows, cols = quiz.expected_shape(step, ask)
        await pilot.press(*typed((rows if right else rows + 1, cols)), "enter")
    elif ask.kind == quiz.ARRANGEMENT:
        k = quiz.arrangement_question(step, ask)[2]
        await pilot.press(str((k if right else (k + 1) % 4) + 1))
    else:
        v = quiz.value_target(step, ask).value
        await pilot.press(*f"{v if right else v + 1:.6f}", "enter")


async def answer_step(pilot, app, right: bool = True) -> int:
    """Answer every question of the step on screen; how many there were."""
    n = 0
    while app.main.quiz_mode.hidden():
        await answer(pilot, app, right)
        n += 1
    return n


# --- the pure module -----------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["3x1", "3×1", "3 x 1", "3,1", "(3, 1)", " 3X1 ", "3 1", "(3,1)", "3*1"])
def test_parse_shape_accepts_the_usual_spellings(answer):
    assert quiz.parse_shape(answer) == (3, 1)


@pytest.mark.parametrize(
    "answer", ["", "abc", "3", "3x", "x1", "3x1x2", "0x1", "3x0", "-3x1", "3.5x1", "3x1)(", "1" * 8 + "x1"]
)
def test_parse_shape_rejects_the_rest(answer):
    assert quiz.parse_shape(answer) is None


def shape_asks(st):
    return [a for a in quiz.asks(st) if a.kind == quiz.SHAPE]


def test_every_result_is_asked_its_shape():
    s = steps("sleep-study")
    got = [(st.index, st.phase, st.gate, [quiz.expected_shape(st, a) for a in shape_asks(st)]) for st in s]
    assert got == [
        (1, "forward", "mul", [(4, 3)]),
        (2, "forward", "add", [(4, 3)]),
        (3, "forward", "activation", [(4, 3)]),
        (4, "forward", "mul", [(4, 1)]),
        (5, "forward", "add", [(4, 1)]),
        (6, "forward", "activation", [(4, 1)]),
        (7, "forward", "cost", [(1, 1)]),
        (8, "backward", "cost", [(4, 1)]),
        (9, "backward", "activation", [(4, 1)]),
        (10, "backward", "add", [(1, 1)]),
        (11, "backward", "mul", [(3, 1), (4, 3)]),  # ∂J/∂W2 and ∂J/∂a2: the error split among the hidden units
        (12, "backward", "activation", [(4, 3)]),
        (13, "backward", "add", [(1, 3)]),
        (14, "backward", "mul", [(2, 3)]),
        (15, "update", "update", [(3, 1), (1, 1)]),
        (16, "update", "update", [(2, 3), (1, 3)]),
    ]
    for st in s:  # the shapes of the arrays the engine wrote, in order
        assert [quiz.expected_shape(st, a) for a in shape_asks(st)] == [a.shape for a in st.outputs.values()]


def test_every_result_is_asked_on_deep():
    s = steps("deep")
    net = resolve("deep")
    by = {(st.phase, st.gate, st.layer): st for st in s}
    for l, w in enumerate(net.params.weights, start=1):
        st = by[("backward", "mul", l)]
        asked = [st.operations[a.op].result for a in shape_asks(st)]
        assert asked == ([f"dJ_dW{l}", f"dJ_da{l}"] if l > 1 else ["dJ_dW1"])  # ∂J/∂a in every layer but the first
        assert quiz.expected_shape(st, shape_asks(st)[0]) == w.shape
        if l > 1:
            assert quiz.expected_shape(st, shape_asks(st)[1]) == (net.m, w.shape[0])


def test_arrangements_at_backward_mulgates_only():
    for st in steps("deep"):
        kinds = [a.kind for a in quiz.asks(st)]
        if st.gate == "mul" and st.phase == "backward":
            # each result: its shape, then how its product is formed
            assert kinds[:2] == [quiz.SHAPE, quiz.ARRANGEMENT] and kinds.count(quiz.ARRANGEMENT) == len(st.operations)
            for a in quiz.asks(st):
                if a.kind == quiz.ARRANGEMENT:
                    prompt, choices, right = quiz.arrangement_question(st, a)
                    op = st.operations[a.op]
                    assert len(choices) == 4 and len(set(choices)) == 4
                    assert choices[right].replace(" ", "") == op.expression().replace(" ", "")
                    assert op.symbol in prompt and "1–4" in prompt
                    assert op.expression() not in prompt
        else:
            assert quiz.ARRANGEMENT not in kinds


def test_the_right_arrangement_is_not_always_the_same_key():
    places = {
        quiz.arrangement_question(st, a)[2]
        for name in ("sleep-study", "deep")
        for st in steps(name)
        for a in quiz.asks(st)
        if a.kind == quiz.ARRANGEMENT
    }
    assert len(places) >= 3


@pytest.mark.parametrize("name", ["sleep-study", "deep"])
def test_why_texts_name_the_rule_of_each_gate(name):
    for st in steps(name):
        w = " ".join(quiz.why(st, a) for a in shape_asks(st))
        for a in shape_asks(st):
            assert dims(quiz.expected_shape(st, a)) in w, (st.title, w)
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


def test_given_names_the_matrices_as_stored():
    s = steps("sleep-study")
    assert quiz.given(s[0]) == "X 4×2, W1 2×3"
    assert quiz.given(s[10]) == "a2 4×3, δ3 4×1, W2 3×1"  # not a2ᵀ 3×4: the transpose is asked
    for st in s:
        for a in shape_asks(st):
            assert st.operations[a.op].symbol not in quiz.given(st)  # the result is not given
        assert "ᵀ" not in quiz.given(st)


def test_value_targets_at_cost_and_bias_steps_by_default():
    s = steps("sleep-study")
    targets = {st.index: [quiz.value_target(st, a) for a in quiz.asks(st) if a.kind == quiz.VALUE] for st in s}
    assert {i for i, t in targets.items() if t} == {7, 8, 10, 13}
    assert targets[7][0].label == "J" and targets[7][0].value == pytest.approx(s[6].outputs["J"][0, 0])
    assert targets[8][0].label == "∂J/∂ŷ[1,1]"
    assert targets[10][0].label == "∂J/∂b2[1,1]" and targets[13][0].label == "∂J/∂b1[1,1]"
    assert targets[13][0].value == s[12].outputs["dJ_db1"][0, 0]


def test_a_lessons_values_replace_the_default():
    s = steps("sleep-study")
    values = (("dJ_dW2", 1, 0), ("dJ_da2", 3, 2))
    asked = {st.index: [quiz.value_target(st, a) for a in quiz.asks(st, values) if a.kind == quiz.VALUE] for st in s}
    assert {i for i, t in asked.items() if t} == {11}
    w, a = asked[11]
    assert w.label == "∂J/∂W2[2,1]" and w.value == s[10].outputs["dJ_dW2"][1, 0]
    assert a.label == "∂J/∂a2[4,3]" and a.value == s[10].outputs["dJ_da2"][3, 2]
    # each value comes after its result's shape (and arrangement) question
    kinds = [(x.kind, x.op) for x in quiz.asks(s[10], values)]
    assert kinds == [("shape", 0), ("arrangement", 0), ("value", 0), ("shape", 1), ("arrangement", 1), ("value", 1)]


def test_fading_leaves_one_more_step_each_epoch_from_the_last():
    n = 16
    assert all(quiz.worked(1, i, n) for i in range(1, n + 1))
    assert [i for i in range(1, n + 1) if not quiz.worked(2, i, n)] == [16]
    assert [i for i in range(1, n + 1) if not quiz.worked(4, i, n)] == [14, 15, 16]
    assert not any(quiz.worked(17, i, n) for i in range(1, n + 1))
    # a step left to the student asks its worked example's value
    st = steps("sleep-study")[0]
    assert [a.kind for a in quiz.asks(st, worked_value=True)] == [quiz.SHAPE, quiz.VALUE]


def test_check_value_tolerance():
    assert quiz.check_value(0.094, 0.09431, 3)  # within half a unit of the 3rd decimal
    assert not quiz.check_value(0.093, 0.09431, 3)
    assert quiz.check_value(0.0943, 0.09431, 6)  # 6 decimals: still within a relative 1e-3
    assert not quiz.check_value(0.0940, 0.09431, 6)
    assert quiz.check_value(1234.5, 1234.0, 0)
    assert quiz.check_value(100_050.0, 100_000.0, 6)  # relative 1e-3
    assert not quiz.check_value(float("nan"), 1.0, 3)
    # a gradient shown ×10⁻⁵ is checked at that scale: 0 is not an answer to -2.2134e-5
    assert not quiz.check_value(0.0, -2.2134e-5, 3, scale=-5)
    assert quiz.check_value(-2.213e-5, -2.2134e-5, 3, scale=-5) and not quiz.check_value(
        -2.21e-5, -2.2134e-5, 3, scale=-5
    )
    assert quiz.check_value(0.5, 0.45, 3, tolerance=0.05) and not quiz.check_value(0.5, 0.4, 3, tolerance=0.05)
    assert not quiz.check_value(0.0943, 0.09431, 3, tolerance=0.0)  # a lesson's tolerance replaces the default
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
        step = text(app, "#step")
        assert "find z2" in step and "4×3" not in step.split("find")[1] and "z2 =" not in step
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
        assert "✗ z2 is 4×3 (you gave up)." in quiz_text(app) and "broadcast" in quiz_text(app)
        assert "z2 4×3" in text(app, "#matrices")


async def walk_to(pilot, app, index: int) -> None:
    """Answer every step rightly up to step `index` (not answered yet)."""
    while app.session.position.index < index:
        await pilot.press("right")
        if app.session.position.index < index:
            await answer_step(pilot, app)


async def test_backward_mulgate_asks_both_results_and_how_each_is_formed():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("k")
        await walk_to(pilot, app, 11)  # ∂J/∂W2 = a2ᵀ·δ3 and ∂J/∂a2 = δ3·W2ᵀ
        before = app.main.quiz_mode.score(1).asked
        step = text(app, "#step")
        # the operands as stored, the results' names; no transpose, no shape algebra, no result shape
        assert "from a2 4×3, δ3 4×1, W2 3×1" in step and "find ∂J/∂W2, ∂J/∂a2" in step
        assert "ᵀ" not in step and "→" not in step and "3×1" not in step.split("find")[1]
        matrices = text(app, "#matrices")
        assert "a2 4×3" in matrices and "ᵀ" not in matrices and "∂J/∂W2 ?×?" in matrices and "∂J/∂a2 ?×?" in matrices
        assert "?" in text(app, "#graph") and "δ3 4×1" not in text(app, "#graph")
        # 1. ∂J/∂W2's shape, right
        assert "Shape of ∂J/∂W2?" in text(app, "#quiz-prompt")
        await pilot.press(*"3x1", "enter")
        assert "✓ ∂J/∂W2 is 3×1." in quiz_text(app) and "transposed" not in quiz_text(app)  # the why waits
        # 2. how it is formed: keys 1–4, wrong
        assert "How is ∂J/∂W2 formed?" in text(app, "#quiz-prompt")
        choices = text(app, "#quiz-choices")
        _, options, right = quiz.arrangement_question(app.session.step(), open_ask(app))
        for n, o in enumerate(options, 1):
            assert f"{n} {o}" in choices
        assert app.main.quiz_mode.hidden() and "ᵀ" not in text(app, "#step")
        wrong = (right + 1) % 4
        await pilot.press(str(wrong + 1))
        fb = quiz_text(app)
        assert f"✗ ∂J/∂W2 = {options[right]}, not {options[wrong]}." in fb and "on the left" in fb
        # 3. ∂J/∂a2's shape, wrong; 4. its arrangement, given up
        assert "Shape of ∂J/∂a2?" in text(app, "#quiz-prompt") and app.main.quiz_mode.hidden()
        assert "∂J/∂a2 ?×?" in text(app, "#matrices")  # still hidden after the first result's answers
        await pilot.press(*"3x4", "enter")
        assert "✗ ∂J/∂a2 is 4×3 (not 3×4)." in quiz_text(app)
        await pilot.press("escape")
        fb = quiz_text(app)
        _, options, right = quiz.arrangement_question(app.session.step(), quiz.Ask(quiz.ARRANGEMENT, 1))
        assert f"✗ ∂J/∂a2 = {options[right]} (you gave up)." in fb and "on the right" in fb
        assert app.main.quiz_mode.question is None and app.main.quiz_mode.score(1).asked == before + 4
        assert app.main.quiz_mode.score(1).right == before + 1
        assert "∂J/∂a2 4×3" in text(app, "#matrices") and "a2ᵀ" in text(app, "#matrices")  # revealed, as it enters


async def test_arrangement_right_and_digits_typed_into_shapes():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("k")
        await walk_to(pilot, app, 14)  # ∂J/∂W1 = Xᵀ·δ2
        field = app.query_one(QuizInput)
        await pilot.press("2", "x")  # at a shape question digits are typed
        assert field.value == "2x"
        await pilot.press("3", "enter")
        _, options, right = quiz.arrangement_question(app.session.step(), open_ask(app))
        assert options[right] == "Xᵀ · δ2"
        await pilot.press(str(right + 1))
        assert "✓ ∂J/∂W1 = Xᵀ · δ2." in quiz_text(app) and app.main.quiz_mode.question is None


async def test_cost_step_asks_a_value_and_hides_J():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("k")
        assert "J = ?" in text(app, "#cost-text")  # the cost panel must not give the answer away
        await walk_to(pilot, app, 7)  # step 7: the cost
        assert app.session.position == Position(1, 7) and "J = ?" in text(app, "#cost-text")
        await pilot.press(*"1x1", "enter")
        assert app.main.quiz_mode.question is not None and open_ask(app).kind == quiz.VALUE  # the outputs stay hidden
        assert "Value of J" in text(app, "#quiz-prompt") and "J 1×1" not in text(app, "#matrices")
        J = app.session.step().outputs["J"][0, 0]
        await pilot.press(*f"{J:.3f}", "enter")
        assert app.main.quiz_mode.question is None and "7/7" in quiz_text(app)
        assert f"J = {fmt(J, 3)}" in quiz_text(app)
        assert "½·(" in quiz_text(app)  # the worked example: the squared errors with the numbers plugged in
        assert "J = ?" not in text(app, "#cost-text")
        await pilot.press("right", *"4x1", "enter", "5", "enter")  # ∂J/∂ŷ: a wrong value
        assert "8/9" in quiz_text(app) and "✗" in quiz_text(app) and ", not 5" in quiz_text(app)
        await pilot.press("right", *"4x1", "enter", "right", *"1x1", "enter", "enter")  # skip the value
        assert "10/11" in quiz_text(app) and "(skipped)" in quiz_text(app)
        assert app.session.position == Position(1, 10) and app.main.quiz_mode.question is None
        e = app.session.step().operations[0].expand(0, 0)
        assert e.numbers(3) in quiz_text(app)  # its worked example even so


async def test_value_given_up_shows_the_worked_example():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("k")
        await walk_to(pilot, app, 10)  # ∂J/∂b2 = 1ᵀ·δ3
        await pilot.press(*"1x1", "enter", "escape")
        step = app.session.step()
        e = step.operations[0].expand(0, 0)
        fb = quiz_text(app)
        assert "✗ ∂J/∂b2[1,1]" in fb and "(you gave up)" in fb and e.numbers(3) in fb
        assert app.main.quiz_mode.score(1).right == app.main.quiz_mode.score(1).asked - 1


async def test_whole_epoch_summary_and_new_epoch_score():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("k")
        right = asked = 0
        for _step in range(app.session.n_steps - 1):
            await pilot.press("right")
            while app.main.quiz_mode.hidden():
                ok = asked % 5 != 0
                await answer(pilot, app, ok)
                asked += 1
                right += ok
        assert app.session.position == Position(1, 16) and asked == 25  # 15 steps: 18 shapes, 3 arrangements, 4 values
        assert any(f"Epoch 1 quiz: {right}/{asked}" in str(n.message) for n in app._notifications)
        await pilot.press("right")
        assert app.session.position == Position(2, 1)  # a new epoch, a new score
        assert "quiz 0/0" in header(app) and app.main.quiz_mode.question is not None
        await pilot.press(*"4x3", "enter")
        assert "quiz 1/1" in header(app)
        await pilot.press("left")  # back into epoch 1: its score
        assert f"quiz {right}/{asked}" in header(app)


async def test_a_half_answered_step_resumes_where_it_stopped():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("k")
        await walk_to(pilot, app, 11)
        await pilot.press(*"3x1", "enter")  # one of four
        await pilot.press("left")
        assert app.main.quiz_mode.question is None and app.session.position == Position(1, 10)
        asked = app.main.quiz_mode.score(1).asked
        await pilot.press("right")
        assert "How is ∂J/∂W2 formed?" in text(app, "#quiz-prompt")  # not the shape again
        assert app.main.quiz_mode.score(1).asked == asked


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


async def train_in_quiz_mode(pilot, app, epochs: int) -> None:
    await pilot.press("k", "t")
    app.screen.query_one("#train-input").value = str(epochs)
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_training_in_quiz_mode_asks_the_new_epoch():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await train_in_quiz_mode(pilot, app, 5)
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
        await pilot.press(*"4x3", "enter")
        await walk_to(pilot, app, 7)  # on to the cost step's value question
        await pilot.press(*"1x1", "enter")
        assert app.main.quiz_mode.question is not None and open_ask(app).kind == quiz.VALUE
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


# --- a lesson's values, tolerance and fading ---------------------------------------------------------


def with_lesson(**lesson) -> BackpropApp:
    return BackpropApp(dataclasses.replace(resolve("sleep-study"), lesson=Lesson(quiz=True, **lesson)))


async def test_a_lessons_values_and_tolerance():
    app = with_lesson(values=(("dJ_dW2", 1, 0), ("dJ_da2", 3, 2)), tolerance=0.01)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"4x3", "enter")
        await walk_to(pilot, app, 7)
        await pilot.press(*"1x1", "enter")  # the cost: no value asked, the lesson chose others
        assert app.main.quiz_mode.question is None
        await walk_to(pilot, app, 11)
        await pilot.press(*"3x1", "enter")
        await answer(pilot, app)  # how ∂J/∂W2 is formed
        assert "Value of ∂J/∂W2[2,1]?" in text(app, "#quiz-prompt")
        step = app.session.step()
        w = step.outputs["dJ_dW2"][1, 0]
        await pilot.press(*f"{w + 0.009:.6f}", "enter")  # within the lesson's 0.01
        fb = quiz_text(app)
        assert f"✓ ∂J/∂W2[2,1] = {fmt(w, 3)}" in fb
        assert step.operations[0].expand(1, 0).numbers(3) in fb  # the entry's worked example
        assert "Σ" in fb or "a2[" in fb
        await pilot.press(*"4x3", "enter")
        await answer(pilot, app)
        assert "Value of ∂J/∂a2[4,3]?" in text(app, "#quiz-prompt")
        a = step.outputs["dJ_da2"][3, 2]
        await pilot.press(*f"{a + 0.02:.6f}", "enter")  # beyond it
        shown = quiz.value_target(step, quiz.Ask(quiz.VALUE, 1, (3, 2))).written(3)
        assert shown == f"{a * 100:.3f} ×10⁻²"  # as its matrix shows it
        assert f"✗ ∂J/∂a2[4,3] = {shown}" in quiz_text(app) and app.main.quiz_mode.question is None


async def test_fading_works_epoch_1_and_leaves_the_last_steps_later():
    app = with_lesson(fade=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        n = app.session.n_steps
        for index in range(1, n + 1):  # epoch 1: every step worked, nothing asked, nothing hidden
            assert app.main.quiz_mode.question is None and app.session.position == Position(1, index)
            fb = quiz_text(app)
            assert "Worked example" in fb
            for op in app.session.step().operations:
                assert op.expand(0, 0).numbers(3) in fb
            await pilot.press("right")
        assert app.session.position == Position(2, 1) and "quiz 0/0" in header(app)
        for index in range(1, n):  # epoch 2: all but the last
            assert app.main.quiz_mode.question is None, index
            await pilot.press("right")
        assert app.session.position == Position(2, n) and app.main.quiz_mode.hidden()
        kinds = [a.kind for a in app.main.quiz_mode.question.asks]
        assert kinds == [quiz.SHAPE, quiz.VALUE, quiz.SHAPE]  # W1 new: its shape and its worked entry; b1 new
        assert "Worked example" not in quiz_text(app)
        assert await answer_step(pilot, app) == 3 and "quiz 3/3" in header(app)
        await pilot.press("right")
        for _index in range(1, n - 2):  # epoch 3: the last two are the student's
            await pilot.press("right")
        assert app.session.position == Position(3, n - 2) and not app.main.quiz_mode.hidden()
        await pilot.press("right")
        assert app.session.position == Position(3, n - 1) and app.main.quiz_mode.hidden()


async def test_nothing_on_screen_gives_an_open_steps_results_away():
    """At every step of epoch 1 with its first question open: no entry of a result (3 decimals) that is not
    also an entry of a matrix the step starts from, and no result shape, in any panel."""
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("k")
        for index in range(2, app.session.n_steps + 1):
            await pilot.press("right")
            assert app.main.quiz_mode.hidden() and app.session.position.index == index
            step = app.session.step()
            given = {fmt(v, 3) for a in step.inputs.values() for v in a.ravel()}
            given |= {fmt(v, 3) for a in app.session.epoch_pass(1)[0].named().values() for v in a.ravel()}
            screen = " ".join(
                [
                    header(app),
                    *(text(app, s) for s in ("#step", "#matrices", "#graph", "#cost-text", "#explanation-text")),
                ]
            )
            screen += " " + plain(app.query_one("#params-body").content)
            for name, a in step.outputs.items():
                for v in a.ravel():
                    shown = fmt(v, 3)
                    if shown not in given and shown.lstrip("-") not in ("0.000", "1.000"):
                        assert shown not in screen, (index, name, shown)
            step_text = text(app, "#step")
            for a in step.outputs.values():
                assert dims(a.shape) not in step_text.split("find")[1], (index, step_text)
            await answer_step(pilot, app)


async def test_training_in_quiz_mode_keeps_the_next_J_to_itself():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await train_in_quiz_mode(pilot, app, 1)
        said = [str(n.message) for n in app._notifications]
        assert "Trained 1 epoch: now at epoch 2, J = ?." in said, said  # J of epoch 2 is asked at its cost step
        await pilot.press("escape", "g")  # and the gradient check would list every answer
        assert len(app.screen_stack) == 1 and any("is off in quiz mode" in str(n.message) for n in app._notifications)
