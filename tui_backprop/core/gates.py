"""Every kind of gate of the walk, defined once: its operations, its words, its questions.

A kind builds the operations of its gate for one layer from a full pass (which matrices enter, and
how), and owns the words a student reads about it: title, equation, explanation, the why of each
result's shape, and a note for the worked example of an entry. Views — the app's panels, the
text/markdown/JSON trace, the handout, the quiz — render a Step through its kind; none of them
chooses words by comparing gate names or parses a formatted string.

A new kind of gate is a new subclass here, listed in KINDS, providing `build` and every method of
GateKind that raises NotImplementedError; tests/test_gates.py checks that each kind provides all parts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..i18n import N_, _, ngettext
from ..notation import dims, display_name, signed_number
from .activations import ACTIVATIONS, FORMULAS
from .diagnostics import dead_units
from .network import Params, Pass
from .operations import (
    ADD,
    APPLY,
    AS_IS,
    BROADCAST,
    COST,
    ELEMENTWISE,
    MATMUL,
    ONES,
    SQUARED,
    SUM_ROWS,
    TRANSPOSED,
    UPDATE,
    Operand,
    Operation,
)
from .optimizers import Optimizer, OptState

Array = np.ndarray


# --- names of the walk's matrices -------------------------------------------------------------------


def a_name(level: int, last: int) -> str:
    """ASCII name of the activation of layer `level` (1-based; layer 1 is X)."""
    if level == 1:
        return "X"
    return "yhat" if level == last else f"a{level}"


def a_symbol(level: int, last: int) -> str:
    return display_name(a_name(level, last))


def product_name(level: int, last: int) -> str:
    """The forward mulGate's result: XW1, a2W2, …"""
    return f"{a_name(level, last)}W{level}"


@dataclass(frozen=True)
class Facts:
    """What the words need besides the matrices: the scenario's settings."""

    m: int
    n_layers: int  # weight layers
    hidden: str
    output: str
    cost: str
    eta: float
    optimizer: Optimizer = Optimizer()
    fused: bool = False  # δ at the output in one step: cross-entropy after softmax or sigmoid

    def activation(self, layer: int) -> str:
        return self.output if layer == self.n_layers else self.hidden

    @property
    def last(self) -> int:
        return self.n_layers + 1


def glossary(facts: Facts) -> dict[str, tuple[str, bool]]:
    """Every matrix of the walk: name → (what it is, given by the scenario?), in the order the walk meets them."""
    last = facts.last
    g: dict[str, tuple[str, bool]] = {
        "X": (_("inputs, one observation per row (a1)"), True),
        "y": (_("targets, one row per observation"), True),
    }
    gradient = _("gradient of J with respect to {name}")
    for l in range(1, facts.n_layers + 1):
        a_in = a_symbol(l, last)
        g[f"W{l}"] = (_("weights, layer {l} → layer {next}").format(l=l, next=l + 1), True)
        g[f"b{l}"] = (_("biases of layer {next} (one row, broadcast to every row)").format(next=l + 1), True)
        g[product_name(l, last)] = (_("the product {a} · W{l}").format(a=a_in, l=l), False)
        g[f"z{l + 1}"] = (_("pre-activation of layer {next}").format(next=l + 1), False)
        out = a_name(l + 1, last)
        g[out] = (
            _("predictions (the last layer's activation)")
            if out == "yhat"
            else _("activation of layer {next}").format(next=l + 1),
            False,
        )
    g["J"] = (_("the cost, one number for the whole batch"), False)
    g["dJ_dyhat"] = (_("gradient of J with respect to the predictions"), False)
    for l in range(facts.n_layers, 0, -1):
        g[f"fprime_z{l + 1}"] = (_("f' of z{next}, entry by entry").format(next=l + 1), False)
        g[f"delta{l + 1}"] = (_("error back-propagated to layer {next}, ∂J/∂z{next}").format(next=l + 1), False)
        g[f"dJ_db{l}"] = (gradient.format(name=f"b{l}"), False)
        g[f"dJ_dW{l}"] = (gradient.format(name=f"W{l}"), False)
        if l > 1:
            g[f"dJ_da{l}"] = (gradient.format(name=f"a{l}"), False)
    return g


def result_shapes(layers: list[int], m: int) -> dict[str, tuple[int, int]]:
    """The shape of every result of the walk, from the layer widths and the batch size alone."""
    last = len(layers)
    out: dict[str, tuple[int, int]] = {}
    for l in range(1, last):
        width = layers[l]
        out[product_name(l, last)] = out[f"z{l + 1}"] = out[a_name(l + 1, last)] = (m, width)
    out["J"] = (1, 1)
    out["dJ_dyhat"] = (m, layers[-1])
    for l in range(last - 1, 0, -1):
        out[f"fprime_z{l + 1}"] = out[f"delta{l + 1}"] = (m, layers[l])
        out[f"dJ_db{l}"] = (1, layers[l])
        out[f"dJ_dW{l}"] = (layers[l - 1], layers[l])
        if l > 1:
            out[f"dJ_da{l}"] = (m, layers[l - 1])
    return out


@dataclass(frozen=True)
class Walk:
    """One epoch's numbers for the kinds to build from: the parameters at its start and their pass."""

    facts: Facts
    params: Params
    p: Pass
    y: Array
    new: Params  # after the update
    ones: Array  # 1ᵀ, 1×m
    state_before: OptState | None = None  # the optimizer's memory, for momentum and Adam
    state_after: OptState | None = None


class GateKind:
    """One kind of gate. Subclasses set the class attributes and implement the methods."""

    key = ""  # a stable identifier
    phase = ""  # forward | backward | update
    gate = ""  # the JSON trace's gate: mul | add | activation | cost | update
    node_prefix = ""  # the graph node it lights: mul1, add1, act1, cost, update1
    asks_value = False  # the quiz may also ask one value of its result
    label = ""  # the gate's name without its equation, "mulGate (switcher)" (a quiz question shows it through _())
    fprime_at: int | None = None  # which operand of its operation is f'(z), if any (the views mark saturation)

    def node(self, layer: int) -> str:
        return self.node_prefix if not layer else f"{self.node_prefix}{layer}"

    def build(self, walk: Walk, layer: int) -> tuple[tuple[Operation, ...], dict[str, Array]]:
        """The gate's operations at `layer`, and inputs shown beside the operands (context)."""
        raise NotImplementedError

    def title(self, step) -> str:
        raise NotImplementedError

    def explanation(self, step) -> str:
        raise NotImplementedError

    def why(self, step, op: Operation) -> str:
        """Why `op`'s result has the shape it has."""
        raise NotImplementedError

    def note(self, step, op: Operation, decimals: int) -> str:
        """A line under the worked example of entry [1,1] of `op` ("" for none)."""
        raise NotImplementedError

    def equation(self, step) -> str:
        return ",  ".join(op.equation() for op in step.operations)

    def arrangements(self, step, op: Operation) -> tuple[tuple[str, ...], int]:
        """A choice of how `op`'s product is formed: (plausible arrangements, index of the right one).

        Empty where the gate poses no such question; the why of the answer is `why(step, op)`.
        """
        return (), -1

    def inputs(self, step) -> dict[str, Array]:
        """Operands as stored (the row of ones aside) and the context, in the order they enter."""
        out: dict[str, Array] = {}
        for op in step.operations:
            for o in op.operands:
                if o.how != ONES:
                    out.setdefault(o.name, o.matrix)
        out.update(step.context)
        return out


# --- forward ----------------------------------------------------------------------------------------


class Product(GateKind):
    key, phase, gate, node_prefix = "product", "forward", "mul", "mul"
    label = N_("mulGate")

    def build(self, walk, layer):
        k, last = layer - 1, walk.facts.last
        x, w = walk.p.activations[k], walk.params.weights[k]
        op = Operation(
            product_name(layer, last),
            walk.p.products[k],
            MATMUL,
            (Operand(a_name(layer, last), x), Operand(f"W{layer}", w)),
        )
        return (op,), {}

    def title(self, step):
        return _("mulGate: {equation}").format(equation=step.operations[0].equation())

    def explanation(self, step):
        (op,) = step.operations
        a, w = op.operands
        m, units = step.facts.m, w.shape[1]
        rows = ngettext(
            "A matrix product: each of the {m} row of {a} (one observation each) is multiplied by {w}, ",
            "A matrix product: each of the {m} rows of {a} (one observation each) is multiplied by {w}, ",
            m,
        )
        sums = ngettext(
            "giving every observation's weighted sum for the single unit of layer {layer}. ",
            "giving every observation's weighted sum for each of the {n} units of layer {layer}. ",
            units,
        )
        return (rows + sums + _("The inner sizes ({inner}) must agree.")).format(
            m=m, a=a.symbol, w=w.symbol, n=units, layer=step.layer + 1, inner=a.shape[1]
        )

    def why(self, step, op):
        a, w = op.operands
        return _(
            "A matrix product: the inner dimensions cancel, (a×b)·(b×c) → a×c. Here "
            "({a_shape})·({w_shape}) → {shape}: one row per observation of {a}, one column per unit of {w}."
        ).format(a_shape=dims(a.shape), w_shape=dims(w.shape), shape=dims(op.shape), a=a.symbol, w=w.symbol)

    def note(self, step, op, decimals):
        return _("row 1 of {a} times column 1 of {w}").format(a=op.operands[0].symbol, w=op.operands[1].symbol)


class BiasAdd(GateKind):
    key, phase, gate, node_prefix = "bias_add", "forward", "add", "add"
    label = N_("addGate")

    def build(self, walk, layer):
        k, last = layer - 1, walk.facts.last
        op = Operation(
            f"z{layer + 1}",
            walk.p.zs[k],
            ADD,
            (
                Operand(product_name(layer, last), walk.p.products[k]),
                Operand(f"b{layer}", walk.params.biases[k], BROADCAST),
            ),
        )
        return (op,), {}

    def title(self, step):
        return _("addGate: {equation}").format(equation=step.operations[0].equation())

    def explanation(self, step):
        b = step.operations[0].operands[1]
        return _(
            "{b} is one row, broadcast to all {m} rows: every observation gets the same bias added to each unit."
        ).format(b=b.symbol, m=step.facts.m)

    def why(self, step, op):
        b = op.operands[1]
        return _(
            "Adding {b} ({b_shape}) broadcasts its one row to every row, so the shape does not change: "
            "{result} has the shape of the product, {shape}."
        ).format(b=b.symbol, b_shape=dims(b.shape), result=op.symbol, shape=dims(op.shape))

    def note(self, step, op, decimals):
        return _("the same {b}[1,1] is added in every row").format(b=op.operands[1].symbol)


class Activation(GateKind):
    key, phase, gate, node_prefix = "activation", "forward", "activation", "act"
    label = N_("activation")

    def build(self, walk, layer):
        k, last = layer - 1, walk.facts.last
        op = Operation(
            a_name(layer + 1, last),
            walk.p.activations[k + 1],
            APPLY,
            (Operand(f"z{layer + 1}", walk.p.zs[k]),),
            function=walk.facts.activation(layer),
        )
        return (op,), {}

    def title(self, step):
        op = step.operations[0]
        return _("activation: {result} = {function}({z})").format(
            result=op.symbol, function=op.function, z=op.operands[0].symbol
        )

    def equation(self, step):
        op = step.operations[0]
        return f"{op.equation()},  {FORMULAS[op.function][0]}"

    def explanation(self, step):
        op = step.operations[0]
        output = step.layer == step.facts.n_layers
        text = (
            _(
                "{function} acts on each entry separately, so the shape does not change: these are the network's predictions."
            )
            if output
            else _("{function} acts on each entry separately, so the shape does not change.")
        )
        return text.format(function=op.function)

    def why(self, step, op):
        z = op.operands[0].symbol
        return _(
            "The activation is element-wise: it acts on each entry of {z} on its own, so {result} has {z}'s shape {shape}."
        ).format(z=z, result=op.symbol, shape=dims(op.shape))

    def note(self, step, op, decimals):
        return FORMULAS[op.function][0]


class Cost(GateKind):
    key, phase, gate, node_prefix = "cost", "forward", "cost", "cost"
    label = N_("cost")
    asks_value = True

    def build(self, walk, layer):
        f = walk.facts
        scale = 0.5 if f.cost == "sse" else 0.5 / f.m
        yhat = walk.p.activations[-1]
        op = Operation(
            "J",
            np.array([[walk.p.cost]]),
            COST,
            (Operand("y", walk.y), Operand("yhat", yhat)),
            coefficient=scale,
        )
        return (op,), {}

    def title(self, step):
        return _("cost: J")

    def explanation(self, step):
        m = step.facts.m
        if step.facts.cost == "sse":
            return _(
                "The cost adds up the squared errors of every observation and output into one number (sse: half the sum)."
            )
        return ngettext(
            "The cost adds up the squared errors of every observation and output into one number, averaged over "
            "the {m} observation (mse: divided by m = {m}).",
            "The cost adds up the squared errors of every observation and output into one number, averaged over "
            "the {m} observations (mse: divided by m = {m}).",
            m,
        ).format(m=m)

    def why(self, step, op):
        return _(
            "The cost is a single number, 1×1: the squared errors of every observation are summed over "
            "the batch into one J."
        )

    def note(self, step, op, decimals):
        return "" if step.facts.cost == "sse" else f"m = {step.facts.m}"


# --- backward ---------------------------------------------------------------------------------------


class CostPrime(GateKind):
    key, phase, gate, node_prefix = "cost_prime", "backward", "cost", "cost"
    label = N_("cost′")
    asks_value = True

    def build(self, walk, layer):
        f = walk.facts
        op = Operation(
            "dJ_dyhat",
            walk.p.dJ_dyhat,
            ELEMENTWISE,
            (Operand("y", walk.y), Operand("yhat", walk.p.activations[-1])),
            coefficient=1.0 if f.cost == "sse" else 1.0 / f.m,
            difference=True,
        )
        return (op,), {}

    def title(self, step):
        return _("cost': ∂J/∂ŷ")

    def explanation(self, step):
        m = step.facts.m
        if step.facts.cost == "sse":
            return _(
                "The first gradient: how the cost changes with each prediction. It has ŷ's shape, "
                "one entry per observation and output."
            )
        return _(
            "The first gradient: how the cost changes with each prediction. It has ŷ's shape, "
            "one entry per observation and output, divided by m = {m} because the cost is an average."
        ).format(m=m)

    def why(self, step, op):
        return _(
            "∂J/∂ŷ is the element-wise derivative of the cost with respect to each prediction, so it has "
            "ŷ's shape {shape}: one entry per observation and output."
        ).format(shape=dims(op.shape))

    def note(self, step, op, decimals):
        if step.facts.cost == "sse":
            return _("−(y − ŷ) is ŷ − y")
        return _("−(y − ŷ) is ŷ − y, divided by m = {m}").format(m=step.facts.m)


class FPrime(GateKind):
    key, phase, gate, node_prefix = "f_prime", "backward", "activation", "act"
    label = N_("f′")
    fprime_at = 1  # (upstream, f'(z))

    def build(self, walk, layer):
        k, f = layer - 1, walk.facts
        act = f.activation(layer)
        if layer == f.n_layers:
            upstream = Operand("dJ_dyhat", walk.p.dJ_dyhat)
        else:
            upstream = Operand(f"dJ_da{layer + 1}", walk.p.dJ_da[k + 1])
        fprime = ACTIVATIONS[act][1](walk.p.activations[k + 1])
        op = Operation(
            f"delta{layer + 1}",
            walk.p.deltas[k],
            ELEMENTWISE,
            (upstream, Operand(f"fprime_z{layer + 1}", fprime)),
            function=act,
        )
        return (op,), {f"z{layer + 1}": walk.p.zs[k]}

    def inputs(self, step):
        op = step.operations[0]
        upstream, fprime = op.operands
        return {upstream.name: upstream.matrix, **step.context, fprime.name: fprime.matrix}

    def title(self, step):
        return _("f': {equation}").format(equation=step.operations[0].equation())

    def equation(self, step):
        op = step.operations[0]
        return f"{op.equation()},  {FORMULAS[op.function][1]}"

    def explanation(self, step):
        op = step.operations[0]
        z = op.operands[1].symbol[3:-1]  # the z of f'(z)
        return _(
            "The activation worked entry by entry, so its gradient does too: an element-wise "
            "product (⊙) with {function}'({z}), never a matrix product. {result} is the error "
            "back-propagated to layer {layer}."
        ).format(function=op.function, z=z, result=op.symbol, layer=step.layer + 1) + _dead_units(
            op.function, step.context, step.layer + 1
        )

    def why(self, step, op):
        z = f"z{step.layer + 1}"
        return _(
            "f' is applied element-wise: {result} = upstream ⊙ f'({z}) multiplies entry by entry (⊙, not a "
            "matrix product), so {result} has {z}'s shape {shape}."
        ).format(result=op.symbol, z=z, shape=dims(op.shape))

    def note(self, step, op, decimals):
        z_name = f"z{step.layer + 1}"
        z = float(step.context[z_name][0, 0])
        fz = float(op.operands[1].matrix[0, 0])
        a = float(ACTIVATIONS[op.function][0](np.array([[z]]))[0, 0])
        d = decimals
        if op.function == "sigmoid":
            return f"σ'({z_name}[1,1]) = σ(z)(1 − σ(z)) = {signed_number(a, d)}·(1 − {signed_number(a, d)}) = {signed_number(fz, d)}"
        if op.function == "tanh":
            return f"tanh'({z_name}[1,1]) = 1 − tanh²(z) = 1 − {signed_number(a, d)}² = {signed_number(fz, d)}"
        if op.function == "relu":
            return _("{z}[1,1] = {value} {sign} 0, so relu' = {fz}").format(
                z=z_name, value=signed_number(z, d), sign=">" if z > 0 else "≤", fz=f"{fz:g}"
            )
        return "identity' = 1"


class BiasGradient(GateKind):
    key, phase, gate, node_prefix = "bias_gradient", "backward", "add", "add"
    label = N_("addGate (distributor)")
    asks_value = True

    def build(self, walk, layer):
        k = layer - 1
        op = Operation(
            f"dJ_db{layer}",
            walk.p.grad_b[k],
            SUM_ROWS,
            (Operand("ones", walk.ones, ONES), Operand(f"delta{layer + 1}", walk.p.deltas[k])),
        )
        return (op,), {}

    def title(self, step):
        return _("addGate: {equation}").format(equation=step.operations[0].equation())

    def equation(self, step):
        delta = step.operations[0].operands[1].symbol
        prod = display_name(product_name(step.layer, step.facts.last))
        return f"{step.operations[0].equation()},  ∂J/∂({prod}) = {delta}"

    def explanation(self, step):
        delta = step.operations[0].operands[1].symbol
        m, l = step.facts.m, step.layer
        return ngettext(
            "The addGate is a distributor: its local derivative is 1, so {delta} passes unchanged "
            "to both inputs. b{l} was one row broadcast to all {m} row, so its gradient adds up the "
            "{m} row of {delta}: that is what the row of ones 1ᵀ does — it sums the batch.",
            "The addGate is a distributor: its local derivative is 1, so {delta} passes unchanged "
            "to both inputs. b{l} was one row broadcast to all {m} rows, so its gradient adds up the "
            "{m} rows of {delta}: that is what the row of ones 1ᵀ does — it sums the batch.",
            m,
        ).format(delta=delta, l=l, m=m)

    def why(self, step, op):
        d = op.operands[1]
        m, l = d.shape[0], step.layer
        return _(
            "1ᵀ·{delta} sums the {m} rows of {delta} into one row — the sum over the batch, "
            "because b{l} was one row broadcast to all {m} observations — so ∂J/∂b{l} has "
            "b{l}'s shape 1×{n}."
        ).format(delta=d.symbol, m=m, l=l, n=d.shape[1])

    def note(self, step, op, decimals):
        d = op.operands[1]
        m = d.shape[0]
        return ngettext(
            "column 1 of {delta} summed over the {m} observation",
            "column 1 of {delta} summed over the {m} observations",
            m,
        ).format(delta=d.symbol, m=m)


class ProductGradients(GateKind):
    key, phase, gate, node_prefix = "product_gradients", "backward", "mul", "mul"
    label = N_("mulGate (switcher)")

    def build(self, walk, layer):
        k, last = layer - 1, walk.facts.last
        a = a_name(layer, last)
        delta = Operand(f"delta{layer + 1}", walk.p.deltas[k])
        w = walk.params.weights[k]
        ops = [
            Operation(f"dJ_dW{layer}", walk.p.grad_w[k], MATMUL, (Operand(a, walk.p.activations[k], TRANSPOSED), delta))
        ]
        context = {}
        if k > 0:
            ops.append(
                Operation(f"dJ_da{layer}", walk.p.dJ_da[k], MATMUL, (delta, Operand(f"W{layer}", w, TRANSPOSED)))
            )
        else:
            context[f"W{layer}"] = w  # shown: ∂J/∂X would need it, and the explanation says why it is not computed
        return tuple(ops), context

    def title(self, step):
        return _("mulGate: {equation}").format(equation=step.operations[0].equation())

    def explanation(self, step):
        l, m = step.layer, step.facts.m
        a, delta = step.operations[0].operands
        a_sym = display_name(a.name)
        text = ngettext(
            "The mulGate is a switcher: the gradient for one factor is the upstream gradient times the "
            "other factor. {a} is transposed so that the shapes fit — ∂J/∂W{l} must have W{l}'s "
            "shape — and the product over the {m} observation adds up each one's contribution.",
            "The mulGate is a switcher: the gradient for one factor is the upstream gradient times the "
            "other factor. {a} is transposed so that the shapes fit — ∂J/∂W{l} must have W{l}'s "
            "shape — and the product over the {m} observations adds up each one's contribution.",
            m,
        ).format(a=a_sym, l=l, m=m)
        if len(step.operations) > 1:
            units = step.operations[1].shape[1]
            return text + ngettext(
                " For {a} it is {delta} times W{l}ᵀ, which splits each observation's error among "
                "the single unit of layer {l}.",
                " For {a} it is {delta} times W{l}ᵀ, which splits each observation's error among "
                "the {n} units of layer {l}.",
                units,
            ).format(a=a_sym, delta=delta.symbol, l=l, n=units)
        return text + _(
            " W{l} is not needed here: ∂J/∂X would be {delta} · W{l}ᵀ, but X is data, not a "
            "parameter, so the backward walk ends at ∂J/∂W1."
        ).format(l=l, delta=delta.symbol)

    def why(self, step, op):
        first, second = op.operands
        if first.transposed:  # ∂J/∂W = aᵀ·δ
            a = display_name(first.name)
            return _(
                "{result} has W{l}'s shape {shape}, which is why {a} is transposed and put on "
                "the left: {a}ᵀ·{second} is ({first_shape})·({second_shape}) → {shape} — "
                "the inner dimensions ({inner}, the observations) cancel, so the product sums over the batch."
            ).format(
                result=op.symbol,
                l=step.layer,
                shape=dims(op.shape),
                a=a,
                second=second.symbol,
                first_shape=dims(first.shape),
                second_shape=dims(second.shape),
                inner=first.shape[1],
            )
        a = display_name(op.result)[4:]  # ∂J/∂a2 → a2
        return _(
            "{result} has {a}'s shape {shape}, so W{l} is transposed and goes on the right: "
            "{first}·{second} is ({first_shape})·({second_shape}) → {shape} — "
            "the inner dimensions ({inner}, the units of layer {next}) cancel."
        ).format(
            result=op.symbol,
            a=a,
            shape=dims(op.shape),
            l=step.layer,
            first=first.symbol,
            second=second.symbol,
            first_shape=dims(first.shape),
            second_shape=dims(second.shape),
            inner=first.shape[1],
            next=step.layer + 1,
        )

    def arrangements(self, step, op):
        # The four ways to put the two stored matrices together with one transpose; the right one's place
        # varies with the layer and the result, so that "always 1" is not a strategy.
        first, second = op.operands
        a, b = display_name(first.name), display_name(second.name)
        options = [f"{a}ᵀ · {b}", f"{b}ᵀ · {a}", f"{a} · {b}ᵀ", f"{b} · {a}ᵀ"]
        right = op.expression().replace(" ", "")
        shift = (step.layer + len(op.result)) % len(options)
        options = options[shift:] + options[:shift]
        return tuple(options), next(k for k, o in enumerate(options) if o.replace(" ", "") == right)

    def note(self, step, op, decimals):
        first, second = op.operands
        if first.transposed:
            a = display_name(first.name)
            return _("{a}ᵀ[1,i] = {a}[i,1]: one term per observation").format(a=a)
        w = display_name(second.name)
        return f"{w}ᵀ[j,1] = {w}[1,j]"


# --- update -----------------------------------------------------------------------------------------


class Update(GateKind):
    key, phase, gate, node_prefix = "update", "update", "update", "update"
    label = N_("update")

    def build(self, walk, layer):
        k, eta = layer - 1, walk.facts.eta
        ops = tuple(
            Operation(
                f"{kind}{layer}",
                new[k],
                UPDATE,
                (Operand(f"{kind}{layer}", old[k], AS_IS), Operand(f"dJ_d{kind}{layer}", grad[k])),
                coefficient=eta,
                symbol_override=f"new {kind}{layer}",
            )
            for kind, old, new, grad in (
                ("W", walk.params.weights, walk.new.weights, walk.p.grad_w),
                ("b", walk.params.biases, walk.new.biases, walk.p.grad_b),
            )
        )
        return ops, {}

    def title(self, step):
        return _("update: W{l} and b{l}").format(l=step.layer)

    def equation(self, step):
        return super().equation(step) + f"   (η = {step.facts.eta:g})"

    def explanation(self, step):
        return _(
            "Gradient descent: each weight moves a step of size η against its gradient, downhill on J. "
            "All gradients were computed with the weights as they were at the start of this epoch."
        )

    def why(self, step, op):
        return _(
            "W ← W − η·∂J/∂W subtracts a gradient of the same shape, so the {result} has the parameter's shape {shape}."
        ).format(result=op.symbol, shape=dims(op.shape))

    def note(self, step, op, decimals):
        return f"η = {step.facts.eta:g}"


class LogCost(Cost):
    """Cross-entropy after softmax, or binary cross-entropy after a sigmoid: the mean over the batch."""

    key = "log_cost"

    def build(self, walk, layer):
        f = walk.facts
        op = Operation(
            "J",
            np.array([[walk.p.cost]]),
            COST,
            (Operand("y", walk.y), Operand("yhat", walk.p.activations[-1])),
            function=f.cost,
            coefficient=1.0 / f.m,
        )
        return (op,), {}

    def explanation(self, step):
        m = step.facts.m
        if step.facts.cost == "cross_entropy":
            return ngettext(
                "Cross-entropy: for each observation, minus the log of the probability the network gave the "
                "right class (weighted by y), averaged over the {m} observation. It is computed from z "
                "as log ŷ = z − log Σ eᶻ, so a probability that rounds to 0 never reaches the log.",
                "Cross-entropy: for each observation, minus the log of the probability the network gave the "
                "right class (weighted by y), averaged over the {m} observations. It is computed from z "
                "as log ŷ = z − log Σ eᶻ, so a probability that rounds to 0 never reaches the log.",
                m,
            ).format(m=m)
        return ngettext(
            "Binary cross-entropy: minus the log of the probability given to what happened (ŷ for a 1, "
            "1 − ŷ for a 0), averaged over the {m} observation. It is computed from z as "
            "log(1 + eᶻ) − y·z, so a ŷ that rounds to 0 or 1 never reaches the log.",
            "Binary cross-entropy: minus the log of the probability given to what happened (ŷ for a 1, "
            "1 − ŷ for a 0), averaged over the {m} observations. It is computed from z as "
            "log(1 + eᶻ) − y·z, so a ŷ that rounds to 0 or 1 never reaches the log.",
            m,
        ).format(m=m)

    def why(self, step, op):
        return _("The cost is a single number, 1×1: the log terms of every observation are averaged into one J.")

    def note(self, step, op, decimals):
        return _("m = {m}; entries with y = 0 add nothing").format(m=step.facts.m)


class FusedDelta(GateKind):
    """δ at the output of softmax + cross-entropy (or sigmoid + binary cross-entropy) in one step."""

    key, phase, gate, node_prefix = "fused_delta", "backward", "fused", "act"
    label = N_("fused softmax/sigmoid and cost")

    def build(self, walk, layer):
        f = walk.facts
        op = Operation(
            f"delta{layer + 1}",
            walk.p.deltas[layer - 1],
            ELEMENTWISE,
            (Operand("y", walk.y), Operand("yhat", walk.p.activations[-1])),
            coefficient=1.0 / f.m,
            difference=True,
        )
        return (op,), {}

    def title(self, step):
        return _("fused: {result} = (ŷ − y) / m").format(result=step.operations[0].symbol)

    def equation(self, step):
        return f"{step.operations[0].symbol} = ∂J/∂z{step.layer + 1} = (ŷ − y) / m"

    def explanation(self, step):
        sym = step.operations[0].symbol
        if step.facts.cost == "cross_entropy":
            why = _(
                "softmax's derivative is a Jacobian per observation, ∂ŷᵢ/∂zⱼ = ŷᵢ(1[i = j] − ŷⱼ); multiplied by "
                "∂J/∂ŷᵢ = −yᵢ/(m ŷᵢ) and summed over i it gives (ŷⱼ Σᵢ yᵢ − yⱼ)/m, and Σᵢ yᵢ = 1"
            )
        else:
            why = _("σ'(z) = ŷ(1 − ŷ) cancels the denominator of ∂J/∂ŷ = (ŷ − y)/(m ŷ(1 − ŷ))")
        return _(
            "The output activation and the cost are differentiated together: {why}. So {result} is the "
            "prediction minus the target, divided by m because the cost is an average — no product with "
            "f', and nothing that can overflow where ŷ is 0 or 1."
        ).format(why=why, result=sym)

    def why(self, step, op):
        return _(
            "{result} = ∂J/∂z{next} has z{next}'s shape, which is ŷ's: one entry per "
            "observation and output, {shape}; (ŷ − y)/m is taken entry by entry."
        ).format(result=op.symbol, next=step.layer + 1, shape=dims(op.shape))

    def note(self, step, op, decimals):
        return _("−(y − ŷ)/m is (ŷ − y)/m, m = {m}").format(m=step.facts.m)


class OptimizerUpdate(GateKind):
    """The update by momentum or Adam: the optimizer's memory first, then each parameter."""

    key, phase, gate, node_prefix = "optimizer_update", "update", "update", "update"
    label = N_("update")

    def build(self, walk, layer):
        k, opt, eta = layer - 1, walk.facts.optimizer, walk.facts.eta
        before, after = walk.state_before, walk.state_after
        ops: list[Operation] = []
        for kind, old, new, grad in (
            ("W", walk.params.weights, walk.new.weights, walk.p.grad_w),
            ("b", walk.params.biases, walk.new.biases, walk.p.grad_b),
        ):
            theta = f"{kind}{layer}"
            g = Operand(f"dJ_d{theta}", grad[k])

            def slot(name: str, state: OptState, kind: str = kind) -> Array:
                p = state.slots[name]
                return (p.weights if kind == "W" else p.biases)[k]

            if opt.name == "momentum":
                v = f"v_{theta}"
                ops.append(
                    Operation(
                        v,
                        slot("v", after),
                        UPDATE,
                        (Operand(v, slot("v", before)), g),
                        weights=((opt.momentum, "μ"), (1.0, "")),
                        symbol_override=f"new {v}",
                    )
                )
                ops.append(
                    Operation(
                        theta,
                        new[k],
                        UPDATE,
                        (Operand(theta, old[k]), Operand(v, slot("v", after))),
                        weights=((1.0, ""), (-eta, "η")),
                        symbol_override=f"new {theta}",
                    )
                )
            else:
                m_name, s_name = f"m_{theta}", f"s_{theta}"
                ops.append(
                    Operation(
                        m_name,
                        slot("m", after),
                        UPDATE,
                        (Operand(m_name, slot("m", before)), g),
                        weights=((opt.beta1, "β1"), (1 - opt.beta1, "(1 − β1)")),
                        symbol_override=f"new {m_name}",
                    )
                )
                ops.append(
                    Operation(
                        s_name,
                        slot("s", after),
                        UPDATE,
                        (Operand(s_name, slot("s", before)), Operand(g.name, g.matrix, SQUARED)),
                        weights=((opt.beta2, "β2"), (1 - opt.beta2, "(1 − β2)")),
                        symbol_override=f"new {s_name}",
                    )
                )
                t = after.t
                ops.append(
                    Operation(
                        theta,
                        new[k],
                        UPDATE,
                        (Operand(theta, old[k]), Operand(m_name, slot("m", after)), Operand(s_name, slot("s", after))),
                        coefficient=eta,
                        adam=(1 - opt.beta1**t, 1 - opt.beta2**t, opt.eps, t),
                        symbol_override=f"new {theta}",
                    )
                )
        return tuple(ops), {}

    def inputs(self, step):
        # What the update starts from: each parameter, its gradient and the optimizer's memory as it was.
        out: dict[str, Array] = {}
        results = {op.result for op in step.operations}
        for op in step.operations:
            for o in op.operands:
                if o.name not in results or o is op.operands[0]:
                    out.setdefault(o.name, o.matrix)
        return out

    def title(self, step):
        return _("update ({optimizer}): W{l} and b{l}").format(optimizer=step.facts.optimizer.name, l=step.layer)

    def equation(self, step):
        opt, l, eta = step.facts.optimizer, step.layer, step.facts.eta
        if opt.name == "momentum":
            return _("v ← μ v + ∂J/∂θ,  θ ← θ − η v   for θ = W{l}, b{l}  (μ = {mu}, η = {eta})").format(
                l=l, mu=f"{opt.momentum:g}", eta=f"{eta:g}"
            )
        t = next(op.adam for op in step.operations if op.adam)
        return _(
            "m ← β1 m + (1 − β1) ∂J/∂θ,  s ← β2 s + (1 − β2) (∂J/∂θ)²,  "
            "θ ← θ − η (m / (1 − β1ᵗ)) / (√(s / (1 − β2ᵗ)) + ε)   for θ = W{l}, b{l}  "
            "(t = {t}, β1 = {beta1}, β2 = {beta2}, ε = {eps}, η = {eta})"
        ).format(l=l, t=t[3], beta1=f"{opt.beta1:g}", beta2=f"{opt.beta2:g}", eps=f"{opt.eps:g}", eta=f"{eta:g}")

    def explanation(self, step):
        if step.facts.optimizer.name == "momentum":
            return _(
                "Momentum: v is a running sum of past gradients, each older one weighted by a further μ. "
                "Steps grow while the gradients agree and cancel where they zig-zag. v started at 0. "
                "All gradients were computed with the weights as they were at the start of this epoch."
            )
        return _(
            "Adam: m is a running mean of the gradient, s of its square; dividing by 1 − βᵗ undoes their "
            "start at 0. Each entry moves about η against the sign of its mean gradient, however large or "
            "small the gradient itself."
        )

    def why(self, step, op):
        return _("Every term has the shape of the parameter it belongs to, so {result} is {shape}.").format(
            result=op.symbol, shape=dims(op.shape)
        )

    def note(self, step, op, decimals):
        return f"η = {step.facts.eta:g}"


PRODUCT, BIAS_ADD, ACTIVATION, COST_GATE = Product(), BiasAdd(), Activation(), Cost()
LOG_COST, FUSED_DELTA, OPTIMIZER_UPDATE = LogCost(), FusedDelta(), OptimizerUpdate()
COST_PRIME, F_PRIME, BIAS_GRADIENT, PRODUCT_GRADIENTS = CostPrime(), FPrime(), BiasGradient(), ProductGradients()
UPDATE_GATE = Update()
KINDS: tuple[GateKind, ...] = (
    PRODUCT,
    BIAS_ADD,
    ACTIVATION,
    COST_GATE,
    COST_PRIME,
    F_PRIME,
    BIAS_GRADIENT,
    PRODUCT_GRADIENTS,
    UPDATE_GATE,
    LOG_COST,
    FUSED_DELTA,
    OPTIMIZER_UPDATE,
)


def _dead_units(act: str, context: dict[str, Array], layer: int) -> str:
    """A sentence naming the relu units whose f' is 0 for the whole batch, or nothing."""
    if act != "relu":
        return ""
    z = context[f"z{layer}"]
    dead = [j + 1 for j in np.flatnonzero(dead_units(z)[0])]
    if not dead:
        return ""
    units = ", ".join(str(j) for j in dead)
    return ngettext(
        " Unit {units} of layer {layer} is dead: z ≤ 0 for every observation, so relu' = 0 and its column of "
        "δ{layer} is exactly zero — no gradient reaches the weights feeding it, and they will not change.",
        " Units {units} of layer {layer} are dead: z ≤ 0 for every observation, so relu' = 0 and their column of "
        "δ{layer} is exactly zero — no gradient reaches the weights feeding it, and they will not change.",
        len(dead),
    ).format(units=units, layer=layer)
