"""Issue 15 in the app: the fused step's Jacobian (`j`), gradient norms per layer in the parameters panel,
saturated f′ and dead relu units marked in the matrices — each against numpy written here."""

from __future__ import annotations

import os
import re

import numpy as np
import reference
from rich.console import Console
from test_snapshots import settled

from tui_backprop.app import BackpropApp
from tui_backprop.app.screens.jacobian import JacobianScreen
from tui_backprop.app.view import fmt
from tui_backprop.app.widgets.matrices import MatricesPanel
from tui_backprop.core import Position

SIZE = (120, 40)

SATURATING = """
name = "saturating sigmoid"
[data]
X = [[0.3, 1.0], [0.5, 0.2], [1.0, 0.4], [0.6, 0.3]]
y = [[0.75], [0.82], [0.93], [0.70]]
[weights]
W1 = [[8.0, 0.2, -9.0], [3.0, 0.6, -2.0]]
b1 = [[0.1, 0.0, -0.1]]
W2 = [[0.4], [0.5], [0.3]]
b2 = [[0.1]]
[training]
learning_rate = 0.5
activation = "sigmoid"
output_activation = "sigmoid"
"""


def params_text(app) -> str:
    console = Console(width=200, record=True, color_system=None, file=open(os.devnull, "w"))
    console.print(app.query_one("#params-body").content)  # a LinesVisual: it prints its text
    return console.export_text()


def box(text: str, title: str) -> list[str]:
    """The inside lines of the box titled `title` in a drawing's plain text."""
    lines = text.splitlines()
    y = next(n for n, line in enumerate(lines) if title in line)
    x = lines[y].index(title) - 3  # "╭─ " or "┏━ "
    out = []
    for line in lines[y + 1 :]:
        inside = line[x:]
        if inside[:1] in "╰┗":
            return out
        out.append(inside[2 : inside.index(inside[0], 1)].rstrip())
    raise AssertionError(f"no bottom border under {title!r}")


def flagged(rows: list[str]) -> dict[tuple[int, int], str]:
    """(i, j) → glyph for each entry followed by a mark; every entry of a marked matrix has room for one."""
    out = {}
    for i, row in enumerate(rows):
        for j, m in enumerate(re.finditer(r"(-?\d+(?:\.\d+)?)\s*([░✕])?", row)):
            if m.group(2):
                out[(i, j)] = m.group(2)
    return out


async def at_step(pilot, index: int) -> None:
    await pilot.press(*["right"] * (index - 1))
    assert pilot.app.session.position == Position(1, index)


def messages(app) -> str:
    return " ".join(n.message for n in app._notifications)


# --- the fused step the long way ---------------------------------------------------------------------


def softmax_rows(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def independent_delta(s) -> np.ndarray:
    """δ at the output of softmax-classes (tanh hidden), written here: (softmax(z3) − y)/m."""
    a2 = np.tanh(s.X @ s.params.weights[0] + s.params.biases[0])
    return (softmax_rows(a2 @ s.params.weights[1] + s.params.biases[1]) - s.y) / s.m


async def test_j_at_the_fused_step_shows_the_chain_product_equal_to_the_delta_row():
    app = BackpropApp("softmax-classes")
    async with app.run_test(size=SIZE) as pilot:
        await at_step(pilot, 8)
        delta = independent_delta(app.scenario)
        await pilot.press("z", "down", "down")  # the zoom cursor on row 3: the screen starts there
        await pilot.press("j")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, JacobianScreen)
        for r in (2, 3, 4):  # (then ↓ and the number key 5)
            text = screen.body.plain
            assert f"observation r = {r + 1} of 6" in screen.query_one("#jacobian-box").border_title
            product = box(text, "∂J/∂ŷ_r · S_r  1×3")[0].split()
            assert product == [fmt(v, 3) for v in delta[r]]
            assert box(text, f"✎ row {r + 1} of δ3  1×3")[0].split() == product
            assert len(box(text, "S_r  3×3")) == 3
            assert "the ŷ_c cancels" in text
            await pilot.press("down" if r == 2 else "5")
            await pilot.pause()
        await pilot.press("escape")
        assert not isinstance(app.screen, JacobianScreen)


UNDERFLOWING = """
name = "a softmax sure of the wrong class"
[data]
X = [[1.0, 0.0], [0.0, 1.0]]
y = [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
[weights]
W1 = [[1000.0, -1000.0, 0.0], [1.0, 0.0, 0.0]]
b1 = [[0.0, 0.0, 0.0]]
[training]
learning_rate = 0.1
activation = "sigmoid"
output_activation = "softmax"
cost = "cross_entropy"
"""


async def test_where_softmax_rounded_the_right_class_to_zero_the_screen_says_so_and_shows_no_nan(tmp_path):
    path = tmp_path / "underflow.toml"
    path.write_text(UNDERFLOWING)
    app = BackpropApp(path)
    async with app.run_test(size=SIZE) as pilot:
        index = next(s.index for s in app.session.epoch_pass(1)[2] if s.phase == "backward")
        await at_step(pilot, index)
        await pilot.press("j")
        await pilot.pause()
        text = app.screen.body.plain
        # observation 1: z = [1000, −1000, 0], so ŷ of its class (the 2nd) is e^−2000, exactly 0 in float64
        assert "ŷ[1,2] rounded to exactly 0 or 1" in text and "cannot be computed" in text
        assert not re.search(r"nan|inf|∞|—", text)
        delta = (np.array([1.0, 0.0, np.exp(-1000.0)]) - np.array([0.0, 1.0, 0.0])) / 2
        assert box(text, "✎ row 1 of δ2  1×3")[0].split() == [fmt(v, 3) for v in delta]
        await pilot.press("2")  # observation 2 is an ordinary one
        await pilot.pause()
        assert "rounded to exactly" not in app.screen.body.plain and "∂J/∂ŷ_r · S_r" in app.screen.body.plain


async def test_j_elsewhere_says_where_and_quiz_mode_refuses_it_like_zoom():
    app = BackpropApp("softmax-classes")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        await pilot.pause()
        assert not isinstance(app.screen, JacobianScreen)
        assert "only at the fused softmax/cross-entropy step: step 8 of each epoch" in messages(app)
        await at_step(pilot, 7)
        app.clear_notifications()
        await pilot.press("k", "right")  # quiz mode: step 8 asks for δ3's shape
        assert app.main.quiz_mode.question is not None
        await app.main.run_action("jacobian")
        await pilot.pause()
        assert not isinstance(app.screen, JacobianScreen) and "Answer the quiz question first" in messages(app)
    app = BackpropApp("sleep-study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        await pilot.pause()
        assert "this scenario's cost (sse) has none" in messages(app)


# --- gradient norms ------------------------------------------------------------------------------------


def independent_norms(s) -> list[float]:
    _, grads, _ = reference.gradients(
        s.X, s.y, list(s.params.weights), list(s.params.biases), s.activation, s.output_activation, s.cost
    )
    return [float(np.linalg.norm(g)) for g in grads]


async def test_gradient_norms_appear_as_the_walk_reaches_them_and_equal_numpy_norms():
    app = BackpropApp("deep-sigmoid")
    async with app.run_test(size=SIZE) as pilot:
        norms = independent_norms(app.scenario)
        assert norms[0] < 1e-3 * norms[-1]  # the vanishing gradient the panel is to show
        await at_step(pilot, 22)  # ∂J/∂b6: ∂J/∂W6 comes next
        assert "‖∂J/∂W" not in params_text(app)
        await pilot.press("right")  # step 23 computes ∂J/∂W6 (and ∂J/∂a6)
        text = params_text(app)
        assert f"‖∂J/∂W6‖ {norms[5]:.2e} " in text
        assert "‖∂J/∂W5‖ … not reached yet" in text and "‖∂J/∂W1‖ … not reached yet" in text
        await pilot.press("end")
        text = params_text(app)
        bars = {}
        for layer, norm in enumerate(norms, start=1):
            line = next(x for x in text.splitlines() if x.startswith(f"‖∂J/∂W{layer}‖"))
            assert f"{norm:.2e}" in line
            bars[layer] = line.count("█")
        # the flow at a glance: each layer's bar shorter than the one after it, W1's by far
        assert [bars[k] for k in range(1, 7)] == sorted(bars.values()) and bars[6] - bars[1] >= 6


async def test_a_gradient_norm_waits_while_a_quiz_question_is_open_on_its_step():
    app = BackpropApp("deep-sigmoid")
    async with app.run_test(size=SIZE) as pilot:
        await at_step(pilot, 22)
        await pilot.press("k", "right")  # quiz mode: step 23 asks for ∂J/∂W6's shape
        assert app.main.quiz_mode.question is not None and app.main.view.hidden
        assert "‖∂J/∂W6‖" not in params_text(app)
        while app.main.quiz_mode.hidden():  # give up each question: the results, and the norm, are revealed
            assert "‖∂J/∂W6‖" not in params_text(app)
            await pilot.press("escape")
        await pilot.pause()
        assert f"‖∂J/∂W6‖ {independent_norms(app.scenario)[5]:.2e}" in params_text(app)


# --- saturated f′ and dead units -----------------------------------------------------------------------


async def test_saturated_f_prime_entries_are_marked_exactly(tmp_path):
    path = tmp_path / "saturating.toml"
    path.write_text(SATURATING)
    app = BackpropApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await at_step(pilot, 12)  # f′ of layer 1: δ2 = ∂J/∂a2 ⊙ σ′(z2)
        s = app.scenario
        z2 = s.X @ s.params.weights[0] + s.params.biases[0]
        prime = reference.ACTIVATIONS["sigmoid"][1](z2)
        expected = {(int(i), int(j)) for i, j in zip(*np.nonzero(prime < 0.01 * 0.25))}
        assert 0 < len(expected) < prime.size
        text = app.query_one(MatricesPanel).content.plain
        assert flagged(box(text, "f'(z2)  4×3")) == dict.fromkeys(expected, "░")
        assert not flagged(box(text, "z2  4×3")) and not flagged(box(text, "∂J/∂a2  4×3"))
        assert "░ saturated: f′ < 1 % of its max" in text and "dead unit" not in text
        await pilot.press("left")  # the step before (∂J/∂W2): nothing to mark, no legend
        assert "saturated: f′" not in app.query_one(MatricesPanel).content.plain


async def test_dead_relu_units_are_marked_in_every_row():
    app = BackpropApp("deep-relu")
    async with app.run_test(size=SIZE) as pilot:
        await at_step(pilot, 24)  # f′ of layer 5: δ6 = ∂J/∂a6 ⊙ relu′(z6)
        s = app.scenario
        a = s.X
        for W, b in zip(s.params.weights[:5], s.params.biases[:5]):
            z = a @ W + b
            a = np.maximum(z, 0.0)
        dead = [j for j in range(z.shape[1]) if (z[:, j] <= 0).all()]
        assert dead  # the scenario has dead units at this layer
        text = app.query_one(MatricesPanel).content.plain
        marks = flagged(box(text, "f'(z6)  8×5"))
        assert marks == {(i, j): "✕" for i in range(8) for j in dead}
        assert "✕ dead unit: relu′ = 0 for the whole batch" in text and "░" not in text


# --- snapshots -------------------------------------------------------------------------------------------


def test_jacobian_screen_snapshot(snap_compare):
    """softmax-classes at its fused step, `j`: observation 1 the long way."""
    keys = ["right"] * 7 + ["j"]
    assert snap_compare(BackpropApp("softmax-classes"), terminal_size=(120, 40), run_before=settled(*keys))


def test_deep_sigmoid_f_prime_step_snapshot(snap_compare):
    """deep-sigmoid at the f′ of layer 1 (δ2): the norms of W6 … W2 reached, each a bar shorter than the last."""
    assert snap_compare(BackpropApp("deep-sigmoid"), terminal_size=(120, 40), run_before=settled(*["right"] * 35))
