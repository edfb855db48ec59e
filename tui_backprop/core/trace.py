"""One training iteration as the article's walk: one Step per gate.

Steps are views of a single forward/backward pass (network.Network.full_pass),
so the stepper, the command line and the exports show exactly the numbers the
fast training loop computes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .activations import FORMULAS
from .network import Params, Pass, update
from .scenario import Scenario

Array = np.ndarray

SUP_T = "ᵀ"


@dataclass(frozen=True)
class Step:
    epoch: int
    index: int  # 1-based within the epoch
    phase: str  # forward | backward | update
    gate: str  # mul | add | activation | cost | update
    title: str
    equation: str
    shapes: str
    explanation: str
    inputs: dict[str, Array]
    outputs: dict[str, Array]
    layer: int = 0  # the l of W_l / b_l this gate belongs to; 0 for the cost
    node: str = ""  # the graph node this step lights, e.g. "mul1", "act2", "cost"
    extra: dict[str, str] = field(default_factory=dict)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _d(a: Array) -> str:
    return f"{a.shape[0]}×{a.shape[1]}"


def a_name(level: int, last: int) -> str:
    """ASCII name of the activation of layer `level` (1-based; layer 1 is X)."""
    if level == 1:
        return "X"
    return "yhat" if level == last else f"a{level}"


def a_symbol(level: int, last: int) -> str:
    if level == 1:
        return "X"
    return "ŷ" if level == last else f"a{level}"


def epoch_steps(scenario: Scenario, params: Params, epoch: int, p: Pass) -> list[Step]:
    """The steps of one epoch, given the parameters at its start and their full pass."""
    steps: list[Step] = []
    n = len(params.weights)
    last = n + 1
    m = scenario.m
    cost = scenario.cost
    hidden, output = scenario.activation, scenario.output_activation

    def add(**kw) -> None:
        steps.append(Step(epoch=epoch, index=len(steps) + 1, **kw))

    # Forward: per layer mulGate, addGate, activation.
    for k in range(n):
        l = k + 1
        a_in, a_in_sym = a_name(l, last), a_symbol(l, last)
        prod = "XW1" if l == 1 else f"{a_in}W{l}"
        prod_sym = f"{a_in_sym}W{l}"
        z_out = f"z{l + 1}"
        act = output if k == n - 1 else hidden
        a_out, a_out_sym = a_name(l + 1, last), a_symbol(l + 1, last)
        x, w, b = p.activations[k], params.weights[k], params.biases[k]
        add(
            phase="forward",
            gate="mul",
            layer=l,
            node=f"mul{l}",
            title=f"mulGate: {prod_sym} = {a_in_sym} · W{l}",
            equation=f"{prod_sym} = {a_in_sym} · W{l}",
            shapes=f"({_d(x)})·({_d(w)}) → {_d(p.products[k])}",
            explanation=(
                f"A matrix product: each of the {_count(m, 'row')} of {a_in_sym} (one observation each) is multiplied by "
                f"W{l}, giving every observation's weighted sum for each of the {_count(w.shape[1], 'unit')} of layer {l + 1}. "
                f"The inner sizes ({x.shape[1]}) must agree."
            ),
            inputs={a_in: x, f"W{l}": w},
            outputs={prod: p.products[k]},
        )
        add(
            phase="forward",
            gate="add",
            layer=l,
            node=f"add{l}",
            title=f"addGate: z{l + 1} = {prod_sym} + b{l}",
            equation=f"z{l + 1} = {prod_sym} + b{l}",
            shapes=f"({_d(p.products[k])})+({_d(b)}) → {_d(p.zs[k])}",
            explanation=(
                f"b{l} is one row, broadcast to all {m} rows: every observation gets the same bias added to each unit."
            ),
            inputs={prod: p.products[k], f"b{l}": b},
            outputs={z_out: p.zs[k]},
        )
        add(
            phase="forward",
            gate="activation",
            layer=l,
            node=f"act{l}",
            title=f"activation: {a_out_sym} = {act}(z{l + 1})",
            equation=f"{a_out_sym} = f(z{l + 1}),  {FORMULAS[act][0]}",
            shapes=f"f({_d(p.zs[k])}) → {_d(p.activations[k + 1])} (element-wise)",
            explanation=(
                f"{act} acts on each entry separately, so the shape does not change"
                + (": these are the network's predictions." if k == n - 1 else ".")
            ),
            inputs={z_out: p.zs[k]},
            outputs={a_out: p.activations[k + 1]},
        )

    yhat = p.activations[-1]
    y = scenario.y
    J = np.array([[p.cost]])
    half = "½" if cost == "sse" else "1/(2m)"
    add(
        phase="forward",
        gate="cost",
        layer=0,
        node="cost",
        title="cost: J",
        equation=f"J = {half} Σ (y − ŷ)²",
        shapes=f"({_d(y)}),({_d(yhat)}) → 1×1",
        explanation=(
            "The cost adds up the squared errors of every observation and output into one number"
            + (
                " (sse: half the sum)."
                if cost == "sse"
                else f", averaged over the {_count(m, 'observation')} (mse: divided by m = {m})."
            )
        ),
        inputs={"y": y, "yhat": yhat},
        outputs={"J": J},
    )

    # Backward.
    over_m = "" if cost == "sse" else " / m"
    add(
        phase="backward",
        gate="cost",
        layer=0,
        node="cost",
        title="cost': ∂J/∂ŷ",
        equation=f"∂J/∂ŷ = −(y − ŷ){over_m}",
        shapes=f"({_d(y)}) → {_d(p.dJ_dyhat)}",
        explanation=(
            "The first gradient: how the cost changes with each prediction. It has ŷ's shape, "
            "one entry per observation and output"
            + ("." if cost == "sse" else f", divided by m = {m} because the cost is an average.")
        ),
        inputs={"y": y, "yhat": yhat},
        outputs={"dJ_dyhat": p.dJ_dyhat},
    )
    upstream_name, upstream_sym = "dJ_dyhat", "∂J/∂ŷ"
    for k in range(n - 1, -1, -1):
        l = k + 1
        act = output if k == n - 1 else hidden
        delta, delta_sym = f"delta{l + 1}", f"δ{l + 1}"
        upstream = p.dJ_dyhat if k == n - 1 else p.dJ_da[k + 1]
        add(
            phase="backward",
            gate="activation",
            layer=l,
            node=f"act{l}",
            title=f"f': {delta_sym} = {upstream_sym} ⊙ f'(z{l + 1})",
            equation=f"{delta_sym} = {upstream_sym} ⊙ f'(z{l + 1}),  {FORMULAS[act][1]}",
            shapes=f"({_d(upstream)})⊙({_d(p.zs[k])}) → {_d(p.deltas[k])}",
            explanation=(
                "The activation worked entry by entry, so its gradient does too: an element-wise "
                f"product (⊙) with {act}'(z{l + 1}), never a matrix product. {delta_sym} is the error "
                f"back-propagated to layer {l + 1}." + _dead_units(act, p.zs[k], l + 1)
            ),
            inputs={upstream_name: upstream, f"z{l + 1}": p.zs[k]},
            outputs={delta: p.deltas[k]},
        )
        ones_shape = f"1×{m}"
        prod_sym = f"{a_symbol(l, last)}W{l}"
        add(
            phase="backward",
            gate="add",
            layer=l,
            node=f"add{l}",
            title=f"addGate: ∂J/∂b{l} = 1ᵀ · {delta_sym}",
            equation=f"∂J/∂b{l} = 1ᵀ · {delta_sym},  ∂J/∂({prod_sym}) = {delta_sym}",
            shapes=f"({ones_shape})·({_d(p.deltas[k])}) → {_d(p.grad_b[k])}",
            explanation=(
                f"The addGate is a distributor: its local derivative is 1, so {delta_sym} passes unchanged "
                f"to both inputs. b{l} was one row broadcast to all {_count(m, 'row')}, so its gradient adds up the "
                f"{_count(m, 'row')} of {delta_sym}: that is what the row of ones 1ᵀ does — it sums the batch."
            ),
            inputs={delta: p.deltas[k]},
            outputs={f"dJ_db{l}": p.grad_b[k]},
        )
        a_in, a_in_sym = a_name(l, last), a_symbol(l, last)
        w = params.weights[k]
        outputs = {f"dJ_dW{l}": p.grad_w[k]}
        equation = f"∂J/∂W{l} = {a_in_sym}ᵀ · {delta_sym}"
        shapes = f"({_d(p.activations[k].T)})·({_d(p.deltas[k])}) → {_d(p.grad_w[k])}"
        explanation = (
            f"The mulGate is a switcher: the gradient for one factor is the upstream gradient times the "
            f"other factor. {a_in_sym} is transposed so that the shapes fit — ∂J/∂W{l} must have W{l}'s "
            f"shape {_d(w)} — and the product over the {_count(m, 'observation')} adds up each one's contribution."
        )
        inputs = {a_in: p.activations[k], delta: p.deltas[k], f"W{l}": w}
        if k > 0:
            outputs[f"dJ_da{l}"] = p.dJ_da[k]
            equation += f",  ∂J/∂a{l} = {delta_sym} · W{l}ᵀ"
            shapes += f";  ({_d(p.deltas[k])})·({_d(w.T)}) → {_d(p.dJ_da[k])}"
            explanation += (
                f" For a{l} it is {delta_sym} times W{l}ᵀ, which splits each observation's error among "
                f"the {_count(w.shape[0], 'unit')} of layer {l}."
            )
        else:
            explanation += (
                f" W{l} is not needed here: ∂J/∂X would be {delta_sym} · W{l}ᵀ, but X is data, not a "
                "parameter, so the backward walk ends at ∂J/∂W1."
            )
        add(
            phase="backward",
            gate="mul",
            layer=l,
            node=f"mul{l}",
            title=f"mulGate: ∂J/∂W{l} = {a_in_sym}ᵀ · {delta_sym}",
            equation=equation,
            shapes=shapes,
            explanation=explanation,
            inputs=inputs,
            outputs=outputs,
        )
        upstream_name, upstream_sym = f"dJ_da{l}", f"∂J/∂a{l}"

    # Update, from the output layer down, with gradients from the epoch's starting weights.
    eta = scenario.learning_rate
    new = update(params, p.grad_w, p.grad_b, eta)
    for k in range(n - 1, -1, -1):
        l = k + 1
        add(
            phase="update",
            gate="update",
            layer=l,
            node=f"update{l}",
            title=f"update: W{l} and b{l}",
            equation=f"W{l} ← W{l} − η · ∂J/∂W{l},  b{l} ← b{l} − η · ∂J/∂b{l}   (η = {eta:g})",
            shapes=f"{_d(new.weights[k])} − η·{_d(p.grad_w[k])};  {_d(new.biases[k])} − η·{_d(p.grad_b[k])}",
            explanation=(
                "Gradient descent: each weight moves a step of size η against its gradient, downhill on J. "
                "All gradients were computed with the weights as they were at the start of this epoch."
            ),
            inputs={
                f"W{l}": params.weights[k],
                f"dJ_dW{l}": p.grad_w[k],
                f"b{l}": params.biases[k],
                f"dJ_db{l}": p.grad_b[k],
            },
            outputs={f"W{l}": new.weights[k], f"b{l}": new.biases[k]},
        )
    return steps


def _dead_units(act: str, z: Array, layer: int) -> str:
    """A sentence naming the relu units whose f' is 0 for the whole batch, or nothing."""
    if act != "relu":
        return ""
    dead = [j + 1 for j in range(z.shape[1]) if (z[:, j] <= 0).all()]
    if not dead:
        return ""
    units = ", ".join(str(j) for j in dead)
    plural = len(dead) > 1
    return (
        f" Unit{'s' if plural else ''} {units} of layer {layer} {'are' if plural else 'is'} dead: z ≤ 0 for "
        f"every observation, so relu' = 0 and {'their' if plural else 'its'} column of δ{layer} is exactly "
        "zero — no gradient reaches the weights feeding it, and they will not change."
    )


def steps_per_epoch(n_weight_layers: int) -> int:
    # forward: mul, add, f per layer + the cost; backward: cost' + f', add, mul per layer; one update per layer
    return (3 * n_weight_layers + 1) + (1 + 3 * n_weight_layers) + n_weight_layers
