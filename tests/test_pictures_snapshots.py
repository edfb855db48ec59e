"""Snapshots of each picture at 120×40 and 80×24, and without colour and on the light theme."""

from __future__ import annotations

import pytest

from tui_backprop.app import BackpropApp

SIZES = pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
TRAINED_AT_COST = ["t", "enter", "right", "right", "right", "right", "right", "right"]  # epoch 101, step 7


def _keys(*keys):
    async def run_before(pilot) -> None:
        for key in keys:
            await pilot.press(key)
            await pilot.app.workers.wait_for_complete()
        pilot.app.clear_notifications()  # the training toast would cover the picture
        await pilot.pause()

    return run_before


@SIZES
def test_cost_plot(snap_compare, size):
    keys = TRAINED_AT_COST + (["v"] if size[0] < 100 else [])  # 80 columns: the side panels by `v`
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=size, run_before=_keys(*keys))


def test_cost_plot_log_scale(snap_compare):
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(120, 40), run_before=_keys(*TRAINED_AT_COST, "s"))


@SIZES
def test_loss_surface(snap_compare, size):
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=size, run_before=_keys("t", "enter", "w"))


@SIZES
def test_learned_function(snap_compare, size):
    keys = ["t", "2", "0", "0", "0", "enter", "f"]
    assert snap_compare(BackpropApp("xor"), terminal_size=size, run_before=_keys(*keys))


@SIZES
def test_activation_curve_relu(snap_compare, size):
    assert snap_compare(BackpropApp("relu-hidden"), terminal_size=size, run_before=_keys("right", "right"))


def test_activation_curve_at_f_prime(snap_compare):
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(120, 40), run_before=_keys(*["right"] * 8))


def test_loss_surface_no_color(snap_compare, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(80, 24), run_before=_keys("t", "enter", "w"))


def test_learned_function_light_theme(snap_compare):
    async def run_before(pilot) -> None:
        pilot.app.theme = "textual-light"
        await _keys("t", "enter", "f")(pilot)

    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(120, 40), run_before=run_before)
