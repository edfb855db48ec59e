"""The gate model: every kind provides every part, and every entry's expansion adds up to the entry."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tui_backprop.core import Session, load_bundled, names
from tui_backprop.core.gates import KINDS, GateKind
from tui_backprop.core.operations import MATMUL, SUM_ROWS

PARTS = ("build", "title", "explanation", "why", "note")


def epoch_one(name: str):
    return Session(load_bundled(name)).epoch_pass(1)[2]


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.key)
def test_every_kind_provides_every_part(kind):
    for part in PARTS:
        assert getattr(type(kind), part) is not getattr(GateKind, part), f"{kind.key} lacks {part}"
    assert kind.key and kind.phase in ("forward", "backward", "update") and kind.gate and kind.node_prefix
    assert kind.label and ":" not in kind.label  # the gate named without its equation (a quiz question shows it)


@pytest.mark.parametrize("name", names())
def test_every_step_renders_every_part(name):
    steps = epoch_one(name)
    for s in steps:
        assert s.title and s.equation and s.shapes and s.explanation
        for op in s.operations:
            assert s.why(op)
            assert isinstance(s.note(op, 4), str)
            ins, out = op.shape_algebra()
            assert out == op.value.shape
            if op.op in (MATMUL, SUM_ROWS):
                assert ins[0][1] == ins[1][0] and out == (ins[0][0], ins[1][1])
            for o in op.operands:
                assert o.entered.shape == o.shape


def test_the_bundled_scenarios_use_every_kind():
    used = {type(s.kind) for name in names() for s in epoch_one(name)}
    assert used == {type(k) for k in KINDS}


@pytest.mark.parametrize("name", names())
def test_every_entry_expands_to_itself(name):
    """Σ coefficient × Π factors, with each factor read from the matrix it names, is the entry."""
    for s in epoch_one(name):
        for op in s.operations:
            matrices = {o.name: o.matrix for o in op.operands}
            for i, j in np.ndindex(op.value.shape):
                e = op.expand(i, j)
                assert math.isclose(e.total, op.value[i, j], rel_tol=1e-9, abs_tol=1e-12), (s.title, i, j)
                for t in e.terms or ():
                    for f in t.factors:
                        assert matrices[f.name][f.index] == f.value  # an entry of a matrix of the step, as stored
                doc = e.json()  # what `explain --json` prints: 1-based, and Σ coefficient × Π factors is the value
                assert doc["index"] == [i + 1, j + 1] and doc["name"] == op.result
                if "terms" in doc:
                    assert math.isclose(
                        math.fsum(t["value"] for t in doc["terms"]), doc["value"], rel_tol=1e-9, abs_tol=1e-12
                    )


def test_the_article_backward_mulgate_enters_transposed():
    s = epoch_one("sleep-study")[10]
    dW, da = s.operations
    assert [(o.name, o.transposed, o.shape) for o in dW.operands] == [("a2", True, (3, 4)), ("delta3", False, (4, 1))]
    assert [(o.name, o.transposed, o.shape) for o in da.operands] == [("delta3", False, (4, 1)), ("W2", True, (1, 3))]
    assert s.shapes == "(3×4)·(4×1) → 3×1;  (4×1)·(1×3) → 4×3"
    e = dW.expand(1, 0)  # ∂J/∂W2[2,1] = Σᵢ a2[i,2]·δ3[i,1]
    assert [f.index for t in e.terms for f in t.factors][:2] == [(0, 1), (0, 0)]
    assert e.equation == "∂J/∂W2[2,1] = Σₖ a2[k,2]·δ3[k,1]"


def test_fprime_steps_carry_the_fprime_matrix():
    steps = epoch_one("sleep-study")
    f3 = steps[8]
    a3 = steps[5].outputs["yhat"]
    np.testing.assert_allclose(f3.inputs["fprime_z3"], a3 * (1 - a3))
    z2 = steps[1].outputs["z2"]
    sig = 1 / (1 + np.exp(-z2))
    np.testing.assert_allclose(steps[11].inputs["fprime_z2"], sig * (1 - sig), rtol=1e-12)


def test_bias_gradient_multiplies_by_a_row_of_ones():
    s = epoch_one("sleep-study")[9]
    (op,) = s.operations
    ones, delta = op.operands
    assert ones.symbol == "1ᵀ" and ones.shape == (1, 4) and (ones.entered == 1).all()
    assert op.expand(0, 0).equation == "∂J/∂b2[1,1] = Σᵢ δ3[i,1]"


def test_cost_expansion_gives_value_and_equation():
    s = epoch_one("mse-batch")[6]
    e = s.operations[0].expand(0, 0)
    assert e.terms is None and e.json().keys() == {"name", "index", "value", "equation"}
    assert math.isclose(e.total, e.value, rel_tol=1e-12)
    assert e.numbers(4).startswith("(1/(2·16))·(")


def test_backward_mulgates_ask_how_the_product_is_formed():
    steps = epoch_one("deep")
    asked = 0
    for s in steps:
        for op in s.operations:
            options, right = s.kind.arrangements(s, op)
            if s.kind.key != "product_gradients":
                assert options == () and right == -1
                continue
            asked += 1
            assert len(options) == 4 and len(set(options)) == 4
            assert options[right].replace(" ", "") == op.expression().replace(" ", "")
    assert asked == 5  # three ∂J/∂W and two ∂J/∂a in [2, 4, 3, 1]
    places = {s.kind.arrangements(s, op)[1] for s in steps for op in s.operations if s.kind.key == "product_gradients"}
    assert len(places) > 1  # the right answer is not always in the same place
