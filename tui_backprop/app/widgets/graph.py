"""The computational graph as the article's Figure 2 draws it, lit by the current step.

The layout is the engine's (core/figure.py, also printed at the top of the handout); this panel only
styles its pieces by where the walk stands: a value above its edge and the edge are bold once computed,
a gradient below its edge once its backward step has run, a parameter once its gradient is known and
again once updated; the current gate (or, at an update, its parameters) is reversed. Everything not
yet reached is dim, so the panel reads the same without colour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from ..view import BACKWARD, DIM, FORWARD, UPDATE, LinesVisual, NodeState, node_state, step_index

if TYPE_CHECKING:  # annotations only: the app's first frame does not wait for the engine (numpy)
    from ...core import Session

DEFAULT_WIDTH = 38  # the side panel's inside, before the first layout


class GraphPanel(Static):
    def on_mount(self) -> None:
        self.border_title = "Graph"

    _shown: tuple | None = None
    _lines = 0
    _session: Session | None = None

    def show(self, session: Session) -> None:
        pos = session.position
        width = self.content_size.width or DEFAULT_WIDTH
        key = (session.epoch_pass(pos.epoch)[2], pos.index, width)  # the epoch's steps (by identity), step, width
        if self._shown is not None and key[0] is self._shown[0] and key[1:] == self._shown[1:]:
            return
        self._shown, self._session = key, session
        text = render_graph(session, width)
        lines = text.plain.count("\n") + 1
        # The same height on every step of a scenario, so no new layout.
        self.update(LinesVisual(text), layout=lines != self._lines)
        self._lines = lines

    def on_resize(self) -> None:
        if self._session is not None:
            self.show(self._session)


def _style(tag: tuple[str, ...] | None, state, current_node: str) -> str:
    if tag is None:
        return ""
    role = tag[0]
    if role == "node":
        node = tag[1]
        if node in ("X", "y"):
            return "bold"
        s: NodeState = state(node)
        if s.current:
            return "bold reverse"
        if s.gradient:
            return f"bold {BACKWARD}"
        return f"bold {FORWARD}" if s.value else DIM
    if role == "param":
        _, _, gate, update = tag
        if current_node == update:
            return "bold reverse"
        if state(update).updated:
            return f"bold {UPDATE}"
        return f"bold {BACKWARD}" if state(gate).gradient else "bold"
    if role in ("value", "edge"):
        source = tag[1]
        if source in ("X", "y") or state(source).value:
            return f"bold {FORWARD}"
        return DIM
    # grad: known once the backward step of the node the edge leads into has run
    return f"bold {BACKWARD}" if state(tag[1]).gradient else DIM


def render_graph(session: Session, width: int = DEFAULT_WIDTH) -> Text:
    from ...core.figure import graph_figure  # here: importing the engine waits until after the first frame

    scenario = session.scenario
    pos = session.position
    _, _, steps = session.epoch_pass(pos.epoch)
    index = step_index(steps)
    current_node = steps[pos.index - 1].node

    def state(node: str) -> NodeState:
        return node_state(index, node, pos.index, current_node)

    lines = graph_figure(scenario.layers, scenario.activation, scenario.output_activation, scenario.m, width)
    t = Text(no_wrap=True, overflow="ellipsis")
    for y, line in enumerate(lines):
        if y:
            t.append("\n")
        for text, tag in line:
            t.append(text, style=_style(tag, state, current_node) or None)
    t.append("\n")
    t.append("─▶ values", style=FORWARD)
    t.append(", named above each edge\n", style=DIM)
    t.append("◀ gradients", style=BACKWARD)
    t.append(", below it · ", style=DIM)
    t.append("(·)", style="reverse")
    t.append(" this step", style=DIM)
    return t
