"""Scenario files: TOML (or JSON of the same structure) read as data and validated.

Every problem raises ScenarioError naming the file, the field, what was
expected and what was found. Nothing in a file is ever executed.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..notation import dims
from .activations import ACTIVATIONS, OUTPUT_ONLY
from .describe import closest as _closest
from .describe import describe as _describe
from .describe import num_text as _num_text
from .describe import short as _short
from .errors import ScenarioError
from .gates import result_shapes
from .lesson import Lesson, parse_lesson
from .network import COSTS, FUSED_OUTPUT, Network, Params
from .optimizers import OPTIMIZERS, Optimizer

# Limits that keep a typo from freezing the app; documented in the README.
MAX_FILE_BYTES = 5_000_000
MAX_OBSERVATIONS = 10_000
MAX_UNITS = 512
MAX_WEIGHT_LAYERS = 10
MAX_PARAMETERS = 200_000
MAX_EPOCHS = 1_000_000
MAX_NESTING = 2  # a matrix is a list of rows of numbers
MAX_LEARNING_RATE = 1e6
MAX_ABS_VALUE = 1e6  # every number in X, y, W_l, b_l
MAX_NAME_CHARS = 200
MAX_DESCRIPTION_CHARS = 20_000

TOP_KEYS = ("name", "description", "data", "weights", "network", "training", "lesson")
DATA_KEYS = ("X", "y")
NETWORK_KEYS = ("layers", "seed")
TRAINING_KEYS = (
    "learning_rate",
    "cost",
    "activation",
    "output_activation",
    "epochs",
    "optimizer",
    "momentum",
    "beta1",
    "beta2",
    "eps",
)
# The optimizer settings and the optimizer each belongs to.
OPTIMIZER_KEYS = {"momentum": "momentum", "beta1": "adam", "beta2": "adam", "eps": "adam"}
# A row of y for cross-entropy must sum to 1 within this (a third written to 16 digits does).
DISTRIBUTION_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Scenario:
    name: str
    source: str  # the path or bundled name it came from, for messages
    X: np.ndarray
    y: np.ndarray
    params: Params
    learning_rate: float
    cost: str = "sse"
    activation: str = "sigmoid"
    output_activation: str = "sigmoid"
    epochs: int = 1
    description: str = ""
    lesson: Lesson = field(default_factory=Lesson)
    optimizer: Optimizer = field(default_factory=Optimizer)

    @property
    def layers(self) -> list[int]:
        return [self.X.shape[1]] + [w.shape[1] for w in self.params.weights]

    @property
    def m(self) -> int:
        return self.X.shape[0]

    @property
    def shape_text(self) -> str:
        return "[" + ", ".join(str(n) for n in self.layers) + "]"

    def network(self) -> Network:
        return Network(self.X, self.y, self.activation, self.output_activation, self.cost)


def _unknown_keys(src: str, where: str, table: dict, valid: tuple[str, ...]) -> None:
    for key in table:
        if key not in valid:
            key = str(key)
            close = _closest(key, valid)
            hint = f"; did you mean '{close}'?" if close else ""
            shown = _short(key)
            field_name = f"{where}.{shown}" if where else shown
            raise ScenarioError(src, field_name, f"unknown key: expected one of {', '.join(valid)}{hint}")


def _table(src: str, doc: dict, key: str, required: bool) -> dict | None:
    if key not in doc:
        if required:
            raise ScenarioError(src, f"[{key}]", "expected a table, found none (the table is missing)")
        return None
    value = doc[key]
    if not isinstance(value, dict):
        raise ScenarioError(src, key, f"expected a table [{key}], got {_describe(value)}")
    return value


def _control_characters(text: str, allowed: str = "") -> bool:
    """Whether text has characters that would break a one-line display (controls, line separators).

    Not str.isprintable(): that also refuses ordinary spaces such as U+00A0.
    """
    return any(unicodedata.category(c) in ("Cc", "Zl", "Zp") and c not in allowed for c in text)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _is_finite(v: int | float) -> bool:
    # math.isfinite(10**400) raises OverflowError: an int is finite, however large.
    return isinstance(v, int) or math.isfinite(v)


def parse_matrix(src: str, name: str, value: Any, example: str = "[[0.1, 0.2], [0.3, 0.4]]") -> np.ndarray:
    """A non-empty, rectangular list of rows of finite numbers, as float64."""
    if not isinstance(value, list):
        raise ScenarioError(src, name, f"expected a matrix (a list of rows, e.g. {example}), got {_describe(value)}")
    if not value:
        raise ScenarioError(src, name, "expected a matrix with at least one row, got an empty list")
    if all(_is_number(v) for v in value):
        raise ScenarioError(
            src,
            name,
            f"expected a matrix (a list of rows, e.g. [{value[0]!r}, ...] written as [[...]]), "
            f"got a flat list of {len(value)} numbers",
        )
    width = None
    for i, row in enumerate(value):
        where = f"{name} row {i + 1}"
        if not isinstance(row, list):
            raise ScenarioError(src, where, f"expected a row (a list of numbers), got {_describe(row)}")
        if not row:
            raise ScenarioError(src, where, "expected at least one number, got an empty row")
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise ScenarioError(src, where, f"expected {width} numbers like row 1 (ragged rows), got {len(row)}")
        for j, cell in enumerate(row):
            if isinstance(cell, list):
                raise ScenarioError(
                    src,
                    f"{where}, column {j + 1}",
                    "expected a number, got a nested list (nesting too deep: a matrix is a list of rows)",
                )
            if not _is_number(cell):
                raise ScenarioError(src, f"{where}, column {j + 1}", f"expected a number, got {_describe(cell)}")
            if not _is_finite(cell):
                raise ScenarioError(src, f"{where}, column {j + 1}", f"expected a finite number, got {cell!r}")
            if abs(cell) > MAX_ABS_VALUE:
                raise ScenarioError(
                    src,
                    f"{where}, column {j + 1}",
                    f"expected a number between -{MAX_ABS_VALUE:,.0f} and {MAX_ABS_VALUE:,.0f}, got {_num_text(cell)}",
                )
    return np.array(value, dtype=np.float64)


def _choice(src: str, name: str, value: Any, valid: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in valid:
        close = _closest(value, valid, cutoff=0.6) if isinstance(value, str) else None
        hint = f" (did you mean '{close}'?)" if close else ""
        raise ScenarioError(src, name, f"expected one of {', '.join(valid)}, got {_describe(value)}{hint}")
    return value


def _positive_int(src: str, name: str, value: Any, limit: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ScenarioError(src, name, f"expected a positive integer, got {_describe(value)}")
    if value > limit:
        raise ScenarioError(
            src,
            name,
            f"expected at most {limit:,}, got {value:,}"
            if value < 10**15
            else f"expected at most {limit:,}, got {_num_text(value)}",
        )
    return value


def _initial_params(src: str, network: dict) -> Params:
    _unknown_keys(src, "network", network, NETWORK_KEYS)
    if "layers" not in network:
        raise ScenarioError(
            src,
            "network.layers",
            "expected a list of at least two positive integers like [2, 3, 1], found none (the key is missing)",
        )
    layers = network["layers"]
    if not isinstance(layers, list) or len(layers) < 2:
        raise ScenarioError(
            src,
            "network.layers",
            f"expected a list of at least two positive integers like [2, 3, 1], got {_describe(layers)}",
        )
    for i, n in enumerate(layers):
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ScenarioError(
                src, f"network.layers[{i}]", f"expected a positive integer (units in layer {i + 1}), got {_describe(n)}"
            )
    seed = network.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ScenarioError(src, "network.seed", f"expected a non-negative integer, got {_describe(seed)}")
    if seed >= 2**64:
        raise ScenarioError(src, "network.seed", f"expected an integer below 2**64, got {_num_text(seed)}")
    _check_sizes(src, layers, "network.layers")
    return lecun_normal(layers, seed)


def lecun_normal(layers: list[int], seed: int) -> Params:
    """W_l ~ N(0, 1/n_l) drawn layer by layer from default_rng(seed); biases zero.

    LeCun normal keeps z of order one for any width.
    """
    rng = np.random.default_rng(seed)
    weights = tuple(
        rng.normal(0.0, 1.0 / math.sqrt(n_in), size=(n_in, n_out)) for n_in, n_out in zip(layers, layers[1:])
    )
    biases = tuple(np.zeros((1, n_out)) for n_out in layers[1:])
    return Params(weights, biases)


def variant(scenario: Scenario, k: int) -> Scenario:
    """The same network and data with initial weights drawn reproducibly from `k` (one sheet per student)."""
    return replace(scenario, params=lecun_normal(scenario.layers, k), name=f"{scenario.name} (variant {k})")


def _check_sizes(src: str, layers: list[int], field_name: str) -> None:
    if len(layers) - 1 > MAX_WEIGHT_LAYERS:
        raise ScenarioError(
            src, field_name, f"expected at most {MAX_WEIGHT_LAYERS} weight layers, got {len(layers) - 1}"
        )
    for i, n in enumerate(layers, start=1):
        if n > MAX_UNITS:
            raise ScenarioError(
                src, field_name, f"expected at most {MAX_UNITS:,} units in layer {i}, got {_num_text(n)}"
            )
    total = sum(a * b + b for a, b in zip(layers, layers[1:]))
    if total > MAX_PARAMETERS:
        raise ScenarioError(src, field_name, f"expected at most {MAX_PARAMETERS:,} parameters, got {total:,}")


_LAYER_KEY = re.compile(r"^([Wb])([1-9][0-9]*)$")


def _explicit_params(src: str, weights: dict, n_inputs: int) -> Params:
    found: dict[str, dict[int, Any]] = {"W": {}, "b": {}}
    for key, value in weights.items():
        key = str(key)
        match = _LAYER_KEY.match(key)
        if match and (len(match.group(2)) > 4 or int(match.group(2)) > MAX_WEIGHT_LAYERS):
            raise ScenarioError(
                src,
                f"weights.{_short(key)}",
                f"expected at most {MAX_WEIGHT_LAYERS} weight layers (W1..W{MAX_WEIGHT_LAYERS}, b1..b{MAX_WEIGHT_LAYERS}), got {_short(key)}",
            )
        if not match:
            wanted = [f"W{i}" for i in range(1, MAX_WEIGHT_LAYERS + 1)] + [
                f"b{i}" for i in range(1, MAX_WEIGHT_LAYERS + 1)
            ]
            close = _closest(key, wanted)
            if key in ("W0", "b0"):
                hint = f"; layers are numbered from 1: did you mean '{key[0]}1'?"
            else:
                hint = f"; did you mean '{close}'?" if close else ""
            raise ScenarioError(src, f"weights.{_short(key)}", f"unknown key: expected W1, b1, W2, b2, ...{hint}")
        found[match.group(1)][int(match.group(2))] = value
    if not found["W"]:
        raise ScenarioError(src, "weights.W1", "expected at least one weight matrix (W1, b1, ...), found none")
    count = max(found["W"])
    for i in range(1, count + 1):
        if i not in found["W"]:
            present = ", ".join(f"W{j}" for j in sorted(found["W"]))
            raise ScenarioError(
                src, f"weights.W{i}", f"expected W1..W{count} numbered with no gaps, got {present} (W{i} is missing)"
            )
    for i in sorted(found["b"]):
        if i not in found["W"]:
            raise ScenarioError(
                src,
                f"weights.b{i}",
                f"expected a W{i} for b{i} (biases go with weight matrices W1..W{count}), found no W{i}",
            )
    for i in range(1, count + 1):
        if i not in found["b"]:
            raise ScenarioError(src, f"weights.b{i}", f"expected a bias b{i} (1×n) for W{i}, found none")
    ws, bs = [], []
    rows_expected = n_inputs
    for i in range(1, count + 1):
        w = parse_matrix(src, f"W{i}", found["W"][i])
        if w.shape[0] != rows_expected:
            source = "X has" if i == 1 else f"W{i - 1} has"
            raise ScenarioError(
                src,
                f"W{i}",
                f"expected {rows_expected}×{w.shape[1]} ({source} {rows_expected} column{'s' if rows_expected != 1 else ''}, one row of W{i} per unit of layer {i}), got {dims(w.shape)}",
            )
        _check_sizes(src, [n_inputs] + [v.shape[1] for v in ws] + [w.shape[1]], f"W{i}")
        b = parse_matrix(src, f"b{i}", found["b"][i], example="[[0.0, 0.0]]")
        if b.shape != (1, w.shape[1]):
            raise ScenarioError(
                src, f"b{i}", f"expected 1×{w.shape[1]} (one bias per unit of layer {i + 1}), got {dims(b.shape)}"
            )
        ws.append(w)
        bs.append(b)
        rows_expected = w.shape[1]
    return Params(tuple(ws), tuple(bs))


def scenario_from_document(doc: Any, src: str) -> Scenario:
    """Validate a parsed document (dicts, lists, numbers, strings) into a Scenario."""
    if not isinstance(doc, dict):
        raise ScenarioError(src, None, f"expected a table of keys at the top level, got {_describe(doc)}")
    if not doc:
        raise ScenarioError(
            src, None, "expected a scenario, got an empty document (add name, [data], [weights], [training])"
        )
    _unknown_keys(src, "", doc, TOP_KEYS)
    name = doc.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ScenarioError(
            src,
            "name",
            f"expected a non-empty string, got {_describe(name) if 'name' in doc else 'nothing (the key is missing)'}",
        )
    if len(name) > MAX_NAME_CHARS:
        raise ScenarioError(src, "name", f"expected at most {MAX_NAME_CHARS} characters, got {len(name):,}")
    if _control_characters(name):
        raise ScenarioError(src, "name", f"expected one line of printable text, got {_describe(name)}")
    description = doc.get("description", "")
    if not isinstance(description, str):
        raise ScenarioError(src, "description", f"expected a string, got {_describe(description)}")
    if len(description) > MAX_DESCRIPTION_CHARS:
        raise ScenarioError(
            src, "description", f"expected at most {MAX_DESCRIPTION_CHARS:,} characters, got {len(description):,}"
        )
    if _control_characters(description, allowed="\n\t"):
        raise ScenarioError(
            src, "description", "expected printable text (tabs and newlines allowed), got control characters"
        )

    data = _table(src, doc, "data", required=True)
    _unknown_keys(src, "data", data, DATA_KEYS)
    for key in DATA_KEYS:
        if key not in data:
            raise ScenarioError(src, f"data.{key}", "expected a matrix, found none (the key is missing)")
    X = parse_matrix(src, "X", data["X"])
    y = parse_matrix(src, "y", data["y"], example="[[0.5], [0.7]]")
    if X.shape[0] > MAX_OBSERVATIONS:
        raise ScenarioError(src, "X", f"expected at most {MAX_OBSERVATIONS:,} observations (rows), got {X.shape[0]:,}")
    if X.shape[1] > MAX_UNITS:
        raise ScenarioError(src, "X", f"expected at most {MAX_UNITS} columns (input units), got {X.shape[1]:,}")
    if y.shape[0] != X.shape[0]:
        raise ScenarioError(
            src,
            "y",
            f"expected {X.shape[0]}×{y.shape[1]} ({X.shape[0]} rows, one target row per observation of X), got {dims(y.shape)}",
        )

    weights = _table(src, doc, "weights", required=False)
    network = _table(src, doc, "network", required=False)
    if weights is not None and network is not None:
        raise ScenarioError(src, "[network]", "expected either [weights] or [network], got both")
    if weights is None and network is None:
        raise ScenarioError(
            src,
            "[weights]",
            "expected a [weights] table (W1, b1, ...) or a [network] table (layers, seed), found neither",
        )
    if weights is not None:
        params = _explicit_params(src, weights, X.shape[1])
    else:
        params = _initial_params(src, network)
        if params.weights[0].shape[0] != X.shape[1]:
            raise ScenarioError(
                src,
                "network.layers",
                f"expected {X.shape[1]} input units first (X has {X.shape[1]} columns), got {network['layers'][0]}",
            )
    n_out = params.weights[-1].shape[1]
    if y.shape[1] != n_out:
        raise ScenarioError(
            src, "y", f"expected {X.shape[0]}×{n_out} (one column per unit of the last layer), got {dims(y.shape)}"
        )
    cells = X.shape[0] * max(w.shape[1] for w in params.weights)
    if cells > 50 * MAX_OBSERVATIONS:
        raise ScenarioError(
            src,
            "X",
            f"expected a batch small enough to step through (rows × widest layer ≤ {50 * MAX_OBSERVATIONS:,}), got {X.shape[0]:,} × {cells // X.shape[0]:,} = {cells:,}",
        )

    training = _table(src, doc, "training", required=True)
    _unknown_keys(src, "training", training, TRAINING_KEYS)
    if "learning_rate" not in training:
        raise ScenarioError(src, "training.learning_rate", "expected a number > 0, found none (the key is missing)")
    lr = training["learning_rate"]
    if not _is_number(lr) or not _is_finite(lr) or lr <= 0:
        raise ScenarioError(src, "training.learning_rate", f"expected a finite number > 0, got {_describe(lr)}")
    if lr > MAX_LEARNING_RATE:
        raise ScenarioError(
            src, "training.learning_rate", f"expected at most {MAX_LEARNING_RATE:,.0f}, got {_num_text(lr)}"
        )
    cost = _choice(src, "training.cost", training.get("cost", "sse"), COSTS)
    valid_acts = tuple(ACTIVATIONS)
    activation = training.get("activation", "sigmoid")
    if isinstance(activation, str) and activation in OUTPUT_ONLY:
        raise ScenarioError(
            src,
            "training.activation",
            f"expected one of {', '.join(valid_acts)} ({activation} only as output_activation, "
            f'with cost = "cross_entropy"), got the string {activation!r}',
        )
    activation = _choice(src, "training.activation", activation, valid_acts)
    output_activation = _choice(
        src,
        "training.output_activation",
        training.get("output_activation", activation),
        valid_acts + tuple(OUTPUT_ONLY),
    )
    _check_output_pairing(src, cost, output_activation, n_out)
    _check_targets(src, cost, y)
    epochs = _positive_int(src, "training.epochs", training.get("epochs", 1), MAX_EPOCHS)
    optimizer = _optimizer(src, training)

    layers = [X.shape[1]] + [w.shape[1] for w in params.weights]
    lesson = parse_lesson(src, doc.get("lesson"), result_shapes(layers, X.shape[0]))

    scenario = Scenario(
        name=name.strip(),
        source=src,
        X=X,
        y=y,
        params=params,
        learning_rate=float(lr),
        cost=cost,
        activation=activation,
        output_activation=output_activation,
        epochs=epochs,
        description=description.strip(),
        lesson=lesson,
        optimizer=optimizer,
    )
    if lesson.bug:
        from .bugs import plant
        from .trace import facts_of

        plant(lesson.bug, facts_of(scenario), src, "lesson.bug")  # a misspelt or inapplicable mistake fails here
    return scenario


def _check_output_pairing(src: str, cost: str, output_activation: str, n_out: int) -> None:
    """softmax only before cross-entropy, and each classification cost only after its own output."""
    if output_activation in OUTPUT_ONLY and cost != "cross_entropy":
        raise ScenarioError(
            src,
            "training.output_activation",
            f'expected {output_activation} only with cost = "cross_entropy" (the pair whose gradient is '
            f'(ŷ − y)/m), got cost = "{cost}"',
        )
    wanted = FUSED_OUTPUT.get(cost)
    if wanted is not None and output_activation != wanted:
        hint = {
            "cross_entropy": '; for one sigmoid output use cost = "binary_cross_entropy"',
            "binary_cross_entropy": '; for a softmax output use cost = "cross_entropy"',
        }[cost]
        raise ScenarioError(
            src,
            "training.output_activation",
            f'expected "{wanted}" with cost = "{cost}", got "{output_activation}"{hint}',
        )
    if output_activation == "softmax" and n_out < 2:
        raise ScenarioError(
            src,
            "training.output_activation",
            "expected at least 2 output units for softmax (one per class), got 1 "
            '(for two classes with one output use sigmoid with cost = "binary_cross_entropy")',
        )


def _check_targets(src: str, cost: str, y: np.ndarray) -> None:
    """Cross-entropy needs each row of y to be a distribution; binary cross-entropy, entries in [0, 1]."""
    if cost not in FUSED_OUTPUT:
        return
    what = "a probability" if cost == "cross_entropy" else "a target"
    for (i, j), v in np.ndenumerate(y):
        if not 0.0 <= v <= 1.0:
            raise ScenarioError(
                src,
                f"y row {i + 1}, column {j + 1}",
                f"expected {what} between 0 and 1 for {cost}, got {_num_text(float(v))}",
            )
    if cost == "cross_entropy":
        for i, row in enumerate(y):
            total = math.fsum(row)
            if abs(total - 1.0) > DISTRIBUTION_TOLERANCE:
                raise ScenarioError(
                    src,
                    f"y row {i + 1}",
                    f"expected a distribution over the classes for cross_entropy (one-hot, or probabilities "
                    f"summing to 1), got a sum of {total:.10g}",
                )


def _optimizer(src: str, training: dict) -> Optimizer:
    name = _choice(src, "training.optimizer", training.get("optimizer", "sgd"), OPTIMIZERS)
    settings = {}
    for key, owner in OPTIMIZER_KEYS.items():
        if key not in training:
            continue
        value = training[key]
        if owner != name:
            raise ScenarioError(
                src, f"training.{key}", f'expected only with optimizer = "{owner}", got optimizer = "{name}"'
            )
        if key == "eps":
            ok, expected = _is_number(value) and _is_finite(value) and 0 < value <= 1, "a number > 0 and at most 1"
        else:
            ok, expected = _is_number(value) and _is_finite(value) and 0 <= value < 1, "a number ≥ 0 and < 1"
        if not ok:
            raise ScenarioError(src, f"training.{key}", f"expected {expected}, got {_describe(value)}")
        settings[key] = float(value)
    return Optimizer(name, **settings)


_TOML_WHERE = re.compile(
    r"^(?P<msg>.*?)\s*\(at (?:line (?P<line>\d+), column (?P<col>\d+)|(?P<end>end of document))\)$", re.S
)


def _toml_error(text: str, exc: Exception) -> str:
    """tomllib's "Unclosed array (at line 4, column 1)" as "at line 4, column 1: unclosed array"."""
    raw = str(exc)
    match = _TOML_WHERE.match(raw)
    if not match:
        return f"expected valid TOML, got a syntax error: {_short(raw, 200)}"
    msg = match.group("msg")
    msg = msg[:1].lower() + msg[1:]
    if match.group("end"):
        line = text.count("\n") + 1
        col = len(text) - (text.rfind("\n") + 1) + 1
        where = f"line {line}, column {col} (the end of the file)"
    else:
        where = f"line {match.group('line')}, column {match.group('col')}"
    return f"expected valid TOML, got a syntax error at {where}: {_short(msg, 200)}"


def parse_text(text: str, src: str, suffix: str) -> Scenario:
    """A scenario from the text of a file: JSON for a `.json` suffix, TOML otherwise."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise ScenarioError(src, None, "expected a scenario, got an empty file")
    kind = "JSON" if suffix == ".json" else "TOML"
    try:
        doc = json.loads(text) if suffix == ".json" else tomllib.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            src,
            None,
            f"expected valid JSON, got a syntax error at line {exc.lineno}, column {exc.colno}: {exc.msg[:1].lower() + exc.msg[1:]}",
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(src, None, _toml_error(text, exc)) from None
    except RecursionError:
        raise ScenarioError(
            src, None, f"expected valid {kind} nested at most a few levels deep, got nesting too deep to read"
        ) from None
    except ValueError as exc:
        # Integers of more than 4,300 digits: Python refuses to convert them.
        if "digits" in str(exc):
            raise ScenarioError(
                src,
                None,
                f"expected valid {kind} with numbers of sensible size, got an integer of more than 4,300 digits",
            ) from None
        raise ScenarioError(src, None, f"expected valid {kind}, got an error: {_short(str(exc), 200)}") from None
    return scenario_from_document(doc, src)


def load_file(path: str | Path) -> Scenario:
    """Read and validate a scenario file: at most MAX_FILE_BYTES of UTF-8 TOML (or JSON for .json).

    Only regular files are read (a FIFO or a device could block or never end), and
    never more than the limit, whatever the file claims its size is.
    """
    p = Path(path)
    src = _short(str(path), 500)
    try:
        if p.is_dir():
            raise ScenarioError(src, None, "expected a scenario file, got a directory")
        if not p.exists():
            raise FileNotFoundError(str(p))
        if not p.is_file():
            raise ScenarioError(src, None, "expected a regular scenario file, got a device, socket or pipe")
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(src, None, f"expected a file of at most {MAX_FILE_BYTES:,} bytes, got {size:,}")
        with p.open("rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError(src, None, "expected a scenario file, but no such file exists") from None
    except PermissionError:
        raise ScenarioError(src, None, "expected a readable file, but permission was denied") from None
    except OSError as exc:
        raise ScenarioError(
            src, None, f"expected a readable file, got an error: {_short(exc.strerror or str(exc), 200)}"
        ) from None
    except ValueError as exc:  # e.g. a path with a NUL character in it
        raise ScenarioError(src, None, f"expected a usable file path, got {_short(str(exc), 100)}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError(src, None, f"expected a file of at most {MAX_FILE_BYTES:,} bytes, got more")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ScenarioError(src, None, "expected UTF-8 text, got UTF-16 (save the file as UTF-8)")
    if b"\x00" in raw:
        raise ScenarioError(src, None, "expected a text file (TOML or JSON), got binary data (it contains NUL bytes)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        body, start = bytes(exc.object), exc.start  # after any byte-order mark
        line = body.count(b"\n", 0, start) + 1
        column = start - (body.rfind(b"\n", 0, start) + 1) + 1
        raise ScenarioError(
            src,
            None,
            f"expected UTF-8 text, got the byte 0x{body[start]:02x} at line {line}, column {column} "
            "(save the file as UTF-8)",
        ) from None
    return parse_text(text, src, p.suffix.lower())
