"""Activations stay finite, divergence is caught, dead units show as zeros."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from tui_backprop.cli import main
from tui_backprop.core import Session, gradient_check, load_bundled, load_file, train
from tui_backprop.core.activations import ACTIVATIONS, derivative
from tui_backprop.core.network import relative_error

ROOT = Path(__file__).resolve().parents[1]
DIVERGE = Path(__file__).resolve().parent / "data" / "diverge.toml"
NONFINITE = re.compile(r"\bnan\b|\binf\b|infinity", re.IGNORECASE)

Z = np.array(
    [
        -1e6,
        -1e6 + 1,
        -1e4,
        -745.0,
        -710.0,
        -700.0,
        -40.0,
        -1.0,
        -1e-3,
        -1e-300,
        -5e-324,
        -0.0,
        0.0,
        5e-324,
        1e-320,
        1e-300,
        1e-8,
        1.0,
        40.0,
        700.0,
        710.0,
        745.0,
        1e4,
        1e6 - 1,
        1e6,
    ]
)


def _strict_json(text: str):
    """json.loads that refuses NaN and Infinity (which json.dumps writes without complaint)."""

    def reject(name):
        raise AssertionError(f"{name} in JSON output")

    return json.loads(text, parse_constant=reject)


# --- activations ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_and_derivative_are_finite_without_any_warning(name):
    f = ACTIVATIONS[name][0]
    grid = np.concatenate(
        [Z, np.linspace(-1e6, 1e6, 2001), np.geomspace(1e-310, 1e6, 400), -np.geomspace(1e-310, 1e6, 400)]
    )
    # Overflow, division by zero and invalid operations raise; underflow to zero is silent in
    # numpy by default and is the right answer here (e^(−z) for large z, σ(z) = 1 exactly).
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        warnings.simplefilter("error")
        a = f(grid)
        d = derivative(name, grid)
        # and as the network uses them, on matrices
        m = grid.reshape(-1, 1) @ np.ones((1, 3))
        a2, d2 = f(m), derivative(name, m)
    for values in (a, d, a2, d2):
        assert np.isfinite(values).all()
    assert a.shape == d.shape == grid.shape
    assert (d >= 0).all()


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_values_at_the_extremes(name):
    f = ACTIVATIONS[name][0]
    z = np.array([-1e6, 0.0, 1e6])
    a, d = f(z), derivative(name, z)
    expected = {
        "sigmoid": ([0.0, 0.5, 1.0], [0.0, 0.25, 0.0]),
        "tanh": ([-1.0, 0.0, 1.0], [0.0, 1.0, 0.0]),
        "relu": ([0.0, 0.0, 1e6], [0.0, 0.0, 1.0]),
        "identity": ([-1e6, 0.0, 1e6], [1.0, 1.0, 1.0]),
    }[name]
    np.testing.assert_allclose(a, expected[0], atol=1e-300)
    np.testing.assert_allclose(d, expected[1], atol=1e-300)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_matches_central_differences(name):
    f = ACTIVATIONS[name][0]
    z = np.array([-30.0, -3.0, -0.7, -0.01, 0.02, 0.5, 2.0, 25.0])
    h = 1e-6
    numerical = (f(z + h) - f(z - h)) / (2 * h)
    np.testing.assert_allclose(derivative(name, z), numerical, rtol=1e-6, atol=1e-9)


def test_sigmoid_is_symmetric_and_monotone_far_out():
    f = ACTIVATIONS["sigmoid"][0]
    z = np.array([5.0, 30.0, 300.0, 700.0, 1e6])
    np.testing.assert_allclose(f(z) + f(-z), 1.0, rtol=0, atol=1e-15)
    assert (np.diff(f(-z[::-1])) >= 0).all()


# --- divergence -------------------------------------------------------------------------------


def _variant(tmp_path: Path, lr: str, **extra: str) -> Path:
    text = DIVERGE.read_text().replace("learning_rate = 50.0", f"learning_rate = {lr}")
    for key, value in extra.items():
        text = re.sub(rf"^{key} = .*$", f"{key} = {value}", text, flags=re.M)
    p = tmp_path / f"diverge-{lr}.toml"
    p.write_text(text)
    return p


def _diverged_epoch(line: str) -> int:
    m = re.search(r"diverged at epoch (\d+)", line)
    assert m, line
    return int(m.group(1))


def test_the_divergence_scenario_is_valid_and_diverges():
    s = load_file(DIVERGE)
    assert s.output_activation == "identity" and s.cost == "mse" and s.learning_rate == 50.0
    result = train(s.network(), s.params, s.learning_rate, s.epochs)
    assert result.diverged is not None
    assert 2 <= result.diverged.epoch <= 10
    assert len(result.costs) == result.diverged.epoch - 1
    assert all(math.isfinite(c) for c in result.costs)
    assert "lower the learning rate" in str(result.diverged)


def test_train_cli_reports_divergence_on_one_line_and_never_prints_nan():
    r = subprocess.run(
        [sys.executable, "-m", "tui_backprop", "train", str(DIVERGE)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert r.returncode == 1
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr
    epoch = _diverged_epoch(lines[0])
    assert "lower the learning rate" in lines[0]
    assert not NONFINITE.search(r.stdout), r.stdout
    shown = [int(m) for m in re.findall(r"^epoch\s+(\d+)", r.stdout, flags=re.M)]
    assert shown and max(shown) == epoch - 1


@pytest.mark.parametrize("lr", ["50.0", "1e3", "1e6"])
@pytest.mark.parametrize("cost", ['"mse"', '"sse"'])
def test_train_json_and_trace_json_stop_at_the_diverged_epoch(lr, cost, tmp_path, capsys):
    path = str(_variant(tmp_path, lr, cost=cost))

    assert main(["train", path, "--json"]) == 1
    out, err = capsys.readouterr()
    doc = _strict_json(out)
    epoch = _diverged_epoch(err)
    assert len(err.splitlines()) == 1 and "lower the learning rate" in err
    assert doc["diverged"]["epoch"] == epoch
    assert doc["epochs"] == len(doc["cost"]) == epoch - 1
    assert all(np.isfinite(v).all() for v in map(np.array, doc["params"].values()))

    assert main(["trace", path, "--epochs", "50", "--format", "json"]) == 1
    out, err = capsys.readouterr()
    trace = _strict_json(out)
    assert _diverged_epoch(err) == epoch and len(err.splitlines()) == 1
    assert trace["diverged"]["epoch"] == epoch
    assert [e["epoch"] for e in trace["epochs"]] == list(range(1, epoch))
    assert max(s["epoch"] for s in trace["steps"]) == epoch - 1
    assert "lower the learning rate" in trace["diverged"]["message"]

    for fmt in ("text", "markdown"):
        assert main(["trace", path, "--epochs", "50", "--format", fmt]) == 1
        out, err = capsys.readouterr()
        assert not NONFINITE.search(out)
        assert _diverged_epoch(err) == epoch


@pytest.mark.parametrize(
    "name",
    ["sleep-study", "xor", "relu-hidden", "tanh-hidden", "mse-batch", "deep", "and", "or"]
    + ["softmax-classes", "xor-bce", "sleep-momentum", "sleep-adam", "deep-sigmoid", "deep-relu"],
)
def test_a_huge_learning_rate_never_produces_nan_in_a_trace(name, tmp_path, capsys):
    text = (ROOT / "scenarios" / f"{name}.toml").read_text()
    p = tmp_path / f"{name}.toml"
    p.write_text(re.sub(r"^learning_rate = .*$", "learning_rate = 1e6", text, flags=re.M))
    rc = main(["trace", str(p), "--epochs", "30", "--format", "json"])
    out, err = capsys.readouterr()
    _strict_json(out)
    assert rc in (0, 1)
    if rc == 1:
        assert len(err.splitlines()) == 1 and "lower the learning rate" in err
    rc = main(["train", str(p), "--epochs", "300", "--json"])
    out, err = capsys.readouterr()
    _strict_json(out)


def _all_finite(session: Session, epoch: int) -> bool:
    params, p, steps = session.epoch_pass(epoch)
    arrays = (
        list(params.weights) + list(params.biases) + list(p.activations) + list(p.zs) + list(p.grad_w) + list(p.grad_b)
    )
    for step in steps:
        arrays += list(step.inputs.values()) + list(step.outputs.values())
    return math.isfinite(p.cost) and all(np.isfinite(a).all() for a in arrays)


def test_session_move_refuses_to_enter_a_diverged_epoch():
    s = Session(load_file(DIVERGE))
    expected = train(s.net, s.scenario.params, s.scenario.learning_rate, 100).diverged.epoch
    moves = 0
    while s.move(+1):
        moves += 1
        assert moves < 10_000
    assert s.diverged is not None and s.diverged.epoch == expected
    assert s.position.epoch == expected - 1 and s.position.index == s.n_steps
    assert s.frontier == expected - 1
    assert not s.move(+1) and s.position.epoch == expected - 1  # still refused, still there
    assert all(math.isfinite(c) for c in s.costs) and len(s.costs) == expected - 1
    for e in range(1, s.frontier + 1):
        assert _all_finite(s, e)
    assert s.move(-1)  # and it can still walk back


def test_session_train_keeps_only_sane_epochs():
    s = Session(load_file(DIVERGE))
    err = s.train(100)
    assert err is not None and err is s.diverged
    assert "lower the learning rate" in str(err)
    assert s.frontier == err.epoch - 1
    assert s.position.epoch == s.frontier and s.position.index == 1
    assert len(s.costs) == s.frontier and all(math.isfinite(c) for c in s.costs)
    for e in range(1, s.frontier + 1):
        assert _all_finite(s, e)
    assert s.train(10) is err and s.frontier == err.epoch - 1  # nothing more to train
    assert not s.can_enter(err.epoch)


@pytest.mark.parametrize("lr", ["1e3", "1e6"])
def test_session_train_with_overflowing_updates(lr, tmp_path):
    s = Session(load_file(_variant(tmp_path, lr, cost='"sse"')))
    err = s.train(500)
    assert err is not None
    assert s.frontier == err.epoch - 1 >= 1
    for e in range(1, s.frontier + 1):
        assert _all_finite(s, e)


def test_session_stepping_and_training_agree_on_the_diverged_epoch():
    a, b = Session(load_file(DIVERGE)), Session(load_file(DIVERGE))
    while a.move(+1):
        pass
    b.train(1000)
    assert a.diverged.epoch == b.diverged.epoch
    np.testing.assert_array_equal(a.costs, b.costs)


# --- dead relu units and zero gradients -------------------------------------------------------


def test_relu_hidden_really_has_a_dead_unit():
    s = load_bundled("relu-hidden")
    z2 = s.X @ s.params.weights[0] + s.params.biases[0]
    assert (z2[:, 2] < 0).all(), "the third hidden unit should be negative for every observation"
    assert (z2[:, :2] > 0).any()


def test_a_dead_relu_unit_gets_exactly_zero_gradient():
    s = load_bundled("relu-hidden")
    p = s.network().full_pass(s.params)
    assert (p.activations[1][:, 2] == 0.0).all()
    assert (p.grad_w[0][:, 2] == 0.0).all()
    assert p.grad_b[0][0, 2] == 0.0
    assert p.grad_w[1][2, 0] == 0.0  # its output is 0, so W2's row for it gets nothing either
    assert (p.grad_w[0][:, :2] != 0.0).any()  # the live units do learn


def test_gradcheck_treats_exact_zeros_as_agreement():
    s = load_bundled("relu-hidden")
    entries = {e.name: e for e in gradient_check(s.network(), s.params)}
    w1, b1 = entries["W1"], entries["b1"]
    assert (w1.analytic[:, 2] == 0.0).all() and b1.analytic[0, 2] == 0.0
    assert np.abs(w1.numerical[:, 2]).max() < 1e-8
    assert (w1.relative_error[:, 2] == 0.0).all() and b1.relative_error[0, 2] == 0.0
    assert max(e.max_error for e in entries.values()) < 1e-6
    np.testing.assert_array_equal(relative_error(np.zeros(3), np.zeros(3)), 0.0)
    # rounding noise around a true zero is agreement, not a huge ratio
    assert (relative_error(np.zeros(2), np.array([1e-12, -1e-13])) < 1e-6).all()


def test_the_dead_unit_stays_dead_through_training():
    s = Session(load_bundled("relu-hidden"))
    assert s.train(200) is None
    params = s.params_at(s.frontier)
    np.testing.assert_array_equal(params.weights[0][:, 2], s.scenario.params.weights[0][:, 2])
    assert params.biases[0][0, 2] == s.scenario.params.biases[0][0, 2]
    assert not np.array_equal(params.weights[0][:, 0], s.scenario.params.weights[0][:, 0])


def test_gradcheck_cli_passes_on_the_dead_unit_scenario(capsys):
    assert main(["gradcheck", "relu-hidden"]) == 0
    out, _ = capsys.readouterr()
    assert "FAIL" not in out
