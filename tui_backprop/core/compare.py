"""Two runs of the same network side by side: "same start, one thing changed".

`vary` makes the second scenario from the first by one setting, applied to the file's parsed data
before the usual validation (so a bad value gets the usual one-line message); `comparable` refuses
two scenarios that cannot be stepped together; `Lockstep` moves, trains and resets two sessions as one.
"""

from __future__ import annotations

import json
import tomllib
from copy import deepcopy
from dataclasses import dataclass, replace

import numpy as np

from ..i18n import _
from ..locate import locate
from .describe import closest, short
from .errors import BackpropError, DivergenceError
from .scenario import TRAINING_KEYS, Scenario, scenario_from_document
from .session import Position, Session
from .trace import steps_per_epoch

SEED = "seed"  # not a [training] key: it draws the initial weights (LeCun normal, as [network] seed does)
VARY_KEYS = (*TRAINING_KEYS, SEED)


def _document(scenario: Scenario) -> dict:
    """The scenario's file as parsed data (it has been read and validated already)."""
    where = locate(scenario.source)
    text = where.entry.read_text(encoding="utf-8-sig")
    return json.loads(text) if where.suffix == ".json" else tomllib.loads(text)


def _value(text: str):
    """VALUE as TOML reads it (3 → 3, 0.5 → 0.5, "x" → x, true → true), else the bare word (tanh)."""
    try:
        doc = tomllib.loads(f"v = {text}")
    except tomllib.TOMLDecodeError:
        return text
    return doc["v"] if list(doc) == ["v"] else text


def vary(scenario: Scenario, assignment: str) -> Scenario:
    """`scenario` with one setting changed by KEY=VALUE, validated as the file itself would be."""
    key, sep, text = assignment.partition("=")
    key, text = key.strip(), text.strip()
    if not sep or not key or not text:
        raise BackpropError(
            _("--vary: expected KEY=VALUE, e.g. learning_rate=3, got {value}").format(value=repr(short(assignment)))
        )
    if key not in VARY_KEYS:
        close = closest(key, VARY_KEYS)
        hint = _("; did you mean '{name}'?").format(name=close) if close else ""
        raise BackpropError(
            _("--vary: unknown key '{key}': expected one of {keys}{hint}").format(
                key=short(key), keys=", ".join(VARY_KEYS), hint=hint
            )
        )
    doc = deepcopy(_document(scenario))
    value = _value(text)
    if key == SEED:
        # Drawn weights, whether the file gives them ([weights]) or draws them ([network] seed).
        doc.pop("weights", None)
        doc["network"] = {"layers": scenario.layers, "seed": value}
    else:
        doc["training"][key] = value
    src = f"{scenario.source} (--vary {short(key)}={short(text)})"
    varied = scenario_from_document(doc, src)
    if not differences(scenario, varied):
        raise BackpropError(
            _("--vary {key}={value}: {file} already has it: nothing would differ").format(
                key=short(key), value=short(text), file=scenario.source
            )
        )
    return replace(varied, source=scenario.source)


def comparable(a: Scenario, b: Scenario) -> None:
    """Raise BackpropError unless the two can be stepped together: the same shapes, walks of one length."""
    if a.layers != b.layers or a.m != b.m:
        raise BackpropError(
            _(
                "compare: {a} is {a_shape} with m = {a_m}, {b} is {b_shape} with m = {b_m}: "
                "expected the same layers and the same number of observations"
            ).format(a=a.source, a_shape=a.shape_text, a_m=a.m, b=b.source, b_shape=b.shape_text, b_m=b.m)
        )
    na, nb = steps_per_epoch(a), steps_per_epoch(b)
    if na != nb:
        # A fused output and cost (softmax or sigmoid with cross-entropy) make one backward step of two.
        raise BackpropError(
            _(
                "compare: {a} ({a_cost}) walks {a_n} steps per epoch, {b} ({b_cost}) {b_n}: "
                "lockstep needs walks of the same length (a cross-entropy cost takes the output's step with it)"
            ).format(a=a.source, a_cost=a.cost, a_n=na, b=b.source, b_cost=b.cost, b_n=nb)
        )


def _optimizer_text(s: Scenario) -> str:
    o = s.optimizer
    if o.name == "momentum":
        return f"momentum (μ {o.momentum:g})"
    if o.name == "adam":
        return f"adam (β1 {o.beta1:g}, β2 {o.beta2:g}, ε {o.eps:g})"
    return o.name


def _same(x: tuple[np.ndarray, ...], y: tuple[np.ndarray, ...]) -> bool:
    return len(x) == len(y) and all(a.shape == b.shape and np.array_equal(a, b) for a, b in zip(x, y))


def differences(a: Scenario, b: Scenario) -> list[str]:
    """What differs between the two, one "key: A | B" each (the header of the compare screen)."""
    out = [
        f"{key}: {x} | {y}"
        for key, x, y in (
            ("learning_rate", f"{a.learning_rate:g}", f"{b.learning_rate:g}"),
            ("cost", a.cost, b.cost),
            ("activation", a.activation, b.activation),
            ("output_activation", a.output_activation, b.output_activation),
            ("optimizer", _optimizer_text(a), _optimizer_text(b)),
            ("epochs", f"{a.epochs:,}", f"{b.epochs:,}"),
        )
        if x != y
    ]
    if not _same(a.params.weights + a.params.biases, b.params.weights + b.params.biases):
        out.append(_("initial weights differ"))
    if not _same((a.X, a.y), (b.X, b.y)):
        out.append(_("data differ"))
    return out


@dataclass(frozen=True)
class Side:
    label: str  # "A", "B"
    title: str  # what the pane is titled: the scenario, or what was changed in it


def open_pair(a_spec: str, b_spec: str | None = None, assignment: str | None = None):
    """`compare A B` or `compare A --vary KEY=VALUE`: both scenarios, validated and comparable, and their sides."""
    from .bundled import resolve

    a = resolve(a_spec)
    b = vary(a, assignment) if assignment is not None else resolve(b_spec)
    comparable(a, b)
    if assignment is not None:
        titles = (a.title, _("{name}, with {change}").format(name=a.title, change=assignment.strip()))
    else:
        titles = (a.title, b.title)
    return a, b, (Side("A", titles[0]), Side("B", titles[1]))


class Lockstep:
    """Two sessions that move, train and reset together and always stand at the same position.

    Quacks like a Session where the app's training controller uses one (`frontier`, `train`).
    """

    def __init__(self, a: Session, b: Session) -> None:
        self.sessions = (a, b)

    @property
    def position(self) -> Position:
        return self.sessions[0].position

    @property
    def n_steps(self) -> int:
        return self.sessions[0].n_steps

    @property
    def frontier(self) -> int:
        return min(s.frontier for s in self.sessions)

    @property
    def diverged(self) -> DivergenceError | None:
        """The first side's divergence, if any (each session keeps its own)."""
        return next((s.diverged for s in self.sessions if s.diverged is not None), None)

    def move(self, delta: int) -> bool:
        """Both one step; neither when one cannot (the first step, or the other side diverging)."""
        a, b = self.sessions
        if not a.move(delta):
            return False
        if not b.move(delta):
            a.move(-delta)
            return False
        return True

    def go(self, index: int) -> None:
        for s in self.sessions:
            s.go(index)

    def reset(self) -> None:
        for s in self.sessions:
            s.reset()

    def train(self, epochs: int, progress=None) -> DivergenceError | None:
        """Both the same epochs (one after the other); both then stand at step 1 of the last epoch both
        reached, so one side's divergence stops the pair there."""
        for k, s in enumerate(self.sessions):
            report = (lambda done, k=k: progress((k * epochs + done) // 2)) if progress else None
            s.train(epochs, report)
        last = self.frontier
        for s in self.sessions:
            s.position = Position(last, 1)
            s.epoch_pass(last)
        return self.diverged
