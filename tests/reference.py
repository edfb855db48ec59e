"""The maths written out again, independently of tui_backprop.core: what the engine is checked against.

Each activation and its derivative in terms of z (the engine takes f' from f's output), the
two costs from their definitions, the backward pass by the chain rule, and plain gradient descent
with the README's divergence rule. Nothing here imports the engine.
"""

from __future__ import annotations

import math

import numpy as np

ACTIVATIONS = {
    "sigmoid": (lambda z: 1.0 / (1.0 + np.exp(-z)), lambda z: np.exp(-z) / (1.0 + np.exp(-z)) ** 2),
    "tanh": (lambda z: np.sinh(z) / np.cosh(z), lambda z: 1.0 / np.cosh(z) ** 2),
    "relu": (lambda z: np.where(z > 0, z, 0.0), lambda z: np.where(z > 0, 1.0, 0.0)),
    "identity": (lambda z: 1.0 * z, lambda z: np.full_like(z, 1.0)),
}


def _act(k: int, n: int, activation: str, output_activation: str):
    return ACTIVATIONS[output_activation if k == n - 1 else activation]


def cost(X, y, weights, biases, activation, output_activation, cost_name) -> float:
    """J = ½ Σ (y − ŷ)² (sse) or (1/2m) Σ (y − ŷ)² (mse)."""
    a = X
    for k, (W, b) in enumerate(zip(weights, biases)):
        a = _act(k, len(weights), activation, output_activation)[0](a @ W + b)
    total = sum(float(e) ** 2 for e in (y - a).ravel())
    return 0.5 * total if cost_name == "sse" else 0.5 * total / X.shape[0]


def gradients(X, y, weights, biases, activation, output_activation, cost_name):
    """(J, [∂J/∂W_l], [∂J/∂b_l]) by the chain rule, with f'(z) from z."""
    n = len(weights)
    a, zs = [X], []
    for k, (W, b) in enumerate(zip(weights, biases)):
        zs.append(a[-1] @ W + b)
        a.append(_act(k, n, activation, output_activation)[0](zs[-1]))
    m = X.shape[0]
    J = cost(X, y, weights, biases, activation, output_activation, cost_name)
    upstream = (a[-1] - y) if cost_name == "sse" else (a[-1] - y) / m
    gw, gb = [None] * n, [None] * n
    for k in reversed(range(n)):
        delta = upstream * _act(k, n, activation, output_activation)[1](zs[k])
        gw[k] = a[k].T @ delta
        gb[k] = delta.sum(axis=0, keepdims=True)
        upstream = delta @ weights[k].T
    return J, gw, gb


def central_differences(X, y, weights, biases, activation, output_activation, cost_name, eps=1e-5):
    """Numerical ∂J/∂θ for every entry, from this module's cost."""

    def J(ws, bs):
        return cost(X, y, ws, bs, activation, output_activation, cost_name)

    out_w, out_b = [], []
    for group, out in ((weights, out_w), (biases, out_b)):
        for k, target in enumerate(group):
            g = np.zeros_like(target)
            for idx in np.ndindex(target.shape):
                values = []
                for step in (eps, -eps):
                    mats = [t.copy() for t in group]
                    mats[k][idx] += step
                    values.append(J(mats, biases) if group is weights else J(weights, mats))
                g[idx] = (values[0] - values[1]) / (2 * eps)
            out.append(g)
    return out_w, out_b


def descend(X, y, weights, biases, activation, output_activation, cost_name, lr, epochs):
    """Gradient descent: the cost of each epoch, the parameters that start each epoch (and the ones after
    the last), and the epoch at which the cost became non-finite or a million times the first (or None)."""
    costs, starts = [], [(list(weights), list(biases))]
    for epoch in range(1, epochs + 1):
        with np.errstate(all="ignore"):
            J, gw, gb = gradients(X, y, weights, biases, activation, output_activation, cost_name)
        if not math.isfinite(J) or (costs and 1e6 * costs[0] < J):
            return costs, starts, epoch
        costs.append(J)
        weights = [W - lr * g for W, g in zip(weights, gw)]
        biases = [b - lr * g for b, g in zip(biases, gb)]
        starts.append((weights, biases))
    return costs, starts, None
