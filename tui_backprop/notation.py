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
    if m := re.fullmatch(r"fprime_(.+)", name):
        return f"f'({display_name(m.group(1))})"
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


MINUS = "−"


def dims(shape: tuple[int, ...]) -> str:
    """A matrix shape as rows×cols."""
    return f"{shape[0]}×{shape[1]}"


def signed_number(x: float, decimals: int) -> str:
    """A number as printed in equations: a true minus sign and no negative zero."""
    text = format_number(x, decimals)
    if text.startswith("-"):
        text = text[1:] if float(text[1:]) == 0 else MINUS + text[1:]
    return text


def factor_number(x: float, decimals: int) -> str:
    """A number as a factor or a later term: a negative one in parentheses."""
    text = signed_number(x, decimals)
    return f"({text})" if text.startswith(MINUS) else text
