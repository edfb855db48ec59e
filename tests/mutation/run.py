"""Mutation testing of the engine, on demand: `.venv/bin/python tests/mutation/run.py [MODULE ...]`.

Runs mutmut (pip install mutmut) over the given modules of tui_backprop/core/ (by default every one
but trace.py) with the engine's tests, in a scratch copy of the tree under build/mutation/, so the
worktree is never touched. Prints the score — killed out of mutants the tests reach — and every
survivor; `--diffs` shows each survivor's change. tests/mutation/survivors.md explains the survivors.

  .venv/bin/python tests/mutation/run.py                                   # the default modules
  .venv/bin/python tests/mutation/run.py tui_backprop/core/trace.py tui_backprop/core/gates.py
  .venv/bin/python tests/mutation/run.py --tests tests/test_engine.py tui_backprop/core/network.py
  .venv/bin/python tests/mutation/run.py --survivors      # after adding tests: re-run only the survivors

Not part of the test suite: it takes several minutes (a baseline run of the tests, then each mutant
against the tests that reach the mutated function).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = "tui_backprop/core"
# The lead's gate model (trace.py, gates.py) is scored separately, by naming it.
DEFAULT_MODULES = [
    f"{CORE}/{name}.py"
    for name in ("activations", "bundled", "describe", "errors", "lesson", "network", "scenario", "session")
]
# The engine's own tests, in-process and deterministic: no hypothesis, no app; the few that start
# subprocesses are left out (SKIP): they would cost most of the run's time.
SKIP = "not subprocess and not cli_reports and not for_real"
ENGINE_TESTS = [
    "tests/test_core_units.py",
    "tests/test_engine.py",
    "tests/test_numerics.py",
    "tests/test_limits.py",
    "tests/test_bad_files.py",
    "tests/test_lesson.py",
]
COPY = ["tui_backprop", "tests", "scenarios", "pyproject.toml"]


def toml_list(items: list[str]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


def scratch_copy(work: Path, modules: list[str], tests: list[str]) -> None:
    """The tree as it is now (uncommitted edits too), with mutmut's settings added to its pyproject."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "__snapshots__", "*.pyc")
    for name in COPY:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, work / name, ignore=ignore)
        else:
            shutil.copy2(src, work / name)
    with (work / "pyproject.toml").open("a") as f:
        f.write(
            "\n[tool.mutmut]\n"
            'source_paths = ["tui_backprop/"]\n'
            'also_copy = ["scenarios/"]\n'
            f"only_mutate = {toml_list(modules)}\n"
            f"pytest_add_cli_args_test_selection = {toml_list(tests)}\n"
            f'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-k", "{SKIP}"]\n'
        )


def results(mutmut: str, work: Path) -> dict[str, str]:
    out = subprocess.run([mutmut, "results", "--all", "true"], cwd=work, capture_output=True, text=True, check=True)
    found = {}
    for line in out.stdout.splitlines():
        m = re.match(r"\s*(\S+__mutmut_\d+): (.+)$", line)
        if m:
            found[m.group(1)] = m.group(2).strip()
    return found


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("modules", nargs="*", default=DEFAULT_MODULES, help="files to mutate (default: core but trace.py)")
    p.add_argument("--tests", nargs="+", default=ENGINE_TESTS, help="test files that may kill a mutant")
    p.add_argument("--work", type=Path, default=ROOT / "build" / "mutation", help="scratch directory")
    p.add_argument("--diffs", action="store_true", help="print each survivor's diff")
    p.add_argument(
        "--survivors",
        action="store_true",
        help="after adding tests: copy tests/ into the last run's scratch directory and re-run only its survivors",
    )
    args = p.parse_args()
    mutmut = shutil.which("mutmut", path=str(Path(sys.executable).parent)) or shutil.which("mutmut")
    if mutmut is None:
        print("run.py: mutmut is not installed: .venv/bin/pip install mutmut", file=sys.stderr)
        return 2
    for module in args.modules:
        if not (ROOT / module).is_file():
            print(f"run.py: {module}: expected a file under {ROOT}, found none", file=sys.stderr)
            return 2

    if args.survivors:
        again = [name for name, s in results(mutmut, args.work).items() if s not in ("killed", "timeout")]
        for where in (args.work / "tests", args.work / "mutants" / "tests"):
            shutil.rmtree(where)
            shutil.copytree(ROOT / "tests", where, ignore=shutil.ignore_patterns("__pycache__", "__snapshots__"))
    else:
        again = []
        scratch_copy(args.work, args.modules, args.tests)
    run = subprocess.run(
        [mutmut, "run", *again], cwd=args.work, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    if run.returncode != 0:
        print(f"run.py: mutmut run failed ({run.returncode}):\n{run.stderr[-3000:]}", file=sys.stderr)
        return 1
    status = results(mutmut, args.work)
    counts: dict[str, int] = {}
    for s in status.values():
        counts[s] = counts.get(s, 0) + 1
    # "no tests": no test reaches the function at all; counted as not killed.
    killed = counts.get("killed", 0) + counts.get("timeout", 0)
    total = len(status)
    survivors = sorted(name for name, s in status.items() if s not in ("killed", "timeout"))
    print(f"modules: {' '.join(args.modules)}")
    print(f"tests:   {' '.join(args.tests)}")
    print("mutants: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    print(f"score:   {killed}/{total} killed = {100 * killed / max(total, 1):.1f} %")
    for name in survivors:
        print(f"  {status[name]:<10} {name}")
        if args.diffs:
            show = subprocess.run([mutmut, "show", name], cwd=args.work, capture_output=True, text=True)
            print("    " + "\n    ".join(show.stdout.rstrip().splitlines()[1:]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
