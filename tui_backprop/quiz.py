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
    return f"Shape of {step.operation(asked_output(step)).symbol}? ({SHAPE_EXAMPLE})"


def masked_shapes(step: Step) -> str:
    """The step's shape algebra with each result's shape replaced by '?'."""
    return ";  ".join(op.shapes_text("?") for op in step.operations)


# --- the optional value question -----------------------------------------------------------------


@dataclass(frozen=True)
class ValueTarget:
    label: str  # "J", "∂J/∂b2[1,1]"
    value: float


def value_target(step: Step) -> ValueTarget | None:
    """At a cost step (J, ∂J/∂ŷ) or a bias step (addGate backward: ∂J/∂b), one value to predict."""
    if step.kind.asks_value:
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
    """Why the step's results have the shapes they have: the gate kind's own reasons, the asked result first."""
    return " ".join(step.why(op) for op in step.operations)


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
