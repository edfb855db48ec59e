"""Every key of the app, declared once.

This table drives the bindings, the footer, the command palette and the help
screen. A key is switched off for a lesson by naming its action in the
scenario's ``[lesson] lock_keys = [...]`` list (see ``locked_actions``); a new
mode is one more line here plus its ``action_<name>`` method on the main screen.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from textual.app import SystemCommand
from textual.binding import ActiveBinding, Binding

from ..core.lesson import Lesson
from ..i18n import N_, _


@dataclass(frozen=True)
class KeySpec:
    # The words (label, help, group, title) are marked N_ and shown through _(): the footer, the help screen
    # and the palette read them in the language in force.
    keys: str  # Textual key names, comma separated: "right,l,n"
    action: str  # the main screen's action_<action>
    label: str  # short footer label
    help: str  # the longer text of the help screen and the command palette
    display: str  # how the help screen and the footer spell the keys
    group: str = N_("Step")
    show: bool = True  # shown in the footer
    lockable: bool = True  # a lesson may switch it off
    title: str = ""  # command palette title (defaults to the label)

    @property
    def palette_title(self) -> str:
        return self.title or self.label


KEYS: tuple[KeySpec, ...] = (
    KeySpec(
        "right,l,n",
        "next",
        N_("Next"),
        N_(
            "Next step: the next gate, forward, then backward, then the update; past the last step, into the next epoch."
        ),
        "→ l n",
        title=N_("Next step"),
    ),
    KeySpec(
        "left,h,p",
        "previous",
        N_("Prev"),
        N_("Previous step; from step 1, back across the update into the epoch before."),
        "← h p",
        title=N_("Previous step"),
    ),
    KeySpec(
        "home",
        "first",
        N_("First"),
        N_("First step of this epoch."),
        "Home",
        show=False,
        title=N_("First step of the epoch"),
    ),
    KeySpec(
        "end",
        "last",
        N_("Last"),
        N_("Last step of this epoch (the last update)."),
        "End",
        show=False,
        title=N_("Last step of the epoch"),
    ),
    KeySpec(
        "e",
        "run_epoch",
        N_("Run"),
        N_(
            "Run to the end of the epoch, lighting each gate in turn; at the end of an epoch, run through the next one."
        ),
        "e",
        show=False,
        title=N_("Run to the end of the epoch"),
    ),
    KeySpec(
        "space",
        "play",
        N_("Play"),
        N_("Play / pause: step on a timer until the last available step."),
        "space",
        group=N_("Play"),
        title=N_("Play / pause"),
    ),
    KeySpec(
        "plus,equals_sign",
        "faster",
        N_("Faster"),
        N_("Play faster (shorter interval between steps)."),
        "+",
        group=N_("Play"),
        show=False,
        title=N_("Play faster"),
    ),
    KeySpec(
        "minus",
        "slower",
        N_("Slower"),
        N_("Play slower (longer interval between steps)."),
        "-",
        group=N_("Play"),
        show=False,
        title=N_("Play slower"),
    ),
    KeySpec(
        "t",
        "train",
        N_("Train"),
        N_(
            "Train more epochs without stepping (asks how many, 100 by default), "
            "then show the new weights and the cost curve."
        ),
        "t",
        group=N_("Train"),
        title=N_("Train epochs"),
    ),
    KeySpec(
        "x,escape",
        "stop_training",
        N_("Stop"),
        N_("While training: stop at the last completed epoch (the epochs trained so far are kept)."),
        "x esc",
        group=N_("Train"),
        lockable=False,
        title=N_("Stop training"),
    ),
    KeySpec(
        "r",
        "reset",
        N_("Reset"),
        N_("Back to the scenario's initial weights, epoch 1, step 1."),
        "r",
        show=False,
        group=N_("Train"),
        title=N_("Reset to the initial weights"),
    ),
    KeySpec(
        "k",
        "quiz",
        N_("Quiz"),
        N_(
            "Quiz mode on / off: before a step's results are shown, answer each one's questions — its shape "
            "(e.g. 3x1), at a backward mulGate how it is formed (keys 1–4), a value where asked — Enter to "
            "check; Esc gives up. A score per epoch."
        ),
        "k",
        group=N_("Classroom"),
        title=N_("Quiz mode"),
    ),
    KeySpec(
        "m",
        "mark",
        N_("Mark bug"),
        N_(
            "Spot the bug (with --bug or a lesson's bug): mark the step on screen as the one that computes its "
            "result wrongly. "
            "A wrong mark costs a point; the hunt goes on."
        ),
        "m",
        group=N_("Classroom"),
        lockable=False,
        title=N_("Mark this step as the mistaken one"),
    ),
    KeySpec(
        "u",
        "give_up",
        N_("Give up"),
        N_("Spot the bug: give up, go to the mistaken step and see its results as computed and as they should be."),
        "u",
        group=N_("Classroom"),
        show=False,
        lockable=False,
        title=N_("Give up the hunt for the bug"),
    ),
    KeySpec(
        "o",
        "open",
        N_("Open"),
        N_("Open another scenario: a bundled one, or a file by its path."),
        "o",
        group=N_("Scenario"),
        title=N_("Open a scenario"),
    ),
    KeySpec(
        "g",
        "gradcheck",
        N_("Check"),
        N_("Gradient check: analytic against numerical gradients for every parameter at this epoch's weights."),
        "g",
        group=N_("Scenario"),
        title=N_("Gradient check"),
    ),
    KeySpec(
        "d",
        "decimals",
        N_("Decimals"),
        N_("Cycle the decimals shown for values: 2, 3, 4, 6."),
        "d",
        show=False,
        group=N_("View"),
        title=N_("Cycle decimals"),
    ),
    KeySpec(
        "z",
        "zoom",
        N_("Zoom"),
        N_(
            "Zoom into an entry: a cursor on this step's result (or click an entry); ← → ↑ ↓ move it, Esc leaves. "
            "Under the matrices, the entry as a sum of products with the numbers, its feeding entries reversed."
        ),
        "z",
        group=N_("Zoom"),
        lockable=False,
        title=N_("Zoom into an entry"),
    ),
    KeySpec(
        "c",
        "chain",
        N_("Chain"),
        N_(
            "With the cursor on a gradient's entry: the chain of local derivatives from J down to it, "
            "observation by observation, and which matrix of the walk holds each factor."
        ),
        "c",
        group=N_("Zoom"),
        show=False,
        lockable=False,
        title=N_("Chain from J to the entry"),
    ),
    KeySpec(
        "b",
        "observations",
        N_("Per obs"),
        N_(
            "Per observation on / off: at the backward addGate and mulGate, each observation's own ∂J/∂b and ∂J/∂W; "
            "the batch gradient is their sum (sse) or mean (mse)."
        ),
        "b",
        group=N_("Zoom"),
        show=False,
        lockable=False,
        title=N_("The batch as a sum of observations"),
    ),
    KeySpec(
        "j",
        "jacobian",
        N_("Jacobian"),
        N_(
            "At the fused output step δ = (ŷ − y)/m (softmax or sigmoid with cross-entropy): the long way for one "
            "observation, ∂J/∂ŷ_r times the output's Jacobian S_r, which is row r of δ; ↑ ↓ or a number picks r."
        ),
        "j",
        group=N_("Zoom"),
        show=False,
        lockable=False,
        title=N_("The fused step's Jacobian"),
    ),
    KeySpec(
        "v",
        "panels",
        N_("Panels"),
        N_("Show / hide the graph, parameters and cost panels (narrow terminals)."),
        "v",
        group=N_("View"),
        title=N_("Toggle side panels"),
    ),
    KeySpec(
        "s",
        "cost_scale",
        N_("Log J"),
        N_("Cost plot: switch the J axis between a linear and a log scale."),
        "s",
        group=N_("Pictures"),
        show=False,
        lockable=False,
        title=N_("Cost plot: log / linear scale"),
    ),
    KeySpec(
        "w",
        "landscape",
        N_("Surface"),
        N_(
            "Loss surface: J over a grid of two chosen weights around their current values, every other parameter "
            "held, with the path of gradient descent so far and the negative gradient here."
        ),
        "w",
        group=N_("Pictures"),
        lockable=False,
        title=N_("Loss surface of two weights"),
    ),
    KeySpec(
        "f",
        "learned",
        N_("Learned"),
        N_(
            "What the network has learned: ŷ over the input plane (2 inputs, 1 output) with the observations "
            "and their targets; ← → move through the epochs."
        ),
        "f",
        group=N_("Pictures"),
        lockable=False,
        title=N_("What the network has learned"),
    ),
    KeySpec(
        "question_mark,f1",
        "help",
        N_("Help"),
        N_("This help: every key and what it does."),
        "? F1",
        group=N_("App"),
        lockable=False,
        title=N_("Help"),
    ),
    KeySpec("q", "quit", N_("Quit"), N_("Quit backprop-tui."), "q", group=N_("App"), lockable=False, title=N_("Quit")),
)

ACTIONS = {spec.action: spec for spec in KEYS}

# `backprop-tui compare`: the main screen's keys that act on both sides at once, and its own.
COMPARE_ACTIONS = frozenset(
    {
        "next",
        "previous",
        "first",
        "last",
        "run_epoch",
        "play",
        "faster",
        "slower",
        "train",
        "stop_training",
        "reset",
        "gradcheck",
        "decimals",
        "cost_scale",
        "help",
        "quit",
    }
)
COMPARE_KEYS: tuple[KeySpec, ...] = (
    *(spec for spec in KEYS if spec.action in COMPARE_ACTIONS),
    KeySpec(
        "a",
        "switch_side",
        N_("A/B"),
        N_("Compare, below 100 columns: show the other side's pane (A or B); both step together all the same."),
        "a",
        group=N_("View"),
        lockable=False,
        title=N_("Show the other side (A / B)"),
    ),
)


def bindings(specs: tuple[KeySpec, ...] = KEYS) -> list[Binding]:
    """The Textual bindings, one per spec; the first key is the one the footer shows."""
    return [
        Binding(
            spec.keys, spec.action, spec.label, show=spec.show, key_display=spec.display.split()[0], tooltip=spec.help
        )
        for spec in specs
    ]


def shown(binding: Binding) -> Binding:
    """`binding` in the language in force: its description and tooltip are marked N_ where declared."""
    return replace(binding, description=_(binding.description), tooltip=_(binding.tooltip))


class InLanguage:
    """Mixin for a screen with a footer (before Screen among the bases): Textual's Footer reads the
    bindings' words from `active_bindings`, here in the language in force (they are declared N_)."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return {
            key: active._replace(binding=shown(active.binding), tooltip=_(active.tooltip))
            for key, active in super().active_bindings.items()
        }


def palette_commands(screen, specs: tuple[KeySpec, ...]) -> Iterator[SystemCommand]:
    """The command palette's entry for each of the screen's keys it does not switch off (Textual's own
    palette has Quit)."""
    for spec in specs:
        if spec.action == "quit" or screen.check_action(spec.action, ()) is False:
            continue
        yield SystemCommand(
            f"{_(spec.palette_title)} ({spec.display})", _(spec.help), lambda a=spec.action: screen.run_action(a)
        )


def locked_actions(lesson: Lesson) -> frozenset[str]:
    """Actions a scenario's lesson switches off: ``[lesson] lock_keys = ["train", "gradcheck"]``."""
    return frozenset(a for a in lesson.lock_keys if a in ACTIONS and ACTIONS[a].lockable)
