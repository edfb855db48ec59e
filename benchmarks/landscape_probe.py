"""The loss surface's cost: one vectorised pass over a K×K grid against evaluating the cost point by point.

    python benchmarks/landscape_probe.py [--size 41] [--repeat 5]

Prints one line of JSON: {"subject": s, "baseline": s}, each the median of `repeat` timings (seconds)
on sleep-study's W1[1,1] × W2[1,1]: subject the engine's landscape() (the grid, the −∇J and the
centre); baseline Network.cost at each grid point, the same numbers one at a time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tui_backprop.core import resolve  # noqa: E402
from tui_backprop.core.landscape import landscape, parse_entry, path_points, with_value  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=41)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    s = resolve("sleep-study")
    net, params = s.network(), s.params
    first, second = parse_entry("W1[1,1]", params), parse_entry("W2[1,1]", params)
    path = path_points(net, params, s.learning_rate, s.epochs, first, second)
    land = landscape(net, params, first, second, path, a.size)  # warm-up, and the grid for the baseline

    def loop() -> None:
        for y in land.ys:
            row = with_value(params, second, y)
            for x in land.xs:
                net.cost(with_value(row, first, x))

    subject, baseline = [], []
    for _ in range(a.repeat):
        t = time.perf_counter()
        landscape(net, params, first, second, path, a.size)
        subject.append(time.perf_counter() - t)
        t = time.perf_counter()
        loop()
        baseline.append(time.perf_counter() - t)
    print(json.dumps({"subject": statistics.median(subject), "baseline": statistics.median(baseline)}))


if __name__ == "__main__":
    main()
