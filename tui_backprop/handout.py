"""The trace as a printable Markdown handout: the worked solution of one training iteration.

A view of the engine's steps, nothing computed here beyond formatting: every
number printed as a result is an entry of a step's output matrix. The "worked
example" of a step writes its equation for one entry (the first, [1,1]) with
the input numbers plugged in; the arithmetic shown is for the reader to follow,
its result is the engine's value.

`blank=True` makes the exercise sheet: every result is left empty — the output
matrices' cells, their shapes (`__×__`), the worked examples' results
(`= ____`), the cost J and the parameters after the update. Inputs stay
filled in, even those that earlier steps computed: a student works each step
from the numbers it is given and can check an earlier answer against the
inputs of the steps after it. The given shapes (X, y, weights, biases) stay;
the shapes of every computed matrix are blank.
"""

from __future__ import annotations

import numpy as np

from .core import Session, Step
from .core.gates import glossary
from .core.trace import facts_of
from .export import FIND_THE_ERROR, answer, walk
from .notation import dims, display_name, signed_number

BLANK_CELL = "______"
BLANK_SHAPE = "__×__"
BLANK_RESULT = "____"
MAX_ROWS = 16  # longer matrices show their first rows, a "⋮" row and the last row
MAX_COLS = 10
MAX_PARAMETER_ROWS = 64  # entries listed in an epoch's before/after table

PHASES = {"forward": "Forward pass", "backward": "Backward pass", "update": "Update"}


# --- numbers ---------------------------------------------------------------------------------


def num(v: float, decimals: int) -> str:
    """A number as printed: fixed decimals, a true minus sign, no negative zero."""
    return signed_number(v, decimals)


def entry(name: str, i: int, j: int) -> str:
    """`name[i,j]`, 1-based as printed (i, j are 0-based)."""
    return f"{display_name(name)}[{i + 1},{j + 1}]"


# --- matrices as tables ----------------------------------------------------------------------


def _indices(n: int, limit: int) -> list[int | None]:
    if n <= limit:
        return list(range(n))
    return list(range(limit - 1)) + [None, n - 1]  # None: the elided middle


def md_matrix(a: np.ndarray, decimals: int, blank: bool = False, marked: np.ndarray | None = None) -> str:
    """A matrix as a Markdown table with 1-based row and column numbers; `marked` entries with ✗."""
    rows, cols = _indices(a.shape[0], MAX_ROWS), _indices(a.shape[1], MAX_COLS)
    header = "|   | " + " | ".join("…" if j is None else str(j + 1) for j in cols) + " |"
    rule = "|---|" + "---:|" * len(cols)
    body = []
    for i in rows:
        if i is None:
            body.append("| ⋮ | " + " | ".join("⋮" for _ in cols) + " |")
            continue
        cells = ["…" if j is None else (BLANK_CELL if blank else num(a[i, j], decimals)) for j in cols]
        if marked is not None:
            cells = [f"{c} ✗" if j is not None and marked[i, j] else c for c, j in zip(cells, cols)]
        body.append(f"| **{i + 1}** | " + " | ".join(cells) + " |")
    return "\n".join([header, rule, *body])


def _matrix_block(name: str, a: np.ndarray, decimals: int, role: str) -> list[str]:
    return [f"**{display_name(name)}** ({dims(a.shape)}), {role}:", "", md_matrix(a, decimals), ""]


def _blank_block(name: str, grid: tuple[int, int], role: str) -> list[str]:
    """An empty grid big enough for any result of the step, so that it does not give the shape away."""
    return [
        f"**{display_name(name)}** (`{BLANK_SHAPE}`), {role} — write it in the grid, which has room for any answer:",
        "",
        md_matrix(np.zeros(grid), 0, blank=True),
        "",
    ]


# --- worked examples -------------------------------------------------------------------------


def worked_lines(step: Step, decimals: int, blank: bool) -> list[str]:
    """Entry [1,1] of each of the step's results written out: symbols, numbers plugged in, the engine's value."""
    lines: list[str] = []
    for op in step.operations:
        e = op.expand(0, 0)
        pad = " " * len(e.label)
        result = BLANK_RESULT if blank else num(e.value, decimals)
        lines += [f"{e.label} {e.arrow} {e.symbols()}", f"{pad} = {e.numbers(decimals)}", f"{pad} = {result}"]
        if note := step.note(op, decimals):
            lines.append(f"{pad}   ({note})")
    return lines


# --- the document ----------------------------------------------------------------------------


def _shapes_table(session: Session, steps: list[Step], blank: bool) -> list[str]:
    shapes: dict[str, tuple[int, ...]] = {}
    for step in steps:
        if step.phase != "update":
            for name, value in [*step.inputs.items(), *step.outputs.items()]:
                shapes.setdefault(name, value.shape)
    rows = ["| matrix | meaning | shape |", "|---|---|---|"]
    for name, (meaning, given) in glossary(facts_of(session.scenario)).items():
        if name in shapes:
            shown = dims(shapes[name]) if given or not blank else f"`{BLANK_SHAPE}`"
            rows.append(f"| {display_name(name)} | {meaning} | {shown} |")
    return rows


def _intro(session: Session, steps: list[Step], decimals: int, blank: bool) -> list[str]:
    s = session.scenario
    n = len(s.params.weights)
    cost = (
        "J = ½ Σ (y − ŷ)² (sse)" if s.cost == "sse" else "J = (1/2m) Σ (y − ŷ)² (mse, averaged over the m observations)"
    )
    if n == 1 or s.activation == s.output_activation:
        acts = s.output_activation if n == 1 else s.activation
    else:
        acts = f"{s.activation} (hidden layers), {s.output_activation} (output)"
    title = "Exercise sheet" if blank else "Find the error" if session.planted else "Worked solution"
    out = [f"# {s.name}", "", f"*{title}: one training iteration, gate by gate.*", ""]
    if s.description:
        out += [s.description, ""]
    out += [
        "## The network",
        "",
        f"- Layers {s.shape_text}: {s.layers[0]} input{'s' if s.layers[0] != 1 else ''}, "
        + (
            f"a hidden layer of {s.layers[1]} unit{'s' if s.layers[1] != 1 else ''}, "
            if n == 2
            else f"hidden layers of {', '.join(str(u) for u in s.layers[1:-1])} units, "
            if n > 2
            else "no hidden layer, "
        )
        + f"{s.layers[-1]} output{'s' if s.layers[-1] != 1 else ''}.",
        f"- A batch of m = {s.m} observation{'s' if s.m != 1 else ''}, one per row.",
        f"- Activation: {acts}.",
        f"- Cost: {cost}.",
        f"- Learning rate η = {s.learning_rate:g}.",
        "",
        "## Notation",
        "",
        "- Rows are observations: X has one row per observation, and so does every matrix computed from it.",
        "- The input is layer 1. W_l and b_l lead from layer l to layer l+1; z_(l+1) = a_l·W_l + b_l and "
        "a_(l+1) = f(z_(l+1)); a1 = X and the last activation is the prediction ŷ.",
        "- M[i,j] is the entry in row i, column j of M, counted from 1.",
        "- `·` is the matrix product, `⊙` the element-wise product, `ᵀ` the transpose, "
        "and 1ᵀ a row of m ones (1ᵀ·M adds up the rows of M).",
        "- ∂J/∂M always has the shape of M; δ_l = ∂J/∂z_l is the error back-propagated to layer l.",
        f"- Numbers are rounded to {decimals} decimals. The worked examples plug in the rounded numbers, "
        "so redoing their arithmetic can differ from the result in the last digit.",
        "",
    ]
    if blank:
        out += [
            "**Exercise.** Every result is left blank: fill in the shapes (`__×__`), the matrices and the "
            "results of the worked examples (`= ____`). The inputs of each step are given, including those "
            "earlier steps computed, so each step can be worked on its own — and an earlier answer can be "
            "checked against the inputs of the steps after it.",
            "",
        ]
    if session.planted is not None:
        out += [f"**{FIND_THE_ERROR}**", ""]
    out += ["## Shapes", "", *_shapes_table(session, steps, blank), ""]
    return out


def _answer_key(session: Session, decimals: int) -> list[str]:
    """Where the mistake is, what it is, and the step's results as they should be, differing entries marked ✗."""
    k = session.bug_step(1)
    mistaken = session.epoch_pass(1)[2][k - 1]
    correct = session.correct_steps(1)[k - 1]
    out = ["## Answer key", "", answer(session), ""]
    for name, right in correct.outputs.items():
        wrong = mistaken.outputs[name]
        if np.array_equal(right, wrong):
            continue
        marked = md_matrix(wrong, decimals, marked=right != wrong)
        out += [f"**{display_name(name)}** as computed (differing entries marked ✗):", "", marked, ""]
        out += [f"**{display_name(name)}** as it should be:", "", md_matrix(right, decimals), ""]
    return out


def _parameters_table(steps: list[Step], decimals: int, blank: bool) -> list[str]:
    rows = ["| parameter | before | after |", "|---|---:|---:|"]
    updates = sorted((st for st in steps if st.phase == "update"), key=lambda st: st.layer)
    listed = total = 0
    for op in (op for st in updates for op in st.operations):
        before = op.operands[0].matrix
        for (i, j), v in np.ndenumerate(before):
            total += 1
            if listed < MAX_PARAMETER_ROWS:
                listed += 1
                shown = BLANK_CELL if blank else num(op.value[i, j], decimals)
                rows.append(f"| {entry(op.result, i, j)} | {num(v, decimals)} | {shown} |")
    if total > listed:
        rows.append(f"| … {total - listed} more | | |")
    return rows


def _step(step: Step, n_steps: int, decimals: int, blank: bool) -> list[str]:
    shapes = ";  ".join(op.shapes_text(BLANK_SHAPE) for op in step.operations) if blank else step.shapes
    out = [
        f"#### Step {step.index}/{n_steps} · {step.title}",
        "",
        f"Equation: `{step.equation}`",
        "",
        f"Shapes: `{shapes}`",
        "",
        step.explanation,
        "",
    ]
    for name, value in step.inputs.items():
        out += _matrix_block(name, value, decimals, "input")
    matrices = [*step.inputs.values(), *step.outputs.values()]
    grid = (max(a.shape[0] for a in matrices), max(a.shape[1] for a in matrices))
    for name, value in step.outputs.items():
        role = "result (after the update)" if step.phase == "update" else "result"
        out += _blank_block(name, grid, role) if blank else _matrix_block(name, value, decimals, role)
    out += ["Worked example, entry [1,1]:", "", "```text", *worked_lines(step, decimals, blank), "```", ""]
    return out


def trace_markdown(session: Session, epochs: int, decimals: int = 4, blank: bool = False, answers: bool = False) -> str:
    out: list[str] = []
    for epoch, steps in walk(session, epochs):
        if epoch == 1:
            out += _intro(session, steps, decimals, blank)
        out += [f"## Epoch {epoch}", ""]
        phase = None
        for step in steps:
            if step.phase != phase:
                phase = step.phase
                out += [f"### {PHASES.get(phase, phase)} (epoch {epoch})", ""]
            out += _step(step, len(steps), decimals, blank)
        J = BLANK_RESULT if blank else num(session.costs[epoch - 1], decimals)
        out += [
            f"### Epoch {epoch}: summary",
            "",
            f"Cost before the update: J = {J}",
            "",
            "Parameters before and after the update:",
            "",
            *_parameters_table(steps, decimals, blank),
            "",
        ]
    if session.diverged is not None:
        out += [f"**Stopped:** {session.diverged}", ""]
    if answers:
        out += _answer_key(session, decimals)
    return "\n".join(out).rstrip("\n") + "\n"
