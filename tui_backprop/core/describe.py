"""How error messages show what was found: short, one line, and with the key a typo meant."""

from __future__ import annotations

import difflib
from typing import Any

from ..i18n import N_, _, ngettext

MAX_SHOWN_CHARS = 40  # how much of an offending value or key a message quotes


def short(text: str, limit: int = MAX_SHOWN_CHARS) -> str:
    """Text cut to `limit` characters, control characters escaped, so a message stays one line."""
    shown = text if len(text) <= limit else text[: limit - 3] + "..."
    return shown.encode("unicode_escape").decode("ascii") if not shown.isprintable() else shown


def num_text(value: int | float) -> str:
    """A number as a message shows it: huge integers by their size, not their 4,000 digits."""
    if isinstance(value, int) and abs(value) >= 10**15:
        digits = len(str(abs(value)))
        return _("{sign}an integer of {digits} digits").format(sign="-" if value < 0 else "", digits=digits)
    return repr(value)


def describe(value: Any) -> str:
    """A short, human description of a value found where something else was expected."""
    if isinstance(value, bool):
        return _("the boolean {value}").format(value=str(value).lower())
    if isinstance(value, (int, float)):
        if isinstance(value, int) and abs(value) >= 10**15:
            return num_text(value)
        return _("the number {value}").format(value=num_text(value))
    if isinstance(value, str):
        return _("the string '{text}'").format(text=short(value, 30))
    if isinstance(value, dict):
        return _("a table")
    if isinstance(value, list):
        return ngettext("a list of {n} item", "a list of {n} items", len(value)).format(n=len(value))
    if value is None:
        return "null"
    # TOML dates and times: a date, a time, a datetime
    return _("a {kind} ({text})").format(kind=_(type(value).__name__), text=short(str(value), 30))


# TOML's kinds of date and time, named in messages through _() above.
_TIME_KINDS = (N_("date"), N_("time"), N_("datetime"))


def closest(key: str, valid: list[str] | tuple[str, ...], cutoff: float = 0.5) -> str | None:
    """The valid key a typo most likely meant: an exact match but for case first, then by similarity."""
    key = key[:100]
    for v in valid:
        if v.lower() == key.lower():
            return v
    close = difflib.get_close_matches(key, valid, n=1, cutoff=cutoff)
    if not close:
        lowered = {v.lower(): v for v in valid}
        close = [lowered[c] for c in difflib.get_close_matches(key.lower(), list(lowered), n=1, cutoff=cutoff)]
    return close[0] if close else None
