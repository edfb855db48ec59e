"""The zoom in the app through Pilot: the entry cursor (key and click), the chain view, the
per-observation toggle, and snapshots of the graph as Figure 2."""

from __future__ import annotations

import numpy as np
import pytest

from tui_backprop.app import BackpropApp
from tui_backprop.app.view import fmt, matrix_view
from tui_backprop.app.widgets.matrices import MatricesPanel
from tui_backprop.core import Position
from tui_backprop.core.zoom import contributions
from tui_backprop.notation import factor_number

SIZE = (120, 40)


def panel(app) -> MatricesPanel:
    return app.query_one(MatricesPanel)


def reversed_cells(app) -> list[str]:
    text = panel(app).content
    return [text.plain[s.start : s.end] for s in text.spans if "reverse" in str(s.style)]


async def at_step(pilot, index: int) -> None:
    await pilot.press(*["right"] * (index - 1))
    assert pilot.app.session.position == Position(1, index)


async def test_cursor_moves_over_the_result_and_shows_its_expansion_with_feeding_entries():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await at_step(pilot, 14)  # ∂J/∂W1 = Xᵀ · δ2
        await pilot.press("z")
        assert panel(app).entry == ("dJ_dW1", 0, 0)
        await pilot.press("right", "down", "right")
        assert panel(app).entry == ("dJ_dW1", 1, 2) and app.session.position.index == 14  # the arrows move the cursor
        content = panel(app).content.plain
        step = app.session.step()
        X, delta2 = step.inputs["X"], step.inputs["delta2"]
        assert "∂J/∂W1[2,3] = Σₖ X[k,2]·δ2[k,3]" in content
        assert f"= {fmt(X[:, 1] @ delta2[:, 2], 3).replace('-', '−')}" in content
        assert f"= 1.000·{factor_number(delta2[0, 2], 3)} + " in content  # X[1,2]·δ2[1,3]: numbers plugged in
        # Feeding entries reversed in their matrices as they enter: row 2 of Xᵀ, column 3 of δ2, and the entry.
        marked = reversed_cells(app)
        assert len(marked) == 4 + 4 + 1
        assert [c.strip() for c in marked[:4]] == [fmt(v, 3) for v in X[:, 1]]
        await pilot.press("escape")
        assert panel(app).entry is None and "Σₖ" not in panel(app).content.plain
        await pilot.press("right")  # the arrows step again
        assert app.session.position.index == 15


async def test_cursor_crosses_into_the_second_result_and_follows_the_step():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await at_step(pilot, 11)  # ∂J/∂W2 (3×1) and ∂J/∂a2 (4×3)
        await pilot.press("z", "down", "down", "down")
        assert panel(app).entry == ("dJ_da2", 0, 0)
        assert "∂J/∂a2[1,1] = Σₖ δ3[1,k]·W2[1,k]" in panel(app).content.plain
        await pilot.press("escape", "right", "z")  # step 12, f′: an element-wise product
        assert panel(app).entry == ("delta2", 0, 0)
        assert "δ2[1,1] = ∂J/∂a2[1,1]·f'(z2)[1,1]" in panel(app).content.plain


async def test_clicking_an_entry_puts_the_cursor_there():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await at_step(pilot, 2)  # z2 = XW1 + b1, 4×3
        z2 = app.session.step().outputs["z2"]
        text = panel(app).content.plain.splitlines()
        cell = fmt(z2[0, 2], 3)
        y = next(n for n, line in enumerate(text) if "┃" in line and fmt(z2[0, 0], 3) in line)
        x = text[y].index(cell, text[y].index("┃"))
        await pilot.click(MatricesPanel, offset=(x + 2, y + 1))  # border and padding
        assert panel(app).entry == ("z2", 0, 2)
        assert "z2[1,3] = XW1[1,3] + b1[1,3]" in panel(app).content.plain


async def test_in_quiz_mode_the_expansion_waits_for_the_answer():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("k", "right")  # step 2 asks for z2's shape; its input field has the keys
        assert app.main.quiz_mode.question is not None
        await app.main.run_action("zoom")
        await pilot.pause()
        assert panel(app).entry is None and "z2[1,1]" not in panel(app).content.plain
        await pilot.press("escape")  # give up: the result is revealed
        await pilot.pause()
        assert app.main.quiz_mode.question is None
        await pilot.press("z")
        assert panel(app).entry == ("z2", 0, 0) and "z2[1,1] = XW1[1,1] + b1[1,1]" in panel(app).content.plain


async def test_chain_view_lists_the_local_derivatives_from_j_to_the_weight():
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await at_step(pilot, 14)
        await pilot.press("z", "right", "c")
        content = panel(app).content.plain
        assert "Chain from J down to the entry" in content
        assert "  ∂J/∂W1[1,2] = Σᵢ (ŷ[i,1] − y[i,1])·σ′(z3[i,1])·W2[2,1]·σ′(z2[i,2])·X[i,1]" in content
        assert "in f'(z3), step 9" in content and "in ∂J/∂ŷ, step 8" in content
        rows = [line for line in content.splitlines() if line.strip().startswith("i=")]
        assert len(rows) == 4
        await pilot.press("c")
        assert "Chain from J" not in panel(app).content.plain
        await pilot.press("escape", "home", "z", "c")  # a forward step has no chain
        assert "starts at a gradient" in panel(app).content.plain


@pytest.mark.parametrize(
    "name, combine",
    [("sleep-study", "their sum, as the cost is a sum"), ("mse-batch", "their mean, as the cost is an average")],
)
async def test_per_observation_toggle_shows_each_observations_gradient(name, combine):
    app = BackpropApp(name)
    async with app.run_test(size=SIZE) as pilot:
        await at_step(pilot, 14)
        await pilot.press("b")
        content = panel(app).content.plain
        assert f"∂J/∂W1 observation by observation: {combine}" in content
        c = contributions(app.session.epoch_pass(1)[2], 1)
        assert all(f"i={k + 1}  2×3" in content for k in range(len(c.weights)))  # all m of them
        lines = content.splitlines()
        y = next(n for n, line in enumerate(lines) if "i=1  2×3" in line)
        x = lines[y].index("i=1") - 3  # the box's left border
        first_row = "".join(text for text, _ in matrix_view(c.weights[0], 3, 12, 6).lines[0])
        assert lines[y + 1][x:].split("│")[1].split() == first_row.split()
        combined = np.mean(c.weights, axis=0) if c.mean else np.sum(c.weights, axis=0)
        np.testing.assert_allclose(combined, app.session.step().outputs["dJ_dW1"], rtol=1e-12)
        await pilot.press("left")  # the bias gradient: one row per observation
        assert "∂J/∂b1 observation by observation" in panel(app).content.plain
        await pilot.press("home")
        assert "at a layer's backward addGate and mulGate" in panel(app).content.plain
        await pilot.press("b")
        assert "observation" not in panel(app).content.plain


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_graph_snapshot(snap_compare, size):
    """A deeper network's Figure 2 wraps onto more bands (sleep-study's is in test_snapshots' main screens)."""
    keys = ["right"] * 17 + (["v"] if size[0] < 100 else [])  # step 18 of 23: δ3; at 80 columns the side panels on
    assert snap_compare(BackpropApp("deep"), terminal_size=size, press=keys)


def test_zoom_snapshot(snap_compare):
    assert snap_compare(BackpropApp("sleep-study"), terminal_size=(120, 40), press=["right"] * 13 + ["z", "right"])
