"""The activation at work: f and f′ with the layer's current z marked, at activation and f′ steps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.containers import Vertical
from textual.reactive import var

from ...i18n import _
from ..state import View
from ..view import fmt
from .canvas import Chart, line_chart

if TYPE_CHECKING:
    from ...core import Session, Step
    from ...core.landscape import Curve


def layer_activation(session: Session, layer: int) -> str:
    s = session.scenario
    return s.output_activation if layer == len(s.params.weights) else s.activation


class ActivationChart(Chart):
    """f solid, f′ dotted, a heavy dot on each curve at each z of the layer, ▲ under each z."""

    COMPONENT_CLASSES = {"chart--axis", "chart--f", "chart--prime", "chart--mark"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.curve: Curve | None = None

    def draw(self, width: int, height: int) -> Text:
        c = self.curve
        if c is None:
            return Text()
        z, f, prime = c.z.tolist(), c.f.tolist(), c.prime.tolist()
        lo, hi = min(min(f), min(prime), 0.0), max(max(f), max(prime), 1.0)
        marks = sorted({round(v, 6) for v in c.marks.tolist()})
        points = [(m, fv, "f") for m, fv in zip(c.marks.tolist(), c.marks_f.tolist())]
        points += [(m, pv, "prime") for m, pv in zip(c.marks.tolist(), c.marks_prime.tolist())]
        return line_chart(
            width,
            height,
            [("f", z, f, 1), ("prime", z, prime, 3)],
            (z[0], z[-1]),
            (lo, hi),
            lambda name: self.style_of(f"chart--{name}") if name else None,
            x_labels=[(z[0], f"{z[0]:g}"), (0.0, "0"), (z[-1], f"{z[-1]:g}")],
            marks=[(m, "▲") for m in marks],
            points=points,
            y_fmt=lambda v: f"{v:g}" if abs(v) >= 0.01 or v == 0 else f"{v:.0e}",
            guides=False,
        )


class ActivationPanel(Vertical):
    """Shown only at activation and f′ steps (of an activation of one entry: not softmax); hidden elsewhere."""

    view: var[View | None] = var(None)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple | None = None

    def compose(self):
        yield ActivationChart(id="activation-chart")

    def watch_view(self, view: View | None) -> None:
        if view is not None:
            self.show(view.session, view.step, view.hidden)

    def show(self, session: Session, step: Step, hidden: bool = False) -> None:
        from ...core.activations import ACTIVATIONS

        self.display = step.gate == "activation" and layer_activation(session, step.layer) in ACTIVATIONS
        if not self.display:
            return
        key = (step.epoch, step.layer, step.phase, hidden)
        if key == self._shown:
            return
        self._shown = key
        from ...core.diagnostics import SATURATED_BELOW, saturated
        from ...core.landscape import activation_curve

        name = layer_activation(session, step.layer)
        p = session.epoch_pass(step.epoch)[1]
        z = p.zs[step.layer - 1]
        curve = activation_curve(name, z)
        chart = self.query_one(ActivationChart)
        chart.curve = curve
        chart.refresh()
        zname = f"z{step.layer + 1}"
        self.border_title = _("{name}: f ── and f′ ┄┄ at the {n} values of {z} (▲)").format(
            name=name, n=z.size, z=zname
        )
        primes = curve.marks_prime
        # Under the plot, in its border: so a short terminal keeps every row for the curves.
        notes = [_("f′({z}) from {low} to {high}").format(z=zname, low=fmt(primes.min(), 3), high=fmt(primes.max(), 3))]
        dead = int((primes == 0).sum())
        # diagnostics' rule, as for the matrices' marks (exact zeros apart; `primes` are in z's order)
        weak = int((saturated(name, p.activations[step.layer]).ravel() & (primes != 0)).sum())
        if dead:
            notes.append(_("{n} exactly 0: nothing passes back").format(n=dead))
        if weak:
            notes.append(
                _("{n} below {percent} of f′'s max: saturated, almost nothing passes back").format(
                    n=weak, percent=f"{SATURATED_BELOW * 100:g} %"
                )
            )
        self.border_subtitle = " · ".join(notes)
