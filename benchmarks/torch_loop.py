"""The same XOR [2, 3, 1] training as numpy_loop.py, with PyTorch autograd in float64.

Only run when `import torch` works. Prints the final epoch's cost.

    python benchmarks/torch_loop.py [EPOCHS]      (default 20000)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch
from numpy_loop import load


def main(argv: list[str]) -> int:
    epochs = int(argv[0]) if argv else 20000
    torch.set_num_threads(1)
    X, y, *params, lr = load()
    X, y = torch.from_numpy(X), torch.from_numpy(y)
    W1, b1, W2, b2 = (torch.from_numpy(p).requires_grad_() for p in params)
    costs = []
    for _ in range(epochs):
        yhat = torch.sigmoid(torch.sigmoid(X @ W1 + b1) @ W2 + b2)
        cost = 0.5 * ((y - yhat) ** 2).sum()
        costs.append(cost.item())
        for p in (W1, b1, W2, b2):
            p.grad = None
        cost.backward()
        with torch.no_grad():
            for p in (W1, b1, W2, b2):
                p -= lr * p.grad
    print(f"epoch {epochs} J = {costs[-1]:.8g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
