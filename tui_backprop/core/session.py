"""A walk through many epochs: where the stepper stands, and the history behind it.

History is kept compactly: the cost of every epoch (one float each) and the
parameters, with the optimizer's state, at a checkpoint every CHECKPOINT_EVERY
epochs. Any earlier epoch's parameters and state are recomputed from the nearest
checkpoint (full-batch training is deterministic), and its steps are rebuilt on
demand, so memory does not grow with the steps shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..i18n import _
from .errors import DivergenceError
from .network import Params, Pass, divergence_reason, train, update
from .optimizers import OptState
from .scenario import Scenario
from .trace import Step, epoch_steps, steps_per_epoch

if TYPE_CHECKING:
    from .bugs import Planted

CHECKPOINT_EVERY = 64


@dataclass(frozen=True)
class Position:
    epoch: int
    index: int  # 1-based


@dataclass(frozen=True)
class Update:
    """One epoch's update: the optimizer's state before and after it, and the parameters after it.

    The states are None for plain gradient descent, which keeps none.
    """

    state_before: OptState | None
    params_after: Params
    state_after: OptState | None


class Session:
    def __init__(self, scenario: Scenario, planted: Planted | None = None) -> None:
        """`planted`: a mistake (core/bugs.py) every epoch of this walk makes, as buggy code would."""
        self.scenario = scenario
        self.planted = planted
        self.net = scenario.network()
        self.n_steps = steps_per_epoch(scenario)
        self.reset()

    def reset(self) -> None:
        opt = self.scenario.optimizer
        # plain gradient descent keeps no state: None, and the trace's own update rule applies
        self._optimizer = None if opt.name == "sgd" else opt
        start = (self.scenario.params, self._optimizer.initial_state(self.scenario.params) if self._optimizer else None)
        self._checkpoints: dict[int, tuple[Params, OptState | None]] = {1: start}
        self.costs: list[float] = []  # costs[e - 1]: the forward cost of epoch e
        self.frontier = 1  # the last epoch whose starting parameters are known
        self._frontier_start = start
        self._cached: tuple[int, Params, OptState | None, Pass, list[Step], Update] | None = None
        self.diverged: DivergenceError | None = None
        self.position = Position(1, 1)
        self.epoch_pass(1)

    # --- history -------------------------------------------------------------------------------

    def params_at(self, epoch: int) -> Params:
        """Parameters at the start of `epoch` (1 ≤ epoch ≤ frontier)."""
        return self._start(epoch)[0]

    def state_at(self, epoch: int) -> OptState | None:
        """The optimizer's state at the start of `epoch` (None for plain gradient descent)."""
        return self._start(epoch)[1]

    def update_at(self, epoch: int) -> Update:
        """The update at the end of `epoch`: the optimizer's state before and after, the new parameters."""
        self.epoch_pass(epoch)
        return self._cached[5]

    def _start(self, epoch: int) -> tuple[Params, OptState | None]:
        if not 1 <= epoch <= self.frontier:
            raise IndexError(f"epoch {epoch} is outside 1..{self.frontier}")
        if epoch == self.frontier:
            return self._frontier_start
        if self._cached and self._cached[0] == epoch:
            return self._cached[1], self._cached[2]
        start = max(e for e in self._checkpoints if e <= epoch)
        params, state = self._checkpoints[start]
        for _step in range(epoch - start):
            p = self.net.full_pass(params, self.planted)
            params, state = self._update(params, state, p, self.planted)
        return params, state

    def _update(
        self, params: Params, state: OptState | None, p: Pass, planted: Planted | None
    ) -> tuple[Params, OptState | None]:
        if self._optimizer is None:
            return update(params, p.grad_w, p.grad_b, self.scenario.learning_rate, planted), None
        return self._optimizer.step(params, p.grad_w, p.grad_b, state, self.scenario.learning_rate)

    def _record(self, epoch: int, cost: float) -> None:
        if len(self.costs) < epoch:
            self.costs.append(cost)

    def epoch_pass(self, epoch: int) -> tuple[Params, Pass, list[Step]]:
        """The parameters, full pass and steps of one epoch; the last one asked for is cached."""
        if self._cached and self._cached[0] == epoch:
            return self._cached[1], self._cached[3], self._cached[4]
        params, state = self._start(epoch)
        p = self.net.full_pass(params, self.planted)
        self._record(epoch, p.cost)
        new, new_state = self._update(params, state, p, self.planted)
        steps = epoch_steps(self.scenario, params, epoch, p, new, state, new_state, self.planted)
        self._cached = (epoch, params, state, p, steps, Update(state, new, new_state))
        return params, p, steps

    def correct_steps(self, epoch: int) -> list[Step]:
        """Epoch `epoch` walked without the planted mistake, from the same starting parameters."""
        params, state = self._start(epoch)
        p = self.net.full_pass(params)
        new, new_state = self._update(params, state, p, None)
        return epoch_steps(self.scenario, params, epoch, p, new, state, new_state)

    def bug_step(self, epoch: int = 1) -> int | None:
        """The first step of `epoch` whose outputs differ from the correct walk's (None without a mistake)."""
        if self.planted is None:
            return None
        from .bugs import first_difference

        return first_difference(self.correct_steps(epoch), self.epoch_pass(epoch)[2])

    def can_enter(self, epoch: int) -> bool:
        """Whether `epoch` exists or can be computed without diverging; records divergence."""
        if epoch <= self.frontier:
            return True
        if epoch > self.frontier + 1 or self.diverged is not None:
            return False
        self.epoch_pass(self.frontier)
        done = self._cached[5]
        new = done.params_after
        cost = self.net.cost(new)
        reason = divergence_reason(cost, self.costs[0])
        if reason is None and not all(map(_finite, new.weights + new.biases)):
            reason = _("the update produced non-finite weights")
        if reason is not None:
            self.diverged = DivergenceError(epoch, cost, reason)
            return False
        self._set_frontier(self.frontier + 1, (new, done.state_after))
        return True

    def step(self, position: Position | None = None) -> Step:
        pos = position or self.position
        return self.epoch_pass(pos.epoch)[2][pos.index - 1]

    # --- moving ----------------------------------------------------------------------------------

    def move(self, delta: int) -> bool:
        """One step forward (+1) or back (-1), across epoch boundaries; False at either end."""
        e, i = self.position.epoch, self.position.index + delta
        if i > self.n_steps:
            if not self.can_enter(e + 1):
                return False
            e, i = e + 1, 1
        elif i < 1:
            if e == 1:
                return False
            e, i = e - 1, self.n_steps
        self.position = Position(e, i)
        self.epoch_pass(e)
        return True

    def go(self, index: int) -> None:
        """Jump within the current epoch (1-based, clamped)."""
        self.position = Position(self.position.epoch, max(1, min(self.n_steps, index)))

    def train(self, epochs: int, progress=None) -> DivergenceError | None:
        """Train up to `epochs` more epochs past the frontier without building steps.

        Stands at step 1 of the new last epoch. Stops early, keeping every sane
        epoch, when the cost diverges; the error is returned and kept.
        """
        if self.diverged is not None:
            return self.diverged
        if self.planted is not None:
            return self._train_planted(epochs, progress)
        done = 0
        while done < epochs and self.diverged is None:
            # Train in chunks that end on checkpoint boundaries, so history stays recomputable.
            next_checkpoint = ((self.frontier - 1) // CHECKPOINT_EVERY + 1) * CHECKPOINT_EVERY + 1
            chunk = min(epochs - done, next_checkpoint - self.frontier)
            offset = done
            report = (lambda i, offset=offset: progress(offset + i)) if progress else None
            first = self.costs[0]  # epoch 1's, recorded on reset: growth is measured from it
            start = self.frontier
            params, state = self._frontier_start
            lr = self.scenario.learning_rate
            result = train(self.net, params, lr, chunk, first, start, report, self._optimizer, state)
            for i, cost in enumerate(result.costs):
                self._record(start + i, cost)
            if result.diverged is not None:
                self.diverged = result.diverged
                # result.params start the diverged epoch; the last sane epoch is the one before.
                if result.costs:
                    self._set_frontier(start + len(result.costs) - 1, (result.previous, result.previous_state))
                break
            self._set_frontier(start + len(result.costs), (result.params, result.state))
            done += len(result.costs)
        self.position = Position(self.frontier, 1)
        self.epoch_pass(self.frontier)
        return self.diverged

    def _train_planted(self, epochs: int, progress=None) -> DivergenceError | None:
        """Training with the mistake: epoch by epoch through the planted pass (the fast loop has no plant)."""
        for done in range(1, epochs + 1):
            if not self.can_enter(self.frontier + 1):
                break
            if progress is not None:
                progress(done)
        self.position = Position(self.frontier, 1)
        self.epoch_pass(self.frontier)
        return self.diverged

    def _set_frontier(self, epoch: int, start: tuple[Params, OptState | None]) -> None:
        if epoch < self.frontier:
            self._checkpoints = {e: c for e, c in self._checkpoints.items() if e <= epoch}
        self.frontier = epoch
        self._frontier_start = start
        if (epoch - 1) % CHECKPOINT_EVERY == 0:
            self._checkpoints[epoch] = start
        if self._cached and self._cached[0] > epoch:
            self._cached = None
        del self.costs[epoch:]


def _finite(a) -> bool:
    return bool(np.isfinite(a).all())
