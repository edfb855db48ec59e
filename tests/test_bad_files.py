"""Every malformed scenario file gets one specific line and exit 1.

The corpus lives in tests/bad/ (one small file per case). Each case names the words
its message must contain: the field, what was expected and what was found. Every
file goes through `check` in-process (fast); the whole corpus also goes through one
`check` subprocess, and a representative subset through trace, train and gradcheck
as subprocesses, the way a person runs them.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
from pathlib import Path

import pytest

from tui_backprop.cli import main
from tui_backprop.core import ScenarioError, load_file
from tui_backprop.core import scenario as scenario_module

ROOT = Path(__file__).resolve().parents[1]
BAD = Path(__file__).resolve().parent / "bad"
PROG = "backprop-tui: "

# file in tests/bad → words its message must contain (besides the file's path)
CASES: dict[str, list[str]] = {
    # the file itself
    "empty.toml": ["expected a scenario, got an empty file"],
    "whitespace-only.toml": ["got an empty file"],
    "binary.toml": ["expected a text file (TOML or JSON), got binary data"],
    "latin1.toml": ["expected UTF-8 text", "byte 0xe9", "line 1, column 12"],
    "utf16.json": ["expected UTF-8 text, got UTF-16"],
    "toml-syntax.toml": ["expected valid TOML", "line 3, column 13", "invalid value"],
    "toml-unclosed.toml": ["expected valid TOML", "line 4, column 1", "unclosed array"],
    "toml-duplicate-table.toml": ["expected valid TOML", "line 3, column", "twice"],
    "json-syntax.json": ["expected valid JSON", "line 2, column 10", "expecting value"],
    "json-top-level-list.json": ["expected a table of keys at the top level, got a list"],
    "json-deep.json": ["expected valid JSON", "nesting too deep"],
    "toml-deep.toml": ["expected valid TOML", "nesting too deep"],
    "json-huge-int.json": ["X row 1, column 2", "between -1,000,000 and 1,000,000", "an integer of 401 digits"],
    "json-int-too-long.json": ["expected valid JSON", "more than 4,300 digits"],
    "json-infinity.json": ["training.learning_rate", "expected a finite number > 0", "got the number inf"],
    "json-nan.json": ["y row 1, column 1", "expected a finite number, got nan"],
    "json-lr-huge-int.json": ["training.learning_rate", "expected at most 1,000,000", "an integer of 401 digits"],
    # missing tables and keys
    "missing-name.toml": ["name: expected a non-empty string", "the key is missing"],
    "missing-data.toml": ["[data]: expected a table", "missing"],
    "missing-y.toml": ["data.y: expected a matrix", "missing"],
    "missing-training.toml": ["[training]: expected a table", "missing"],
    "missing-learning-rate.toml": ["training.learning_rate: expected a number > 0", "missing"],
    "missing-weights-and-network.toml": ["[weights]", "[network]", "found neither"],
    "both-weights-and-network.toml": ["[network]: expected either [weights] or [network], got both"],
    "data-not-a-table.toml": ["data: expected a table [data], got the string 'X.csv'"],
    "name-not-a-string.toml": ["name: expected a non-empty string, got the number 42"],
    # unknown keys, with the closest valid one
    "unknown-top-key.toml": ["nmae: unknown key", "did you mean 'name'"],
    "unknown-training-key.toml": ["training.learnin_rate: unknown key", "did you mean 'learning_rate'"],
    # a lesson's planted mistake
    "lesson-bug-typo.toml": ["lesson.bug: expected a mistake's name", "got 'no-fprim'", "did you mean 'no-fprime'"],
    "lesson-bug-layer.toml": ["lesson.bug: expected no-fprime@N with N one of 2, 3", "got 'no-fprime@4'"],
    "lesson-bug-inapplicable.toml": ["lesson.bug: expected a mistake this network can make", "the mse cost"],
    "lesson-bug-number.toml": ["lesson.bug: expected a mistake's name", "got the number 3"],
    "unknown-data-key.toml": ["data.Y: unknown key", "did you mean 'y'"],
    "unknown-network-key.toml": ["network.layer: unknown key", "did you mean 'layers'"],
    "lowercase-w1.toml": ["weights.w1: unknown key", "did you mean 'W1'"],
    "weights-W0.toml": ["weights.W0", "numbered from 1", "did you mean 'W1'"],
    # matrices
    "ragged-rows.toml": ["X row 2: expected 2 numbers like row 1 (ragged rows), got 3"],
    "string-cell.toml": ["X row 1, column 2: expected a number, got the string '1.0'"],
    "boolean-cell.toml": ["y row 1, column 1: expected a number, got the boolean false"],
    "nested-too-deep.toml": ["X row 1, column 2: expected a number, got a nested list", "nesting too deep"],
    "scalar-for-matrix.toml": ["X: expected a matrix", "got the number 3"],
    "flat-list-for-matrix.toml": ["y: expected a matrix", "got a flat list of 2 numbers"],
    "empty-matrix.toml": ["X: expected a matrix with at least one row, got an empty list"],
    "empty-row.toml": ["b2 row 1: expected at least one number, got an empty row"],
    "table-for-row.toml": ["X row 1: expected a row", "got a table"],
    "date-cell.toml": ["y row 1, column 1: expected a number, got a date"],
    "nan-cell.toml": ["W1 row 2, column 2: expected a finite number, got nan"],
    "inf-cell.toml": ["b1 row 1, column 2: expected a finite number, got -inf"],
    "huge-cell.toml": ["W2 row 2, column 1", "between -1,000,000 and 1,000,000", "got 1e+60"],
    "long-string-cell.toml": ["X row 1, column 2: expected a number, got the string 'zzz", "...'"],
    # shapes that do not chain: expected and found
    "shape-X-W1.toml": ["W1: expected 2×3", "X has 2 columns", "got 1×3"],
    "shape-W1-W2.toml": ["W2: expected 3×1", "W1 has 3 columns", "got 2×1"],
    "shape-W2-W3.toml": ["W3: expected 1×1", "W2 has 1 column", "got 2×1"],
    "shape-b1.toml": ["b1: expected 1×3", "got 1×2"],
    "shape-b2-rows.toml": ["b2: expected 1×1", "got 2×1"],
    "shape-y-columns.toml": ["y: expected 2×1", "last layer", "got 2×2"],
    "shape-y-rows.toml": ["y: expected 2×1", "one target row per observation of X", "got 3×1"],
    "shape-layers-input.toml": ["network.layers: expected 2 input units first", "X has 2 columns", "got 3"],
    "shape-layers-output.toml": ["y: expected 2×2", "got 2×1"],
    # layer numbering
    "gap-W1-W3.toml": ["weights.W2", "no gaps", "got W1, W3", "W2 is missing"],
    "W-without-b.toml": ["weights.b2: expected a bias b2", "found none"],
    "b-without-W.toml": ["weights.b3: expected a W3 for b3", "found no W3"],
    "empty-weights.toml": ["weights.W1: expected at least one weight matrix", "found none"],
    # choices and numbers
    "cost-mae.toml": [
        "training.cost: expected one of sse, mse, cross_entropy, binary_cross_entropy, got the string 'mae'"
    ],
    "activation-softmax.toml": [
        "training.activation: expected one of sigmoid, tanh, relu, identity",
        "softmax only as output_activation",
        "got the string 'softmax'",
    ],
    "output-activation-number.toml": [
        "training.output_activation: expected one of sigmoid, tanh, relu, identity, softmax, got the number 1"
    ],
    "lr-zero.toml": ["training.learning_rate: expected a finite number > 0, got the number 0"],
    # a lesson's questions
    "lesson-values-unknown.toml": [
        "lesson.values item 1",
        "the name of a result of the walk",
        "'dJ_dw2'",
        "did you mean 'dJ_dW2'",
    ],
    "lesson-values-entry.toml": [
        "lesson.values item 1",
        "an entry of dJ_dW2 (3×1), rows 1–3 and columns 1–1, got [4,1]",
    ],
    "lesson-values-syntax.toml": ["lesson.values item 1", "like 'dJ_dW2[2,1]'", "'dJ_dW2(2,1)'"],
    "lesson-tolerance.toml": ["lesson.tolerance: expected a number > 0, got the number -0.1"],
    "lesson-fade.toml": ["lesson.fade: expected true or false, got the string 'yes'"],
    "lesson-language.toml": ["lesson.language: expected one of en, zh, got the string 'cn'"],
    "lr-negative.toml": ["training.learning_rate: expected a finite number > 0, got the number -1"],
    "lr-string.toml": ["training.learning_rate: expected a finite number > 0, got the string 'fast'"],
    "lr-boolean.toml": ["training.learning_rate: expected a finite number > 0, got the boolean true"],
    "lr-nan.toml": ["training.learning_rate: expected a finite number > 0, got the number nan"],
    "lr-inf.toml": ["training.learning_rate: expected a finite number > 0, got the number inf"],
    "lr-too-large.toml": ["training.learning_rate: expected at most 1,000,000", "got 1000000000.0"],
    "epochs-zero.toml": ["training.epochs: expected a positive integer, got the number 0"],
    "epochs-negative.toml": ["training.epochs: expected a positive integer, got the number -3"],
    "epochs-fraction.toml": ["training.epochs: expected a positive integer, got the number 2.5"],
    "epochs-boolean.toml": ["training.epochs: expected a positive integer, got the boolean true"],
    "epochs-string.toml": ["training.epochs: expected a positive integer, got the string '10'"],
    "epochs-too-many.toml": ["training.epochs: expected at most 1,000,000, got 1,000,000,000"],
    "layers-one.toml": ["network.layers: expected a list of at least two positive integers", "got a list of 1 item"],
    "layers-zero-units.toml": ["network.layers[1]: expected a positive integer", "got the number 0"],
    "layers-not-a-list.toml": ["network.layers: expected a list", "got the string '2, 3, 1'"],
    "seed-negative.toml": ["network.seed: expected a non-negative integer, got the number -1"],
    "code-is-not-run.toml": ["training.learning_rate: expected a finite number > 0, got the string '__import__"],
    # classification outputs: pairings and targets
    "softmax-with-sse.toml": [
        'training.output_activation: expected softmax only with cost = "cross_entropy"',
        'got cost = "sse"',
    ],
    "bce-softmax-output.toml": [
        'training.output_activation: expected softmax only with cost = "cross_entropy"',
        'got cost = "binary_cross_entropy"',
    ],
    "cross-entropy-sigmoid-output.toml": [
        'training.output_activation: expected "softmax" with cost = "cross_entropy", got "sigmoid"',
        '"binary_cross_entropy"',
    ],
    "bce-identity-output.toml": [
        'training.output_activation: expected "sigmoid" with cost = "binary_cross_entropy", got "identity"'
    ],
    "softmax-one-output.toml": [
        "training.output_activation: expected at least 2 output units for softmax (one per class), got 1"
    ],
    "cross-entropy-y-sum.toml": ["y row 2: expected a distribution over the classes for cross_entropy", "a sum of 0.9"],
    "cross-entropy-y-negative.toml": [
        "y row 1, column 2: expected a probability between 0 and 1 for cross_entropy, got -0.2"
    ],
    "bce-y-above-one.toml": ["y row 2, column 1: expected a target between 0 and 1 for binary_cross_entropy, got 1.5"],
    # optimizers
    "optimizer-unknown.toml": [
        "training.optimizer: expected one of sgd, momentum, adam, got the string 'adamw'",
        "did you mean 'adam'",
    ],
    "optimizer-number.toml": ["training.optimizer: expected one of sgd, momentum, adam, got the number 1"],
    "unknown-optimizer-key.toml": ["training.beta_1: unknown key", "did you mean 'beta1'"],
    "momentum-one.toml": ["training.momentum: expected a number ≥ 0 and < 1, got the number 1.0"],
    "momentum-string.toml": ["training.momentum: expected a number ≥ 0 and < 1, got the string '0.9'"],
    "momentum-with-adam.toml": ['training.momentum: expected only with optimizer = "momentum", got optimizer = "adam"'],
    "beta1-without-adam.toml": ['training.beta1: expected only with optimizer = "adam", got optimizer = "sgd"'],
    "beta1-one.toml": ["training.beta1: expected a number ≥ 0 and < 1, got the number 1"],
    "beta2-negative.toml": ["training.beta2: expected a number ≥ 0 and < 1, got the number -0.001"],
    "eps-zero.toml": ["training.eps: expected a number > 0 and at most 1, got the number 0.0"],
    "eps-nan.toml": ["training.eps: expected a number > 0 and at most 1, got the number nan"],
    # documented limits
    "limit-units.toml": ["network.layers: expected at most 512 units in layer 2, got 100000"],
    "limit-weight-layers.toml": ["network.layers: expected at most 10 weight layers, got 13"],
    "limit-parameters.toml": ["network.layers: expected at most 200,000 parameters, got 252,501"],
    "limit-W11.toml": ["weights.W11: expected at most 10 weight layers", "got W11"],
    "limit-name.toml": ["name: expected at most 200 characters, got 250"],
    "control-characters-name.toml": ["name: expected one line of printable text", "\\x1b"],
}

# (file, words) run through every subcommand as a real subprocess
SUBSET = [
    "toml-syntax.toml",
    "json-huge-int.json",
    "binary.toml",
    "shape-b1.toml",
    "unknown-training-key.toml",
    "lr-nan.toml",
    "softmax-with-sse.toml",
    "cross-entropy-y-sum.toml",
    "momentum-with-adam.toml",
]


def _line(stderr: str, path: str, words: list[str]) -> str:
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    line = lines[0]
    assert line.startswith(f"{PROG}{path}: "), line
    for w in words:
        assert w in line, f"{w!r} not in {line!r}"
    assert "expected" in line
    assert len(line) < 400, line
    return line


def test_the_corpus_and_the_table_agree():
    on_disk = {p.name for p in BAD.iterdir() if p.is_file()}
    assert on_disk == set(CASES), on_disk ^ set(CASES)
    assert all(p.stat().st_size < 40_000 for p in BAD.iterdir())


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_reports_each_bad_file_on_one_line(name, capsys):
    path = str(BAD / name)
    assert main(["check", path]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    _line(err, path, CASES[name])


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("command", ["trace", "train", "gradcheck"])
def test_every_subcommand_reports_the_same_line(name, command, capsys):
    path = str(BAD / name)
    assert main([command, path]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    _line(err, path, CASES[name])


def test_loading_raises_scenario_error_with_file_and_field():
    with pytest.raises(ScenarioError) as info:
        load_file(BAD / "shape-b1.toml")
    assert info.value.source == str(BAD / "shape-b1.toml")
    assert info.value.field == "b1"
    assert str(info.value) == f"{BAD / 'shape-b1.toml'}: b1: expected 1×3 (one bias per unit of layer 2), got 1×2"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tui_backprop", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_check_subprocess_reports_the_whole_corpus_one_line_per_file():
    names = sorted(CASES)
    r = _run("check", *(str(BAD / n) for n in names))
    assert r.returncode == 1
    assert r.stdout == ""
    assert "Traceback" not in r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == len(names)
    for name, line in zip(names, lines):
        _line(line + "\n", str(BAD / name), CASES[name])


@pytest.mark.parametrize("command", ["check", "trace", "train", "gradcheck"])
@pytest.mark.parametrize("name", SUBSET)
def test_subcommands_as_subprocesses(command, name):
    path = str(BAD / name)
    r = _run(command, path)
    assert r.returncode == 1
    assert r.stdout == ""
    _line(r.stderr, path, CASES[name])


# --- paths that are not scenario files --------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "trace", "train", "gradcheck"])
def test_a_directory(command, tmp_path, capsys):
    d = tmp_path / "lesson.toml"
    d.mkdir()
    assert main([command, str(d)]) == 1
    _line(capsys.readouterr().err, str(d), ["expected a scenario file, got a directory"])


@pytest.mark.parametrize("command", ["check", "trace", "train", "gradcheck"])
def test_a_missing_path(command, tmp_path, capsys):
    p = tmp_path / "nowhere" / "missing.toml"
    assert main([command, str(p)]) == 1
    _line(capsys.readouterr().err, str(p), ["no such file"])


def test_a_directory_and_a_missing_path_as_subprocess(tmp_path):
    missing = tmp_path / "missing.toml"
    r = _run("check", str(tmp_path), str(missing))
    assert r.returncode == 1
    lines = r.stderr.splitlines()
    assert len(lines) == 2 and "Traceback" not in r.stderr
    _line(lines[0] + "\n", str(tmp_path), ["got a directory"])
    _line(lines[1] + "\n", str(missing), ["no such file"])


def test_a_device_is_not_read(capsys):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    assert main(["check", "/dev/zero"]) == 1  # would never end if it were read
    _line(capsys.readouterr().err, "/dev/zero", ["expected a regular scenario file"])


def test_unreadable_file_simulated(tmp_path, monkeypatch, capsys):
    """PermissionError at the loader level: works as root too."""
    p = tmp_path / "locked.toml"
    p.write_text((ROOT / "scenarios" / "xor.toml").read_text())
    real_open = pathlib.Path.open

    def deny(self, *args, **kwargs):
        if self == p:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", deny)
    for command in ("check", "trace", "train", "gradcheck"):
        assert main([command, str(p)]) == 1
        _line(capsys.readouterr().err, str(p), ["expected a readable file, but permission was denied"])


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_unreadable_file_for_real(tmp_path):
    p = tmp_path / "locked.toml"
    p.write_text((ROOT / "scenarios" / "xor.toml").read_text())
    p.chmod(0)
    try:
        r = _run("check", str(p))
    finally:
        p.chmod(0o600)
    assert r.returncode == 1
    _line(r.stderr, str(p), ["permission was denied"])


def test_a_file_past_the_size_limit(tmp_path, capsys):
    p = tmp_path / "huge.toml"
    with p.open("wb") as f:
        f.write(b"#" * (scenario_module.MAX_FILE_BYTES + 1))
    assert main(["check", str(p)]) == 1
    _line(capsys.readouterr().err, str(p), [f"at most {scenario_module.MAX_FILE_BYTES:,} bytes"])


def test_too_many_observations(tmp_path, capsys):
    n = scenario_module.MAX_OBSERVATIONS + 1
    p = tmp_path / "rows.toml"
    p.write_text(
        'name = "rows"\n[data]\nX = [' + ", ".join(["[0.5]"] * n) + "]\ny = [" + ", ".join(["[1.0]"] * n) + "]\n"
        "[network]\nlayers = [1, 1]\n[training]\nlearning_rate = 0.1\n"
    )
    assert main(["check", str(p)]) == 1
    _line(capsys.readouterr().err, str(p), ["X: expected at most 10,000 observations (rows), got 10,001"])


def test_the_loader_never_writes_to_the_file(tmp_path):
    p = tmp_path / "xor.toml"
    p.write_text((ROOT / "scenarios" / "xor.toml").read_text())
    before = (p.read_bytes(), p.stat().st_mtime_ns)
    for command in ("check", "trace", "train", "gradcheck"):
        main([command, str(p)])
    assert (p.read_bytes(), p.stat().st_mtime_ns) == before


def test_valid_files_still_load():
    for path in sorted((ROOT / "scenarios").glob("*.toml")):
        load_file(path)


def _expected_messages() -> dict[str, str]:
    rows = (line.split("\t") for line in (ROOT / "tests" / "data" / "bad-messages.tsv").read_text().splitlines())
    return dict(rows)


def test_every_message_word_for_word():
    """The whole line for each file of the corpus, as reviewed (tests/data/bad-messages.tsv): a changed
    message is a decision, made by changing that file too."""
    expected = _expected_messages()
    assert set(expected) == set(CASES)
    for name, message in sorted(expected.items()):
        with pytest.raises(ScenarioError) as info:
            load_file(BAD / name)
        assert str(info.value) == f"{BAD / name}: {message}"
        assert all(w in message for w in CASES[name]), name  # the table above and the reviewed lines agree


@pytest.mark.parametrize("key", ["activation", "output_activation", "cost", "optimizer"])
def test_a_list_or_table_where_a_name_goes_is_one_line(key):
    """Found by hypothesis: `activation = [1.0]` once reached a set lookup (unhashable) before validation."""
    from tui_backprop.core import scenario_from_document

    for value in ([1.0], {"a": 1}):
        doc = {
            "name": "n",
            "data": {"X": [[0.0], [1.0]], "y": [[0.0], [1.0]]},
            "network": {"layers": [1, 1]},
            "training": {"learning_rate": 1.0, key: value},
        }
        with pytest.raises(ScenarioError) as info:
            scenario_from_document(doc, "x.toml")
        assert str(info.value).startswith(f"x.toml: training.{key}: expected one of ")
