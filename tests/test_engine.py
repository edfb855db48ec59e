"""The engine against independent computations: every gate, finite differences, history."""

import numpy as np
import pytest
import reference

from tui_backprop.core import Network, Session, gradient_check, load_bundled, names, scenario_from_document, train
from tui_backprop.core.network import TOLERANCE, relative_error
from tui_backprop.core.session import CHECKPOINT_EVERY


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def article_walk(X, y, W1, b1, W2, b2, lr):
    """The reference's sixteen lines, written out literally for [2, 3, 1], sigmoid, sse."""
    v = {}
    v["XW1"] = X @ W1
    v["z2"] = v["XW1"] + b1
    v["a2"] = sigmoid(v["z2"])
    v["a2W2"] = v["a2"] @ W2
    v["z3"] = v["a2W2"] + b2
    v["yhat"] = sigmoid(v["z3"])
    v["J"] = np.array([[0.5 * np.sum((y - v["yhat"]) ** 2)]])
    v["dJ_dyhat"] = -(y - v["yhat"])
    v["delta3"] = v["dJ_dyhat"] * (v["yhat"] * (1 - v["yhat"]))
    ones = np.ones((1, X.shape[0]))
    v["dJ_db2"] = ones @ v["delta3"]
    v["dJ_dW2"] = v["a2"].T @ v["delta3"]
    v["dJ_da2"] = v["delta3"] @ W2.T
    v["delta2"] = v["dJ_da2"] * (v["a2"] * (1 - v["a2"]))
    v["dJ_db1"] = ones @ v["delta2"]
    v["dJ_dW1"] = X.T @ v["delta2"]
    v["W2_new"] = W2 - lr * v["dJ_dW2"]
    v["b2_new"] = b2 - lr * v["dJ_db2"]
    v["W1_new"] = W1 - lr * v["dJ_dW1"]
    v["b1_new"] = b1 - lr * v["dJ_db1"]
    return v


def test_default_scenario_every_gate_matches_the_article_walk():
    s = load_bundled("sleep-study")
    W1, W2 = s.params.weights
    b1, b2 = s.params.biases
    expect = article_walk(s.X, s.y, W1, b1, W2, b2, s.learning_rate)
    steps = Session(s).epoch_pass(1)[2]
    assert len(steps) == 16
    assert [st.phase for st in steps] == ["forward"] * 7 + ["backward"] * 7 + ["update"] * 2
    assert [st.gate for st in steps] == [
        "mul",
        "add",
        "activation",
        "mul",
        "add",
        "activation",
        "cost",
        "cost",
        "activation",
        "add",
        "mul",
        "activation",
        "add",
        "mul",
        "update",
        "update",
    ]
    seen = set()
    for st in steps:
        for name, value in st.outputs.items():
            key = f"{name}_new" if st.phase == "update" else name
            np.testing.assert_allclose(value, expect[key], rtol=1e-13, atol=1e-15, err_msg=f"step {st.index} {name}")
            seen.add(key)
    assert seen == set(expect)


def test_shapes_of_the_article_network():
    steps = Session(load_bundled("sleep-study")).epoch_pass(1)[2]
    shapes = {n: v.shape for st in steps if st.phase != "update" for n, v in st.outputs.items()}
    assert shapes == {
        "XW1": (4, 3),
        "z2": (4, 3),
        "a2": (4, 3),
        "a2W2": (4, 1),
        "z3": (4, 1),
        "yhat": (4, 1),
        "J": (1, 1),
        "dJ_dyhat": (4, 1),
        "delta3": (4, 1),
        "dJ_db2": (1, 1),
        "dJ_dW2": (3, 1),
        "dJ_da2": (4, 3),
        "delta2": (4, 3),
        "dJ_db1": (1, 3),
        "dJ_dW1": (2, 3),
    }
    assert steps[10].shapes == "(3×4)·(4×1) → 3×1;  (4×1)·(1×3) → 4×3"
    assert steps[10].equation.startswith("∂J/∂W2 = a2ᵀ · δ3")
    assert steps[0].shapes == "(4×2)·(2×3) → 4×3"


def random_doc(rng, layers, m, act, out_act, cost):
    return {
        "name": "random",
        "data": {
            "X": rng.normal(size=(m, layers[0])).tolist(),
            "y": rng.uniform(0.1, 0.9, size=(m, layers[-1])).tolist(),
        },
        "weights": {
            **{f"W{i + 1}": rng.normal(size=(a, b)).tolist() for i, (a, b) in enumerate(zip(layers, layers[1:]))},
            **{f"b{i + 1}": rng.normal(size=(1, b)).tolist() for i, b in enumerate(layers[1:])},
        },
        "training": {"learning_rate": 0.1, "cost": cost, "activation": act, "output_activation": out_act},
    }


def numeric_gradient(s):
    """Central differences of the test's own cost (tests/reference.py), not the engine's."""
    ws, bs = reference.central_differences(
        s.X, s.y, s.params.weights, s.params.biases, s.activation, s.output_activation, s.cost
    )
    return [("weights", k, g) for k, g in enumerate(ws)] + [("biases", k, g) for k, g in enumerate(bs)]


CASES = [
    ([2, 3, 1], 4, "sigmoid", "sigmoid", "sse"),
    ([2, 1], 3, "tanh", "sigmoid", "mse"),
    ([3, 5, 4, 2], 6, "tanh", "identity", "sse"),
    ([2, 4, 3, 1], 7, "sigmoid", "tanh", "mse"),
    ([4, 2, 2, 2, 3], 5, "identity", "sigmoid", "sse"),
    ([1, 6, 1], 1, "sigmoid", "identity", "mse"),
]


@pytest.mark.parametrize("layers,m,act,out_act,cost", CASES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradients_match_central_differences(layers, m, act, out_act, cost, seed):
    s = scenario_from_document(random_doc(np.random.default_rng(seed), layers, m, act, out_act, cost), "random.toml")
    _, gw, gb = s.network().gradients(s.params)
    for group, k, numeric in numeric_gradient(s):
        analytic = gw[k] if group == "weights" else gb[k]
        assert relative_error(analytic, numeric).max() < 1e-6, (group, k)


def test_gradient_check_reports_every_parameter_and_catches_a_wrong_gradient():
    s = load_bundled("deep")
    entries = gradient_check(s.network(), s.params)
    assert [e.name for e in entries] == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert all(e.max_error < 1e-7 for e in entries)
    assert all(e.numerical.shape == e.analytic.shape for e in entries)
    wrong = relative_error(entries[0].analytic * 1.01, entries[0].numerical)
    assert wrong.max() > 5e-3


def test_mse_gradients_are_the_sse_gradients_divided_by_m():
    base = random_doc(np.random.default_rng(5), [2, 3, 1], 6, "sigmoid", "sigmoid", "sse")
    sse = scenario_from_document(base, "a")
    mse = scenario_from_document({**base, "training": {**base["training"], "cost": "mse"}}, "b")
    c1, w1, b1 = sse.network().gradients(sse.params)
    c2, w2, b2 = mse.network().gradients(mse.params)
    assert c2 == pytest.approx(c1 / 6)
    for a, b in zip(w1 + b1, w2 + b2):
        np.testing.assert_allclose(b, a / 6, rtol=1e-12)


def test_all_gradients_use_the_weights_from_the_start_of_the_epoch():
    session = Session(load_bundled("sleep-study"))
    steps = session.epoch_pass(1)[2]
    W2_start = session.params_at(1).weights[1]
    mul2 = steps[10]
    np.testing.assert_array_equal(mul2.inputs["W2"], W2_start)
    np.testing.assert_allclose(mul2.outputs["dJ_da2"], mul2.inputs["delta3"] @ W2_start.T)
    upd = steps[14]
    np.testing.assert_array_equal(upd.inputs["W2"], W2_start)


@pytest.mark.parametrize("name", names())
def test_bundled_scenario_learns_in_its_epochs(name):
    s = load_bundled(name)
    session = Session(s)
    assert session.train(s.epochs) is None
    assert session.frontier == s.epochs + 1
    first, last = session.costs[0], session.costs[-1]
    assert last < 0.5 * first, (name, first, last)


def test_xor_really_learns():
    session = Session(load_bundled("xor"))
    session.train(load_bundled("xor").epochs)
    yhat = session.epoch_pass(session.frontier)[1].activations[-1]
    assert ((yhat > 0.5).astype(int).ravel().tolist()) == [0, 1, 1, 0]


def test_trace_and_fast_training_agree_to_the_last_bit():
    s = load_bundled("xor")
    walked = Session(s)
    for _ in range(3 * walked.n_steps):
        assert walked.move(+1)
    trained = Session(s)
    trained.train(3)
    assert walked.position.epoch == trained.frontier == 4
    for a, b in zip(walked.params_at(4).weights, trained.params_at(4).weights):
        np.testing.assert_array_equal(a, b)
    assert walked.costs == trained.costs


def test_stepping_back_across_an_update_and_through_checkpoints():
    s = load_bundled("sleep-study")
    session = Session(s)
    session.train(CHECKPOINT_EVERY * 3 + 5)
    last = session.frontier
    reference = Session(s)
    for _ in range(last - 1):
        reference.net.full_pass(reference.params_at(reference.frontier))
        assert reference.can_enter(reference.frontier + 1)
    assert reference.frontier == last
    # back from step 1 of the last epoch into the update step of the one before
    assert session.move(-1)
    assert (session.position.epoch, session.position.index) == (last - 1, session.n_steps)
    assert session.step().phase == "update"
    np.testing.assert_array_equal(session.step().outputs["W1"], session.params_at(last).weights[0])
    # any earlier epoch is recomputed exactly from the nearest checkpoint
    for epoch in (1, 2, CHECKPOINT_EVERY, CHECKPOINT_EVERY + 1, CHECKPOINT_EVERY * 2 + 3, last - 1):
        for a, b in zip(session.params_at(epoch).weights, reference.params_at(epoch).weights):
            np.testing.assert_array_equal(a, b)
    assert len(session._checkpoints) <= last // CHECKPOINT_EVERY + 1


def test_history_stays_compact_over_many_epochs():
    session = Session(load_bundled("sleep-study"))
    session.train(5000)
    assert len(session.costs) == 5001
    assert len(session._checkpoints) <= 5001 // CHECKPOINT_EVERY + 1


def test_move_stops_at_the_first_step_and_reset_returns_there():
    session = Session(load_bundled("and"))
    assert not session.move(-1)
    session.move(+1)
    session.train(10)
    session.reset()
    assert (session.position.epoch, session.position.index, session.frontier) == (1, 1, 1)
    np.testing.assert_array_equal(session.params_at(1).weights[0], load_bundled("and").params.weights[0])


def test_deeper_network_has_one_more_backward_layer():
    steps = Session(load_bundled("deep")).epoch_pass(1)[2]
    assert len(steps) == 7 * 3 + 2
    backward = [st.title for st in steps if st.phase == "backward"]
    assert backward[0] == "cost': ∂J/∂ŷ"
    assert [t.split(":")[0] for t in backward[1:]] == ["f'", "addGate", "mulGate"] * 3
    assert "δ4" in backward[1] and "δ3" in backward[4] and "δ2" in backward[7]
    names_out = [n for st in steps for n in st.outputs]
    assert {"delta4", "delta3", "delta2", "dJ_da3", "dJ_da2", "dJ_dW3", "dJ_db1"} <= set(names_out)
    assert "dJ_da1" not in names_out and "dJ_dX" not in names_out


def test_network_seed_draws_reproducible_weights():
    doc = {
        "name": "drawn",
        "data": {"X": [[0.3, 1.0], [0.5, 0.2]], "y": [[0.75], [0.82]]},
        "network": {"layers": [2, 4, 3, 1], "seed": 7},
        "training": {"learning_rate": 0.5},
    }
    a, b = scenario_from_document(doc, "a"), scenario_from_document(doc, "b")
    for wa, wb in zip(a.params.weights, b.params.weights):
        np.testing.assert_array_equal(wa, wb)
    assert a.layers == [2, 4, 3, 1]
    assert all((bias == 0).all() for bias in a.params.biases)
    # The bundled deep scenario writes out these weights, rounded (with biases of its own).
    for drawn, written in zip(a.params.weights, load_bundled("deep").params.weights):
        np.testing.assert_allclose(written, drawn, atol=0.005 + 1e-12)


# Drawn by [network] with zero biases, as initialisation does: their lesson is the gradients' flow.
ZERO_BIAS_DRAWS = {"deep-relu", "deep-sigmoid"}


def test_bundled_scenarios_show_something_at_every_step():
    """No gate just passes its input on (a zero bias, an identity activation): each step changes a value."""
    for name in sorted(set(names()) - ZERO_BIAS_DRAWS):
        for st in Session(load_bundled(name)).epoch_pass(1)[2]:
            if st.kind.key == "optimizer_update":
                continue  # the first update's memory starts empty: v = μ·0 + g is g, by definition
            for out, value in st.outputs.items():
                same = [k for k, v in st.inputs.items() if v.shape == value.shape and np.array_equal(v, value)]
                assert not same, (name, st.index, out, same)


def test_sleep_study_adds_biases_and_deep_has_a_batch_unlike_its_layers():
    s = load_bundled("sleep-study")
    assert all((b != 0).all() for b in s.params.biases)
    assert s.layers == [2, 3, 1] and s.m == 4  # the article's network and data
    deep = load_bundled("deep")
    assert deep.m not in deep.layers


def test_a_dead_relu_unit_is_named_in_the_explanation_and_its_gradients_are_exact_zeros():
    steps = Session(load_bundled("relu-hidden")).epoch_pass(1)[2]
    f_prime = next(st for st in steps if st.phase == "backward" and st.gate == "activation" and st.layer == 1)
    assert "Unit 3 of layer 2 is dead" in f_prime.explanation
    assert (f_prime.outputs["delta2"][:, 2] == 0).all()
    dW1 = next(st for st in steps if "dJ_dW1" in st.outputs).outputs["dJ_dW1"]
    assert (dW1[:, 2] == 0).all() and (dW1[:, :2] != 0).all()
    sigmoid_steps = Session(load_bundled("sleep-study")).epoch_pass(1)[2]
    assert not any("dead" in st.explanation for st in sigmoid_steps)


# --- every activation and both costs against tests/reference.py ----------------------------------

ACTS = ["sigmoid", "tanh", "relu", "identity"]


@pytest.mark.parametrize("cost", ["sse", "mse"])
@pytest.mark.parametrize("out_act", ACTS)
@pytest.mark.parametrize("act", ACTS)
def test_cost_gradients_and_one_update_match_the_reference(act, out_act, cost):
    s = scenario_from_document(random_doc(np.random.default_rng(11), [3, 4, 2], 5, act, out_act, cost), "r.toml")
    ws, bs = s.params.weights, s.params.biases
    J, gw, gb = reference.gradients(s.X, s.y, ws, bs, act, out_act, cost)
    net = s.network()
    assert net.cost(s.params) == pytest.approx(J, rel=1e-13)
    p = net.full_pass(s.params)
    assert p.cost == pytest.approx(J, rel=1e-13)
    for mine, theirs in zip(p.grad_w + p.grad_b, gw + gb):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-15)
    result = train(net, s.params, s.learning_rate, 1)
    assert result.costs == [pytest.approx(J, rel=1e-13)]
    for mine, W, g in zip(result.params.weights + result.params.biases, ws + bs, gw + gb):
        np.testing.assert_allclose(mine, W - s.learning_rate * g, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("cost", ["sse", "mse"])
def test_the_cost_is_the_formula_of_the_readme(cost):
    """J = ½ Σ (y − ŷ)² or (1/2m) Σ (y − ŷ)², on numbers small enough to add up by hand."""
    doc = {
        "name": "hand",
        "data": {"X": [[1.0], [2.0]], "y": [[1.0], [0.0]]},
        "weights": {"W1": [[2.0]], "b1": [[-1.0]]},  # identity: ŷ = 2x − 1 = (1, 3)
        "training": {"learning_rate": 0.1, "cost": cost, "activation": "identity"},
    }
    s = scenario_from_document(doc, "hand.toml")
    # residuals (0, −3): Σ r² = 9
    assert s.network().cost(s.params) == (4.5 if cost == "sse" else 2.25)
    _, gw, gb = s.network().gradients(s.params)
    # ∂J/∂ŷ = ŷ − y = (0, 3), over m = 2 for mse; ∂J/∂W = Σ x·∂J/∂ŷ = 6, ∂J/∂b = 3
    scale = 1 if cost == "sse" else 0.5
    assert gw[0].tolist() == [[6.0 * scale]] and gb[0].tolist() == [[3.0 * scale]]


def test_lecun_initial_weights_are_drawn_layer_by_layer():
    doc = {
        "name": "init",
        "data": {"X": [[0.1, 0.2, 0.3]], "y": [[0.5, 0.5]]},
        "network": {"layers": [3, 5, 4, 2], "seed": 1234},
        "training": {"learning_rate": 0.1},
    }
    s = scenario_from_document(doc, "init.toml")
    rng = np.random.default_rng(1234)
    expected = [rng.normal(0.0, 1.0 / np.sqrt(n), size=(n, k)) for n, k in [(3, 5), (5, 4), (4, 2)]]
    for W, E in zip(s.params.weights, expected):
        np.testing.assert_array_equal(W, E)
    assert [b.tolist() for b in s.params.biases] == [[[0.0] * 5], [[0.0] * 4], [[0.0] * 2]]
    relu = load_bundled("deep-relu")  # a bundled [network] scenario, seed 1
    rng = np.random.default_rng(1)
    for W in relu.params.weights:
        np.testing.assert_array_equal(W, rng.normal(0.0, 1.0 / np.sqrt(W.shape[0]), size=W.shape))


class OnePercentOff(Network):
    """A backward pass with every gradient 1 % too large: what the gradient check exists to catch."""

    def gradients(self, params, plant=None):
        cost, gw, gb = super().gradients(params, plant)
        return cost, [g * 1.01 for g in gw], [g * 1.01 for g in gb]


@pytest.mark.parametrize("name", ["sleep-study", "deep", "mse-batch", "relu-hidden", "tanh-hidden"])
def test_gradient_check_reports_a_one_percent_wrong_gradient_above_the_tolerance(name):
    s = load_bundled(name)
    net = OnePercentOff(s.X, s.y, s.activation, s.output_activation, s.cost)
    for e in gradient_check(net, s.params):
        if not np.any(e.analytic):
            continue  # a dead unit's exact zeros stay exact zeros
        assert e.max_error > TOLERANCE, e.name
        # the largest entries are far above the floor: their error is exactly 1 − 1/1.01
        assert e.max_error == pytest.approx(0.01 / 1.01, rel=1e-3), e.name
