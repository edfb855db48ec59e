"""Spot the bug: planted mistakes change their own gate first, propagate after it, and the gradient check sees them.

The numbers of a mistaken walk are checked against a backward pass written out here with numpy, mistake
included; the steps before the planted gate against the correct walk, entry for entry.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from tui_backprop.cli import main
from tui_backprop.core import ScenarioError, Session, load_bundled, names
from tui_backprop.core.bugs import BY_NAME, CATALOGUE, Mistake, Planted, first_difference, plant, variants
from tui_backprop.core.gates import KINDS
from tui_backprop.core.trace import facts_of

CASES = [(name, m, l) for name in names() for m, l in variants(facts_of(load_bundled(name)))]


def _id(case):
    name, m, l = case
    return f"{name}-{Planted(m, l, 1.0).name}"


def session(name: str, spec: str | None = None) -> Session:
    s = load_bundled(name)
    return Session(s, plant(spec, facts_of(s), "test", None) if spec else None)


# --- the catalogue -----------------------------------------------------------------------------------


def test_the_catalogue_has_at_least_eight_mistakes_each_a_variant_of_one_gate_kind():
    assert len(CATALOGUE) >= 8
    assert len({m.name for m in CATALOGUE}) == len(CATALOGUE)
    for m in CATALOGUE:
        assert isinstance(m, Mistake)
        corrupted = [k for k in KINDS if isinstance(m, type(k))]
        assert corrupted == [m.corrupts], m.name  # a variant of exactly one kind, the one it names
        text = m.describe(None)
        assert text and "\n" not in text and "{" not in text
        assert m.changes_gradient == (m.name != "update-sign")


def test_every_mistake_applies_to_some_bundled_scenario_and_some_do_not_apply_everywhere():
    planted = {m.name for _, m, _ in CASES}
    assert planted == set(BY_NAME)
    by_scenario = {name: {m.name for n, m, _ in CASES if n == name} for name in names()}
    assert "mse-no-1-over-m" not in by_scenario["sleep-study"] and "mse-no-1-over-m" in by_scenario["mse-batch"]
    assert "bias-mean" not in by_scenario["mse-batch"]  # the cost averages there: the mean is right
    assert "stale-weights" not in by_scenario["and"]  # no hidden layer: nothing is sent back through W1
    relu = [Planted(m, l, 1.0).name for n, m, l in CASES if n == "relu-hidden"]
    assert "fprime-of-a@3" in relu and "fprime-of-a@2" not in relu  # relu'(a) = relu'(z) at the hidden layer


def layered_names(scenario: str) -> set[str]:
    return {Planted(m, l, 1.0).name for n, m, l in CASES if n == scenario}


@pytest.mark.parametrize("scenario", ["softmax-classes", "xor-bce"])
def test_a_fused_output_has_no_cost_prime_or_output_fprime_to_get_wrong(scenario):
    """Cross-entropy's δ at the output is one fused step (ŷ − y)/m: no ∂J/∂ŷ step, no f′ of the output."""
    shown = layered_names(scenario)
    assert not {"cost-prime-sign", "mse-no-1-over-m", "no-fprime@3", "fprime-of-a@3"} & shown
    assert "no-fprime@2" in shown and "bias-first-row@3" in shown  # the layers below still have theirs
    with pytest.raises(ScenarioError, match="fused"):
        session(scenario, "cost-prime-sign")


@pytest.mark.parametrize("scenario", ["sleep-momentum", "sleep-adam"])
def test_update_sign_and_stale_weights_are_plain_gradient_descent_mistakes(scenario):
    """Momentum and Adam update through their own state: W − η ∂J/∂W is not their update."""
    shown = layered_names(scenario)
    assert not any(n.startswith(("update-sign", "stale-weights")) for n in shown)
    assert "no-fprime@2" in shown
    with pytest.raises(ScenarioError, match="sgd"):
        session(scenario, "update-sign")
    # the gradient mistakes still go through the optimizer's update: the walk's update differs from the correct one
    wrong, right = session(scenario, "no-fprime@2"), session(scenario)
    assert wrong.can_enter(2) and right.can_enter(2)
    assert not np.array_equal(wrong.params_at(2).weights[0], right.params_at(2).weights[0])


# --- every mistake × every bundled scenario it applies to -----------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_steps_before_the_planted_gate_equal_the_correct_walk_and_its_outputs_differ(case):
    name, mistake, layer = case
    s = load_bundled(name)
    planted = Planted(mistake, layer, s.learning_rate)
    correct = Session(s).epoch_pass(1)[2]
    wrong = Session(s, planted).epoch_pass(1)[2]
    k = next(st.index for st in wrong if st.kind is mistake)  # where the walk puts the mistake
    assert correct[k - 1].kind is mistake.corrupts and correct[k - 1].layer == layer
    for a, b in zip(correct[: k - 1], wrong[: k - 1]):
        for key in a.outputs:
            assert np.array_equal(a.outputs[key], b.outputs[key]), (b.index, key)
        for key in a.inputs:
            assert np.array_equal(a.inputs[key], b.inputs[key]), (b.index, key)
    assert any(not np.array_equal(correct[k - 1].outputs[x], wrong[k - 1].outputs[x]) for x in correct[k - 1].outputs)
    assert first_difference(correct, wrong) == k == Session(s, planted).bug_step(1)
    # the planted step keeps the correct gate's words: nothing says where the mistake is
    assert wrong[k - 1].title.split(":")[0] == correct[k - 1].title.split(":")[0]
    assert wrong[k - 1].explanation.split(".")[0] == correct[k - 1].explanation.split(".")[0]
    # and the mistake reaches the parameters
    new = {x: v for st in wrong if st.phase == "update" for x, v in st.outputs.items()}
    right = {x: v for st in correct if st.phase == "update" for x, v in st.outputs.items()}
    assert any(not np.array_equal(new[x], right[x]) for x in right)


def test_the_correct_walk_is_the_one_without_a_plant():
    s = load_bundled("deep")
    plain, none = Session(s).epoch_pass(1), Session(s, None).epoch_pass(1)
    p = s.network().full_pass(s.params)
    assert plain[1].cost == none[1].cost == p.cost
    for a, b in zip(plain[2], none[2]):
        for key in a.outputs:
            assert np.array_equal(a.outputs[key], b.outputs[key])


# --- the numbers, against a backward pass written out here ---------------------------------------------


def sig(z):
    return 1 / (1 + np.exp(-z))


def by_hand(mistake: str):
    """sleep-study's one iteration ([2, 3, 1], sigmoid, sse), with `mistake` made: (grads, new params)."""
    s = load_bundled("sleep-study")
    X, y, eta = s.X, s.y, s.learning_rate
    (W1, W2), (b1, b2) = s.params.weights, s.params.biases
    z2 = X @ W1 + b1
    a2 = sig(z2)
    z3 = a2 @ W2 + b2
    yhat = sig(z3)
    g = yhat - y if mistake != "cost-prime-sign" else y - yhat
    d3 = g if mistake == "no-fprime@3" else g * yhat * (1 - yhat)
    if mistake == "fprime-of-a@3":
        d3 = g * sig(yhat) * (1 - sig(yhat))
    db2 = d3.sum(axis=0, keepdims=True)
    if mistake == "bias-first-row@3":
        db2 = d3[:1]
    dW2 = a2.T @ d3 if mistake != "dW-from-z@3" else z2.T @ d3
    W2_back = W2 - eta * (a2.T @ d3) if mistake == "stale-weights@3" else W2
    da2 = d3 @ W2_back.T
    d2 = da2 * a2 * (1 - a2)
    db1 = d2.sum(axis=0, keepdims=True)
    if mistake == "bias-mean@2":
        db1 = db1 / X.shape[0]
    dW1 = X.T @ d2
    sign = {"update-sign@2": (1, -1)}.get(mistake, (-1, -1))
    new = {"W1": W1 + sign[0] * eta * dW1, "b1": b1 + sign[0] * eta * db1}
    new |= {"W2": W2 - eta * dW2, "b2": b2 - eta * db2}
    return {"dJ_dW1": dW1, "dJ_db1": db1, "dJ_dW2": dW2, "dJ_db2": db2, "delta3": d3, "delta2": d2}, new


MISTAKES_BY_HAND = [
    "cost-prime-sign",
    "no-fprime@3",
    "fprime-of-a@3",
    "bias-first-row@3",
    "bias-mean@2",
    "stale-weights@3",
    "dW-from-z@3",
    "update-sign@2",
]


@pytest.mark.parametrize("mistake", MISTAKES_BY_HAND)
def test_a_mistake_propagates_to_every_later_gradient_and_the_update(mistake):
    steps = session("sleep-study", mistake).epoch_pass(1)[2]
    outputs = {x: v for st in steps for x, v in st.outputs.items() if st.phase != "update"}
    new = {x: v for st in steps if st.phase == "update" for x, v in st.outputs.items()}
    grads, params = by_hand(mistake)
    for x, v in grads.items():
        np.testing.assert_allclose(outputs[x], v, rtol=1e-12, atol=1e-15, err_msg=x)
    for x, v in params.items():
        np.testing.assert_allclose(new[x], v, rtol=1e-12, atol=1e-15, err_msg=x)
    right_grads, right_params = by_hand("")
    assert any(not np.allclose(params[x], right_params[x]) for x in params)


def test_the_planted_step_shows_the_operands_the_mistake_used():
    stale = session("sleep-study", "stale-weights@3").epoch_pass(1)[2][10]
    new_w2 = session("sleep-study").epoch_pass(1)[2][14].outputs["W2"]
    assert np.array_equal(stale.operation("dJ_da2").operands[1].matrix, new_w2)
    from_z = session("sleep-study", "dW-from-z").epoch_pass(1)[2][10]
    assert from_z.operation("dJ_dW2").operands[0].name == "z2" and "z2ᵀ" in from_z.equation
    of_a = session("sleep-study", "fprime-of-a@3").epoch_pass(1)[2][8]
    a3 = of_a.inputs["dJ_dyhat"]  # the shown f' matrix is f' of ŷ, and the result follows from what is shown
    yhat = session("sleep-study").epoch_pass(1)[2][5].outputs["yhat"]
    np.testing.assert_allclose(of_a.inputs["fprime_z3"], sig(yhat) * (1 - sig(yhat)), rtol=1e-14)
    np.testing.assert_allclose(of_a.outputs["delta3"], a3 * of_a.inputs["fprime_z3"], rtol=1e-14)


def test_the_mistake_is_made_every_epoch_and_history_recomputes_it():
    s = session("xor", "no-fprime@2")
    s.train(70)
    costs = list(s.costs)
    plain = session("xor")
    plain.train(70)
    assert costs != plain.costs
    s.position = type(s.position)(3, 1)
    s._cached = None
    assert s.epoch_pass(3)[1].cost == costs[2]  # recomputed from the checkpoint with the mistake
    again = session("xor", "no-fprime@2")
    for e in range(2, 6):
        assert again.can_enter(e)
    assert again.costs[:4] == costs[:4]  # the same epochs stepped one at a time


# --- naming a mistake ------------------------------------------------------------------------------------


def test_names_layers_random_and_errors():
    f = facts_of(load_bundled("sleep-study"))
    assert plant("no-fprime", f, "x", None).name == "no-fprime@3"  # the layer nearest the output
    assert plant("no-fprime@2", f, "x", None).layer == 1
    picks = {plant("random", f, "x", None, seed).name for seed in range(40)}
    assert len(picks) > 5 and plant("random", f, "x", None, 7).name == plant("random", f, "x", None, 7).name
    with pytest.raises(ScenarioError, match="did you mean 'bias-mean'"):
        plant("bias-maen", f, "x", None)
    with pytest.raises(ScenarioError, match="N one of 3"):
        plant("stale-weights@2", f, "x", None)
    with pytest.raises(ScenarioError, match="without a layer"):
        plant("cost-prime-sign@3", f, "x", None)


# --- command line ------------------------------------------------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui_backprop", *args], capture_output=True, text=True)


def test_bugs_lists_the_catalogue_as_text_and_json():
    text = run("bugs")
    assert text.returncode == 0
    for m in CATALOGUE:
        assert m.name in text.stdout and m.describe(None) in text.stdout
    doc = json.loads(run("bugs", "--json").stdout)
    assert [d["name"] for d in doc] == [m.name for m in CATALOGUE]
    assert all({"name", "description", "gate"} <= set(d) for d in doc)
    assert {d["gate"] for d in doc} <= {k.key for k in KINDS}
    assert [d["name"] for d in doc if not d["changes_gradient"]] == ["update-sign"]


def test_trace_json_names_the_first_differing_step():
    out = run("trace", "sleep-study", "--bug", "no-fprime@2", "--format", "json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["bug"]["name"] == "no-fprime@2" and doc["bug"]["step"] == 12
    plain = json.loads(run("trace", "sleep-study", "--format", "json").stdout)
    assert "bug" not in plain
    assert doc["steps"][:11] == plain["steps"][:11] and doc["steps"][11] != plain["steps"][11]


def test_trace_markdown_is_a_find_the_error_handout_with_an_answer_key_on_request(capsys):
    assert main(["trace", "or", "--bug", "bias-first-row@2", "--format", "markdown"]) == 0
    sheet = capsys.readouterr().out
    description = BY_NAME["bias-first-row"].describe(1)
    assert "Find the error" in sheet
    assert "bias-first-row" not in sheet and description not in sheet and "Answer" not in sheet
    assert main(["trace", "or", "--bug", "bias-first-row@2", "--format", "markdown", "--answers"]) == 0
    key = capsys.readouterr().out
    assert key.startswith(sheet.rstrip("\n")) or sheet.rstrip("\n") in key
    answer = key.split("## Answer key", 1)[1]
    assert "step 13" in answer and description in answer and "✗" in answer
    assert main(["trace", "or", "--bug", "bias-first-row@2", "--answers"]) == 0
    text = capsys.readouterr().out
    assert "Find the error" in text and text.rstrip().endswith("(bias-first-row@2).")


def test_answers_and_blank_need_the_right_company():
    assert run("trace", "or", "--answers").returncode == 2
    assert run("gradcheck", "or", "--seed", "3").returncode == 2
    assert run("trace", "or", "--bug", "no-fprime", "--format", "markdown", "--blank").returncode == 2
    bad = run("trace", "or", "--bug", "no-fprim")
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "did you mean 'no-fprime'" in bad.stderr


@pytest.mark.parametrize("name", names())
def test_gradcheck_fails_for_every_mistake_that_changes_a_gradient(name, capsys):
    for _, mistake, layer in (c for c in CASES if c[0] == name):
        spec = Planted(mistake, layer, 1.0).name
        code = main(["gradcheck", name, "--bug", spec])
        out = capsys.readouterr()
        assert code == (1 if mistake.changes_gradient else 0), (spec, out.out)
        if not mistake.changes_gradient:
            assert "not in a gradient" in out.out


def test_gradcheck_names_the_parameters_that_disagree():
    out = run("gradcheck", "sleep-study", "--bug", "stale-weights")
    assert out.returncode == 1
    verdicts = {line.split()[0]: line.split()[-1] for line in out.stdout.splitlines() if line.startswith("  ")}
    assert verdicts == {"W1": "FAIL", "b1": "FAIL", "W2": "ok", "b2": "ok"}  # only below the stale W2


def test_show_says_a_lesson_plants_a_mistake_without_naming_it(tmp_path):
    lesson = tmp_path / "find.toml"
    lesson.write_text(
        'name = "Find it"\n[data]\nX = [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]\ny = [[1.0], [1.0], [0.0]]\n'
        '[network]\nlayers = [2, 3, 1]\nseed = 4\n[training]\nlearning_rate = 0.5\n[lesson]\nbug = "no-fprime@2"\n'
    )
    out = subprocess.run([sys.executable, "-m", "tui_backprop", "show", str(lesson)], capture_output=True, text=True)
    assert out.returncode == 0 and "plants a mistake to find" in out.stdout
    assert "no-fprime" not in out.stdout


def test_a_hidden_mistake_under_a_fused_output_and_adam_by_hand():
    """xor-bce (sigmoid + binary cross-entropy, δ fused) with no-fprime@2, and sleep-adam's first update
    with the same mistake: written out here with numpy."""
    s = load_bundled("xor-bce")
    X, y, m = s.X, s.y, s.m
    (W1, W2), (b1, b2) = s.params.weights, s.params.biases
    a2 = sig(X @ W1 + b1)
    d3 = (sig(a2 @ W2 + b2) - y) / m
    d2 = d3 @ W2.T  # the forgotten ⊙ σ′(z2)
    steps = session("xor-bce", "no-fprime@2").epoch_pass(1)[2]
    outputs = {x: v for st in steps for x, v in st.outputs.items() if st.phase != "update"}
    np.testing.assert_allclose(outputs["delta3"], d3, rtol=1e-12)
    np.testing.assert_allclose(outputs["delta2"], d2, rtol=1e-12)
    np.testing.assert_allclose(outputs["dJ_dW1"], X.T @ d2, rtol=1e-12)

    s = load_bundled("sleep-adam")
    X, y, eta, opt = s.X, s.y, s.learning_rate, s.optimizer
    (W1, W2), (b1, b2) = s.params.weights, s.params.biases
    a2 = sig(X @ W1 + b1)
    yhat = sig(a2 @ W2 + b2)
    d3 = (yhat - y) * yhat * (1 - yhat)
    g = X.T @ (d3 @ W2.T)  # ∂J/∂W1 without σ′(z2)
    # Adam's first step: m̂ = g and ŝ = g², so W1 moves by η g / (|g| + ε)
    expected = W1 - eta * g / (np.sqrt(g * g) + opt.eps)
    new = {x: v for st in session("sleep-adam", "no-fprime@2").epoch_pass(1)[2] for x, v in st.outputs.items()}
    np.testing.assert_allclose(new["W1"], expected, rtol=1e-9)
