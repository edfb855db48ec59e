"""Numbers for the pictures: the loss surface of two weights, ŷ over the input plane, f and f′ curves.

numpy only. Widgets draw these; they never compute the network's maths themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..i18n import _
from .activations import ACTIVATIONS
from .errors import BackpropError
from .network import Network, Params, quiet_overflow, update

Array = np.ndarray

DEFAULT_SIZE = 41
MAX_SIZE = 201
# Grid points × observations × widest layer evaluated at once: bounds memory on large scenarios.
CHUNK_CELLS = 2_000_000

_ENTRY = re.compile(r"^\s*([Wb])(\d+)\s*\[\s*(-?\d+)\s*,\s*(-?\d+)\s*\]\s*$")


@dataclass(frozen=True)
class Entry:
    """One parameter entry, e.g. W1[1,2]: rows and columns counted from 1, as on screen."""

    kind: str  # "W" | "b"
    layer: int  # the l of W_l / b_l
    row: int
    col: int

    @property
    def name(self) -> str:
        return f"{self.kind}{self.layer}"

    @property
    def label(self) -> str:
        return f"{self.name}[{self.row},{self.col}]"

    def get(self, params: Params) -> float:
        return float(self._array(params)[self.row - 1, self.col - 1])

    def _array(self, params: Params) -> Array:
        return (params.weights if self.kind == "W" else params.biases)[self.layer - 1]


def entries(params: Params) -> list[Entry]:
    """Every parameter entry, in the order W1, b1, W2, b2, … and row by row."""
    out = []
    for name, a in params.named().items():
        kind, layer = name[0], int(name[1:])
        out += [Entry(kind, layer, i + 1, j + 1) for i, j in np.ndindex(a.shape)]
    return out


def parse_entry(text: str, params: Params) -> Entry:
    """`W1[1,2]` → Entry, checked against the network's shapes; a bad one raises with one clear line."""
    named = params.named()
    names = ", ".join(f"{k}[1..{v.shape[0]},1..{v.shape[1]}]" for k, v in named.items())
    m = _ENTRY.match(text)
    if m is None:
        raise BackpropError(
            _("--weight {text}: expected NAME[i,j] such as W1[1,2] (one of {names}), got {text}").format(
                text=repr(text), names=names
            )
        )
    kind, layer, row, col = m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4))
    name = f"{kind}{layer}"
    if name not in named:
        raise BackpropError(
            _("--weight {text}: no parameter {name}; this network has {names}").format(
                text=repr(text), name=name, names=", ".join(named)
            )
        )
    rows, cols = named[name].shape
    if not (1 <= row <= rows and 1 <= col <= cols):
        raise BackpropError(
            _(
                "--weight {text}: {name} is {rows}×{cols}, so [i,j] needs 1 ≤ i ≤ {rows} and 1 ≤ j ≤ {cols}, "
                "got [{row},{col}]"
            ).format(text=repr(text), name=name, rows=rows, cols=cols, row=row, col=col)
        )
    return Entry(kind, layer, row, col)


def with_value(params: Params, entry: Entry, value: float) -> Params:
    """A copy of the parameters with one entry set (for tests and checks)."""
    weights, biases = [w.copy() for w in params.weights], [b.copy() for b in params.biases]
    (weights if entry.kind == "W" else biases)[entry.layer - 1][entry.row - 1, entry.col - 1] = value
    return Params(tuple(weights), tuple(biases))


# --- the loss surface -------------------------------------------------------------------------


def cost_grid(net: Network, params: Params, first: Entry, second: Entry, xs: Array, ys: Array) -> Array:
    """J[r, c]: the cost with `first` at xs[c] and `second` at ys[r], every other parameter as in `params`.

    One vectorised pass: each grid point is one slice of a batch of networks. The layers before the
    first one that varies are computed once; the grid is cut into chunks only to bound memory.
    """
    xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
    gx, gy = np.meshgrid(xs, ys)  # gx[r, c] = xs[c], gy[r, c] = ys[r]
    values = (gx.ravel(), gy.ravel())
    n = len(params.weights)
    start = min(first.layer, second.layer) - 1
    with quiet_overflow():
        a = net.X
        for k in range(start):
            a = net._act(k, n)[0](a @ params.weights[k] + params.biases[k])
        widest = max([net.m * w.shape[1] for w in params.weights] + [1])
        chunk = max(1, CHUNK_CELLS // widest)
        out = np.empty(gx.size)
        for lo in range(0, gx.size, chunk):
            out[lo : lo + chunk] = _batch_cost(
                net, params, a, start, (first, second), [v[lo : lo + chunk] for v in values]
            )
    return out.reshape(gx.shape)


def _batch_cost(net: Network, params: Params, a: Array, start: int, which: tuple[Entry, Entry], values) -> Array:
    g = values[0].size
    n = len(params.weights)
    for k in range(start, n):
        w, b = params.weights[k], params.biases[k]
        varied = [(e, v) for e, v in zip(which, values) if e.layer == k + 1]
        if any(e.kind == "W" for e, _ in varied):
            w = np.broadcast_to(w, (g, *w.shape)).copy()
        if any(e.kind == "b" for e, _ in varied):
            b = np.broadcast_to(b, (g, *b.shape)).copy()
        for e, v in varied:
            (w if e.kind == "W" else b)[:, e.row - 1, e.col - 1] = v
        a = net._act(k, n)[0](a @ w + b)  # (m, n) or (g, m, n) @ (n, n') or (g, n, n') → broadcast over g
    r = net.y - a  # (g, m, nL): every layer from `start` on varies with the grid
    return net._scale * np.einsum("gij,gij->g", r, r)


@dataclass(frozen=True)
class Landscape:
    first: Entry
    second: Entry
    xs: Array  # the first entry's values (columns)
    ys: Array  # the second entry's values (rows)
    J: Array  # J[r, c] at (xs[c], ys[r])
    path: Array  # (epochs, 3): the two entries and the cost at the start of each epoch
    current: tuple[float, float]  # the two entries where the grid is centred
    descent: tuple[float, float]  # −∂J/∂(first, second) at the centre


def path_points(net: Network, params: Params, lr: float, epochs: int, first: Entry, second: Entry) -> Array:
    """The two entries and J at the start of each of `epochs` epochs of gradient descent from `params`.

    The same full pass and update as the stepper, so each point is the one the app shows at that epoch.
    Stops early (fewer rows) where the cost stops being finite.
    """
    out = np.empty((epochs, 3))
    p = params
    for e in range(epochs):
        full = net.full_pass(p)
        if not np.isfinite(full.cost):
            return out[:e]
        out[e] = first.get(p), second.get(p), full.cost
        p = update(p, full.grad_w, full.grad_b, lr)
    return out


EXACT_EPOCHS = 256  # the app's path: every epoch up to here, then one point per checkpoint


def session_path(session, first: Entry, second: Entry, epochs: int) -> Array:
    """The path through epochs 1..`epochs` of a Session, cheap for long histories.

    Every epoch of the first EXACT_EPOCHS (where descent moves fastest), then the epochs at the
    session's checkpoints (kept parameters: no recomputation) and the last one.
    """
    from .session import CHECKPOINT_EVERY

    s = session.scenario
    head = path_points(session.net, s.params, s.learning_rate, min(epochs, EXACT_EPOCHS), first, second)
    if epochs <= EXACT_EPOCHS or len(head) < EXACT_EPOCHS:
        return head
    later = [e for e in range(1, epochs, CHECKPOINT_EVERY) if e > EXACT_EPOCHS] + [epochs]
    rows = []
    for e in later:
        p = session.params_at(e)
        rows.append((first.get(p), second.get(p), session.net.cost(p)))
    return np.vstack([head, np.array(rows)])


def default_span(centre: tuple[float, float], path: Array) -> float:
    """Half the grid's width: at least 1, and wide enough for the path with a margin."""
    if len(path) == 0:
        return 1.0
    reach = np.abs(path[:, :2] - np.asarray(centre)).max()
    return float(max(1.0, 1.15 * reach)) if np.isfinite(reach) else 1.0


def landscape(
    net: Network,
    params: Params,
    first: Entry,
    second: Entry,
    path: Array,
    size: int | tuple[int, int] = DEFAULT_SIZE,
    span: float | None = None,
) -> Landscape:
    """J over a size×size grid (or (columns, rows)) centred on the two entries' values in `params`,
    ±span each way (default: wide enough for the path)."""
    if first == second:
        raise BackpropError(_("the two weights must differ, got {entry} twice").format(entry=first.label))
    centre = (first.get(params), second.get(params))
    half = default_span(centre, path) if span is None else float(span)
    cols, rows = (size, size) if isinstance(size, int) else size
    xs = np.linspace(centre[0] - half, centre[0] + half, cols)
    ys = np.linspace(centre[1] - half, centre[1] + half, rows)
    J = cost_grid(net, params, first, second, xs, ys)
    full = net.full_pass(params)
    grads = {"W": full.grad_w, "b": full.grad_b}
    descent = tuple(-float(grads[e.kind][e.layer - 1][e.row - 1, e.col - 1]) for e in (first, second))
    return Landscape(first, second, xs, ys, J, path, centre, descent)  # type: ignore[arg-type]


# --- what the network has learned -------------------------------------------------------------


@dataclass(frozen=True)
class Plane:
    xs: Array  # input 1 (columns)
    ys: Array  # input 2 (rows)
    yhat: Array  # yhat[r, c] at (xs[c], ys[r])
    X: Array  # the observations
    y: Array  # their targets (m × 1)


def plane_note(net: Network) -> str | None:
    """Why ŷ cannot be drawn over the input plane, or None when it can."""
    n_in, n_out = net.X.shape[1], net.y.shape[1]
    if n_in == 2 and n_out == 1:
        return None
    return (
        f"this network has {n_in} input{'s' if n_in != 1 else ''} and {n_out} output{'s' if n_out != 1 else ''}: "
        "the picture of ŷ over the input plane needs exactly 2 inputs and 1 output"
    )


def prediction_plane(net: Network, params: Params, cols: int, rows: int, margin: float = 0.15) -> Plane:
    """ŷ over the range of X (each input's range widened by `margin` of it each side), rows × cols points."""
    lo, hi = net.X.min(axis=0), net.X.max(axis=0)
    pad = np.maximum((hi - lo) * margin, 0.1)
    xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], cols)
    ys = np.linspace(lo[1] - pad[1], hi[1] + pad[1], rows)
    gx, gy = np.meshgrid(xs, ys)
    a = np.column_stack([gx.ravel(), gy.ravel()])
    n = len(params.weights)
    with quiet_overflow():
        for k, (w, b) in enumerate(zip(params.weights, params.biases)):
            a = net._act(k, n)[0](a @ w + b)
    return Plane(xs, ys, a[:, 0].reshape(gx.shape), net.X, net.y)


# --- the activation at work -------------------------------------------------------------------


@dataclass(frozen=True)
class Curve:
    name: str  # sigmoid | tanh | relu | identity
    z: Array  # sample points
    f: Array
    prime: Array
    marks: Array  # the layer's current z values (flattened)
    marks_f: Array  # f at those z
    marks_prime: Array  # f′ at those z: what each unit passes back, per unit of upstream gradient


def activation_curve(name: str, zs: Array, points: int = 200) -> Curve:
    """f and f′ over a range that holds every z of the layer (at least ±6), with those z marked."""
    zs = np.asarray(zs, dtype=np.float64).ravel()
    finite = zs[np.isfinite(zs)]
    reach = max(6.0, float(np.abs(finite).max()) * 1.1) if finite.size else 6.0
    z = np.linspace(-reach, reach, points)
    f, prime = ACTIVATIONS[name]
    fz, fm = f(z), f(zs)
    return Curve(name, z, fz, prime(fz), zs, fm, prime(fm))
