"""The app in both languages: the same walks in English and Chinese give the same numbers and structure,
and in Chinese no panel, footer or notice is left in English (README, Languages)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import app_screen_text
from rich.console import Console

from tui_backprop import i18n
from tui_backprop.app import BackpropApp
from tui_backprop.app.view import fmt
from tui_backprop.app.widgets.header import StepHeader
from tui_backprop.core import Position
from tui_backprop.notation import phase_word

SIZE = (120, 40)
SCENARIOS = Path(__file__).parents[1] / "scenarios"
CJK = re.compile(r"[\u4e00-\u9fff]")
# Words of the English app's panels, footer and header: none of them may be on a Chinese screen.
ENGLISH = re.compile(
    r"\b(Graph|Parameters|Matrices|Why|Cost J|epoch|step|FORWARD|BACKWARD|UPDATE|Next|Prev|Quit|Help|"
    r"shapes|values|gradients|Quiz|quiz|palette|more|loading)\b"
)


@pytest.fixture(params=["en", "zh"])
def lang(request):
    """The app in `lang` (as --lang chooses it); the suite's English (the locale's) afterwards."""
    i18n.start(request.param)
    yield request.param
    i18n.start()


def plain(renderable) -> str:
    console = Console(width=200, record=True, color_system=None, file=open("/dev/null", "w"))
    console.print(renderable)
    return console.export_text()


def text(app, selector: str) -> str:
    return plain(app.query_one(selector).content)


def header(app) -> str:
    return app.query_one(StepHeader).text_plain


def quiz_text(app) -> str:
    return plain(app.query_one("#quiz-feedback").content) + app.query_one("#quiz").border_title


def assert_in_language(app, code: str) -> None:
    shown = app_screen_text(app)
    if code == "zh":
        assert CJK.search(shown)
        assert not ENGLISH.findall(shown), ENGLISH.findall(shown)
    else:
        assert not CJK.search(shown)


async def test_a_walk_through_an_epoch_in_both_languages(lang):
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        s = app.session
        assert app.query_one(StepHeader).view.name == s.scenario.title
        assert_in_language(app, lang)
        phases = []
        for _ in range(s.n_steps):
            phases.append(header(app).split("·")[-1].strip())
            await pilot.press("right")
        words = [phase_word(p).upper() for p in ("forward", "backward", "update")]
        assert phases == [words[0]] * 7 + [words[1]] * 7 + [words[2]] * 2
        assert s.position == Position(2, 1) and "2" in header(app).split("·")[-3]
        await pilot.press("left")  # back across the update into epoch 1
        assert s.position == Position(1, 16)
        for _ in range(5):
            await pilot.press("left")
        # step 11: backward mulGate of layer 2, the same symbols and numbers in either language
        step = app.session.step()
        assert "∂J/∂W2 = a2ᵀ · δ3" in text(app, "#step") and "(3×4)·(4×1) → 3×1" in text(app, "#step")
        matrices = text(app, "#matrices")
        assert "a2  4×3" in matrices and "✎ ∂J/∂W2  3×1" in matrices
        assert fmt(step.outputs["dJ_dW2"][0, 0], 3) in matrices
        assert "J = 0.1446" in text(app, "#cost-text")
        assert app.query_one("#explanation-text").content.plain == step.explanation
        assert_in_language(app, lang)
        await pilot.press("end", "left")  # step 15: the update of W2, old → new
        update = app.session.step()
        old, new = update.inputs["W2"][0, 0], update.outputs["W2"][0, 0]
        assert new != old and f"{fmt(old, 3)} → {fmt(new, 3)}" in text(app, "#params-body")


async def test_the_footer_help_and_palette_speak_the_language(lang):
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        footer = {a.binding.action: a.binding.description for a in app.screen.active_bindings.values()}
        assert footer["next"] == i18n._("Next") and footer["command_palette"] == i18n._("palette")
        assert bool(CJK.search(footer["quit"])) == (lang == "zh")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert f"{i18n._('Gradient check')} (g)" in titles and i18n._("Theme") in titles  # ours and Textual's
        assert ("主题" in titles) == (lang == "zh")
        await pilot.press("question_mark")
        await pilot.pause()
        shown = plain(app.screen.query_one("#help-table").content)
        assert ("梯度检验" in shown) == (lang == "zh") and ("Gradient check" in shown) == (lang == "en")
        assert "? F1" in shown


async def test_quiz_walk_in_both_languages(lang):
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("k", "right")  # step 2: addGate, z2 = XW1 + b1
        assert app.main.quiz_mode.question is not None
        assert "z2" in text(app, "#quiz-prompt") and "✎ z2  ?×?" in text(app, "#matrices")
        await pilot.press(*"4x3", "enter")
        assert "✓" in quiz_text(app) and "1/1" in quiz_text(app) and "✎ z2  4×3" in text(app, "#matrices")
        await pilot.press("right", *"3x4", "enter")  # step 3: a wrong shape, then why
        feedback = quiz_text(app)
        assert "✗" in feedback and "4×3" in feedback and "3×4" in feedback and "1/2" in feedback
        await pilot.press("right", *"3x", "enter")  # malformed: a hint, no penalty
        assert app.main.quiz_mode.question is not None and "3x" in text(app, "#quiz-hint")
        assert "1/2" in quiz_text(app)
        assert_in_language(app, lang)


async def test_a_lessons_language_chooses_the_apps_unless_lang_did(tmp_path):
    lesson = (SCENARIOS / "lesson-shapes.toml").read_text(encoding="utf-8")
    path = tmp_path / "lesson-zh.toml"
    path.write_text(lesson.replace("[lesson]\n", '[lesson]\nlanguage = "zh"\n'), encoding="utf-8")
    try:
        i18n.start()  # the locale's (English here): the lesson's language wins over it
        app = BackpropApp(path)
        assert app.first_name() == "课堂：预测形状"  # the first frame's name, before loading, in Chinese
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("enter")  # the lesson's message
            assert i18n.language() == "zh" and "第 1 轮" in header(app)
        i18n.start("en")  # --lang en: the lesson cannot change it
        app = BackpropApp(path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("enter")
            assert i18n.language() == "en" and "epoch 1" in header(app)
    finally:
        i18n.start()


def test_the_served_page_is_titled_in_the_language(serve_with):
    page = serve_with("--lang", "zh").wait_for_page()
    assert "<title>backprop-tui：一步一步看反向传播</title>" in page and 'lang="zh"' in page


async def test_compare_in_both_languages(lang):
    from tui_backprop.app.compare import CompareApp
    from tui_backprop.core.compare import open_pair

    app = CompareApp(*open_pair("sleep-study", assignment="learning_rate=3"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("end")
        header = app.query_one("#cmp-header").text_plain
        assert "learning_rate: 0.5 | 3" in header and "16/16" in header
        assert re.search(r"\b9\b", header.splitlines()[1])  # new W1 and b1 differ: 9 entries marked
        assert_in_language(app, lang)
        assert ("改为 learning_rate=3" in app_screen_text(app)) == (lang == "zh")


@pytest.mark.parametrize(
    ("args", "code", "named"),
    [
        (["sleep-study", "softmax-classes"], 1, ["sleep-study", "softmax-classes", "[2, 3, 1]", "m = 6"]),
        (["sleep-study", "--vary", "learnin_rate=3"], 1, ["--vary", "'learnin_rate'", "'learning_rate'"]),
        (["sleep-study", "--vary", "learning_rate=0.5"], 1, ["--vary learning_rate=0.5", "sleep-study"]),
        (["sleep-study"], 2, ["compare", "--vary KEY=VALUE"]),
    ],
)
def test_compare_refusals_in_chinese_name_what_they_refuse(run_cli, args, code, named):
    r = run_cli("compare", *args, "--lang", "zh")
    assert r.returncode == code and r.stdout == ""
    assert CJK.search(r.stderr) and all(n in r.stderr for n in named), r.stderr
    assert "Traceback" not in r.stderr
