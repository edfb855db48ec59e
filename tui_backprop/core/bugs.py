"""Spot the bug: classic backpropagation mistakes, each a variant of one gate kind.

A Mistake subclasses the gate kind it corrupts (core/gates.py) and computes one of that gate's results
its wrong way (`wrong`), keeping every shape, so the walk runs on. Planted at one layer it is handed to
the pass (Network.full_pass / update, as a Plant): the wrong result replaces the right one there and
every later gate computes from it, so a wrong δ changes every gradient below it and the update. The
planted step keeps the correct kind's words — the walk does not say where the mistake is — and shows
the operands the mistake really used where they differ (f′ of a, the updated W, z in place of a).

Layers are named as in the walk: `@N` is layer N of the network (2 = the first hidden layer, the last is
the output), the layer of δN, zN and aN, fed by W(N−1) and b(N−1).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

import numpy as np

from ..i18n import N_, _
from .activations import ACTIVATIONS
from .describe import closest
from .errors import ScenarioError
from .gates import (
    BIAS_GRADIENT,
    COST_PRIME,
    F_PRIME,
    PRODUCT_GRADIENTS,
    UPDATE_GATE,
    BiasGradient,
    CostPrime,
    Facts,
    FPrime,
    GateKind,
    ProductGradients,
    Update,
)
from .operations import TRANSPOSED, Operand, Operation

Array = np.ndarray
RANDOM = "random"


class Mistake(GateKind):
    """One classic mistake. Subclasses also subclass the gate kind they corrupt, for its words."""

    name = ""
    text = ""  # one line: what the student did; {N} is the layer, {l} = N − 1 (the parameter's index)
    point = ""  # the result of the pass it computes wrongly (see network.Plant)
    corrupts: GateKind  # the correct kind it is a variant of
    layered = True
    changes_gradient = True  # False: only the update is wrong, and a gradient check cannot see it
    needs = ""  # what a network needs for the mistake to change anything (when `applies` can say no)

    def applies(self, facts: Facts, layer: int) -> bool:
        """Whether the mistake changes anything at `layer` (the l of W_l) of such a network."""
        return True

    def wrong(self, eta: float, **given) -> Array:
        raise NotImplementedError

    def describe(self, layer: int | None) -> str:
        """The one-line description, with the layer (None: in general, `N`)."""
        if layer is None:
            return _(self.text).format(N="N", l="(N−1)")
        return _(self.text).format(N=layer + 1, l=layer)


# --- the catalogue ------------------------------------------------------------------------------------


class NoFPrime(Mistake, FPrime):
    name, point, corrupts = "no-fprime", "delta", F_PRIME
    text = N_("δ{N} is taken to be the upstream gradient: the ⊙ f′(z{N}) of layer {N} is forgotten")
    needs = N_("a layer whose activation is not identity (and whose δ is not fused with the cost)")

    def applies(self, facts, layer):
        # f′ = 1: forgetting it changes nothing; a fused output has no f′ step to forget it in
        return facts.activation(layer) != "identity" and not _fused_at(facts, layer)

    def wrong(self, eta, upstream, **_):
        return upstream.copy()


class FPrimeOfA(Mistake, FPrime):
    name, point, corrupts = "fprime-of-a", "delta", F_PRIME
    text = N_("f′ of layer {N} is evaluated at the activation a{N} instead of at z{N}: δ{N} = upstream ⊙ f′(a{N})")
    needs = N_("a sigmoid or tanh layer (not an output fused with the cost)")

    def applies(self, facts, layer):
        # relu′ and identity′ agree on a and z; a fused output has no f′ step
        return facts.activation(layer) in ("sigmoid", "tanh") and not _fused_at(facts, layer)

    @staticmethod
    def fprime(activation, a: Array) -> Array:
        f, prime_from_output = activation
        return prime_from_output(f(a))  # f′ at a: the derivative formula fed the activation

    def wrong(self, eta, upstream, a, activation, **_):
        return upstream * self.fprime(activation, a)

    def build(self, walk, layer):
        ops, context = super().build(walk, layer)
        act = ACTIVATIONS[walk.facts.activation(layer)]
        fprime = self.fprime(act, walk.p.activations[layer])
        return _swap(ops, f"fprime_z{layer + 1}", Operand(f"fprime_z{layer + 1}", fprime)), context


class BiasMean(Mistake, BiasGradient):
    name, point, corrupts = "bias-mean", "grad_b", BIAS_GRADIENT
    text = N_("∂J/∂b{l} averages δ{N} over the batch (÷ m) although the cost sums it (sse)")
    needs = N_("the sse cost and m > 1")

    def applies(self, facts, layer):
        return facts.cost == "sse" and facts.m > 1

    def wrong(self, eta, delta, ones, **_):
        return (ones @ delta) / delta.shape[0]


class BiasFirstRow(Mistake, BiasGradient):
    name, point, corrupts = "bias-first-row", "grad_b", BIAS_GRADIENT
    text = N_("∂J/∂b{l} takes δ{N}'s first row (observation 1) only, instead of summing the batch")
    needs = N_("m > 1")

    def applies(self, facts, layer):
        return facts.m > 1

    def wrong(self, eta, delta, **_):
        return delta[:1].copy()


class StaleWeights(Mistake, ProductGradients):
    name, point, corrupts = "stale-weights", "dJ_da", PRODUCT_GRADIENTS
    text = N_("δ{N} is sent back through the already updated W{l}: ∂J/∂a{l} = δ{N} · (W{l} − η ∂J/∂W{l})ᵀ")
    needs = N_("a hidden layer and plain gradient descent (optimizer sgd)")

    def applies(self, facts, layer):
        # below W1 is X: nothing is sent back; "already updated" is W − η ∂J/∂W, the sgd update
        return layer >= 2 and facts.optimizer.name == "sgd"

    def wrong(self, eta, delta, w, grad_w, **_):
        return delta @ (w - eta * grad_w).T

    def build(self, walk, layer):
        ops, context = super().build(walk, layer)
        w = walk.new.weights[layer - 1]  # the update W_l gets, which the mistake used too
        return _swap(ops, f"W{layer}", Operand(f"W{layer}", w, TRANSPOSED)), context


class GradientFromZ(Mistake, ProductGradients):
    name, point, corrupts = "dW-from-z", "grad_w", PRODUCT_GRADIENTS
    text = N_("∂J/∂W{l} multiplies δ{N} by z{l}ᵀ, the layer below before its activation, instead of a{l}ᵀ")
    needs = N_("a hidden layer whose activation is not identity")

    def applies(self, facts, layer):
        return layer >= 2 and facts.hidden != "identity"  # layer 1's input is X; identity makes z = a

    def wrong(self, eta, delta, z_below, **_):
        return z_below.T @ delta

    def build(self, walk, layer):
        ops, context = super().build(walk, layer)
        z = Operand(f"z{layer}", walk.p.zs[layer - 2], TRANSPOSED)
        return _swap(ops, ops[0].operands[0].name, z), context


class UpdateSign(Mistake, Update):
    name, point, corrupts = "update-sign", "update", UPDATE_GATE
    text = N_("W{l} and b{l} move up the gradient, W ← W + η ∂J/∂W: the gradients are right, the update is not")
    changes_gradient = False
    needs = N_("plain gradient descent (optimizer sgd)")

    def applies(self, facts, layer):
        return facts.optimizer.name == "sgd"  # momentum and Adam update through their own state

    def wrong(self, eta, w, b, grad_w, grad_b, lr, **_):
        return w + lr * grad_w, b + lr * grad_b


class CostPrimeSign(Mistake, CostPrime):
    name, point, corrupts = "cost-prime-sign", "dJ_dyhat", COST_PRIME
    text = N_("∂J/∂ŷ = y − ŷ: the minus sign of the cost's derivative is dropped")
    needs = N_("the sse or mse cost (cross-entropy's δ is fused: no ∂J/∂ŷ step)")
    layered = False

    def applies(self, facts, layer):
        return not facts.fused

    def wrong(self, eta, y, yhat, scale, **_):
        return (y - yhat) * scale if scale != 1.0 else y - yhat


class MseNoOneOverM(Mistake, CostPrime):
    name, point, corrupts = "mse-no-1-over-m", "dJ_dyhat", COST_PRIME
    text = N_("∂J/∂ŷ = ŷ − y without the 1/m, although the mse cost averages over the batch")
    needs = N_("the mse cost and m > 1")
    layered = False

    def applies(self, facts, layer):
        return facts.cost == "mse" and facts.m > 1

    def wrong(self, eta, y, yhat, **_):
        return yhat - y


CATALOGUE: tuple[Mistake, ...] = (
    CostPrimeSign(),
    MseNoOneOverM(),
    NoFPrime(),
    FPrimeOfA(),
    BiasMean(),
    BiasFirstRow(),
    StaleWeights(),
    GradientFromZ(),
    UpdateSign(),
)
BY_NAME = {m.name: m for m in CATALOGUE}


def _fused_at(facts: Facts, layer: int) -> bool:
    """δ at `layer` comes from the fused output step (cross-entropy), with no ∂J/∂ŷ or f′ of its own."""
    return facts.fused and layer == facts.n_layers


def _swap(ops: tuple[Operation, ...], name: str, operand: Operand) -> tuple[Operation, ...]:
    """The operations with the operand called `name` replaced by `operand`."""
    return tuple(replace(op, operands=tuple(operand if o.name == name else o for o in op.operands)) for op in ops)


# --- planting -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Planted:
    """A mistake at one layer of one scenario: what the pass (network.Plant) and the walk need."""

    mistake: Mistake
    layer: int  # the l of W_l, b_l (0 for the cost's derivative)
    eta: float

    @property
    def point(self) -> str:
        return self.mistake.point

    @property
    def name(self) -> str:
        return f"{self.mistake.name}@{self.layer + 1}" if self.mistake.layered else self.mistake.name

    @property
    def description(self) -> str:
        return self.mistake.describe(self.layer if self.mistake.layered else None)

    def wrong(self, **given):
        return self.mistake.wrong(self.eta, **given)

    def kind_at(self, kind: GateKind, layer: int) -> GateKind:
        """The kind the walk uses for (kind, layer): the mistake where it is planted."""
        return self.mistake if kind is self.mistake.corrupts and layer == self.layer else kind


def layers_of(mistake: Mistake, facts: Facts) -> list[int]:
    """The layers (the l of W_l) where `mistake` applies, nearest the output first."""
    if not mistake.layered:
        return [0] if mistake.applies(facts, 0) else []
    return [l for l in range(facts.n_layers, 0, -1) if mistake.applies(facts, l)]


def variants(facts: Facts) -> list[tuple[Mistake, int]]:
    return [(m, l) for m in CATALOGUE for l in layers_of(m, facts)]


def plant(spec: str, facts: Facts, src: str, field: str | None, seed: int | None = None) -> Planted:
    """The Planted mistake `spec` names (`name`, `name@N`, or `random`); a ScenarioError says why not."""
    if spec == RANDOM:
        choices = variants(facts)
        if not choices:
            raise ScenarioError(
                src, field, _("expected a network some mistake applies to, got none (see backprop-tui bugs)")
            )
        mistake, layer = random.Random(seed).choice(choices)
        return Planted(mistake, layer, facts.eta)
    base, at, n_text = spec.partition("@")
    mistake = BY_NAME.get(base)
    if mistake is None:
        names = [m.name for m in CATALOGUE] + [RANDOM]
        close = closest(base, names)
        hint = _("; did you mean '{name}'?").format(name=close) if close else _(" (backprop-tui bugs lists them)")
        raise ScenarioError(
            src, field, _("expected a mistake's name or 'random', got '{spec}'").format(spec=spec[:40]) + hint
        )
    valid = layers_of(mistake, facts)
    shown = ", ".join(str(l + 1) for l in sorted(valid))
    if not valid:
        raise ScenarioError(
            src,
            field,
            _("expected a mistake this network can make, got '{spec}', which needs {needs}").format(
                spec=spec[:40], needs=_(mistake.needs)
            ),
        )
    if not at:
        return Planted(mistake, valid[0], facts.eta)
    if not mistake.layered:
        raise ScenarioError(
            src, field, _("expected '{name}' without a layer, got '{spec}'").format(name=mistake.name, spec=spec[:40])
        )
    if not n_text.isdigit() or int(n_text) - 1 not in valid:
        raise ScenarioError(
            src,
            field,
            _("expected {name}@N with N one of {shown} for this network, got '{spec}'").format(
                name=mistake.name, shown=shown, spec=spec[:40]
            ),
        )
    return Planted(mistake, int(n_text) - 1, facts.eta)


def first_difference(correct: list, mistaken: list) -> int | None:
    """The index (1-based) of the first step whose outputs differ, or None."""
    for a, b in zip(correct, mistaken):
        if any(not np.array_equal(a.outputs[k], b.outputs[k]) for k in a.outputs):
            return a.index
    return None


def planted_for(scenario, spec: str | None = None, seed: int | None = None) -> Planted | None:
    """The mistake to plant in `scenario`: `spec` (the command line's --bug) or its lesson's, if any."""
    from .trace import facts_of

    if spec:
        return plant(spec, facts_of(scenario), "--bug", None, seed)
    if scenario.lesson.bug:
        return plant(scenario.lesson.bug, facts_of(scenario), scenario.source, "lesson.bug", seed)
    return None


def catalogue_json() -> list[dict]:
    return [
        {
            "name": m.name,
            "description": m.describe(None),
            "gate": m.corrupts.key,
            "layered": m.layered,
            "changes_gradient": m.changes_gradient,
        }
        for m in CATALOGUE
    ]
