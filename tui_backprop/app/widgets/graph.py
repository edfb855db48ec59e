"""The computational graph as text art, two lines per layer, lit by the current step.

          W1↓    b1↓
    X  ─▶ (·)✓ ─▶ (+)✓ ─▶ (σ)✓ ─▶ a2
          W2∂    b2∂
    a2 ◀─ (·)∂ ◀─ (+)∂ ◀─ (σ)∂ ◀─ ŷ
    ŷ  ◀─ (J)∂ ◁─ y
    update (W2 b2)✓  (W1 b1)

Each layer's weights and bias feed its mulGate and addGate from above. Forward
edges are green ─▶ once the value has passed, backward edges orange ◀─ once the
gradient has; ✓ marks a computed value, ∂ a known gradient (on a parameter: its
gradient is ready for the update); the current gate is drawn reversed
(readable without colour).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.containers import VerticalScroll
from textual.reactive import var
from textual.widgets import Static

from ..state import View
from ..view import ACT_SYMBOL, DIM, PLAIN, LinesVisual, NodeState, Palette, node_state, step_index, style
from .scrolling import SCROLL_BINDINGS, ScrollCue

if TYPE_CHECKING:  # annotations only: the app's first frame does not wait for the engine (numpy)
    from ...core import Session


class GraphPanel(ScrollCue, VerticalScroll, can_focus=True, inherit_bindings=False):
    """On a short terminal the stylesheet caps its height: then it scrolls (the cue says so)."""

    BINDINGS = SCROLL_BINDINGS
    view: var[View | None] = var(None)
    _shown: tuple | None = None
    _lines = 0

    def compose(self):
        yield Static(id="graph-body")

    def on_mount(self) -> None:
        self.border_title = "Graph"

    @property
    def content(self):
        """What the panel shows (a visual of the text)."""
        return self.query_one("#graph-body", Static).content

    def watch_view(self, view: View | None) -> None:
        if view is None:
            return
        session = view.session
        pos = session.position
        # the epoch's steps (by identity), the step and the colours
        key = (session.epoch_pass(pos.epoch)[2], pos.index, view.colours)
        if self._shown is not None and key[0] is self._shown[0] and key[1:] == self._shown[1:]:
            return
        self._shown = key
        text = render_graph(session, view.colours)
        lines = text.plain.count("\n") + 1
        # One line per layer and a few more: the same height on every step, so no new layout.
        self.query_one("#graph-body", Static).update(LinesVisual(text), layout=lines != self._lines)
        self._lines = lines


def _edge(t: Text, into: NodeState, c: Palette) -> None:
    if into.gradient:
        t.append(" ◀─ ", style=style("bold", c.backward))
    elif into.value:
        t.append(" ─▶ ", style=style("bold", c.forward))
    else:
        t.append(" ─▶ ", style=DIM)


def _node(t: Text, label: str, s: NodeState, c: Palette, colour_done: str | None = None) -> None:
    done = c.forward if colour_done is None else colour_done
    if s.current:
        t.append(f"({label})", style="bold reverse")
    elif s.gradient:
        t.append(f"({label})", style=style("bold", c.backward))
    elif s.value or s.updated:
        t.append(f"({label})", style=style("bold", done))
    else:
        t.append(f"({label})", style=DIM)
    mark = "∂" if s.gradient else "✓" if (s.value or s.updated) else " "
    t.append(mark, style=(c.backward if s.gradient else done) or None)


def _param(t: Text, name: str, gradient_known: bool, updated: bool, c: Palette) -> None:
    """A parameter above the gate it feeds: ↓ feeding, ∂ its gradient known, ✓ updated."""
    if updated:
        t.append(f"{name}✓", style=style("bold", c.update))
    elif gradient_known:
        t.append(f"{name}∂", style=style("bold", c.backward))
    else:
        t.append(f"{name}↓", style="bold")


def render_graph(session: Session, c: Palette = PLAIN) -> Text:
    scenario = session.scenario
    pos = session.position
    _, _, steps = session.epoch_pass(pos.epoch)
    index = step_index(steps)
    current_node = steps[pos.index - 1].node
    n = len(scenario.layers) - 1
    last = n + 1

    def state(node: str) -> NodeState:
        return node_state(index, node, pos.index, current_node)

    from ...core.gates import a_symbol  # here: importing the engine waits until after the first frame

    names = [a_symbol(l, last) for l in range(1, last + 1)]
    pad = max(len(s) for s in names)
    t = Text(no_wrap=True, overflow="ellipsis")
    for l in range(1, n + 1):
        act = scenario.output_activation if l == n else scenario.activation
        nxt = f"mul{l + 1}" if l < n else "cost"
        chain = Text()
        chain.append(names[l - 1].ljust(pad), style="bold")
        _edge(chain, state(f"mul{l}"), c)
        mul_at = len(chain)
        _node(chain, "·", state(f"mul{l}"), c)
        _edge(chain, state(f"add{l}"), c)
        add_at = len(chain)
        _node(chain, "+", state(f"add{l}"), c)
        _edge(chain, state(f"act{l}"), c)
        _node(chain, ACT_SYMBOL.get(act, act), state(f"act{l}"), c)
        _edge(chain, state(nxt), c)
        chain.append(names[l], style="bold")
        updated = state(f"update{l}").updated
        t.append(" " * mul_at)
        _param(t, f"W{l}", state(f"mul{l}").gradient, updated, c)
        t.append(" " * (add_at - mul_at - 3))
        _param(t, f"b{l}", state(f"add{l}").gradient, updated, c)
        t.append("\n")
        t.append_text(chain)
        t.append("\n")
    t.append(names[-1].ljust(pad), style="bold")
    _edge(t, state("cost"), c)
    _node(t, "J", state("cost"), c)
    t.append(" ◁─ ", style=DIM)
    t.append("y", style="bold")
    t.append("\n")
    t.append("update".ljust(pad), style="bold")
    for l in range(n, 0, -1):
        t.append(" ")
        _node(t, f"W{l} b{l}", state(f"update{l}"), c, colour_done=c.update)
    t.append("\n")
    t.append("─▶", style=c.forward or None)
    t.append(" value  ", style=DIM)
    t.append("◀─", style=c.backward or None)
    t.append(" gradient  ", style=DIM)
    t.append("(▮)", style="bold reverse")
    t.append(" this step\n", style=DIM)
    t.append("✓", style=c.forward or None)
    t.append(" value computed  ", style=DIM)
    t.append("∂", style=c.backward or None)
    t.append(" gradient known", style=DIM)
    return t
