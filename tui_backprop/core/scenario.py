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

from ..i18n import _, language, ngettext
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

TOP_KEYS = ("name", "description", "data", "weights", "network", "training", "lesson", "name_zh", "description_zh")
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
    name_zh: str = ""  # the name and description a Chinese class reads, when given
    description_zh: str = ""

    @property
    def title(self) -> str:
        """The name in the active language (`name_zh` in Chinese, when the scenario gives one)."""
        return self.name_zh if language() == "zh" and self.name_zh else self.name

    @property
    def about(self) -> str:
        """The description in the active language."""
        return self.description_zh if language() == "zh" and self.description_zh else self.description

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
            hint = _("; did you mean '{name}'?").format(name=close) if close else ""
            shown = _short(key)
            field_name = f"{where}.{shown}" if where else shown
            raise ScenarioError(
                src, field_name, _("unknown key: expected one of {keys}").format(keys=", ".join(valid)) + hint
            )


def _table(src: str, doc: dict, key: str, required: bool) -> dict | None:
    if key not in doc:
        if required:
            raise ScenarioError(src, f"[{key}]", _("expected a table, found none (the table is missing)"))
        return None
    value = doc[key]
    if not isinstance(value, dict):
        raise ScenarioError(
            src, key, _("expected a table [{key}], got {found}").format(key=key, found=_describe(value))
        )
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


def row_field(name: str, i: int) -> str:
    """`y row 2`: the field of one row of a matrix (1-based)."""
    return _("{name} row {i}").format(name=name, i=i)


def cell_field(name: str, i: int, j: int) -> str:
    """`y row 2, column 1`: the field of one entry of a matrix (1-based)."""
    return _("{name} row {i}, column {j}").format(name=name, i=i, j=j)


def parse_matrix(src: str, name: str, value: Any, example: str = "[[0.1, 0.2], [0.3, 0.4]]") -> np.ndarray:
    """A non-empty, rectangular list of rows of finite numbers, as float64."""
    if not isinstance(value, list):
        raise ScenarioError(
            src,
            name,
            _("expected a matrix (a list of rows, e.g. {example}), got {found}").format(
                example=example, found=_describe(value)
            ),
        )
    if not value:
        raise ScenarioError(src, name, _("expected a matrix with at least one row, got an empty list"))
    if all(_is_number(v) for v in value):
        raise ScenarioError(
            src,
            name,
            _(
                "expected a matrix (a list of rows, e.g. [{first}, ...] written as [[...]]), "
                "got a flat list of {n} numbers"
            ).format(first=repr(value[0]), n=len(value)),
        )
    width = None
    for i, row in enumerate(value):
        where = row_field(name, i + 1)
        if not isinstance(row, list):
            raise ScenarioError(
                src, where, _("expected a row (a list of numbers), got {found}").format(found=_describe(row))
            )
        if not row:
            raise ScenarioError(src, where, _("expected at least one number, got an empty row"))
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise ScenarioError(
                src,
                where,
                _("expected {width} numbers like row 1 (ragged rows), got {n}").format(width=width, n=len(row)),
            )
        for j, cell in enumerate(row):
            at = cell_field(name, i + 1, j + 1)
            if isinstance(cell, list):
                raise ScenarioError(
                    src, at, _("expected a number, got a nested list (nesting too deep: a matrix is a list of rows)")
                )
            if not _is_number(cell):
                raise ScenarioError(src, at, _("expected a number, got {found}").format(found=_describe(cell)))
            if not _is_finite(cell):
                raise ScenarioError(src, at, _("expected a finite number, got {found}").format(found=repr(cell)))
            if abs(cell) > MAX_ABS_VALUE:
                raise ScenarioError(
                    src,
                    at,
                    _("expected a number between -{limit} and {limit}, got {found}").format(
                        limit=f"{MAX_ABS_VALUE:,.0f}", found=_num_text(cell)
                    ),
                )
    return np.array(value, dtype=np.float64)


def _choice(src: str, name: str, value: Any, valid: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in valid:
        close = _closest(value, valid, cutoff=0.6) if isinstance(value, str) else None
        hint = _(" (did you mean '{name}'?)").format(name=close) if close else ""
        raise ScenarioError(
            src,
            name,
            _("expected one of {names}, got {found}").format(names=", ".join(valid), found=_describe(value)) + hint,
        )
    return value


def _positive_int(src: str, name: str, value: Any, limit: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ScenarioError(src, name, _("expected a positive integer, got {found}").format(found=_describe(value)))
    if value > limit:
        found = f"{value:,}" if value < 10**15 else _num_text(value)
        raise ScenarioError(
            src, name, _("expected at most {limit}, got {found}").format(limit=f"{limit:,}", found=found)
        )
    return value


def _initial_params(src: str, network: dict) -> Params:
    _unknown_keys(src, "network", network, NETWORK_KEYS)
    if "layers" not in network:
        raise ScenarioError(
            src,
            "network.layers",
            _("expected a list of at least two positive integers like [2, 3, 1], found none (the key is missing)"),
        )
    layers = network["layers"]
    if not isinstance(layers, list) or len(layers) < 2:
        raise ScenarioError(
            src,
            "network.layers",
            _("expected a list of at least two positive integers like [2, 3, 1], got {found}").format(
                found=_describe(layers)
            ),
        )
    for i, n in enumerate(layers):
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ScenarioError(
                src,
                f"network.layers[{i}]",
                _("expected a positive integer (units in layer {layer}), got {found}").format(
                    layer=i + 1, found=_describe(n)
                ),
            )
    seed = network.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ScenarioError(
            src, "network.seed", _("expected a non-negative integer, got {found}").format(found=_describe(seed))
        )
    if seed >= 2**64:
        raise ScenarioError(
            src, "network.seed", _("expected an integer below 2**64, got {found}").format(found=_num_text(seed))
        )
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
    return replace(
        scenario,
        params=lecun_normal(scenario.layers, k),
        name=_("{name} (variant {k})").format(name=scenario.name, k=k),
        name_zh=_("{name} (variant {k})").format(name=scenario.name_zh, k=k) if scenario.name_zh else "",
    )


def _check_sizes(src: str, layers: list[int], field_name: str) -> None:
    if len(layers) - 1 > MAX_WEIGHT_LAYERS:
        raise ScenarioError(
            src,
            field_name,
            _("expected at most {limit} weight layers, got {n}").format(limit=MAX_WEIGHT_LAYERS, n=len(layers) - 1),
        )
    for i, n in enumerate(layers, start=1):
        if n > MAX_UNITS:
            raise ScenarioError(
                src,
                field_name,
                _("expected at most {limit} units in layer {layer}, got {n}").format(
                    limit=f"{MAX_UNITS:,}", layer=i, n=_num_text(n)
                ),
            )
    total = sum(a * b + b for a, b in zip(layers, layers[1:]))
    if total > MAX_PARAMETERS:
        raise ScenarioError(
            src,
            field_name,
            _("expected at most {limit} parameters, got {n}").format(limit=f"{MAX_PARAMETERS:,}", n=f"{total:,}"),
        )


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
                _("expected at most {limit} weight layers (W1..W{limit}, b1..b{limit}), got {found}").format(
                    limit=MAX_WEIGHT_LAYERS, found=_short(key)
                ),
            )
        if not match:
            wanted = [f"W{i}" for i in range(1, MAX_WEIGHT_LAYERS + 1)] + [
                f"b{i}" for i in range(1, MAX_WEIGHT_LAYERS + 1)
            ]
            close = _closest(key, wanted)
            if key in ("W0", "b0"):
                hint = _("; layers are numbered from 1: did you mean '{name}'?").format(name=f"{key[0]}1")
            else:
                hint = _("; did you mean '{name}'?").format(name=close) if close else ""
            raise ScenarioError(src, f"weights.{_short(key)}", _("unknown key: expected W1, b1, W2, b2, ...") + hint)
        found[match.group(1)][int(match.group(2))] = value
    if not found["W"]:
        raise ScenarioError(src, "weights.W1", _("expected at least one weight matrix (W1, b1, ...), found none"))
    count = max(found["W"])
    for i in range(1, count + 1):
        if i not in found["W"]:
            present = ", ".join(f"W{j}" for j in sorted(found["W"]))
            raise ScenarioError(
                src,
                f"weights.W{i}",
                _("expected W1..W{count} numbered with no gaps, got {present} (W{i} is missing)").format(
                    count=count, present=present, i=i
                ),
            )
    for i in sorted(found["b"]):
        if i not in found["W"]:
            raise ScenarioError(
                src,
                f"weights.b{i}",
                _("expected a W{i} for b{i} (biases go with weight matrices W1..W{count}), found no W{i}").format(
                    i=i, count=count
                ),
            )
    for i in range(1, count + 1):
        if i not in found["b"]:
            raise ScenarioError(src, f"weights.b{i}", _("expected a bias b{i} (1×n) for W{i}, found none").format(i=i))
    ws, bs = [], []
    rows_expected = n_inputs
    for i in range(1, count + 1):
        w = parse_matrix(src, f"W{i}", found["W"][i])
        if w.shape[0] != rows_expected:
            before = "X" if i == 1 else f"W{i - 1}"
            raise ScenarioError(
                src,
                f"W{i}",
                ngettext(
                    "expected {rows}×{cols} ({before} has {rows} column, one row of W{i} per unit of layer {i}), "
                    "got {found}",
                    "expected {rows}×{cols} ({before} has {rows} columns, one row of W{i} per unit of layer {i}), "
                    "got {found}",
                    rows_expected,
                ).format(rows=rows_expected, cols=w.shape[1], before=before, i=i, found=dims(w.shape)),
            )
        _check_sizes(src, [n_inputs] + [v.shape[1] for v in ws] + [w.shape[1]], f"W{i}")
        b = parse_matrix(src, f"b{i}", found["b"][i], example="[[0.0, 0.0]]")
        if b.shape != (1, w.shape[1]):
            raise ScenarioError(
                src,
                f"b{i}",
                _("expected 1×{cols} (one bias per unit of layer {layer}), got {found}").format(
                    cols=w.shape[1], layer=i + 1, found=dims(b.shape)
                ),
            )
        ws.append(w)
        bs.append(b)
        rows_expected = w.shape[1]
    return Params(tuple(ws), tuple(bs))


def scenario_from_document(doc: Any, src: str) -> Scenario:
    """Validate a parsed document (dicts, lists, numbers, strings) into a Scenario."""
    if not isinstance(doc, dict):
        raise ScenarioError(
            src, None, _("expected a table of keys at the top level, got {found}").format(found=_describe(doc))
        )
    if not doc:
        raise ScenarioError(
            src, None, _("expected a scenario, got an empty document (add name, [data], [weights], [training])")
        )
    _unknown_keys(src, "", doc, TOP_KEYS)
    name = doc.get("name")
    if not isinstance(name, str) or not name.strip():
        found = _describe(name) if "name" in doc else _("nothing (the key is missing)")
        raise ScenarioError(src, "name", _("expected a non-empty string, got {found}").format(found=found))
    _text(src, doc, "name", MAX_NAME_CHARS, "")
    name_zh = _text(src, doc, "name_zh", MAX_NAME_CHARS, "")
    description = _text(src, doc, "description", MAX_DESCRIPTION_CHARS, "\n\t")
    description_zh = _text(src, doc, "description_zh", MAX_DESCRIPTION_CHARS, "\n\t")

    data = _table(src, doc, "data", required=True)
    _unknown_keys(src, "data", data, DATA_KEYS)
    for key in DATA_KEYS:
        if key not in data:
            raise ScenarioError(src, f"data.{key}", _("expected a matrix, found none (the key is missing)"))
    X = parse_matrix(src, "X", data["X"])
    y = parse_matrix(src, "y", data["y"], example="[[0.5], [0.7]]")
    if X.shape[0] > MAX_OBSERVATIONS:
        raise ScenarioError(
            src,
            "X",
            _("expected at most {limit} observations (rows), got {n}").format(
                limit=f"{MAX_OBSERVATIONS:,}", n=f"{X.shape[0]:,}"
            ),
        )
    if X.shape[1] > MAX_UNITS:
        raise ScenarioError(
            src,
            "X",
            _("expected at most {limit} columns (input units), got {n}").format(limit=MAX_UNITS, n=f"{X.shape[1]:,}"),
        )
    if y.shape[0] != X.shape[0]:
        raise ScenarioError(
            src,
            "y",
            _("expected {rows}×{cols} ({rows} rows, one target row per observation of X), got {found}").format(
                rows=X.shape[0], cols=y.shape[1], found=dims(y.shape)
            ),
        )

    weights = _table(src, doc, "weights", required=False)
    network = _table(src, doc, "network", required=False)
    if weights is not None and network is not None:
        raise ScenarioError(src, "[network]", _("expected either [weights] or [network], got both"))
    if weights is None and network is None:
        raise ScenarioError(
            src,
            "[weights]",
            _("expected a [weights] table (W1, b1, ...) or a [network] table (layers, seed), found neither"),
        )
    if weights is not None:
        params = _explicit_params(src, weights, X.shape[1])
    else:
        params = _initial_params(src, network)
        if params.weights[0].shape[0] != X.shape[1]:
            raise ScenarioError(
                src,
                "network.layers",
                _("expected {n} input units first (X has {n} columns), got {found}").format(
                    n=X.shape[1], found=network["layers"][0]
                ),
            )
    n_out = params.weights[-1].shape[1]
    if y.shape[1] != n_out:
        raise ScenarioError(
            src,
            "y",
            _("expected {rows}×{cols} (one column per unit of the last layer), got {found}").format(
                rows=X.shape[0], cols=n_out, found=dims(y.shape)
            ),
        )
    cells = X.shape[0] * max(w.shape[1] for w in params.weights)
    if cells > 50 * MAX_OBSERVATIONS:
        raise ScenarioError(
            src,
            "X",
            _(
                "expected a batch small enough to step through (rows × widest layer ≤ {limit}), "
                "got {rows} × {width} = {cells}"
            ).format(
                limit=f"{50 * MAX_OBSERVATIONS:,}",
                rows=f"{X.shape[0]:,}",
                width=f"{cells // X.shape[0]:,}",
                cells=f"{cells:,}",
            ),
        )

    training = _table(src, doc, "training", required=True)
    _unknown_keys(src, "training", training, TRAINING_KEYS)
    if "learning_rate" not in training:
        raise ScenarioError(src, "training.learning_rate", _("expected a number > 0, found none (the key is missing)"))
    lr = training["learning_rate"]
    if not _is_number(lr) or not _is_finite(lr) or lr <= 0:
        raise ScenarioError(
            src, "training.learning_rate", _("expected a finite number > 0, got {found}").format(found=_describe(lr))
        )
    if lr > MAX_LEARNING_RATE:
        raise ScenarioError(
            src,
            "training.learning_rate",
            _("expected at most {limit}, got {found}").format(limit=f"{MAX_LEARNING_RATE:,.0f}", found=_num_text(lr)),
        )
    cost = _choice(src, "training.cost", training.get("cost", "sse"), COSTS)
    valid_acts = tuple(ACTIVATIONS)
    activation = training.get("activation", "sigmoid")
    if isinstance(activation, str) and activation in OUTPUT_ONLY:
        raise ScenarioError(
            src,
            "training.activation",
            _(
                'expected one of {names} ({activation} only as output_activation, with cost = "cross_entropy"), '
                "got {found}"
            ).format(names=", ".join(valid_acts), activation=activation, found=_describe(activation)),
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
        name_zh=name_zh.strip(),
        description_zh=description_zh.strip(),
    )
    if lesson.bug:
        from .bugs import plant
        from .trace import facts_of

        plant(lesson.bug, facts_of(scenario), src, "lesson.bug")  # a misspelt or inapplicable mistake fails here
    return scenario


def _text(src: str, doc: dict, key: str, limit: int, allowed: str) -> str:
    """An optional text of the scenario (a description, a name in Chinese): a string, within `limit`."""
    value = doc.get(key, "")
    if not isinstance(value, str):
        raise ScenarioError(src, key, _("expected a string, got {found}").format(found=_describe(value)))
    if len(value) > limit:
        raise ScenarioError(
            src, key, _("expected at most {limit} characters, got {n}").format(limit=f"{limit:,}", n=f"{len(value):,}")
        )
    if _control_characters(value, allowed=allowed):
        if "\n" in allowed:
            raise ScenarioError(
                src, key, _("expected printable text (tabs and newlines allowed), got control characters")
            )
        raise ScenarioError(
            src, key, _("expected one line of printable text, got {found}").format(found=_describe(value))
        )
    return value


def _check_output_pairing(src: str, cost: str, output_activation: str, n_out: int) -> None:
    """softmax only before cross-entropy, and each classification cost only after its own output."""
    if output_activation in OUTPUT_ONLY and cost != "cross_entropy":
        raise ScenarioError(
            src,
            "training.output_activation",
            _(
                'expected {activation} only with cost = "cross_entropy" (the pair whose gradient is (ŷ − y)/m), '
                'got cost = "{cost}"'
            ).format(activation=output_activation, cost=cost),
        )
    wanted = FUSED_OUTPUT.get(cost)
    if wanted is not None and output_activation != wanted:
        hint = (
            _('; for one sigmoid output use cost = "binary_cross_entropy"')
            if cost == "cross_entropy"
            else _('; for a softmax output use cost = "cross_entropy"')
        )
        raise ScenarioError(
            src,
            "training.output_activation",
            _('expected "{wanted}" with cost = "{cost}", got "{found}"').format(
                wanted=wanted, cost=cost, found=output_activation
            )
            + hint,
        )
    if output_activation == "softmax" and n_out < 2:
        raise ScenarioError(
            src,
            "training.output_activation",
            _(
                "expected at least 2 output units for softmax (one per class), got 1 "
                '(for two classes with one output use sigmoid with cost = "binary_cross_entropy")'
            ),
        )


def _check_targets(src: str, cost: str, y: np.ndarray) -> None:
    """Cross-entropy needs each row of y to be a distribution; binary cross-entropy, entries in [0, 1]."""
    if cost not in FUSED_OUTPUT:
        return
    for (i, j), v in np.ndenumerate(y):
        if not 0.0 <= v <= 1.0:
            text = (
                _("expected a probability between 0 and 1 for {cost}, got {found}")
                if cost == "cross_entropy"
                else _("expected a target between 0 and 1 for {cost}, got {found}")
            )
            raise ScenarioError(src, cell_field("y", i + 1, j + 1), text.format(cost=cost, found=_num_text(float(v))))
    if cost == "cross_entropy":
        for i, row in enumerate(y):
            total = math.fsum(row)
            if abs(total - 1.0) > DISTRIBUTION_TOLERANCE:
                raise ScenarioError(
                    src,
                    row_field("y", i + 1),
                    _(
                        "expected a distribution over the classes for cross_entropy (one-hot, or probabilities "
                        "summing to 1), got a sum of {total}"
                    ).format(total=f"{total:.10g}"),
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
                src,
                f"training.{key}",
                _('expected only with optimizer = "{owner}", got optimizer = "{name}"').format(owner=owner, name=name),
            )
        if key == "eps":
            ok = _is_number(value) and _is_finite(value) and 0 < value <= 1
            expected = _("expected a number > 0 and at most 1, got {found}")
        else:
            ok = _is_number(value) and _is_finite(value) and 0 <= value < 1
            expected = _("expected a number ≥ 0 and < 1, got {found}")
        if not ok:
            raise ScenarioError(src, f"training.{key}", expected.format(found=_describe(value)))
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
        return _("expected valid TOML, got a syntax error: {error}").format(error=_short(raw, 200))
    msg = match.group("msg")
    msg = msg[:1].lower() + msg[1:]  # tomllib's own words, in English
    if match.group("end"):
        line = text.count("\n") + 1
        col = len(text) - (text.rfind("\n") + 1) + 1
        where = _("line {line}, column {col} (the end of the file)").format(line=line, col=col)
    else:
        where = _("line {line}, column {col}").format(line=match.group("line"), col=match.group("col"))
    return _("expected valid TOML, got a syntax error at {where}: {error}").format(where=where, error=_short(msg, 200))


def parse_text(text: str, src: str, suffix: str) -> Scenario:
    """A scenario from the text of a file: JSON for a `.json` suffix, TOML otherwise."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise ScenarioError(src, None, _("expected a scenario, got an empty file"))
    kind = "JSON" if suffix == ".json" else "TOML"
    try:
        doc = json.loads(text) if suffix == ".json" else tomllib.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            src,
            None,
            _("expected valid JSON, got a syntax error at {where}: {error}").format(
                where=_("line {line}, column {col}").format(line=exc.lineno, col=exc.colno),
                error=exc.msg[:1].lower() + exc.msg[1:],
            ),
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(src, None, _toml_error(text, exc)) from None
    except RecursionError:
        raise ScenarioError(
            src,
            None,
            _("expected valid {kind} nested at most a few levels deep, got nesting too deep to read").format(kind=kind),
        ) from None
    except ValueError as exc:
        # Integers of more than 4,300 digits: Python refuses to convert them.
        if "digits" in str(exc):
            raise ScenarioError(
                src,
                None,
                _(
                    "expected valid {kind} with numbers of sensible size, got an integer of more than 4,300 digits"
                ).format(kind=kind),
            ) from None
        raise ScenarioError(
            src, None, _("expected valid {kind}, got an error: {error}").format(kind=kind, error=_short(str(exc), 200))
        ) from None
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
            raise ScenarioError(src, None, _("expected a scenario file, got a directory"))
        if not p.exists():
            raise FileNotFoundError(str(p))
        if not p.is_file():
            raise ScenarioError(src, None, _("expected a regular scenario file, got a device, socket or pipe"))
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(
                src,
                None,
                _("expected a file of at most {limit} bytes, got {size}").format(
                    limit=f"{MAX_FILE_BYTES:,}", size=f"{size:,}"
                ),
            )
        with p.open("rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError(src, None, _("expected a scenario file, but no such file exists")) from None
    except PermissionError:
        raise ScenarioError(src, None, _("expected a readable file, but permission was denied")) from None
    except OSError as exc:
        raise ScenarioError(
            src,
            None,
            _("expected a readable file, got an error: {error}").format(error=_short(exc.strerror or str(exc), 200)),
        ) from None
    except ValueError as exc:  # e.g. a path with a NUL character in it
        raise ScenarioError(
            src, None, _("expected a usable file path, got {error}").format(error=_short(str(exc), 100))
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError(
            src, None, _("expected a file of at most {limit} bytes, got more").format(limit=f"{MAX_FILE_BYTES:,}")
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ScenarioError(src, None, _("expected UTF-8 text, got UTF-16 (save the file as UTF-8)"))
    if b"\x00" in raw:
        raise ScenarioError(
            src, None, _("expected a text file (TOML or JSON), got binary data (it contains NUL bytes)")
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        body, start = bytes(exc.object), exc.start  # after any byte-order mark
        line = body.count(b"\n", 0, start) + 1
        column = start - (body.rfind(b"\n", 0, start) + 1) + 1
        raise ScenarioError(
            src,
            None,
            _("expected UTF-8 text, got the byte {byte} at {where} (save the file as UTF-8)").format(
                byte=f"0x{body[start]:02x}", where=_("line {line}, column {col}").format(line=line, col=column)
            ),
        ) from None
    return parse_text(text, src, p.suffix.lower())
