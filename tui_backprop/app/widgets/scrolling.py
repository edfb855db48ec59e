"""Panels that can be cut on a small terminal: they scroll by keyboard and say in their bottom border
what is below and which keys show it.

← → Home End step through the walk (the app's keys), so a focused panel scrolls with ↑ ↓ PgUp PgDn
and shift+← shift+→ only; Tab moves between the panels.
"""

from __future__ import annotations

from textual.binding import Binding

from ...i18n import N_, _, ngettext

SCROLL_BINDINGS = [
    Binding("up", "scroll_up", N_("Scroll up"), show=False),
    Binding("down", "scroll_down", N_("Scroll down"), show=False),
    Binding("shift+left", "scroll_left", N_("Scroll left"), show=False),
    Binding("shift+right", "scroll_right", N_("Scroll right"), show=False),
    Binding("pageup", "page_up", N_("Page up"), show=False),
    Binding("pagedown", "page_down", N_("Page down"), show=False),
]


def lines(n: int) -> str:
    return ngettext("{n} more line", "{n} more lines", n).format(n=n)


class ScrollCue:
    """Mixin for a scrolling widget (before it among the bases): the cue in `border_subtitle`."""

    def below(self) -> str:
        """What the cue says is below, when something is; a panel may name its content."""
        hidden = self.max_scroll_y - round(self.scroll_y)
        return lines(hidden) if hidden > 0 else ""

    def update_cue(self) -> None:
        below = self.below()
        right = self.show_horizontal_scrollbar and round(self.scroll_x) < self.max_scroll_x
        keys = "↓ PgDn" if below else ""
        if right:
            keys += (" " if keys else "") + "shift+→"
        if keys and not self.has_focus:
            keys = _("Tab, then {keys}").format(keys=keys)
        parts = [f"▼ {below}" if below else "", _("▶ more") if right else "", keys]
        cue = " · ".join(p for p in parts if p)
        if cue != (self.border_subtitle or ""):
            self.border_subtitle = cue

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self.update_cue()

    def watch_scroll_x(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_x(old_value, new_value)
        self.update_cue()

    def watch_virtual_size(self) -> None:
        # Later: the container's size is set after this one. (A layout that changes only the scrollable
        # size sends no Resize event.)
        self.call_later(self.update_cue)

    def on_resize(self) -> None:
        self.update_cue()

    def watch_has_focus(self, has_focus: bool) -> None:
        super().watch_has_focus(has_focus)
        self.update_cue()
