"""Small terminals and readable numbers: keyboard scrolling, the cue of a cut panel, the step's result
always visible or announced, matrices of small entries written with a power of ten, exact zeros."""

from __future__ import annotations

import math

import numpy as np
import pytest
from rich.console import Console

from tui_backprop.app import BackpropApp
from tui_backprop.app.widgets.explanation import ExplanationPanel
from tui_backprop.app.widgets.header import StepHeader
from tui_backprop.app.widgets.matrices import MatricesPanel
from tui_backprop.app.widgets.params import ParamsPanel
from tui_backprop.core import Session, load_bundled
from tui_backprop.notation import EXACT_ZERO, count, matrix_cells, matrix_scale


def plain(renderable) -> str:
    console = Console(width=300, record=True, color_system=None, file=open("/dev/null", "w"))
    console.print(renderable)
    return console.export_text()


# --- the rule for writing a matrix (notation.matrix_cells) ----------------------------------------


def test_small_entries_get_the_power_of_ten_that_brings_the_largest_between_1_and_10():
    rows = [[0.000123, -0.00456], [0.0, 0.0789]]
    cells = matrix_cells(rows, 3)
    assert cells.scale == -2 and cells.scale_text == "×10⁻²"
    for written, value in zip(sum(cells.text, []), sum(rows, [])):
        if value:
            assert float(written) == pytest.approx(value * 100, abs=0.0005)
    assert matrix_scale(0.0042) == -3 and matrix_scale(1e-9) == -9
    assert matrix_scale(0.1) == 0 and matrix_scale(0.5) == 0 and matrix_scale(250.0) == 0  # not small: as is
    assert matrix_scale(0.0) == 0 and matrix_scale(float("nan")) == 0
    assert matrix_cells([[0.09999]], 3).text == [["9.999"]]
    assert matrix_cells([[0.099999]], 3).text == [["1.000"]] and matrix_cells([[0.099999]], 3).scale == -1  # not 10.000


def test_the_whole_matrix_sets_the_scale_not_the_part_shown():
    assert matrix_cells([[0.001]], 3, peak=0.5).scale == 0
    assert matrix_cells([[0.001]], 3, peak=0.05).text == [["0.100"]]


def test_an_exact_zero_lines_up_with_its_column_and_is_named_by_the_legend():
    cells = matrix_cells([[0.43, 1.0], [0.0, 3e-17], [-0.2, 0.0]], 3)
    column = [row[0] for row in cells.text]
    assert len({len(s) for row in cells.text for s in row}) == 1  # one width
    assert {s.index(".") - 1 if "." in s else s.index("0") for s in column} == {1}  # the units digits line up
    assert column[1].strip() == "0" and cells.text[1][1].strip() == "0.000"
    assert cells.exact_zero and EXACT_ZERO == "0 = exactly 0"
    # Zeros only (a bias at the start), or no decimals: nothing to tell apart, no legend, no padding.
    assert matrix_cells([[0.0, 0.0]], 3).text == [["0", "0"]] and not matrix_cells([[0.0, 0.0]], 3).exact_zero
    assert not matrix_cells([[0.0, 2.0]], 0).exact_zero


def test_counts_are_written_with_separators():
    assert count(49611) == "49,611" and count(7) == "7"


# --- the app's matrices: the same rule ----------------------------------------------------------


async def test_mse_batch_gradients_are_written_with_a_scale_in_their_title():
    """δ3 of mse-batch is of the order of 1e-3: ×10⁻³ in its title and its entries as δ3·10³."""
    app = BackpropApp("mse-batch")
    async with app.run_test(size=(120, 40)) as pilot:
        while "delta3" not in app.session.step().outputs:
            await pilot.press("right")
        delta3 = app.session.step().outputs["delta3"]
        k = math.floor(math.log10(np.abs(delta3).max()))
        text = plain(app.query_one(MatricesPanel).content)
        assert f"✎ δ3  16×1  ×10{str(k).translate(str.maketrans('-0123456789', '⁻⁰¹²³⁴⁵⁶⁷⁸⁹'))}" in text
        shown = [float(line.split("┃")[1]) for line in text.splitlines() if line.count("┃") == 2 and "more" not in line]
        shown = shown[:8]
        np.testing.assert_allclose(shown, delta3[:8, 0] * 10.0**-k, atol=0.0005)
        assert "0.000" not in text.split("δ3")[-1]  # no entry of the result reads as zero


async def test_an_exact_zero_in_the_app_is_aligned_and_explained():
    """sleep-study's XW1 has exact zeros (0.5·-0.2 + 0.2·0.5) next to values with decimals."""
    app = BackpropApp("sleep-study")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        XW1 = app.session.step().outputs["XW1"]
        assert (XW1 == 0).any()
        text = plain(app.query_one(MatricesPanel).content)
        assert EXACT_ZERO in text
        rows = [line.split("┃")[1] for line in text.splitlines() if line.count("┃") == 2]
        assert len(rows) == 4 and len({len(r) for r in rows}) == 1
        zero_row = next(r for r, row in enumerate(XW1.tolist()) if row[1] == 0)
        other = rows[next(r for r, row in enumerate(XW1.tolist()) if row[1] != 0)]
        units = other.index(".", other.index(".") + 1) - 1  # the second column's units digit
        assert rows[zero_row][units] == "0" and rows[zero_row][units + 1 :].startswith("    ")


# --- small terminals -------------------------------------------------------------------------------


async def test_after_v_twice_the_keys_still_scroll_the_matrices_at_80x24():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(11):
            await pilot.press("right")  # step 12: three 4×3 matrices, taller than the panel
        matrices = app.query_one(MatricesPanel)
        assert matrices.max_scroll_y > 0
        await pilot.press("v")
        await pilot.pause()
        assert app.focused is app.query_one(ParamsPanel)  # the side panels: ↓ scrolls the parameters
        await pilot.press("v")
        await pilot.pause()
        assert app.focused is matrices
        await pilot.press("pagedown")
        await pilot.pause()
        down = matrices.scroll_y
        assert down > 0
        await pilot.press("up")
        await pilot.pause()
        assert matrices.scroll_y == down - 1


async def test_after_v_twice_an_open_quiz_question_keeps_the_keyboard():
    app = BackpropApp("lesson-shapes")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape")  # the lesson's message
        await pilot.pause()
        field = app.query_one("#quiz-input")
        assert app.focused is field
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        assert app.focused is field
        await pilot.press("4", "x", "3", "enter")
        await pilot.pause()
        assert app.main.quiz_mode.answers[(1, 1)] == "right"


async def test_the_parameters_scroll_by_keyboard_in_the_side_view():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("v")
        await pilot.pause()
        params = app.query_one(ParamsPanel)
        assert params.max_scroll_y > 0 and "▼" in params.border_subtitle and "↓" in params.border_subtitle
        await pilot.press("down", "down")
        await pilot.pause()
        assert params.scroll_y == 2


@pytest.mark.parametrize("size", [(60, 20), (80, 24)], ids=["60x20", "80x24"])
async def test_the_side_panels_fit_a_short_screen_and_the_graph_scrolls(size):
    """deep's graph is taller than a short screen allows: it is cut with the cue and scrolls, and the
    parameters and cost panels below it stay on screen."""
    from tui_backprop.app.widgets.graph import GraphPanel

    app = BackpropApp("deep")
    async with app.run_test(size=size) as pilot:
        await pilot.press("v")
        await pilot.pause()
        bottom = app.query_one("#side").region.bottom
        for panel in ("#graph", "#params", "#cost"):
            assert app.query_one(panel).region.bottom <= bottom, panel
        graph = app.query_one(GraphPanel)
        hidden = graph.max_scroll_y
        if size == (60, 20):
            assert hidden > 0
        if hidden:
            assert graph.border_subtitle.startswith(f"▼ {hidden} more line")
            graph.focus()
            await pilot.press("down")
            await pilot.pause()
            assert graph.scroll_y == 1


async def test_a_cut_explanation_says_so_and_scrolls_by_keyboard():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=(60, 20)) as pilot:
        why = app.query_one(ExplanationPanel)
        for _ in range(10):
            await pilot.press("right")  # step 11: the mulGate's long explanation
        await pilot.pause()
        hidden = why.max_scroll_y
        assert hidden > 0
        assert why.border_subtitle.startswith(f"▼ {hidden} more line") and "Tab" in why.border_subtitle
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is why and "Tab" not in why.border_subtitle
        await pilot.press("down")
        await pilot.pause()
        assert why.scroll_y == 1 and why.border_subtitle.startswith(f"▼ {hidden - 1} more line")
        await pilot.press("pagedown")
        await pilot.pause()
        assert why.scroll_y == hidden and not why.border_subtitle  # all read: no cue
        await pilot.press("right")  # a new step's text starts at its top, and → still steps
        await pilot.pause()
        assert app.session.position.index == 12 and why.scroll_y == 0


def result_line(text: str, name: str) -> int:
    """The line of the result's box title in the matrices panel's drawing."""
    return next(i for i, line in enumerate(text.splitlines()) if f"✎ {name} " in line)


@pytest.mark.parametrize("scenario", ["sleep-study", "deep"])
@pytest.mark.parametrize("size", [(60, 20), (80, 24)], ids=["60x20", "80x24"])
async def test_every_steps_result_is_visible_or_announced(scenario, size):
    app = BackpropApp(scenario)
    async with app.run_test(size=size) as pilot:
        matrices = app.query_one(MatricesPanel)
        announced = 0
        for index in range(1, app.session.n_steps + 1):
            await pilot.pause()
            assert app.session.position.index == index
            step = app.session.step()
            name = step.operations[0].symbol
            top = result_line(plain(matrices.content), name)
            visible = top + 2 <= round(matrices.scroll_y) + matrices.scrollable_content_region.height
            if not visible:
                announced += 1
                assert f"✎ {name}" in matrices.border_subtitle and "below" in matrices.border_subtitle
            else:
                assert "below" not in (matrices.border_subtitle or "")
            await pilot.press("right")
        if size == (60, 20):
            assert announced  # the case this guards: results below the fold at 60×20


async def test_opened_scenario_names_its_shape_once():
    app = BackpropApp("sleep-study")
    said = []
    async with app.run_test(size=(120, 40)) as pilot:
        app.notify = lambda message, **kw: said.append((kw.get("title", ""), message))
        deep = load_bundled("deep")
        app.main.load(deep)
        await pilot.pause()
        title = next(t for t, _ in said if t.startswith("Opened"))
        assert title.count(deep.shape_text) == 1
        app.main.load(load_bundled("xor"))
        title = [t for t, _ in said if t.startswith("Opened")][-1]
        assert title == "Opened XOR: not linearly separable [2, 3, 1], m = 4."


async def test_epoch_counts_read_the_same_in_the_header_and_the_notice():
    app = BackpropApp("and")
    said = []
    async with app.run_test(size=(120, 40)) as pilot:
        app.notify = lambda message, **kw: said.append(message)
        app.main.start_training(1500)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.session.frontier == 1501
        assert "epoch 1,501" in app.query_one(StepHeader).text_plain
        assert any("now at epoch 1,501" in m and "Trained 1,500 epochs" in m for m in said), said


def test_the_scaled_numbers_are_the_engines():
    """The drawing is display only: its scaled numbers are the engine's values times the power of ten."""
    step = next(s for s in Session(load_bundled("mse-batch")).epoch_pass(1)[2] if "dJ_dW1" in s.outputs)
    a = step.outputs["dJ_dW1"]
    cells = matrix_cells(a.tolist(), 4)
    assert cells.scale < 0
    np.testing.assert_allclose([[float(s) for s in row] for row in cells.text], a * 10.0**-cells.scale, atol=0.00005)
