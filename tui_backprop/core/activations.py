"""Activation functions and their derivatives, finite for any finite z.

The backward pass takes f' from the activation's own output a = f(z)
(σ' = a(1 − a), tanh' = 1 − a², relu' = [a > 0], identity' = 1): the same
values as f'(z), without computing f twice. The z-forms are kept for checks.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

Array = np.ndarray

# Below this, e^(−z) would overflow; σ(z) < 1e-304 there, so clamping changes nothing visible.
# Above −_SIGMOID_FLOOR, e^(−z) would underflow; σ(z) is 1.0 to double precision there anyway.
_SIGMOID_FLOOR = -700.0


def sigmoid(z: Array) -> Array:
    # minimum(maximum()) is np.clip without its Python overhead: a fifth of a training step.
    return 1.0 / (1.0 + np.exp(-np.minimum(np.maximum(z, _SIGMOID_FLOOR), -_SIGMOID_FLOOR)))


def sigmoid_prime_from_output(a: Array) -> Array:
    return a * (1.0 - a)


def tanh(z: Array) -> Array:
    return np.tanh(z)


def tanh_prime_from_output(a: Array) -> Array:
    # (1 − a)(1 + a) is 1 − a² without squaring a tiny a into an underflow.
    return (1.0 - a) * (1.0 + a)


def relu(z: Array) -> Array:
    return np.maximum(z, 0.0)


def relu_prime_from_output(a: Array) -> Array:
    # relu(z) > 0 exactly where z > 0
    return (a > 0.0).astype(np.float64)


def identity(z: Array) -> Array:
    return z.copy()


def identity_prime_from_output(a: Array) -> Array:
    return np.ones_like(a)


# (f, f' from f's output)
ACTIVATIONS: dict[str, tuple[Callable[[Array], Array], Callable[[Array], Array]]] = {
    "sigmoid": (sigmoid, sigmoid_prime_from_output),
    "tanh": (tanh, tanh_prime_from_output),
    "relu": (relu, relu_prime_from_output),
    "identity": (identity, identity_prime_from_output),
}


def derivative(name: str, z: Array) -> Array:
    """f'(z) for the named activation."""
    f, prime = ACTIVATIONS[name]
    return prime(f(z))


# How each activation and its derivative read in an equation.
FORMULAS: dict[str, tuple[str, str]] = {
    "sigmoid": ("σ(z) = 1/(1+e⁻ᶻ)", "σ'(z) = σ(z)(1 − σ(z))"),
    "tanh": ("tanh(z)", "tanh'(z) = 1 − tanh²(z)"),
    "relu": ("relu(z) = max(0, z)", "relu'(z) = 1 if z > 0 else 0"),
    "identity": ("f(z) = z", "f'(z) = 1"),
}
