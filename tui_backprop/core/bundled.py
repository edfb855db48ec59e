"""The scenarios shipped with the package, found by name from any working directory."""

from __future__ import annotations

from pathlib import Path

from .errors import ScenarioError
from .scenario import Scenario, load_file, parse_text

DEFAULT = "sleep-study"


def _directory():
    # Installed: the wheel carries scenarios/ inside the package. From a source
    # checkout: the top-level scenarios/ beside the package.
    from importlib import resources  # not at import time: it costs `train` a tenth of its start-up

    packaged = resources.files("tui_backprop") / "scenarios"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "scenarios"


def names() -> list[str]:
    return sorted(
        entry.name.rsplit(".", 1)[0]
        for entry in _directory().iterdir()
        if entry.name.endswith((".toml", ".json"))
    )


def load_bundled(name: str) -> Scenario:
    for suffix in (".toml", ".json"):
        entry = _directory() / f"{name}{suffix}"
        if entry.is_file():
            return parse_text(entry.read_text(encoding="utf-8"), name, suffix)
    raise ScenarioError(name, None, f"expected a bundled scenario ({', '.join(names())}), found none by that name")


def resolve(spec: str | None) -> Scenario:
    """A scenario from a file path or a bundled name; the bundled default for None."""
    if spec is None:
        return load_bundled(DEFAULT)
    path = Path(spec)
    if path.exists() or any(sep in spec for sep in ("/", "\\")) or path.suffix in (".toml", ".json"):
        return load_file(path)
    if spec in names():
        return load_bundled(spec)
    raise ScenarioError(spec, None, f"expected a scenario file or a bundled name ({', '.join(names())}), found neither")
