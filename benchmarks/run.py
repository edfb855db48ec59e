"""backprop-tui benchmarks: every figure a ratio against a baseline measured in the same run.

    python -m benchmarks.run                  # 5 runs, medians; from the repo root
    python benchmarks/run.py --quick          # tiny counts (the test suite runs this)
    python benchmarks/run.py --runs 9 --only step,launch
    python benchmarks/run.py --profile        # also profile each figure that misses its target

Figures (subject / baseline; baseline and subject alternate within each run, ABAB...):
  step/default  CPU time per → key in the app on sleep-study, driven by Textual's Pilot at 120×40,
                against the least Textual app (Header, one Static updated per key, Footer)   ≤ 2×
  step/large    the same on a large scenario (m = 256, layers [8, 32, 16, 4])                ≤ 3×
  launch        launch to first painted screen in tmux (polling capture-pane), same baseline ≤ 1.3×
  train         `backprop-tui train xor --epochs 20000`, whole process, against a hand-written
                numpy loop of the same maths (benchmarks/numpy_loop.py)                      ≤ 1.1×
  train/torch   the same `backprop-tui train` against PyTorch autograd float64 (benchmarks/torch_loop.py),
                when torch is installed: reported, no target
  memory        peak RSS after stepping 1,000 epochs of sleep-study against after 1 epoch    ≤ 1.2×
  landscape     the loss surface of two weights, 41×41 on sleep-study, in the engine's one vectorised
                pass against Network.cost at each grid point (benchmarks/landscape_probe.py)    ≤ 0.1×

Benchmarks are not tests: the exit status is 0 whether figures pass or miss; it is 1 only
when a measurement itself failed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
sys.path[:0] = [p for p in (str(ROOT), str(BENCH)) if p not in sys.path]

from bigdata import big_scenario_path  # noqa: E402

PY = sys.executable
FIGURES = ("step/default", "step/large", "launch", "train", "train/torch", "memory", "landscape")
GROUPS = {
    "step": ("step/default", "step/large"),
    "launch": ("launch",),
    "train": ("train", "train/torch"),
    "memory": ("memory",),
    "landscape": ("landscape",),
}
DEFAULT_SCENARIO = "sleep-study"
# Text on the app's first screen (the default scenario's title); the baseline shows its own marker.
APP_MARKER = "Sleep and study"
BASELINE_MARKER = "baseline step 0"


@dataclass
class Counts:
    runs: int
    presses: int
    train_epochs: int
    memory_epochs: int
    launch_timeout: float = 30.0


FULL = Counts(runs=5, presses=100, train_epochs=20_000, memory_epochs=1_000)
QUICK = Counts(runs=1, presses=5, train_epochs=200, memory_epochs=3)


@dataclass
class Figure:
    name: str
    what: str
    unit: str
    target: float | None  # None: reported only
    subject: list[float] = field(default_factory=list)
    baseline: list[float] = field(default_factory=list)
    subject_label: str = "subject"
    baseline_label: str = "baseline"
    skipped: str | None = None
    error: str | None = None
    note: str = ""

    @property
    def ratios(self) -> list[float]:
        return [s / b for s, b in zip(self.subject, self.baseline) if b > 0]

    @property
    def ratio(self) -> float:
        # The median of the per-run ratios: each pair was measured back to back.
        return statistics.median(self.ratios)

    @property
    def ratio_text(self) -> str:
        # Three decimals when two would round onto the target and hide which side it is on.
        text = f"{self.ratio:.2f}×"
        if self.target is not None and round(self.ratio, 2) == round(self.target, 2):
            text = f"{self.ratio:.3f}×"
        return text

    @property
    def verdict(self) -> str:
        if self.target is None:
            return "report"
        return "PASS" if self.ratio <= self.target else "MISS"

    def line(self) -> str:
        head = f"{self.name:<13}"
        if self.error:
            return f"{head} ERROR: {self.error}"
        if self.skipped:
            return f"{head} skipped: {self.skipped}"
        s, b = statistics.median(self.subject), statistics.median(self.baseline)
        target = f"target ≤ {self.target:g}×" if self.target is not None else "no target"
        spread = f"ratios {min(self.ratios):.2f}–{max(self.ratios):.2f} over {len(self.ratios)} runs"
        return (
            f"{head} {self.subject_label} {fmt(s, self.unit)}  {self.baseline_label} {fmt(b, self.unit)}  "
            f"ratio {self.ratio_text}  {target}  {self.verdict}  ({spread}){'  ' + self.note if self.note else ''}"
        )


def fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value >= 0.1 else f"{value * 1000:.1f} ms"
    if unit == "s/key":
        return f"{value * 1000:.2f} ms/key"
    if unit == "KiB":
        return f"{value / 1024:.1f} MiB"
    return f"{value:g} {unit}"


# --- the machine ----------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    versions = []
    for mod in ("numpy", "textual"):
        try:
            versions.append(f"{mod} {__import__(mod).__version__}")
        except Exception:
            from importlib.metadata import version

            versions.append(f"{mod} {version(mod)}")
    tmux = (
        subprocess.run(["tmux", "-V"], capture_output=True, text=True).stdout.strip()
        if shutil.which("tmux")
        else "no tmux"
    )
    return (
        f"machine: {cpu}, {usable} cores ({os.cpu_count()} online), Linux {platform.release()}; "
        f"Python {platform.python_version()}, {', '.join(versions)}, {tmux}"
    )


# --- helpers ----------------------------------------------------------------------------------------


def probe(*args: str, timeout: float = 600) -> dict:
    out = subprocess.run(
        [PY, str(BENCH / "probe.py"), *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT
    )
    if out.returncode != 0:
        tail = (out.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise RuntimeError(f"probe {' '.join(args)} exited {out.returncode}: {tail}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def app_missing() -> str | None:
    """Why our app cannot be benchmarked yet, or None."""
    code = "from tui_backprop.app import BackpropApp"
    out = subprocess.run([PY, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if out.returncode == 0:
        return None
    last = (out.stderr.strip().splitlines() or ["?"])[-1]
    return f"the app is not importable yet ({last})"


def wall(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=ROOT)
    return time.perf_counter() - t0


def progress(msg: str) -> None:
    print(f"  … {msg}", file=sys.stderr, flush=True)


# --- 1. CPU time per step key -----------------------------------------------------------------------


def bench_step(figs: dict[str, Figure], c: Counts) -> None:
    subjects = {"step/default": DEFAULT_SCENARIO, "step/large": str(big_scenario_path())}
    wanted = {k: v for k, v in subjects.items() if k in figs}
    missing = app_missing()
    for name in wanted:
        figs[name].subject_label, figs[name].baseline_label = "app", "least app"
        if missing:
            figs[name].skipped = missing
    if missing:
        return
    for run in range(c.runs):
        for name, scenario in wanted.items():
            progress(f"{name} run {run + 1}/{c.runs}")
            for which, series in (("baseline", figs[name].baseline), ("ours", figs[name].subject)):
                out = probe("step", "--app", which, "--scenario", scenario, "--presses", str(c.presses))
                if out["moved"] != c.presses:
                    raise RuntimeError(f"{which}: {c.presses} presses moved {out['moved']} steps")
                series.append(out["cpu_per_key"])
    for name in wanted:
        figs[name].note = f"{c.presses} presses/run"


# --- 2. launch to first painted screen --------------------------------------------------------------


class Tmux:
    """A private tmux server (its own socket), so each measured session starts on a warm server."""

    def __init__(self) -> None:
        self.socket = f"bptui-bench-{os.getpid()}"
        self.n = 0

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args], capture_output=True, text=True, check=check
        )

    def __enter__(self) -> Tmux:
        self("new-session", "-d", "-s", "keep", "-x", "120", "-y", "40", "sleep 100000")
        return self

    def __exit__(self, *exc) -> None:
        self("kill-server", check=False)

    def launch(self, command: str, marker: str, timeout: float) -> float:
        """Seconds from starting `command` in a fresh 120×40 session until `marker` is on screen."""
        self.n += 1
        name = f"s{self.n}"
        t0 = time.perf_counter()
        self("new-session", "-d", "-s", name, "-x", "120", "-y", "40", "-c", str(ROOT), command)
        try:
            while True:
                out = self("capture-pane", "-p", "-t", name, check=False)
                elapsed = time.perf_counter() - t0
                if out.returncode != 0:
                    raise RuntimeError(f"{command!r} exited before showing {marker!r}")
                if marker in out.stdout:
                    return elapsed
                if elapsed > timeout:
                    raise RuntimeError(f"{marker!r} not on screen after {timeout:g} s; screen:\n{out.stdout}")
                time.sleep(0.01)
        finally:
            self("kill-session", "-t", name, check=False)


def _tmux_phases(self: Tmux, which: str, timeout: float) -> dict:
    """probe.py phases on the real terminal of a fresh tmux session."""
    self.n += 1
    out = Path(tempfile.mkdtemp()) / "phases.json"
    name = f"p{self.n}"
    self(
        "new-session",
        "-d",
        "-s",
        name,
        "-x",
        "120",
        "-y",
        "40",
        "-c",
        str(ROOT),
        f"exec {PY} {BENCH / 'probe.py'} phases --app {which} --terminal --out {out}",
    )
    try:
        deadline = time.perf_counter() + timeout
        while not out.is_file() and time.perf_counter() < deadline:
            time.sleep(0.05)
        time.sleep(0.05)
        return json.loads(out.read_text(encoding="utf-8"))
    finally:
        self("kill-session", "-t", name, check=False)
        shutil.rmtree(out.parent, ignore_errors=True)


Tmux.phases = _tmux_phases


def bench_launch(figs: dict[str, Figure], c: Counts) -> None:
    fig = figs["launch"]
    fig.subject_label, fig.baseline_label = "app", "least app"
    if not shutil.which("tmux"):
        fig.skipped = "tmux is not installed (apt-get install tmux)"
        return
    missing = app_missing()
    if missing:
        fig.skipped = missing
        return
    ours = f"exec {PY} -m tui_backprop"
    base = f"exec {PY} {BENCH / 'baseline_app.py'}"
    with Tmux() as tmux:
        # One unmeasured launch of each, so both start with warm file caches.
        tmux.launch(base, BASELINE_MARKER, c.launch_timeout)
        tmux.launch(ours, APP_MARKER, c.launch_timeout)
        for run in range(c.runs):
            progress(f"launch run {run + 1}/{c.runs}")
            fig.baseline.append(tmux.launch(base, BASELINE_MARKER, c.launch_timeout))
            fig.subject.append(tmux.launch(ours, APP_MARKER, c.launch_timeout))
    fig.note = f"marker {APP_MARKER!r}"


# --- 3. train --------------------------------------------------------------------------------------------


def final_cost(text: str) -> float:
    m = re.findall(r"epoch\s+\d+\s+J = (\S+)", text)
    return float(m[-1])


def bench_train(figs: dict[str, Figure], c: Counts) -> None:
    e = str(c.train_epochs)
    cli = [PY, "-m", "tui_backprop", "train", "xor", "--epochs", e]
    loop = [PY, str(BENCH / "numpy_loop.py"), e]
    torch = [PY, str(BENCH / "torch_loop.py"), e]
    has_torch = importlib.util.find_spec("torch") is not None
    # Not timed: both compute the same thing.
    a = final_cost(subprocess.run(cli, capture_output=True, text=True, check=True, cwd=ROOT).stdout)
    b = final_cost(subprocess.run(loop, capture_output=True, text=True, check=True, cwd=ROOT).stdout)
    same = (
        "same final cost"
        if abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1e-300)
        else f"DIFFERENT final cost {a:.8g} vs {b:.8g}"
    )
    if "train" in figs:
        f = figs["train"]
        f.subject_label, f.baseline_label, f.note = (
            "backprop-tui train",
            "numpy loop",
            f"{e} epochs, {same} J = {a:.8g}",
        )
    if "train/torch" in figs:
        f = figs["train/torch"]
        f.subject_label, f.baseline_label = "backprop-tui train", "torch autograd"
        if not has_torch:
            f.skipped = "torch not installed (pip install torch to report PyTorch autograd float64)"
        else:
            t = final_cost(subprocess.run(torch, capture_output=True, text=True, check=True, cwd=ROOT).stdout)
            f.note = f"{e} epochs, final cost {t:.8g}"
    for run in range(c.runs):
        progress(f"train run {run + 1}/{c.runs}")
        # numpy loop, cli, torch in turn: the cli's run is paired with the baseline measured next to it.
        base = wall(loop)
        ours = wall(cli)
        if "train" in figs:
            figs["train"].baseline.append(base)
            figs["train"].subject.append(ours)
        if "train/torch" in figs and has_torch:
            figs["train/torch"].baseline.append(wall(torch))
            figs["train/torch"].subject.append(ours)


# --- 4. memory -----------------------------------------------------------------------------------------


def bench_memory(figs: dict[str, Figure], c: Counts) -> None:
    fig = figs["memory"]
    fig.subject_label, fig.baseline_label = f"{c.memory_epochs:,} epochs", "1 epoch"
    missing = app_missing()
    if missing:
        fig.skipped = missing
        return
    for run in range(c.runs):
        progress(f"memory run {run + 1}/{c.runs}")
        one = probe("memory", "--epochs", "1", "--scenario", DEFAULT_SCENARIO)
        many = probe("memory", "--epochs", str(c.memory_epochs), "--scenario", DEFAULT_SCENARIO)
        if many["epoch"] < c.memory_epochs:
            raise RuntimeError(f"stepping stopped at epoch {many['epoch']} of {c.memory_epochs}")
        fig.baseline.append(one["peak_rss_kib"])
        fig.subject.append(many["peak_rss_kib"])
    fig.note = f"peak RSS; {many['keys']} keys through Pilot + {many['moved']:,} Session.move(+1) steps"


# --- profiles of misses ----------------------------------------------------------------------------------


def profile_misses(figs: dict[str, Figure], c: Counts) -> None:
    for name, fig in figs.items():
        if fig.skipped or fig.error or not fig.subject or fig.verdict != "MISS":
            continue
        print(f"\n=== profile: {name} ===", flush=True)
        try:
            profile_one(name, c)
        except Exception as exc:  # a profile is a help, not a figure
            print(f"profile failed: {type(exc).__name__}: {exc}")


def profile_one(name: str, c: Counts) -> None:
    from probe import filter_tree

    if name.startswith("step/"):
        scenario = DEFAULT_SCENARIO if name == "step/default" else str(big_scenario_path())
        for which in ("baseline", "ours"):
            out = subprocess.run(
                [
                    PY,
                    str(BENCH / "probe.py"),
                    "profile",
                    "--app",
                    which,
                    "--scenario",
                    scenario,
                    "--presses",
                    str(c.presses),
                ],
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            print(f"--- {'least app' if which == 'baseline' else 'app'} ---\n{out.stderr}", flush=True)
    elif name == "train":
        report = Path(tempfile.mkdtemp()) / "train.txt"
        subprocess.run(
            [
                PY,
                "-m",
                "pyinstrument",
                "-i",
                "0.0002",
                "-o",
                str(report),
                "-m",
                "tui_backprop",
                "train",
                "xor",
                "--epochs",
                str(c.train_epochs),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        print(filter_tree(report.read_text(encoding="utf-8"), share=0.02, max_lines=60))
        shutil.rmtree(report.parent, ignore_errors=True)
    elif name == "launch":
        print(
            "launch phases in tmux 120×40, ms since the interpreter ran the probe's first line (median of 3;\n"
            "each app exits at its first screen update; interpreter start-up, the same for both, is not counted):"
        )
        with Tmux() as tmux:
            for which in ("baseline", "ours"):
                runs = [tmux.phases(which, c.launch_timeout) for _ in range(3)]
                med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
                print(
                    f"  {'least app' if which == 'baseline' else 'app':<9} "
                    + ", ".join(f"{k} {v:.0f}" for k, v in med.items())
                )
        base = _imports([PY, "-X", "importtime", str(BENCH / "baseline_app.py"), "--import-only"])
        ours = _imports([PY, "-X", "importtime", "-c", "import tui_backprop.cli, tui_backprop.app"])
        groups: dict[str, int] = {}
        for module, self_us in ours.items():
            if module not in base:
                top = module.split(".")[0] if not module.startswith("tui_backprop") else ".".join(module.split(".")[:2])
                groups[top] = groups.get(top, 0) + self_us
        print(
            f"imports the least app does not make: {sum(groups.values()) / 1000:.0f} ms in all (self time, -X importtime), by package:"
        )
        for top, us in sorted(groups.items(), key=lambda kv: -kv[1])[:12]:
            print(f"  {us / 1000:6.1f} ms  {top}")


def _imports(cmd: list[str]) -> dict[str, int]:
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    found = {}
    for line in out.stderr.splitlines():
        if line.startswith("import time:") and "cumulative" not in line:
            self_us, _, module = line[len("import time:") :].split("|")
            found[module.strip()] = int(self_us)
    return found


# --- main ----------------------------------------------------------------------------------------------


def bench_landscape(figs: dict[str, Figure], c: Counts) -> None:
    """The loss surface (41×41, sleep-study) in one vectorised pass against the cost point by point."""
    fig = figs["landscape"]
    fig.subject_label, fig.baseline_label = "grid", "point by point"
    for run in range(c.runs):
        progress(f"landscape run {run + 1}/{c.runs}")
        out = subprocess.run(
            [PY, str(BENCH / "landscape_probe.py"), "--repeat", "5" if c.runs > 1 else "1"],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=ROOT,
            check=True,
        )
        doc = json.loads(out.stdout.strip().splitlines()[-1])
        fig.subject.append(doc["subject"])
        fig.baseline.append(doc["baseline"])


BENCHES = {
    "step": bench_step,
    "launch": bench_launch,
    "train": bench_train,
    "memory": bench_memory,
    "landscape": bench_landscape,
}


def table(figs: dict[str, Figure]) -> str:
    rows = ["| figure | subject (median) | baseline (median) | ratio | target | result |", "|---|---|---|---|---|---|"]
    for f in figs.values():
        if f.skipped or f.error:
            rows.append(f"| {f.what} | {f.skipped or 'ERROR: ' + str(f.error)} | | | | |")
            continue
        s, b = statistics.median(f.subject), statistics.median(f.baseline)
        target = f"≤ {f.target:g}×" if f.target is not None else "—"
        rows.append(
            f"| {f.what} | {f.subject_label}: {fmt(s, f.unit)} | {f.baseline_label}: {fmt(b, f.unit)} | {f.ratio_text} | {target} | {f.verdict} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="tiny counts, to check the script works")
    ap.add_argument("--runs", type=int, help="runs per figure (default 5; 1 with --quick)")
    ap.add_argument(
        "--only",
        default="step,launch,train,memory,landscape",
        help="comma-separated: step,launch,train,memory,landscape",
    )
    ap.add_argument("--profile", action="store_true", help="profile each figure that misses its target")
    a = ap.parse_args(argv)
    c = Counts(**vars(QUICK if a.quick else FULL))
    if a.runs:
        c.runs = max(1, a.runs)
    groups = [g.strip() for g in a.only.split(",") if g.strip()]
    unknown = [g for g in groups if g not in BENCHES]
    if unknown:
        ap.error(f"unknown --only {','.join(unknown)}: choose from {','.join(BENCHES)}")

    large = big_scenario_path()
    spec = {
        "step/default": ("CPU per → key, sleep-study (m = 4, [2, 3, 1])", "s/key", 2.0),
        "step/large": (f"CPU per → key, {large.relative_to(ROOT)} (m = 256, [8, 32, 16, 4])", "s/key", 3.0),
        "launch": ("launch → first painted screen (tmux 120×40)", "s", 1.3),
        "train": (f"train xor [2, 3, 1], {c.train_epochs:,} epochs, whole process", "s", 1.1),
        "train/torch": (f"train xor vs PyTorch autograd float64, {c.train_epochs:,} epochs", "s", None),
        "memory": (f"peak RSS after {c.memory_epochs:,} epochs vs after 1 (sleep-study)", "KiB", 1.2),
        "landscape": ("loss surface 41×41, sleep-study: one vectorised pass vs the cost point by point", "s", 0.1),
    }
    wanted = [n for g in groups for n in GROUPS[g]]
    figs = {n: Figure(n, *spec[n]) for n in FIGURES if n in wanted}

    print(machine(), flush=True)
    print(
        f"runs: {c.runs} per figure, baseline and subject alternating; medians; ratio = median of per-run subject/baseline",
        flush=True,
    )
    failed = False
    for g in BENCHES:
        if g not in groups:
            continue
        mine = {n: f for n, f in figs.items() if n in GROUPS[g]}
        try:
            BENCHES[g](mine, c)
        except Exception as exc:  # one figure failing must not hide the others
            failed = True
            for f in mine.values():
                if not f.skipped:
                    f.error = f"{type(exc).__name__}: {exc}"
        for f in mine.values():
            if not f.skipped and not f.error and not f.subject:
                f.error = "no measurement"
            print(f.line(), flush=True)
    print("\n" + table(figs), flush=True)
    if a.profile:
        profile_misses(figs, c)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
