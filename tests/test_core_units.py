"""The engine's small parts, exactly: how messages describe what they found, the stepper's moves, the
gradient check's floor. Written to kill the mutants tests/mutation/run.py found surviving."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from tui_backprop.core import DivergenceError, Network, Params, Position, ScenarioError, Session, load_bundled
from tui_backprop.core.describe import closest, describe, num_text, short
from tui_backprop.core.lesson import parse_lesson
from tui_backprop.core.network import gradient_check, relu_kinks

# --- describe: what a message says it found -------------------------------------------------------


@pytest.mark.parametrize(
    "value,text",
    [
        (10**15 - 1, "999999999999999"),
        (10**15, "an integer of 16 digits"),
        (-(10**15), "-an integer of 16 digits"),
        (10**20, "an integer of 21 digits"),
        (-7, "-7"),
        (0, "0"),
        (2.5, "2.5"),
        (1e300, "1e+300"),
    ],
)
def test_num_text(value, text):
    assert num_text(value) == text


@pytest.mark.parametrize(
    "value,text",
    [
        (True, "the boolean true"),
        (False, "the boolean false"),
        (3, "the number 3"),
        (-0.5, "the number -0.5"),
        (10**15, "an integer of 16 digits"),
        (-(10**16), "-an integer of 17 digits"),
        ("abc", "the string 'abc'"),
        ("x" * 30, "the string '" + "x" * 30 + "'"),
        ("x" * 31, "the string '" + "x" * 27 + "...'"),
        ({"a": 1}, "a table"),
        ([], "a list of 0 items"),
        ([1], "a list of 1 item"),
        ([1, 2], "a list of 2 items"),
        (None, "null"),
    ],
)
def test_describe(value, text):
    assert describe(value) == text


def test_describe_a_toml_date():
    import datetime

    assert describe(datetime.date(2024, 1, 2)) == "a date (2024-01-02)"


def test_describe_a_long_toml_datetime():
    import datetime

    value = datetime.datetime(1979, 5, 27, 7, 32, 0, 999999, tzinfo=datetime.UTC)  # 32 characters
    assert describe(value) == "a datetime (1979-05-27 07:32:00.999999+...)"


def test_short():
    assert short("café → x") == "café → x"  # printable: as it is
    assert short("a" * 40) == "a" * 40
    assert short("a" * 41) == "a" * 37 + "..."
    assert short("ab\ncd") == "ab\\ncd"
    assert short("abcdef", 5) == "ab..."


@pytest.mark.parametrize(
    "key,valid,found",
    [
        ("learnin_rate", ("learning_rate", "cost"), "learning_rate"),
        ("COST", ("learning_rate", "cost"), "cost"),  # case alone: the exact key
        ("Learnin_Rate", ("learning_rate", "cost"), "learning_rate"),  # only its lower case is close
        ("zzzz", ("learning_rate", "cost"), None),
        ("costs", ("cots", "costs_"), "costs_"),  # the best match
        ("x" * 100 + "cost", ("cost",), None),  # only the first 100 characters are compared
    ],
)
def test_closest(key, valid, found):
    assert closest(key, valid) == found


def test_closest_tries_case_as_written_then_lower_case():
    assert closest("LEARNIN_RATE", ("learning_rate", "cost")) == "learning_rate"  # only in lower case
    assert closest("ab", ("AB_c", "xb")) == "xb"  # as written first, though "ab_c" is closer in lower case


def test_closest_cutoff():
    assert closest("activ", ("activation",), cutoff=0.5) == "activation"
    assert closest("activ", ("activation",), cutoff=0.9) is None


# --- errors ---------------------------------------------------------------------------------------


def test_divergence_error_keeps_its_parts_and_reads_as_one_line():
    err = DivergenceError(7, 1234567.0, "the cost grew")
    assert (err.epoch, err.cost, err.reason) == (7, 1234567.0, "the cost grew")
    assert str(err) == "training diverged at epoch 7: the cost grew (cost 1.23457e+06); lower the learning rate"
    for cost in (math.inf, math.nan):
        assert str(DivergenceError(3, cost, "the cost is infinite")) == (
            "training diverged at epoch 3: the cost is infinite; lower the learning rate"
        )


def test_scenario_error_keeps_its_parts():
    err = ScenarioError("f.toml", "b1", "expected 1×3")
    assert (err.source, err.field, err.message) == ("f.toml", "b1", "expected 1×3")
    assert str(err) == "f.toml: b1: expected 1×3"
    assert str(ScenarioError("f.toml", None, "expected a file")) == "f.toml: expected a file"


# --- lesson messages, exactly ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "table,message",
    [
        (
            {"hide_panels": "cost"},
            "lesson.hide_panels: expected a list of panel names like [\"graph\"], got the string 'cost'",
        ),
        ({"lock_keys": 3}, 'lesson.lock_keys: expected a list of action names like ["train"], got the number 3'),
        (
            {"hide_panels": ["cost", 3]},
            "lesson.hide_panels item 2: expected a panel name (graph, parameters, cost, explanation), got the number 3",
        ),
        (
            {"hide_panels": ["cots"]},
            "lesson.hide_panels item 1: expected one of graph, parameters, cost, explanation, "
            "got the string 'cots' (did you mean 'cost'?)",
        ),
        (
            {"lock_keys": ["zzzzzz"]},
            "lesson.lock_keys item 1: expected one of train, gradcheck, open, play, reset, decimals, quiz, "
            "got the string 'zzzzzz'",
        ),
        (
            {"qiuz": True},
            "lesson.qiuz: expected one of the keys quiz, message, hide_panels, lock_keys, values, tolerance, fade, bug, language, got an unknown key (did you mean 'quiz'?)",
        ),
        (
            {"zzzzzz": 1},
            "lesson.zzzzzz: expected one of the keys quiz, message, hide_panels, lock_keys, values, tolerance, fade, bug, language, got an unknown key",
        ),
    ],
)
def test_lesson_messages(table, message):
    with pytest.raises(ScenarioError) as info:
        parse_lesson("l.toml", table)
    assert str(info.value) == f"l.toml: {message}"


def test_lesson_names_keep_their_order_once_each():
    lesson = parse_lesson("l.toml", {"lock_keys": ["quiz", "train", "quiz"], "hide_panels": ["cost", "graph"]})
    assert lesson.lock_keys == ("quiz", "train") and lesson.hide_panels == ("cost", "graph")


# --- the stepper --------------------------------------------------------------------------------


def test_moves_across_an_epoch_and_jumps_within_one():
    s = Session(load_bundled("sleep-study"))
    assert s.move(+1) and s.position == Position(1, 2)
    assert s.move(-1) and s.position == Position(1, 1)  # back onto step 1, not past it
    assert not s.move(-1) and s.position == Position(1, 1)
    s.go(16)
    assert s.move(+1) and s.position == Position(2, 1)  # past the update: step 1 of the next epoch
    assert s.move(+1) and s.move(-1) and s.position == Position(2, 1)
    assert s.move(-1) and s.position == Position(1, 16)
    s.go(5)
    assert s.position == Position(1, 5)
    s.go(0)
    assert s.position == Position(1, 1)
    s.go(99)
    assert s.position == Position(1, 16)


# --- the gradient check and the relu kink -------------------------------------------------------


def test_the_gradient_check_measures_small_gradients_against_its_floor():
    """|a − n| / max(|a|, |n|, floor), floor = max(1e-5, 1e-4·J): worked out here for a large J."""
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(5, 2)), 50 + rng.normal(size=(5, 1))  # far targets: J ≈ 6,000
    net = Network(X, y, "sigmoid", "identity")
    params = Params((rng.normal(size=(2, 3)), rng.normal(size=(3, 1))), (np.zeros((1, 3)), np.zeros((1, 1))))
    J = net.cost(params)
    assert J > 1000
    floor = max(1e-5, 1e-4 * J)
    for e in gradient_check(net, params):
        a, n = e.analytic, e.numerical
        expected = np.abs(a - n) / np.maximum(np.maximum(np.abs(a), np.abs(n)), floor)
        np.testing.assert_allclose(e.relative_error, expected, rtol=1e-12, atol=0)


def test_relu_kinks_counts_relu_pre_activations_near_zero():
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    y = np.zeros((3, 1))
    W1 = np.array([[0.0005, 0.5], [-0.002, 0.0]])  # z2 columns: (0.0005, -0.002, -0.0015), (0.5, 0, 0.5)
    W2 = np.array([[0.0009], [1.0]])  # z3 = a2 · W2: tiny where a2 is tiny
    params = Params((W1, W2), (np.zeros((1, 2)), np.zeros((1, 1))))
    # hidden relu: z2 has 0.0005 and 0.0 within 1e-3 of 0 (−0.002 and −0.0015 are not)
    assert relu_kinks(Network(X, y, "relu", "identity"), params) == 2
    # relu at the output too: z3 = a2 · W2 = (0.50000045, 0, 0.5) adds one more
    assert relu_kinks(Network(X, y, "relu", "relu"), params) == 3
    # relu at the output only: z3 = z2 · W2 = (0.50000045, −0.0000018, 0.4999986)
    assert relu_kinks(Network(X, y, "identity", "relu"), params) == 1
    assert relu_kinks(Network(X, y, "sigmoid", "sigmoid"), params) == 0
    assert relu_kinks(Network(X, y, "relu", "identity"), params, near=0.01) == 4


def test_closest_compares_only_the_first_100_characters():
    # the 101st character would make "A…Ab" an exact match but for case; cut at 100, "a…ac" is closest
    assert closest("a" * 100 + "b", ("A" * 100 + "b", "a" * 100 + "c")) == "a" * 100 + "c"


def test_toml_errors_are_cut_to_200_characters():
    from tui_backprop.core.scenario import _toml_error

    assert (
        _toml_error("x = 1\n", ValueError("z" * 300)) == "expected valid TOML, got a syntax error: " + "z" * 197 + "..."
    )
    at = _toml_error("x = 1\n", ValueError("Y" * 300 + " (at line 1, column 2)"))
    assert at == "expected valid TOML, got a syntax error at line 1, column 2: y" + "Y" * 196 + "..."


def test_bundled_scenarios_are_named_by_their_name():
    from tui_backprop.core import load_bundled, names

    assert load_bundled("xor").source == "xor"
    with pytest.raises(ScenarioError) as info:
        load_bundled("nope")
    assert str(info.value) == f"nope: expected a bundled scenario ({', '.join(names())}), found none by that name"


# --- the session: training in chunks, entering epochs -----------------------------------------------


def test_session_training_reports_progress_and_keeps_a_checkpoint_every_64_epochs():
    s = Session(load_bundled("xor"))
    seen: list[int] = []
    assert s.train(150, progress=seen.append) is None
    assert seen == list(range(1, 151))  # counted across the chunks, in order
    assert sorted(s._checkpoints) == [1, 65, 129]
    from_64 = Session(load_bundled("xor"))
    assert from_64.train(63) is None and from_64.frontier == 64
    assert from_64.train(10) is None and sorted(from_64._checkpoints) == [1, 65]  # a chunk ends on 65
    seen.clear()
    assert s.train(10, progress=seen.append) is None
    assert seen == list(range(1, 11)) and s.frontier == 161


def test_divergence_is_measured_from_epoch_1_across_training_calls(tmp_path):
    from tui_backprop.core import load_file

    s = Session(load_file(Path(__file__).parent / "data" / "diverge.toml"))
    assert s.train(1) is None  # epoch 2 starts: its cost is 126, epoch 1's 0.028
    err = s.train(200)
    # epoch 3's cost (790,047) is a million times epoch 1's, not epoch 2's
    assert err is not None and err.epoch == 3 and s.frontier == 2


def test_entering_epochs():
    s = Session(load_bundled("sleep-study"))
    assert s.can_enter(1) and s.frontier == 1  # the current epoch: nothing computed
    assert not s.can_enter(3) and s.frontier == 1  # not past the next one
    assert s.can_enter(2) and s.frontier == 2
    assert s.can_enter(1) and s.can_enter(2) and s.frontier == 2


def test_an_update_to_non_finite_weights_is_divergence(monkeypatch):
    """Even were the cost still finite, an update that leaves an infinite weight ends the walk there."""
    s = Session(load_bundled("sleep-study"))
    real = s._update

    def overflowing(params, state, p, *planted):
        new, new_state = real(params, state, p, *planted)
        return Params((new.weights[0] * np.inf,) + new.weights[1:], new.biases), new_state

    monkeypatch.setattr(s, "_update", overflowing)
    monkeypatch.setattr(s.net, "cost", lambda params: 0.25)
    s.reset()  # epoch 1 again, through the overflowing update
    assert not s.can_enter(2) and s.frontier == 1
    assert str(s.diverged) == (
        "training diverged at epoch 2: the update produced non-finite weights (cost 0.25); lower the learning rate"
    )
    assert not s.can_enter(2)  # once diverged, it stays refused


# --- divergence, exactly ------------------------------------------------------------------------------


def test_divergence_reasons():
    from tui_backprop.core.network import divergence_reason

    assert divergence_reason(math.nan, 1.0) == "the cost is NaN"
    assert divergence_reason(math.inf, 1.0) == "the cost is infinite"
    assert divergence_reason(-math.inf, 1.0) == "the cost is infinite"
    assert divergence_reason(1e6, 1.0) is None  # exactly a million-fold is still sane
    assert divergence_reason(1e6 + 1e-9, 1.0) == "the cost grew more than 1e+06 times since the first epoch"
    assert divergence_reason(5.0, 0.0) is None  # from a perfect fit, growth is no measure
    assert divergence_reason(0.1, 1.0) is None


def _hand():
    """identity, sse: J = 4.5 for the initial weights (see test_engine)."""
    X, y = np.array([[1.0], [2.0]]), np.array([[1.0], [0.0]])
    return Network(X, y, "identity"), Params((np.array([[2.0]]),), (np.array([[-1.0]]),))


def test_train_measures_growth_from_the_first_cost_it_is_given():
    from tui_backprop.core import train

    net, params = _hand()
    J = net.cost(params)
    first = J / 1e6
    assert J == 4.5 and 1e6 * first == J  # exactly at the limit: sane
    assert train(net, params, 0.01, 1, first_cost=first).diverged is None
    tiny = first / 2
    result = train(net, params, 0.01, 5, first_cost=tiny, start_epoch=12)
    assert result.costs == [] and result.previous is None
    assert result.params is params or (
        result.params.weights[0] is params.weights[0] and result.params.biases[0] is params.biases[0]
    )
    assert result.diverged.epoch == 12 and result.diverged.cost == 4.5
    assert str(result.diverged) == (
        "training diverged at epoch 12: the cost grew more than 1e+06 times since the first epoch (cost 4.5); "
        "lower the learning rate"
    )


def test_train_after_some_sane_epochs_returns_the_diverged_epochs_parameters_and_those_before():
    from tui_backprop.core import train
    from tui_backprop.core.network import update

    net, params = _hand()
    lr = 40.0  # every step overshoots: the cost grows about 6,000-fold an epoch
    result = train(net, params, lr, 10)
    assert result.diverged is not None and len(result.costs) == result.diverged.epoch - 1 >= 1
    expected, before = params, None
    for _ in result.costs:
        _, gw, gb = net.gradients(expected)
        before, expected = expected, update(expected, gw, gb, lr)
    np.testing.assert_array_equal(result.params.weights[0], expected.weights[0])
    np.testing.assert_array_equal(result.params.biases[0], expected.biases[0])
    np.testing.assert_array_equal(result.previous.weights[0], before.weights[0])
    assert "the cost grew more than 1e+06 times" in str(result.diverged)


def test_train_reports_progress_epoch_by_epoch():
    from tui_backprop.core import train

    net, params = _hand()
    seen: list[int] = []
    train(net, params, 0.01, 7, progress=seen.append)
    assert seen == [1, 2, 3, 4, 5, 6, 7]


def test_train_with_a_non_finite_first_cost():
    from tui_backprop.core import train

    X, y = np.array([[1e200]]), np.array([[0.0]])
    result = train(Network(X, y, "identity"), Params((np.array([[1e200]]),), (np.zeros((1, 1)),)), 0.1, 3)
    assert result.costs == [] and str(result.diverged) == (
        "training diverged at epoch 1: the cost is infinite; lower the learning rate"
    )


# --- the session's cache and history --------------------------------------------------------------


def test_the_session_caches_the_last_epoch_it_was_asked_for():
    s = Session(load_bundled("sleep-study"))
    assert s.train(5) is None
    params, _, steps = s.epoch_pass(3)
    again = s.epoch_pass(3)
    assert again[2] is steps and again[0] is params and s.params_at(3) is params
    assert s.epoch_pass(2)[2] is not steps


def test_params_at_outside_the_history():
    s = Session(load_bundled("sleep-study"))
    with pytest.raises(IndexError) as info:
        s.params_at(2)
    assert str(info.value) == "epoch 2 is outside 1..1"


def test_train_checks_the_last_update_too():
    """Training that ends on the epoch whose update blows up: reported at the next epoch, not missed."""
    from tui_backprop.core import train

    net, params = _hand()
    whole = train(net, params, 40.0, 50)
    d = whole.diverged.epoch
    assert d >= 3
    result = train(net, params, 40.0, d - 1, start_epoch=1)
    assert result.costs == whole.costs and len(result.costs) == d - 1
    assert result.diverged.epoch == d and result.diverged.cost == net.cost(result.params)
    assert str(result.diverged) == str(whole.diverged)
    np.testing.assert_array_equal(result.params.weights[0], whole.params.weights[0])
    np.testing.assert_array_equal(result.previous.weights[0], whole.previous.weights[0])
    np.testing.assert_array_equal(result.previous.biases[0], whole.previous.biases[0])
    assert train(net, params, 40.0, d - 1, start_epoch=5).diverged.epoch == d + 4


def test_train_without_divergence_returns_the_parameters_before_the_last_update():
    from tui_backprop.core import train
    from tui_backprop.core.network import update

    net, params = _hand()
    result = train(net, params, 0.01, 3)
    assert result.diverged is None and len(result.costs) == 3
    two = train(net, params, 0.01, 2).params
    np.testing.assert_array_equal(result.previous.weights[0], two.weights[0])
    np.testing.assert_array_equal(result.previous.biases[0], two.biases[0])
    _, gw, gb = net.gradients(two)
    np.testing.assert_array_equal(result.params.weights[0], update(two, gw, gb, 0.01).weights[0])


def test_network_defaults_and_types():
    net = Network([[1, 2], [3, 4]], [[0], [1]])
    assert net.X.dtype == np.float64 and net.y.dtype == np.float64
    assert (net.activation_name, net.output_activation_name, net.cost_name) == ("sigmoid", "sigmoid", "sse")
    mse = Network([[1, 2]], [[0]], "relu", None, "mse")
    assert (mse.activation_name, mse.output_activation_name, mse.cost_name) == ("relu", "relu", "mse")


def test_the_input_has_no_gradient():
    s = load_bundled("deep")
    p = s.network().full_pass(s.params)
    assert p.dJ_da[0] is None and all(d is not None for d in p.dJ_da[1:])


def test_overflow_is_quiet_in_the_engine():
    """A diverging network overflows and computes inf − inf; the engine says so in words, never by a warning."""
    import warnings

    X, y = np.array([[1e200, 0.0]]), np.array([[0.0]])
    net = Network(X, y, "identity")
    params = Params((np.array([[1e200], [1.0]]),), (np.zeros((1, 1)),))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = net.full_pass(params)
        assert net.cost(params) == math.inf
        assert np.isnan(p.grad_w[0]).any()  # 0 · inf: the invalid operation happened
        assert train_diverged(net, params)


def train_diverged(net, params) -> bool:
    from tui_backprop.core import train

    return train(net, params, 0.1, 2).diverged is not None


# --- scenario messages beyond the bad-file corpus, word for word ------------------------------------


def _doc(**top) -> dict:
    doc = {
        "name": "n",
        "data": {"X": [[0.5, 0.5]], "y": [[0.5]]},
        "weights": {"W1": [[0.1], [0.2]], "b1": [[0.0]]},
        "training": {"learning_rate": 0.5},
    }
    doc.update(top)
    if "network" in top:
        del doc["weights"]
    return doc


W1 = {"W1": [[0.1], [0.2]], "b1": [[0.0]]}
MESSAGES = [
    ({}, "expected a scenario, got an empty document (add name, [data], [weights], [training])"),
    (_doc(name="  "), "name: expected a non-empty string, got the string '  '"),
    (_doc(description=5), "description: expected a string, got the number 5"),
    (
        _doc(description="a\x07b"),
        "description: expected printable text (tabs and newlines allowed), got control characters",
    ),
    (
        _doc(training={"learning_rate": 0.5, "epochs": 10**20}),
        "training.epochs: expected at most 1,000,000, got an integer of 21 digits",
    ),
    (
        _doc(network={"seed": 1}),
        "network.layers: expected a list of at least two positive integers like [2, 3, 1], found none (the key is missing)",
    ),
    (
        _doc(network={"layers": [2, 1], "seed": "a"}),
        "network.seed: expected a non-negative integer, got the string 'a'",
    ),
    (
        _doc(weights={**W1, "b0": [[0.0]]}),
        "weights.b0: unknown key: expected W1, b1, W2, b2, ...; layers are numbered from 1: did you mean 'b1'?",
    ),
    (_doc(weights={**W1, "zzz": 1}), "weights.zzz: unknown key: expected W1, b1, W2, b2, ..."),
    (_doc(weights={**W1, "W1x": 1}), "weights.W1x: unknown key: expected W1, b1, W2, b2, ...; did you mean 'W1'?"),
    (_doc(weights={**W1, "b10x": 1}), "weights.b10x: unknown key: expected W1, b1, W2, b2, ...; did you mean 'b10'?"),
    (
        _doc(weights={"W2": [[0.1], [0.2]], "b2": [[0.0]]}),
        "weights.W1: expected W1..W2 numbered with no gaps, got W2 (W1 is missing)",
    ),
    (
        _doc(weights={"W1": [[0.1], [0.2]], "b1": 3}),
        "b1: expected a matrix (a list of rows, e.g. [[0.0, 0.0]]), got the number 3",
    ),
    (
        _doc(weights={**W1, "W" + "9" * 60: 1}),
        "weights.W999999999999999999999999999999999999...: expected at most 10 weight layers (W1..W10, b1..b10), "
        "got W999999999999999999999999999999999999...",
    ),
    (
        _doc(weights={"W1": [[0.1] * 513, [0.2] * 513], "b1": [[0.0] * 513]}),
        "W1: expected at most 512 units in layer 2, got 513",
    ),
    (_doc(lesson=3), "lesson: expected a table [lesson], got the number 3"),
    (_doc(weights={"W1": [[0.1], [0.2]]}), "weights.b1: expected a bias b1 (1×n) for W1, found none"),
    # the closest of W1..W10, b1..b10 and nothing else
    *[
        (
            _doc(weights={**W1, key: 1}),
            f"weights.{key}: unknown key: expected W1, b1, W2, b2, ...; did you mean '{hint}'?",
        )
        for key, hint in [
            ("W0x", "W10"),
            ("W9x", "W9"),
            ("W10x", "W10"),
            ("W11x", "W1"),
            ("b0x", "b10"),
            ("b1x", "b1"),
            ("b11x", "b1"),
        ]
    ],
]


@pytest.mark.parametrize("doc,message", MESSAGES)
def test_scenario_messages(doc, message):
    from tui_backprop.core import scenario_from_document

    with pytest.raises(ScenarioError) as info:
        scenario_from_document(doc, "d.toml")
    assert str(info.value) == f"d.toml: {message}"


def test_resolve():
    from tui_backprop.core import names, resolve

    assert resolve(None).source == "sleep-study" and resolve("xor").source == "xor"
    with pytest.raises(ScenarioError) as info:
        resolve("nope")
    assert str(info.value) == f"nope: expected a scenario file or a bundled name ({', '.join(names())}), found neither"


def test_a_bundled_json_scenario_is_read_as_json(tmp_path, monkeypatch):
    import json

    from tui_backprop.core import bundled

    entry = tmp_path / "mine.json"
    doc = _doc(name="from JSON")
    entry.write_text(json.dumps(doc))
    monkeypatch.setattr(bundled, "bundled_entry", lambda name: (entry, ".json") if name == "mine" else None)
    s = bundled.load_bundled("mine")
    assert s.name == "from JSON" and s.source == "mine"


def test_train_zero_epochs():
    from tui_backprop.core import train

    net, params = _hand()
    result = train(net, params, 0.1, 0)
    assert result.costs == [] and result.diverged is None and result.previous is None
    assert result.params.weights[0] is params.weights[0]
    assert train(net, params, 0.1, 0, first_cost=1e-12).diverged is None  # no epoch run, nothing to check


def test_relu_kinks_is_strictly_within():
    X, y = np.array([[1.0]]), np.zeros((1, 1))
    params = Params((np.array([[0.001]]),), (np.zeros((1, 1)),))
    assert relu_kinks(Network(X, y, "relu"), params) == 0  # exactly 1e-3 from the kink is not within it
    assert relu_kinks(Network(X, y, "relu"), params, near=0.0011) == 1


# --- reading files: every message, word for word ------------------------------------------------------


def _load_message(path) -> str:
    from tui_backprop.core import load_file

    with pytest.raises(ScenarioError) as info:
        load_file(path)
    return str(info.value)


VALID = 'name = "v"\n[data]\nX = [[0.5]]\ny = [[0.5]]\n[network]\nlayers = [1, 1]\n[training]\nlearning_rate = 0.5'


def test_file_messages(tmp_path):
    assert _load_message(tmp_path) == f"{tmp_path}: expected a scenario file, got a directory"
    missing = tmp_path / "missing.toml"
    assert _load_message(missing) == f"{missing}: expected a scenario file, but no such file exists"
    assert _load_message("/dev/null") == "/dev/null: expected a regular scenario file, got a device, socket or pipe"
    # a NUL in the path: no such file, and the message shows it escaped, on one line
    assert _load_message("a\x00b.toml") == "a\\x00b.toml: expected a scenario file, but no such file exists"
    long = tmp_path / ("d" * 600 + ".toml")
    shown = str(long)[:497] + "..."
    assert _load_message(str(long)).startswith(f"{shown}: expected a ")
    be = tmp_path / "be.toml"
    be.write_bytes(b"\xfe\xff\x00n")
    assert _load_message(be) == f"{be}: expected UTF-8 text, got UTF-16 (save the file as UTF-8)"


def test_a_byte_that_is_not_utf8_is_found_by_line_and_column(tmp_path):
    p = tmp_path / "latin.toml"
    p.write_bytes(b'name = "x"\n\n# ab\xe9\n')
    assert (
        _load_message(p) == f"{p}: expected UTF-8 text, got the byte 0xe9 at line 3, column 5 (save the file as UTF-8)"
    )
    first = tmp_path / "first.toml"
    first.write_bytes(b"\n\xe9")  # after a newline that is the file's first byte
    assert (
        _load_message(first)
        == f"{first}: expected UTF-8 text, got the byte 0xe9 at line 2, column 1 (save the file as UTF-8)"
    )
    bom = tmp_path / "bom.toml"
    bom.write_bytes(b"\xef\xbb\xbf" + b"# a\n# \xe9\n")
    assert (
        _load_message(bom)
        == f"{bom}: expected UTF-8 text, got the byte 0xe9 at line 2, column 3 (save the file as UTF-8)"
    )


def test_a_byte_order_mark_is_skipped(tmp_path):
    from tui_backprop.core import load_file, parse_text

    assert parse_text("\ufeff" + VALID, "s", ".toml").name == "v"
    p = tmp_path / "bom.toml"
    p.write_bytes(b"\xef\xbb\xbf" + VALID.encode())
    assert load_file(p).name == "v"


def test_read_errors_are_one_line(tmp_path, monkeypatch):
    p = tmp_path / "x.toml"
    p.write_text(VALID)

    def fail(error):
        def open_(self, *args, **kwargs):
            raise error

        return open_

    monkeypatch.setattr(Path, "open", fail(OSError(5, "Input/output error")))
    assert _load_message(p) == f"{p}: expected a readable file, got an error: Input/output error"
    monkeypatch.setattr(Path, "open", fail(OSError(5, "e" * 250)))
    assert _load_message(p) == f"{p}: expected a readable file, got an error: " + "e" * 197 + "..."
    monkeypatch.setattr(Path, "open", fail(OSError("no strerror")))
    assert _load_message(p) == f"{p}: expected a readable file, got an error: no strerror"
    monkeypatch.setattr(Path, "open", fail(PermissionError(13, "Permission denied")))
    assert _load_message(p) == f"{p}: expected a readable file, but permission was denied"
    monkeypatch.setattr(Path, "open", fail(ValueError("z" * 150)))  # a path the system refuses
    assert _load_message(p) == f"{p}: expected a usable file path, got " + "z" * 97 + "..."


def test_a_file_that_grows_past_the_limit_while_read(tmp_path, monkeypatch):
    """The size on disk says small, the read finds more: never more than the limit is read."""
    import os

    from tui_backprop.core import load_file
    from tui_backprop.core import scenario as scenario_module

    monkeypatch.setattr(scenario_module, "MAX_FILE_BYTES", 1000)
    real_stat = Path.stat
    monkeypatch.setattr(
        Path,
        "stat",
        lambda self, **kw: (
            os.stat_result((0o100644, 0, 0, 1, 0, 0, 10, 0, 0, 0))
            if self.name.endswith(".toml")
            else real_stat(self, **kw)
        ),
    )
    at = tmp_path / "at.toml"
    at.write_text("#" * (1000 - len(VALID) - 1) + "\n" + VALID)  # ends in "0.5": one byte less would not parse
    assert len(at.read_bytes()) == 1000 and load_file(at).name == "v"
    past = tmp_path / "past.toml"
    past.write_text("#" * (1001 - len(VALID) - 1) + "\n" + VALID)
    assert _load_message(past) == f"{past}: expected a file of at most 1,000 bytes, got more"


def test_any_other_parse_error_is_one_line(monkeypatch):
    from tui_backprop.core import parse_text
    from tui_backprop.core import scenario as scenario_module

    def odd(text):
        raise ValueError("z" * 300)

    monkeypatch.setattr(scenario_module.tomllib, "loads", odd)
    with pytest.raises(ScenarioError) as info:
        parse_text(VALID, "s.toml", ".toml")
    assert str(info.value) == "s.toml: expected valid TOML, got an error: " + "z" * 197 + "..."
