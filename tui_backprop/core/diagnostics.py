"""How well the gradient flows: per-layer gradient norms, saturated f' and dead relu units.

Plain functions of a full pass, for the views to mark: a deep sigmoid network's first layers get
gradients orders of magnitude smaller than its last (each σ' ≤ 0.25 shrinks the error on its way
back), and a relu unit whose z ≤ 0 for the whole batch passes back nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS
from .network import CHAIN, Network, Pass

Array = np.ndarray

# The largest value of each activation's f' (σ' at z = 0 is 1/4); relu and identity never saturate.
F_PRIME_MAX = {"sigmoid": 0.25, "tanh": 1.0}
# An f' below this fraction of its maximum counts as saturated: it lets through under 1 % of the error.
SATURATED_BELOW = 0.01


def gradient_norms(p: Pass) -> list[float]:
    """‖∂J/∂W_l‖ (Frobenius: the root of the sum of squares) for l = 1..L-1."""
    return [float(np.linalg.norm(g)) for g in p.grad_w]


def saturated(activation: str, a: Array) -> Array:
    """Boolean mask of the entries whose f' (from the activation's output a) is below 1 % of its maximum.

    Always False for relu and identity: relu's zeros are dead units, not saturation (see dead_units).
    """
    top = F_PRIME_MAX.get(activation)
    if top is None:
        return np.zeros(a.shape, dtype=bool)
    return ACTIVATIONS[activation][1](a) < SATURATED_BELOW * top


def dead_units(z: Array) -> Array:
    """Boolean mask (1 × units) of relu units with z ≤ 0 for every observation: relu' is 0 for the whole batch."""
    return (z <= 0.0).all(axis=0, keepdims=True)


@dataclass(frozen=True)
class LayerFlow:
    layer: int  # l of W_l: the gate from layer l to layer l + 1
    activation: str  # the activation of layer l + 1
    grad_norm: float  # ‖∂J/∂W_l‖
    saturated: Array | None  # mask over f'(z_(l+1)); None at a fused output, where f' is not used
    dead: Array  # 1 × units mask; all False unless the activation is relu


def gradient_flow(net: Network, p: Pass) -> list[LayerFlow]:
    """Each weight layer's gradient norm, and which entries of its f' are saturated or its units dead."""
    n = len(p.grad_w)
    norms = gradient_norms(p)
    out = []
    for k in range(n):
        last = k == n - 1
        act = net.output_activation_name if last else net.activation_name
        fused = last and p.output_rule != CHAIN
        a, z = p.activations[k + 1], p.zs[k]
        out.append(
            LayerFlow(
                layer=k + 1,
                activation=act,
                grad_norm=norms[k],
                saturated=None if fused else saturated(act, a),
                dead=dead_units(z) if act == "relu" else np.zeros((1, z.shape[1]), dtype=bool),
            )
        )
    return out
