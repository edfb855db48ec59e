"""Display forms of the engine's ASCII matrix names, shared by every view."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from .i18n import N_, _

_SPECIAL = {"yhat": "ŷ", "J": "J", "dJ_dyhat": "∂J/∂ŷ"}


def display_name(name: str) -> str:
    """`delta3` → `δ3`, `dJ_dW2` → `∂J/∂W2`, `yhat` → `ŷ`, `a2W2` → `a2W2`."""
    if name in _SPECIAL:
        return _SPECIAL[name]
    if m := re.fullmatch(r"delta(\d+)", name):
        return f"δ{m.group(1)}"
    if m := re.fullmatch(r"fprime_(.+)", name):
        return f"f'({display_name(m.group(1))})"
    if m := re.fullmatch(r"dJ_d(.+)", name):
        return f"∂J/∂{display_name(m.group(1))}"
    return name


# The decimals of the app and of `trace` (text and handout): a student comparing them sees the same digits.
DEFAULT_DECIMALS = 3

# From here on fixed decimals would print walls of digits (a 10-layer identity network reaches 1e140).
SCIENTIFIC_FROM = 1e6


def format_number(x: float, decimals: int) -> str:
    """Fixed decimals, or scientific notation for magnitudes of a million and more."""
    x = float(x)
    if abs(x) >= SCIENTIFIC_FROM:
        return f"{x:.{decimals}e}"
    return f"{x:.{decimals}f}"


MINUS = "−"


def dims(shape: tuple[int, ...]) -> str:
    """A matrix shape as rows×cols."""
    return f"{shape[0]}×{shape[1]}"


def signed_number(x: float, decimals: int) -> str:
    """A number as printed in equations: a true minus sign and no negative zero."""
    text = format_number(x, decimals)
    if text.startswith("-"):
        text = text[1:] if float(text[1:]) == 0 else MINUS + text[1:]
    return text


def factor_number(x: float, decimals: int) -> str:
    """A number as a factor or a later term: a negative one in parentheses."""
    text = signed_number(x, decimals)
    return f"({text})" if text.startswith(MINUS) else text


def cell_len(text: str) -> int:
    """Terminal cells `text` takes: two for a CJK character, none for a combining mark."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def ljust(text: str, width: int) -> str:
    """`text` padded on the right to `width` terminal cells (str.ljust counts characters, not cells)."""
    return text + " " * max(0, width - cell_len(text))


def rjust(text: str, width: int) -> str:
    return " " * max(0, width - cell_len(text)) + text


_WIDE_OR_WORD = re.compile(
    r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]+"
)


def wrap(text: str, width: int, indent: str = "") -> str:
    """`text` filled to `width` terminal cells. English is filled by textwrap, as ever; text with CJK
    characters (no spaces between words) may break between any two of them."""
    import textwrap

    flat = " ".join(text.split())
    if cell_len(flat) == len(flat):
        return textwrap.fill(flat, width, initial_indent=indent, subsequent_indent=indent)
    lines: list[str] = []
    line = indent
    for m in _WIDE_OR_WORD.finditer(flat):
        token = m.group()
        spaced = flat[m.start() - 1 : m.start()] == " " and line.strip()
        piece = (" " if spaced else "") + token
        if cell_len(line) + cell_len(piece) > width and line.strip():
            lines.append(line.rstrip())
            line, piece = indent, token
        line += piece
    lines.append(line.rstrip())
    return "\n".join(lines)


def count(n: int) -> str:
    """A count of epochs, steps or entries, the same everywhere: thousands separated, `49,611`."""
    return f"{n:,}"


# --- matrices: one rule for the app and the handout --------------------------------------------

SMALL = 0.1  # a matrix whose entries are all below this in size is written with a power of ten
# A step's phase as a person reads it (the JSON trace keeps the key).
PHASE_WORDS = {"forward": N_("forward"), "backward": N_("backward"), "update": N_("update")}


def phase_word(phase: str) -> str:
    return _(PHASE_WORDS.get(phase, phase))


EXACT_ZERO = N_("0 = exactly 0")  # the legend of a matrix holding an exact zero; shown through _()
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class Cells:
    """A matrix's entries as written: `text[i][j]`, all one width, aligned on the decimal point.

    `scale` is the power of ten the written numbers are to be multiplied by (0: none); `scale_text`
    says it for a title (`×10⁻³`). An exact 0 is written `0` with blank decimals, so that it lines up
    with its column yet never reads as a value rounded to `0.000`; `exact_zero`: there is one among
    numbers with decimals, so show `EXACT_ZERO` with the matrix.
    """

    text: list[list[str]]
    scale: int
    exact_zero: bool

    @property
    def scale_text(self) -> str:
        return f"×10{str(self.scale).translate(_SUPERSCRIPT)}" if self.scale else ""


def matrix_scale(peak: float) -> int:
    """The power of ten for a matrix whose largest entry in size is `peak`: 0 unless every entry is
    below `SMALL`, else the one that brings the largest to between 1 and 10 (0.0042 → -3)."""
    if not 0 < peak < SMALL:  # also an all-zero matrix, and NaN
        return 0
    scale = math.floor(math.log10(peak))
    return scale + 1 if peak / 10.0**scale >= 10 else scale  # log10 rounding just below a power of ten


def matrix_cells(rows: Sequence[Sequence[float]], decimals: int, peak: float | None = None) -> Cells:
    """The entries of `rows` as written with `decimals` decimals, under the matrix's scale.

    `rows`: the entries to write (all, or the part shown); `peak`: the largest entry in size of the
    whole matrix, which sets the scale (default: of `rows`). NaN is `—`, infinities `∞`, `-∞`; from
    1e6 on, scientific notation (`format_number`); a value that only rounds to zero keeps its sign.
    """
    values = [float(x) for row in rows for x in row]
    if peak is None:
        peak = max((abs(x) for x in values if math.isfinite(x)), default=0.0)
    scale = matrix_scale(float(peak))
    if scale and float(format_number(peak * 10.0**-scale, decimals)) >= 10:
        scale += 1  # 0.09999 at 3 decimals: 1.000 ×10⁻¹, not 10.000 ×10⁻²
    factor = 10.0**-scale
    # Blank decimals after an exact 0 line it up with the units of its column (none when nothing has decimals).
    blank = " " * (decimals + 1) if decimals and any(x != 0 and math.isfinite(x) for x in values) else ""
    zero = False
    text: list[list[str]] = []
    for row in rows:
        out = []
        for x in row:
            x = float(x)
            if x == 0:
                zero = True
                out.append("0" + blank)
            elif math.isnan(x):
                out.append("—" + blank)
            elif math.isinf(x):
                out.append(("∞" if x > 0 else "-∞") + blank)
            else:
                out.append(format_number(x * factor, decimals))
        text.append(out)
    width = max((len(s) for row in text for s in row), default=1)
    # (Among zeros only, or integers at 0 decimals, a 0 cannot be misread: no legend.)
    return Cells([[s.rjust(width) for s in row] for row in text], scale, zero and bool(blank))
