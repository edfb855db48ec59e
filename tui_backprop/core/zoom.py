"""Zooming into one entry: the chain of local derivatives from J down to it, and the batch as a sum.

Both are read off the gate model, not written by hand. The chain expands a gradient entry with its
operation's `expand`, then expands every factor that is itself a gradient of the walk the same way,
until only the first gradient of the backward pass (the difference ŷ − y: ∂J/∂ŷ from the cost′, or δ
of the output where the output activation and the cost are differentiated together) and entries that
are not gradients (f′(z), the weights, the activations) are left: each path is one product of local
derivatives, and the paths of all observations add up to the entry.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from ..notation import display_name
from .operations import ELEMENTWISE, FUNCTION_SYMBOL, Factor, Operation
from .trace import Step

Array = np.ndarray

MAX_PATHS = 2048  # a chain longer than this lists its first paths and says how many it left out
_PARAMETER = re.compile(r"[Wb]\d+")


@dataclass(frozen=True)
class Link:
    """One local derivative of a chain: an entry of a matrix of the walk, and the step that shows it."""

    factor: Factor
    step: int  # the step (1-based) whose matrices hold this entry: where it is computed, else where it enters
    symbol: str  # as a reader writes it: (ŷ[1,1] − y[1,1]), σ′(z3[1,1]), W2[2,1], X[1,1]
    general: str  # the same with the observation's index written i (parameters keep their index)


@dataclass(frozen=True)
class Path:
    observation: int  # 0-based row of the batch
    links: tuple[Link, ...]

    @property
    def value(self) -> float:
        return math.prod(link.factor.value for link in self.links)


@dataclass(frozen=True)
class Chain:
    """Entry [i, j] of a gradient as Σ over observations (and over units between) of products of local derivatives."""

    name: str
    index: tuple[int, int]  # 0-based
    value: float
    paths: tuple[Path, ...]
    total_paths: int  # paths listed + left out (beyond MAX_PATHS)

    @property
    def label(self) -> str:
        return f"{display_name(self.name)}[{self.index[0] + 1},{self.index[1] + 1}]"

    @property
    def total(self) -> float:
        return math.fsum(p.value for p in self.paths)

    def general(self) -> str:
        """`∂J/∂W1[1,2] = Σᵢ (ŷ[i,1] − y[i,1])·σ′(z3[i,1])·W2[2,1]·σ′(z2[i,2])·X[i,1]`, from the first observation's paths."""
        first = [p for p in self.paths if p.observation == self.paths[0].observation]
        products = ["·".join(link.general for link in p.links) for p in first]
        body = products[0] if len(products) == 1 else "(" + " + ".join(products[:3] + ["…"] * (len(products) > 3)) + ")"
        return f"{self.label} = Σᵢ {body}"

    def by_observation(self) -> dict[int, list[Path]]:
        out: dict[int, list[Path]] = {}
        for p in self.paths:
            out.setdefault(p.observation, []).append(p)
        return out


def _is_start(op: Operation) -> bool:
    """The backward pass's first gradient, c·(ŷ − y): where every chain from J starts."""
    return op.op == ELEMENTWISE and op.difference


def start_of(steps: list[Step]) -> Operation:
    return next(op for s in steps if s.phase == "backward" for op in s.operations if _is_start(op))


def _holders(steps: list[Step]) -> tuple[dict[str, tuple[Step, Operation]], dict[str, int]]:
    """Backward results → (step, operation); every matrix name → the step that shows it first."""
    results: dict[str, tuple[Step, Operation]] = {}
    shown: dict[str, int] = {}
    for s in steps:
        if s.phase == "update":
            continue
        for op in s.operations:
            if s.phase == "backward":
                results[op.result] = (s, op)
            shown[op.result] = s.index
    for s in steps:
        for op in s.operations:
            for o in op.operands:
                shown.setdefault(o.name, s.index)
    return results, shown


def _entry(name: str, r: str, c: str) -> str:
    return f"{display_name(name)}[{r},{c}]"


def _link(f: Factor, shown: dict[str, int], results: dict[str, tuple[Step, Operation]], fprime: str | None) -> Link:
    r, c = str(f.index[0] + 1), str(f.index[1] + 1)
    rows = (r, "i") if not _PARAMETER.fullmatch(f.name) else (r, r)
    texts = []
    for row in rows:
        op = results[f.name][1] if f.name in results else None
        if op is not None and _is_start(op):
            y, yhat = (o.name for o in op.operands)
            scale = "" if op.coefficient == 1 else "/m"
            texts.append(f"({_entry(yhat, row, c)} − {_entry(y, row, c)}){scale}")
        elif fprime is not None:  # fprime_z3 entry: σ′(z3[1,1])
            texts.append(f"{FUNCTION_SYMBOL.get(fprime, fprime)}′({_entry(f.name[len('fprime_') :], row, c)})")
        else:
            texts.append(_entry(f.name, row, c))
    return Link(f, shown[f.name], texts[0], texts[1])


def chain(steps: list[Step], name: str, i: int, j: int) -> Chain:
    """The chain from J down to entry [i, j] (0-based) of the backward result `name` (e.g. dJ_dW1)."""
    results, shown = _holders(steps)
    if name not in results:
        raise KeyError(name)
    _, op = results[name]
    if _is_start(op):  # the start itself: a chain of one link
        f = Factor(name, (i, j), float(op.value[i, j]))
        return Chain(name, (i, j), f.value, (Path(i, (_link(f, shown, results, None),)),), 1)
    value = float(op.value[i, j])
    paths: list[Path] = []
    total = 0

    def walk(op: Operation, r: int, c: int, below: tuple[Link, ...]) -> None:
        nonlocal total
        for term in op.expand(r, c).terms or ():
            upstream = [f for f in term.factors if f.name in results and not _is_start(results[f.name][1])]
            starts = [f for f in term.factors if f.name in results and _is_start(results[f.name][1])]
            links = tuple(
                _link(f, shown, results, op.function if f.name.startswith("fprime_") else None)
                for f in term.factors
                if f not in upstream and f not in starts
            )
            if upstream:
                (g,) = upstream
                walk(results[g.name][1], *g.index, links + below)
            else:
                (start,) = starts
                total += 1
                if len(paths) < MAX_PATHS:
                    paths.append(Path(start.index[0], (_link(start, shown, results, None), *links, *below)))

    walk(op, i, j, ())
    return Chain(name, (i, j), value, tuple(paths), total)


def chain_names(steps: list[Step]) -> list[str]:
    """The results a chain can be drawn for: every gradient of the backward pass but the first, ŷ − y."""
    return [op.result for s in steps if s.phase == "backward" for op in s.operations if not _is_start(op)]


# --- the batch as a sum of observations ---------------------------------------------------------------


@dataclass(frozen=True)
class Contributions:
    """Each observation's own gradient of ∂J/∂W_l and ∂J/∂b_l; the batch gradient is their sum or mean."""

    layer: int
    weights: tuple[Array, ...]  # m matrices the shape of W_l
    biases: tuple[Array, ...]  # m rows the shape of b_l
    mean: bool  # mse: the batch gradient is their mean; sse: their sum
    batch_w: Array
    batch_b: Array

    @property
    def combine(self) -> str:
        return "mean" if self.mean else "sum"


def contributions(steps: list[Step], layer: int) -> Contributions:
    """From the layer's backward mulGate (∂J/∂W_l = a_lᵀ·δ): observation k's share is a_l[k,:]ᵀ·δ[k,:].

    Where the cost is an average (mse, the cross-entropies), δ carries its 1/m — the first gradient is
    (ŷ − y)/m —, so each observation's own gradient (of its own cost) is m times its share, and the batch
    gradient their mean.
    """
    results, _ = _holders(steps)
    _, dw = results[f"dJ_dW{layer}"]
    _, db = results[f"dJ_db{layer}"]
    a, delta = (o.matrix for o in dw.operands)
    share = start_of(steps).coefficient  # 1, or 1/m for an average
    mean = share != 1
    scale = 1.0 / share
    weights = tuple(np.outer(a[k], delta[k]) * scale for k in range(a.shape[0]))
    biases = tuple(delta[k : k + 1] * scale for k in range(a.shape[0]))
    return Contributions(layer, weights, biases, mean, dw.value, db.value)


def observation_contributions(steps: list[Step], step: Step) -> list[tuple[str, tuple[Array, ...], Array, bool]]:
    """At a step computing ∂J/∂W_l or ∂J/∂b_l: (result, each observation's own gradient, the batch's, mean?)."""
    if step.phase != "backward" or not step.layer:
        return []
    results = {op.result for op in step.operations}
    c = contributions(steps, step.layer)
    parts = [(f"dJ_dW{c.layer}", c.weights, c.batch_w), (f"dJ_db{c.layer}", c.biases, c.batch_b)]
    return [(name, each, batch, c.mean) for name, each, batch in parts if name in results]
