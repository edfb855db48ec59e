"""Every limit of the README's **Limits**: a scenario exactly at it loads, one just past it is refused by name.

The numbers are written out here, not read from the loader, so a changed limit fails until the README
and this table are changed with it.
"""

from __future__ import annotations

import pytest

from tui_backprop.cli import main
from tui_backprop.core import ScenarioError, load_file, scenario_from_document


def doc(rows: int = 2, inputs: int = 2, layers: list[int] | None = None, **top) -> dict:
    """A valid scenario: `rows` observations of `inputs` inputs, weights drawn for `layers` (default [inputs, 1])."""
    layers = layers or [inputs, 1]
    out = {
        "name": "limit",
        "data": {"X": [[0.5] * inputs] * rows, "y": [[0.5] * layers[-1]] * rows},
        "network": {"layers": layers, "seed": 1},
        "training": {"learning_rate": 0.5},
    }
    for key, value in top.items():
        table, _, field = key.partition("__")
        if field:
            out.setdefault(table, {})[field] = value
        else:
            out[table] = value
    return out


def explicit(value: float) -> dict:
    """One weight set to `value`: numbers in W are limited like those in X and y."""
    return {
        "name": "limit",
        "data": {"X": [[0.5, 0.5]], "y": [[0.5]]},
        "weights": {"W1": [[value], [0.1]], "b1": [[0.0]]},
        "training": {"learning_rate": 0.5},
    }


def explicit_layers(n: int) -> dict:
    """[1, 1, …, 1] with n weight layers given as W1..Wn, b1..bn."""
    weights = {f"W{i}": [[0.5]] for i in range(1, n + 1)} | {f"b{i}": [[0.0]] for i in range(1, n + 1)}
    return {
        "name": "limit",
        "data": {"X": [[0.5]], "y": [[0.5]]},
        "weights": weights,
        "training": {"learning_rate": 0.5},
    }


# (what, the document at the limit, the document just past it, what the error says)
LIMITS = [
    ("observations", doc(rows=10_000, inputs=1), doc(rows=10_001, inputs=1), "X: expected at most 10,000 observations"),
    ("input units", doc(inputs=512), doc(inputs=513), "X: expected at most 512 columns"),
    (
        "units in a layer",
        doc(layers=[2, 512, 1]),
        doc(layers=[2, 513, 1]),
        "network.layers: expected at most 512 units in layer 2, got 513",
    ),
    (
        "weight layers",
        doc(layers=[2] + [1] * 10),
        doc(layers=[2] + [1] * 11),
        "network.layers: expected at most 10 weight layers, got 11",
    ),
    (
        "parameters",  # 15·431 + 431 + 431·447 + 447 = 200,000; 14·431 + 431 + 431·448 + 448 = 200,001
        doc(inputs=15, layers=[15, 431, 447]),
        doc(inputs=14, layers=[14, 431, 448]),
        "network.layers: expected at most 200,000 parameters, got 200,001",
    ),
    (
        "rows × widest layer",  # 10,000 × 50 = 500,000; 2,809 × 178 = 500,002 is the least product past it
        doc(rows=10_000, inputs=1, layers=[1, 50, 1]),
        doc(rows=2_809, inputs=1, layers=[1, 178, 1]),
        "X: expected a batch small enough to step through (rows × widest layer ≤ 500,000), got 2,809 × 178 = 500,002",
    ),
    (
        "weight layers, by name",
        explicit_layers(10),
        explicit_layers(11),
        "weights.W11: expected at most 10 weight layers (W1..W10, b1..b10), got W11",
    ),
    ("a number, above", explicit(1_000_000.0), explicit(1_000_000.0000001), "W1 row 1, column 1: expected a number"),
    ("a number, below", explicit(-1_000_000), explicit(-1_000_001), "W1 row 1, column 1: expected a number"),
    (
        "learning rate",
        doc(training__learning_rate=1_000_000),
        doc(training__learning_rate=1_000_000.0000001),
        "training.learning_rate: expected at most 1,000,000",
    ),
    (
        "epochs",
        doc(training__epochs=1_000_000),
        doc(training__epochs=1_000_001),
        "training.epochs: expected at most 1,000,000, got 1,000,001",
    ),
    (
        "epochs, from 1",
        doc(training__epochs=1),
        doc(training__epochs=0),
        "training.epochs: expected a positive integer",
    ),
    ("seed", doc(network__seed=2**64 - 1), doc(network__seed=2**64), "network.seed: expected an integer below 2**64"),
    ("seed, from 0", doc(network__seed=0), doc(network__seed=-1), "network.seed: expected a non-negative integer"),
    ("name", doc(name="n" * 200), doc(name="n" * 201), "name: expected at most 200 characters, got 201"),
    (
        "description",
        doc(description="d" * 20_000),
        doc(description="d" * 20_001),
        "description: expected at most 20,000 characters, got 20,001",
    ),
    (
        "lesson message",
        doc(lesson__message="m" * 500),
        doc(lesson__message="m" * 501),
        "lesson.message: expected at most 500 characters, got 501",
    ),
]


@pytest.mark.parametrize("what,at,past,message", LIMITS, ids=[limit[0] for limit in LIMITS])
def test_accepted_at_the_limit_and_refused_just_past_it(what, at, past, message):
    scenario_from_document(at, "limit.toml")
    with pytest.raises(ScenarioError) as refused:
        scenario_from_document(past, "limit.toml")
    assert str(refused.value).startswith(f"limit.toml: {message}"), str(refused.value)


def test_a_file_of_exactly_the_size_limit_loads_and_one_byte_more_is_refused(tmp_path, capsys):
    text = 'name = "big file"\n[data]\nX = [[0.5]]\ny = [[0.5]]\n[network]\nlayers = [1, 1]\n[training]\nlearning_rate = 0.1\n'
    at = tmp_path / "at.toml"
    at.write_text(text + "#" * (5_000_000 - len(text) - 1) + "\n")
    assert at.stat().st_size == 5_000_000
    assert load_file(at).name == "big file"
    past = tmp_path / "past.toml"
    past.write_text(text + "#" * (5_000_000 - len(text)) + "\n")
    assert main(["check", str(past)]) == 1
    assert (
        capsys.readouterr().err == f"backprop-tui: {past}: expected a file of at most 5,000,000 bytes, got 5,000,001\n"
    )
