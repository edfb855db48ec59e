"""The fused output step δ = (ŷ − y)/m expanded, for one observation, into the chain it skips.

The walk never multiplies ∂J/∂ŷ by the output activation's derivative: the two cancel into ŷ − y.
This module does the long way for one row r, to show that they do: ∂J/∂ŷ_r (1 × k) times the
Jacobian S_r = ∂ŷ_r/∂z_r (k × k) — softmax's diag(ŷ_r) − ŷ_rᵀŷ_r, or a sigmoid's diag(ŷ_r(1 − ŷ_r)) —
is row r of δ. The long way divides by ŷ (and, for binary cross-entropy, by 1 − ŷ): where ŷ has
rounded to exactly 0 or 1 that division is impossible, which is why the walk takes the fused step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..i18n import N_, _
from ..notation import factor_number, signed_number
from .activations import softmax_jacobian
from .gates import FusedDelta

Array = np.ndarray

# Why the chain product is ŷ − y, by cost (the scenario's `cost`); shown through _().
CANCELS = {
    "cross_entropy": N_(
        "Row c of S_r is ŷ_c(1[c = j] − ŷ_j); times ∂J/∂ŷ_c = −y_c/(m·ŷ_c) the ŷ_c cancels, leaving "
        "−y_c(1[c = j] − ŷ_j)/m, and summed over the classes c, where Σ y_c = 1, that is (ŷ_j − y_j)/m: "
        "no division by ŷ is left."
    ),
    "binary_cross_entropy": N_(
        "∂J/∂ŷ = (ŷ − y)/(m·ŷ(1 − ŷ)) and σ′ = ŷ(1 − ŷ) is exactly its denominator: the product is (ŷ − y)/m."
    ),
}
DERIVATIVE = {
    "cross_entropy": ("∂J/∂ŷ_r = −y_r/(m·ŷ_r)", "S_r = diag(ŷ_r) − ŷ_rᵀŷ_r"),
    "binary_cross_entropy": ("∂J/∂ŷ_r = −(y_r/ŷ_r − (1 − y_r)/(1 − ŷ_r))/m", "S_r = diag(ŷ_r(1 − ŷ_r))"),
}


@dataclass(frozen=True, eq=False)
class FusedRow:
    """Row r (0-based) of the fused step the long way. `dJ_dyhat` and `product` are None where ŷ rounded
    to exactly 0 or 1 at an entry the division needs (`underflow` lists those entries, 0-based)."""

    r: int
    cost: str
    m: int
    y: Array  # 1 × k
    yhat: Array  # 1 × k
    dJ_dyhat: Array | None  # 1 × k
    jacobian: Array  # k × k: S_r = ∂ŷ_r/∂z_r
    product: Array | None  # ∂J/∂ŷ_r · S_r, 1 × k
    delta: Array  # row r of the step's δ, as the walk computed it: (ŷ_r − y_r)/m
    underflow: tuple[int, ...]

    @property
    def because(self) -> str:
        return _(CANCELS[self.cost])

    @property
    def formulas(self) -> tuple[str, str]:
        """How ∂J/∂ŷ_r and S_r are computed, as equations."""
        return DERIVATIVE[self.cost]


def expands(step) -> bool:
    """Is this step the fused output step, which the long way can expand?"""
    return isinstance(step.kind, FusedDelta)


def fused_row(step, r: int) -> FusedRow:
    """Observation r (0-based) of a fused step (see `expands`) the long way."""
    op = step.operations[0]
    y_op, yhat_op = op.operands  # FusedDelta's operation: δ = (ŷ − y)/m from y and ŷ
    cost, m = step.facts.cost, step.facts.m
    y, yhat = y_op.matrix[r : r + 1], yhat_op.matrix[r : r + 1]
    return chain_row(cost, m, y, yhat, op.value[r : r + 1], r)


def chain_row(cost: str, m: int, y: Array, yhat: Array, delta: Array, r: int = 0) -> FusedRow:
    """∂J/∂ŷ, the Jacobian and their product for one observation's rows y, ŷ (1 × k)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if cost == "cross_entropy":
            # An entry with y = 0 contributes nothing whatever ŷ is (0 · log ŷ): no division there.
            grad = np.where(y != 0, -y / np.where(y != 0, yhat, 1.0), 0.0) / m
            jac = softmax_jacobian(yhat)
        else:
            ones = np.where(y != 0, y / np.where(y != 0, yhat, 1.0), 0.0)
            zeros = np.where(y != 1, (1.0 - y) / np.where(y != 1, 1.0 - yhat, 1.0), 0.0)
            grad = -(ones - zeros) / m
            jac = np.diag((yhat * (1.0 - yhat)).reshape(-1))
        product = grad @ jac
    # The entries of ŷ the division failed at (else, if ever, those where the product overflowed)
    bad = np.flatnonzero(~np.isfinite(grad[0]))
    if not bad.size:
        bad = np.flatnonzero(~np.isfinite(product[0]))
    if bad.size:
        return FusedRow(r, cost, m, y, yhat, None, jac, None, delta, tuple(int(j) for j in bad))
    return FusedRow(r, cost, m, y, yhat, grad, jac, product, delta, ())


def _n(x: float, decimals: int) -> str:
    x = float(x)
    return str(int(x)) if x.is_integer() else factor_number(x, decimals)  # a target 1 or 0 reads as such


def plugged(row: FusedRow, decimals: int) -> list[str]:
    """∂J/∂ŷ_r entry by entry with the numbers in, then (ŷ_r − y_r)/m: one line each."""
    r, m = row.r + 1, row.m
    y, yhat = row.y[0], row.yhat[0]
    lines = []
    for j in range(y.size):
        at = f"∂J/∂ŷ[{r},{j + 1}]"
        if row.cost == "cross_entropy":
            if y[j] == 0:
                continue  # said once below
            form = f"−{_n(y[j], decimals)}/({m}·{_n(yhat[j], decimals)})"
        else:
            form = f"−({_n(y[j], decimals)}/{_n(yhat[j], decimals)} − {_n(1 - y[j], decimals)}/{_n(1 - yhat[j], decimals)})/{m}"
        value = (
            _("cannot be computed: ŷ rounded to exactly {value}").format(value="0" if yhat[j] == 0 else "1")
            if j in row.underflow
            else signed_number(float(row.dJ_dyhat[0, j]), decimals)
            if row.dJ_dyhat is not None
            else _("not computed (another entry cannot be)")
        )
        lines.append(f"{at} = {form} = {value}")
    if row.cost == "cross_entropy" and (y == 0).any():
        lines.append(_("∂J/∂ŷ is 0 wherever y = 0: those classes add nothing to J"))
    terms = ", ".join(
        f"({_n(yhat[j], decimals)} − {_n(y[j], decimals)})/{m} = {signed_number(float(row.delta[0, j]), decimals)}"
        for j in range(y.size)
    )
    lines.append(f"(ŷ_r − y_r)/m: {terms}")
    return lines


def underflow_note(row: FusedRow) -> str:
    """Why the long way stops where ŷ rounded to 0 or 1 ("" when it does not)."""
    if not row.underflow:
        return ""
    where = ", ".join(f"ŷ[{row.r + 1},{j + 1}]" for j in row.underflow)
    return _(
        "{where} rounded to exactly 0 or 1, so ∂J/∂ŷ_r would divide by zero: the long way cannot be taken "
        "here. The fused step (ŷ − y)/m never divides by ŷ, which is why the walk takes it."
    ).format(where=where)
