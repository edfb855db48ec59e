"""`backprop-tui compare`: two settings side by side, stepped together (the engine, the screen, the command)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from rich.console import Console
from textual.widgets import Input, Static

from tui_backprop.app.compare import CompareApp
from tui_backprop.app.screens.compare import CompareScreen
from tui_backprop.app.screens.gradcheck import GradCheckScreen
from tui_backprop.app.view import shown_differences
from tui_backprop.app.widgets.compare import CompareHeader
from tui_backprop.app.widgets.matrices import MatricesPanel
from tui_backprop.core import BackpropError, Session, resolve, train
from tui_backprop.core.compare import Lockstep, differences, open_pair, vary
from tui_backprop.core.scenario import lecun_normal
from tui_backprop.core.session import Position

WIDE, NARROW = (120, 40), (80, 24)


def compare_app(a: str, b: str | None = None, assignment: str | None = None) -> CompareApp:
    first, second, sides = open_pair(a, b, assignment)
    return CompareApp(first, second, sides)


def positions(app) -> list[Position]:
    return [s.position for s in app.pair.sessions]


def marked(panel: MatricesPanel) -> list[str]:
    """The texts of the entries the panel draws reversed (what the marks look like without colour)."""
    text = panel.content
    return sorted(text.plain[s.start : s.end].strip() for s in text.spans if "reverse" in str(s.style))


# --- the engine: --vary, what differs, refusals, lockstep ------------------------------------------


def test_vary_changes_one_setting_and_nothing_else():
    a = resolve("sleep-study")
    b = vary(a, "learning_rate=3")
    assert (a.learning_rate, b.learning_rate) == (0.5, 3.0)
    assert b.cost == a.cost and b.activation == a.activation
    assert all(np.array_equal(x, y) for x, y in zip(a.params.weights, b.params.weights))
    assert differences(a, b) == ["learning_rate: 0.5 | 3"]


def test_vary_activation_is_read_as_the_file_would_be():
    """activation=tanh also sets the output's, as a file without output_activation means."""
    b = vary(resolve("sleep-study"), "activation=tanh")
    assert (b.activation, b.output_activation) == ("tanh", "tanh")
    c = vary(resolve("relu-hidden"), "activation=tanh")  # its file names the output's: it stays
    assert (c.activation, c.output_activation) == ("tanh", "sigmoid")


@pytest.mark.parametrize("name", ["sleep-study", "deep-relu"])  # [weights] given, and [network] drawn
def test_vary_seed_draws_the_initial_weights_from_it(name):
    a = resolve(name)
    b = vary(a, "seed=8")
    drawn = lecun_normal(a.layers, 8)
    assert all(np.array_equal(x, y) for x, y in zip(b.params.weights, drawn.weights))
    assert differences(a, b) == ["initial weights differ"]


def test_vary_optimizer_keeps_the_walk_and_names_the_difference():
    a = resolve("sleep-study")
    b = vary(a, "optimizer=adam")
    assert Session(a).n_steps == Session(b).n_steps
    assert differences(a, b) == ["optimizer: sgd | adam (β1 0.9, β2 0.999, ε 1e-08)"]


def test_a_difference_the_screen_cannot_show_is_none():
    a, b = np.array([[0.1234, 0.5]]), np.array([[0.1236, 0.5]])
    assert shown_differences(a, b, 3, 12, 6) == {(0, 0)}  # 0.123 | 0.124
    assert shown_differences(a, b, 2, 12, 6) == set()  # 0.12 | 0.12
    # each under its own power of ten: 1.234 ×10⁻² and 1.236 ×10⁻² differ at 3 decimals
    assert shown_differences(a / 10, b / 10, 3, 12, 6) == {(0, 0)}


def test_lockstep_stops_both_where_one_diverges():
    a = resolve("softmax-classes")
    b = vary(a, "learning_rate=1000000")
    pair = Lockstep(Session(a), Session(b))
    error = pair.train(50)
    assert error is not None and error.epoch < 50
    sa, sb = pair.sessions
    assert sa.frontier == 51 and sb.frontier < 51
    assert sa.position == sb.position == Position(sb.frontier, 1)
    pair.go(pair.n_steps)
    assert not pair.move(+1) and sa.position == sb.position  # B cannot go on: neither does A


def written(a: np.ndarray) -> tuple[np.ndarray, float]:
    """The numbers as the screen writes them and the power of ten they stand under: a matrix whose entries
    are all below 0.1 in size is written times the power that brings its largest between 1 and 10."""
    peak = abs(a).max()
    power = 10.0 ** np.floor(np.log10(peak)) if 0 < peak < 0.1 else 1.0
    return a / power, power


# --- the screen -----------------------------------------------------------------------------------


async def test_every_step_key_moves_both():
    app = compare_app("sleep-study", assignment="learning_rate=3")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press(*["right"] * 5)
        assert positions(app) == [Position(1, 6)] * 2
        screen = app.screen
        assert screen.left.step.index == screen.right.step.index == 6
        await pilot.press("end")
        assert positions(app) == [Position(1, 16)] * 2
        await pilot.press("right")
        assert positions(app) == [Position(2, 1)] * 2
        await pilot.press("left", "home")
        assert positions(app) == [Position(1, 1)] * 2
        await pilot.press("left")  # the first step: neither moves
        assert positions(app) == [Position(1, 1)] * 2
        await pilot.press("e")
        await pilot.pause(0.06 * 20)
        assert positions(app) == [Position(1, 16)] * 2
        await pilot.press("r")
        assert positions(app) == [Position(1, 1)] * 2


async def test_the_header_says_what_differs_and_counts_the_marks():
    app = compare_app("sleep-study", assignment="learning_rate=3")
    async with app.run_test(size=WIDE) as pilot:
        header = app.screen.query_one(CompareHeader)
        assert header.text_plain.startswith("A | B  learning_rate: 0.5 | 3")
        assert "step 1/16" in header.text_plain and "none here" in header.text_plain
        await pilot.press("end")
        assert "step 16/16" in header.text_plain and f"{len(app.screen.left.differs)} here" in header.text_plain


@pytest.mark.parametrize("assignment", ["learning_rate=3", "activation=tanh", "cost=mse"])
async def test_the_marks_are_exactly_on_the_entries_that_differ(assignment):
    """At every step of epoch 1 (and the update, where η shows): the entries the two sides write differently
    at 3 decimals, computed here with numpy's rounding, are reversed in both panes, and only they."""
    app = compare_app("sleep-study", assignment=assignment)
    async with app.run_test(size=WIDE) as pilot:
        screen = app.screen
        a_panel, b_panel = (
            screen.query_one("#matrices-a", MatricesPanel),
            screen.query_one("#matrices-b", MatricesPanel),
        )
        seen = 0
        for _ in range(16):
            sa, sb = (s.step() for s in app.pair.sessions)
            expected, texts_a, texts_b = set(), [], []
            for k, (oa, ob) in enumerate(zip(sa.operations, sb.operations)):
                pairs = [(oa.symbol, oa.value, ob.value)] + [
                    (x.symbol, x.entered, y.entered) for x, y in zip(oa.operands, ob.operands)
                ]
                if k == 0:
                    pairs += [(n, sa.context[n], sb.context[n]) for n in sa.context]
                for label, x, y in pairs:
                    (x, px), (y, py) = written(x), written(y)
                    for i, j in zip(*np.nonzero(np.round(x, 3) * px != np.round(y, 3) * py)):
                        expected.add((k, label, int(i), int(j)))
                        texts_a.append(f"{x[i, j]:.3f}")
                        texts_b.append(f"{y[i, j]:.3f}")
            assert {(k, i, j) for k, _, i, j in screen.left.differs} == {(k, i, j) for k, _, i, j in expected}
            assert screen.right.differs == screen.left.differs  # (one walk: the same operations)
            await pilot.pause()
            assert marked(a_panel) == sorted(texts_a)
            assert marked(b_panel) == sorted(texts_b)
            seen += len(expected)
            await pilot.press("right")
        assert seen > 0


async def test_an_optimizers_update_is_compared_result_by_result():
    """sgd's update of W1 is one operation, Adam's three (m, s, then W1): new W1 is marked on both sides,
    at its own operation on each, and Adam's moments, which sgd lacks, are not."""
    app = compare_app("sleep-study", assignment="optimizer=adam")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("end")
        left, right = app.screen.left.differs, app.screen.right.differs
        assert {(k, label) for k, label, _, _ in left} == {(0, "new W1"), (1, "new b1")}
        assert {(k, label) for k, label, _, _ in right} == {(2, "new W1"), (5, "new b1")}
        sgd, adam = (s.step() for s in app.pair.sessions)
        new_sgd, new_adam = sgd.operations[0].value, adam.operations[2].value
        assert {(i, j) for k, _, i, j in left if k == 0} == set(
            zip(*np.nonzero(np.round(new_sgd, 3) != np.round(new_adam, 3)))
        )


async def test_a_click_on_an_entry_leaves_the_marks_alone():
    app = compare_app("sleep-study", assignment="learning_rate=3")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("end")
        panel = app.screen.query_one("#matrices-a", MatricesPanel)
        before = marked(panel)
        assert before
        text = panel.content
        start = next(sp.start for sp in text.spans if "reverse" in str(sp.style))  # a marked result entry
        row = text.plain.count("\n", 0, start)
        col = start - (text.plain.rfind("\n", 0, start) + 1)
        await pilot.click(panel, offset=(col + 3, row + 1))  # (inside the border and the padding)
        assert panel.cursor is None and marked(panel) == before


async def test_decimals_change_what_counts_as_different():
    app = compare_app("sleep-study", assignment="learning_rate=0.5001")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("end")
        assert not app.screen.left.differs  # new W1 moves by 1e-5 of the gradient: not at 3 decimals
        await pilot.press("d", "d")  # 3 → 4 → 6
        assert app.screen.decimals == 6 and app.screen.left.differs


async def test_t_trains_both_the_same_epochs():
    app = compare_app("sleep-study", assignment="learning_rate=3")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("t")
        field = app.screen.query_one(Input)
        field.value = "40"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)
        a, b = app.pair.sessions
        assert positions(app) == [Position(41, 1)] * 2
        for s in (a, b):  # the same costs as the engine's training loop, run here on its own
            sc = s.scenario
            assert s.costs == pytest.approx(train(sc.network(), sc.params, sc.learning_rate, 41).costs, rel=1e-12)
        assert b.costs[-1] < a.costs[-1]  # η = 3 gets further in 40 epochs
        text = str(app.screen.query_one("#cmp-cost-text").render())
        assert "A: J =" in text and "B: J =" in text and "at epoch 41" in text


async def test_g_checks_a_then_b():
    app = compare_app("sleep-study", assignment="activation=tanh")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("g")
        await app.workers.wait_for_complete()
        assert isinstance(app.screen, GradCheckScreen) and app.screen.session is app.pair.sessions[0]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, GradCheckScreen) and app.screen.session is app.pair.sessions[1]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)


async def test_narrow_shows_one_side_and_a_switches():
    app = compare_app("sleep-study", "tanh-hidden")
    async with app.run_test(size=NARROW) as pilot:
        a, b = app.screen.query_one("#pane-a"), app.screen.query_one("#pane-b")
        assert a.display and not b.display
        await pilot.press("right", "a")
        assert b.display and not a.display
        await pilot.press("right")  # the hidden side keeps stepping
        assert positions(app) == [Position(1, 3)] * 2
        await pilot.press("a")
        assert a.display and not b.display


async def test_wide_shows_both_and_a_does_nothing():
    app = compare_app("sleep-study", "tanh-hidden")
    async with app.run_test(size=WIDE) as pilot:
        assert app.screen.check_action("switch_side", ()) is False
        await pilot.press("a")
        assert app.screen.query_one("#pane-a").display and app.screen.query_one("#pane-b").display


def test_the_help_lists_the_compare_keys():
    from tui_backprop.app.keys import COMPARE_KEYS

    actions = {spec.action for spec in COMPARE_KEYS}
    assert {"next", "previous", "train", "gradcheck", "switch_side"} <= actions
    assert not {"quiz", "open", "zoom"} & actions  # one side's modes are the main screen's
    assert all(hasattr(CompareScreen, f"action_{a}") for a in actions)


# --- the command ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["sleep-study", "deep"], "compare: sleep-study is [2, 3, 1] with m = 4, deep is [2, 4, 3, 1] with m = 5:"),
        (["sleep-study", "--vary", "learnig_rate=3"], "did you mean 'learning_rate'?"),
        (
            ["sleep-study", "--vary", "learning_rate=abc"],
            "sleep-study (--vary learning_rate=abc): training.learning_rate: expected a finite number > 0, "
            "got the string 'abc'",
        ),
        (["xor", "--vary", "activation=softmax"], "xor (--vary activation=softmax): training.activation: expected"),
        (["xor", "--vary", "seed=-1"], "network.seed: expected a non-negative integer, got the number -1"),
        (["xor", "--vary", "learning_rate=2"], "nothing would differ"),
        (["xor", "--vary", "cost=binary_cross_entropy"], "lockstep needs walks of the same length"),
        (["xor", "--vary", "learning_rate"], "--vary: expected KEY=VALUE"),
        (["nosuch", "--vary", "seed=3"], "nosuch: expected a scenario file or a bundled name"),
    ],
)
def test_a_refusal_is_one_line_and_exit_1(run_cli, args, says):
    r = run_cli("compare", *args)
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr.count("\n") == 1 and says in r.stderr and "Traceback" not in r.stderr


def test_b_and_vary_go_one_at_a_time(run_cli):
    for args in (["xor"], ["xor", "and", "--vary", "seed=3"]):
        r = run_cli("compare", *args)
        assert r.returncode == 2 and "give a second scenario B or --vary KEY=VALUE" in r.stderr


def test_open_pair_raises_the_same_errors():
    with pytest.raises(BackpropError, match="unknown key 'lr'"):
        open_pair("xor", assignment="lr=3")
    a, b, sides = open_pair("xor", assignment="seed=8")
    assert [s.title for s in sides] == [a.name, f"{a.name}, with seed=8"]


async def test_the_palette_and_the_help_offer_the_compare_keys():
    app = compare_app("sleep-study", "tanh-hidden")
    async with app.run_test(size=NARROW) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Show the other side (A / B) (a)" in titles and "Next step (→ l n)" in titles
        assert not any(t.startswith("Quiz mode") for t in titles)
        await pilot.press("question_mark")
        console = Console(width=200, record=True, color_system=None, file=io.StringIO())
        console.print(app.screen.query_one("#help-table", Static).content)
        help_text = console.export_text()
        assert "show the other side's pane" in help_text and "Quiz mode" not in help_text


@pytest.mark.parametrize(("size", "rows"), [(WIDE, 12), (NARROW, 8)])
async def test_only_the_entries_on_show_are_marked_and_counted(size, rows):
    """mse-batch's 16 observations: a pane shows 12 rows of a2 (8 below 100 columns); the header counts those."""
    app = compare_app("mse-batch", assignment="activation=tanh")
    async with app.run_test(size=size) as pilot:
        await pilot.press("right", "right")  # a2 = f(z2), 16×3
        differs = app.screen.left.differs
        assert {i for k, label, i, j in differs if label == "a2"} == set(range(rows))
        assert f"shown: {len(differs)} here" in app.screen.query_one(CompareHeader).text_plain
