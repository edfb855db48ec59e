"""Momentum and Adam against loops written here in the form of torch.optim's own code."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tui_backprop.core import Session, load_bundled, load_file, parse_text, train
from tui_backprop.core.optimizers import Optimizer
from tui_backprop.core.session import CHECKPOINT_EVERY
from tui_backprop.export import trace_json

ROOT = Path(__file__).resolve().parents[1]
DIVERGE = Path(__file__).resolve().parent / "data" / "diverge.toml"


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def gradients(X, y, Ws, bs):
    """sigmoid everywhere, J = ½ Σ (y − ŷ)²: backprop written out independently of the engine."""
    acts = [X]
    for W, b in zip(Ws, bs):
        acts.append(sigmoid(acts[-1] @ W + b))
    J = 0.5 * np.sum((y - acts[-1]) ** 2)
    delta = (acts[-1] - y) * acts[-1] * (1 - acts[-1])
    gw, gb = [None] * len(Ws), [None] * len(Ws)
    for k in range(len(Ws) - 1, -1, -1):
        gw[k], gb[k] = acts[k].T @ delta, delta.sum(axis=0, keepdims=True)
        if k:
            delta = (delta @ Ws[k].T) * acts[k] * (1 - acts[k])
    return J, gw + gb  # parameters in the order W1..Wn, b1..bn


class TorchSGD:
    """torch.optim.SGD(momentum=μ, dampening=0, nesterov=False), one buffer per parameter."""

    def __init__(self, lr, momentum):
        self.lr, self.mu, self.buf = lr, momentum, {}

    def step(self, params, grads):
        out = []
        for i, (p, g) in enumerate(zip(params, grads)):
            if i not in self.buf:
                self.buf[i] = g.copy()  # torch: the first step sets the buffer to the gradient
            else:
                self.buf[i] = self.buf[i] * self.mu + g
            out.append(p - self.lr * self.buf[i])
        return out


class TorchAdam:
    """torch.optim.Adam's single-tensor loop (amsgrad=False, weight_decay=0)."""

    def __init__(self, lr, betas, eps):
        self.lr, (self.b1, self.b2), self.eps = lr, betas, eps
        self.t, self.exp_avg, self.exp_avg_sq = 0, {}, {}

    def step(self, params, grads):
        self.t += 1
        out = []
        for i, (p, g) in enumerate(zip(params, grads)):
            m = self.exp_avg.get(i, np.zeros_like(p))
            v = self.exp_avg_sq.get(i, np.zeros_like(p))
            m = m + (g - m) * (1 - self.b1)  # exp_avg.lerp_(grad, 1 - beta1)
            v = v * self.b2 + g * g * (1 - self.b2)  # exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2)
            self.exp_avg[i], self.exp_avg_sq[i] = m, v
            step_size = self.lr / (1 - self.b1**self.t)
            denom = np.sqrt(v) / math.sqrt(1 - self.b2**self.t) + self.eps
            out.append(p - step_size * m / denom)
        return out


def scenario(optimizer: str, extra: str = "", lr: float = 0.5, epochs: int = 30):
    text = (ROOT / "scenarios" / "deep.toml").read_text()
    text = re.sub(
        r"^learning_rate = .*$", f'learning_rate = {lr}\noptimizer = "{optimizer}"\n{extra}', text, flags=re.M
    )
    text = re.sub(r"^epochs = .*$", f"epochs = {epochs}", text, flags=re.M)
    return parse_text(text, f"deep-{optimizer}.toml", ".toml")


CONFIGS = [
    ("momentum", "", lambda lr: TorchSGD(lr, 0.9)),
    ("momentum", "momentum = 0.5", lambda lr: TorchSGD(lr, 0.5)),
    ("momentum", "momentum = 0.0", lambda lr: TorchSGD(lr, 0.0)),
    ("adam", "", lambda lr: TorchAdam(lr, (0.9, 0.999), 1e-8)),
    ("adam", "beta1 = 0.5\nbeta2 = 0.9\neps = 1e-3", lambda lr: TorchAdam(lr, (0.5, 0.9), 1e-3)),
]


@pytest.mark.parametrize("name,extra,make", CONFIGS)
def test_several_epochs_match_the_torch_rules(name, extra, make):
    lr = 0.5 if name == "momentum" else 0.05
    s = scenario(name, extra, lr)
    opt = make(lr)
    n = len(s.params.weights)
    params = list(s.params.weights) + list(s.params.biases)
    costs = []
    for _ in range(30):
        J, grads = gradients(s.X, s.y, params[:n], params[n:])
        costs.append(J)
        params = opt.step(params, grads)
    result = train(s.network(), s.params, s.learning_rate, 30, optimizer=s.optimizer)
    np.testing.assert_allclose(result.costs, costs, rtol=1e-10)
    for a, b in zip(list(result.params.weights) + list(result.params.biases), params):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    # the state too: v (momentum), or m and s (Adam), per parameter
    named = result.state.named()
    order = [f"W{i}" for i in range(1, n + 1)] + [f"b{i}" for i in range(1, n + 1)]
    if name == "momentum":
        for i, p in enumerate(order):
            np.testing.assert_allclose(named[f"v_{p}"], opt.buf[i], rtol=1e-9, atol=1e-13)
    else:
        assert result.state.t == 30
        for i, p in enumerate(order):
            np.testing.assert_allclose(named[f"m_{p}"], opt.exp_avg[i], rtol=1e-9, atol=1e-13)
            np.testing.assert_allclose(named[f"s_{p}"], opt.exp_avg_sq[i], rtol=1e-9, atol=1e-16)
    # plain gradient descent ends elsewhere, unless μ = 0, where momentum is exactly gradient descent
    plain = train(s.network(), s.params, s.learning_rate, 30)
    if s.optimizer.name == "momentum" and s.optimizer.momentum == 0.0:
        np.testing.assert_array_equal(plain.params.weights[0], result.params.weights[0])
    else:
        assert not np.allclose(plain.params.weights[0], result.params.weights[0])


def test_optimizer_settings_default_to_torch_defaults():
    s = scenario("adam")
    assert s.optimizer == Optimizer("adam", momentum=0.9, beta1=0.9, beta2=0.999, eps=1e-8)
    assert load_bundled("sleep-study").optimizer.name == "sgd"
    assert scenario("momentum", "momentum = 0.25").optimizer.momentum == 0.25


@pytest.mark.parametrize("name", ["momentum", "adam"])
def test_stepping_back_through_checkpoints_restores_the_state_exactly(name):
    s = scenario(name, lr=0.5 if name == "momentum" else 0.02, epochs=1)
    session = Session(s)
    assert session.train(CHECKPOINT_EVERY * 2 + 9) is None
    last = session.frontier
    # a second session walks every epoch by hand, never using a checkpoint
    reference = Session(s)
    while reference.frontier < last:
        assert reference.can_enter(reference.frontier + 1)
    for epoch in (
        1,
        2,
        CHECKPOINT_EVERY,
        CHECKPOINT_EVERY + 1,
        CHECKPOINT_EVERY + 2,
        2 * CHECKPOINT_EVERY + 3,
        last - 1,
        last,
    ):
        mine, theirs = session.state_at(epoch), reference.state_at(epoch)
        assert mine.t == theirs.t == epoch - 1
        assert list(mine.named()) == list(theirs.named())
        for a, b in zip(mine.named().values(), theirs.named().values()):
            np.testing.assert_array_equal(a, b)
        for a, b in zip(session.params_at(epoch).weights, reference.params_at(epoch).weights):
            np.testing.assert_array_equal(a, b)
    # back across an update: the update step shows the state before and after it
    assert session.move(-1)
    step = session.step()
    assert step.phase == "update" and step.kind.key == "optimizer_update" and f"({name})" in step.title
    update = session.update_at(last - 1)
    before, after = session.state_at(last - 1), session.state_at(last)
    for key, value in before.named().items():
        np.testing.assert_array_equal(update.state_before.named()[key], value)
        if key.endswith("W1") or key.endswith("b1"):
            np.testing.assert_array_equal(step.inputs[key], value)
            np.testing.assert_array_equal(step.outputs[key], after.named()[key])
    np.testing.assert_array_equal(step.outputs["W1"], session.params_at(last).weights[0])
    assert not np.array_equal(
        before.named()[f"{'v' if name == 'momentum' else 'm'}_W1"],
        after.named()[f"{'v' if name == 'momentum' else 'm'}_W1"],
    )


@pytest.mark.parametrize(
    "name,keys",
    [
        ("sleep-study", []),
        ("sleep-momentum", ["v_W1", "v_b1", "v_W2", "v_b2"]),
        ("sleep-adam", ["m_W1", "m_b1", "m_W2", "m_b2", "s_W1", "s_b1", "s_W2", "s_b2"]),
    ],
)
def test_the_json_trace_carries_the_state_after_each_epoch(name, keys):
    s = load_bundled(name)
    doc = trace_json(Session(s), 3)
    assert doc["scenario"]["optimizer"]["name"] == s.optimizer.name
    result = train(s.network(), s.params, s.learning_rate, 3, optimizer=s.optimizer)
    last = doc["epochs"][-1]
    assert list(last["state"]) == keys
    assert [e["cost"] for e in doc["epochs"]] == result.costs
    for k, v in result.params.named().items():
        np.testing.assert_array_equal(np.array(last["params"][k]), v)
    if keys:
        for k, v in result.state.named().items():
            np.testing.assert_array_equal(np.array(last["state"][k]), v)


def test_trace_cli_json_has_the_state_and_names_the_rule():
    r = subprocess.run(
        [sys.executable, "-m", "tui_backprop", "trace", "sleep-adam", "--epochs", "2", "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert [len(e["state"]) for e in doc["epochs"]] == [8, 8]
    updates = [st for st in doc["steps"] if st["phase"] == "update"]
    assert [st["gate"] for st in updates] == ["update"] * 4 and all("(adam)" in st["title"] for st in updates)
    assert set(updates[0]["outputs"]) == {"W2", "b2", "m_W2", "m_b2", "s_W2", "s_b2"}
    assert set(updates[1]["inputs"]) == {"W1", "b1", "dJ_dW1", "dJ_db1", "m_W1", "m_b1", "s_W1", "s_b1"}
    assert "1 − β1ᵗ" in updates[0]["equation"] and "t = 1" in updates[0]["equation"]
    assert "t = 2" in updates[2]["equation"]


def test_momentum_divergence_is_caught_the_same_by_stepping_and_training(tmp_path):
    text = DIVERGE.read_text().replace("learning_rate = 50.0", 'learning_rate = 5.0\noptimizer = "momentum"')
    path = tmp_path / "diverge-momentum.toml"
    path.write_text(text)
    a, b = Session(load_file(path)), Session(load_file(path))
    while a.move(+1):
        pass
    b.train(1000)
    assert a.diverged is not None and b.diverged is not None
    assert a.diverged.epoch == b.diverged.epoch
    assert a.costs == b.costs
    for x, y in zip(a.state_at(a.frontier).named().values(), b.state_at(b.frontier).named().values()):
        np.testing.assert_array_equal(x, y)
