"""The program's name and its one-line messages: the command line and the server print them alike."""

from __future__ import annotations

import sys

PROG = "backprop-tui"


def err(message: str) -> None:
    """One line on stderr: what went wrong (every error of every subcommand)."""
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)


def say(message: str) -> None:
    """One line on stdout: what the program is doing (the server's banner and its log)."""
    print(f"{PROG}: {message}", flush=True)
