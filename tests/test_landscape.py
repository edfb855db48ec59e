"""The pictures' numbers: loss surface, path, ŷ plane and activation curves against independent numpy."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tui_backprop.core import BackpropError, resolve
from tui_backprop.core.landscape import (
    activation_curve,
    entries,
    landscape,
    parse_entry,
    path_points,
    plane_note,
    prediction_plane,
)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


ACT = {"sigmoid": sigmoid, "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0), "identity": lambda z: z}


def cost_by_hand(s, weights, biases) -> float:
    """The scenario's cost written out again: forward layer by layer, sse or mse."""
    a = np.array(s.X, dtype=float)
    n = len(weights)
    for k in range(n):
        f = ACT[s.output_activation if k == n - 1 else s.activation]
        a = f(a @ weights[k] + biases[k])
    r = np.array(s.y) - a
    return 0.5 * float((r * r).sum()) / (1 if s.cost == "sse" else len(s.X))


@pytest.mark.parametrize(
    "name, first, second",
    [
        ("sleep-study", "W1[1,2]", "W2[3,1]"),
        ("sleep-study", "W1[1,1]", "W1[2,3]"),
        ("deep", "b1[1,4]", "W3[2,1]"),
        ("mse-batch", "W2[1,1]", "b2[1,1]"),
        ("relu-hidden", "W1[2,2]", "W2[2,1]"),
        ("and", "W1[1,1]", "b1[1,1]"),
    ],
)
def test_grid_equals_the_cost_at_those_parameters(name, first, second):
    s = resolve(name)
    a, b = parse_entry(first, s.params), parse_entry(second, s.params)
    path = path_points(s.network(), s.params, s.learning_rate, 5, a, b)
    land = landscape(s.network(), s.params, a, b, path, size=(9, 7), span=1.5)
    assert land.J.shape == (7, 9) and len(land.xs) == 9 and len(land.ys) == 7
    assert land.xs[0] == pytest.approx(a.get(s.params) - 1.5) and land.ys[-1] == pytest.approx(b.get(s.params) + 1.5)
    for r in range(7):
        for c in range(9):
            ws = [np.array(w, dtype=float) for w in s.params.weights]
            bs = [np.array(v, dtype=float) for v in s.params.biases]
            for e, v in ((a, land.xs[c]), (b, land.ys[r])):
                (ws if e.kind == "W" else bs)[e.layer - 1][e.row - 1, e.col - 1] = v
            assert land.J[r, c] == pytest.approx(cost_by_hand(s, ws, bs), rel=1e-12, abs=1e-15)


def test_path_and_negative_gradient_follow_gradient_descent():
    s = resolve("sleep-study")
    a, b = parse_entry("W1[2,1]", s.params), parse_entry("b2[1,1]", s.params)
    path = path_points(s.network(), s.params, s.learning_rate, 4, a, b)
    assert path.shape == (4, 3)
    eps = 1e-6
    ws = [np.array(w, dtype=float) for w in s.params.weights]
    bs = [np.array(v, dtype=float) for v in s.params.biases]
    for e in range(4):
        assert path[e, 0] == pytest.approx(ws[0][1, 0], rel=1e-8) and path[e, 1] == pytest.approx(bs[1][0, 0], rel=1e-8)
        # (later epochs follow central-difference steps: agreement to their ~1e-10 error)
        assert path[e, 2] == pytest.approx(cost_by_hand(s, ws, bs), rel=1e-8)
        # one step of gradient descent by central differences on every entry
        grads_w = [np.zeros_like(w) for w in ws]
        grads_b = [np.zeros_like(v) for v in bs]
        for store, grads in ((ws, grads_w), (bs, grads_b)):
            for k, arr in enumerate(store):
                for idx in np.ndindex(arr.shape):
                    old = arr[idx]
                    arr[idx] = old + eps
                    plus = cost_by_hand(s, ws, bs)
                    arr[idx] = old - eps
                    minus = cost_by_hand(s, ws, bs)
                    arr[idx] = old
                    grads[k][idx] = (plus - minus) / (2 * eps)
        if e == 0:
            land = landscape(s.network(), s.params, a, b, path)
            assert land.descent[0] == pytest.approx(-grads_w[0][1, 0], rel=1e-6)
            assert land.descent[1] == pytest.approx(-grads_b[1][0, 0], rel=1e-6)
        ws = [w - s.learning_rate * g for w, g in zip(ws, grads_w)]
        bs = [v - s.learning_rate * g for v, g in zip(bs, grads_b)]


def test_default_span_holds_the_whole_path():
    s = resolve("and")
    a, b = parse_entry("W1[1,1]", s.params), parse_entry("W1[2,1]", s.params)
    path = path_points(s.network(), s.params, s.learning_rate, s.epochs, a, b)
    land = landscape(s.network(), s.params, a, b, path)
    assert land.J.shape == (41, 41)
    assert land.xs[0] <= path[:, 0].min() and path[:, 0].max() <= land.xs[-1]
    assert land.ys[0] <= path[:, 1].min() and path[:, 1].max() <= land.ys[-1]


@pytest.mark.parametrize(
    "text, says",
    [
        ("W1", "expected NAME[i,j]"),
        ("W3[1,1]", "no parameter W3; this network has W1, b1, W2, b2"),
        ("W1[3,1]", "W1 is 2×3, so [i,j] needs 1 ≤ i ≤ 2 and 1 ≤ j ≤ 3, got [3,1]"),
        ("b2[1,2]", "b2 is 1×1"),
        ("W1[0,1]", "got [0,1]"),
    ],
)
def test_bad_entries_are_one_clear_line(text, says):
    s = resolve("sleep-study")
    with pytest.raises(BackpropError) as err:
        parse_entry(text, s.params)
    assert says in str(err.value) and "\n" not in str(err.value)


def test_entries_count_every_parameter():
    s = resolve("deep")
    assert len(entries(s.params)) == sum(a.size for a in s.params.named().values())
    assert entries(s.params)[0].label == "W1[1,1]"


def test_prediction_plane_is_the_forward_pass_over_the_inputs():
    s = resolve("xor")
    plane = prediction_plane(s.network(), s.params, cols=6, rows=5)
    assert plane.yhat.shape == (5, 6)
    X = np.array(s.X)
    assert plane.xs[0] < X[:, 0].min() and plane.xs[-1] > X[:, 0].max()
    for r in range(5):
        for c in range(6):
            point = np.array([[plane.xs[c], plane.ys[r]]])
            ws, bs = s.params.weights, s.params.biases
            a = sigmoid(point @ ws[0] + bs[0])
            assert plane.yhat[r, c] == pytest.approx(float(sigmoid(a @ ws[1] + bs[1])[0, 0]), rel=1e-12)
    assert plane_note(s.network()) is None


def test_plane_note_for_other_shapes(tmp_path):
    f = tmp_path / "three.toml"
    f.write_text(
        'name = "three inputs"\n[data]\nX = [[1, 2, 3], [0, 1, 0]]\ny = [[1], [0]]\n'
        "[network]\nlayers = [3, 2, 1]\nseed = 1\n[training]\nlearning_rate = 0.5\n"
    )
    note = plane_note(resolve(str(f)).network())
    assert "3 inputs" in note and "exactly 2 inputs and 1 output" in note


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "identity"])
def test_activation_curve(name):
    z = np.array([[-8.0, -0.5, 0.0, 2.0]])
    c = activation_curve(name, z)
    assert c.z[0] <= -8.0 and c.z[-1] >= 8.0
    np.testing.assert_allclose(c.f, ACT[name](c.z), rtol=1e-12)
    h = 1e-6
    numeric = (ACT[name](z.ravel() + h) - ACT[name](z.ravel() - h)) / (2 * h)
    ok = z.ravel() != 0  # relu has no derivative at its kink
    np.testing.assert_allclose(c.marks_prime[ok], numeric[ok], rtol=1e-5, atol=1e-9)
    np.testing.assert_allclose(c.marks_f, ACT[name](z.ravel()), rtol=1e-12)


# --- the command line ---------------------------------------------------------------------------


def test_cli_landscape_json(run_cli):
    r = run_cli("landscape", "sleep-study", "--weight", "W1[1,2]", "--weight", "W2[3,1]", "--epochs", "3")
    r2 = run_cli(
        "landscape",
        "sleep-study",
        "--weight",
        "W1[1,2]",
        "--weight",
        "W2[3,1]",
        "--size",
        "5",
        "--span",
        "0.5",
        "--json",
    )
    assert r.returncode == 0 and r2.returncode == 0, r.stderr + r2.stderr
    doc = json.loads(r.stdout)
    assert set(doc) == {"x", "y", "J", "path"}
    assert len(doc["x"]) == 41 and len(doc["y"]) == 41 and len(doc["J"]) == 41 and len(doc["J"][0]) == 41
    assert len(doc["path"]) == 3 and all(len(p) == 3 for p in doc["path"])
    s = resolve("sleep-study")
    assert doc["path"][0] == [-0.2, 0.9, pytest.approx(cost_by_hand(s, s.params.weights, s.params.biases))]
    small = json.loads(r2.stdout)
    assert small["x"] == pytest.approx(np.linspace(-0.7, 0.3, 5).tolist())
    assert small["y"] == pytest.approx(np.linspace(0.4, 1.4, 5).tolist())
    assert len(small["path"]) == s.epochs
    ws = [np.array(w, dtype=float) for w in s.params.weights]
    ws[0][0, 1], ws[1][2, 0] = small["x"][4], small["y"][1]
    assert small["J"][1][4] == pytest.approx(cost_by_hand(s, ws, s.params.biases), rel=1e-12)


@pytest.mark.parametrize(
    "args, says",
    [
        (["--weight", "W9[1,1]", "--weight", "W2[1,1]"], "no parameter W9"),
        (["--weight", "W1[1,1]", "--weight", "W2[4,1]"], "W2 is 3×1"),
        (["--weight", "W1(1,1)", "--weight", "W2[1,1]"], "expected NAME[i,j]"),
        (["--weight", "W1[1,1]", "--weight", "W1[1,1]"], "the two weights must differ"),
    ],
)
def test_cli_landscape_bad_weight_one_line_exit_1(run_cli, args, says):
    r = run_cli("landscape", "sleep-study", *args)
    assert r.returncode == 1 and r.stdout == ""
    assert says in r.stderr and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_cli_landscape_needs_two_weights(run_cli):
    r = run_cli("landscape", "sleep-study", "--weight", "W1[1,1]")
    assert r.returncode == 2 and "--weight is given twice" in r.stderr


def test_session_path_is_exact_then_one_point_per_checkpoint():
    from tui_backprop.core import Session
    from tui_backprop.core.landscape import EXACT_EPOCHS, session_path

    s = resolve("sleep-study")
    session = Session(s)
    session.train(399)
    a, b = parse_entry("W1[2,2]", s.params), parse_entry("W2[1,1]", s.params)
    full = path_points(s.network(), s.params, s.learning_rate, 400, a, b)
    short = session_path(session, a, b, 100)
    np.testing.assert_array_equal(short, full[:100])
    long = session_path(session, a, b, 400)
    epochs = list(range(1, EXACT_EPOCHS + 1)) + [e for e in range(1, 400, 64) if e > EXACT_EPOCHS] + [400]
    assert len(long) == len(epochs)
    np.testing.assert_allclose(long, full[np.array(epochs) - 1], rtol=1e-12)
