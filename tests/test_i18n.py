"""Teaching in the class's language: the catalogue is complete and current, and every command speaks Chinese.

The catalogue's checks read the sources with Babel (the test extra), the same extraction a translator runs
(README, Languages); the program itself reads the compiled .mo with the standard library's gettext.
"""

from __future__ import annotations

import io
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tui_backprop import i18n
from tui_backprop.cli import main
from tui_backprop.core import ScenarioError, load_bundled, load_file, scenario_from_document
from tui_backprop.core.session import Session
from tui_backprop.notation import cell_len, wrap

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "tui_backprop"
LOCALE = PACKAGE / "locale"
POT = LOCALE / "backprop_tui.pot"
PO = LOCALE / "zh" / "LC_MESSAGES" / "backprop_tui.po"
MO = PO.with_suffix(".mo")
BAD = ROOT / "tests" / "bad"
CJK = re.compile(r"[\u4e00-\u9fff]")
CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")  # its characters or its punctuation
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    i18n.start("en")


def _catalogue(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def _ids(catalogue) -> set:
    return {m.id for m in catalogue if m.id}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


# --- the catalogue ------------------------------------------------------------------------------------


def test_every_message_has_a_chinese_translation():
    """None missing, none fuzzy, none left in English, and the placeholders the code fills are all there."""
    po = _catalogue(PO)
    assert po.plural_forms == "nplurals=1; plural=0;"  # Chinese has one form: ngettext's n still fills {n}
    checked = 0
    for m in po:
        if not m.id:
            continue
        english = m.id if isinstance(m.id, tuple) else (m.id,)
        chinese = m.string if isinstance(m.string, tuple) else (m.string,)
        assert all(chinese), f"untranslated: {english[0]!r}"
        assert "fuzzy" not in m.flags, english[0]
        for text in chinese:
            assert text not in english, f"left in English: {text!r}"
            assert CHINESE.search(text) or text == "zh", f"no Chinese in the translation of {english[0]!r}: {text!r}"
            assert _fields(text) == _fields(english[-1]), (english[0], text)
        checked += 1
    assert checked > 300


def test_the_template_and_the_catalogue_hold_every_message_of_the_sources():
    """Every `_()`, `N_()` and `ngettext()` string of the code is in the .pot and the .po, and nothing stale is."""
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), keywords=KEYWORDS, comment_tags=(), strip_comment_tags=True
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    assert len(found) > 300
    assert found == _ids(_catalogue(POT)), "re-extract the template (README, Languages)"
    assert found == _ids(_catalogue(PO)), "update the .po from the template and translate (README, Languages)"


def test_the_compiled_catalogue_is_the_po_compiled():
    buffer = io.BytesIO()
    write_mo(buffer, _catalogue(PO))
    assert buffer.getvalue() == MO.read_bytes(), "compile the .po (README, Languages)"


def test_translations_are_looked_up_when_shown_not_at_import():
    step = Session(load_bundled("xor")).epoch_pass(1)[2][0]
    assert step.explanation.startswith("A matrix product: each of the 4 rows of X")
    i18n.use_language("zh")
    assert step.explanation.startswith("矩阵乘积：X 的 4 行") and step.title.startswith("乘法门")
    i18n.use_language("en")
    assert step.title.startswith("mulGate")


def test_a_message_of_the_glossary_uses_its_terms():
    """A few of docs/glossary.md's terms, where the catalogue must use them."""
    glossary = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    po = {m.id: m.string for m in _catalogue(PO) if isinstance(m.id, str) and m.id}
    for english, chinese in [
        ("Forward pass", "正向传播"),
        ("Backward pass", "反向传播"),
        ("mulGate: {equation}", "乘法门"),
        ("addGate: {equation}", "加法门"),
        ("biases of layer {next} (one row, broadcast to every row)", "偏置"),
        ("training diverged at epoch {epoch}: {reason}; lower the learning rate", "学习率"),
    ]:
        assert chinese in po[english], english
        assert chinese in glossary, chinese


# --- choosing the language ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "code"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"),  # LC_ALL first, as POSIX has it
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
    ],
)
def test_the_locale_names_the_language(environ, code):
    assert i18n.resolve(None, None, environ) == code


def test_precedence_lang_then_lesson_then_locale():
    zh_locale = {"LANG": "zh_CN.UTF-8"}
    assert i18n.resolve("en", "zh", zh_locale) == "en"
    assert i18n.resolve(None, "en", zh_locale) == "en"
    assert i18n.resolve(None, None, zh_locale) == "zh"
    i18n.start("en", zh_locale)
    i18n.prefer("zh")  # a lesson cannot override --lang
    assert i18n.language() == "en"
    i18n.start(None, zh_locale)
    i18n.prefer("en")  # but it does override the locale
    assert i18n.language() == "en"
    i18n.prefer("")  # a lesson without a language leaves it
    assert i18n.language() == "en"


def _lesson_file(tmp_path: Path, language: str) -> Path:
    text = (ROOT / "scenarios" / "xor.toml").read_text(encoding="utf-8")
    p = tmp_path / f"lesson-{language}.toml"
    p.write_text(text + f'\n[lesson]\nlanguage = "{language}"\n', encoding="utf-8")
    return p


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in i18n.LOCALE_VARIABLES}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "tui_backprop", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=environ,
    )


def test_precedence_through_the_command_line(tmp_path):
    zh_lesson, en_lesson = _lesson_file(tmp_path, "zh"), _lesson_file(tmp_path, "en")
    chinese, english = "反向传播到第", "error back-propagated to layer"
    cases = [
        (("show", str(zh_lesson)), {}, "各层"),  # the lesson beats the (English) locale
        (("show", str(zh_lesson), "--lang", "en"), {}, "layers [2, 3, 1]"),  # --lang beats the lesson
        (("show", str(en_lesson)), {"LANG": "zh_CN.UTF-8"}, "layers [2, 3, 1]"),  # the lesson beats the locale
        (("show", "xor"), {"LANG": "zh_CN.UTF-8"}, "各层"),  # the locale, when nothing else says
        (("show", "xor", "--lang=zh"), {}, "各层"),
    ]
    for args, env, expected in cases:
        r = _run(*args, env=env)
        assert r.returncode == 0, r.stderr
        assert expected in r.stdout, (args, env, r.stdout)
    r = _run("trace", str(zh_lesson), "--lang", "en")
    assert english in r.stdout and chinese not in r.stdout


def test_a_language_that_is_not_offered_is_a_usage_error():
    r = _run("trace", "xor", "--lang", "fr")
    assert r.returncode == 2 and r.stdout == ""
    assert "argument --lang: invalid choice: 'fr'" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("trace", "xor", "--lang", "zh"), ["=== 第 1 轮", "正向", "反向", "乘法门", "加法门", "形状：", "转置"]),
        (("check", "xor", "--lang", "zh"), ["xor：通过：异或：线性不可分，各层 [2, 3, 1]"]),
        (("show", "sleep-study", "--lang", "zh"), ["睡眠与学习 → 考试成绩", "代价 sse", "200 轮"]),
        (("list", "--lang", "zh"), ["名称", "标题", "异或：线性不可分", "默认场景"]),
        (("trace", "xor", "--format", "markdown", "--lang", "zh"), ["## 网络", "## 记号", "### 正向传播（第 1 轮）"]),
        (("train", "xor", "--epochs", "3", "--lang", "zh"), ["第 3 轮  J = ", "训练后的参数："]),
        (("bugs", "--lang", "zh"), ["--bug 可以预埋的错误", "忘了第 N 层的"]),
        (("trace", "--help", "--lang", "zh"), ["输出计算的每一步。", "要记录的轮数（默认 1）"]),
    ],
)
def test_each_command_speaks_chinese(args, words):
    r = _run(*args)
    assert r.returncode == 0, r.stderr
    for w in words:
        assert w in r.stdout, (w, r.stdout[:2000])


def test_the_json_trace_keeps_its_keys_and_translates_its_words():
    import json

    doc = json.loads(_run("trace", "xor", "--format", "json", "--lang", "zh").stdout)
    step = doc["steps"][0]
    assert set(step) >= {"epoch", "index", "phase", "gate", "title", "explanation", "shapes"}
    assert step["phase"] == "forward" and step["gate"] == "mul"  # data, not words
    assert CJK.search(step["explanation"]) and step["title"].startswith("乘法门")


def test_a_bundled_scenario_reads_its_chinese_name_and_description():
    s = load_bundled("xor")
    assert s.title == s.name == "XOR: not linearly separable"
    i18n.use_language("zh")
    assert s.title == "异或：线性不可分" and s.about.startswith("异或：恰好一个输入为 1")
    for name in ("and", "deep", "deep-relu", "deep-sigmoid", "lesson-shapes", "mse-batch", "or", "relu-hidden"):
        t = load_bundled(name)
        assert CJK.search(t.title) and CJK.search(t.about), name


def test_a_chinese_name_is_validated_like_the_name():
    doc = {
        "name": "n",
        "data": {"X": [[0.0], [1.0]], "y": [[0.0], [1.0]]},
        "network": {"layers": [1, 1]},
        "training": {"learning_rate": 1.0},
    }
    assert scenario_from_document({**doc, "name_zh": "名", "description_zh": "说明"}, "x.toml").title == "n"
    for key, value, message in [
        ("name_zh", 3, "name_zh: expected a string, got the number 3"),
        ("name_zh", "a\x1bb", "name_zh: expected one line of printable text, got the string 'a\\x1bb'"),
        ("name_zh", "名" * 201, "name_zh: expected at most 200 characters, got 201"),
        ("description_zh", ["x"], "description_zh: expected a string, got a list of 1 item"),
    ]:
        with pytest.raises(ScenarioError) as info:
            scenario_from_document({**doc, key: value}, "x.toml")
        assert str(info.value) == f"x.toml: {message}"


# --- every bad file, in Chinese ----------------------------------------------------------------------


def _bad_messages() -> dict[str, str]:
    rows = (line.split("\t") for line in (ROOT / "tests" / "data" / "bad-messages.tsv").read_text().splitlines())
    return dict(rows)


def _key(field: str | None) -> str | None:
    """The scenario's own key at the head of a field: `y` of `y row 2, column 1`, `lesson.values` of `… item 1`."""
    return None if field is None else field.split(" ")[0]


@pytest.mark.parametrize("name", sorted(_bad_messages()))
def test_each_bad_file_in_chinese_names_the_file_and_the_field(name):
    path = BAD / name
    with pytest.raises(ScenarioError) as english:
        load_file(path)
    i18n.use_language("zh")
    with pytest.raises(ScenarioError) as chinese:
        load_file(path)
    e, z = english.value, chinese.value
    assert z.source == e.source == str(path)
    assert _key(z.field) == _key(e.field)
    line = str(z)
    assert line.startswith(f"{path}: " + (f"{z.field}: " if z.field else "")), line
    if e.field:
        assert _key(e.field) in line
    assert "\n" not in line and line != str(e)
    assert CJK.search(z.message), line


def test_bad_files_in_chinese_through_the_command_line():
    names = ["shape-b1.toml", "lr-nan.toml", "json-huge-int.json", "toml-syntax.toml", "lesson-language.toml"]
    r = _run("check", *(str(BAD / n) for n in names), "--lang", "zh")
    assert r.returncode == 1 and r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == len(names) and "Traceback" not in r.stderr
    for name, line in zip(names, lines):
        assert line.startswith(f"backprop-tui: {BAD / name}: ") and CJK.search(line), line
    assert "b1: 应为 1×3（第 2 层每个单元一个偏置），实际为 1×2" in lines[0]
    assert "X 第 1 行第 2 列" in lines[2]
    assert "第 3 行第 13 列" in lines[3]


def test_english_stays_as_it_was_after_chinese(capsys):
    assert main(["check", str(BAD / "shape-b1.toml"), "--lang", "zh"]) == 1
    assert "应为" in capsys.readouterr().err
    assert main(["check", str(BAD / "shape-b1.toml")]) == 1
    assert capsys.readouterr().err.endswith("b1: expected 1×3 (one bias per unit of layer 2), got 1×2\n")


# --- CJK in a terminal: two cells a character -----------------------------------------------------------


def test_cell_widths_and_wrapping():
    assert cell_len("代价 J") == 6 and cell_len("ŷ − y") == 5
    text = "激活函数是逐元素作用的，它的梯度也是：与 sigmoid'(z2) 做逐元素乘积（⊙），而不是矩阵乘积。" * 3
    lines = wrap(text, 40, "    ").splitlines()
    assert len(lines) > 3
    assert all(cell_len(line) <= 40 and line.startswith("    ") for line in lines)
    assert "".join(line.strip() for line in lines).replace(" ", "") == text.replace(" ", "")
    assert "sigmoid'(z2)" in "".join(lines)  # a word is not split
    english = "The cost adds up the squared errors of every observation and output into one number."
    import textwrap

    assert wrap(english, 30) == textwrap.fill(english, 30)  # English wraps exactly as before


def test_the_list_table_stays_aligned_in_chinese():
    lines = _run("list", "--lang", "zh").stdout.splitlines()[:-1]
    # the title column starts at the same cell for every row, the header's included
    starts = set()
    for line in lines:
        m = re.search(r"\d  ", line) if line[0] != "名" else re.search(r"m  ", line)
        starts.add(cell_len(line[: m.end()]))
    assert len(starts) == 1, lines
    assert all(cell_len(line) <= 80 for line in lines)


def test_show_wraps_chinese_to_the_terminal_width():
    out = _run("show", "deep-sigmoid", "--lang", "zh").stdout
    assert all(cell_len(line) <= 80 for line in out.splitlines())
    assert any(cell_len(line) > 70 for line in out.splitlines())  # filled, not one word a line


# --- the same walk in both languages ------------------------------------------------------------------


def _numbers(markdown: str) -> list[str]:
    """The handout's matrices and worked numbers: what must not change with the language."""
    rows = re.compile(r"^(\| \*\*\d+\*\* \||\|---|\| ⋮ |\s+= )")  # matrix rows, rules, worked numbers
    return [line for line in markdown.splitlines() if rows.match(line)]


@pytest.mark.parametrize("args", [("--blank",), ("--fade",), ()])
def test_a_handout_in_chinese_is_the_same_walk_with_the_same_numbers(args):
    english = _run("trace", "deep", "--format", "markdown", *args).stdout
    chinese = _run("trace", "deep", "--format", "markdown", "--lang", "zh", *args).stdout
    assert _numbers(chinese) == _numbers(english) and len(_numbers(english)) > 50
    assert english.count("#### Step ") == chinese.count("#### 第 ") > 20
    assert english.count("```") == chinese.count("```")
    assert not re.search(r"\b(the|of|and|is)\b", chinese.replace("```text", "")), "English left in the handout"


def test_sheets_in_chinese(tmp_path):
    r = _run("sheets", "xor", "--students", "2", "--out", str(tmp_path), "--lang", "zh")
    assert r.returncode == 0 and "已把 2 份练习单和答案写入" in r.stdout
    index = (tmp_path / "index.md").read_text(encoding="utf-8")
    assert index.startswith("# 异或：线性不可分：每位学生一份练习单\n") and "| 学生 | 变体 | 练习单 | 答案 |" in index
    sheet = (tmp_path / "sheet-01.md").read_text(encoding="utf-8")
    assert "*变体 1：答案见 `answers-01.md`。*" in sheet and "# 异或：线性不可分（变体 1）" in sheet


def test_the_text_trace_in_chinese_is_the_same_walk():
    english = _run("trace", "softmax-classes", "--epochs", "2").stdout.splitlines()
    chinese = _run("trace", "softmax-classes", "--epochs", "2", "--lang", "zh").stdout.splitlines()
    assert len(english) == len(chinese)
    for e, z in zip(english, chinese):
        if e.startswith("    "):  # matrix rows: numbers only
            assert e == z
        elif e.startswith("  ") and not e.startswith(("  in ", "  out ", "  shapes: ")):
            assert e == z or CJK.search(z), (e, z)  # the equation as it is; the explanation translated
