"""The scenarios shipped with the package, found by name from any working directory.

Finding them (no numpy) is ``tui_backprop.locate``'s job; this module loads them.
"""

from __future__ import annotations

from pathlib import Path

from ..i18n import _
from ..locate import DEFAULT, bundled_entry, is_file_spec, names
from .errors import ScenarioError
from .scenario import Scenario, load_file, parse_text

__all__ = ["DEFAULT", "load_bundled", "names", "resolve"]


def load_bundled(name: str) -> Scenario:
    found = bundled_entry(name)
    if found is not None:
        entry, suffix = found
        return parse_text(entry.read_text(encoding="utf-8"), name, suffix)
    raise ScenarioError(
        name,
        None,
        _("expected a bundled scenario ({names}), found none by that name").format(names=", ".join(names())),
    )


def resolve(spec: str | None) -> Scenario:
    """A scenario from a file path or a bundled name; the bundled default for None."""
    if spec is None:
        return load_bundled(DEFAULT)
    if is_file_spec(spec):
        return load_file(Path(spec))
    if spec in names():
        return load_bundled(spec)
    raise ScenarioError(
        spec,
        None,
        _("expected a scenario file or a bundled name ({names}), found neither").format(names=", ".join(names())),
    )
