"""The project's own errors: each renders as one line a person can act on."""

from __future__ import annotations

import math

from ..i18n import _
from ..notation import count


class BackpropError(Exception):
    """Base of every error the command line and the app report without a traceback."""


class ScenarioError(BackpropError):
    """A scenario file that cannot be used: names the file, the field, what was expected and found."""

    def __init__(self, source: str, field: str | None, message: str) -> None:
        self.source = source
        self.field = field
        self.message = message
        where = f"{source}: {field}: " if field else f"{source}: "
        super().__init__(where + message)


class DivergenceError(BackpropError):
    """Training produced a non-finite or exploding cost."""

    def __init__(self, epoch: int, cost: float, reason: str) -> None:
        self.epoch = epoch
        self.cost = cost
        self.reason = reason
        # A non-finite cost is already named by the reason; "(cost nan)" would show a NaN.
        # Words in the language active when it is raised (the process's, chosen at start-up).
        if math.isfinite(cost):
            text = _("training diverged at epoch {epoch}: {reason} (cost {cost}); lower the learning rate")
        else:
            text = _("training diverged at epoch {epoch}: {reason}; lower the learning rate")
        super().__init__(text.format(epoch=count(epoch), reason=reason, cost=f"{cost:.6g}"))
