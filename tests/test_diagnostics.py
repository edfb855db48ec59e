"""Gradient norms per layer, saturated f', dead relu units; vanishing gradients in deep-sigmoid."""

from __future__ import annotations

import numpy as np
import pytest

from tui_backprop.core import Session, load_bundled
from tui_backprop.core.diagnostics import dead_units, gradient_flow, gradient_norms, saturated


def test_gradient_norms_are_the_frobenius_norms_of_dJ_dW():
    s = load_bundled("deep")
    p = s.network().full_pass(s.params)
    expected = [np.sqrt(np.sum(g * g)) for g in p.grad_w]
    assert gradient_norms(p) == pytest.approx(expected, rel=1e-14)
    assert len(gradient_norms(p)) == 3


def test_saturation_is_f_prime_below_one_percent_of_its_maximum():
    z = np.array([[-8.0, -6.0, -5.9, -3.1, -2.9, 0.0, 2.9, 3.1, 5.9, 6.0, 8.0]])
    sig = 1 / (1 + np.exp(-z))
    # σ'(z) = σ(1 − σ) < 0.0025 exactly where |z| > 5.99…; tanh'(z) = 1 − tanh² < 0.01 where |z| > 2.99…
    np.testing.assert_array_equal(saturated("sigmoid", sig), np.abs(z) > 5.99)
    np.testing.assert_array_equal(saturated("tanh", np.tanh(z)), np.abs(z) > 2.99)
    for act, a in (("relu", np.maximum(z, 0)), ("identity", z)):
        assert not saturated(act, a).any()


def test_dead_units_are_relu_units_negative_for_the_whole_batch():
    z = np.array([[1.0, -1.0, 0.0, -2.0], [-1.0, -3.0, 0.0, 0.5]])
    np.testing.assert_array_equal(dead_units(z), [[False, True, True, False]])
    s = load_bundled("relu-hidden")
    flow = gradient_flow(s.network(), s.network().full_pass(s.params))
    np.testing.assert_array_equal(flow[0].dead, [[False, False, True]])
    assert not flow[1].dead.any()  # the identity output has no dead units


def test_the_fused_output_has_no_saturation_mask():
    s = load_bundled("softmax-classes")
    flow = gradient_flow(s.network(), s.network().full_pass(s.params))
    assert flow[-1].saturated is None and flow[-1].activation == "softmax"
    assert flow[0].saturated.shape == (6, 4)


def test_a_saturated_sigmoid_layer_is_marked():
    s = load_bundled("sleep-study")
    big = s.params.weights[0] * 40  # pushes most |z2| past 6
    params = type(s.params)((big, s.params.weights[1]), s.params.biases)
    flow = gradient_flow(s.network(), s.network().full_pass(params))
    z2 = s.X @ big + s.params.biases[0]
    np.testing.assert_array_equal(flow[0].saturated, np.abs(z2) > 5.99)
    assert 0 < flow[0].saturated.sum() < flow[0].saturated.size  # some saturated, some not


def test_deep_sigmoid_vanishes_where_its_relu_twin_does_not():
    sig, relu = load_bundled("deep-sigmoid"), load_bundled("deep-relu")
    assert sig.layers == relu.layers and sig.layers[0] == 2 and len(sig.layers) == 7
    ratio = {}
    for s in (sig, relu):
        norms = gradient_norms(s.network().full_pass(s.params))
        ratio[s.activation] = norms[0] / norms[-1]
    assert ratio["sigmoid"] < 1e-3  # ‖∂J/∂W1‖ is thousands of times smaller than ‖∂J/∂W6‖
    assert ratio["relu"] > 1e-1
    # and through training: W1 barely moves in the sigmoid network, clearly in the relu one
    moved = {}
    for s in (sig, relu):
        session = Session(s)
        assert session.train(s.epochs) is None
        w1 = session.params_at(session.frontier).weights[0]
        moved[s.activation] = np.linalg.norm(w1 - s.params.weights[0]) / np.linalg.norm(s.params.weights[0])
        assert session.costs[-1] < 0.5 * session.costs[0]
    assert moved["sigmoid"] < 0.01 < 0.1 < moved["relu"]
