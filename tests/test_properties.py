"""Property-based tests of the loader and the gradient.

Loading any document, valid or broken, returns a Scenario or raises the project's
own ScenarioError, never anything else; random valid networks pass the gradient check.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tui_backprop.core import Scenario, ScenarioError, gradient_check, load_file, parse_text, scenario_from_document
from tui_backprop.core.activations import ACTIVATIONS
from tui_backprop.core.network import COSTS, Network, Params

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ACTS = sorted(ACTIVATIONS)

finite = st.floats(min_value=-10, max_value=10, allow_nan=False, allow_infinity=False)
number = st.one_of(finite, st.integers(-10, 10))


def matrix(rows: int, cols: int, elements=number):
    return st.lists(st.lists(elements, min_size=cols, max_size=cols), min_size=rows, max_size=rows)


@st.composite
def valid_documents(draw):
    widths = draw(st.lists(st.integers(1, 6), min_size=2, max_size=5))  # 1–4 weight layers
    m = draw(st.integers(1, 8))
    doc: dict = {
        "name": draw(
            st.text(st.characters(categories=["L", "N", "Zs", "P"]), min_size=1, max_size=30).filter(str.strip)
        ),
        "data": {"X": draw(matrix(m, widths[0])), "y": draw(matrix(m, widths[-1]))},
        "training": {"learning_rate": draw(st.floats(1e-4, 10.0))},
    }
    if draw(st.booleans()):
        doc["description"] = draw(st.text(max_size=50).filter(lambda t: all(c.isprintable() or c in "\n\t" for c in t)))
    if draw(st.booleans()):
        weights = {}
        for i, (a, b) in enumerate(zip(widths, widths[1:]), start=1):
            weights[f"W{i}"] = draw(matrix(a, b))
            weights[f"b{i}"] = draw(matrix(1, b))
        doc["weights"] = weights
    else:
        doc["network"] = {"layers": widths}
        if draw(st.booleans()):
            doc["network"]["seed"] = draw(st.integers(0, 2**32))
    training = doc["training"]
    for key, values in (("cost", ["sse", "mse"]), ("activation", ACTS), ("output_activation", ACTS)):
        if draw(st.booleans()):
            training[key] = draw(st.sampled_from(values))
    kind = draw(st.sampled_from(["regression", "cross_entropy", "binary_cross_entropy"]))
    n_out = widths[-1]
    if kind == "cross_entropy" and n_out >= 2:
        classes = draw(st.lists(st.integers(0, n_out - 1), min_size=m, max_size=m))
        doc["data"]["y"] = [[1.0 if j == c else 0 for j in range(n_out)] for c in classes]
        training.update(cost="cross_entropy", output_activation="softmax")
    elif kind == "binary_cross_entropy":
        doc["data"]["y"] = draw(matrix(m, n_out, st.one_of(st.floats(0, 1), st.integers(0, 1))))
        training.update(cost="binary_cross_entropy", output_activation="sigmoid")
    if draw(st.booleans()):
        training["optimizer"] = draw(st.sampled_from(["sgd", "momentum", "adam"]))
        if training["optimizer"] == "momentum" and draw(st.booleans()):
            training["momentum"] = draw(st.floats(0, 0.999))
        if training["optimizer"] == "adam" and draw(st.booleans()):
            training["beta1"], training["beta2"] = draw(st.floats(0, 0.999)), draw(st.floats(0, 0.9999))
            training["eps"] = draw(st.floats(1e-12, 1.0))
    if draw(st.booleans()):
        training["epochs"] = draw(st.integers(1, 1000))
    if draw(st.booleans()):
        doc["lesson"] = {"message": "see the gradient", "lock_keys": ["train"]}
    return doc, widths, m


def _check_scenario(s: Scenario, widths: list[int], m: int) -> None:
    assert isinstance(s, Scenario)
    assert s.layers == widths and s.m == m
    assert s.X.shape == (m, widths[0]) and s.y.shape == (m, widths[-1])
    for k, (w, b) in enumerate(zip(s.params.weights, s.params.biases)):
        assert w.shape == (widths[k], widths[k + 1]) and b.shape == (1, widths[k + 1])
        assert np.isfinite(w).all() and np.isfinite(b).all()
    assert s.learning_rate > 0 and s.epochs >= 1


@SETTINGS
@given(valid_documents())
def test_valid_documents_load_with_matching_shapes(generated):
    doc, widths, m = generated
    _check_scenario(scenario_from_document(doc, "gen.toml"), widths, m)
    # and the same document as JSON text
    _check_scenario(parse_text(json.dumps(doc), "gen.json", ".json"), widths, m)


# --- broken documents -------------------------------------------------------------------------

json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=20),
        st.integers(min_value=10**300, max_value=10**400),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(st.text(max_size=10), children, max_size=5),
    ),
    max_leaves=25,
)

nasty_cells = st.one_of(
    st.just(float("nan")),
    st.just(float("inf")),
    st.just(-float("inf")),
    st.booleans(),
    st.text(max_size=5),
    st.just([1.0]),
    st.just([[1.0]]),
    st.none(),
    st.just({}),
    st.just(10**400),
    st.just(1e300),
    st.integers(),
)


def _paths(value, prefix=()):
    """Every (path) into a nested structure of dicts and lists."""
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, prefix + (i,))


def _parent(doc, path):
    node = doc
    for key in path[:-1]:
        node = node[key]
    return node


@st.composite
def broken_documents(draw):
    doc, _, _ = draw(valid_documents())
    doc = copy.deepcopy(doc)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(doc, path)
        key = path[-1]
        action = draw(st.sampled_from(["drop", "replace", "cell", "unknown", "nest", "grow", "shrink", "string"]))
        if action == "drop":
            del parent[key]
        elif action == "replace":
            parent[key] = draw(json_values)
        elif action == "cell":
            parent[key] = draw(nasty_cells)
        elif action == "unknown" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=15))] = draw(json_values)
        elif action == "nest":
            parent[key] = [parent[key]]
        elif action == "grow" and isinstance(parent[key], list):
            parent[key] = parent[key] + [copy.deepcopy(parent[key][-1]) if parent[key] else 1.0]
        elif action == "shrink" and isinstance(parent[key], list):
            parent[key] = parent[key][:-1]
        elif action == "string":
            parent[key] = str(parent[key])
    return doc


def _load_document(doc) -> None:
    try:
        s = scenario_from_document(doc, "gen.toml")
    except ScenarioError as exc:
        text = str(exc)
        assert text.startswith("gen.toml: ") and "\n" not in text and len(text) < 600
        assert "expected" in text
    else:
        assert isinstance(s, Scenario)
        assert all(np.isfinite(a).all() for a in (s.X, s.y, *s.params.weights, *s.params.biases))


@SETTINGS
@given(broken_documents())
def test_broken_documents_load_or_raise_scenario_error(doc):
    _load_document(doc)


@SETTINGS
@given(json_values)
def test_arbitrary_values_load_or_raise_scenario_error(value):
    _load_document(value)
    _load_document({"name": "x", "data": value, "weights": value, "training": value})
    _load_document(
        {
            "name": "x",
            "data": {"X": value, "y": value},
            "network": {"layers": value},
            "training": {"learning_rate": value},
        }
    )


def _parse(text: str, suffix: str) -> None:
    try:
        s = parse_text(text, "x" + suffix, suffix)
    except ScenarioError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("x" + suffix + ": ")
    else:
        assert isinstance(s, Scenario)


@SETTINGS
@given(st.text(max_size=300), st.sampled_from([".toml", ".json"]))
def test_arbitrary_text_parses_or_raises_scenario_error(text, suffix):
    _parse(text, suffix)


@SETTINGS
@given(valid_documents(), st.data())
def test_damaged_json_text_parses_or_raises_scenario_error(generated, data):
    doc, _, _ = generated
    text = json.dumps(doc)
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(text)))
        j = data.draw(st.integers(i, min(len(text), i + 5)))
        text = text[:i] + data.draw(st.text(alphabet='[]{}",:0123456789.eE-+ntfaluNI\\', max_size=4)) + text[j:]
    _parse(text, ".json")


TOML_SAMPLE = """name = "sample"
[data]
X = [[0.3, 1.0], [0.5, 0.2]]
y = [[0.75], [0.82]]
[weights]
W1 = [[0.5, 0.2], [0.3, 0.6]]
b1 = [[0.1, 0.0]]
W2 = [[0.4], [0.5]]
b2 = [[0.1]]
[training]
learning_rate = 0.5
epochs = 10
"""


@SETTINGS
@given(st.data())
def test_damaged_toml_text_parses_or_raises_scenario_error(data):
    text = TOML_SAMPLE
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(text)))
        j = data.draw(st.integers(i, min(len(text), i + 6)))
        text = text[:i] + data.draw(st.text(alphabet='[]{}"=,.0123456789-+eE_ \nabnWXytrue', max_size=5)) + text[j:]
    _parse(text, ".toml")


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=200), st.sampled_from([".toml", ".json", ".txt"]))
def test_arbitrary_bytes_in_a_file_load_or_raise_scenario_error(raw, suffix):
    fd, path = tempfile.mkstemp(suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
        try:
            load_file(path)
        except ScenarioError as exc:
            assert str(exc).startswith(path + ": ") and "\n" not in str(exc)
    finally:
        os.unlink(path)


# --- the gradient -----------------------------------------------------------------------------


@st.composite
def networks(draw):
    widths = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    m = draw(st.integers(1, 5))
    small = st.floats(-2, 2, allow_nan=False)

    def arr(r, c, elements=small):
        return np.array(draw(matrix(r, c, elements)), dtype=np.float64)

    X = arr(m, widths[0])
    y = arr(m, widths[-1], st.floats(0, 1))
    params = Params(
        tuple(arr(a, b) for a, b in zip(widths, widths[1:])),
        tuple(arr(1, b) for b in widths[1:]),
    )
    activation = draw(st.sampled_from(ACTS))
    output = draw(st.sampled_from(ACTS))
    cost = draw(st.sampled_from(list(COSTS)))
    if cost == "cross_entropy" and widths[-1] >= 2:
        # rows of positive weights normalised into distributions
        w = arr(m, widths[-1], st.floats(0.01, 1))
        y, output = w / w.sum(axis=1, keepdims=True), "softmax"
    elif cost in ("cross_entropy", "binary_cross_entropy"):
        cost, output = "binary_cross_entropy", "sigmoid"
    return Network(X, y, activation, output, cost), params


@settings(max_examples=80, deadline=None)
@given(networks())
def test_random_networks_pass_the_gradient_check(generated):
    net, params = generated
    if "relu" in (net.activation_name, net.output_activation_name):
        # relu has a kink at 0: central differences straddling it disagree with either side.
        p = net.full_pass(params)
        assume(all(np.abs(z).min() > 1e-3 for z in p.zs))
    entries = gradient_check(net, params)
    worst = max(e.max_error for e in entries)
    assert worst < 1e-6, [(e.name, e.max_error) for e in entries]
    for e in entries:
        assert np.isfinite(e.analytic).all() and np.isfinite(e.numerical).all()
