"""The classic trace's steps told the truth about the new output rules and optimizers.

trace.epoch_steps knows squared error and plain gradient descent only. Until the gate model has
gate kinds for the fused softmax/sigmoid + cross-entropy step and for the optimizers' update, this
rewrites the words of those steps, and the update steps' results, so that every view (and the JSON
trace's parameters) shows what the engine computed. Delete it when those gate kinds land.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .network import CHAIN, Params, Pass
from .optimizers import Optimizer, OptState
from .scenario import Scenario
from .trace import Step

Array = np.ndarray


def _d(a: Array) -> str:
    return f"{a.shape[0]}×{a.shape[1]}"


def adapt_steps(
    steps: list[Step], s: Scenario, p: Pass, before: OptState | None, after: OptState | None, new: Params
) -> list[Step]:
    """The steps with the new rules' words; each changed step gets its own gate kind (named after the
    cost, "softmax", "fused", or the optimizer), so views that explain the classic gates leave it alone."""
    n = len(new.weights)
    out = []
    for st in steps:
        if p.output_rule != CHAIN and st.gate == "cost":
            st = _cost_words(st, s) if st.phase == "forward" else _cost_prime_words(st, s)
        elif p.output_rule != CHAIN and st.phase == "backward" and st.gate == "activation" and st.layer == n:
            st = _fused_step(st, s, p)
        elif st.phase == "forward" and st.gate == "activation" and st.layer == n and s.output_activation == "softmax":
            st = replace(st, gate="softmax")
        elif st.phase == "update" and before is not None and after is not None:
            st = _update_step(st, s.optimizer, s.learning_rate, before, after, new)
        out.append(st)
    return out


def _cost_words(st: Step, s: Scenario) -> Step:
    if s.cost == "cross_entropy":
        equation = "J = −(1/m) Σ y · log ŷ"
        explanation = (
            "Cross-entropy: for each observation, minus the log of the probability the network gave the "
            f"right class (weighted by y), averaged over the {s.m} observations. It is computed from z as "
            "log ŷ = z − log Σ eᶻ, so a probability that rounds to 0 never reaches the log."
        )
    else:
        equation = "J = −(1/m) Σ [y log ŷ + (1 − y) log(1 − ŷ)]"
        explanation = (
            "Binary cross-entropy: minus the log of the probability given to what happened (ŷ for a 1, "
            f"1 − ŷ for a 0), averaged over the {s.m} observations. It is computed from z as "
            "log(1 + eᶻ) − y·z, so a ŷ that rounds to 0 or 1 never reaches the log."
        )
    return replace(st, gate=s.cost, equation=equation, explanation=explanation)


def _cost_prime_words(st: Step, s: Scenario) -> Step:
    equation = "∂J/∂ŷ = −y / (m ŷ)" if s.cost == "cross_entropy" else "∂J/∂ŷ = (ŷ − y) / (m ŷ (1 − ŷ))"
    explanation = (
        "How the cost changes with each prediction: large where a right answer got a small probability. "
        "It is shown for the next step, which does not multiply by it: the output activation's derivative "
        "cancels the 1/ŷ exactly, leaving δ = (ŷ − y)/m."
    )
    return replace(st, gate=s.cost, equation=equation, explanation=explanation)


def _fused_step(st: Step, s: Scenario, p: Pass) -> Step:
    delta_name = next(iter(st.outputs))
    delta = st.outputs[delta_name]
    sym = "δ" + delta_name.removeprefix("delta")
    yhat = p.activations[-1]
    if s.cost == "cross_entropy":
        why = (
            "softmax's derivative is a Jacobian per observation, ∂ŷᵢ/∂zⱼ = ŷᵢ(1[i = j] − ŷⱼ); multiplied by "
            "∂J/∂ŷᵢ = −yᵢ/(m ŷᵢ) and summed over i it gives (ŷⱼ Σᵢ yᵢ − yⱼ)/m, and Σᵢ yᵢ = 1"
        )
    else:
        why = "σ'(z) = ŷ(1 − ŷ) cancels the denominator of ∂J/∂ŷ = (ŷ − y)/(m ŷ(1 − ŷ))"
    return replace(
        st,
        gate="fused",
        title=f"fused: {sym} = (ŷ − y) / m",
        equation=f"{sym} = ∂J/∂z = (ŷ − y) / m",
        shapes=f"({_d(yhat)})−({_d(s.y)}) → {_d(delta)}",
        explanation=(
            f"The output activation and the cost are differentiated together: {why}. So {sym} is the "
            "prediction minus the target, divided by m because the cost is an average — no product with "
            "f', and nothing that can overflow where ŷ is 0 or 1."
        ),
        inputs={"yhat": yhat, "y": s.y},
    )


def _update_step(st: Step, opt: Optimizer, lr: float, before: OptState, after: OptState, new: Params) -> Step:
    k = st.layer - 1
    w, b = f"W{st.layer}", f"b{st.layer}"
    old_state = {name: a for name, a in before.named().items() if name.endswith((f"_{w}", f"_{b}"))}
    new_state = {name: a for name, a in after.named().items() if name.endswith((f"_{w}", f"_{b}"))}
    if opt.name == "momentum":
        equation = f"v ← μ v + ∂J/∂θ,  θ ← θ − η v   for θ = {w}, {b}  (μ = {opt.momentum:g}, η = {lr:g})"
        explanation = (
            "Momentum: v is a running sum of past gradients, each older one weighted by a further μ. "
            "Steps grow while the gradients agree and cancel where they zig-zag. v started at 0."
        )
    else:
        equation = (
            f"m ← β1 m + (1 − β1) ∂J/∂θ,  s ← β2 s + (1 − β2) (∂J/∂θ)²,  "
            f"θ ← θ − η (m / (1 − β1ᵗ)) / (√(s / (1 − β2ᵗ)) + ε)   for θ = {w}, {b}  "
            f"(t = {after.t}, β1 = {opt.beta1:g}, β2 = {opt.beta2:g}, ε = {opt.eps:g}, η = {lr:g})"
        )
        explanation = (
            "Adam: m is a running mean of the gradient, s of its square; dividing by 1 − βᵗ undoes their "
            "start at 0. Each entry moves about η against the sign of its mean gradient, however large or "
            "small the gradient itself."
        )
    return replace(
        st,
        gate=opt.name,
        equation=equation,
        explanation=explanation,
        inputs={**st.inputs, **old_state},
        outputs={w: new.weights[k], b: new.biases[k], **new_state},
    )
