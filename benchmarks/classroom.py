"""Classroom load benchmark: `backprop-tui serve` under a class of websocket students, on 127.0.0.1 only.

    python -m benchmarks.classroom            # 3 runs, about 10 minutes; --quick, --runs N, --join N, --class N

The students are websocket clients in this process speaking the page's protocol (tests/test_serve.py
describes it). The baseline is textual-serve's stock Server serving the same app
(benchmarks/stock_serve.py: a fresh interpreter per browser, as `serve` worked before); in each run
baseline and subject are measured back to back, each a fresh server. Figures:

  join p95    `--join` students (20) open the app at the same moment: websocket connect → first screen
              (the step counter "step 1/16" has arrived), the 95th percentile            target ≤ 2 s
  key p95     `--class` students (30) connected, each pressing → five times, 0.5–1.5 s apart (seeded),
              after focusing the page as a browser does: key sent → the next step's counter arrived,
              the 95th percentile                                                         target ≤ 100 ms
  join_cpu    CPU seconds the server and every process below it used during the join, per student
  key_cpu     the same during the presses, per press: with the wall-clock figures above, what separates
              the work per student from the machine's load (printed: the 1-minute load average)
  memory      proportional set size (PSS, /proc/PID/smaps_rollup: shared pages split between the
              processes sharing them) of every process the server started, over the sessions, with
              the class connected                                                         reported

The absolute targets are the classroom's (2 s, 100 ms on two cores); the ratio is the median of the per-run subject/baseline. Also
counted: app processes still there 5 s after every student has gone. Exit status 1 only when a
measurement failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [p for p in (str(ROOT), str(ROOT / "benchmarks"), str(ROOT / "tests")) if p not in sys.path]

from conftest import cpu_seconds, descendants, free_port, parent, screen_text  # noqa: E402
from run import fmt, machine  # noqa: E402

PY = sys.executable
HOST = "127.0.0.1"
RIGHT = "\x1b[C"
STEP = "step\\s*{}\\s*/\\s*16"
PRESSES = 5


@dataclass
class Counts:
    runs: int = 3
    join: int = 20
    size: int = 30  # the class connected for the key figure
    presses: int = PRESSES


QUICK = Counts(runs=1, join=3, size=4, presses=2)


@dataclass
class Figure:
    name: str
    what: str
    unit: str
    target: float | None  # absolute, in `unit`; None: reported
    subject: list[float] = field(default_factory=list)
    baseline: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return statistics.median(s / b for s, b in zip(self.subject, self.baseline) if b > 0)

    @property
    def verdict(self) -> str:
        if self.target is None:
            return "report"
        return "PASS" if statistics.median(self.subject) <= self.target else "MISS"

    def cells(self) -> tuple[str, str, str, str, str]:
        s, b = statistics.median(self.subject), statistics.median(self.baseline)
        target = f"≤ {fmt(self.target, self.unit)}" if self.target is not None else "—"
        return fmt(s, self.unit), fmt(b, self.unit), f"{self.ratio:.2f}×", target, self.verdict


class Student:
    """One browser: a websocket, the screen text it has received, its step counter."""

    def __init__(self, http, url: str) -> None:
        self.http, self.url, self.ws, self.raw = http, url, None, b""

    async def wait_for(self, pattern: re.Pattern, since: int, timeout: float) -> None:
        """Frames until `pattern` is in what arrived after byte `since` (only the new text is searched:
        thirty students in one process must not cost the server's cores much)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        # Searched: first everything since `since`, then the newest frame and the end of the one before.
        last = len(self.raw) - since
        while not pattern.search(screen_text(self.raw[max(since, len(self.raw) - last - 256) :])):
            left = end - loop.time()
            if left <= 0:
                raise TimeoutError(f"{pattern.pattern!r} did not arrive in {timeout:g} s")
            msg = await self.ws.receive(timeout=left)
            if msg.type.name == "BINARY":
                self.raw += msg.data
                last = len(msg.data)
            elif msg.type.name in ("CLOSE", "CLOSED", "ERROR"):
                raise ConnectionError(f"the websocket closed: {screen_text(self.raw)[-300:]!r}")

    async def join(self, timeout: float = 120) -> float:
        t0 = time.perf_counter()
        self.ws = await self.http.ws_connect(f"{self.url}?width=120&height=40")
        await self.ws.send_str(json.dumps(["resize", {"width": 120, "height": 40}]))
        await self.wait_for(re.compile(STEP.format(1)), 0, timeout)
        took = time.perf_counter() - t0
        await self.ws.send_str(json.dumps(["focus"]))  # textual.js does this when the page gets focus
        return took

    async def press(self, step: int, timeout: float = 60) -> float:
        mark = len(self.raw)
        t0 = time.perf_counter()
        await self.ws.send_str(json.dumps(["stdin", RIGHT]))
        await self.wait_for(re.compile(STEP.format(step)), mark, timeout)
        return time.perf_counter() - t0

    async def leave(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def tree_cpu(root: int) -> float:
    """CPU seconds used so far by the server and every live process below it."""
    total = 0.0
    for pid in [root, *descendants(root)]:
        with suppress(OSError, IndexError):  # gone meanwhile
            total += cpu_seconds(pid)
    return total


def pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Server:
    def __init__(self, kind: str) -> None:
        self.port = free_port()
        if kind == "subject":
            cmd = [PY, "-m", "tui_backprop", "serve", "sleep-study", "--port", str(self.port)]
        else:
            cmd = [PY, str(ROOT / "benchmarks" / "stock_serve.py"), str(self.port)]
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        self.url = f"http://{HOST}:{self.port}/ws"

    def wait_ready(self, deadline: float = 30) -> None:
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(f"http://{HOST}:{self.port}/", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server never answered")

    def stop(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.proc.pid, sig)
                self.proc.wait(timeout=10)
                return
            except subprocess.TimeoutExpired:
                continue
            except ProcessLookupError:
                return


async def one_run(kind: str, c: Counts) -> dict:
    import aiohttp

    server = Server(kind)
    try:
        server.wait_ready()
        async with aiohttp.ClientSession() as http:
            probe = Student(http, server.url)  # one student first: both servers warm, not measured
            await probe.join()
            await probe.leave()
            await asyncio.sleep(1)

            students = [Student(http, server.url) for _ in range(c.size)]
            cpu = tree_cpu(server.proc.pid)
            joins = await asyncio.gather(*(s.join() for s in students[: c.join]))
            join_cpu = (tree_cpu(server.proc.pid) - cpu) / c.join
            await asyncio.gather(*(s.join() for s in students[c.join :]))
            await asyncio.sleep(2)
            cpu = tree_cpu(server.proc.pid)

            rng = random.Random(7)

            async def presses(s: Student) -> list[float]:
                took = []
                await asyncio.sleep(rng.uniform(0, 1))
                for step in range(2, 2 + c.presses):
                    took.append(await s.press(step))
                    await asyncio.sleep(rng.uniform(0.5, 1.5))
                return took

            keys = [t for ts in await asyncio.gather(*(presses(s) for s in students)) for t in ts]
            key_cpu = (tree_cpu(server.proc.pid) - cpu) / len(keys)
            mine = descendants(server.proc.pid)
            memory = sum(pss_kib(p) for p in mine) / c.size
            await asyncio.gather(*(s.leave() for s in students))
        await asyncio.sleep(5)
        # The stock server's apps are its grandchildren too (under `sh -c`); ours are under the warm process.
        left = [p for p in descendants(server.proc.pid) if parent(p) != server.proc.pid]
        return {
            "join": p95(joins),
            "key": p95(keys),
            "join_cpu": join_cpu,
            "key_cpu": key_cpu,
            "memory": memory,
            "left": len(left),
            "load": os.getloadavg()[0],
        }
    finally:
        server.stop()


def table(figs: list[Figure]) -> str:
    rows = [
        "| figure | `serve` (median) | stock textual-serve (median) | ratio | target | result |",
        "|---|---|---|---|---|---|",
    ]
    rows += ["| " + " | ".join((f.what, *f.cells())) + " |" for f in figs]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.classroom", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="a handful of students, one run: checks the script works")
    ap.add_argument("--runs", type=int)
    ap.add_argument("--join", type=int, help="students joining at once (default 20)")
    ap.add_argument("--class", dest="size", type=int, help="students connected for the key figure (default 30)")
    a = ap.parse_args(argv)
    c = QUICK if a.quick else Counts()
    c = Counts(
        runs=max(1, a.runs or c.runs),
        join=max(1, a.join or c.join),
        size=max(a.size or c.size, a.join or c.join),
        presses=c.presses,
    )
    figs = {
        "join": Figure("join", f"{c.join} students join at once: first screen, p95", "s", 2.0),
        "key": Figure("key", f"→ with {c.size} connected: next step on screen, p95", "s", 0.1),
        "join_cpu": Figure("join_cpu", "CPU per student joining (server and its processes)", "s", None),
        "key_cpu": Figure("key_cpu", "CPU per → (server and its processes)", "s", None),
        "memory": Figure("memory", f"memory per session ({c.size} connected, PSS)", "KiB", None),
    }
    print(machine(), flush=True)
    print(f"runs: {c.runs}; stock textual-serve then `serve`, alternating; medians; ratio = median of per-run ratios")
    left = {"subject": [], "baseline": []}
    loads = []
    try:
        for run in range(c.runs):
            for kind in ("baseline", "subject"):
                print(f"  … run {run + 1}: {kind}", file=sys.stderr, flush=True)
                got = asyncio.run(one_run(kind, c))
                for name, fig in figs.items():
                    getattr(fig, kind).append(got[name])
                left[kind].append(got["left"])
                loads.append(got["load"])
    except Exception as exc:
        print(f"ERROR: {type(exc).__name__}: {exc}", flush=True)
        return 1
    for f in figs.values():
        s, b, ratio, target, verdict = f.cells()
        print(f"{f.name:<8} serve {s}  stock {b}  ratio {ratio}  target {target}  {verdict}", flush=True)
    print(f"load     1-minute load average at the end of each run: {', '.join(f'{x:.1f}' for x in loads)}")
    print(
        f"left     app processes 5 s after the class left: serve {max(left['subject'])}, stock {max(left['baseline'])}"
    )
    print("\n" + table(list(figs.values())), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
