"""The engine: scenarios, the gate-by-gate trace and training. numpy only — never textual.

The names below are imported on first use (PEP 562), so importing a numpy-free part of
the engine (``core.errors``, ``core.lesson``, ``core.describe``) does not import numpy:
the app's first frame needs none of it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

_WHERE = {
    "DEFAULT": "bundled",
    "load_bundled": "bundled",
    "names": "bundled",
    "resolve": "bundled",
    "BackpropError": "errors",
    "DivergenceError": "errors",
    "ScenarioError": "errors",
    "Network": "network",
    "Params": "network",
    "gradient_check": "network",
    "train": "network",
    "Scenario": "scenario",
    "load_file": "scenario",
    "parse_text": "scenario",
    "scenario_from_document": "scenario",
    "Position": "session",
    "Session": "session",
    "Step": "trace",
    "epoch_steps": "trace",
    "steps_per_epoch": "trace",
}

__all__ = [
    "DEFAULT",
    "BackpropError",
    "DivergenceError",
    "Network",
    "Params",
    "Position",
    "Scenario",
    "ScenarioError",
    "Session",
    "Step",
    "epoch_steps",
    "gradient_check",
    "load_bundled",
    "load_file",
    "names",
    "parse_text",
    "resolve",
    "scenario_from_document",
    "steps_per_epoch",
    "train",
]


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:
    from .bundled import DEFAULT, load_bundled, names, resolve
    from .errors import BackpropError, DivergenceError, ScenarioError
    from .network import Network, Params, gradient_check, train
    from .scenario import Scenario, load_file, parse_text, scenario_from_document
    from .session import Position, Session
    from .trace import Step, epoch_steps, steps_per_epoch
