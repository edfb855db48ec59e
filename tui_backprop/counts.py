"""What a person types for a count — epochs, decimals — read one way by the CLI and the app's prompts.

No numpy: the CLI parses its arguments before the engine is imported.
"""

from __future__ import annotations

DECIMALS_RANGE = (0, 12)  # `--decimals`: more than 12 shows only float64 noise


def whole_number(text: str, low: int, high: int, what: str = "") -> int:
    """`text` as a whole number from `low` to `high` ("1,000" and "1_000" too); ValueError with the one-line
    reason otherwise. `what` names the count in the message ("epochs")."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    unit = f" {what}" if what else ""
    try:
        value = int(cleaned)
    except ValueError:
        raise ValueError(f"expected a whole number{' of' + unit if what else ''}, got {text.strip()!r}") from None
    if not low <= value <= high:
        raise ValueError(f"expected {low:,} to {high:,}{unit}, got {value:,}")
    return value


def epochs(text: str) -> int:
    """Epochs to train or trace: the same limit as a scenario's `epochs`."""
    from .core.scenario import MAX_EPOCHS  # the engine's limit (the caller has the engine loaded or about to)

    return whole_number(text, 1, MAX_EPOCHS, "epochs")


def decimals(text: str) -> int:
    return whole_number(text, *DECIMALS_RANGE, "decimals")
