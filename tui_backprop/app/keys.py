"""Every key of the app, declared once.

This table drives the bindings, the footer, the command palette and the help
screen. A key is switched off for a lesson by naming its action in the
scenario's ``[lesson] lock_keys = [...]`` list (see ``locked_actions``); a new
mode is one more line here plus its ``action_<name>`` method on the main screen.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from textual.app import SystemCommand
from textual.binding import Binding

from ..core.lesson import Lesson


@dataclass(frozen=True)
class KeySpec:
    keys: str  # Textual key names, comma separated: "right,l,n"
    action: str  # the main screen's action_<action>
    label: str  # short footer label
    help: str  # the longer text of the help screen and the command palette
    display: str  # how the help screen and the footer spell the keys
    group: str = "Step"
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
        "Next",
        "Next step: the next gate, forward, then backward, then the update; past the last step, into the next epoch.",
        "→ l n",
        title="Next step",
    ),
    KeySpec(
        "left,h,p",
        "previous",
        "Prev",
        "Previous step; from step 1, back across the update into the epoch before.",
        "← h p",
        title="Previous step",
    ),
    KeySpec("home", "first", "First", "First step of this epoch.", "Home", show=False, title="First step of the epoch"),
    KeySpec(
        "end",
        "last",
        "Last",
        "Last step of this epoch (the last update).",
        "End",
        show=False,
        title="Last step of the epoch",
    ),
    KeySpec(
        "e",
        "run_epoch",
        "Run",
        "Run to the end of the epoch, lighting each gate in turn; at the end of an epoch, run through the next one.",
        "e",
        show=False,
        title="Run to the end of the epoch",
    ),
    KeySpec(
        "space",
        "play",
        "Play",
        "Play / pause: step on a timer until the last available step.",
        "space",
        group="Play",
        title="Play / pause",
    ),
    KeySpec(
        "plus,equals_sign",
        "faster",
        "Faster",
        "Play faster (shorter interval between steps).",
        "+",
        group="Play",
        show=False,
        title="Play faster",
    ),
    KeySpec(
        "minus",
        "slower",
        "Slower",
        "Play slower (longer interval between steps).",
        "-",
        group="Play",
        show=False,
        title="Play slower",
    ),
    KeySpec(
        "t",
        "train",
        "Train",
        "Train more epochs without stepping (asks how many, 100 by default), "
        "then show the new weights and the cost curve.",
        "t",
        group="Train",
        title="Train epochs",
    ),
    KeySpec(
        "x,escape",
        "stop_training",
        "Stop",
        "While training: stop at the last completed epoch (the epochs trained so far are kept).",
        "x esc",
        group="Train",
        lockable=False,
        title="Stop training",
    ),
    KeySpec(
        "r",
        "reset",
        "Reset",
        "Back to the scenario's initial weights, epoch 1, step 1.",
        "r",
        show=False,
        group="Train",
        title="Reset to the initial weights",
    ),
    KeySpec(
        "k",
        "quiz",
        "Quiz",
        "Quiz mode on / off: before each step's result is shown, type its shape "
        "(e.g. 3x1; at a cost or bias step optionally one value), Enter to check; Esc gives up. "
        "A score per epoch.",
        "k",
        group="Classroom",
        title="Quiz mode",
    ),
    KeySpec(
        "m",
        "mark",
        "Mark bug",
        "Spot the bug (with --bug or a lesson's bug): mark the step on screen as the one that computes its "
        "result wrongly. "
        "A wrong mark costs a point; the hunt goes on.",
        "m",
        group="Classroom",
        lockable=False,
        title="Mark this step as the mistaken one",
    ),
    KeySpec(
        "u",
        "give_up",
        "Give up",
        "Spot the bug: give up, go to the mistaken step and see its results as computed and as they should be.",
        "u",
        group="Classroom",
        show=False,
        lockable=False,
        title="Give up the hunt for the bug",
    ),
    KeySpec(
        "o",
        "open",
        "Open",
        "Open another scenario: a bundled one, or a file by its path.",
        "o",
        group="Scenario",
        title="Open a scenario",
    ),
    KeySpec(
        "g",
        "gradcheck",
        "Check",
        "Gradient check: analytic against numerical gradients for every parameter at this epoch's weights.",
        "g",
        group="Scenario",
        title="Gradient check",
    ),
    KeySpec(
        "d",
        "decimals",
        "Decimals",
        "Cycle the decimals shown for values: 2, 3, 4, 6.",
        "d",
        show=False,
        group="View",
        title="Cycle decimals",
    ),
    KeySpec(
        "z",
        "zoom",
        "Zoom",
        "Zoom into an entry: a cursor on this step's result (or click an entry); ← → ↑ ↓ move it, Esc leaves. "
        "Under the matrices, the entry as a sum of products with the numbers, its feeding entries reversed.",
        "z",
        group="Zoom",
        lockable=False,
        title="Zoom into an entry",
    ),
    KeySpec(
        "c",
        "chain",
        "Chain",
        "With the cursor on a gradient's entry: the chain of local derivatives from J down to it, "
        "observation by observation, and which matrix of the walk holds each factor.",
        "c",
        group="Zoom",
        show=False,
        lockable=False,
        title="Chain from J to the entry",
    ),
    KeySpec(
        "b",
        "observations",
        "Per obs",
        "Per observation on / off: at the backward addGate and mulGate, each observation's own ∂J/∂b and ∂J/∂W; "
        "the batch gradient is their sum (sse) or mean (mse).",
        "b",
        group="Zoom",
        show=False,
        lockable=False,
        title="The batch as a sum of observations",
    ),
    KeySpec(
        "j",
        "jacobian",
        "Jacobian",
        "At the fused output step δ = (ŷ − y)/m (softmax or sigmoid with cross-entropy): the long way for one "
        "observation, ∂J/∂ŷ_r times the output's Jacobian S_r, which is row r of δ; ↑ ↓ or a number picks r.",
        "j",
        group="Zoom",
        show=False,
        lockable=False,
        title="The fused step's Jacobian",
    ),
    KeySpec(
        "v",
        "panels",
        "Panels",
        "Show / hide the graph, parameters and cost panels (narrow terminals).",
        "v",
        group="View",
        title="Toggle side panels",
    ),
    KeySpec(
        "s",
        "cost_scale",
        "Log J",
        "Cost plot: switch the J axis between a linear and a log scale.",
        "s",
        group="Pictures",
        show=False,
        lockable=False,
        title="Cost plot: log / linear scale",
    ),
    KeySpec(
        "w",
        "landscape",
        "Surface",
        "Loss surface: J over a grid of two chosen weights around their current values, every other parameter "
        "held, with the path of gradient descent so far and the negative gradient here.",
        "w",
        group="Pictures",
        lockable=False,
        title="Loss surface of two weights",
    ),
    KeySpec(
        "f",
        "learned",
        "Learned",
        "What the network has learned: ŷ over the input plane (2 inputs, 1 output) with the observations "
        "and their targets; ← → move through the epochs.",
        "f",
        group="Pictures",
        lockable=False,
        title="What the network has learned",
    ),
    KeySpec(
        "question_mark,f1",
        "help",
        "Help",
        "This help: every key and what it does.",
        "? F1",
        group="App",
        lockable=False,
        title="Help",
    ),
    KeySpec("q", "quit", "Quit", "Quit backprop-tui.", "q", group="App", lockable=False, title="Quit"),
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
        "A/B",
        "Compare, below 100 columns: show the other side's pane (A or B); both step together all the same.",
        "a",
        group="View",
        lockable=False,
        title="Show the other side (A / B)",
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


def palette_commands(screen, specs: tuple[KeySpec, ...]) -> Iterator[SystemCommand]:
    """The command palette's entry for each of the screen's keys it does not switch off (Textual's own
    palette has Quit)."""
    for spec in specs:
        if spec.action == "quit" or screen.check_action(spec.action, ()) is False:
            continue
        yield SystemCommand(
            f"{spec.palette_title} ({spec.display})", spec.help, lambda a=spec.action: screen.run_action(a)
        )


def locked_actions(lesson: Lesson) -> frozenset[str]:
    """Actions a scenario's lesson switches off: ``[lesson] lock_keys = ["train", "gradcheck"]``."""
    return frozenset(a for a in lesson.lock_keys if a in ACTIONS and ACTIONS[a].lockable)
