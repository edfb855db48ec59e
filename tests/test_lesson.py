"""The [lesson] table: parsed into a Lesson, every mistake a one-line ScenarioError."""

import pytest

from tui_backprop.core.errors import ScenarioError
from tui_backprop.core.lesson import LOCKABLE, MAX_MESSAGE, PANELS, Lesson, parse_lesson


def test_empty_and_missing_table_give_the_defaults():
    assert parse_lesson("s.toml", {}) == Lesson()
    assert parse_lesson("s.toml", None) == Lesson()
    d = Lesson()
    assert (d.quiz, d.message, d.hide_panels, d.lock_keys) == (False, "", (), ())


def test_a_full_table():
    lesson = parse_lesson(
        "s.toml",
        {
            "quiz": True,
            "message": "  Predict each shape before you press →.  ",
            "hide_panels": ["cost", "parameters"],
            "lock_keys": ["train", "gradcheck", "train"],
        },
    )
    assert lesson.quiz is True
    assert lesson.message == "Predict each shape before you press →."
    assert lesson.hide_panels == ("cost", "parameters")
    assert lesson.lock_keys == ("train", "gradcheck")  # duplicates dropped, order kept
    assert lesson.hides("cost") and not lesson.hides("graph")
    assert lesson.locks("train") and not lesson.locks("play")


def test_lesson_is_frozen_and_hashable():
    lesson = parse_lesson("s.toml", {"lock_keys": ["play"]})
    with pytest.raises(Exception):
        lesson.quiz = True  # type: ignore[misc]
    assert hash(lesson) == hash(Lesson(lock_keys=("play",)))


def test_constants():
    assert PANELS == ("graph", "parameters", "cost", "explanation")
    assert set(LOCKABLE) == {"train", "gradcheck", "open", "play", "reset", "decimals", "quiz"}


def test_every_panel_and_action_is_accepted():
    lesson = parse_lesson("s.toml", {"hide_panels": list(PANELS), "lock_keys": list(LOCKABLE)})
    assert lesson.hide_panels == PANELS and lesson.lock_keys == LOCKABLE


def error(table) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        parse_lesson("class.toml", table)
    exc = info.value
    assert "\n" not in str(exc)
    assert str(exc).startswith("class.toml: ")
    return exc


def test_unknown_key_suggests_the_closest():
    exc = error({"quizz": True})
    assert exc.field == "lesson.quizz"
    assert "did you mean 'quiz'" in exc.message
    assert exc.message.startswith("expected ")
    exc = error({"hidden_panels": ["cost"]})
    assert "did you mean 'hide_panels'" in exc.message


def test_unknown_key_without_a_close_match_lists_the_keys():
    exc = error({"zzz": 1})
    assert "quiz, message, hide_panels, lock_keys" in exc.message


@pytest.mark.parametrize(
    "value, found", [(1, "the number 1"), ("yes", "the string 'yes'"), ([True], "a list of 1 item")]
)
def test_quiz_must_be_a_boolean(value, found):
    exc = error({"quiz": value})
    assert exc.field == "lesson.quiz"
    assert exc.message == f"expected true or false, got {found}"


def test_message_must_be_a_short_string():
    assert error({"message": 5}).message == "expected a string, got the number 5"
    exc = error({"message": "x" * (MAX_MESSAGE + 1)})
    assert exc.field == "lesson.message"
    assert f"at most {MAX_MESSAGE}" in exc.message and "501" in exc.message
    assert parse_lesson("s", {"message": "x" * MAX_MESSAGE}).message == "x" * MAX_MESSAGE


def test_panels_must_be_a_list_of_known_names():
    exc = error({"hide_panels": "cost"})
    assert exc.field == "lesson.hide_panels"
    assert "expected a list of panel names" in exc.message and "the string 'cost'" in exc.message
    exc = error({"hide_panels": ["graph", "costs"]})
    assert exc.field == "lesson.hide_panels item 2"
    assert "did you mean 'cost'" in exc.message
    assert "graph, parameters, cost, explanation" in exc.message
    exc = error({"hide_panels": [3]})
    assert exc.message.endswith("got the number 3")


def test_lock_keys_must_be_known_actions():
    exc = error({"lock_keys": ["gradchek"]})
    assert exc.field == "lesson.lock_keys item 1"
    assert "did you mean 'gradcheck'" in exc.message
    exc = error({"lock_keys": ["fly"]})
    assert "expected one of train, gradcheck, open, play, reset, decimals, quiz" in exc.message
    assert error({"lock_keys": {"train": True}}).message.endswith("got a table")


def test_the_table_itself_must_be_a_table():
    exc = error([1, 2])
    assert exc.field == "lesson"
    assert exc.message == "expected a table [lesson], got a list of 2 items"


def test_from_toml_text():
    import tomllib

    doc = tomllib.loads('[lesson]\nquiz = true\nlock_keys = ["train"]\nmessage = "Hi"\n')
    assert parse_lesson("f.toml", doc["lesson"]) == Lesson(quiz=True, message="Hi", lock_keys=("train",))


def test_every_lockable_action_is_a_lockable_key_of_the_app():
    # The engine validates lesson files without importing the app, so the names live in both places.
    from tui_backprop.app.keys import ACTIONS

    assert all(name in ACTIONS and ACTIONS[name].lockable for name in LOCKABLE)


def test_values_tolerance_and_fade():
    results = {"J": (1, 1), "dJ_dW2": (3, 1), "dJ_db2": (1, 1)}
    lesson = parse_lesson(
        "s.toml", {"values": ["J", "dJ_dW2[2,1]", "dJ_db2", "J"], "tolerance": 0.01, "fade": True}, results
    )
    assert lesson.values == (("J", 0, 0), ("dJ_dW2", 1, 0), ("dJ_db2", 0, 0))
    assert lesson.tolerance == 0.01 and lesson.fade
    assert parse_lesson("s.toml", {}, results).values is None  # the default questions
    assert parse_lesson("s.toml", {"values": []}, results).values == ()  # no value questions at all
