"""The maths of one training iteration, shared by the stepper's trace and fast training.

Layout follows the reference: rows are observations. For layers [n1, ..., nL]
there are L-1 weight matrices W_l (n_l × n_(l+1)) and biases b_l (1 × n_(l+1)).
Index k = l - 1 in the Python lists below.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from ..i18n import _
from .activations import _EXP_CAP, ACTIVATIONS, OUTPUT_ONLY, log_softmax, softplus
from .errors import DivergenceError

if TYPE_CHECKING:
    from .optimizers import Optimizer, OptState

Array = np.ndarray

COSTS = ("sse", "mse", "cross_entropy", "binary_cross_entropy")
# The output activation each classification cost needs; with it, δ at the output is (ŷ − y)/m.
FUSED_OUTPUT = {"cross_entropy": "softmax", "binary_cross_entropy": "sigmoid"}
# How δ at the output is found (Pass.output_rule): through ∂J/∂ŷ ⊙ f'(z), or in one fused step.
CHAIN = "chain"
FUSED_RULES = {"cross_entropy": "softmax_cross_entropy", "binary_cross_entropy": "sigmoid_binary_cross_entropy"}


class Plant(Protocol):
    """A planted mistake as the pass sees it: which result (`point`) of which layer it computes wrongly."""

    point: str  # dJ_dyhat | delta | grad_b | grad_w | dJ_da | update
    layer: int  # the l of W_l / b_l (0 for dJ_dyhat)

    def wrong(self, **given: Any) -> Any: ...


def quiet_overflow():
    """Overflow and inf − inf are expected in a diverging run; the cost check reports them."""
    return np.errstate(over="ignore", invalid="ignore")


# A cost this many times the first epoch's counts as divergence, not just a bad step.
GROWTH_LIMIT = 1e6


@dataclass(frozen=True)
class Params:
    """Weights and biases of every layer; arrays are never mutated in place."""

    weights: tuple[Array, ...]
    biases: tuple[Array, ...]

    def named(self) -> dict[str, Array]:
        out: dict[str, Array] = {}
        for k, (w, b) in enumerate(zip(self.weights, self.biases), start=1):
            out[f"W{k}"] = w
            out[f"b{k}"] = b
        return out


@dataclass(frozen=True)
class Pass:
    """Every intermediate of one forward and backward pass, by layer."""

    products: list[Array]  # a_l · W_l, for l = 1..L-1
    zs: list[Array]  # z_(l+1)
    activations: list[Array]  # a_1 = X, a_2, ..., a_L = ŷ
    cost: float
    dJ_dyhat: Array
    deltas: list[Array]  # δ_(l+1) for l = 1..L-1 (same index as the layer's W)
    dJ_da: list[Array | None]  # ∂J/∂a_l for l = 2..L-1 at index l-1; None for the input
    grad_w: list[Array]
    grad_b: list[Array]
    # "chain" (δ = ∂J/∂ŷ ⊙ f'(z)), "softmax_cross_entropy" or "sigmoid_binary_cross_entropy"
    # (δ = (ŷ − y)/m in one step: f' cancels against the log's derivative; dJ_dyhat is then
    # shown for the explanation only, and δ is never computed from it).
    output_rule: str = CHAIN


class Network:
    """Binds data and settings to the shared forward/backward kernel."""

    def __init__(
        self,
        X: Array,
        y: Array,
        activation: str = "sigmoid",
        output_activation: str | None = None,
        cost: str = "sse",
    ) -> None:
        self.X = np.asarray(X, dtype=np.float64)
        self.y = np.asarray(y, dtype=np.float64)
        self.m = self.X.shape[0]
        self.cost_name = cost
        self.activation_name = activation
        self.output_activation_name = output_activation or activation
        self._hidden = ACTIVATIONS[activation]
        out = self.output_activation_name
        # softmax acts on whole rows and has no element-wise f': only the fused rule uses it.
        self._output = (OUTPUT_ONLY[out], None) if out in OUTPUT_ONLY else ACTIVATIONS[out]
        if cost in FUSED_OUTPUT and out != FUSED_OUTPUT[cost]:
            raise ValueError(f"{cost} needs output_activation {FUSED_OUTPUT[cost]!r}, got {out!r}")
        if out in OUTPUT_ONLY and cost != "cross_entropy":
            raise ValueError(f"{out} output needs cost 'cross_entropy', got {cost!r}")
        self.output_rule = FUSED_RULES.get(cost, CHAIN)
        # sse sums over the batch; mse averages, which scales every gradient by 1/m.
        self._sse = cost == "sse"
        self._scale = 0.5 if self._sse else 0.5 / self.m
        self._mean = 1.0 / self.m
        # 1ᵀ: the row of ones that sums a gradient over the batch, as in the article.
        self.ones_row = np.ones((1, self.m))

    def _dJ_dyhat(self, yhat: Array) -> Array:
        # −(y − ŷ) is ŷ − y exactly; sse needs no scaling
        return yhat - self.y if self._sse else (yhat - self.y) * self._mean

    def _fused_delta(self, yhat: Array) -> Array:
        """δ at the output for softmax + cross-entropy and sigmoid + binary cross-entropy: (ŷ − y)/m."""
        return (yhat - self.y) / self.m

    def _fused_dJ_dyhat(self, z: Array) -> Array:
        """∂J/∂ŷ of a classification cost, for display: the fused δ never goes through it.

        From the logits z, so that 1/ŷ and 1/(1 − ŷ) are exponentials (capped like σ's) and never a
        division by a ŷ that rounded to 0 or 1: cross-entropy −y/(m ŷ) = −(y/m)·e^(−log ŷ);
        binary cross-entropy (1/m)[−y(1 + e⁻ᶻ) + (1 − y)(1 + eᶻ)].
        """
        y, m = self.y, self.m
        if self.cost_name == "cross_entropy":
            return -(y / m) * np.exp(np.minimum(-log_softmax(z), _EXP_CAP))
        inv_yhat = 1.0 + np.exp(np.minimum(-z, _EXP_CAP))
        inv_one_minus = 1.0 + np.exp(np.minimum(z, _EXP_CAP))
        return (-y * inv_yhat + (1.0 - y) * inv_one_minus) / m

    def _cost_of(self, z: Array, yhat: Array) -> float:
        """J from the output layer's z and ŷ.

        The classification costs are computed from z, never from log ŷ: cross-entropy as
        −(1/m) Σ y·log_softmax(z) with log_softmax = z − logsumexp(z), and binary cross-entropy as
        (1/m) Σ [softplus(z) − y·z] (the same as −[y log σ(z) + (1 − y) log(1 − σ(z))]), so a
        prediction that rounds to exactly 0 or 1 still has a finite cost.
        """
        if self.cost_name == "cross_entropy":
            return float(-np.vdot(self.y, log_softmax(z)) / self.m)
        if self.cost_name == "binary_cross_entropy":
            return float((softplus(z).sum() - np.vdot(self.y, z)) / self.m)
        r = self.y - yhat
        return float(self._scale * np.vdot(r, r))

    def _act(self, k: int, n_layers: int):
        return self._output if k == n_layers - 1 else self._hidden

    def cost(self, params: Params) -> float:
        with quiet_overflow():
            return self._cost(params)

    def _cost(self, params: Params) -> float:
        a = z = self.X
        n = len(params.weights)
        for k, (w, b) in enumerate(zip(params.weights, params.biases)):
            z = a @ w + b
            a = self._act(k, n)[0](z)
        return self._cost_of(z, a)

    def full_pass(self, params: Params, plant: Plant | None = None) -> Pass:
        """Forward then backward, every gradient from the same (starting) parameters.

        With a `plant` (a planted mistake, core/bugs.py) the one result it names is computed its wrong
        way, and everything after it from that wrong value: the mistake propagates as it would in code.
        """
        with quiet_overflow():
            return self._full_pass(params, plant)

    def _full_pass(self, params: Params, plant: Plant | None = None) -> Pass:
        n = len(params.weights)

        def planted(point: str, layer: int) -> bool:
            return plant is not None and plant.point == point and plant.layer == layer

        products, zs, acts = [], [], [self.X]
        for k, (w, b) in enumerate(zip(params.weights, params.biases)):
            p = acts[-1] @ w
            z = p + b
            products.append(p)
            zs.append(z)
            acts.append(self._act(k, n)[0](z))
        yhat = acts[-1]
        cost = self._cost_of(zs[-1], yhat)
        deltas: list[Array] = [None] * n  # type: ignore[list-item]
        dJ_da: list[Array | None] = [None] * n
        grad_w: list[Array] = [None] * n  # type: ignore[list-item]
        grad_b: list[Array] = [None] * n  # type: ignore[list-item]
        if self.output_rule == CHAIN:
            dJ_dyhat = self._dJ_dyhat(yhat)
            if planted("dJ_dyhat", 0):
                dJ_dyhat = plant.wrong(y=self.y, yhat=yhat, scale=1.0 if self._sse else self._mean)
            delta = dJ_dyhat * self._output[1](yhat)
            if planted("delta", n):
                delta = plant.wrong(upstream=dJ_dyhat, a=yhat, activation=self._output)
        else:
            dJ_dyhat = self._fused_dJ_dyhat(zs[-1])
            delta = self._fused_delta(yhat)
        for k in range(n - 1, -1, -1):
            deltas[k] = delta
            grad_b[k] = self.ones_row @ delta
            if planted("grad_b", k + 1):
                grad_b[k] = plant.wrong(delta=delta, ones=self.ones_row)
            grad_w[k] = acts[k].T @ delta
            if planted("grad_w", k + 1):
                grad_w[k] = plant.wrong(delta=delta, below=acts[k], z_below=zs[k - 1] if k > 0 else None)
            if k > 0:
                upstream = delta @ params.weights[k].T
                if planted("dJ_da", k + 1):
                    upstream = plant.wrong(delta=delta, w=params.weights[k], grad_w=grad_w[k])
                dJ_da[k] = upstream
                delta = upstream * self._hidden[1](acts[k])
                if planted("delta", k):
                    delta = plant.wrong(upstream=upstream, a=acts[k], activation=self._hidden)
        return Pass(products, zs, acts, cost, dJ_dyhat, deltas, dJ_da, grad_w, grad_b, self.output_rule)

    def gradients(self, params: Params, plant: Plant | None = None) -> tuple[float, list[Array], list[Array]]:
        p = self.full_pass(params, plant)
        return p.cost, p.grad_w, p.grad_b


def update(params: Params, grad_w: list[Array], grad_b: list[Array], lr: float, plant: Plant | None = None) -> Params:
    new = Params(
        tuple(w - lr * g for w, g in zip(params.weights, grad_w)),
        tuple(b - lr * g for b, g in zip(params.biases, grad_b)),
    )
    if plant is None or plant.point != "update":
        return new
    k = plant.layer - 1
    w, b = plant.wrong(w=params.weights[k], b=params.biases[k], grad_w=grad_w[k], grad_b=grad_b[k], lr=lr)
    return Params(_replace(new.weights, k, w), _replace(new.biases, k, b))


def _replace(items: tuple[Array, ...], k: int, value: Array) -> tuple[Array, ...]:
    return items[:k] + (value,) + items[k + 1 :]


def divergence_reason(cost: float, first_cost: float) -> str | None:
    """Why a cost means training has blown up, or None while it is sane."""
    if math.isnan(cost):
        return _("the cost is NaN")
    if math.isinf(cost):
        return _("the cost is infinite")
    if first_cost > 0 and cost > GROWTH_LIMIT * first_cost:
        return _("the cost grew more than {limit} times since the first epoch").format(limit=f"{GROWTH_LIMIT:.0e}")
    return None


@dataclass
class TrainResult:
    costs: list[float]  # one per epoch: the cost of that epoch's forward pass
    params: Params  # after the last completed update
    diverged: DivergenceError | None = None
    previous: Params | None = None  # before the last completed update
    state: OptState | None = None  # the optimizer's state with `params` (None for plain SGD)
    previous_state: OptState | None = None  # with `previous`


def train(
    net: Network,
    params: Params,
    lr: float,
    epochs: int,
    first_cost: float | None = None,
    start_epoch: int = 1,
    progress=None,
    optimizer: Optimizer | None = None,
    state: OptState | None = None,
) -> TrainResult:
    """Full-batch training without building a trace: gradient descent, or `optimizer`'s rule.

    The same operations, in the same order, as Network.full_pass followed by
    update() (or optimizer.step), so the numbers agree with the trace to the last
    bit; written as one flat loop because per-iteration overhead is most of the cost
    for the small networks this tool teaches with. `state` is the optimizer's state
    at the start (its initial state when None). Stops at the first epoch whose cost
    is not finite or has exploded; the parameters returned are the last sane ones.
    """
    if optimizer is not None and optimizer.name != "sgd":
        state = state if state is not None else optimizer.initial_state(params)
    else:
        optimizer = state = None
    with quiet_overflow():
        return _train(net, params, lr, epochs, first_cost, start_epoch, progress, optimizer, state)


def _train(net, params, lr, epochs, first_cost, start_epoch, progress, optimizer, state) -> TrainResult:
    X, ones_row = net.X, net.ones_row
    cost_of = net._cost_of
    chain = net.output_rule == CHAIN
    output_delta = net._fused_delta
    output_gradient = net._dJ_dyhat
    n = len(params.weights)
    fs = [net._act(k, n)[0] for k in range(n)]
    primes = [net._act(k, n)[1] for k in range(n)]
    weights, biases = list(params.weights), list(params.biases)
    prev_w, prev_b, prev_state = weights, biases, state
    costs: list[float] = []
    acts: list[Array] = [X] * (n + 1)
    grads_w: list[Array] = [X] * n
    grads_b: list[Array] = [X] * n
    isfinite = math.isfinite
    for i in range(epochs):
        a = z = X
        for k in range(n):
            z = a @ weights[k] + biases[k]
            a = fs[k](z)
            acts[k + 1] = a
        cost = cost_of(z, a)
        if not isfinite(cost) or (first_cost is not None and cost > GROWTH_LIMIT * first_cost):
            reason = divergence_reason(cost, first_cost if first_cost is not None else cost)
            current = Params(tuple(weights), tuple(biases))
            previous = Params(tuple(prev_w), tuple(prev_b)) if costs else None
            err = DivergenceError(start_epoch + i, cost, reason)
            return TrainResult(costs, current, err, previous, state, prev_state if costs else None)
        if first_cost is None:
            first_cost = cost
        costs.append(cost)
        delta = output_gradient(a) * primes[n - 1](a) if chain else output_delta(a)
        new_w, new_b = weights[:], biases[:]
        for k in range(n - 1, -1, -1):
            grad_b = ones_row @ delta
            grad_w = acts[k].T @ delta
            if k > 0:
                delta = (delta @ weights[k].T) * primes[k - 1](acts[k])
            if optimizer is None:
                new_w[k] = weights[k] - lr * grad_w
                new_b[k] = biases[k] - lr * grad_b
            else:
                grads_w[k], grads_b[k] = grad_w, grad_b
        prev_w, prev_b, prev_state = weights, biases, state
        if optimizer is None:
            weights, biases = new_w, new_b
        else:
            stepped, state = optimizer.step(Params(tuple(weights), tuple(biases)), grads_w, grads_b, state, lr)
            weights, biases = list(stepped.weights), list(stepped.biases)
        if progress is not None:
            progress(i + 1)
    final = Params(tuple(weights), tuple(biases))
    previous = Params(tuple(prev_w), tuple(prev_b)) if costs else None
    previous_state = prev_state if costs else None
    # The last update is checked too: its cost is the next epoch's, not yet recorded.
    if costs and first_cost is not None:
        reason = divergence_reason(net.cost(final), first_cost)
        if reason is not None:
            err = DivergenceError(start_epoch + len(costs), net.cost(final), reason)
            return TrainResult(costs, final, err, previous, state, previous_state)
    return TrainResult(costs, final, None, previous, state, previous_state)


# Max relative error of a correct gradient: the reference's "about 1e-7", with room for
# ill-conditioned entries (mse-batch's worst is 1.4e-8).
TOLERANCE = 1e-6


@dataclass(frozen=True)
class GradCheckEntry:
    name: str  # W1, b1, ...
    analytic: Array
    numerical: Array
    relative_error: Array

    @property
    def max_error(self) -> float:
        return float(self.relative_error.max()) if self.relative_error.size else 0.0


def relative_error(a: Array, n: Array, floor: float = 1e-5) -> Array:
    """|a − n| / max(|a|, |n|, floor), entry by entry.

    Central differences carry ~1e-12 of rounding noise; dividing that by a
    near-zero gradient (a dead relu unit, a saturated sigmoid) would report
    a correct gradient as wrong, so magnitudes below `floor` are measured
    against `floor`. A wrong gradient of any size still shows.
    """
    big = np.maximum(np.maximum(np.abs(a), np.abs(n)), floor)
    return np.abs(a - n) / big


def relu_kinks(net: Network, params: Params, near: float = 1e-3) -> int:
    """How many pre-activations of relu layers lie within `near` of 0, where relu has no derivative.

    There a central difference straddles the kink and disagrees with the one-sided analytic
    gradient: a FAIL that says nothing about the backward pass.
    """
    p = net.full_pass(params)
    n = len(params.weights)
    return sum(
        int((np.abs(z) < near).sum())
        for k, z in enumerate(p.zs)
        if (net.output_activation_name if k == n - 1 else net.activation_name) == "relu"
    )


def gradient_check(net: Network, params: Params, eps: float = 1e-5, plant: Plant | None = None) -> list[GradCheckEntry]:
    """Central differences for every parameter entry against the analytic gradient (with a planted mistake's, if any)."""
    cost, gw, gb = net.gradients(params, plant)
    # Each difference carries rounding noise of about |J|·2⁻⁵²/ε (≈ 1e-11·|J| for ε = 1e-5):
    # gradients below 1e-4·|J| are measured against that, so noise stays under 1e-6.
    floor = max(1e-5, 1e-4 * abs(cost)) if math.isfinite(cost) else 1e-5
    entries = []
    weights = [w.copy() for w in params.weights]
    biases = [b.copy() for b in params.biases]
    for k in range(len(weights)):
        for name, store, analytic in ((f"W{k + 1}", weights, gw[k]), (f"b{k + 1}", biases, gb[k])):
            target = store[k]
            numerical = np.empty_like(target)
            for idx in np.ndindex(target.shape):
                old = target[idx]
                target[idx] = old + eps
                plus = net.cost(Params(tuple(weights), tuple(biases)))
                target[idx] = old - eps
                minus = net.cost(Params(tuple(weights), tuple(biases)))
                target[idx] = old
                numerical[idx] = (plus - minus) / (2 * eps)
            entries.append(GradCheckEntry(name, analytic, numerical, relative_error(analytic, numerical, floor)))
    return entries
