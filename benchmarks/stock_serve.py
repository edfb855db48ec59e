"""The classroom benchmark's baseline: the app served by textual-serve's stock Server, as `serve` did before.

Every browser gets a fresh `python -m tui_backprop` process (an interpreter start, Textual, numpy and
the scenario each time).

    python benchmarks/stock_serve.py PORT
"""

from __future__ import annotations

import logging
import shlex
import sys
from pathlib import Path

from textual_serve.server import Server

ROOT = Path(__file__).resolve().parents[1]


class QuietServer(Server):
    def initialize_logging(self) -> None:
        logging.basicConfig(level="WARNING")


if __name__ == "__main__":
    command = " ".join(shlex.quote(p) for p in (sys.executable, "-m", "tui_backprop"))
    QuietServer(f"cd {shlex.quote(str(ROOT))} && exec {command}", host="127.0.0.1", port=int(sys.argv[1])).serve()
