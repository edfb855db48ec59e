"""Activation functions and their derivatives, written to stay finite for any finite z.

Each derivative is taken with respect to z and computed from z alone, so the
backward pass never depends on how the forward pass stored f(z).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

Array = np.ndarray


def sigmoid(z: Array) -> Array:
    # exp(-|z|) never overflows; the two branches are the same function written
    # so that neither divides large by large.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(z: Array) -> Array:
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z: Array) -> Array:
    return np.tanh(z)


def tanh_prime(z: Array) -> Array:
    t = np.tanh(z)
    return 1.0 - t * t


def relu(z: Array) -> Array:
    return np.maximum(z, 0.0)


def relu_prime(z: Array) -> Array:
    return (z > 0).astype(np.float64)


def identity(z: Array) -> Array:
    return z.copy()


def identity_prime(z: Array) -> Array:
    return np.ones_like(z)


ACTIVATIONS: dict[str, tuple[Callable[[Array], Array], Callable[[Array], Array]]] = {
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "relu": (relu, relu_prime),
    "identity": (identity, identity_prime),
}

# How each activation and its derivative read in an equation.
FORMULAS: dict[str, tuple[str, str]] = {
    "sigmoid": ("σ(z) = 1/(1+e⁻ᶻ)", "σ'(z) = σ(z)(1 − σ(z))"),
    "tanh": ("tanh(z)", "tanh'(z) = 1 − tanh²(z)"),
    "relu": ("relu(z) = max(0, z)", "relu'(z) = 1 if z > 0 else 0"),
    "identity": ("f(z) = z", "f'(z) = 1"),
}
