"""Scenario files: TOML (or JSON of the same structure) read as data and validated.

Every problem raises ScenarioError naming the file, the field, what was
expected and what was found. Nothing in a file is ever executed.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .activations import ACTIVATIONS
from .errors import ScenarioError
from .network import COSTS, Network, Params

# Limits that keep a typo from freezing the app; documented in the README.
MAX_FILE_BYTES = 5_000_000
MAX_OBSERVATIONS = 10_000
MAX_UNITS = 512
MAX_WEIGHT_LAYERS = 10
MAX_PARAMETERS = 200_000
MAX_EPOCHS = 1_000_000
MAX_NESTING = 2  # a matrix is a list of rows of numbers

TOP_KEYS = ("name", "description", "data", "weights", "network", "training", "lesson")
DATA_KEYS = ("X", "y")
NETWORK_KEYS = ("layers", "seed")
TRAINING_KEYS = ("learning_rate", "cost", "activation", "output_activation", "epochs")


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
    lesson: dict[str, Any] = field(default_factory=dict)

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


def _dims(shape: tuple[int, int]) -> str:
    return f"{shape[0]}×{shape[1]}"


def _describe(value: Any) -> str:
    """A short, human description of a value found where something else was expected."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 30 else value[:27] + "..."
        return f"the string {shown!r}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if value is None:
        return "null"
    return type(value).__name__


def _unknown_keys(src: str, where: str, table: dict, valid: tuple[str, ...]) -> None:
    for key in table:
        if key not in valid:
            close = difflib.get_close_matches(key, valid, n=1, cutoff=0.5)
            hint = f"; did you mean '{close[0]}'?" if close else f"; valid keys: {', '.join(valid)}"
            field_name = f"{where}.{key}" if where else key
            raise ScenarioError(src, field_name, f"unknown key{hint}")


def _table(src: str, doc: dict, key: str, required: bool) -> dict | None:
    if key not in doc:
        if required:
            raise ScenarioError(src, f"[{key}]", "expected a table, found none (the table is missing)")
        return None
    value = doc[key]
    if not isinstance(value, dict):
        raise ScenarioError(src, key, f"expected a table [{key}], got {_describe(value)}")
    return value


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def parse_matrix(src: str, name: str, value: Any, example: str = "[[0.1, 0.2], [0.3, 0.4]]") -> np.ndarray:
    """A non-empty, rectangular list of rows of finite numbers, as float64."""
    if not isinstance(value, list):
        raise ScenarioError(src, name, f"expected a matrix (a list of rows, e.g. {example}), got {_describe(value)}")
    if not value:
        raise ScenarioError(src, name, "expected a matrix with at least one row, got an empty list")
    if all(_is_number(v) for v in value):
        raise ScenarioError(
            src, name,
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
                raise ScenarioError(src, f"{where}, column {j + 1}", "expected a number, got a nested list (nesting too deep: a matrix is a list of rows)")
            if not _is_number(cell):
                raise ScenarioError(src, f"{where}, column {j + 1}", f"expected a number, got {_describe(cell)}")
            if not math.isfinite(cell):
                raise ScenarioError(src, f"{where}, column {j + 1}", f"expected a finite number, got {cell!r}")
    return np.array(value, dtype=np.float64)


def _choice(src: str, name: str, value: Any, valid: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in valid:
        close = difflib.get_close_matches(value, valid, n=1) if isinstance(value, str) else []
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise ScenarioError(src, name, f"expected one of {', '.join(valid)}, got {_describe(value)}{hint}")
    return value


def _positive_int(src: str, name: str, value: Any, limit: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ScenarioError(src, name, f"expected a positive integer, got {_describe(value)}")
    if value > limit:
        raise ScenarioError(src, name, f"expected at most {limit:,}, got {value:,}")
    return value


def _initial_params(src: str, network: dict) -> Params:
    _unknown_keys(src, "network", network, NETWORK_KEYS)
    layers = network.get("layers")
    if not isinstance(layers, list) or len(layers) < 2 or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in layers
    ):
        raise ScenarioError(src, "network.layers", f"expected a list of at least two positive integers like [2, 3, 1], got {_describe(layers)}")
    seed = network.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ScenarioError(src, "network.seed", f"expected a non-negative integer, got {_describe(seed)}")
    _check_sizes(src, layers)
    # LeCun normal: W ~ N(0, 1/n_in) keeps z of order one for any width; biases start at zero.
    rng = np.random.default_rng(seed)
    weights = tuple(rng.normal(0.0, 1.0 / math.sqrt(n_in), size=(n_in, n_out)) for n_in, n_out in zip(layers, layers[1:]))
    biases = tuple(np.zeros((1, n_out)) for n_out in layers[1:])
    return Params(weights, biases)


def _check_sizes(src: str, layers: list[int]) -> None:
    if len(layers) - 1 > MAX_WEIGHT_LAYERS:
        raise ScenarioError(src, "layers", f"expected at most {MAX_WEIGHT_LAYERS} weight layers, got {len(layers) - 1}")
    for i, n in enumerate(layers, start=1):
        if n > MAX_UNITS:
            raise ScenarioError(src, f"layer {i}", f"expected at most {MAX_UNITS} units, got {n}")
    total = sum(a * b + b for a, b in zip(layers, layers[1:]))
    if total > MAX_PARAMETERS:
        raise ScenarioError(src, "layers", f"expected at most {MAX_PARAMETERS:,} parameters, got {total:,}")


_LAYER_KEY = re.compile(r"^([Wb])([1-9][0-9]*)$")


def _explicit_params(src: str, weights: dict, n_inputs: int) -> Params:
    found: dict[str, dict[int, Any]] = {"W": {}, "b": {}}
    for key, value in weights.items():
        match = _LAYER_KEY.match(key)
        if not match:
            close = difflib.get_close_matches(key, [f"W{i}" for i in range(1, 6)] + [f"b{i}" for i in range(1, 6)], n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ScenarioError(src, f"weights.{key}", f"unknown key: expected W1, b1, W2, b2, ...{hint}")
        found[match.group(1)][int(match.group(2))] = value
    if not found["W"]:
        raise ScenarioError(src, "weights.W1", "expected at least one weight matrix, found none")
    count = max(found["W"])
    for kind in ("W", "b"):
        for i in sorted(found[kind]):
            if i > count or i not in found["W"]:
                raise ScenarioError(src, f"weights.{kind}{i}", f"expected layers numbered W1..W{count} with no gaps, but W{i} is missing" if i <= count else f"expected no b{i} without a W{i}")
    for i in range(1, count + 1):
        if i not in found["W"]:
            raise ScenarioError(src, f"weights.W{i}", f"expected W1..W{count} with no gaps, W{i} is missing")
        if i not in found["b"]:
            raise ScenarioError(src, f"weights.b{i}", f"expected a bias b{i} for W{i}, found none")
    if count > MAX_WEIGHT_LAYERS:
        raise ScenarioError(src, "weights", f"expected at most {MAX_WEIGHT_LAYERS} weight layers, got {count}")
    ws, bs = [], []
    rows_expected = n_inputs
    for i in range(1, count + 1):
        w = parse_matrix(src, f"W{i}", found["W"][i])
        if w.shape[0] != rows_expected:
            source = "X has" if i == 1 else f"W{i - 1} has"
            unit = "column" if i == 1 else "column"
            raise ScenarioError(
                src, f"W{i}",
                f"expected {rows_expected}×{w.shape[1]} ({source} {rows_expected} {unit}{'s' if rows_expected != 1 else ''}, one row of W{i} per unit of layer {i}), got {_dims(w.shape)}",
            )
        b = parse_matrix(src, f"b{i}", found["b"][i], example="[[0.0, 0.0]]")
        if b.shape != (1, w.shape[1]):
            raise ScenarioError(src, f"b{i}", f"expected 1×{w.shape[1]} (one bias per unit of layer {i + 1}), got {_dims(b.shape)}")
        ws.append(w)
        bs.append(b)
        rows_expected = w.shape[1]
    _check_sizes(src, [n_inputs] + [w.shape[1] for w in ws])
    return Params(tuple(ws), tuple(bs))


def scenario_from_document(doc: Any, src: str) -> Scenario:
    """Validate a parsed document (dicts, lists, numbers, strings) into a Scenario."""
    if not isinstance(doc, dict):
        raise ScenarioError(src, None, f"expected a table of keys at the top level, got {_describe(doc)}")
    if not doc:
        raise ScenarioError(src, None, "expected a scenario, got an empty document (add name, [data], [weights], [training])")
    _unknown_keys(src, "", doc, TOP_KEYS)
    name = doc.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ScenarioError(src, "name", f"expected a non-empty string, got {_describe(name) if 'name' in doc else 'nothing (the key is missing)'}")
    description = doc.get("description", "")
    if not isinstance(description, str):
        raise ScenarioError(src, "description", f"expected a string, got {_describe(description)}")

    data = _table(src, doc, "data", required=True)
    _unknown_keys(src, "data", data, DATA_KEYS)
    for key in DATA_KEYS:
        if key not in data:
            raise ScenarioError(src, f"data.{key}", "expected a matrix, found none (the key is missing)")
    X = parse_matrix(src, "X", data["X"])
    y = parse_matrix(src, "y", data["y"], example="[[0.5], [0.7]]")
    if X.shape[0] > MAX_OBSERVATIONS:
        raise ScenarioError(src, "X", f"expected at most {MAX_OBSERVATIONS:,} observations (rows), got {X.shape[0]:,}")
    if y.shape[0] != X.shape[0]:
        raise ScenarioError(src, "y", f"expected {X.shape[0]} rows (one target row per observation of X), got {_dims(y.shape)}")

    weights = _table(src, doc, "weights", required=False)
    network = _table(src, doc, "network", required=False)
    if weights is not None and network is not None:
        raise ScenarioError(src, "[network]", "expected either [weights] or [network], got both")
    if weights is None and network is None:
        raise ScenarioError(src, "[weights]", "expected a [weights] table (W1, b1, ...) or a [network] table (layers, seed), found neither")
    if weights is not None:
        params = _explicit_params(src, weights, X.shape[1])
    else:
        params = _initial_params(src, network)
        if network["layers"][0] != X.shape[1]:
            raise ScenarioError(src, "network.layers", f"expected {X.shape[1]} input units first (X has {X.shape[1]} columns), got {network['layers'][0]}")
    n_out = params.weights[-1].shape[1]
    if y.shape[1] != n_out:
        raise ScenarioError(src, "y", f"expected {X.shape[0]}×{n_out} (one column per unit of the last layer), got {_dims(y.shape)}")
    if X.shape[0] * max(w.shape[1] for w in params.weights) > 50 * MAX_OBSERVATIONS:
        raise ScenarioError(src, "X", "expected a batch small enough to step through (rows × widest layer ≤ 500,000)")

    training = _table(src, doc, "training", required=True)
    _unknown_keys(src, "training", training, TRAINING_KEYS)
    if "learning_rate" not in training:
        raise ScenarioError(src, "training.learning_rate", "expected a number > 0, found none (the key is missing)")
    lr = training["learning_rate"]
    if not _is_number(lr) or not math.isfinite(lr) or lr <= 0:
        raise ScenarioError(src, "training.learning_rate", f"expected a finite number > 0, got {_describe(lr)}")
    cost = _choice(src, "training.cost", training.get("cost", "sse"), COSTS)
    valid_acts = tuple(ACTIVATIONS)
    activation = _choice(src, "training.activation", training.get("activation", "sigmoid"), valid_acts)
    output_activation = _choice(src, "training.output_activation", training.get("output_activation", activation), valid_acts)
    epochs = _positive_int(src, "training.epochs", training.get("epochs", 1), MAX_EPOCHS)

    lesson = doc.get("lesson", {})
    if not isinstance(lesson, dict):
        raise ScenarioError(src, "lesson", f"expected a table [lesson], got {_describe(lesson)}")

    return Scenario(
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
        lesson=dict(lesson),
    )


def parse_text(text: str, src: str, suffix: str) -> Scenario:
    if not text.strip():
        raise ScenarioError(src, None, "expected a scenario, got an empty file")
    if suffix == ".json":
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ScenarioError(src, None, f"expected valid JSON, got a syntax error at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
        except RecursionError:
            raise ScenarioError(src, None, "expected valid JSON, got nesting too deep") from None
    else:
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ScenarioError(src, None, f"expected valid TOML, got a syntax error: {exc}") from None
        except RecursionError:
            raise ScenarioError(src, None, "expected valid TOML, got nesting too deep") from None
    return scenario_from_document(doc, src)


def load_file(path: str | Path) -> Scenario:
    p = Path(path)
    src = str(path)
    try:
        if p.is_dir():
            raise ScenarioError(src, None, "expected a scenario file, got a directory")
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(src, None, f"expected a file of at most {MAX_FILE_BYTES:,} bytes, got {size:,}")
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(src, None, "expected a scenario file, but no such file exists") from None
    except PermissionError:
        raise ScenarioError(src, None, "expected a readable file, but permission was denied") from None
    except OSError as exc:
        raise ScenarioError(src, None, f"expected a readable file, got an error: {exc.strerror or exc}") from None
    if b"\x00" in raw:
        raise ScenarioError(src, None, "expected a text file (TOML or JSON), got binary data")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(src, None, f"expected UTF-8 text, got an invalid byte at offset {exc.start}") from None
    return parse_text(text, src, p.suffix.lower())
