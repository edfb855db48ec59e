"""Exercise sheets that leak nothing, fading worked examples, and one sheet per student."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tui_backprop.core import Session, names, resolve
from tui_backprop.core.scenario import variant
from tui_backprop.handout import BLANK_SHAPE, fade_from, num, trace_markdown
from tui_backprop.notation import dims

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tui_backprop", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def rendered(a: np.ndarray) -> set[str]:
    return {num(v, 4) for v in a.ravel()}


@pytest.mark.parametrize("name", names())
def test_the_blank_sheet_contains_no_result_value_and_no_result_shape(name):
    scenario = resolve(name)
    session = Session(scenario)
    steps = session.epoch_pass(1)[2]
    sheet = trace_markdown(session, 1, blank=True)
    given = rendered(scenario.X) | rendered(scenario.y)
    state = session.state_at(1)  # an optimizer's memory starts at zero: given too
    for a in [*scenario.params.named().values(), *(state.named().values() if state else ())]:
        given |= rendered(a)
    results: set[str] = set()
    for st in steps:
        for op in st.operations:
            results |= rendered(op.value)
            results |= {num(o.matrix[i, j], 4) for o in op.operands for i, j in np.ndindex(o.matrix.shape)}
            # a result's shape never appears in what the sheet says about the step
            assert dims(op.shape) not in st.explanation or op.shape in {
                a.shape for a in scenario.params.named().values()
            } | {scenario.X.shape, scenario.y.shape}, (st.title, st.explanation)
    # a number as a whole token: −0.2000 (given) does not count as 0.2000
    leaked = {v for v in results - given if re.search(r"(?<![\d.−])" + re.escape(v) + r"(?!\d)", sheet)}
    assert not leaked, sorted(leaked)[:10]


def test_explanations_name_no_result_shape():
    for name in names():
        for st in Session(resolve(name)).epoch_pass(1)[2]:
            for op in st.operations:
                if op.op != "cost":
                    assert f"shape {dims(op.shape)}" not in st.explanation, st.title


def test_a_later_step_refers_to_earlier_results_by_name():
    session = Session(resolve("sleep-study"))
    sheet = trace_markdown(session, 1, blank=True)
    step11 = sheet.split("Step 11/16")[1].split("Step 12/16")[0]
    assert "your a2 from step 3, your δ3 from step 9, W2 (3×1, given)" in step11
    full = trace_markdown(session, 1)
    assert "δ3 (4×1) from step 9" in full.split("Step 11/16")[1]
    # each matrix is printed once: δ3's table appears at step 9 only
    assert full.count("| **δ3** 4×1") == 1


def test_fading_works_the_first_half_and_leaves_the_rest():
    session = Session(resolve("sleep-study"))
    steps = session.epoch_pass(1)[2]
    faded = trace_markdown(session, 1, fade=True)
    first_blank = fade_from(len(steps))
    assert first_blank == 9
    worked, rest = faded.split("## Epoch 1")[1].split(f"Step {first_blank}/16")
    for st in steps[: first_blank - 1]:
        for value in st.outputs.values():
            assert f"| {num(value[0, 0], 4)} |" in worked or value.size == 1
    assert f"`{BLANK_SHAPE}`" not in worked and f"`{BLANK_SHAPE}`" in rest
    table = faded.split("## Shapes")[1].split("## Given")[0]
    assert (
        "| z2 | pre-activation of layer 2 | 4×3 |" in table
        and f"| δ2 | error back-propagated to layer 2, ∂J/∂z2 | `{BLANK_SHAPE}` |" in table
    )
    for st in steps[first_blank - 1 : -2]:
        for value in st.outputs.values():
            assert num(value[0, 0], 4) not in rest.split("summary")[0] or num(value[0, 0], 4) in worked


def test_variants_are_reproducible_distinct_and_keep_the_shapes():
    s = resolve("sleep-study")
    a, b, c = variant(s, 7), variant(s, 7), variant(s, 8)
    for x, y in zip(a.params.weights, b.params.weights):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a.params.weights[0], c.params.weights[0])
    assert a.layers == s.layers and (a.X == s.X).all() and (a.y == s.y).all()
    # LeCun normal, drawn layer by layer from default_rng(K), as [network] does
    rng = np.random.default_rng(7)
    np.testing.assert_array_equal(a.params.weights[0], rng.normal(0, 1 / np.sqrt(2), size=(2, 3)))
    np.testing.assert_array_equal(a.params.weights[1], rng.normal(0, 1 / np.sqrt(3), size=(3, 1)))
    assert all((bias == 0).all() for bias in a.params.biases)


def test_trace_variant_on_the_command_line():
    one, again, other = (run("trace", "sleep-study", "--variant", k, "--format", "json") for k in ("3", "3", "4"))
    assert one.returncode == 0 and one.stdout == again.stdout and one.stdout != other.stdout
    bad = run("trace", "sleep-study", "--variant", "x")
    assert bad.returncode == 2 and "--variant: expected a whole number, got 'x'" in bad.stderr
    fade_json = run("trace", "sleep-study", "--fade", "--format", "json")
    assert fade_json.returncode == 2 and "--fade goes with --format markdown" in fade_json.stderr


def test_sheets_writes_a_sheet_and_a_key_per_student(tmp_path):
    r = run("sheets", "sleep-study", "--students", "3", "--out", str(tmp_path / "class"))
    assert r.returncode == 0, r.stderr
    out = tmp_path / "class"
    assert sorted(p.name for p in out.iterdir()) == [
        "answers-01.md",
        "answers-02.md",
        "answers-03.md",
        "index.md",
        "sheet-01.md",
        "sheet-02.md",
        "sheet-03.md",
    ]
    sheet, key = (out / "sheet-02.md").read_text(), (out / "answers-02.md").read_text()
    assert "Variant 2: the answer key is `answers-02.md`" in sheet and "(variant 2)" in key
    expected = Session(variant(resolve("sleep-study"), 2))
    J = num(expected.epoch_pass(1)[2][6].outputs["J"][0, 0], 4)
    assert f"J = {J}" in key and f"J = {J}" not in sheet
    assert (out / "sheet-01.md").read_text() != sheet
    assert "[sheet-03.md](sheet-03.md)" in (out / "index.md").read_text()


def test_sheets_errors_are_one_line(tmp_path):
    (tmp_path / "file").write_text("x")
    r = run("sheets", "sleep-study", "--students", "2", "--out", str(tmp_path / "file"))
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "cannot make the folder" in r.stderr
    r = run("sheets", "sleep-study", "--students", "0", "--out", str(tmp_path / "x"))
    assert r.returncode == 2 and "--students: expected 1 to 500, got 0" in r.stderr
    r = run("sheets", "no-such-scenario", "--students", "1", "--out", str(tmp_path / "y"))
    assert r.returncode == 1 and "no-such-scenario" in r.stderr and r.stderr.count("\n") == 1
