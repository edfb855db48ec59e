"""The command line through subprocess: output, contracts and exit codes."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import free_port

from tui_backprop.core import load_bundled, names

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


def test_list_is_an_aligned_table_that_fits_80_columns(run_cli):
    r = run_cli("list")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["name", "layers", "m", "title"]
    rows = lines[1 : 1 + len(names())]
    assert [row.split()[0] for row in rows] == names()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    # Aligned: every row's layers, m and title start in the header's columns.
    for word in ("layers", "title"):
        at = lines[0].index(word)
        assert all(row[at - 2 : at] == "  " and row[at] != " " for row in rows), word
    m_end = lines[0].index(" m ") + 2
    for row, name in zip(rows, names()):
        s = load_bundled(name)
        assert row[:m_end].rstrip().endswith(str(s.m)) and s.shape_text in row
    default = next(row for row in rows if row.startswith("sleep-study"))
    assert "*" in default.split("[")[0] and "Sleep and study" in default
    assert "show NAME" in lines[-1]


def test_list_cuts_a_long_title_to_80_columns():
    """The bundled titles are short; the rule that cuts one is tested on the function itself."""
    from tui_backprop.cli import WIDTH, _cut

    assert _cut("x" * 100, 20) == "x" * 19 + "…" and _cut("short", 20) == "short" and WIDTH == 80


def test_list_long_and_show_give_the_description(run_cli):
    long = run_cli("list", "--long")
    assert long.returncode == 0 and all(len(line) <= 80 for line in long.stdout.splitlines())
    xor = load_bundled("xor")
    words = " ".join(long.stdout.split())
    assert " ".join(xor.description.split()) in words
    shown = run_cli("show", "xor")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines()[0] == xor.name
    assert "layers [2, 3, 1], m = 4" in shown.stdout and "2,000 epochs" in shown.stdout
    assert " ".join(xor.description.split()) in " ".join(shown.stdout.split())
    assert all(len(line) <= 80 for line in shown.stdout.splitlines())
    lesson = run_cli("show", SCENARIOS / "lesson-shapes.toml").stdout
    assert "quiz mode" in lesson and "locks gradcheck, train" in lesson
    missing = run_cli("show", "no-such-scenario")
    assert missing.returncode == 1 and len(missing.stderr.splitlines()) == 1 and "Traceback" not in missing.stderr


def test_check_accepts_every_bundled_file(run_cli):
    files = sorted(SCENARIOS.glob("*.toml"))
    r = run_cli("check", *files)
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.splitlines()) == len(files)
    assert "layers [2, 4, 3, 1], m = 5" in r.stdout


def test_check_reports_each_bad_file_on_one_line_and_exits_1(run_cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        (SCENARIOS / "sleep-study.toml").read_text().replace("b1 = [[0.2, -0.1, 0.1]]", "b1 = [[0.2, -0.1]]")
    )
    r = run_cli("check", SCENARIOS / "xor.toml", bad, tmp_path / "missing.toml")
    assert r.returncode == 1
    errors = r.stderr.strip().splitlines()
    assert len(errors) == 2
    assert f"{bad}: b1: expected 1×3 (one bias per unit of layer 2), got 1×2" in errors[0]
    assert "missing.toml" in errors[1] and "no such file" in errors[1]
    assert "Traceback" not in r.stderr
    assert "xor.toml: ok" in r.stdout


def test_trace_json_follows_the_contract(run_cli):
    r = run_cli("trace", "sleep-study", "--format", "json", "--epochs", "2")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert set(doc) >= {"scenario", "epochs", "steps"}
    assert doc["scenario"]["layers"] == [2, 3, 1] and doc["scenario"]["m"] == 4
    assert [e["epoch"] for e in doc["epochs"]] == [1, 2]
    assert len(doc["steps"]) == 32
    keys = {"epoch", "index", "phase", "gate", "title", "equation", "shapes", "explanation", "inputs", "outputs"}
    for step in doc["steps"]:
        assert keys <= set(step)
        for matrix in list(step["inputs"].values()) + list(step["outputs"].values()):
            assert isinstance(matrix, list) and all(isinstance(row, list) for row in matrix)
    first = doc["steps"][0]
    assert (first["epoch"], first["index"], first["phase"], first["gate"]) == (1, 1, "forward", "mul")
    assert set(first["inputs"]) == {"X", "W1"} and set(first["outputs"]) == {"XW1"}
    # independent: one epoch of gradient descent by hand
    s = load_bundled("sleep-study")
    X, y = s.X, s.y
    W1, W2 = s.params.weights
    b1, b2 = s.params.biases
    sig = lambda z: 1 / (1 + np.exp(-z))
    a2 = sig(X @ W1 + b1)
    yhat = sig(a2 @ W2 + b2)
    d3 = (yhat - y) * yhat * (1 - yhat)
    d2 = d3 @ W2.T * a2 * (1 - a2)
    assert doc["epochs"][0]["cost"] == pytest.approx(0.5 * np.sum((y - yhat) ** 2), rel=1e-14)
    np.testing.assert_allclose(doc["epochs"][0]["params"]["W1"], W1 - 0.5 * X.T @ d2, rtol=1e-13)
    np.testing.assert_allclose(doc["epochs"][0]["params"]["b2"], b2 - 0.5 * d3.sum(0, keepdims=True), rtol=1e-13)
    assert list(doc["epochs"][0]["params"]) == ["W1", "b1", "W2", "b2"]
    second = [st for st in doc["steps"] if st["epoch"] == 2][0]
    assert second["inputs"]["W1"] == doc["epochs"][0]["params"]["W1"]


def test_trace_text_and_markdown_walk_every_step(run_cli):
    text = run_cli("trace", "and")
    assert text.returncode == 0
    assert text.stdout.count("[") and "[9/9] update" in text.stdout
    md = run_cli("trace", "and", "--format", "markdown")
    assert md.returncode == 0 and md.stdout.startswith("# ")


def test_train_json_matches_the_trace(run_cli):
    r = run_cli("train", "xor", "--epochs", "50", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["epochs"] == 50 and len(doc["cost"]) == 50
    traced = json.loads(run_cli("trace", "xor", "--epochs", "50", "--format", "json").stdout)
    assert doc["cost"] == [e["cost"] for e in traced["epochs"]]
    assert doc["params"] == traced["epochs"][-1]["params"]
    assert r.stderr == ""  # no progress bar when stderr is not a terminal


def test_train_prints_costs_and_final_parameters(run_cli):
    r = run_cli("train", "or", "--epochs", "100")
    assert r.returncode == 0
    assert "epoch   1  J" in r.stdout and "epoch 100  J" in r.stdout
    assert "  W1 (2×3)\n" in r.stdout and "  b2 (1×1)\n" in r.stdout
    doc = json.loads(run_cli("train", "or", "--epochs", "100", "--json").stdout)
    W1 = np.array(doc["params"]["W1"])
    block = r.stdout.split("  W1 (2×3)\n")[1].splitlines()[:2]
    np.testing.assert_allclose([[float(v) for v in line.split()] for line in block], W1, atol=5e-7)


def test_train_counts_epochs_with_separators(run_cli):
    r = run_cli("train", "xor", "--epochs", "2000")
    assert r.returncode == 0
    assert "epoch 2,000  J" in r.stdout and "epoch     1  J" in r.stdout


def test_train_summarises_a_large_matrix_as_numpy_does_and_json_has_it_all(run_cli):
    big = ROOT / "tests" / "data" / "big.toml"
    r = run_cli("train", big, "--epochs", "2")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines[1:]), max(lines[1:], key=len)  # (the first: the name)
    assert len(r.stdout) < 5000
    full = np.array(json.loads(run_cli("train", big, "--epochs", "2", "--json").stdout)["params"]["W2"])
    assert full.shape == (32, 16)
    at = next(i for i, line in enumerate(lines) if line.startswith("  W2 (32×16)"))
    assert "first and last rows and columns (--json: all)" in lines[at]
    block = lines[at + 1 : at + 8]
    assert block[3].split() == ["⋮"] * 6
    shown = [line.split() for k, line in enumerate(block) if k != 3]
    assert all(row[3] == "…" for row in shown)
    numbers = np.array([[float(v) for v in row[:3] + row[4:]] for row in shown])
    expected = full[[0, 1, 2, -3, -2, -1]][:, [0, 1, 2, -3, -2, -1]]
    np.testing.assert_allclose(numbers, expected, atol=5e-7)


def test_train_writes_a_matrix_of_small_entries_with_a_power_of_ten(run_cli, tmp_path):
    small = tmp_path / "small.toml"
    small.write_text(
        'name = "small"\n[data]\nX = [[1.0, 0.0]]\ny = [[0.5]]\n'
        "[weights]\nW1 = [[0.0012], [-0.0034]]\nb1 = [[0.0]]\n[training]\nlearning_rate = 0.000001\n"
    )
    r = run_cli("train", small, "--epochs", "1")
    assert r.returncode == 0, r.stderr
    block = r.stdout.split("  W1 (2×1) ×10⁻³\n")[1].splitlines()[:2]
    assert [float(line) for line in block] == pytest.approx([1.2, -3.4], abs=1e-5)


def test_gradcheck_passes_then_fails_above_tolerance(run_cli):
    ok = run_cli("gradcheck", "deep")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.count(" ok") == 6
    strict = run_cli("gradcheck", "deep", "--tolerance", "1e-30")
    assert strict.returncode == 1
    assert "gradient check failed" in strict.stderr and "FAIL" in strict.stdout


EVERY_COMMAND = [["check"], ["trace"], ["train"], ["gradcheck"], ["serve"], []]
COMMAND_IDS = ["check", "trace", "train", "gradcheck", "serve", "app"]


def _serving(command: list[str]) -> list[str]:
    # serve must refuse before it listens; were it to listen instead, the run times out and fails
    return ["--port", str(free_port())] if command == ["serve"] else []


@pytest.mark.parametrize("command", EVERY_COMMAND, ids=COMMAND_IDS)
def test_every_command_reports_a_missing_file_on_one_line(run_cli, command, tmp_path):
    missing = tmp_path / "nope.toml"
    r = run_cli(*command, missing, *_serving(command), timeout=30)
    assert r.returncode == 1
    assert r.stderr == f"backprop-tui: {missing}: expected a scenario file, but no such file exists\n"


@pytest.mark.parametrize("command", EVERY_COMMAND, ids=COMMAND_IDS)
def test_every_command_reports_a_directory_on_one_line(run_cli, command, tmp_path):
    r = run_cli(*command, tmp_path, *_serving(command), timeout=30)
    assert r.returncode == 1
    assert r.stderr == f"backprop-tui: {tmp_path}: expected a scenario file, got a directory\n"


@pytest.mark.parametrize("command", EVERY_COMMAND, ids=COMMAND_IDS)
def test_every_command_reports_an_unknown_bundled_name_with_the_valid_ones(run_cli, command):
    r = run_cli(*command, "sleepstudy", *_serving(command), timeout=30)
    assert r.returncode == 1
    assert r.stderr == (
        f"backprop-tui: sleepstudy: expected a scenario file or a bundled name ({', '.join(names())}), found neither\n"
    )


def test_bundled_scenarios_are_found_from_any_directory(run_cli, tmp_path):
    r = run_cli("check", "xor", "sleep-study", cwd=tmp_path)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("command", ["list", "check", "trace", "train", "gradcheck", "serve"])
def test_each_subcommand_has_help(run_cli, command):
    r = run_cli(command, "--help")
    assert r.returncode == 0 and r.stdout.startswith(f"usage: backprop-tui {command}")


def test_serve_help_names_its_options_and_defaults(run_cli):
    r = run_cli("serve", "--help")
    assert r.returncode == 0 and r.stderr == ""
    assert r.stdout.startswith("usage: backprop-tui serve [-h] [--lang {en,zh}] [--host HOST] [--port PORT]")
    assert "[--max-sessions N]" in r.stdout
    assert "--idle-timeout MINUTES" in r.stdout and "(default 60)" in r.stdout
    assert "Serve the app over HTTP with textual-serve." in r.stdout


def test_top_level_help_names_the_subcommands(run_cli):
    r = run_cli("--help")
    assert r.returncode == 0
    for word in ("list", "check", "trace", "train", "gradcheck", "serve", "SCENARIO"):
        assert word in r.stdout or word.lower() in r.stdout


def test_bad_epochs_argument_is_a_usage_error(run_cli):
    r = run_cli("train", "xor", "--epochs", "0")
    assert r.returncode == 2 and "--epochs: expected 1 to 1,000,000 epochs, got 0" in r.stderr
    r = run_cli("trace", "xor", "--epochs", "1,000,001")  # read as the app's train prompt reads it
    assert r.returncode == 2 and "--epochs: expected 1 to 1,000,000 epochs, got 1,000,001" in r.stderr


def test_bad_decimals_argument_is_a_usage_error(run_cli):
    r = run_cli("trace", "xor", "--decimals", "13")
    assert r.returncode == 2 and "--decimals: expected 0 to 12 decimals, got 13" in r.stderr
    r = run_cli("trace", "xor", "--decimals", "three")
    assert r.returncode == 2 and "--decimals: expected a whole number of decimals, got 'three'" in r.stderr


def test_app_with_a_file_it_cannot_use_and_no_terminal_reports_one_line(run_cli):
    r = run_cli("tests/bad/shape-W1-W2.toml")
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and "shape-W1-W2.toml: W2: expected 3×1" in r.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal")
def test_app_in_a_terminal_reports_a_bad_file_after_restoring_it():
    """In a terminal the app paints first, then validates: the error is printed once the terminal is restored."""
    import fcntl
    import os
    import pty
    import re
    import struct
    import subprocess
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    # Textual draws on stderr; a pipe here keeps what it drew and what came after, in order.
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui_backprop", "tests/bad/shape-W1-W2.toml"],
        cwd=ROOT,
        stdin=slave,
        stdout=slave,
        stderr=subprocess.PIPE,
    )
    os.close(slave)
    try:
        _, err = proc.communicate(timeout=60)
    finally:
        os.close(master)
    assert proc.returncode == 1
    painted, restored, after = err.rpartition(b"\x1b[?1049l")  # leaving the alternate screen
    assert restored and "loading…".encode() in painted  # the first screen came before the validation
    line = re.sub(rb"\x1b(\[[0-9;?<>=$]*[A-Za-z~]|\][^\x07]*\x07)", b"", after).decode()
    assert line.count("\n") == 1 and line.startswith("backprop-tui: tests/bad/shape-W1-W2.toml: W2: expected 3×1"), line


def test_blank_goes_only_with_markdown(run_cli):
    r = run_cli("trace", "xor", "--blank")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == (
        "usage: backprop-tui trace ...\nbackprop-tui trace: error: --blank goes with --format markdown (a handout to fill in)\n"
    )


@pytest.mark.parametrize("value", ["nan", "inf", "0", "-1", "abc"])
def test_tolerance_must_be_a_finite_positive_number(run_cli, value):
    r = run_cli("gradcheck", "xor", "--tolerance", value)
    assert r.returncode == 2 and r.stdout == ""
    expected = "expected a number > 0" if value == "abc" else "expected a finite number > 0"
    assert (
        r.stderr.splitlines()[-1] == f"backprop-tui gradcheck: error: argument --tolerance: {expected}, got '{value}'"
    )


def test_gradcheck_explains_a_fail_at_the_relu_kink(run_cli, tmp_path):
    kink = tmp_path / "kink.toml"
    kink.write_text(
        'name = "kink"\n[data]\nX = [[0.3, 1.0], [0.5, 0.2]]\ny = [[0.5], [0.2]]\n'
        "[weights]\nW1 = [[0.0, 0.0], [0.0, 0.0]]\nb1 = [[0.0, 0.0]]\nW2 = [[0.5], [0.3]]\nb2 = [[0.0]]\n"
        '[training]\nlearning_rate = 0.1\nactivation = "relu"\noutput_activation = "identity"\n'
    )
    r = run_cli("gradcheck", kink)
    assert r.returncode == 1
    assert "4 relu pre-activations are within 1e-3 of 0" in r.stdout
    assert "gradient check failed" in r.stderr


def test_huge_values_print_in_scientific_notation(run_cli, tmp_path):
    huge = tmp_path / "huge.toml"
    huge.write_text(
        'name = "huge"\n[data]\nX = [[1000000.0, 1000000.0]]\ny = [[1.0]]\n'
        '[network]\nlayers = [2, 30, 30, 1]\nseed = 1\n[training]\nlearning_rate = 1.0\nactivation = "identity"\n'
    )
    text = run_cli("trace", huge).stdout
    assert "1.000e+06" in text
    assert max(len(word) for word in text.split()) < 40
    r = run_cli("train", huge, "--epochs", "5")
    assert r.returncode == 1 and "diverged at epoch" in r.stderr
    assert "inf" not in r.stderr.lower().replace("infinite", "") and "nan" not in (r.stdout + r.stderr).lower()
