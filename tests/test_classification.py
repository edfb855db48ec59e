"""Softmax with cross-entropy and sigmoid with binary cross-entropy, against numpy written here.

The independent versions take the long way on purpose: the softmax Jacobian per observation
times ∂J/∂ŷ, and ∂J/∂ŷ ⊙ σ'(z), where the engine uses the fused δ = (ŷ − y)/m.
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from tui_backprop.core import Session, gradient_check, load_bundled, scenario_from_document, train
from tui_backprop.core.activations import softmax_jacobian
from tui_backprop.core.network import Network, Params, relative_error

ROOT = Path(__file__).resolve().parents[1]


def doc(rng, layers, m, act, cost):
    n_out = layers[-1]
    if cost == "cross_entropy":
        p = rng.uniform(0.05, 1.0, size=(m, n_out))
        y = np.eye(n_out)[rng.integers(0, n_out, m)] if rng.random() < 0.5 else p / p.sum(axis=1, keepdims=True)
        out = "softmax"
    else:
        y, out = rng.uniform(0, 1, size=(m, n_out)), "sigmoid"
    return {
        "name": "random",
        "data": {"X": rng.normal(size=(m, layers[0])).tolist(), "y": y.tolist()},
        "weights": {
            **{f"W{i + 1}": rng.normal(size=(a, b)).tolist() for i, (a, b) in enumerate(zip(layers, layers[1:]))},
            **{f"b{i + 1}": rng.normal(size=(1, b)).tolist() for i, b in enumerate(layers[1:])},
        },
        "training": {"learning_rate": 0.3, "cost": cost, "activation": act, "output_activation": out},
    }


ACT = {
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
    "tanh": (np.tanh, lambda z: 1 / np.cosh(z) ** 2),
    "relu": (lambda z: np.where(z > 0, z, 0.0), lambda z: (z > 0) * 1.0),
    "identity": (lambda z: z, lambda z: np.ones_like(z)),
}


def independent_pass(X, y, Ws, bs, act, cost):
    """Forward and backward the long way: ∂J/∂ŷ, then the output's own derivative, then the chain."""
    m = X.shape[0]
    f, fp = ACT[act]
    a, zs, acts = X, [], [X]
    for k, (W, b) in enumerate(zip(Ws, bs)):
        z = a @ W + b
        zs.append(z)
        if k < len(Ws) - 1:
            a = f(z)
        elif cost == "cross_entropy":
            e = np.exp(z)
            a = e / e.sum(axis=1, keepdims=True)
        else:
            a = 1 / (1 + np.exp(-z))
        acts.append(a)
    yhat = a
    if cost == "cross_entropy":
        J = -np.sum(y * np.log(yhat)) / m
        dJ_dyhat = -y / (m * yhat)
        # per observation: δ_i = Jacobian(softmax)ᵀ · ∂J/∂ŷ_i, Jacobian = diag(ŷ) − ŷ ŷᵀ
        delta = np.stack([(np.diag(r) - np.outer(r, r)).T @ g for r, g in zip(yhat, dJ_dyhat)])
    else:
        J = -np.sum(y * np.log(yhat) + (1 - y) * np.log(1 - yhat)) / m
        dJ_dyhat = (yhat - y) / (m * yhat * (1 - yhat))
        delta = dJ_dyhat * yhat * (1 - yhat)
    gw, gb = [None] * len(Ws), [None] * len(Ws)
    for k in range(len(Ws) - 1, -1, -1):
        gw[k] = acts[k].T @ delta
        gb[k] = delta.sum(axis=0, keepdims=True)
        if k > 0:
            delta = (delta @ Ws[k].T) * fp(zs[k - 1])
    return J, dJ_dyhat, gw, gb


CASES = [
    ([2, 4, 3], 6, "tanh", "cross_entropy"),
    ([3, 5, 4, 4], 7, "sigmoid", "cross_entropy"),
    ([2, 2], 5, "identity", "cross_entropy"),
    ([2, 3, 1], 4, "sigmoid", "binary_cross_entropy"),
    ([4, 3, 3, 2], 6, "tanh", "binary_cross_entropy"),
    ([1, 1], 3, "identity", "binary_cross_entropy"),
]


@pytest.mark.parametrize("layers,m,act,cost", CASES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cost_and_gradients_match_independent_numpy(layers, m, act, cost, seed):
    s = scenario_from_document(doc(np.random.default_rng(seed), layers, m, act, cost), "random.toml")
    p = s.network().full_pass(s.params)
    J, dJ_dyhat, gw, gb = independent_pass(s.X, s.y, s.params.weights, s.params.biases, act, cost)
    assert p.cost == pytest.approx(J, rel=1e-12)
    assert p.output_rule == {"cross_entropy": "softmax_cross_entropy"}.get(cost, "sigmoid_binary_cross_entropy")
    np.testing.assert_allclose(p.dJ_dyhat, dJ_dyhat, rtol=1e-10)
    np.testing.assert_allclose(p.deltas[-1], (p.activations[-1] - s.y) / m, rtol=0, atol=0)
    for a, b in zip(p.grad_w + p.grad_b, gw + gb):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-14)
    if cost == "cross_entropy":
        np.testing.assert_allclose(p.activations[-1].sum(axis=1), 1.0, rtol=1e-15)


def central_differences(net, params, eps=1e-5):
    """Numerical gradients written here, independently of core.network.gradient_check."""
    out = []
    for group in ("weights", "biases"):
        for k in range(len(params.weights)):
            mats = [a.copy() for a in getattr(params, group)]
            g = np.zeros_like(mats[k])
            for idx in np.ndindex(g.shape):
                values = []
                for sign in (1, -1):
                    trial = [a.copy() for a in mats]
                    trial[k][idx] += sign * eps
                    p = (
                        Params(tuple(trial), params.biases)
                        if group == "weights"
                        else Params(params.weights, tuple(trial))
                    )
                    values.append(net.cost(p))
                g[idx] = (values[0] - values[1]) / (2 * eps)
            out.append((group, k, g))
    return out


@pytest.mark.parametrize("layers,m,act,cost", CASES)
def test_gradients_match_central_differences(layers, m, act, cost):
    s = scenario_from_document(doc(np.random.default_rng(7), layers, m, act, cost), "random.toml")
    net = s.network()
    _, gw, gb = net.gradients(s.params)
    for group, k, numeric in central_differences(net, s.params):
        analytic = gw[k] if group == "weights" else gb[k]
        assert relative_error(analytic, numeric).max() < 1e-6, (group, k)


@pytest.mark.parametrize("layers,m,act,cost", CASES)
def test_gradient_check_passes_for_the_classification_costs(layers, m, act, cost):
    s = scenario_from_document(doc(np.random.default_rng(11), layers, m, act, cost), "random.toml")
    entries = gradient_check(s.network(), s.params)
    assert max(e.max_error for e in entries) < 1e-6
    # and it would see a fused δ that forgot the 1/m
    wrong = relative_error(entries[0].analytic * m, entries[0].numerical)
    assert m == 1 or wrong.max() > 0.5


@pytest.mark.parametrize("cost", ["cross_entropy", "binary_cross_entropy"])
def test_several_epochs_match_an_independent_training_loop(cost):
    s = scenario_from_document(doc(np.random.default_rng(3), [3, 4, 3], 5, "tanh", cost), "random.toml")
    Ws, bs = list(s.params.weights), list(s.params.biases)
    costs = []
    for _ in range(25):
        J, _, gw, gb = independent_pass(s.X, s.y, Ws, bs, "tanh", cost)
        costs.append(J)
        Ws = [W - s.learning_rate * g for W, g in zip(Ws, gw)]
        bs = [b - s.learning_rate * g for b, g in zip(bs, gb)]
    result = train(s.network(), s.params, s.learning_rate, 25)
    np.testing.assert_allclose(result.costs, costs, rtol=1e-10)
    for a, b in zip(result.params.weights + result.params.biases, tuple(Ws) + tuple(bs)):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-13)
    assert costs[-1] < costs[0]


def test_cross_entropy_is_finite_where_softmax_rounds_to_zero():
    # z3 = [1000, 0] for both rows: softmax gives exactly [1, 0]; the second row's class has ŷ = 0.
    text = {
        "name": "far",
        "data": {"X": [[1.0], [1.0]], "y": [[1.0, 0.0], [0.0, 1.0]]},
        "weights": {"W1": [[1000.0, 0.0]], "b1": [[0.0, 0.0]]},
        "training": {"learning_rate": 0.1, "cost": "cross_entropy", "output_activation": "softmax"},
    }
    s = scenario_from_document(text, "far.toml")
    with warnings.catch_warnings(), np.errstate(all="raise", under="ignore"):
        warnings.simplefilter("error")
        p = s.network().full_pass(s.params)
    assert p.activations[-1][1, 1] == 0.0  # log of this would be -inf
    assert p.cost == pytest.approx(1000.0 / 2, rel=1e-12)  # row 2: −log softmax = 1000 − 0
    np.testing.assert_array_equal(p.deltas[-1], (p.activations[-1] - s.y) / 2)
    assert np.isfinite(p.dJ_dyhat).all()
    assert max(e.max_error for e in gradient_check(s.network(), s.params)) < 1e-6


@pytest.mark.parametrize(
    "z,y,expected", [(800.0, 0.0, 800.0), (-800.0, 1.0, 800.0), (800.0, 1.0, 0.0), (0.0, 1.0, np.log(2))]
)
def test_binary_cross_entropy_is_finite_where_sigmoid_rounds_to_0_or_1(z, y, expected):
    text = {
        "name": "far",
        "data": {"X": [[1.0]], "y": [[y]]},
        "weights": {"W1": [[z]], "b1": [[0.0]]},
        "training": {"learning_rate": 0.1, "cost": "binary_cross_entropy"},
    }
    s = scenario_from_document(text, "far.toml")
    with warnings.catch_warnings(), np.errstate(all="raise", under="ignore"):
        warnings.simplefilter("error")
        p = s.network().full_pass(s.params)
    assert p.cost == pytest.approx(expected, rel=1e-12, abs=1e-300)
    assert np.isfinite(p.dJ_dyhat).all() and np.isfinite(p.deltas[-1]).all()


@pytest.mark.parametrize("name", ["softmax-classes", "xor-bce", "sleep-momentum", "sleep-adam"])
def test_stepping_and_fast_training_agree_to_the_last_bit(name):
    s = load_bundled(name)
    walked = Session(s)
    for _ in range(3 * walked.n_steps):
        assert walked.move(+1)
    trained = Session(s)
    trained.train(3)
    assert walked.position.epoch == trained.frontier == 4
    for a, b in zip(
        walked.params_at(4).weights + walked.params_at(4).biases,
        trained.params_at(4).weights + trained.params_at(4).biases,
    ):
        np.testing.assert_array_equal(a, b)
    assert walked.costs == trained.costs
    if s.optimizer.name != "sgd":
        for a, b in zip(walked.state_at(4).named().values(), trained.state_at(4).named().values()):
            np.testing.assert_array_equal(a, b)


def test_softmax_classes_learns_every_class():
    s = load_bundled("softmax-classes")
    session = Session(s)
    session.train(s.epochs)
    yhat = session.epoch_pass(session.frontier)[1].activations[-1]
    assert (yhat.argmax(axis=1) == s.y.argmax(axis=1)).all()


def test_xor_bce_learns_xor():
    s = load_bundled("xor-bce")
    session = Session(s)
    session.train(s.epochs)
    yhat = session.epoch_pass(session.frontier)[1].activations[-1]
    assert (yhat > 0.5).astype(int).ravel().tolist() == [0, 1, 1, 0]


def test_the_steps_show_the_fused_output_step():
    steps = Session(load_bundled("softmax-classes")).epoch_pass(1)[2]
    by_kind = {st.kind.key: st for st in steps}
    softmax = next(st for st in steps if st.phase == "forward" and st.operations[0].function == "softmax")
    assert softmax.outputs["yhat"].shape == (6, 3)
    assert by_kind["log_cost"].equation == "J = −(1/m) Σ y · log ŷ"
    fused = by_kind["fused_delta"]
    assert fused.equation == "δ3 = ∂J/∂z3 = (ŷ − y) / m" and fused.gate == "fused"
    np.testing.assert_array_equal(fused.outputs["delta3"], (fused.inputs["yhat"] - fused.inputs["y"]) / 6)
    # no separate ∂J/∂ŷ nor f' step at the output: J goes straight to δ3
    assert [st.kind.key for st in steps][6:9] == ["log_cost", "fused_delta", "bias_gradient"]
    assert not any(st.kind.key in ("cost_prime", "f_prime") and st.layer == 2 for st in steps)
    # softmax's entry is e^z / Σ e^z of its row, and the cost is −(1/m) Σ y·log ŷ, term by term
    e = softmax.operations[0].expand(1, 2)
    assert e.total == pytest.approx(e.value, rel=1e-12)
    J = by_kind["log_cost"].operations[0].expand(0, 0)
    assert J.total == pytest.approx(J.value, rel=1e-12) and len(J.terms) == 6  # one-hot: one term per row


def _run(*args):
    return subprocess.run(
        [sys.executable, "-m", "tui_backprop", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("name", ["softmax-classes", "xor-bce"])
def test_gradcheck_cli_passes_for_the_classification_scenarios(name):
    r = _run("gradcheck", name)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "FAIL" not in r.stdout and r.stdout.count(" ok") == 4


def test_train_cli_json_for_cross_entropy():
    r = _run("train", "softmax-classes", "--epochs", "50", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    expected = train(*(lambda s: (s.network(), s.params, s.learning_rate, 50))(load_bundled("softmax-classes")))
    assert out["cost"] == expected.costs
    np.testing.assert_array_equal(np.array(out["params"]["W2"]), expected.params.weights[1])


def test_the_softmax_jacobian_expands_the_fused_step_for_one_observation():
    s = load_bundled("softmax-classes")
    p = s.network().full_pass(s.params)
    for i in range(s.m):
        jac = softmax_jacobian(p.activations[-1][i : i + 1])
        row = p.activations[-1][i]
        # written out entry by entry, independently
        expected = np.array([[row[a] * ((a == b) - row[b]) for b in range(3)] for a in range(3)])
        np.testing.assert_allclose(jac, expected, rtol=1e-15)
        # ∂J/∂z_j = Σ_i ∂J/∂ŷ_i ∂ŷ_i/∂z_j: the Jacobian route gives the fused δ row
        np.testing.assert_allclose(p.dJ_dyhat[i] @ jac, p.deltas[-1][i], rtol=1e-12, atol=1e-15)


def test_the_network_refuses_a_pairing_the_loader_would_refuse():
    s = load_bundled("softmax-classes")
    with pytest.raises(ValueError):
        Network(s.X, s.y, "tanh", "sigmoid", "cross_entropy")
    with pytest.raises(ValueError):
        Network(s.X, s.y, "tanh", "softmax", "sse")
