"""The trace as a printable Markdown handout: the worked solution of one training iteration, or its sheet.

A view of the engine's steps, nothing computed here beyond formatting. The given matrices (X, y and the
parameters the epoch starts from) are printed once, near the top; every result is printed once, at the
step that computes it, and later steps refer to it by name ("δ3 from step 9"). Each step's worked example
writes entry [1,1] of each result as the gate model expands it, with the numbers plugged in; the result
shown is the engine's value.

`blank=True` makes the exercise sheet: every result is left for the student — its matrix (an empty grid
with room for any answer), its shape (`__×__`, in the shapes table and the shape algebra too), the numbers
that come from earlier results in the worked examples, their results (`= ____`), the cost and the new
parameters — while the scenario's own X, y, W and b stay filled in. `fade=True` works the first half of
the steps fully and leaves the rest blank: the worked example fades out backwards, as the research on
worked examples suggests.
"""

from __future__ import annotations

import numpy as np

from .core import Session, Step
from .core.figure import LEGEND, figure_text, graph_figure
from .core.gates import glossary
from .core.trace import facts_of
from .export import FIND_THE_ERROR, answer, walk
from .i18n import N_, _, ngettext
from .notation import MINUS, count, dims, display_name, matrix_cells, signed_number

BLANK_CELL = "______"
BLANK_SHAPE = "__×__"
BLANK_RESULT = "____"
MAX_ROWS = 16  # longer matrices show their first rows, a "⋮" row and the last row
MAX_COLS = 10
MAX_PARAMETER_ROWS = 64  # entries listed in an epoch's before/after table
FIGURE_WIDTH = 100  # the graph's lines in the handout: wider networks wrap

PHASES = {"forward": N_("Forward pass"), "backward": N_("Backward pass"), "update": N_("Update")}  # through _()


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


def md_matrix(
    a: np.ndarray, decimals: int, blank: bool = False, title: str = "", marked: np.ndarray | None = None
) -> str:
    """A matrix as a Markdown table with 1-based row and column numbers, its title in the corner;
    `marked` entries with ✗.

    The numbers follow the app's rule (notation.matrix_cells): a matrix of small entries is written
    under a power of ten given in its title, and an exact zero is `0`, with a legend.
    """
    rows, cols = _indices(a.shape[0], MAX_ROWS), _indices(a.shape[1], MAX_COLS)
    shown_rows = [i for i in rows if i is not None]
    shown_cols = [j for j in cols if j is not None]
    cells = None
    if not blank:
        peak = float(np.abs(a[np.isfinite(a)]).max()) if np.isfinite(a).any() else 0.0
        cells = matrix_cells([[a[i, j] for j in shown_cols] for i in shown_rows], decimals, peak)
        zero = "(" + _("0 = exactly 0") + ")" if cells.exact_zero else ""
        title = " ".join(t for t in (title, cells.scale_text, zero) if t)
    header = f"| {title or ' '} | " + " | ".join("…" if j is None else str(j + 1) for j in cols) + " |"
    rule = "|---|" + "---:|" * len(cols)
    body = []
    for i in rows:
        if i is None:
            body.append("| ⋮ | " + " | ".join("⋮" for _col in cols) + " |")
            continue
        if cells is None:
            line = ["…" if j is None else BLANK_CELL for j in cols]
        else:
            written = dict(zip(shown_cols, cells.text[shown_rows.index(i)]))
            line = ["…" if j is None else written[j].strip().replace("-", MINUS) for j in cols]
        if marked is not None:
            line = [f"{c} ✗" if j is not None and marked[i, j] else c for c, j in zip(line, cols)]
        body.append(f"| **{i + 1}** | " + " | ".join(line) + " |")
    return "\n".join([header, rule, *body])


def _matrix_block(name: str, a: np.ndarray, decimals: int, role: str = "") -> list[str]:
    return [md_matrix(a, decimals, title=f"**{display_name(name)}** {dims(a.shape)}{role}"), ""]


def _blank_block(name: str, grid: tuple[int, int]) -> list[str]:
    """An empty grid big enough for any result of the step, so that it does not give the shape away."""
    return [md_matrix(np.zeros(grid), 0, blank=True, title=f"**{display_name(name)}** `{BLANK_SHAPE}`"), ""]


# --- where each matrix comes from ------------------------------------------------------------


class Sources:
    """Which matrices the reader has: given ones, and results by the step that computed them."""

    def __init__(self, session: Session, epoch: int, blank: bool) -> None:
        # The parameters, and an optimizer's memory (zero at first), as the epoch starts.
        state = session.state_at(epoch)
        carried = [*session.scenario.params.named(), *(state.named() if state else ())]
        self.given = {"X", "y", *carried} if epoch == 1 else {"X", "y"}
        self.found: dict[str, str] = {n: "given" for n in self.given}
        if epoch > 1:
            after = _("after epoch {epoch}'s update").format(epoch=epoch - 1)
            self.found.update({n: after for n in carried})
        self.blank = blank

    def computed(self, step: Step, name: str) -> None:
        self.found[name] = _("step {k}").format(k=step.index)

    def reference(self, name: str, a: np.ndarray) -> str:
        where = self.found.get(name)
        if where == "given":
            return _("{name} ({shape}, given)").format(name=display_name(name), shape=dims(a.shape))
        if self.blank:
            return _("your {name} from {where}").format(name=display_name(name), where=where)
        return _("{name} ({shape}) from {where}").format(name=display_name(name), shape=dims(a.shape), where=where)

    def hidden(self, blank: bool) -> set[str]:
        """Names whose numbers a worked example must not print: everything but the given matrices."""
        return set() if not blank else {n for n, w in self.found.items() if w != "given"}


# --- one step --------------------------------------------------------------------------------


def worked_lines(step: Step, decimals: int, blank: bool, hide: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Entry [1,1] of each of the step's results written out: symbols, numbers plugged in, the engine's value."""
    lines: list[str] = []
    earlier: set[str] = set()  # results of this step's earlier operations (an optimizer's new memory)
    for op in step.operations:
        e = op.expand(0, 0)
        pad = " " * len(e.label)
        result = BLANK_RESULT if blank else num(e.value, decimals)
        numbers = e.numbers(decimals, hide | earlier if blank else hide)
        lines += [f"{e.label} {e.arrow} {e.symbols()}", f"{pad} = {numbers}", f"{pad} = {result}"]
        earlier.add(op.result)
        if not blank and (note := step.note(op, decimals)):
            lines.append(f"{pad}   ({note})")
    return lines


def _step(step: Step, n_steps: int, decimals: int, blank: bool, sources: Sources) -> list[str]:
    shapes = ";  ".join(op.shapes_text(BLANK_SHAPE) for op in step.operations) if blank else step.shapes
    # Inputs the reader already has are named; matrices the step makes on the way (f'(z)) are shown.
    made_here = {
        o.name: o.matrix
        for op in step.operations
        for o in op.operands
        if o.name not in sources.found and o.how != "ones"
    }
    known = [sources.reference(n, a) for n, a in step.inputs.items() if n not in made_here]
    start = _(" Starts from {inputs}.").format(inputs=", ".join(known)) if known else ""
    out = [
        _("#### Step {k}/{n} · {title}").format(k=step.index, n=n_steps, title=step.title),
        _("`{equation}` — shapes `{shapes}`. {explanation}").format(
            equation=step.equation, shapes=shapes, explanation=step.explanation
        )
        + start,
        "",
    ]
    for name, a in made_here.items():
        out += _blank_block(name, a.shape) if blank else _matrix_block(name, a, decimals, _(" (on the way)"))
    hide = sources.hidden(blank) | (set(made_here) if blank else set())
    if step.phase != "update":  # the new parameters are listed once, in the epoch's summary
        matrices = [*step.inputs.values(), *step.outputs.values()]
        grid = (max(a.shape[0] for a in matrices), max(a.shape[1] for a in matrices))
        for name, value in step.outputs.items():
            out += _blank_block(name, grid) if blank else _matrix_block(name, value, decimals)
    out += [_("Worked example, entry [1,1]:"), "```text", *worked_lines(step, decimals, blank, hide), "```"]
    for name in step.outputs:
        sources.computed(step, name)
    for name in made_here:
        sources.computed(step, name)
    return out


# --- the document ----------------------------------------------------------------------------


def _shapes_table(session: Session, steps: list[Step], blank_from: int) -> list[str]:
    """Every matrix's meaning and shape; the shapes of results computed from step `blank_from` on are blank."""
    shapes: dict[str, tuple[int, ...]] = {}
    hidden: set[str] = set()
    known = {"X", "y", *session.scenario.params.named()}
    for step in steps:
        made = set(step.outputs) | {o.name for op in step.operations for o in op.operands if o.name not in known}
        known |= made
        if step.index >= blank_from:
            hidden |= made
        if step.phase != "update":
            for name, value in [*step.inputs.items(), *step.outputs.items()]:
                shapes.setdefault(name, value.shape)
    rows = [_("| matrix | meaning | shape |"), "|---|---|---|"]
    for name, (meaning, given) in glossary(facts_of(session.scenario)).items():
        if name in shapes:
            shown = dims(shapes[name]) if given or name not in hidden else f"`{BLANK_SHAPE}`"
            rows.append(f"| {display_name(name)} | {meaning} | {shown} |")
    return rows


def _intro(session: Session, steps: list[Step], decimals: int, blank: bool, fade: bool) -> list[str]:
    s = session.scenario
    n = len(s.params.weights)
    cost = (
        _("J = ½ Σ (y − ŷ)² (sse)")
        if s.cost == "sse"
        else _("J = (1/2m) Σ (y − ŷ)² (mse, averaged over the m observations)")
    )
    if n == 1 or s.activation == s.output_activation:
        acts = s.output_activation if n == 1 else s.activation
    else:
        acts = _("{hidden} (hidden layers), {output} (output)").format(hidden=s.activation, output=s.output_activation)
    hidden = ", ".join(str(u) for u in s.layers[1:-1])
    title = _("Exercise sheet") if blank or fade else _("Find the error") if session.planted else _("Worked solution")
    figure = figure_text(
        graph_figure(s.layers, s.activation, s.output_activation, s.m, FIGURE_WIDTH, results=not (blank or fade))
    )
    out = [f"# {s.title}", "", _("*{title}: one training iteration, gate by gate.*").format(title=title), ""]
    out += ["```text", figure, "```", "", _("*The graph: {legend}.*").format(legend=_(LEGEND)), ""]
    if s.about:
        out += [s.about, ""]
    inputs = ngettext("{n} input", "{n} inputs", s.layers[0]).format(n=s.layers[0])
    outputs = ngettext("{n} output", "{n} outputs", s.layers[-1]).format(n=s.layers[-1])
    if n == 2:
        middle = _("a hidden layer of {units} units, ").format(units=hidden)
    elif n > 2:
        middle = _("hidden layers of {units} units, ").format(units=hidden)
    else:
        middle = _("no hidden layer, ")
    out += [
        _("## The network"),
        "",
        _("Layers {layers}: {inputs}, ").format(layers=s.shape_text, inputs=inputs)
        + middle
        + _(
            "{outputs}; a batch of m = {m}, one observation per row. "
            "Activation {activations}; cost {cost}; learning rate η = {eta}."
        ).format(outputs=outputs, m=s.m, activations=acts, cost=cost, eta=f"{s.learning_rate:g}"),
        "",
        _("## Notation"),
        "",
        _(
            "Rows are observations. The input is layer 1: W_l and b_l lead from layer l to layer l+1, "
            "z_(l+1) = a_l·W_l + b_l, a_(l+1) = f(z_(l+1)), a1 = X, and the last activation is ŷ. "
            "M[i,j] is row i, column j, counted from 1. `·` is the matrix product, `⊙` the element-wise product, "
            "`ᵀ` the transpose, 1ᵀ a row of m ones (1ᵀ·M adds up the rows of M). ∂J/∂M has the shape of M; "
            "δ_l = ∂J/∂z_l is the error back-propagated to layer l. "
            "Numbers are rounded to {decimals} decimals, and worked examples plug in the rounded numbers, "
            "so redoing their arithmetic can differ in the last digit."
        ).format(decimals=decimals),
        "",
    ]
    if blank:
        out += [
            _(
                "**Exercise.** Every result is left blank: fill in the shapes (`__×__`), the matrices and the "
                "worked examples (`____`). Each grid has room for any answer: use as much of it as the result "
                "needs. Each step names the matrices it starts from; those you computed in an earlier step are "
                "yours to carry forward."
            ),
            "",
        ]
    elif fade:
        out += [
            _(
                "**Exercise.** The first steps are worked for you; from the first blank step on, every result is "
                "yours to fill in (`__×__`, the grids and `____`)."
            ),
            "",
        ]
    if session.planted is not None:
        out += [f"**{_(FIND_THE_ERROR)}**", ""]
    blank_from = 1 if blank else fade_from(len(steps)) if fade else len(steps) + 1
    out += [_("## Shapes"), "", *_shapes_table(session, steps, blank_from), "", _("## Given"), ""]
    out += _matrix_block("X", s.X, decimals) + _matrix_block("y", s.y, decimals)
    for name, value in s.params.named().items():
        out += _matrix_block(name, value, decimals)
    return out


def _answer_key(session: Session, decimals: int) -> list[str]:
    """Where the mistake is, what it is, and the step's results as they should be, differing entries marked ✗."""
    k = session.bug_step(1)
    mistaken = session.epoch_pass(1)[2][k - 1]
    correct = session.correct_steps(1)[k - 1]
    out = [_("## Answer key"), "", answer(session), ""]
    for name, right in correct.outputs.items():
        wrong = mistaken.outputs[name]
        if np.array_equal(right, wrong):
            continue
        computed = _("**{name}** as computed").format(name=display_name(name))
        marked = md_matrix(wrong, decimals, title=computed, marked=right != wrong)
        out += [_("Differing entries are marked ✗."), "", marked, ""]
        should = _("**{name}** as it should be").format(name=display_name(name))
        out += [md_matrix(right, decimals, title=should), ""]
    return out


def _parameters_table(session: Session, steps: list[Step], decimals: int, blank: bool) -> list[str]:
    rows = [_("| parameter | before | after |"), "|---|---:|---:|"]
    updates = sorted((st for st in steps if st.phase == "update"), key=lambda st: st.layer)
    params = session.scenario.params.named()
    listed = total = 0
    for op in (op for st in updates for op in st.operations if op.result in params):
        before = op.operands[0].matrix
        for (i, j), v in np.ndenumerate(before):
            total += 1
            if listed < MAX_PARAMETER_ROWS:
                listed += 1
                shown = BLANK_CELL if blank else num(op.value[i, j], decimals)
                rows.append(f"| {entry(op.result, i, j)} | {num(v, decimals)} | {shown} |")
    if total > listed:
        rows.append(_("| … {n} more | | |").format(n=total - listed))
    return rows


def fade_from(n_steps: int) -> int:
    """With fading, the first step left blank: the second half of the walk is the student's."""
    return n_steps // 2 + 1


def trace_markdown(
    session: Session,
    epochs: int,
    decimals: int = 4,
    blank: bool = False,
    fade: bool = False,
    header: str = "",
    answers: bool = False,
) -> str:
    """The handout; `header` is a line put under the title (a sheet's variant, say); `answers` adds the key
    to a planted mistake."""
    out: list[str] = []
    for epoch, steps in walk(session, epochs):
        if epoch == 1:
            out += _intro(session, steps, decimals, blank, fade)
            if header:
                out[1:1] = ["", header]
        sources = Sources(session, epoch, blank)
        out += [_("## Epoch {epoch}").format(epoch=count(epoch))]
        phase = None
        last_blank = blank
        for step in steps:
            if step.phase != phase:
                phase = step.phase
                heading = _(PHASES.get(phase, phase))
                out += ["", _("### {phase} (epoch {epoch})").format(phase=heading, epoch=count(epoch))]
            step_blank = blank or (fade and step.index >= fade_from(len(steps)))
            sources.blank = step_blank
            out += _step(step, len(steps), decimals, step_blank, sources)
            last_blank = step_blank
        J = BLANK_RESULT if blank else num(session.costs[epoch - 1], decimals)
        out += [
            "",
            _("### Epoch {epoch}: summary").format(epoch=count(epoch)),
            "",
            _("Cost before the update: J = {J}. Parameters before and after the update:").format(J=J),
            "",
            *_parameters_table(session, steps, decimals, last_blank),
            "",
        ]
    if session.diverged is not None:
        out += [_("**Stopped:** {reason}").format(reason=session.diverged), ""]
    if answers:
        out += _answer_key(session, decimals)
    return "\n".join(out).rstrip("\n") + "\n"
