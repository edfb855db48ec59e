"""`trace --format markdown [--blank]`: the printable worked solution and the exercise sheet."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tui_backprop.core import Session, names, parse_text, resolve
from tui_backprop.handout import BLANK_RESULT, BLANK_SHAPE, num, trace_markdown

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"Worked example, entry \[1,1\]:\n```text\n(.*?)\n```", re.S)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tui_backprop", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


@pytest.fixture(scope="module")
def sleep_md() -> str:
    r = run("trace", "sleep-study", "--format", "markdown", "--decimals", "4")
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    return r.stdout


@pytest.fixture(scope="module")
def sleep_blank() -> str:
    r = run("trace", "sleep-study", "--format", "markdown", "--decimals", "4", "--blank")
    assert r.returncode == 0, r.stderr
    return r.stdout


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def article_pass():
    """The sleep-study epoch 1, computed here with numpy, independently of the engine."""
    X = np.array([[0.3, 1.0], [0.5, 0.2], [1.0, 0.4], [0.6, 0.3]])
    y = np.array([[0.75], [0.82], [0.93], [0.70]])
    W1 = np.array([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]])
    W2 = np.array([[0.7], [-0.8], [0.9]])
    b1, b2 = np.array([[0.2, -0.1, 0.1]]), np.array([[-0.3]])
    a2 = sigmoid(X @ W1 + b1)
    yhat = sigmoid(a2 @ W2 + b2)
    J = 0.5 * np.sum((y - yhat) ** 2)
    d3 = -(y - yhat) * yhat * (1 - yhat)
    gW2 = a2.T @ d3
    return dict(
        X=X, W1=W1, W2=W2, a2=a2, yhat=yhat, J=J, d3=d3, gW2=gW2, W2_new=W2 - 0.5 * gW2, b2_new=-0.3 - 0.5 * d3.sum()
    )


def f4(v: float) -> str:
    return num(v, 4)


# --- the worked solution -----------------------------------------------------------------------


def test_every_step_title_equation_and_explanation(sleep_md):
    steps = Session(resolve("sleep-study")).epoch_pass(1)[2]
    assert len(steps) == 16
    for step in steps:
        assert f"Step {step.index}/16 · {step.title}" in sleep_md
        assert f"`{step.equation}`" in sleep_md
        assert f"`{step.shapes}`" in sleep_md
        assert step.explanation in sleep_md
    for heading in (
        "## The network",
        "## Notation",
        "## Shapes",
        "## Epoch 1",
        "### Forward pass",
        "### Backward pass",
        "### Update",
    ):
        assert heading in sleep_md


def test_the_first_worked_example_with_independent_numbers(sleep_md):
    ref = article_pass()
    X, W1 = ref["X"], ref["W1"]
    numbers = f"= {f4(X[0, 0])}·{f4(W1[0, 0])} + {f4(X[0, 1])}·{f4(W1[1, 0])}"
    assert "XW1[1,1] = X[1,1]·W1[1,1] + X[1,2]·W1[2,1]\n" in sleep_md
    assert f"         {numbers}\n         = {f4((X @ W1)[0, 0])}\n" in sleep_md
    assert "= 0.3000·0.1000 + 1.0000·0.4000" in sleep_md and "= 0.4300" in sleep_md


def test_the_update_line_and_the_cost_with_independent_numbers(sleep_md):
    ref = article_pass()
    g = ref["gW2"][0, 0]
    assert "W2[1,1] ← W2[1,1] − η·∂J/∂W2[1,1]" in sleep_md
    assert f"= 0.7000 − 0.5·({f4(g)})" in sleep_md  # the gradient is negative here
    assert f"= {f4(ref['W2_new'][0, 0])}\n" in sleep_md
    sum_line = " + ".join(f"({f4(t)} − {f4(p)})²" for t, p in zip([0.75, 0.82, 0.93, 0.70], ref["yhat"].ravel()))
    assert f"= ½·({sum_line})\n  = {f4(ref['J'])}\n" in sleep_md
    # δ3 = ∂J/∂ŷ ⊙ f'(z3), with σ'(z3) = ŷ(1 − ŷ) from the forward pass's ŷ
    yh, up = ref["yhat"][0, 0], -(0.75 - ref["yhat"][0, 0])
    fz = yh * (1 - yh)
    assert f"δ3[1,1] = ∂J/∂ŷ[1,1]·f'(z3)[1,1]\n        = {f4(up)}·{f4(fz)}\n        = {f4(ref['d3'][0, 0])}" in sleep_md
    assert f"= {f4(yh)}·(1 − {f4(yh)}) = {f4(fz)}" in sleep_md


def test_parameters_before_and_after(sleep_md):
    ref = article_pass()
    assert "Parameters before and after the update:" in sleep_md
    assert "| parameter | before | after |" in sleep_md
    assert f"| W2[1,1] | 0.7000 | {f4(ref['W2_new'][0, 0])} |" in sleep_md
    assert f"| W2[2,1] | −0.8000 | {f4(ref['W2_new'][1, 0])} |" in sleep_md
    assert f"| b2[1,1] | −0.3000 | {f4(ref['b2_new'])} |" in sleep_md
    assert f"J = {f4(ref['J'])}" in sleep_md


def test_matrices_are_tables_with_names_and_shapes(sleep_md):
    assert "| **X** 4×2 | 1 | 2 |" in sleep_md
    assert "| **XW1** 4×3 (0 = exactly 0) | 1 | 2 | 3 |" in sleep_md  # 0.5·0 + 0.2·0: exact zeros, marked
    assert "| **∂J/∂W2** 3×1 | 1 |" in sleep_md
    assert "| **f'(z2)** 4×3 (on the way) | 1 | 2 | 3 |" in sleep_md
    assert "| **1** | 0.1000 | −0.2000 | 0.3000 |" in sleep_md  # W1's first row
    assert "| X | inputs, one observation per row (a1) | 4×2 |" in sleep_md
    assert "| δ2 | error back-propagated to layer 2, ∂J/∂z2 | 4×3 |" in sleep_md


# --- the worked arithmetic agrees with the engine ----------------------------------------------


def examples(block: str) -> list[list[str]]:
    out: list[list[str]] = []
    for line in block.split("\n"):
        if line[:1] != " ":
            out.append([line])
        else:
            out[-1].append(line.strip())
    return out


def evaluate(numbers: str) -> float:
    expr = (
        numbers.replace("·", "*")
        .replace("−", "-")
        .replace("²", "**2")
        .replace("½", "0.5")
        .replace("e^(", "math.exp(")
        .replace("tanh(", "math.tanh(")
        .replace("log(", "math.log(")
        .replace("√(", "math.sqrt(")
    )
    assert re.fullmatch(r"[-+*/().,\d\s a-z]*", expr), expr
    return eval(expr, {"math": math, "max": max, "__builtins__": {}})


def check_worked_arithmetic(session: Session, md: str, decimals: int) -> int:
    steps = session.epoch_pass(1)[2]
    blocks = BLOCK.findall(md)
    assert len(blocks) >= len(steps)  # one per step of epoch 1 (later epochs follow)
    checked = 0
    for step, block in zip(steps, blocks):
        worked = examples(block)
        assert len(worked) == len(step.outputs), block
        for (_name, value), lines in zip(step.outputs.items(), worked):
            numbers, result = lines[1], lines[2]
            assert numbers.startswith("= ") and result.startswith("= ")
            # The printed result is the engine's entry, not something computed by the view.
            assert result == "= " + num(value[0, 0], decimals), (step.title, lines)
            if "…" in numbers:
                continue
            tokens = [float(t) for t in re.findall(r"\d+\.\d+|\d+", numbers)]
            scale = max([1.0] + [abs(t) for t in tokens])
            tolerance = 10.0**-decimals * (1 + len(tokens)) * scale
            assert abs(evaluate(numbers[2:]) - value[0, 0]) <= tolerance, (step.title, lines)
            checked += 1
    return checked


@pytest.mark.parametrize("name", names())
def test_worked_arithmetic_matches_the_engine(name):
    for decimals in (4, 8):
        session = Session(resolve(name))
        md = trace_markdown(session, 1, decimals)
        assert check_worked_arithmetic(session, md, decimals) >= session.n_steps // 2


def test_long_sums_are_abbreviated_and_long_matrices_elided():
    rows = [[i / 40, (40 - i) / 40] for i in range(40)]
    text = (
        f'name = "Forty"\n[data]\nX = {rows}\ny = {[[r[0]] for r in rows]}\n'
        "[weights]\nW1 = [[0.1], [0.2]]\nb1 = [[0.0]]\n[training]\nlearning_rate = 0.1\n"
    )
    session = Session(parse_text(text, "forty.toml", ".toml"))
    md = trace_markdown(session, 1)
    assert "over all 40 entries" in md
    assert " + … + " in md
    assert "| ⋮ |" in md and "| **40** |" in md
    check_worked_arithmetic(session, md, 4)


# --- the exercise sheet --------------------------------------------------------------------------


def test_blank_hides_every_result(sleep_blank, sleep_md):
    ref = article_pass()
    hidden = [
        f4(ref["J"]),
        f4(ref["W2_new"][0, 0]),
        f4(ref["W2_new"][1, 0]),
        f4(ref["W2_new"][2, 0]),
        f4(ref["b2_new"]),
    ]
    for value in hidden:
        assert value in sleep_md
        assert value not in sleep_blank, value
    assert "J = 0.09" not in sleep_blank
    # every result shape is blank; the given ones (X, y, W, b) stay
    assert "→ 4×3" not in sleep_blank and "→ 1×1" not in sleep_blank
    assert f"`(4×2)·(2×3) → {BLANK_SHAPE}`" in sleep_blank
    assert f"| **XW1** `{BLANK_SHAPE}` |" in sleep_blank
    assert "**XW1** 4×3" not in sleep_blank
    assert f"| XW1 | the product X · W1 | `{BLANK_SHAPE}` |" in sleep_blank
    assert "| X | inputs, one observation per row (a1) | 4×2 |" in sleep_blank
    # each worked example keeps the given numbers and loses its result
    steps = Session(resolve("sleep-study")).epoch_pass(1)[2]
    assert sleep_blank.count(f"= {BLANK_RESULT}\n") == sum(len(st.operations) for st in steps)
    assert "= 0.3000·0.1000 + 1.0000·0.4000" in sleep_blank
    assert "= 0.4300\n" not in sleep_blank.split("Step 2/16")[0]
    assert "| W2[1,1] | 0.7000 | ______ |" in sleep_blank


def test_blank_grids_do_not_give_the_shape_away(sleep_blank):
    # J is 1×1 but its grid has the cost step's largest size, 4×1
    part = sleep_blank.split("| **J** `")[1].split("Worked example")[0]
    assert part.count("| ______ |") == 4


def test_blank_output_matrices_have_no_numbers():
    session = Session(resolve("sleep-study"))
    md = trace_markdown(session, 1, blank=True)
    grids = [t for t in md.split("\n\n") if t.startswith("| **") and f"`{BLANK_SHAPE}` |" in t.split("\n")[0]]
    assert len(grids) >= 16
    for table in grids:
        assert not re.search(r"\d\.\d", table), table


@pytest.mark.parametrize("name", ["deep", "and"])
def test_other_scenarios(name):
    r = run("trace", name, "--format", "markdown")
    assert r.returncode == 0, r.stderr
    steps = Session(resolve(name)).epoch_pass(1)[2]
    for step in steps:
        assert f"Step {step.index}/{len(steps)} · {step.title}" in r.stdout
    assert r.stdout.count("Worked example") == len(steps)
    b = run("trace", name, "--format", "markdown", "--blank")
    assert b.returncode == 0, b.stderr
    assert BLANK_SHAPE in b.stdout and f"= {BLANK_RESULT}" in b.stdout
    last = steps[-1]
    for value in last.outputs.values():
        assert f"| {num(value[0, 0], 4)} |" not in b.stdout.split("summary")[-1]


def test_decimals_and_epochs():
    r = run("trace", "and", "--format", "markdown", "--decimals", "2", "--epochs", "2")
    assert r.returncode == 0, r.stderr
    assert "## Epoch 2" in r.stdout
    assert "0.2000" not in r.stdout and "0.20" in r.stdout
