"""Where a scenario spec points — a file or a bundled scenario — without the engine (no numpy).

The app calls this before it takes the terminal over, so a missing file, a directory
or an unknown bundled name is a one-line error at once; the file's contents are
validated by the engine's loader once the first screen is painted. ``core.bundled``
finds the bundled scenarios through here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .core.describe import short
from .core.errors import ScenarioError
from .i18n import _

DEFAULT = "sleep-study"
SUFFIXES = (".toml", ".json")
PEEK_BYTES = 1 << 20  # the header's name is read from files up to this size; larger ones wait for the loader


def directory():
    """The bundled scenarios: inside the package when installed, beside it in a source checkout."""
    from importlib import resources  # not at import time: it costs `train` a tenth of its start-up

    packaged = resources.files("tui_backprop") / "scenarios"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[1] / "scenarios"


def names() -> list[str]:
    return sorted(entry.name.rsplit(".", 1)[0] for entry in directory().iterdir() if entry.name.endswith(SUFFIXES))


def bundled_entry(name: str):
    """The bundled scenario's file (a path or a package resource) and its suffix, or None."""
    for suffix in SUFFIXES:
        entry = directory() / f"{name}{suffix}"
        if entry.is_file():
            return entry, suffix
    return None


@dataclass(frozen=True)
class Location:
    spec: str  # what the loader is given: a bundled name or a file path
    bundled: bool
    entry: object  # a Path, or a package resource for a bundled scenario
    suffix: str


def is_file_spec(spec: str) -> bool:
    """A spec names a file (not a bundled scenario) when it exists, has a separator or a scenario suffix."""
    return Path(spec).exists() or any(sep in spec for sep in ("/", "\\")) or Path(spec).suffix in SUFFIXES


def locate(spec: str | Path | None, *, file: bool = False) -> Location:
    """Where a spec points — the one place that decides between a file and a bundled name — raising
    ScenarioError for what is cheap to see: no such file, a directory, not a regular file, no bundled
    scenario by that name. `file`: the spec is a path whatever it looks like (the picker's path field)."""
    if spec is None:
        spec = DEFAULT
        found = bundled_entry(spec)
        if found is not None:
            return Location(spec, True, found[0], found[1])
    spec = str(spec)
    if file or is_file_spec(spec):
        return Location(spec, False, _check_file(spec), Path(spec).suffix)
    found = bundled_entry(spec)
    if found is None:
        raise ScenarioError(
            spec,
            None,
            _("expected a scenario file or a bundled name ({names}), found neither").format(names=", ".join(names())),
        )
    return Location(spec, True, found[0], found[1])


def load(location: Location):
    """The engine's loader on a located spec (imports numpy); raises ScenarioError for a file it cannot use."""
    from .core import load_bundled, load_file

    return load_bundled(location.spec) if location.bundled else load_file(location.entry)


def _check_file(spec: str) -> Path:
    p = Path(spec)
    src = short(spec, 500)
    try:
        if p.is_dir():
            raise ScenarioError(src, None, _("expected a scenario file, got a directory"))
        if not p.exists():
            raise ScenarioError(src, None, _("expected a scenario file, but no such file exists"))
        if not p.is_file():
            raise ScenarioError(src, None, _("expected a regular scenario file, got a device, socket or pipe"))
    except (OSError, ValueError):
        pass  # the loader reports it, with its own wording
    return p


def peek_name(location: Location) -> str | None:
    """The scenario's `name` (`name_zh` in Chinese, when given), read cheaply for the first screen (no
    validation); None when not readable."""
    from .i18n import language

    doc = _peek(location)
    name = doc.get("name_zh") if language() == "zh" else None
    name = name if isinstance(name, str) and name.strip() else doc.get("name")
    if not isinstance(name, str):
        return None
    name = "".join(c for c in name if c.isprintable()).strip()
    return name[:80] or None


def peek_language(location: Location) -> str | None:
    """The scenario's `[lesson] language`, read cheaply before the first screen; None when not given or not
    readable (the loader validates it)."""
    from .i18n import LANGUAGES

    lesson = _peek(location).get("lesson")
    code = lesson.get("language") if isinstance(lesson, dict) else None
    return code if code in LANGUAGES else None


def _peek(location: Location) -> dict:
    """The scenario's document, unvalidated; {} when not readable."""
    try:
        if not location.bundled and location.entry.stat().st_size > PEEK_BYTES:
            return None
        text = location.entry.read_text(encoding="utf-8-sig")
        if location.suffix == ".json":
            import json

            doc = json.loads(text)
        else:
            import tomllib

            doc = tomllib.loads(text)
    except Exception:  # anything wrong is the loader's to report, after the first screen
        return {}
    return doc if isinstance(doc, dict) else {}
