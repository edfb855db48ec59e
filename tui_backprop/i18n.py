"""The language a person reads: English or Simplified Chinese, from gettext catalogues (stdlib only).

The language is process state, chosen once at start-up with `use_language` (the command line does it:
--lang, then the scenario's `[lesson] language`, then the locale). Every `_()` looks the message up
when it is called, never at import, so a module-level text is marked with `N_()` and translated where
it is shown. Catalogues: tui_backprop/locale/<code>/LC_MESSAGES/backprop_tui.po (the .mo beside it is
compiled from it; tests/test_i18n.py keeps them in step with the sources — see the README's Languages).
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from pathlib import Path

DOMAIN = "backprop_tui"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "zh")  # English is the source language: it has no catalogue
DEFAULT = "en"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")  # POSIX order: the first one set decides
LANGUAGE_VARIABLE = "BACKPROP_TUI_LANG"  # how `serve` hands its --lang to the app processes it starts

_state = {"code": DEFAULT, "catalogue": gettext.NullTranslations(), "fixed": False}


def _(message: str) -> str:
    """`message` in the active language ("" stays "": gettext would answer with the catalogue's header)."""
    return _state["catalogue"].gettext(message) if message else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for `n` in the active language (Chinese has one form)."""
    return _state["catalogue"].ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a text for the catalogue where it is defined; `_()` translates it where it is shown."""
    return message


def language() -> str:
    """The active language's code: "en" or "zh"."""
    return _state["code"]


def use_language(code: str) -> None:
    """Make `code` (one of LANGUAGES) the language of everything shown from now on."""
    if code not in LANGUAGES:
        raise ValueError(f"expected one of {', '.join(LANGUAGES)}, got {code!r}")
    if code == DEFAULT:
        catalogue: gettext.NullTranslations = gettext.NullTranslations()
    else:
        # fallback=False: a missing catalogue is a broken install, not something to hide.
        catalogue = gettext.translation(DOMAIN, LOCALE_DIR, languages=[code])
    _state.update(code=code, catalogue=catalogue)


def start(flag: str | None = None, environ: Mapping[str, str] | None = None) -> None:
    """At start-up: --lang's language (fixed: a lesson cannot change it), else the locale's, else English."""
    use_language(resolve(flag, None, environ))
    _state["fixed"] = flag is not None


def chosen() -> bool:
    """Whether --lang chose the language (a lesson's cannot change it then)."""
    return bool(_state["fixed"])


def prefer(code: str | None) -> None:
    """A scenario's `[lesson] language`: it wins over the locale, not over --lang."""
    if code and not _state["fixed"]:
        use_language(code)


def from_locale(environ: Mapping[str, str] | None = None) -> str | None:
    """The language the locale asks for (`LANG=zh_CN.UTF-8` → "zh"), or None when it names neither."""
    env = os.environ if environ is None else environ
    for name in LOCALE_VARIABLES:
        value = env.get(name, "")
        if value:
            code = value.split(".")[0].split("@")[0].split("_")[0].lower()
            return code if code in LANGUAGES else None
    return None


def resolve(flag: str | None, lesson: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language to use: --lang, else the lesson's, else the locale's, else English."""
    return flag or lesson or from_locale(environ) or DEFAULT
