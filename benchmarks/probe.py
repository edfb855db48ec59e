"""One measurement in a fresh process; run.py starts one of these per app per run.

    python benchmarks/probe.py step   --app baseline|ours [--scenario S] --presses N
        prints the CPU seconds per → press (time.process_time around N presses)
    python benchmarks/probe.py memory --epochs E [--scenario S]
        prints the peak RSS in KiB after stepping through E epochs of our app
    python benchmarks/probe.py profile --scenario S --presses N [--html FILE]
        pyinstrument profile of N presses in our app, printed as text

Output: one line of JSON on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (str(ROOT), str(ROOT / "benchmarks")):
    if p not in sys.path:
        sys.path.insert(0, p)

SIZE = (120, 40)
WARMUP = 5


def make_app(which: str, scenario: str | None):
    if which == "baseline":
        from baseline_app import BaselineApp

        return BaselineApp()
    from tui_backprop.app import BackpropApp

    return BackpropApp(scenario) if scenario else BackpropApp()


async def press_right(pilot, n: int) -> None:
    # The same for both apps: the key, then wait until idle and force the screen update
    # (Pilot.pause runs the compositor at once instead of on the next 60 fps tick).
    for _ in range(n):
        await pilot.press("right")
        await pilot.pause()


async def step_cost(which: str, scenario: str | None, presses: int) -> dict:
    app = make_app(which, scenario)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await press_right(pilot, WARMUP)
        t0 = time.process_time()
        await press_right(pilot, presses)
        cpu = time.process_time() - t0
    return {"cpu_per_key": cpu / presses, "presses": presses}


def find_session(app):
    """The app's core Session: app.session if it has one, else the first attribute that is one."""
    from tui_backprop.core import Session

    for owner in (app, app.screen, *app.screen.walk_children()):
        for name in ("session", "_session"):
            value = getattr(owner, name, None)
            if isinstance(value, Session):
                return value
        for value in vars(owner).values():
            if isinstance(value, Session):
                return value
    raise RuntimeError("could not find the app's Session (looked for app.session)")


async def memory(epochs: int, scenario: str | None) -> dict:
    """Step 1 epoch through Pilot, or ~2 through Pilot and the rest by moving the app's Session."""
    from tui_backprop.core.trace import steps_per_epoch

    app = make_app("ours", scenario)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        session = find_session(app)
        n = steps_per_epoch(len(session.scenario.params.weights))
        by_key = min(epochs, 2) * n
        await press_right(pilot, by_key)
        moved = 0
        for _ in range(epochs * n - by_key):
            if not session.move(+1):
                break
            moved += 1
        if moved:
            await press_right(pilot, 1)  # one more key: the app redraws from where the session stands
        epoch = session.position.epoch
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"peak_rss_kib": peak, "epoch": epoch, "keys": by_key + (1 if moved else 0), "moved": moved}


async def profile(which: str, scenario: str | None, presses: int, html: str | None) -> dict:
    from pyinstrument import Profiler

    app = make_app(which, scenario)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await press_right(pilot, WARMUP)
        profiler = Profiler(interval=0.0002, async_mode="disabled")
        profiler.start()
        await press_right(pilot, presses)
        profiler.stop()
    text = profiler.output_text(unicode=False, color=False, show_all=False)
    if html:
        Path(html).write_text(profiler.output_html(), encoding="utf-8")
    print(text, file=sys.stderr)
    return {"profile": "stderr"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=("step", "memory", "profile"))
    ap.add_argument("--app", choices=("baseline", "ours"), default="ours")
    ap.add_argument("--scenario")
    ap.add_argument("--presses", type=int, default=100)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--html")
    a = ap.parse_args(argv)
    if a.what == "step":
        out = asyncio.run(step_cost(a.app, a.scenario, a.presses))
    elif a.what == "memory":
        out = asyncio.run(memory(a.epochs, a.scenario))
    else:
        out = asyncio.run(profile(a.app, a.scenario, a.presses, a.html))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
