"""The trace as a Markdown handout a teacher would print."""

from __future__ import annotations

from .core import Session
from .export import walk
from .notation import display_name


def md_matrix(a, decimals: int, blank: bool = False) -> str:
    cells = [["" if blank else f"{v:.{decimals}f}" for v in row] for row in a]
    header = "| " + " | ".join(f"c{j + 1}" for j in range(a.shape[1])) + " |"
    rule = "|" + "---|" * a.shape[1]
    body = ["| " + " | ".join(c or "   " for c in row) + " |" for row in cells]
    return "\n".join([header, rule, *body])


def trace_markdown(session: Session, epochs: int, decimals: int = 4, blank: bool = False) -> str:
    s = session.scenario
    out = [f"# {s.name}", "", s.description, "",
           f"Layers {s.shape_text}, m = {s.m} observations, activation {s.activation} (output {s.output_activation}), "
           f"cost {s.cost}, learning rate η = {s.learning_rate:g}.", ""]
    for epoch, steps in walk(session, epochs):
        out += [f"## Epoch {epoch}", ""]
        for step in steps:
            out += [f"### Step {step.index}: {step.title}", "", f"`{step.equation}`", "",
                    f"Shapes: `{step.shapes}`", "", step.explanation, ""]
            for name, value in step.inputs.items():
                out += [f"**{display_name(name)}** ({value.shape[0]}×{value.shape[1]}), input:", "", md_matrix(value, decimals), ""]
            for name, value in step.outputs.items():
                shape = "…×…" if blank else f"{value.shape[0]}×{value.shape[1]}"
                out += [f"**{display_name(name)}** ({shape}), result:", "", md_matrix(value, decimals, blank), ""]
    return "\n".join(out) + "\n"
