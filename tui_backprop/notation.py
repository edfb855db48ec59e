"""Display forms of the engine's ASCII matrix names, shared by every view."""

from __future__ import annotations

import re

_SPECIAL = {"yhat": "ŷ", "J": "J", "dJ_dyhat": "∂J/∂ŷ"}


def display_name(name: str) -> str:
    """`delta3` → `δ3`, `dJ_dW2` → `∂J/∂W2`, `yhat` → `ŷ`, `a2W2` → `a2W2`."""
    if name in _SPECIAL:
        return _SPECIAL[name]
    if m := re.fullmatch(r"delta(\d+)", name):
        return f"δ{m.group(1)}"
    if m := re.fullmatch(r"dJ_d(.+)", name):
        return f"∂J/∂{display_name(m.group(1))}"
    return name


# From here on fixed decimals would print walls of digits (a 10-layer identity network reaches 1e140).
SCIENTIFIC_FROM = 1e6


def format_number(x: float, decimals: int) -> str:
    """Fixed decimals, or scientific notation for magnitudes of a million and more."""
    x = float(x)
    if abs(x) >= SCIENTIFIC_FROM:
        return f"{x:.{decimals}e}"
    return f"{x:.{decimals}f}"


def dims(shape: tuple[int, ...]) -> str:
    """A matrix's shape as every view writes it: rows×cols, `(4, 3)` → `4×3`."""
    return f"{shape[0]}×{shape[1]}"
