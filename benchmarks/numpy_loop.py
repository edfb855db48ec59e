"""The baseline for `backprop-tui train xor`: the same maths written by hand in numpy.

XOR [2, 3, 1], sigmoid everywhere, sse cost J = ½·Σ(y − ŷ)², full-batch gradient
descent from scenarios/xor.toml's weights and learning rate. Like the real train it
computes (and keeps) the cost of every epoch; it prints the final epoch's cost.

    python benchmarks/numpy_loop.py [EPOCHS]      (default 20000)
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import numpy as np

XOR = Path(__file__).resolve().parents[1] / "scenarios" / "xor.toml"


def load(path: Path = XOR):
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    a = lambda v: np.array(v, dtype=np.float64)  # noqa: E731
    d, w = doc["data"], doc["weights"]
    return a(d["X"]), a(d["y"]), a(w["W1"]), a(w["b1"]), a(w["W2"]), a(w["b2"]), float(doc["training"]["learning_rate"])


def main(argv: list[str]) -> int:
    epochs = int(argv[0]) if argv else 20000
    X, y, W1, b1, W2, b2, lr = load()
    costs = []
    for _ in range(epochs):
        a2 = 1.0 / (1.0 + np.exp(-(X @ W1 + b1)))
        yhat = 1.0 / (1.0 + np.exp(-(a2 @ W2 + b2)))
        r = y - yhat
        costs.append(0.5 * float(np.sum(r * r)))
        d3 = -r * yhat * (1.0 - yhat)
        d2 = (d3 @ W2.T) * a2 * (1.0 - a2)
        W2 = W2 - lr * (a2.T @ d3)
        b2 = b2 - lr * d3.sum(axis=0, keepdims=True)
        W1 = W1 - lr * (X.T @ d2)
        b1 = b1 - lr * d2.sum(axis=0, keepdims=True)
    print(f"epoch {epochs} J = {costs[-1]:.8g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
