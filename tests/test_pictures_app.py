"""The pictures in the app through Pilot: cost plot, loss surface, learned function, activation curve."""

from __future__ import annotations

import numpy as np
import pytest
from rich.console import Console
from textual.widgets import Select

from tui_backprop.app import BackpropApp
from tui_backprop.app.screens.landscape import LandscapeScreen, SurfaceChart
from tui_backprop.app.screens.learned import LearnedScreen
from tui_backprop.app.widgets.activation import ActivationPanel
from tui_backprop.app.widgets.cost import CostChart
from tui_backprop.core.landscape import landscape, parse_entry, path_points

SIZE = (120, 40)


def plain(renderable, width: int = 200) -> str:
    console = Console(width=width, record=True, color_system=None, file=open("/dev/null", "w"))
    console.print(renderable)
    return console.export_text()


def cost_text(app) -> str:
    return plain(app.query_one("#cost-text").content)


def chart_text(widget) -> str:
    return plain(widget.render())


async def test_cost_never_shows_this_epochs_j_before_the_cost_step():
    app = BackpropApp()
    async with app.run_test(size=SIZE) as pilot:
        chart = app.query_one(CostChart)
        for index in range(1, 7):
            assert app.session.position.index == index
            assert "J = —" in cost_text(app) and "from step 7" in cost_text(app)
            assert chart.costs == [] and chart.current_cost is None
            await pilot.press("right")
        assert app.session.position.index == 7
        assert "J = 0.1446" in cost_text(app)
        assert chart.costs == [pytest.approx(0.14457018727)] and chart.current_cost == chart.costs[0]
        await pilot.press("end", "right")  # epoch 2, step 1: epoch 1's J only
        assert app.session.position.epoch == 2
        assert chart.epochs == [1] and chart.current_cost is None and "J = —" in cost_text(app)
        await pilot.press("home", *["right"] * 6)
        assert chart.epochs == [1, 2] and chart.current_cost == pytest.approx(app.session.costs[1])


async def test_cost_plot_scale_is_labelled_and_log_toggles():
    app = BackpropApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t", "enter")
        await app.workers.wait_for_complete()
        await pilot.press("right", "right", "right", "right", "right", "right")  # epoch 101, step 7
        chart = app.query_one(CostChart)
        s = app.session
        text = chart_text(chart)
        lines = text.splitlines()
        assert lines[0].startswith("0.145") and "┤" in lines[0]  # the maximum, epoch 1's J
        assert lines[-3].strip().startswith("0┤")  # linear: the axis starts at zero
        assert "1" in lines[-1] and "101" in lines[-1] and "▲" in lines[-2]
        await pilot.press("s")
        assert chart.log_scale
        lines = chart_text(chart).splitlines()
        assert lines[-3].strip().startswith(f"{min(s.costs):.3f}"[:5])  # log: from the smallest J
        assert app.query_one("#cost").border_subtitle == "log scale · s: linear"
        await pilot.press("s")
        assert not chart.log_scale


async def test_activation_curve_at_activation_and_f_prime_steps_only():
    app = BackpropApp()
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(ActivationPanel)
        assert not panel.display  # step 1: a mulGate
        await pilot.press("right", "right")  # step 3: a2 = σ(z2)
        assert panel.display and "12 values of z2" in panel.border_title
        curve = panel.query_one("#activation-chart").curve
        z2 = app.session.epoch_pass(1)[1].zs[0]
        np.testing.assert_array_equal(curve.marks, z2.ravel())
        np.testing.assert_allclose(curve.marks_prime, (s := 1 / (1 + np.exp(-z2.ravel()))) * (1 - s), rtol=1e-12)
        assert "▲" in chart_text(panel.query_one("#activation-chart"))
        await pilot.press("right")
        assert not panel.display
        for _ in range(5):
            await pilot.press("right")  # step 9: δ3 = ∂J/∂ŷ ⊙ f'(z3)
        assert app.session.step().gate == "activation" and app.session.step().phase == "backward"
        assert panel.display and "4 values of z3" in panel.border_title


async def test_activation_panel_names_dead_relu_units():
    app = BackpropApp("relu-hidden")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right", "right")
        text = app.query_one(ActivationPanel).border_subtitle
        dead = int((app.session.epoch_pass(1)[1].zs[0] <= 0).sum())
        assert dead > 0 and f"{dead} exactly 0: nothing passes back" in text


async def test_choose_the_two_weights_of_the_loss_surface():
    app = BackpropApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        screen = app.screen
        assert isinstance(screen, LandscapeScreen)
        await pilot.pause()
        assert "W1[1,1] and W2[1,1]" in screen.query_one("#land-box").border_title
        # the first picker: open it, two down (W1[1,1] → W1[1,3]), choose
        await pilot.click("#land-x")
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        # the second picker: from W2[1,1] (entry 10: W1 has 6, b1 3) up two to b1[1,2]
        await pilot.click("#land-y")
        await pilot.press("up", "up", "enter")
        await pilot.pause()
        assert screen.query_one("#land-x", Select).value == 2
        assert screen.query_one("#land-y", Select).value == 7
        title = screen.query_one("#land-box").border_title
        assert "W1[1,3] and b1[1,2]" in title
        await pilot.pause()
        chart = screen.query_one(SurfaceChart)
        land = chart.land
        assert (land.first.label, land.second.label) == ("W1[1,3]", "b1[1,2]")
        s = app.session
        a, b = parse_entry("W1[1,3]", s.params_at(1)), parse_entry("b1[1,2]", s.params_at(1))
        expected = landscape(
            s.net, s.params_at(1), a, b, path_points(s.net, s.params_at(1), 0.5, 1, a, b), land.J.shape[::-1]
        )
        np.testing.assert_array_equal(land.J, expected.J)
        legend = plain(screen.query_one("#land-legend").content)
        assert "○ epoch 1" in legend and "−∇J" in legend
        await pilot.press("escape")
        assert not isinstance(app.screen, LandscapeScreen)


async def test_loss_surface_moves_through_epochs_and_the_path_grows():
    app = BackpropApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        await pilot.pause()
        for _ in range(3):
            await pilot.press("right")
        await pilot.pause()
        chart = app.screen.query_one(SurfaceChart)
        assert app.session.position.epoch == 4 and len(chart.land.path) == 4
        assert "●" in chart_text(chart) and "○" in chart_text(chart)
        await pilot.press("escape")
        await pilot.pause()
        assert "epoch 4" in app.query_one("#header").text_plain


async def test_learned_picture_and_its_note():
    app = BackpropApp("xor")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, LearnedScreen)
        text = chart_text(app.screen.query_one("#learned-chart"))
        assert text.count("●") == 2 and text.count("○") == 2  # XOR's targets, told apart
        legend = plain(app.screen.query_one("#learned-legend").content)
        assert "● target 1  ○ target 0" in legend
        await pilot.press("pagedown")
        assert app.session.position.epoch == 11


async def test_learned_picture_note_for_three_inputs(tmp_path):
    f = tmp_path / "three.toml"
    f.write_text(
        'name = "three inputs"\n[data]\nX = [[1, 2, 3], [0, 1, 0]]\ny = [[1], [0]]\n'
        "[network]\nlayers = [3, 2, 1]\nseed = 1\n[training]\nlearning_rate = 0.5\n"
    )
    app = BackpropApp(f)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        await pilot.pause()
        assert not app.screen.query("#learned-chart")
        assert "3 inputs" in plain(app.screen.query_one("#learned-legend").content)


async def test_picture_screens_do_not_skip_quiz_questions():
    app = BackpropApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("k", "f")
        await pilot.pause()
        await pilot.press("right", "pagedown")
        assert app.session.position.epoch == 1
        await pilot.press("escape", "w")
        await pilot.pause()
        await pilot.press("right")
        assert app.session.position.epoch == 1 and isinstance(app.screen, LandscapeScreen)
