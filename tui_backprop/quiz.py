"""Quiz mode's questions and answers, as pure functions of an engine Step (no textual).

Before a step's results are revealed the student answers, result by result: its
shape; at a backward mulGate how the product is formed (a choice among the gate's
arrangements); and the values a lesson asks for (by default entry [1,1] at the
cost and at the sums over the batch). Everything here is read off the Step the
engine built; nothing is computed beyond reading shapes and entries.

    >>> parse_shape("(3, 1)")
    (3, 1)
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .i18n import N_, _
from .notation import dims, display_name, matrix_cells

if TYPE_CHECKING:
    from .core import Step  # the engine's numpy is not needed to import this

Shape = tuple[int, int]

# Shown through _() (they are looked up in the language in force when shown).
SHAPE_EXAMPLE = N_("rows×cols, e.g. {example}")
SHAPE_HINT = N_("Type the shape as rows×cols: 3x1, 3×1, 3 x 1, 3,1 or (3, 1).")
VALUE_HINT = N_("Type a number, e.g. 0.25 or -1.5e-3 (Enter alone skips).")

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


SHAPE, ARRANGEMENT, VALUE = "shape", "arrangement", "value"


@dataclass(frozen=True)
class Ask:
    """One question on a step: a result's shape, how its product is formed, or one of its values."""

    kind: str  # SHAPE | ARRANGEMENT | VALUE
    op: int  # which of the step's operations (results) it is about
    entry: tuple[int, int] = (0, 0)  # a value question's entry, 0-based


def asks(
    step: Step, values: Sequence[tuple[str, int, int]] | None = None, worked_value: bool = False
) -> tuple[Ask, ...]:
    """The questions on a step, in order: per result its shape; at a backward mulGate then how the product
    is formed; then the values asked of it. `values`: the lesson's (result, i, j) entries, or None for the
    default (entry [1,1] at the gates that ask one: the cost and the sums over the batch).
    `worked_value`: a worked example left to the student (fading) also asks its first result's [1,1]."""
    out: list[Ask] = []
    for k, op in enumerate(step.operations):
        out.append(Ask(SHAPE, k))
        if step.kind.arrangements(step, op)[0]:
            out.append(Ask(ARRANGEMENT, k))
        if values is not None:
            entries = [(i, j) for name, i, j in values if name == op.result]
        else:
            entries = [(0, 0)] if step.kind.asks_value and k == 0 else []
        if worked_value and k == 0 and not entries:
            entries = [(0, 0)]
        out += [Ask(VALUE, k, e) for e in entries]
    return tuple(out)


def shape_question(step: Step, ask: Ask) -> str:
    # The example is never the answer (3x1 is ∂J/∂W2's in the article's network).
    example = "2x5" if expected_shape(step, ask) == (3, 1) else "3x1"
    return _("Shape of {name}? ({example})").format(
        name=step.operations[ask.op].symbol, example=_(SHAPE_EXAMPLE).format(example=example)
    )


def expected_shape(step: Step, ask: Ask) -> Shape:
    return step.operations[ask.op].shape


def arrangement_question(step: Step, ask: Ask) -> tuple[str, tuple[str, ...], int]:
    """The prompt, the choices (keys 1–4) and the index of the right one."""
    op = step.operations[ask.op]
    choices, right = step.kind.arrangements(step, op)
    return _("How is {name} formed? Press 1–{n}.").format(name=op.symbol, n=len(choices)), choices, right


def why(step: Step, ask: Ask) -> str:
    """Why the asked result has its shape (and, at a backward mulGate, why the product is formed so)."""
    return step.why(step.operations[ask.op])


def given(step: Step) -> str:
    """What a step starts from, as stored (no transposes), with shapes: "a2 4×3, δ3 4×1"."""
    return ", ".join(f"{display_name(n)} {dims(a.shape)}" for n, a in step.inputs.items())


def worked(epoch: int, index: int, n_steps: int) -> bool:
    """Fading: epoch 1 works every step; each later epoch leaves one more to the student, from the last."""
    return index <= n_steps - (epoch - 1)


# --- the value question ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueTarget:
    label: str  # "J", "∂J/∂b2[1,1]"
    value: float
    peak: float = 0.0  # the largest entry in size of its matrix, which sets the power of ten it is shown in

    def written(self, decimals: int) -> str:
        """The value as its matrix shows it: `-2.213 ×10⁻⁵` where the matrix is shown ×10⁻⁵."""
        cells = matrix_cells([[self.value]], decimals, self.peak)
        return f"{cells.text[0][0].strip()} {cells.scale_text}".strip()

    def scale(self, decimals: int) -> int:
        return matrix_cells([[self.value]], decimals, self.peak).scale


def value_target(step: Step, ask: Ask) -> ValueTarget:
    op = step.operations[ask.op]
    i, j = ask.entry
    label = display_name(op.result) if op.value.size == 1 and op.result == "J" else f"{op.symbol}[{i + 1},{j + 1}]"
    peak = float(abs(op.value).max()) if op.value.size else 0.0
    return ValueTarget(label, float(op.value[i, j]), peak)


def value_question(target: ValueTarget) -> str:
    return _("Value of {name}? — Enter to skip").format(name=target.label)


def parse_value(text: str) -> float | None:
    try:
        x = float(text.strip().replace("−", "-").replace(",", "."))
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def check_value(answer: float, expected: float, decimals: int, tolerance: float | None = None, scale: int = 0) -> bool:
    """Right when within `tolerance` (a lesson's), else within half a unit of the last shown decimal — of
    the matrix as shown, ×10^scale (a gradient of 2e-5 is not answered by 0) — or a relative 1e-3."""
    if not (math.isfinite(answer) and math.isfinite(expected)):
        return False
    diff = abs(answer - expected)
    if tolerance is not None:
        return diff <= tolerance
    unit = 10.0 ** (scale - decimals)
    return diff <= 0.5 * unit * (1 + 1e-9) or diff <= 1e-3 * abs(expected)


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
