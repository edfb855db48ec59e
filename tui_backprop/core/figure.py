"""The computational graph as the article's Figure 2 draws it, laid out as text (no textual).

    W1 2×3       b1 1×3
     ↓    XW1     ↓     z2          a2
 X ─4×2▶ (·) ─4×3──▶ (+) ─4×3─▶ (σ) ─4×3───▶ …
              ◀ δ2        ◀ δ2       ◀ ∂J/∂a2

Nodes run left to right, X → mul (W1) → add (b1) → f → … → J ◀ y; each parameter stands above the gate
it feeds; the value flowing right along an edge is named above it, the gradient flowing back below
it, and the edge itself carries the shape of what flows. Lines wrap at a node when the next one would
not fit, so a deeper network (or a narrower panel) takes more lines. One layout, two renderers: the
app's graph panel styles each piece by its tag (lit, computed, known), the handout prints the text.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import N_
from ..notation import display_name
from .operations import FUNCTION_SYMBOL

# A piece of a line: its text and what it draws, or None for spacing. Tags:
#   ("node", node)                 a gate: mul1, add1, act1, cost (the step's node), or X / y
#   ("param", name, node, update)  W1 above mul1, b1 above add1; `update` is the node that updates it
#   ("value", source) / ("edge", source) / ("grad", target)   an edge from the node `source` into `target`:
#      its value is there once `source` has computed it, its gradient once `target`'s backward step has run
Tag = tuple[str, ...] | None
Piece = tuple[str, Tag]


@dataclass(frozen=True)
class _Segment:
    """The edge into a node (if any) and the node, with what is drawn above and below them."""

    node: str
    label: str  # "(·)", "X"
    source: str = ""  # the node the edge comes from ("" for none)
    value: str = ""  # the edge's value, named above it
    shape: str = ""  # the edge's shape
    grad: str = ""  # the gradient flowing back along it, named below
    param: str = ""  # "W1 2×3", above the node
    param_tag: Tag = None
    backward_edge: bool = False  # J ◀ y: the edge points left, into J

    @property
    def node_width(self) -> int:
        return len(self.label)

    @property
    def edge_width(self) -> int:
        if not self.shape:
            return 0
        return max(len(self.shape) + 4, len(self.value) + 2, len(self.grad) + 3)

    @property
    def width(self) -> int:
        return self.node_width + self.edge_width


def _segments(layers: list[int], hidden: str, output: str, m: int, results: bool = True) -> list[_Segment]:
    """`results`: False leaves the shapes of computed matrices off the edges (an exercise sheet)."""
    n = len(layers) - 1
    last = n + 1
    activations = [hidden] * (n - 1) + [output]

    def a(level: int) -> str:
        return "X" if level == 1 else "yhat" if level == last else f"a{level}"

    def shape(cols: int, given: bool = False) -> str:
        return f"{m}×{cols}" if results or given else "?"  # the edge and its names stay, its shape is asked

    segs = [_Segment("X", "X")]
    source, value, grad, cols = "X", "X", "", layers[0]
    for l in range(1, n + 1):
        units = layers[l]
        segs += [
            _Segment(
                f"mul{l}",
                "(·)",
                source,
                display_name(value),
                shape(cols, given=l == 1),
                display_name(grad) if grad else "",
                f"W{l} {layers[l - 1]}×{units}",
                ("param", f"W{l}", f"mul{l}", f"update{l}"),
            ),
            _Segment(
                f"add{l}",
                "(+)",
                f"mul{l}",
                display_name(f"{a(l)}W{l}"),
                shape(units),
                display_name(f"delta{l + 1}"),
                f"b{l} 1×{units}",
                ("param", f"b{l}", f"add{l}", f"update{l}"),
            ),
            _Segment(
                f"act{l}",
                f"({FUNCTION_SYMBOL.get(activations[l - 1], activations[l - 1])})",
                f"add{l}",
                f"z{l + 1}",
                shape(units),
                display_name(f"delta{l + 1}"),
            ),
        ]
        source, value, grad, cols = f"act{l}", a(l + 1), "dJ_dyhat" if l == n else f"dJ_da{l + 1}", units
    segs += [
        _Segment("cost", "(J)", source, display_name(value), shape(cols), display_name(grad)),
        _Segment("y", "y", "y", "y", shape(cols, given=True), backward_edge=True),
    ]
    return segs


def _pad(pieces: list[Piece], text: str, width: int, tag: Tag, align: str = "<") -> None:
    pieces.append((f"{text:{align}{width}}" if text else " " * width, tag if text.strip() else None))


def graph_figure(
    layers: list[int], hidden: str, output: str, m: int, width: int, results: bool = True
) -> list[list[Piece]]:
    """The figure's lines, each a list of pieces, wrapped before a node's edge to fit `width` columns.

    `hidden` is the hidden layers' activation, `output` the last layer's. Each band — parameters,
    values, the chain, gradients — holds the nodes that fit; bands are one blank line apart.
    """
    lines: list[list[Piece]] = []
    band: list[_Segment] = []
    used = 0
    for seg in _segments(layers, hidden, output, m, results):
        w = seg.width + 1
        if band and used + w > width:
            lines += _band(band) + [[]]
            band, used = [], 0
        band.append(seg)
        used += w
    lines += _band(band)
    return lines


def _band(segs: list[_Segment]) -> list[list[Piece]]:
    params: list[Piece] = []
    values: list[Piece] = []
    chain: list[Piece] = []
    grads: list[Piece] = []
    for k, seg in enumerate(segs):
        if k:
            for row in (params, values, chain, grads):
                row.append((" ", None))
        nw, ew = seg.node_width, seg.edge_width
        if ew:
            _pad(values, seg.value, ew, ("value", seg.source), "^")
            if seg.backward_edge:
                text = "◀─" + seg.shape + "─" * (ew - len(seg.shape) - 2)
            else:
                text = "─" + seg.shape + "─" * (ew - len(seg.shape) - 2) + "▶"
            chain.append((text, ("edge", seg.source)))
            _pad(grads, f"◀ {seg.grad}" if seg.grad else "", ew, ("grad", seg.node), ">" if seg.grad else "<")
        # The parameter (name and shape) ends above its gate, an arrow pointing down into it.
        _pad(params, seg.param, nw + ew, seg.param_tag, ">")
        _pad(values, "↓" if seg.param else "", nw, seg.param_tag, "^")
        _pad(chain, seg.label, nw, ("node", seg.node))
        _pad(grads, "", nw, None)
    return [row for row in map(_trim, (params, values, chain, grads)) if row]


def _trim(row: list[Piece]) -> list[Piece]:
    while row and not row[-1][0].strip():
        row = row[:-1]
    if row:
        row[-1] = (row[-1][0].rstrip(), row[-1][1])
    return row


def figure_text(lines: list[list[Piece]]) -> str:
    return "\n".join("".join(text for text, _ in line) for line in lines)


LEGEND = N_("values flow right (named above each edge), gradients flow back (◀, below it); edges carry shapes")
