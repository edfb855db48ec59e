"""The benchmark script keeps working: a quick run with tiny counts prints every figure.

Benchmarks are not tests: nothing here asserts a time or a PASS.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ("step/default", "step/large", "launch", "train", "train/torch", "memory")


def test_quick_benchmark_run_prints_every_figure():
    out = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--quick"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("machine: ")
    for name in FIGURES:
        line = next((l for l in lines if l.split(" ", 1)[0] == name), None)
        assert line is not None, f"no {name} line in:\n{out.stdout}"
        assert "ERROR" not in line, line
        # A figure is measured (a ratio and a verdict) or skipped with a reason.
        assert (" ratio " in line) or ("skipped: " in line), line
    launch = next(l for l in lines if l.startswith("launch "))
    assert " ratio " in launch or "tmux" in launch, launch  # skips only when tmux is missing (or the app is)
    torch = next(l for l in lines if l.startswith("train/torch"))
    try:
        import torch as _  # noqa: F401
    except ImportError:
        assert "not installed" in torch, torch
    else:
        assert " ratio " in torch, torch
    assert "| figure |" in out.stdout  # the README table


def test_quick_classroom_benchmark_prints_every_figure():
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.classroom", "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("machine: ")
    for name in ("join", "key", "memory"):
        line = next((l for l in lines if l.split(" ", 1)[0] == name), None)
        assert line is not None and " ratio " in line, out.stdout
    left = next(l for l in lines if l.startswith("left "))
    assert "serve 0," in left, left  # no app process outlives the class
    assert "| figure |" in out.stdout
