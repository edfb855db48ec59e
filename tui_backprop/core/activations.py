"""Activation functions and their derivatives, finite for any finite z.

The backward pass takes f' from the activation's own output a = f(z)
(σ' = a(1 − a), tanh' = 1 − a², relu' = [a > 0], identity' = 1): the same
values as f'(z), without computing f twice. The z-forms are kept for checks.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Array = np.ndarray

# e^(−z) overflows for z < −709.78; capping −z at 709 changes σ only where it is below 1e-308.
# (For large positive z, e^(−z) underflows quietly to 0 and σ is exactly 1, as it should be.)
_EXP_CAP = 709.0


def sigmoid(z: Array) -> Array:
    # One np.minimum, not np.clip: the training loop calls this twice an epoch and clip's
    # Python overhead alone was a fifth of a training step.
    return 1.0 / (1.0 + np.exp(np.minimum(-z, _EXP_CAP)))


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


def softmax(z: Array) -> Array:
    """Row-wise softmax: each observation's outputs become a distribution over the classes.

    Shifting each row by its maximum (the log-sum-exp trick) leaves the result unchanged and keeps
    every exponent ≤ 0, so nothing overflows and the largest entry of a row is e⁰ = 1.
    """
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def log_softmax(z: Array) -> Array:
    """log softmax(z) as z − logsumexp(z), row by row: finite wherever z is, even where softmax is 0."""
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax_jacobian(yhat_row: Array) -> Array:
    """∂ŷᵢ/∂zⱼ = ŷᵢ(1[i = j] − ŷⱼ) for one observation (a 1 × c row of softmax's output): c × c.

    What the fused cross-entropy step skips: this matrix times ∂J/∂ŷ gives the same δ row.
    """
    r = yhat_row.reshape(-1)
    return np.diag(r) - np.outer(r, r)


def softplus(z: Array) -> Array:
    """log(1 + eᶻ) without overflow: max(z, 0) + log1p(e^(−|z|))."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


# Output-only activations: they act on a whole row, so there is no element-wise f'.
# softmax is only allowed before cross-entropy, whose gradient with it is the simple (ŷ − y)/m.
OUTPUT_ONLY: dict[str, Callable[[Array], Array]] = {"softmax": softmax}


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
    "softmax": ("softmax(z)ᵢ = eᶻⁱ / Σⱼ eᶻʲ (per row)", "∂ŷᵢ/∂zⱼ = ŷᵢ(1[i = j] − ŷⱼ) (per row)"),
}
