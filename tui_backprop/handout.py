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

import re

import numpy as np

from .core import Session, Step
from .export import walk
from .notation import display_name, format_number

BLANK_CELL = "______"
BLANK_SHAPE = "__×__"
BLANK_RESULT = "____"
MINUS = "−"
MAX_ROWS = 16  # longer matrices show their first rows, a "⋮" row and the last row
MAX_COLS = 10
MAX_TERMS = 8  # sums with more terms are abbreviated with "…"
MAX_PARAMETER_ROWS = 64  # entries listed in an epoch's before/after table

PHASES = {"forward": "Forward pass", "backward": "Backward pass", "update": "Update"}
GIVEN = re.compile(r"^(X|y|W\d+|b\d+)$")


# --- numbers ---------------------------------------------------------------------------------


def num(v: float, decimals: int) -> str:
    """A number as printed: fixed decimals, a true minus sign, no negative zero."""
    text = format_number(v, decimals)
    if text.startswith("-"):
        text = text[1:] if float(text[1:]) == 0 else MINUS + text[1:]
    return text


def pnum(v: float, decimals: int) -> str:
    """A number as a factor or a later term: negative ones in parentheses."""
    text = num(v, decimals)
    return f"({text})" if text.startswith(MINUS) else text


def dims(shape: tuple[int, ...]) -> str:
    return f"{shape[0]}×{shape[1]}"


def entry(name: str, i: int, j: int) -> str:
    """`name[i,j]`, 1-based as printed (i, j are 0-based)."""
    return f"{display_name(name)}[{i + 1},{j + 1}]"


# --- matrices as tables ----------------------------------------------------------------------


def _indices(n: int, limit: int) -> list[int | None]:
    if n <= limit:
        return list(range(n))
    return list(range(limit - 1)) + [None, n - 1]  # None: the elided middle


def md_matrix(a: np.ndarray, decimals: int, blank: bool = False) -> str:
    """A matrix as a Markdown table with 1-based row and column numbers."""
    rows, cols = _indices(a.shape[0], MAX_ROWS), _indices(a.shape[1], MAX_COLS)
    header = "|   | " + " | ".join("…" if j is None else str(j + 1) for j in cols) + " |"
    rule = "|---|" + "---:|" * len(cols)
    body = []
    for i in rows:
        if i is None:
            body.append("| ⋮ | " + " | ".join("⋮" for _ in cols) + " |")
            continue
        cells = ["…" if j is None else (BLANK_CELL if blank else num(a[i, j], decimals)) for j in cols]
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


class Worked:
    """One entry's equation: left side, the symbols, the numbers plugged in, the engine's result."""

    def __init__(self, lhs: str, symbols: str, numbers: str, result: float, note: str = "", arrow: str = "=") -> None:
        self.lhs, self.symbols, self.numbers, self.result = lhs, symbols, numbers, result
        self.note, self.arrow = note, arrow

    def render(self, decimals: int, blank: bool) -> list[str]:
        pad = " " * len(self.lhs)
        result = BLANK_RESULT if blank else num(self.result, decimals)
        lines = [f"{self.lhs} {self.arrow} {self.symbols}", f"{pad} = {self.numbers}", f"{pad} = {result}"]
        if self.note:
            lines.append(f"{pad}   ({self.note})")
        return lines


def _sum(terms: list[str]) -> str:
    """Terms joined by +, abbreviated to the first three and the last when there are many."""
    if len(terms) > MAX_TERMS:
        return " + ".join(terms[:3]) + " + … + " + terms[-1]
    return " + ".join(terms)


def _terms(values: list[float], decimals: int) -> str:
    parts = [num(values[0], decimals)] + [pnum(v, decimals) for v in values[1:]]
    return _sum(parts)


def _products(pairs: list[tuple[float, float]], decimals: int) -> str:
    parts = [
        f"{num(a, decimals) if k == 0 else pnum(a, decimals)}·{pnum(b, decimals)}" for k, (a, b) in enumerate(pairs)
    ]
    return _sum(parts)


class _Context:
    """What a worked example may look up besides its own step: settings and the epoch's forward outputs."""

    def __init__(self, session: Session, steps: list[Step], decimals: int) -> None:
        s = session.scenario
        self.d = decimals
        self.n_layers = len(s.params.weights)
        self.hidden, self.output = s.activation, s.output_activation
        self.cost = s.cost
        self.eta = s.learning_rate
        self.forward_act = {st.layer: st for st in steps if st.phase == "forward" and st.gate == "activation"}

    def act(self, layer: int) -> str:
        return self.output if layer == self.n_layers else self.hidden


def _forward_mul(step: Step, c: _Context) -> list[Worked]:
    (a_name, a), (w_name, w) = step.inputs.items()
    ((out_name, out),) = step.outputs.items()
    k = range(a.shape[1])
    symbols = _sum([f"{entry(a_name, 0, t)}·{entry(w_name, t, 0)}" for t in k])
    numbers = _products([(a[0, t], w[t, 0]) for t in k], c.d)
    return [Worked(entry(out_name, 0, 0), symbols, numbers, out[0, 0])]


def _forward_add(step: Step, c: _Context) -> list[Worked]:
    (p_name, p), (b_name, b) = step.inputs.items()
    ((out_name, out),) = step.outputs.items()
    return [
        Worked(
            entry(out_name, 0, 0),
            f"{entry(p_name, 0, 0)} + {entry(b_name, 0, 0)}",
            f"{num(p[0, 0], c.d)} + {pnum(b[0, 0], c.d)}",
            out[0, 0],
        )
    ]


def _forward_act(step: Step, c: _Context) -> list[Worked]:
    ((z_name, z),) = step.inputs.items()
    ((out_name, out),) = step.outputs.items()
    zs, z0 = entry(z_name, 0, 0), z[0, 0]
    act = c.act(step.layer)
    if act == "sigmoid":
        symbols, numbers = f"σ({zs}) = 1/(1 + e^(−{zs}))", f"1/(1 + e^({num(-z0, c.d)}))"
    elif act == "tanh":
        symbols, numbers = f"tanh({zs})", f"tanh({num(z0, c.d)})"
    elif act == "relu":
        symbols, numbers = f"max(0, {zs})", f"max(0, {num(z0, c.d)})"
    else:
        symbols, numbers = zs, num(z0, c.d)
    return [Worked(entry(out_name, 0, 0), symbols, numbers, out[0, 0])]


def _cost(step: Step, c: _Context) -> list[Worked]:
    y, yhat = step.inputs["y"], step.inputs["yhat"]
    J = step.outputs["J"]
    m = y.shape[0]
    count = y.size
    scale_sym, scale_num = ("½", "½") if c.cost == "sse" else ("1/(2m)", f"(1/(2·{m}))")
    squares = [f"({num(a, c.d)} {MINUS} {pnum(b, c.d)})²" for a, b in zip(y.ravel(), yhat.ravel())]
    symbols = f"{scale_sym}·Σ (y[i,j] {MINUS} ŷ[i,j])², over all {count} entr{'y' if count == 1 else 'ies'}"
    return [Worked("J", symbols, f"{scale_num}·({_sum(squares)})", J[0, 0])]


def _cost_prime(step: Step, c: _Context) -> list[Worked]:
    y, yhat = step.inputs["y"], step.inputs["yhat"]
    ((out_name, out),) = step.outputs.items()
    m = y.shape[0]
    over_sym, over_num = ("", "") if c.cost == "sse" else ("/m", f"/{m}")
    return [
        Worked(
            entry(out_name, 0, 0),
            f"{MINUS}({entry('y', 0, 0)} {MINUS} {entry('yhat', 0, 0)}){over_sym}",
            f"{MINUS}({num(y[0, 0], c.d)} {MINUS} {pnum(yhat[0, 0], c.d)}){over_num}",
            out[0, 0],
        )
    ]


def _act_prime(step: Step, c: _Context) -> list[Worked]:
    (u_name, u), (z_name, z) = step.inputs.items()
    ((out_name, out),) = step.outputs.items()
    act = c.act(step.layer)
    us, zs, u0 = entry(u_name, 0, 0), entry(z_name, 0, 0), pnum(u[0, 0], c.d)
    note = ""
    forward = c.forward_act.get(step.layer)
    if act in ("sigmoid", "tanh") and forward is not None:
        ((a_name, a),) = forward.outputs.items()
        as_, a0 = entry(a_name, 0, 0), a[0, 0]
        if act == "sigmoid":
            symbols = f"{us}·σ'({zs}) = {us}·{as_}·(1 {MINUS} {as_})"
            numbers = f"{u0}·{pnum(a0, c.d)}·(1 {MINUS} {pnum(a0, c.d)})"
            note = f"σ'(z) = σ(z)(1 − σ(z)), and σ({zs}) = {as_} from the forward pass"
        else:
            symbols = f"{us}·tanh'({zs}) = {us}·(1 {MINUS} {as_}²)"
            numbers = f"{u0}·(1 {MINUS} {pnum(a0, c.d)}²)"
            note = f"tanh'(z) = 1 − tanh²(z), and tanh({zs}) = {as_} from the forward pass"
    elif act == "relu":
        positive = z[0, 0] > 0
        symbols = f"{us}·relu'({zs})"
        numbers = f"{u0}·{1 if positive else 0}"
        note = f"{zs} = {num(z[0, 0], c.d)} {'>' if positive else '≤'} 0, so relu' = {1 if positive else 0}"
    else:
        symbols, numbers = f"{us}·1", f"{u0}·1"
    return [Worked(entry(out_name, 0, 0), symbols, numbers, out[0, 0], note=note)]


def _backward_add(step: Step, c: _Context) -> list[Worked]:
    ((d_name, d),) = step.inputs.items()
    ((out_name, out),) = step.outputs.items()
    rows = range(d.shape[0])
    symbols = _sum([entry(d_name, i, 0) for i in rows])
    return [
        Worked(
            entry(out_name, 0, 0),
            f"(1ᵀ·{display_name(d_name)})[1,1] = {symbols}",
            _terms([d[i, 0] for i in rows], c.d),
            out[0, 0],
            note=f"column 1 of {display_name(d_name)} summed over the {d.shape[0]} observations",
        )
    ]


def _backward_mul(step: Step, c: _Context) -> list[Worked]:
    (a_name, a), (d_name, d), (w_name, w) = step.inputs.items()
    outs = list(step.outputs.items())
    an, dn, wn = display_name(a_name), display_name(d_name), display_name(w_name)
    (gw_name, gw) = outs[0]
    rows = range(a.shape[0])
    worked = [
        Worked(
            entry(gw_name, 0, 0),
            f"({an}ᵀ·{dn})[1,1] = " + _sum([f"{entry(a_name, i, 0)}·{entry(d_name, i, 0)}" for i in rows]),
            _products([(a[i, 0], d[i, 0]) for i in rows], c.d),
            gw[0, 0],
            note=f"{an}ᵀ[1,i] = {an}[i,1]: one term per observation",
        )
    ]
    if len(outs) > 1:
        (ga_name, ga) = outs[1]
        units = range(d.shape[1])
        worked.append(
            Worked(
                entry(ga_name, 0, 0),
                f"({dn}·{wn}ᵀ)[1,1] = " + _sum([f"{entry(d_name, 0, j)}·{entry(w_name, 0, j)}" for j in units]),
                _products([(d[0, j], w[0, j]) for j in units], c.d),
                ga[0, 0],
                note=f"{wn}ᵀ[j,1] = {wn}[1,j]",
            )
        )
    return worked


def _update(step: Step, c: _Context) -> list[Worked]:
    worked = []
    eta = f"{c.eta:g}"
    for kind in ("W", "b"):
        name = f"{kind}{step.layer}"
        grad = f"dJ_d{name}"
        before, g, after = step.inputs[name], step.inputs[grad], step.outputs[name]
        worked.append(
            Worked(
                entry(name, 0, 0),
                f"{entry(name, 0, 0)} {MINUS} η·{entry(grad, 0, 0)}",
                f"{num(before[0, 0], c.d)} {MINUS} {eta}·{pnum(g[0, 0], c.d)}",
                after[0, 0],
                arrow="←",
            )
        )
    return worked


_WORKED = {
    ("forward", "mul"): _forward_mul,
    ("forward", "add"): _forward_add,
    ("forward", "activation"): _forward_act,
    ("forward", "cost"): _cost,
    ("backward", "cost"): _cost_prime,
    ("backward", "activation"): _act_prime,
    ("backward", "add"): _backward_add,
    ("backward", "mul"): _backward_mul,
    ("update", "update"): _update,
}


def worked_examples(step: Step, session: Session, steps: list[Step], decimals: int) -> list[Worked]:
    """The worked examples of one step (empty for a gate without one)."""
    make = _WORKED.get((step.phase, step.gate))
    return make(step, _Context(session, steps, decimals)) if make else []


# --- the document ----------------------------------------------------------------------------


def _next(n: str) -> int:
    return int(n) + 1


_MEANINGS = [
    (r"X", lambda: "inputs, one observation per row (a1)"),
    (r"y", lambda: "targets, one row per observation"),
    (r"W(\d+)", lambda l: f"weights, layer {l} → layer {_next(l)}"),
    (r"b(\d+)", lambda l: f"biases of layer {_next(l)} (one row, broadcast to every row)"),
    (r"(X|a\d+)W(\d+)", lambda a, l: f"the product {a} · W{l}"),
    (r"z(\d+)", lambda l: f"pre-activation of layer {l}"),
    (r"a(\d+)", lambda l: f"activation of layer {l}"),
    (r"yhat", lambda: "predictions (the last layer's activation)"),
    (r"J", lambda: "cost, one number (1×1)"),
    (r"dJ_dyhat", lambda: "gradient of J with respect to the predictions"),
    (r"delta(\d+)", lambda l: f"error back-propagated to layer {l}, ∂J/∂z{l}"),
    (r"dJ_dW(\d+)", lambda l: f"gradient of J with respect to W{l}"),
    (r"dJ_db(\d+)", lambda l: f"gradient of J with respect to b{l}"),
    (r"dJ_da(\d+)", lambda l: f"gradient of J with respect to a{l}"),
]


def meaning(name: str) -> str:
    for pattern, text in _MEANINGS:
        if m := re.fullmatch(pattern, name):
            return text(*m.groups())
    return ""


def _shapes_table(steps: list[Step], blank: bool) -> list[str]:
    seen: dict[str, tuple[int, ...]] = {}
    for step in steps:
        if step.phase == "update":
            continue
        for name, value in [*step.inputs.items(), *step.outputs.items()]:
            seen.setdefault(name, value.shape)
    rows = ["| matrix | meaning | shape |", "|---|---|---|"]
    for name, shape in seen.items():
        shown = dims(shape) if not blank or GIVEN.match(name) else f"`{BLANK_SHAPE}`"
        rows.append(f"| {display_name(name)} | {meaning(name)} | {shown} |")
    return rows


def _blank_shapes(shapes: str) -> str:
    """A step's shapes with every result shape (after →) blanked."""
    return re.sub(r"→ \d+×\d+", f"→ {BLANK_SHAPE}", shapes)


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
    title = "Worked solution" if not blank else "Exercise sheet"
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
    out += ["## Shapes", "", *_shapes_table(steps, blank), ""]
    return out


def _parameters_table(steps: list[Step], decimals: int, blank: bool) -> list[str]:
    rows = ["| parameter | before | after |", "|---|---:|---:|"]
    updates = sorted((st for st in steps if st.phase == "update"), key=lambda st: st.layer)
    listed = total = 0
    for st in updates:
        for kind in ("W", "b"):
            name = f"{kind}{st.layer}"
            before, after = st.inputs[name], st.outputs[name]
            for (i, j), v in np.ndenumerate(before):
                total += 1
                if listed < MAX_PARAMETER_ROWS:
                    listed += 1
                    shown = BLANK_CELL if blank else num(after[i, j], decimals)
                    rows.append(f"| {entry(name, i, j)} | {num(v, decimals)} | {shown} |")
    if total > listed:
        rows.append(f"| … {total - listed} more | | |")
    return rows


def _step(step: Step, n_steps: int, session: Session, steps: list[Step], decimals: int, blank: bool) -> list[str]:
    shapes = _blank_shapes(step.shapes) if blank else step.shapes
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
    worked = worked_examples(step, session, steps, decimals)
    if worked:
        out += ["Worked example, entry [1,1]:", "", "```text"]
        for w in worked:
            out += w.render(decimals, blank)
        out += ["```", ""]
    return out


def trace_markdown(session: Session, epochs: int, decimals: int = 4, blank: bool = False) -> str:
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
            out += _step(step, len(steps), session, steps, decimals, blank)
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
    return "\n".join(out).rstrip("\n") + "\n"
