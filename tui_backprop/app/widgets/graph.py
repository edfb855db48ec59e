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
from textual.containers import VerticalScroll
from textual.reactive import var
from textual.widgets import Static

from ...i18n import _
from ..state import View
from ..view import DIM, PLAIN, LinesVisual, NodeState, Palette, node_state, step_index, style
from .scrolling import SCROLL_BINDINGS, ScrollCue

if TYPE_CHECKING:  # annotations only: the app's first frame does not wait for the engine (numpy)
    from ...core import Session


DEFAULT_WIDTH = 38  # the side panel's inside, before the first layout


class GraphPanel(ScrollCue, VerticalScroll, can_focus=True, inherit_bindings=False):
    """On a short terminal the stylesheet caps its height: then it scrolls (the cue says so)."""

    BINDINGS = SCROLL_BINDINGS
    view: var[View | None] = var(None)
    _shown: tuple | None = None
    _lines = 0

    def compose(self):
        yield Static(id="graph-body")

    def on_mount(self) -> None:
        self.border_title = _("Graph")

    @property
    def content(self):
        """What the panel shows (a visual of the text)."""
        return self.query_one("#graph-body", Static).content

    def on_resize(self) -> None:
        if self.view is not None:  # the figure wraps to the new width
            self.watch_view(self.view)

    def watch_view(self, view: View | None) -> None:
        if view is None:
            return
        session = view.session
        pos = session.position
        # the epoch's steps (by identity), the step, the colours and the width the figure wraps to
        width = self.query_one("#graph-body", Static).content_size.width or DEFAULT_WIDTH
        key = (session.epoch_pass(pos.epoch)[2], pos.index, view.colours, width, view.quiz_on)
        if self._shown is not None and key[0] is self._shown[0] and key[1:] == self._shown[1:]:
            return
        self._shown = key
        text = render_graph(session, view.colours, width, shapes=not view.quiz_on)
        lines = text.plain.count("\n") + 1
        # One line per layer and a few more: the same height on every step, so no new layout.
        self.query_one("#graph-body", Static).update(LinesVisual(text), layout=lines != self._lines)
        self._lines = lines


def _style(tag: tuple[str, ...] | None, state, current_node: str, c: Palette) -> str:
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
            return style("bold", c.backward)
        return style("bold", c.forward) if s.value else DIM
    if role == "param":
        gate, update = tag[2:]
        if current_node == update:
            return "bold reverse"
        if state(update).updated:
            return style("bold", c.update)
        return style("bold", c.backward) if state(gate).gradient else "bold"
    if role in ("value", "edge"):
        source = tag[1]
        return style("bold", c.forward) if source in ("X", "y") or state(source).value else DIM
    # grad: known once the backward step of the node the edge leads into has run
    return style("bold", c.backward) if state(tag[1]).gradient else DIM


def render_graph(session: Session, c: Palette = PLAIN, width: int = DEFAULT_WIDTH, shapes: bool = True) -> Text:
    """`shapes`: False in quiz mode, the edges do not give the results' shapes away (the data's stay)."""
    from ...core.figure import graph_figure  # here: importing the engine waits until after the first frame

    scenario = session.scenario
    pos = session.position
    steps = session.epoch_pass(pos.epoch)[2]
    index = step_index(steps)
    current_node = steps[pos.index - 1].node

    def state(node: str) -> NodeState:
        return node_state(index, node, pos.index, current_node)

    lines = graph_figure(
        scenario.layers, scenario.activation, scenario.output_activation, scenario.m, width, results=shapes
    )
    t = Text(no_wrap=True, overflow="ellipsis")
    for y, line in enumerate(lines):
        if y:
            t.append("\n")
        for text, tag in line:
            t.append(text, style=_style(tag, state, current_node, c) or None)
    t.append("\n")
    t.append(_("─▶ values"), style=c.forward or None)
    t.append(_(", named above each edge") + "\n", style=DIM)
    t.append(_("◀ gradients"), style=c.backward or None)
    t.append(_(", below it · "), style=DIM)
    t.append("(·)", style="reverse")
    t.append(_(" this step"), style=DIM)
    return t
