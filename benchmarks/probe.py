"""One measurement in a fresh process; run.py starts one of these per app per run.

    python benchmarks/probe.py step   --app baseline|ours [--scenario S] --presses N
        prints the CPU seconds per → press (time.process_time around N presses)
    python benchmarks/probe.py memory --epochs E [--scenario S]
        prints the peak RSS in KiB after stepping through E epochs of our app
    python benchmarks/probe.py profile --scenario S --presses N [--html FILE]
        where N presses spend CPU in our app: per widget (render, measure), layouts and
        screen updates per key, then a pyinstrument tree (on stderr)
    python benchmarks/probe.py phases --app baseline|ours [--terminal --out FILE]
        launch phases up to the first screen update (ms from start), headless at 120×40 or,
        with --terminal, on the real terminal (run.py runs it inside tmux)

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

T_START = time.perf_counter()  # as early as this module can tell
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


def steps_taken(app) -> int | None:
    """How many steps our app's session stands from epoch 1, step 1 (None for the baseline)."""
    session = getattr(app, "session", None)
    if session is None:
        return app.count if hasattr(app, "count") else None
    return (session.position.epoch - 1) * session.n_steps + session.position.index - 1


async def step_cost(which: str, scenario: str | None, presses: int) -> dict:
    app = make_app(which, scenario)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await press_right(pilot, WARMUP)
        before = steps_taken(app)
        t0 = time.process_time()
        await press_right(pilot, presses)
        cpu = time.process_time() - t0
        moved = steps_taken(app) - before
    # Every key must have stepped: a key that only rang the bell would flatter the figure.
    return {"cpu_per_key": cpu / presses, "presses": presses, "moved": moved}


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
        n = steps_per_epoch(session.scenario)
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


def filter_tree(text: str, share: float = 0.03, max_lines: int = 45) -> str:
    """A pyinstrument text tree without the frames below `share` of the total."""
    import re

    total = None
    out = []
    for line in text.splitlines():
        m = re.search(r"(?<![\w.])(\d+\.\d+) ", line)
        if not m or "Duration" in line or "Recorded" in line:
            continue
        t = float(m.group(1))
        total = total or t
        if t >= share * total and "<frozen importlib" not in line:
            out.append(line.rstrip())
    return "\n".join(out[:max_lines])


class Breakdown:
    """CPU time by widget (render_lines, measuring) and by compositor pass, per key."""

    def __init__(self, app) -> None:
        import collections

        from textual import _compositor
        from textual.widget import Widget

        from tui_backprop.app.screens.main import MainScreen  # where our app publishes each step's view

        self.acc, self.cnt = collections.Counter(), collections.Counter()
        self._patched = []
        for cls, name in (
            (Widget, "render_lines"),
            (Widget, "get_content_height"),
            (Widget, "get_content_width"),
            (_compositor.Compositor, "reflow"),
            (_compositor.Compositor, "render_update"),
            (MainScreen, "refresh_view"),
        ):
            if hasattr(cls, name):
                self._wrap(cls, name)

    @staticmethod
    def _label(obj) -> str:
        label = type(obj).__name__
        if getattr(obj, "id", None):
            label += f"#{obj.id}"
        parent = getattr(obj, "parent", None)
        if label.startswith("Static") and parent is not None:
            label += f" in {type(parent).__name__}" + (f"#{parent.id}" if getattr(parent, "id", None) else "")
        return label

    def _wrap(self, cls, name: str) -> None:
        orig = cls.__dict__.get(name)
        inherited = getattr(cls, name)
        acc, cnt, label = self.acc, self.cnt, self._label

        def wrapper(obj, *a, **k):
            t = time.process_time()
            try:
                return inherited(obj, *a, **k)
            finally:
                key = (name, label(obj))
                acc[key] += time.process_time() - t
                cnt[key] += 1

        setattr(cls, name, wrapper)
        self._patched.append((cls, name, orig))

    def clear(self) -> None:
        self.acc.clear()
        self.cnt.clear()

    def report(self, presses: int, top: int = 16) -> str:
        rows = sorted(self.acc.items(), key=lambda kv: -kv[1])[:top]
        return "\n".join(
            f"  {name:<20} {what:<52} {t / presses * 1000:7.2f} ms/key  {self.cnt[(name, what)] / presses:4.1f} calls/key"
            for (name, what), t in rows
        )


async def profile(which: str, scenario: str | None, presses: int, html: str | None) -> dict:
    from pyinstrument import Profiler

    app = make_app(which, scenario)
    breakdown = Breakdown(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await press_right(pilot, WARMUP)
        breakdown.clear()
        t0 = time.process_time()
        await press_right(pilot, presses)
        cpu = (time.process_time() - t0) / presses
        table = breakdown.report(presses)
        profiler = Profiler(interval=0.0005, async_mode="disabled")
        profiler.start()
        await press_right(pilot, presses)
        profiler.stop()
    print(
        f"CPU per key {cpu * 1000:.2f} ms (with the breakdown's wrappers). Inclusive CPU by call site:", file=sys.stderr
    )
    print(table, file=sys.stderr)
    print("pyinstrument (frames ≥ 3% of the total; epoll.poll is idle time):", file=sys.stderr)
    print(filter_tree(profiler.output_text(unicode=False, color=False, show_all=True)), file=sys.stderr)
    if html:
        Path(html).write_text(profiler.output_html(), encoding="utf-8")
    return {"cpu_per_key": cpu}


def phases(which: str, headless: bool) -> dict:
    """Milliseconds from process start to each launch phase, the app exiting at its first screen update.

    Our app is started the way `backprop-tui` starts it (cli.main with no arguments).
    With headless=False it draws on the real terminal: run it inside tmux.
    """
    marks: dict[str, float] = {}
    t = time.perf_counter
    if which == "ours":
        from tui_backprop.cli import main as cli_main

        marks["import cli + core (numpy)"] = t()
    from textual.app import App
    from textual.screen import Screen

    marks["import textual (App, Screen)"] = t()
    if which != "ours":
        from baseline_app import BaselineApp

        marks["import app module"] = t()

    original_run, original_refresh = App.run, Screen._compositor_refresh

    def run(app, *args, **kwargs):
        marks["App.run called"] = t()
        if headless:
            kwargs.update(headless=True, size=SIZE)
        return original_run(app, *args, **kwargs)

    def first_refresh(screen):
        result = original_refresh(screen)
        if "first screen update" not in marks:
            marks["first screen update"] = t()
            screen.app.exit()
        return result

    App.run, Screen._compositor_refresh = run, first_refresh
    if which == "ours":
        cli_main([])
    else:
        BaselineApp().run()
    return {k: round((v - T_START) * 1000, 1) for k, v in marks.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=("step", "memory", "profile", "phases"))
    ap.add_argument("--app", choices=("baseline", "ours"), default="ours")
    ap.add_argument("--scenario")
    ap.add_argument("--presses", type=int, default=100)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--html")
    ap.add_argument("--terminal", action="store_true", help="phases: draw on the real terminal (run inside tmux)")
    ap.add_argument("--out", help="write the JSON here instead of stdout")
    a = ap.parse_args(argv)
    if a.what == "step":
        out = asyncio.run(step_cost(a.app, a.scenario, a.presses))
    elif a.what == "memory":
        out = asyncio.run(memory(a.epochs, a.scenario))
    elif a.what == "phases":
        out = phases(a.app, headless=not a.terminal)
    else:
        out = asyncio.run(profile(a.app, a.scenario, a.presses, a.html))
    if a.out:
        Path(a.out).write_text(json.dumps(out), encoding="utf-8")
    else:
        print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
