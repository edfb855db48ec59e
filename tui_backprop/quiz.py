"""Quiz mode's questions and answers, as pure functions of an engine Step (no textual).

Before a step's result is revealed the student types its shape; at a cost step
or a bias-gradient step, optionally one value too. Everything here is read off
the Step the engine built (its outputs, inputs and layer); nothing is computed
beyond reading shapes and one entry.

    >>> parse_shape("(3, 1)")
    (3, 1)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .notation import display_name

if TYPE_CHECKING:
    from .core import Step  # the engine's numpy is not needed to import this

Shape = tuple[int, int]

SHAPE_EXAMPLE = "rows×cols, e.g. 3x1"
SHAPE_HINT = "Type the shape as rows×cols: 3x1, 3×1, 3 x 1, 3,1 or (3, 1)."
VALUE_HINT = "Type a number, e.g. 0.25 or -1.5e-3 (Enter alone skips)."

_SHAPE = re.compile(r"^\(?\s*(\d{1,6})\s*(?:[x×X*,]|\s)\s*(\d{1,6})\s*\)?$")
_OUT_SHAPE = re.compile(r"→ \d+×\d+[^;]*")
_UPDATE_NEW = re.compile(r"(^|;\s*)\d+×\d+ −")


def fmt_shape(shape: Shape) -> str:
    return f"{shape[0]}×{shape[1]}"


def _shape(a) -> Shape:
    return int(a.shape[0]), int(a.shape[1])


def parse_shape(text: str) -> Shape | None:
    """`3x1`, `3×1`, `3 x 1`, `3,1`, `(3, 1)`, `3 1` → (3, 1); anything else → None."""
    m = _SHAPE.match(text.strip())
    if not m:
        return None
    rows, cols = int(m.group(1)), int(m.group(2))
    if rows < 1 or cols < 1:
        return None
    return rows, cols


def asked_output(step: Step) -> str:
    """The output the shape question is about: the step's first output (∂J/∂W for a backward mulGate)."""
    return next(iter(step.outputs))


def expected_shape(step: Step) -> Shape:
    return _shape(step.outputs[asked_output(step)])


def shape_question(step: Step) -> str:
    name = display_name(asked_output(step))
    if step.phase == "update":
        name = f"the new {name}"
    return f"Shape of {name}? ({SHAPE_EXAMPLE})"


def masked_shapes(step: Step) -> str:
    """The step's shape algebra with the result's shape replaced by '?'."""
    if step.phase == "update":
        return _UPDATE_NEW.sub(lambda m: f"{m.group(1)}? −", step.shapes)
    return _OUT_SHAPE.sub("→ ?", step.shapes)


# --- the optional value question -----------------------------------------------------------------


@dataclass(frozen=True)
class ValueTarget:
    label: str  # "J", "∂J/∂b2[1,1]"
    value: float


def value_target(step: Step) -> ValueTarget | None:
    """At a cost step (J, ∂J/∂ŷ) or a bias step (addGate backward: ∂J/∂b), one value to predict."""
    if step.gate == "cost" or (step.gate == "add" and step.phase == "backward"):
        name = asked_output(step)
        a = step.outputs[name]
        label = display_name(name) if a.size == 1 and name == "J" else f"{display_name(name)}[1,1]"
        return ValueTarget(label, float(a[0, 0]))
    return None


def value_question(target: ValueTarget) -> str:
    return f"Value of {target.label}? — Enter to skip"


def parse_value(text: str) -> float | None:
    try:
        x = float(text.strip().replace("−", "-").replace(",", "."))
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def check_value(answer: float, expected: float, decimals: int) -> bool:
    """Right when within half a unit of the last shown decimal, or within a relative 1e-3."""
    if not (math.isfinite(answer) and math.isfinite(expected)):
        return False
    diff = abs(answer - expected)
    return diff <= 0.5 * 10.0 ** (-decimals) + 1e-12 or diff <= 1e-3 * abs(expected)


# --- why ---------------------------------------------------------------------------------------------


def why(step: Step) -> str:
    """Why the result has the shape it has, from the gate's rule and the step's own shapes."""
    out = asked_output(step)
    name = display_name(out)
    shape = fmt_shape(expected_shape(step))
    l = step.layer
    if step.gate == "mul" and step.phase == "forward":
        a_name, w_name = list(step.inputs)
        a, w = step.inputs[a_name], step.inputs[w_name]
        return (
            f"A matrix product: the inner dimensions cancel, (a×b)·(b×c) → a×c. Here "
            f"({fmt_shape(_shape(a))})·({fmt_shape(_shape(w))}) → {shape}: one row per observation of "
            f"{display_name(a_name)}, one column per unit of {w_name}."
        )
    if step.gate == "mul":  # backward
        a_name = next(n for n in step.inputs if not n.startswith(("delta", "W")))
        a, w = step.inputs[a_name], step.inputs[f"W{l}"]
        delta = display_name(f"delta{l + 1}")
        d = step.inputs[f"delta{l + 1}"]
        a_sym = display_name(a_name)
        text = (
            f"∂J/∂W{l} has W{l}'s shape {fmt_shape(_shape(w))}, which is why {a_sym} is transposed and put on "
            f"the left: {a_sym}ᵀ·{delta} is ({fmt_shape(_shape(a.T))})·({fmt_shape(_shape(d))}) → {shape} — "
            f"the inner dimensions ({a.shape[0]}, the observations) cancel, so the product sums over the batch."
        )
        if f"dJ_da{l}" in step.outputs:
            text += (
                f" ∂J/∂{a_sym} has {a_sym}'s shape {fmt_shape(_shape(a))}, so W{l} is transposed and goes "
                f"on the right: {delta}·W{l}ᵀ."
            )
        return text
    if step.gate == "add" and step.phase == "forward":
        b_name = f"b{l}"
        b = step.inputs[b_name]
        return (
            f"Adding {b_name} ({fmt_shape(_shape(b))}) broadcasts its one row to every row, so the shape does "
            f"not change: {name} has the shape of the product, {shape}."
        )
    if step.gate == "add":  # backward: the bias gradient
        d = step.inputs[f"delta{l + 1}"]
        delta = display_name(f"delta{l + 1}")
        return (
            f"1ᵀ·{delta} sums the {d.shape[0]} rows of {delta} into one row — the sum over the batch, "
            f"because b{l} was one row broadcast to all {d.shape[0]} observations — so ∂J/∂b{l} has "
            f"b{l}'s shape 1×{d.shape[1]}."
        )
    if step.gate == "activation":
        if step.phase == "forward":
            z = display_name(next(iter(step.inputs)))
            return (
                f"The activation is element-wise: it acts on each entry of {z} on its own, so {name} has "
                f"{z}'s shape {shape}."
            )
        z = f"z{l + 1}"
        return (
            f"f' is applied element-wise: {name} = upstream ⊙ f'({z}) multiplies entry by entry (⊙, not a "
            f"matrix product), so {name} has {z}'s shape {shape}."
        )
    if step.gate == "cost":
        if step.phase == "forward":
            return (
                "The cost is a single number, 1×1: the squared errors of every observation are summed over "
                "the batch into one J."
            )
        return (
            f"∂J/∂ŷ is the element-wise derivative of the cost with respect to each prediction, so it has "
            f"ŷ's shape {shape}: one entry per observation and output."
        )
    if step.gate == "update":
        return (
            f"W ← W − η·∂J/∂W subtracts a gradient of the same shape, so the new {name} has the "
            f"parameter's shape {shape} (and the new b{l} has b{l}'s)."
        )
    return f"{name} is {shape}."


# --- scoring -----------------------------------------------------------------------------------------


@dataclass
class Score:
    right: int = 0
    asked: int = 0

    def add(self, correct: bool) -> None:
        self.asked += 1
        self.right += int(correct)

    def __str__(self) -> str:
        return f"{self.right}/{self.asked}"
