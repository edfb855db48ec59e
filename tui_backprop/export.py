"""The trace as text, Markdown or JSON: views of the engine's steps, nothing computed here."""

from __future__ import annotations

import json
from collections.abc import Iterable

import numpy as np

from .core import Scenario, Session, Step
from .i18n import N_, _
from .notation import count, dims, display_name, matrix_cells, phase_word


def matrix_rows(a: np.ndarray) -> list[list[float]]:
    return a.tolist()


def scenario_summary(s: Scenario) -> dict:
    return {
        "name": s.name,
        "description": s.description,
        "source": s.source,
        "layers": s.layers,
        "m": s.m,
        "learning_rate": s.learning_rate,
        "cost": s.cost,
        "activation": s.activation,
        "output_activation": s.output_activation,
        "optimizer": vars(s.optimizer),
        "X": matrix_rows(s.X),
        "y": matrix_rows(s.y),
        "params": {k: matrix_rows(v) for k, v in s.params.named().items()},
    }


def step_json(step: Step) -> dict:
    return {
        "epoch": step.epoch,
        "index": step.index,
        "phase": step.phase,
        "gate": step.gate,
        "title": step.title,
        "equation": step.equation,
        "shapes": step.shapes,
        "explanation": step.explanation,
        "inputs": {k: matrix_rows(v) for k, v in step.inputs.items()},
        "outputs": {k: matrix_rows(v) for k, v in step.outputs.items()},
        "operations": [op.json() for op in step.operations],
    }


def walk(session: Session, epochs: int) -> Iterable[tuple[int, list[Step]]]:
    """Each epoch's steps in turn; stops early (session.diverged set) when training diverges."""
    for epoch in range(1, epochs + 1):
        if epoch > 1 and not session.can_enter(epoch):
            return
        yield epoch, session.epoch_pass(epoch)[2]


def trace_json(session: Session, epochs: int) -> dict:
    out_epochs, out_steps = [], []
    for epoch, steps in walk(session, epochs):
        updated: dict[str, list] = {}
        for step in steps:
            out_steps.append(step_json(step))
            if step.phase == "update":
                updated.update({k: matrix_rows(v) for k, v in step.outputs.items()})
        params = {k: updated[k] for k in session.scenario.params.named()}
        state = session.update_at(epoch).state_after
        named_state = {k: matrix_rows(v) for k, v in state.named().items()} if state else {}
        out_epochs.append({"epoch": epoch, "cost": session.costs[epoch - 1], "params": params, "state": named_state})
    doc = {"scenario": scenario_summary(session.scenario), "epochs": out_epochs, "steps": out_steps}
    if session.planted is not None:
        p = session.planted
        doc["bug"] = {"name": p.name, "step": session.bug_step(1), "description": p.description}
    if session.diverged is not None:
        doc["diverged"] = {"epoch": session.diverged.epoch, "message": str(session.diverged)}
    return doc


def format_matrix(a: np.ndarray, decimals: int = 4, indent: str = "    ") -> str:
    """Rows in brackets, by the app's rule (a power of ten for small entries, on a line of its own)."""
    cells = matrix_cells(a.tolist(), decimals)
    scale = [indent + cells.scale_text] if cells.scale_text else []
    return "\n".join(scale + [indent + "[" + "  ".join(row) + "]" for row in cells.text])


FIND_THE_ERROR = N_(
    "Find the error: one step of this walk makes a classic backpropagation mistake, and every step after it "
    "computes from its wrong result. Check each step's result against its equation and inputs."
)  # shown through _()


def answer(session: Session) -> str:
    """Where the planted mistake is and what it is, in one line."""
    k = session.bug_step(1)
    step = session.epoch_pass(1)[2][k - 1]
    return _("Answer: step {k}, {title} — {description} ({name}).").format(
        k=k, title=step.title, description=session.planted.description, name=session.planted.name
    )


def trace_text(session: Session, epochs: int, decimals: int = 4, answers: bool = False) -> str:
    s = session.scenario
    lines = [
        _("{name}   layers {layers}, m = {m}, {hidden}/{output}, {cost}, η = {eta}").format(
            name=s.title,
            layers=s.shape_text,
            m=s.m,
            hidden=s.activation,
            output=s.output_activation,
            cost=s.cost,
            eta=f"{s.learning_rate:g}",
        )
    ]
    if session.planted is not None:
        lines.append(_(FIND_THE_ERROR))
    for epoch, steps in walk(session, epochs):
        lines.append("")
        lines.append(
            _("=== epoch {epoch}   J = {cost}").format(
                epoch=count(epoch), cost=f"{session.costs[epoch - 1]:.{decimals + 2}g}"
            )
        )
        for step in steps:
            lines.append("")
            lines.append(f"[{step.index}/{len(steps)}] {phase_word(step.phase)}  {step.title}")
            lines.append(f"  {step.equation}")
            lines.append("  " + _("shapes: {shapes}").format(shapes=step.shapes))
            lines.append(f"  {step.explanation}")
            for label, group in ((_("in"), step.inputs), (_("out"), step.outputs)):
                for name, value in group.items():
                    lines.append(f"  {label} {display_name(name)} ({dims(value.shape)}):")
                    lines.append(format_matrix(value, decimals))
    if session.diverged is not None:
        lines += ["", _("stopped: {reason}").format(reason=session.diverged)]
    if answers:
        lines += ["", answer(session)]
    return "\n".join(lines) + "\n"


def dumps(doc: dict) -> str:
    # allow_nan=False: a non-finite number is a bug to report, never a result to print.
    return json.dumps(doc, indent=1, ensure_ascii=False, allow_nan=False)
