"""Zooming into entries: `explain` on the command line, the chain from J to one weight, the batch as a
sum of observations, and the graph laid out as the article's Figure 2."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from tui_backprop.core import Network, Session, load_bundled, names
from tui_backprop.core.figure import figure_text, graph_figure
from tui_backprop.core.zoom import chain, chain_names, contributions, start_of
from tui_backprop.notation import factor_number, signed_number


def epoch_one(name: str):
    s = Session(load_bundled(name))
    return s, s.epoch_pass(1)[2]


# --- explain ----------------------------------------------------------------------------------------


def test_explain_json_has_the_issue_keys_and_adds_up(run_cli):
    r = run_cli("explain", "sleep-study", "--step", "14", "--entry", "dJ_dW1[2,3]", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc.keys() == {"name", "index", "value", "equation", "terms"}
    assert doc["name"] == "dJ_dW1" and doc["index"] == [2, 3]
    s, steps = epoch_one("sleep-study")
    X, delta2 = s.scenario.X, steps[11].outputs["delta2"]
    assert math.isclose(doc["value"], float(X[:, 1] @ delta2[:, 2]), rel_tol=1e-12)
    total = 0.0
    for k, term in enumerate(doc["terms"]):
        assert term.keys() == {"coefficient", "factors", "value"}
        # Xᵀ enters transposed: its factor is indexed in X as stored, row k+1, column 2.
        assert [(f["name"], f["index"]) for f in term["factors"]] == [("X", [k + 1, 2]), ("delta2", [k + 1, 3])]
        assert all(
            f.keys() == {"name", "index", "value", "function"} and f["function"] is None for f in term["factors"]
        )
        product = term["coefficient"] * math.prod(f["value"] for f in term["factors"])
        assert math.isclose(product, term["value"], rel_tol=1e-12)
        total += product
    assert math.isclose(total, doc["value"], rel_tol=1e-12)


def test_explain_activation_factor_names_its_function(run_cli):
    r = run_cli("explain", "tanh-hidden", "--step", "3", "--entry", "a2[2,3]", "--json")
    doc = json.loads(r.stdout)
    ((factor,),) = [t["factors"] for t in doc["terms"]]
    assert factor["name"] == "z2" and factor["index"] == [2, 3] and factor["function"] == "tanh"
    assert math.isclose(math.tanh(factor["value"]), doc["value"], rel_tol=1e-12)


def test_explain_cost_gives_value_and_equation(run_cli):
    r = run_cli("explain", "sleep-study", "--step", "7", "--entry", "J[1,1]", "--json")
    doc = json.loads(r.stdout)
    assert doc.keys() == {"name", "index", "value", "equation"}
    s, _ = epoch_one("sleep-study")
    assert math.isclose(doc["value"], s.costs[0], rel_tol=1e-12)


def test_explain_text_and_later_epochs(run_cli):
    r = run_cli("explain", "sleep-study", "--epoch", "2", "--step", "16", "--entry", "W1[1,1]", "--decimals", "3")
    assert r.returncode == 0, r.stderr
    s = Session(load_bundled("sleep-study"))
    s.can_enter(2)
    new = s.epoch_pass(2)[2][15].outputs["W1"][0, 0]
    lines = r.stdout.splitlines()
    assert lines[0].startswith("W1[1,1] ← W1[1,1] − η·∂J/∂W1[1,1]") and lines[-1].endswith(f"= {new:.3f}")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--step", "17", "--entry", "J[1,1]"], "--step: expected 1 to 16, got 17"),
        (["--step", "14", "--entry", "dJ_dW2[1,1]"], "computes dJ_dW1, not dJ_dW2"),
        (
            ["--step", "14", "--entry", "dJ_dW1[3,1]"],
            "dJ_dW1 is 2×3: expected i from 1 to 2 and j from 1 to 3, got [3,1]",
        ),
        (["--step", "14", "--entry", "dJ_dW1[0,1]"], "got [0,1]"),
        (["--step", "14", "--entry", "dJ_dW1"], "--entry: expected NAME[i,j]"),
    ],
)
def test_explain_bad_step_name_or_index_is_one_line_and_exit_1(run_cli, args, message):
    r = run_cli("explain", "sleep-study", *args)
    assert r.returncode == 1 and r.stdout == ""
    assert len(r.stderr.splitlines()) == 1 and message in r.stderr and "Traceback" not in r.stderr


# --- the chain from J to one weight ---------------------------------------------------------------------


def test_chain_of_the_article_weight_is_the_hand_written_product():
    """∂J/∂W1[1,2] = Σᵢ (ŷᵢ − yᵢ)·σ′(z3ᵢ)·W2[2,1]·σ′(z2ᵢ,₂)·Xᵢ,₁, each factor computed here with numpy."""
    s, steps = epoch_one("sleep-study")
    X, y, W1, b1, W2, b2 = s.scenario.X, s.scenario.y, *s.scenario.params.named().values()
    sig = lambda z: 1 / (1 + np.exp(-z))
    z2 = X @ W1 + b1
    z3 = sig(z2) @ W2 + b2
    yhat = sig(z3)
    c = chain(steps, "dJ_dW1", 0, 1)
    assert c.general() == "∂J/∂W1[1,2] = Σᵢ (ŷ[i,1] − y[i,1])·σ′(z3[i,1])·W2[2,1]·σ′(z2[i,2])·X[i,1]"
    assert len(c.paths) == c.total_paths == 4
    for i, p in enumerate(c.paths):
        expected = [
            yhat[i, 0] - y[i, 0],
            sig(z3[i, 0]) * (1 - sig(z3[i, 0])),
            W2[1, 0],
            sig(z2[i, 1]) * (1 - sig(z2[i, 1])),
            X[i, 0],
        ]
        assert p.observation == i
        np.testing.assert_allclose([link.factor.value for link in p.links], expected, rtol=1e-12)
        # Which step of the walk holds each factor: ∂J/∂ŷ (cost′, 8), f′(z3) (9), W2 (enters at 4), f′(z2) (12), X (1).
        assert [link.step for link in p.links] == [8, 9, 4, 12, 1]
    assert math.isclose(c.total, c.value, rel_tol=1e-12)


@pytest.mark.parametrize("name", names())
def test_every_chain_adds_up_to_its_entry(name):
    """For every gradient of the backward pass and every entry: the paths' products sum to the entry,
    each path starts at ∂J/∂ŷ, and each factor is the entry of the matrix it names in the step it names."""
    _, steps = epoch_one(name)
    start = start_of(steps).result
    for result in chain_names(steps):
        value = next(op.value for s in steps for op in s.operations if op.result == result)
        for i, j in np.ndindex(value.shape):
            c = chain(steps, result, i, j)
            if c.total_paths == len(c.paths):  # beyond MAX_PATHS a chain lists its first paths only
                assert math.isclose(c.total, c.value, rel_tol=1e-9, abs_tol=1e-15), (result, i, j)
            for p in c.paths:
                assert p.links[0].factor.name == start
                for link in p.links:
                    step = steps[link.step - 1]
                    held = {
                        **step.inputs,
                        **step.outputs,
                        **{o.name: o.matrix for op in step.operations for o in op.operands},
                    }
                    assert held[link.factor.name][link.factor.index] == link.factor.value


def test_a_deeper_chain_sums_over_the_units_between():
    s, steps = epoch_one("deep")  # [2, 4, 3, 1]: from W1 to J through each of the 3 units of layer 3
    c = chain(steps, "dJ_dW1", 0, 0)
    assert len(c.paths) == s.scenario.m * 3 and all(len(paths) == 3 for paths in c.by_observation().values())
    assert math.isclose(c.total, c.value, rel_tol=1e-12)


# --- the batch as a sum of observations -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["sleep-study", "mse-batch", "deep"])
def test_each_observation_contributes_its_own_gradient(name):
    """Observation k's contribution is the gradient of its own ½‖y_k − ŷ_k‖² (a one-row network);
    the batch gradient is their sum (sse) or mean (mse)."""
    s, steps = epoch_one(name)
    sc = s.scenario
    for layer in range(1, len(sc.layers)):
        c = contributions(steps, layer)
        assert len(c.weights) == sc.m and c.mean == (sc.cost == "mse")
        for k in range(sc.m):
            one = Network(sc.X[k : k + 1], sc.y[k : k + 1], sc.activation, sc.output_activation, "sse")
            _, gw, gb = one.gradients(sc.params)
            np.testing.assert_allclose(c.weights[k], gw[layer - 1], rtol=1e-10, atol=1e-15)
            np.testing.assert_allclose(c.biases[k], gb[layer - 1], rtol=1e-10, atol=1e-15)
        combine = np.mean if c.mean else np.sum
        np.testing.assert_allclose(combine(c.weights, axis=0), s.epoch_pass(1)[1].grad_w[layer - 1], rtol=1e-10)
        np.testing.assert_allclose(combine(c.biases, axis=0), s.epoch_pass(1)[1].grad_b[layer - 1], rtol=1e-10)


# --- the graph as Figure 2 ------------------------------------------------------------------------------


def _chain_row(text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("X "))


def test_figure_runs_left_to_right_with_shapes_values_and_gradients():
    text = figure_text(graph_figure([2, 3, 1], "sigmoid", "sigmoid", 4, 120))
    lines = text.splitlines()
    assert len(lines) == 4  # one band: parameters, values, the chain, gradients
    params, values, row, grads = lines
    order = [row.index(n) for n in ("X ", "(·)", "(+)", "(σ)")]
    assert order == sorted(order)
    assert row.count("(·)") == row.count("(+)") == row.count("(σ)") == 2 and row.index("(J)") < row.rindex("y")
    assert "◀─4×1" in row and row.count("─4×3") == 3 and "─4×2" in row
    # W1 stands above the first mulGate, b2 above the second addGate.
    assert params.index("W1 2×3") < row.index("(·)") + 3 <= params.index("W1 2×3") + 9
    assert values.index("↓") == row.index("(·)") + 1
    assert params.rindex("b2 1×1") < row.rindex("(+)") + 3
    for name in ("XW1", "z2", "a2", "a2W2", "z3", "ŷ"):
        assert name in values
    assert grads.split() == ["◀", "δ2", "◀", "δ2", "◀", "∂J/∂a2", "◀", "δ3", "◀", "δ3", "◀", "∂J/∂ŷ"]


@pytest.mark.parametrize("width", [38, 60, 100])
def test_figure_wraps_to_its_width(width):
    lines = graph_figure([2, 4, 3, 1], "relu", "identity", 4, width)
    text = figure_text(lines)
    assert max(len(line) for line in text.splitlines()) <= width
    assert text.count("(relu)") == 2 and text.count("(id)") == 1 and "W3 3×1" in text
    if width < 60:
        assert text.count("\n\n") >= 2  # more bands than one


def test_handout_opens_with_the_figure():
    from tui_backprop.handout import trace_markdown

    s = Session(load_bundled("sleep-study"))
    md = trace_markdown(s, 1)
    figure = figure_text(graph_figure([2, 3, 1], "sigmoid", "sigmoid", 4, 100))
    assert md.index(figure) < md.index("## The network")


def test_explain_text_writes_a_sum_out_term_by_term(run_cli):
    r = run_cli("explain", "sleep-study", "--step", "14", "--entry", "dJ_dW1[2,3]")
    equation, symbols, numbers, value = r.stdout.splitlines()
    assert equation == "∂J/∂W1[2,3] = Σₖ X[k,2]·δ2[k,3]"
    assert symbols.split(" = ")[1] == "X[1,2]·δ2[1,3] + X[2,2]·δ2[2,3] + X[3,2]·δ2[3,3] + X[4,2]·δ2[4,3]"
    s, steps = epoch_one("sleep-study")
    X, delta2 = s.scenario.X, steps[13].inputs["delta2"]
    assert numbers.split(" = ")[1].startswith(f"1.0000·{factor_number(delta2[0, 2], 4)} + 0.2000·")
    assert value.endswith(f"= {signed_number(X[:, 1] @ delta2[:, 2], 4)}")
