"""The engine: scenarios, the gate-by-gate trace and training. numpy only — never textual."""

from .bundled import DEFAULT, load_bundled, names, resolve
from .errors import BackpropError, DivergenceError, ScenarioError
from .network import Network, Params, gradient_check, train
from .scenario import Scenario, load_file, parse_text, scenario_from_document
from .session import Position, Session
from .trace import Step, epoch_steps, steps_per_epoch

__all__ = [
    "DEFAULT", "BackpropError", "DivergenceError", "Network", "Params", "Position", "Scenario",
    "ScenarioError", "Session", "Step", "epoch_steps", "gradient_check", "load_bundled", "load_file",
    "names", "parse_text", "resolve", "scenario_from_document", "steps_per_epoch", "train",
]
