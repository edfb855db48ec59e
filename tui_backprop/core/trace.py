"""One training iteration as the article's walk: one Step per gate.

Steps are views of a single forward/backward pass (network.Network.full_pass),
so the stepper, the command line and the exports show exactly the numbers the
fast training loop computes. What a step is and says comes from its gate kind
(core/gates.py); a Step only binds a kind to one layer's operations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from .gates import (
    ACTIVATION,
    BIAS_ADD,
    BIAS_GRADIENT,
    COST_GATE,
    COST_PRIME,
    F_PRIME,
    FUSED_DELTA,
    LOG_COST,
    OPTIMIZER_UPDATE,
    PRODUCT,
    PRODUCT_GRADIENTS,
    UPDATE_GATE,
    Facts,
    GateKind,
    Walk,
)
from .network import FUSED_RULES, Params, Pass, update
from .operations import Expansion, Operation
from .optimizers import OptState
from .scenario import Scenario

if TYPE_CHECKING:
    from .bugs import Planted

Array = np.ndarray


@dataclass(frozen=True, eq=False)
class Step:
    epoch: int
    index: int  # 1-based within the epoch
    kind: GateKind
    layer: int  # the l of W_l / b_l this gate belongs to; 0 for the cost
    operations: tuple[Operation, ...]
    facts: Facts
    context: dict[str, Array] = field(default_factory=dict)  # inputs beside the operands (z behind f'(z))

    @property
    def phase(self) -> str:  # forward | backward | update
        return self.kind.phase

    @property
    def gate(self) -> str:  # mul | add | activation | cost | update
        return self.kind.gate

    @property
    def node(self) -> str:  # the graph node this step lights, e.g. "mul1", "act2", "cost"
        return self.kind.node(self.layer)

    # Words are made when asked (not cached): they follow the language in force (tui_backprop/i18n.py).
    @property
    def title(self) -> str:
        return self.kind.title(self)

    @property
    def equation(self) -> str:
        return self.kind.equation(self)

    @cached_property
    def shapes(self) -> str:
        return ";  ".join(op.shapes_text() for op in self.operations)

    @property
    def explanation(self) -> str:
        return self.kind.explanation(self)

    @cached_property
    def inputs(self) -> dict[str, Array]:
        return self.kind.inputs(self)

    @cached_property
    def outputs(self) -> dict[str, Array]:
        return {op.result: op.value for op in self.operations}

    def operation(self, result: str) -> Operation:
        return next(op for op in self.operations if op.result == result)

    def why(self, op: Operation) -> str:
        return self.kind.why(self, op)

    def expand(self, result: str, i: int, j: int) -> Expansion:
        return self.operation(result).expand(i, j)

    def note(self, op: Operation, decimals: int) -> str:
        return self.kind.note(self, op, decimals)


def facts_of(scenario: Scenario) -> Facts:
    return Facts(
        m=scenario.m,
        n_layers=len(scenario.layers) - 1,
        hidden=scenario.activation,
        output=scenario.output_activation,
        cost=scenario.cost,
        eta=scenario.learning_rate,
        optimizer=scenario.optimizer,
        fused=scenario.cost in FUSED_RULES,
    )


def walk_order(facts: Facts) -> list[tuple[GateKind, int]]:
    """The gates of one epoch in the article's order: (kind, layer)."""
    n = facts.n_layers
    order: list[tuple[GateKind, int]] = []
    for l in range(1, n + 1):
        order += [(PRODUCT, l), (BIAS_ADD, l), (ACTIVATION, l)]
    if facts.fused:  # the output activation and the cost are differentiated together: one step to δ
        order += [(LOG_COST, 0), (FUSED_DELTA, n), (BIAS_GRADIENT, n), (PRODUCT_GRADIENTS, n)]
    else:
        order += [(COST_GATE, 0), (COST_PRIME, 0), (F_PRIME, n), (BIAS_GRADIENT, n), (PRODUCT_GRADIENTS, n)]
    for l in range(n - 1, 0, -1):
        order += [(F_PRIME, l), (BIAS_GRADIENT, l), (PRODUCT_GRADIENTS, l)]
    # Updates from the output layer down, with gradients from the epoch's starting weights.
    updating = UPDATE_GATE if facts.optimizer.name == "sgd" else OPTIMIZER_UPDATE
    order += [(updating, l) for l in range(n, 0, -1)]
    return order


def epoch_steps(
    scenario: Scenario,
    params: Params,
    epoch: int,
    p: Pass,
    new: Params | None = None,
    state_before: OptState | None = None,
    state_after: OptState | None = None,
    planted: Planted | None = None,
) -> list[Step]:
    """The steps of one epoch, given the parameters at its start and their full pass (and, for momentum
    and Adam, the parameters after the update and the optimizer's state before and after it).

    With a planted mistake, `p` (and `new`) come from the pass it was planted in; its gate is built by
    the mistake's kind.
    """
    facts = facts_of(scenario)
    if new is None:
        new = update(params, p.grad_w, p.grad_b, scenario.learning_rate, planted)
    walk = Walk(facts, params, p, scenario.y, new, np.ones((1, scenario.m)), state_before, state_after)
    steps = []
    for index, (kind, layer) in enumerate(walk_order(facts), start=1):
        if planted is not None:
            kind = planted.kind_at(kind, layer)
        operations, context = kind.build(walk, layer)
        steps.append(Step(epoch, index, kind, layer, operations, facts, context))
    return steps


def steps_per_epoch(scenario: Scenario) -> int:
    return len(walk_order(facts_of(scenario)))
