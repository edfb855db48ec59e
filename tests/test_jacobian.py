"""The fused step the long way (core/jacobian.py), against finite differences written here."""

from __future__ import annotations

import numpy as np
import pytest

from tui_backprop.core import Session, load_bundled
from tui_backprop.core.jacobian import chain_row, expands, fused_row

EPS = 1e-6


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def numeric_jacobian(f, z):
    """∂f_i/∂z_j by central differences: column j from nudging z_j."""
    k = z.size
    out = np.zeros((k, k))
    for j in range(k):
        up, down = z.copy(), z.copy()
        up[j] += EPS
        down[j] -= EPS
        out[:, j] = (f(up) - f(down)) / (2 * EPS)
    return out


def numeric_gradient(f, x):
    out = np.zeros_like(x)
    for j in range(x.size):
        up, down = x.copy(), x.copy()
        up[j] += EPS
        down[j] -= EPS
        out[j] = (f(up) - f(down)) / (2 * EPS)
    return out


@pytest.mark.parametrize("seed", range(5))
def test_softmax_cross_entropy_row_against_finite_differences(seed):
    rng = np.random.default_rng(seed)
    k, m = int(rng.integers(2, 6)), int(rng.integers(1, 9))
    z = rng.normal(size=k)
    y = np.eye(k)[rng.integers(0, k)]
    yhat = softmax(z)
    row = chain_row("cross_entropy", m, y[None, :], yhat[None, :], ((yhat - y) / m)[None, :])
    assert row.underflow == ()
    np.testing.assert_allclose(row.jacobian, numeric_jacobian(softmax, z), atol=1e-8)
    # ∂J/∂ŷ of this observation's share of J = −(1/m) Σ y log ŷ
    np.testing.assert_allclose(
        row.dJ_dyhat[0], numeric_gradient(lambda p: -(y * np.log(p)).sum() / m, yhat.copy()), rtol=1e-5
    )
    # the chain product is the derivative of J with respect to z, which is what δ's row is
    dz = numeric_gradient(lambda v: -(y * np.log(softmax(v))).sum() / m, z.copy())
    np.testing.assert_allclose(row.product[0], dz, atol=1e-8)
    np.testing.assert_allclose(row.product[0], (yhat - y) / m, atol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_sigmoid_binary_cross_entropy_row_against_finite_differences(seed):
    rng = np.random.default_rng(seed)
    k, m = int(rng.integers(1, 4)), int(rng.integers(1, 9))
    z = rng.normal(size=k)
    y = rng.integers(0, 2, size=k).astype(float)
    yhat = sigmoid(z)
    row = chain_row("binary_cross_entropy", m, y[None, :], yhat[None, :], ((yhat - y) / m)[None, :])
    np.testing.assert_allclose(row.jacobian, numeric_jacobian(sigmoid, z), atol=1e-8)

    def bce(p):
        return -(y * np.log(p) + (1 - y) * np.log(1 - p)).sum() / m

    np.testing.assert_allclose(row.dJ_dyhat[0], numeric_gradient(bce, yhat.copy()), rtol=1e-5)
    np.testing.assert_allclose(row.product[0], numeric_gradient(lambda v: bce(sigmoid(v)), z.copy()), atol=1e-8)


def test_a_fused_step_row_is_its_delta_row():
    s = Session(load_bundled("softmax-classes"))
    step = next(st for st in s.epoch_pass(1)[2] if expands(st))
    assert not any(expands(st) for st in s.epoch_pass(1)[2] if st is not step)
    p = s.epoch_pass(1)[1]
    y = np.asarray(s.scenario.y, dtype=float)
    m = y.shape[0]
    for r in range(m):
        row = fused_row(step, r)
        assert row.jacobian.shape == (3, 3) and row.dJ_dyhat.shape == (1, 3)
        # row r of δ from the test's own softmax of z and the targets
        expected = (softmax(p.zs[-1][r]) - y[r]) / m
        np.testing.assert_allclose(row.product[0], expected, atol=1e-12)
        np.testing.assert_allclose(row.delta[0], expected, atol=1e-12)


def test_an_output_rounded_to_0_or_1_is_reported_never_a_nan():
    # softmax gave the right class (index 1) exactly 0: −y/ŷ cannot be formed
    row = chain_row("cross_entropy", 2, np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]]), np.array([[0.5, -0.5]]))
    assert row.underflow == (1,) and row.dJ_dyhat is None and row.product is None
    assert np.isfinite(row.jacobian).all()
    # a class with y = 0 and ŷ = 0 divides nothing: it contributes 0
    row = chain_row("cross_entropy", 1, np.array([[1.0, 0.0]]), np.array([[1.0, 0.0]]), np.array([[0.0, 0.0]]))
    assert row.underflow == () and np.array_equal(row.product, [[0.0, 0.0]])
    # a sigmoid at exactly 1 for a target 0, and at exactly 0 for a target 1
    for y, yhat in ((0.0, 1.0), (1.0, 0.0)):
        row = chain_row("binary_cross_entropy", 1, np.array([[y]]), np.array([[yhat]]), np.array([[yhat - y]]))
        assert row.underflow == (0,) and row.product is None
    # a subnormal ŷ: 1/ŷ overflows
    row = chain_row("cross_entropy", 1, np.array([[1.0, 0.0]]), np.array([[1e-320, 1.0]]), np.array([[-1.0, 1.0]]))
    assert row.underflow == (0,)
