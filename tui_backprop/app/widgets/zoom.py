"""The zoom under the matrices: one entry's expansion, its chain from J, the batch as observations.

Lines of pieces for the matrices panel; every number and symbol comes from the engine's Expansion,
Chain and Contributions (core/operations.py, core/zoom.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...i18n import N_, _, ngettext
from ...notation import display_name, factor_number, signed_number
from ..view import DIM, Piece, style

if TYPE_CHECKING:
    from ...core import Step
    from ...core.operations import Expansion
    from ...core.zoom import Chain

HINT = N_("←→↑↓ move · Esc leaves · c chain from J · b per observation")  # shown through _()
MAX_OBSERVATIONS = 8  # observations listed in a chain; the rest are counted


def expansion_lines(e: Expansion, decimals: int, width: int, hint: bool = True) -> list[list[Piece]]:
    """The entry's equation, its Σ written out where it fits, the numbers plugged in and the value; `hint`:
    the zoom's keys under it."""
    pad = " " * len(e.label)
    lines: list[list[Piece]] = [[(e.equation, "bold")]]
    symbols = f"{pad} {e.arrow} {e.symbols()}"
    if e.summed and len(symbols) <= width:  # a Σ written out term by term, where it fits
        lines.append([(symbols, "")])
    return [
        *lines,
        [(f"{pad} = {e.numbers(decimals)}", "")],
        [(f"{pad} = ", ""), (signed_number(e.value, decimals), "bold underline")],
        *([[(_(HINT), DIM)]] if hint else []),
    ]


def chain_lines(c: Chain | None, steps: list[Step], decimals: int, colour: str = "") -> list[list[Piece]]:
    if c is None:
        return [[(_("The chain from J starts at a gradient: put the cursor on a backward step's result."), "italic")]]
    lines: list[list[Piece]] = [
        [(_("Chain from J down to the entry, observation by observation:"), style("bold", colour))],
        [(f"  {c.general()}", "bold")],
    ]
    groups = c.by_observation()
    for k, paths in list(groups.items())[:MAX_OBSERVATIONS]:
        first = "·".join(factor_number(link.factor.value, decimals) for link in paths[0].links)
        more = _(" + … ({n} paths through the units between)").format(n=len(paths)) if len(paths) > 1 else ""
        total = sum(p.value for p in paths)
        lines.append([(f"  i={k + 1}: {first}{more} = ", ""), (signed_number(total, decimals), "bold")])
    left = c.total_paths - sum(len(p) for p in list(groups.values())[:MAX_OBSERVATIONS])
    if left:
        lines.append([("  " + ngettext("… {n} more path", "… {n} more paths", left).format(n=left), DIM)])
    lines.append([(f"  Σ = {signed_number(c.value, decimals)}  ({c.label})", "bold")])
    lines.append([("  " + _("where each factor is held:"), DIM)])
    for link in c.paths[0].links:
        step = steps[link.step - 1]
        where = _("{name}, step {k}: {title}").format(
            name=display_name(link.factor.name), k=link.step, title=step.title
        )
        lines.append([(f"    {link.general}", ""), ("  " + _("in {where}").format(where=where), DIM)])
    return lines
