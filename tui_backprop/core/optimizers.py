"""Update rules after the gradients: gradient descent, momentum and Adam, as PyTorch writes them.

- sgd:      W ← W − η g
- momentum: v ← μ v + g;  W ← W − η v  (torch.optim.SGD(momentum=μ); v starts at 0, so the first
            step gives v = g exactly, as torch's first step sets it)
- adam:     t ← t + 1;  m ← β1 m + (1 − β1) g;  s ← β2 s + (1 − β2) g²;
            m̂ = m / (1 − β1ᵗ);  ŝ = s / (1 − β2ᵗ);  W ← W − η m̂ / (√ŝ + ε)  (torch.optim.Adam)

g is ∂J/∂W (or ∂J/∂b): every weight matrix and bias row has its own v, or m and s, of its shape.
The state is a value, never changed in place, so a checkpoint can keep it as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Params, update

Array = np.ndarray

OPTIMIZERS = ("sgd", "momentum", "adam")
# The matrices each rule keeps per parameter, in the order they are shown.
SLOTS = {"sgd": (), "momentum": ("v",), "adam": ("m", "s")}


@dataclass(frozen=True)
class OptState:
    """The optimizer's memory between updates: `t` updates done, and per slot one Params-shaped set."""

    t: int
    slots: dict[str, Params]

    def named(self) -> dict[str, Array]:
        """{'v_W1': ..., 'v_b1': ...} or {'m_W1': ..., ..., 's_W1': ...}: ASCII names as in the trace."""
        return {f"{slot}_{name}": a for slot, p in self.slots.items() for name, a in p.named().items()}


@dataclass(frozen=True)
class Optimizer:
    name: str = "sgd"
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8

    def initial_state(self, params: Params) -> OptState:
        zeros = Params(tuple(np.zeros_like(w) for w in params.weights), tuple(np.zeros_like(b) for b in params.biases))
        return OptState(0, {slot: zeros for slot in SLOTS[self.name]})

    def step(
        self, params: Params, grad_w: list[Array], grad_b: list[Array], state: OptState, lr: float
    ) -> tuple[Params, OptState]:
        """One update of every parameter: the new parameters and the new state."""
        t = state.t + 1
        if self.name == "sgd":
            return update(params, grad_w, grad_b, lr), OptState(t, {})
        new_w, new_b, slots = [], [], {}
        if self.name == "momentum":
            v = state.slots["v"]
            vw = [self.momentum * v0 + g for v0, g in zip(v.weights, grad_w)]
            vb = [self.momentum * v0 + g for v0, g in zip(v.biases, grad_b)]
            new_w = [w - lr * v1 for w, v1 in zip(params.weights, vw)]
            new_b = [b - lr * v1 for b, v1 in zip(params.biases, vb)]
            slots["v"] = Params(tuple(vw), tuple(vb))
        else:
            m, s = state.slots["m"], state.slots["s"]
            b1, b2, eps = self.beta1, self.beta2, self.eps
            c1, c2 = 1.0 - b1**t, 1.0 - b2**t  # the bias corrections: both moments start at 0

            def moments(m0: Array, s0: Array, g: Array) -> tuple[Array, Array]:
                return b1 * m0 + (1.0 - b1) * g, b2 * s0 + (1.0 - b2) * (g * g)

            mw, sw = zip(*(moments(m0, s0, g) for m0, s0, g in zip(m.weights, s.weights, grad_w)))
            mb, sb = zip(*(moments(m0, s0, g) for m0, s0, g in zip(m.biases, s.biases, grad_b)))
            new_w = [w - lr * (m1 / c1) / (np.sqrt(s1 / c2) + eps) for w, m1, s1 in zip(params.weights, mw, sw)]
            new_b = [b - lr * (m1 / c1) / (np.sqrt(s1 / c2) + eps) for b, m1, s1 in zip(params.biases, mb, sb)]
            slots["m"], slots["s"] = Params(tuple(mw), tuple(mb)), Params(tuple(sw), tuple(sb))
        return Params(tuple(new_w), tuple(new_b)), OptState(t, slots)
