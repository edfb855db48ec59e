import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


@pytest.fixture
def run_cli():
    """Run `python -m tui_backprop ARGS` in a subprocess; returns CompletedProcess (text)."""
    import subprocess

    def run(*args, timeout=60, **kw):
        return subprocess.run(
            [sys.executable, "-m", "tui_backprop", *map(str, args)],
            capture_output=True, text=True, timeout=timeout, cwd=kw.pop("cwd", ROOT), **kw,
        )

    return run
