"""What a person types for a count — epochs, decimals — read one way by the CLI and the app's prompts.

No numpy: the CLI parses its arguments before the engine is imported.
"""

from __future__ import annotations

from .i18n import _

DECIMALS_RANGE = (0, 12)  # `--decimals`: more than 12 shows only float64 noise


def whole_number(text: str, low: int, high: int, what: str = "") -> int:
    """`text` as a whole number from `low` to `high` ("1,000" and "1_000" too); ValueError with the one-line
    reason otherwise. `what` names the count in the message ("epochs")."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    # `what` is one of the counts below, already in the reader's language
    try:
        value = int(cleaned)
    except ValueError:
        message = (
            _("expected a whole number of {what}, got {found}") if what else _("expected a whole number, got {found}")
        )
        raise ValueError(message.format(what=what, found=repr(text.strip()))) from None
    if not low <= value <= high:
        message = (
            _("expected {low} to {high} {what}, got {found}") if what else _("expected {low} to {high}, got {found}")
        )
        raise ValueError(message.format(low=f"{low:,}", high=f"{high:,}", what=what, found=f"{value:,}"))
    return value


def epochs(text: str) -> int:
    """Epochs to train or trace: the same limit as a scenario's `epochs`."""
    from .core.scenario import MAX_EPOCHS  # the engine's limit (the caller has the engine loaded or about to)

    return whole_number(text, 1, MAX_EPOCHS, _("epochs"))


def decimals(text: str) -> int:
    return whole_number(text, *DECIMALS_RANGE, _("decimals"))
