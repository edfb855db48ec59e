"""The operations a gate performs, as data: operands as they enter, shape algebra, equation, scalar expansion.

An Operation is one result of one gate: `∂J/∂W2 = a2ᵀ · δ3` is a matmul of the operand a2 (entering
transposed) and δ3. Everything a view prints about it — the shape line `(3×4)·(4×1) → 3×1`, the equation,
the sum behind any entry with the numbers plugged in — is rendered from these fields, never parsed back
from text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Container
from dataclasses import dataclass

import numpy as np

from ..notation import dims, display_name, factor_number, signed_number
from .activations import ACTIVATIONS

Array = np.ndarray

# How an operand enters its operation.
AS_IS = "as_is"
TRANSPOSED = "transposed"
BROADCAST = "broadcast"  # a bias row, repeated over the batch
ONES = "ones"  # 1ᵀ: the row of m ones that sums a gradient over the batch
SQUARED = "squared"  # entry by entry squared (Adam's second moment)

# Operation kinds (the JSON trace's "op").
MATMUL, ADD, ELEMENTWISE, APPLY, SUM_ROWS, UPDATE, COST = (
    "matmul",
    "add",
    "elementwise",
    "apply",
    "sum_rows",
    "update",
    "cost",
)

# The symbol each activation has in an equation; f′ of it is written with a prime.
FUNCTION_SYMBOL = {"sigmoid": "σ", "tanh": "tanh", "relu": "relu", "identity": "id"}

# Functions of one entry besides the activations: the logs of the cross-entropy costs.
SCALAR_FUNCTIONS = {"log": math.log, "log1m": lambda v: math.log1p(-v), "one_minus": lambda v: 1.0 - v}
FUNCTION_FORM = {
    "sigmoid": "σ({})",
    "tanh": "tanh({})",
    "relu": "relu({})",
    "identity": "id({})",
    "log": "log({})",
    "log1m": "log(1 − {})",
    "one_minus": "(1 − {})",
}

# An activation of a number, written so a reader can evaluate it by hand.
FUNCTION_NUMBERS = {
    "sigmoid": lambda z: f"1/(1 + e^({z[1:] if z.startswith('−') else '−' + z}))",
    "tanh": lambda z: f"tanh({z})",
    "relu": lambda z: f"max(0, {z})",
    "identity": lambda z: z,
    "log": lambda v: f"log({v})",
    "log1m": lambda v: f"log(1 − {v})",
    "one_minus": lambda v: f"(1 − {v})",
}

Shape = tuple[int, int]

# The cross-entropy costs, as their equation reads (the cost op's `function`; coefficient 1/m).
LOG_COSTS = {
    "cross_entropy": "−(1/m) Σ y · log ŷ",
    "binary_cross_entropy": "−(1/m) Σ [y log ŷ + (1 − y) log(1 − ŷ)]",
}

BLANK = "____"  # a number left for the student


@dataclass(frozen=True, eq=False)
class Operand:
    name: str  # ASCII, as in the JSON trace: X, a2, delta3, W2, ones, fprime_z2
    matrix: Array  # as stored
    how: str = AS_IS

    @property
    def transposed(self) -> bool:
        return self.how == TRANSPOSED

    @property
    def symbol(self) -> str:
        if self.how == ONES:
            return "1ᵀ"
        if self.how == SQUARED:
            return f"({display_name(self.name)})²"
        return display_name(self.name) + ("ᵀ" if self.transposed else "")

    @property
    def shape(self) -> Shape:
        """The shape as it enters: a2 (4×3) transposed enters as 3×4."""
        r, c = self.matrix.shape
        return (c, r) if self.transposed else (r, c)

    @property
    def entered(self) -> Array:
        if self.how == SQUARED:
            return self.matrix * self.matrix
        return self.matrix.T if self.transposed else self.matrix

    def stored_index(self, i: int, j: int) -> tuple[int, int]:
        """Where entry [i, j] of the operand as it enters lives in the matrix as stored (0-based)."""
        if self.transposed:
            return j, i
        if self.how == BROADCAST:
            return 0, j
        return i, j

    def factor(self, i: int, j: int, function: str | None = None) -> Factor:
        r, c = self.stored_index(i, j)
        return Factor(self.name, (r, c), float(self.matrix[r, c]), function)

    def json(self) -> dict:
        return {"name": self.name, "transpose": self.transposed, "shape": list(self.shape)}


@dataclass(frozen=True)
class Factor:
    """One entry of a named matrix (0-based index as stored), optionally passed through a function."""

    name: str
    index: tuple[int, int]
    value: float
    function: str | None = None

    @property
    def result(self) -> float:
        if self.function is None:
            return self.value
        if self.function in SCALAR_FUNCTIONS:
            return SCALAR_FUNCTIONS[self.function](self.value)
        return float(ACTIVATIONS[self.function][0](np.array([[self.value]]))[0, 0])

    def symbol(self) -> str:
        entry = f"{display_name(self.name)}[{self.index[0] + 1},{self.index[1] + 1}]"
        return FUNCTION_FORM[self.function].format(entry) if self.function else entry

    def numbers(self, decimals: int, first: bool, hidden: bool = False) -> str:
        """The entry's number (in parentheses when negative, unless it leads), through its function if any;
        `hidden`: a blank for the student to fill in."""
        if hidden:
            return FUNCTION_NUMBERS[self.function](BLANK) if self.function else BLANK
        if self.function is None:
            return signed_number(self.value, decimals) if first else factor_number(self.value, decimals)
        return FUNCTION_NUMBERS[self.function](signed_number(self.value, decimals))

    def json(self) -> dict:
        return {
            "name": self.name,
            "index": [self.index[0] + 1, self.index[1] + 1],
            "value": self.value,
            "function": self.function,
        }


@dataclass(frozen=True)
class Term:
    coefficient: float
    factors: tuple[Factor, ...]
    symbol: str = ""  # how the coefficient's magnitude is written in symbols (η), if not as a number

    @property
    def value(self) -> float:
        return self.coefficient * math.prod(f.result for f in self.factors)

    def json(self) -> dict:
        return {"coefficient": self.coefficient, "factors": [f.json() for f in self.factors], "value": self.value}


MAX_TERMS = 8  # a longer sum shows its first three terms, "…" and the last


def sum_text(parts: list[tuple[bool, str]]) -> str:
    """Terms (negative?, text) joined with their signs: `a + b − c`, abbreviated when long."""
    if len(parts) > MAX_TERMS:
        parts = [*parts[:3], (False, "…"), parts[-1]]
    out = ("−" if parts[0][0] else "") + parts[0][1]
    for negative, body in parts[1:]:
        out += (" − " if negative else " + ") + body
    return out


def _coefficient(c: float, digits: int = 6) -> str:
    return "" if abs(c) == 1 else f"{abs(c):.{digits}g}·"


@dataclass(frozen=True)
class Expansion:
    """Entry [i, j] of a result as a sum of terms, each a coefficient times entries of other matrices."""

    name: str
    index: tuple[int, int]  # 0-based
    value: float  # the engine's entry
    equation: str  # in symbols, e.g. ∂J/∂W2[1,1] = Σᵢ a2[i,1]·δ3[i,1]
    terms: tuple[Term, ...] | None  # None: the cost, given by value and equation alone
    squares: tuple[tuple[float, float], ...] = ()  # the cost's (y, ŷ) pairs
    scale: float = 1.0  # the cost's factor in front of the sum of squares
    square_names: tuple[str, str] = ("y", "yhat")  # the cost's two operands
    arrow: str = "="
    # Entries that are no sum of products (softmax, Adam's step): the value recomputed from the
    # entries the equation names, and those entries written into it, given the decimals.
    direct: float | None = None
    written: Callable[[int], str] | None = None

    @property
    def label(self) -> str:
        if self.name == "J":
            return "J"
        return f"{display_name(self.name)}[{self.index[0] + 1},{self.index[1] + 1}]"

    @property
    def total(self) -> float:
        """Σ of the terms (for the cost: scale·Σ (y − ŷ)²) — equal to `value` up to rounding."""
        if self.direct is not None:
            return self.direct
        if self.terms is None:
            return self.scale * sum((y - yhat) ** 2 for y, yhat in self.squares)
        return math.fsum(t.value for t in self.terms)

    def symbols(self) -> str:
        """The right-hand side written with every entry by name."""
        if self.terms is None:
            return self.equation.split(f" {self.arrow} ", 1)[1]
        return sum_text(
            [
                (
                    t.coefficient < 0,
                    (f"{t.symbol}·" if t.symbol else _coefficient(t.coefficient))
                    + "·".join(f.symbol() for f in t.factors),
                )
                for t in self.terms
            ]
        )

    def numbers(self, decimals: int, hide: Container[str] = ()) -> str:
        """The right-hand side with the numbers plugged in (negative factors in parentheses, but a leading one);
        entries of the matrices named in `hide` are left blank."""
        if self.written is not None:
            return BLANK if hide else self.written(decimals)
        if self.terms is None:
            y_name, yhat_name = self.square_names

            def shown(name: str, v: float, first: bool) -> str:
                if name in hide:
                    return BLANK
                return signed_number(v, decimals) if first else factor_number(v, decimals)

            squares = [
                (False, f"({shown(y_name, y, True)} − {shown(yhat_name, yhat, False)})²") for y, yhat in self.squares
            ]
            scale = "½" if self.scale == 0.5 else f"(1/(2·{round(0.5 / self.scale)}))"
            return f"{scale}·({sum_text(squares)})"
        parts = []
        for k, t in enumerate(self.terms):
            lead = k == 0 and t.coefficient == 1
            body = "·".join(
                f.numbers(decimals, first=lead and n == 0, hidden=f.name in hide) for n, f in enumerate(t.factors)
            )
            parts.append((t.coefficient < 0, _coefficient(t.coefficient, max(6, decimals + 2)) + body))
        return sum_text(parts)

    def json(self) -> dict:
        doc = {
            "name": self.name,
            "index": [self.index[0] + 1, self.index[1] + 1],
            "value": self.value,
            "equation": self.equation,
        }
        if self.terms is not None:
            doc["terms"] = [t.json() for t in self.terms]
        return doc


@dataclass(frozen=True, eq=False)
class Operation:
    """One result of a gate and how it is computed from its operands."""

    result: str  # ASCII name of the result
    value: Array
    op: str  # MATMUL | ADD | ELEMENTWISE | APPLY | SUM_ROWS | UPDATE | COST
    operands: tuple[Operand, ...]
    function: str | None = None  # APPLY: the activation
    coefficient: float = 1.0  # COST: the factor before Σ; ELEMENTWISE difference: c in c·(ŷ − y); UPDATE: η
    difference: bool = False  # ELEMENTWISE: c·(second − first) instead of first ⊙ second
    symbol_override: str | None = None  # the result's symbol when it is not its display name (the new W2)
    # UPDATE with other weights than θ − η·g: per operand (coefficient, how it is written), e.g. momentum's
    # v ← μ·v + g is ((μ, "μ"), (1, "")).
    weights: tuple[tuple[float, str], ...] = ()
    adam: tuple[float, float, float, int] | None = (
        None  # a parameter's Adam step: (1 − β1ᵗ, 1 − β2ᵗ, ε, t); η is coefficient
    )

    # --- shapes -------------------------------------------------------------------------------

    @property
    def shape(self) -> Shape:
        r, c = self.value.shape
        return r, c

    def shape_algebra(self) -> tuple[tuple[Shape, ...], Shape]:
        """Operand shapes as they enter → the result's shape."""
        return tuple(o.shape for o in self.operands), self.shape

    def shapes_text(self, result: str | None = None) -> str:
        """`(3×4)·(4×1) → 3×1`; `result` replaces the result's shape (a quiz's '?')."""
        ins, out = self.shape_algebra()
        out_text = dims(out) if result is None else result
        d = [dims(s) for s in ins]
        if self.op in (MATMUL, SUM_ROWS):
            return f"({d[0]})·({d[1]}) → {out_text}"
        if self.op == ADD:
            return f"({d[0]})+({d[1]}) → {out_text}"
        if self.op == APPLY:  # a masked shape keeps "(element-wise)" back: it gives the answer away
            return f"f({d[0]}) → {out_text}" + (" (element-wise)" if result is None else "")
        if self.op == ELEMENTWISE:
            joint = "−" if self.difference else "⊙"
            return f"({d[0]}){joint}({d[1]}) → {out_text}"
        if self.op == UPDATE:  # the parameter has the result's shape: masked with it
            first = d[0] if result is None else result
            if self.adam:
                return f"({first}) − η·({d[1]})/(√({d[2]}) + ε) → {out_text}"
            if self.weights:
                parts = [(w < 0, f"{sym}·({x})" if sym else f"({x})") for (w, sym), x in zip(self.weights, d)]
                parts[0] = (parts[0][0], parts[0][1].replace(d[0], first, 1))
                return f"{sum_text(parts)} → {out_text}"
            return f"({first}) − η·({d[1]}) → {out_text}"
        return f"({d[0]}),({d[1]}) → {out_text}"  # COST

    # --- equation -----------------------------------------------------------------------------

    @property
    def symbol(self) -> str:
        return self.symbol_override or display_name(self.result)

    def expression(self) -> str:
        """The right-hand side in symbols: `a2ᵀ · δ3`."""
        s = [o.symbol for o in self.operands]
        if self.op in (MATMUL, SUM_ROWS):
            return f"{s[0]} · {s[1]}"
        if self.op == ADD:
            return f"{s[0]} + {s[1]}"
        if self.op == APPLY:
            return f"f({s[0]})"
        if self.op == ELEMENTWISE:
            if self.difference:
                scale = "" if self.coefficient == 1 else " / m"
                return f"−({s[0]} − {s[1]}){scale}"
            return f"{s[0]} ⊙ {s[1]}"
        if self.op == UPDATE:
            if self.adam:
                return f"{s[0]} − η · ({s[1]} / (1 − β1ᵗ)) / (√({s[2]} / (1 − β2ᵗ)) + ε)"
            if self.weights:
                return sum_text([(w < 0, f"{sym} · {x}" if sym else x) for (w, sym), x in zip(self.weights, s)])
            return f"{s[0]} − η · {s[1]}"
        if self.function in LOG_COSTS:
            return LOG_COSTS[self.function]
        half = "½" if self.coefficient == 0.5 else "1/(2m)"
        return f"{half} Σ ({s[0]} − {s[1]})²"

    def equation(self) -> str:
        arrow = "←" if self.op == UPDATE else "="
        lhs = display_name(self.result) if self.op == UPDATE else self.symbol
        return f"{lhs} {arrow} {self.expression()}"

    # --- one entry as a scalar sum --------------------------------------------------------------

    def expand(self, i: int, j: int) -> Expansion:
        """Entry [i, j] (0-based) of the result written out; its terms add up to the entry."""
        r, c = self.shape
        if not (0 <= i < r and 0 <= j < c):
            raise IndexError(f"{display_name(self.result)} is {dims(self.shape)}: no entry [{i + 1},{j + 1}]")
        value = float(self.value[i, j])
        a = self.operands[0]
        b = self.operands[1] if len(self.operands) > 1 else None
        lhs = f"{display_name(self.result)}[{i + 1},{j + 1}]"
        if self.op == MATMUL:
            inner = a.shape[1]
            terms = tuple(Term(1.0, (a.factor(i, k), b.factor(k, j))) for k in range(inner))
            ai, bj = _generic(a, i, "k", row=True), _generic(b, j, "k", row=False)
            eq = f"{lhs} = Σₖ {ai}·{bj}"
        elif self.op == SUM_ROWS:
            terms = tuple(Term(1.0, (b.factor(k, j),)) for k in range(b.shape[0]))
            eq = f"{lhs} = Σᵢ {display_name(b.name)}[i,{j + 1}]"
        elif self.op == ADD:
            terms = (Term(1.0, (a.factor(i, j),)), Term(1.0, (b.factor(i, j),)))
            eq = f"{lhs} = {a.factor(i, j).symbol()} + {b.factor(i, j).symbol()}"
        elif self.op == APPLY and self.function == "softmax":
            return self._expand_softmax(i, j, value, lhs)
        elif self.op == APPLY:
            terms = (Term(1.0, (a.factor(i, j, self.function),)),)
            eq = f"{lhs} = {terms[0].factors[0].symbol()}"
        elif self.op == ELEMENTWISE and self.difference:
            y, yhat = a.factor(i, j), b.factor(i, j)
            terms = (Term(self.coefficient, (yhat,)), Term(-self.coefficient, (y,)))
            eq = f"{lhs} = −({y.symbol()} − {yhat.symbol()})" + ("" if self.coefficient == 1 else " / m")
        elif self.op == ELEMENTWISE:
            terms = (Term(1.0, (a.factor(i, j), b.factor(i, j))),)
            eq = f"{lhs} = {a.factor(i, j).symbol()}·{b.factor(i, j).symbol()}"
        elif self.op == UPDATE and self.adam:
            return self._expand_adam(i, j, value, lhs)
        elif self.op == UPDATE and self.weights:
            terms = tuple(
                Term(w, (o.factor(i, j),) * (2 if o.how == SQUARED else 1), sym)
                for (w, sym), o in zip(self.weights, self.operands)
            )
            rhs = Expansion(self.result, (i, j), value, "", terms).symbols()
            return Expansion(self.result, (i, j), value, f"{lhs} ← {rhs}", terms, arrow="←")
        elif self.op == UPDATE:
            terms = (Term(1.0, (a.factor(i, j),)), Term(-self.coefficient, (b.factor(i, j),), "η"))
            eq = f"{lhs} ← {a.factor(i, j).symbol()} − η·{b.factor(i, j).symbol()}   (η = {self.coefficient:g})"
            return Expansion(self.result, (i, j), value, eq, terms, arrow="←")
        elif self.function in LOG_COSTS:
            return self._expand_log_cost(value)
        else:  # COST
            pairs = tuple(zip(a.matrix.ravel().tolist(), b.matrix.ravel().tolist()))
            half = "½" if self.coefficient == 0.5 else "1/(2m)"
            n = len(pairs)
            eq = f"J = {half}·Σ (y[i,j] − ŷ[i,j])², over all {n} entr{'y' if n == 1 else 'ies'}"
            return Expansion(self.result, (0, 0), value, eq, None, pairs, self.coefficient, (a.name, b.name))
        return Expansion(self.result, (i, j), value, eq, terms)

    def _expand_softmax(self, i: int, j: int, value: float, lhs: str) -> Expansion:
        z = self.operands[0]
        row = [float(v) for v in z.matrix[i]]
        top = max(row)  # shifted by the row's largest entry, as the engine computes it
        direct = math.exp(row[j] - top) / math.fsum(math.exp(v - top) for v in row)
        name = display_name(z.name)
        eq = f"{lhs} = e^({name}[{i + 1},{j + 1}]) / Σₖ e^({name}[{i + 1},k])"

        def written(d: int) -> str:
            exps = " + ".join(f"e^({signed_number(v, d)})" for v in row)
            return f"e^({signed_number(row[j], d)}) / ({exps})"

        return Expansion(self.result, (i, j), value, eq, None, direct=direct, written=written)

    def _expand_adam(self, i: int, j: int, value: float, lhs: str) -> Expansion:
        theta, m, s = (o.factor(i, j) for o in self.operands)
        c1, c2, eps, _ = self.adam
        eta = self.coefficient
        direct = theta.value - eta * (m.value / c1) / (math.sqrt(s.value / c2) + eps)
        eq = f"{lhs} ← {theta.symbol()} − η·({m.symbol()} / (1 − β1ᵗ)) / (√({s.symbol()} / (1 − β2ᵗ)) + ε)"

        def written(d: int) -> str:
            return (
                f"{signed_number(theta.value, d)} − {eta:g}·({factor_number(m.value, d)} / {c1:.6g}) / "
                f"(√({signed_number(s.value, d + 4)} / {c2:.6g}) + {eps:g})"
            )

        return Expansion(self.result, (i, j), value, eq, None, arrow="←", direct=direct, written=written)

    def _expand_log_cost(self, value: float) -> Expansion:
        """J = −(1/m) Σ y·log ŷ (and (1 − y)·log(1 − ŷ) for binary): a term for every entry that counts."""
        y, yhat = self.operands
        c = -self.coefficient
        terms: list[Term] = []
        for idx in np.ndindex(y.matrix.shape):
            t, p = y.factor(*idx), yhat.factor(*idx)
            if t.value != 0:
                terms.append(Term(c, (t, Factor(p.name, p.index, p.value, "log")), "1/m"))
            if self.function == "binary_cross_entropy" and t.value != 1:
                terms.append(
                    Term(
                        c,
                        (Factor(t.name, t.index, t.value, "one_minus"), Factor(p.name, p.index, p.value, "log1m")),
                        "1/m",
                    )
                )
        n = y.matrix.size
        eq = f"J = {LOG_COSTS[self.function]}, over all {n} entr{'y' if n == 1 else 'ies'}"
        return Expansion(self.result, (0, 0), value, eq, tuple(terms))

    def json(self) -> dict:
        return {
            "result": self.result,
            "op": self.op,
            "operands": [o.json() for o in self.operands],
            "shape": list(self.shape),
        }


def _generic(o: Operand, fixed: int, index: str, row: bool) -> str:
    """`a2[k,1]` for entry (fixed, k) of a2ᵀ: the operand's entry with the summed index named, as stored."""
    r, c = (fixed, None) if row else (None, fixed)
    if o.transposed:
        r, c = c, r
    rs = index if r is None else str(r + 1)
    cs = index if c is None else str(c + 1)
    return f"{display_name(o.name)}[{rs},{cs}]"
