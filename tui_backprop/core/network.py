"""The maths of one training iteration, shared by the stepper's trace and fast training.

Layout follows the reference: rows are observations. For layers [n1, ..., nL]
there are L-1 weight matrices W_l (n_l × n_(l+1)) and biases b_l (1 × n_(l+1)).
Index k = l - 1 in the Python lists below.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from .activations import ACTIVATIONS
from .errors import DivergenceError

Array = np.ndarray

COSTS = ("sse", "mse")


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
        self._output = ACTIVATIONS[self.output_activation_name]
        # sse sums over the batch; mse averages, which scales every gradient by 1/m.
        self._sse = cost == "sse"
        self._scale = 0.5 if self._sse else 0.5 / self.m
        self._grad_scale = 1.0 if cost == "sse" else 1.0 / self.m
        # 1ᵀ: the row of ones that sums a gradient over the batch, as in the article.
        self.ones_row = np.ones((1, self.m))

    def _dJ_dyhat(self, yhat: Array) -> Array:
        # −(y − ŷ) is ŷ − y exactly; sse needs no scaling
        return yhat - self.y if self._sse else (yhat - self.y) * self._grad_scale

    def _act(self, k: int, n_layers: int):
        return self._output if k == n_layers - 1 else self._hidden

    def cost(self, params: Params) -> float:
        with quiet_overflow():
            return self._cost(params)

    def _cost(self, params: Params) -> float:
        a = self.X
        n = len(params.weights)
        for k, (w, b) in enumerate(zip(params.weights, params.biases)):
            a = self._act(k, n)[0](a @ w + b)
        r = self.y - a
        return float(self._scale * np.vdot(r, r))

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
        r = self.y - yhat
        cost = float(self._scale * np.vdot(r, r))
        dJ_dyhat = self._dJ_dyhat(yhat)
        if planted("dJ_dyhat", 0):
            dJ_dyhat = plant.wrong(y=self.y, yhat=yhat, scale=self._grad_scale)
        deltas: list[Array] = [None] * n  # type: ignore[list-item]
        dJ_da: list[Array | None] = [None] * n
        grad_w: list[Array] = [None] * n  # type: ignore[list-item]
        grad_b: list[Array] = [None] * n  # type: ignore[list-item]
        upstream = dJ_dyhat
        for k in range(n - 1, -1, -1):
            delta = upstream * self._act(k, n)[1](acts[k + 1])
            if planted("delta", k + 1):
                delta = plant.wrong(upstream=upstream, a=acts[k + 1], activation=self._act(k, n))
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
        return Pass(products, zs, acts, cost, dJ_dyhat, deltas, dJ_da, grad_w, grad_b)

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
        return "the cost is NaN"
    if math.isinf(cost):
        return "the cost is infinite"
    if first_cost > 0 and cost > GROWTH_LIMIT * first_cost:
        return f"the cost grew more than {GROWTH_LIMIT:.0e} times since the first epoch"
    return None


@dataclass
class TrainResult:
    costs: list[float]  # one per epoch: the cost of that epoch's forward pass
    params: Params  # after the last completed update
    diverged: DivergenceError | None = None
    previous: Params | None = None  # before the last completed update


def train(
    net: Network,
    params: Params,
    lr: float,
    epochs: int,
    first_cost: float | None = None,
    start_epoch: int = 1,
    progress=None,
) -> TrainResult:
    """Full-batch gradient descent without building a trace.

    The same operations, in the same order, as Network.full_pass followed by
    update(), so the numbers agree with the trace to the last bit; written as
    one flat loop because per-iteration overhead is most of the cost for the
    small networks this tool teaches with. Stops at the first epoch whose cost
    is not finite or has exploded; the parameters returned are the last sane ones.
    """
    with quiet_overflow():
        return _train(net, params, lr, epochs, first_cost, start_epoch, progress)


def _train(net, params, lr, epochs, first_cost, start_epoch, progress) -> TrainResult:
    X, y, ones_row = net.X, net.y, net.ones_row
    scale = net._scale
    output_gradient = net._dJ_dyhat
    n = len(params.weights)
    fs = [net._act(k, n)[0] for k in range(n)]
    primes = [net._act(k, n)[1] for k in range(n)]
    weights, biases = list(params.weights), list(params.biases)
    prev_w, prev_b = weights, biases
    costs: list[float] = []
    acts: list[Array] = [X] * (n + 1)
    isfinite = math.isfinite
    for i in range(epochs):
        a = X
        for k in range(n):
            a = fs[k](a @ weights[k] + biases[k])
            acts[k + 1] = a
        r = y - a
        cost = float(scale * np.vdot(r, r))
        if not isfinite(cost) or (first_cost is not None and cost > GROWTH_LIMIT * first_cost):
            if first_cost is None:
                first_cost = cost
            reason = divergence_reason(cost, first_cost)
            current = Params(tuple(weights), tuple(biases))
            previous = Params(tuple(prev_w), tuple(prev_b)) if costs else None
            return TrainResult(costs, current, DivergenceError(start_epoch + i, cost, reason), previous)
        if first_cost is None:
            first_cost = cost
        costs.append(cost)
        upstream = output_gradient(a)
        new_w, new_b = weights[:], biases[:]
        for k in range(n - 1, -1, -1):
            delta = upstream * primes[k](acts[k + 1])
            grad_b = ones_row @ delta
            grad_w = acts[k].T @ delta
            if k > 0:
                upstream = delta @ weights[k].T
            new_w[k] = weights[k] - lr * grad_w
            new_b[k] = biases[k] - lr * grad_b
        prev_w, prev_b = weights, biases
        weights, biases = new_w, new_b
        if progress is not None:
            progress(i + 1)
    final = Params(tuple(weights), tuple(biases))
    previous = Params(tuple(prev_w), tuple(prev_b)) if costs else None
    # The last update is checked too: its cost is the next epoch's, not yet recorded.
    if costs and first_cost is not None:
        reason = divergence_reason(net.cost(final), first_cost)
        if reason is not None:
            err = DivergenceError(start_epoch + len(costs), net.cost(final), reason)
            return TrainResult(costs, final, err, previous)
    return TrainResult(costs, final, None, previous)


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
