"""The command line in a real terminal (a pseudo-terminal): what Pilot and pipes cannot show.

The app under NO_COLOR=1, `--decimals` given on the command line, `q` ending the process with
status 0, and `train`'s progress bar, which is drawn only when stderr is a terminal.
"""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal")

ROOT = Path(__file__).resolve().parents[1]
CSI = re.compile(rb"\x1b\[([0-9;?<>=]*)([A-Za-z~])")
ESCAPES = re.compile(rb"\x1b(\[[0-9;?<>=$]*[A-Za-z~]|\][^\x07\x1b]*(\x07|\x1b\\)|P[^\x1b]*\x1b\\|[()][0-9A-Za-z]|.)")
GUARD = 60.0  # seconds before a run that never gets there fails: a hang guard, not a speed target


class Terminal:
    """A process whose stdin, stdout and stderr are one pseudo-terminal of 120×40."""

    def __init__(self, *args: str, env: dict[str, str] | None = None, size=(40, 120)) -> None:
        import fcntl
        import pty
        import struct
        import termios

        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", *size, 0, 0))
        environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TEXTUAL_DRIVER")}
        environ.update({"TERM": "xterm-256color", "COLORTERM": "truecolor", **(env or {})})
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tui_backprop", *args],
            cwd=ROOT,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=environ,
            start_new_session=True,
        )
        os.close(slave)
        self.raw = b""

    def read_until(self, predicate) -> bytes:
        """Read until predicate(what was read, as plain text) holds or the process ends."""
        start = time.monotonic()
        while not predicate(self.text()):
            assert time.monotonic() - start < GUARD, f"not seen on screen: {self.text()[-2000:]!r}"
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # EIO: the process closed the terminal
                    break
                if not chunk:
                    break
                self.raw += chunk
        return self.raw

    def text(self) -> str:
        return ESCAPES.sub(b"", self.raw).decode("utf-8", "replace")

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def finish(self) -> int:
        """Read what is left and the exit status."""
        try:
            self.read_until(lambda _: self.proc.poll() is not None and not select.select([self.master], [], [], 0.2)[0])
            return self.proc.wait(timeout=GUARD)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            os.close(self.master)


def shown(terminal: Terminal, pattern: str):
    """Wait until the app has drawn the loaded scenario (its step equation) and return the plain text."""
    terminal.read_until(lambda text: re.search(pattern, text) is not None)
    return terminal.text()


def sgr_parameters(raw: bytes) -> list[list[int]]:
    """The parameters of every Select Graphic Rendition sequence (ESC [ … m) the program wrote."""
    return [[int(p) if p else 0 for p in params.split(b";")] for params, final in CSI.findall(raw) if final == b"m"]


GREY_BASIC = {30, 37, 90, 97, 40, 47, 100, 107}  # black, white and their bright forms
GREY_256 = {0, 7, 8, 15, 16, 231, *range(232, 256)}


def hues(params: list[int]) -> list[tuple[int, ...]]:
    """The colours in one SGR sequence that are not a grey: NO_COLOR lets Textual draw in shades of grey only."""
    found, i = [], 0
    while i < len(params):
        p = params[i]
        if p in (38, 48) and params[i + 1 : i + 2] == [2]:
            rgb = tuple(params[i + 2 : i + 5])
            if len(set(rgb)) > 1:
                found.append(rgb)
            i += 5
        elif p in (38, 48) and params[i + 1 : i + 2] == [5]:
            if params[i + 2] not in GREY_256:
                found.append((params[i + 2],))
            i += 3
        else:
            if (30 <= p <= 37 or 40 <= p <= 47 or 90 <= p <= 97 or 100 <= p <= 107) and p not in GREY_BASIC:
                found.append((p,))
            i += 1
    return found


def test_q_quits_the_app_in_a_terminal_with_status_0():
    t = Terminal("sleep-study")
    shown(t, r"XW1")
    t.send("q")
    assert t.finish() == 0


def test_no_color_draws_without_colour_and_marks_written_cells_bold_and_underlined():
    t = Terminal("sleep-study", env={"NO_COLOR": "1"})
    shown(t, r"XW1")
    t.send("q")
    assert t.finish() == 0
    sgr = sgr_parameters(t.raw)
    assert sgr, "nothing drawn"
    assert [c for params in sgr for c in hues(params)] == []
    # The result of step 1 (XW1) is written: bold (1) and underlined (4) in the same sequence.
    assert any(1 in params and 4 in params for params in sgr)


def test_the_same_run_with_colour_does_use_colour():
    """The check above can fail: without NO_COLOR the very same run draws in colour."""
    t = Terminal("sleep-study")
    shown(t, r"XW1")
    t.send("q")
    assert t.finish() == 0
    assert [c for params in sgr_parameters(t.raw) for c in hues(params)]


@pytest.mark.parametrize("decimals", [6, 2])
def test_decimals_on_the_command_line(decimals):
    # W1's first entry 0.1 is on screen at step 1 (an input of XW1 = X · W1): written with the decimals asked for.
    value = "0." + "1".ljust(decimals, "0")
    t = Terminal("sleep-study", "--decimals", str(decimals))
    shown(t, r"XW1")
    t.send("q")
    assert t.finish() == 0
    text = t.text()
    matrix = text[text.index("W1  2×3") :]  # the matrices panel's W1, then the rest of the screen
    assert re.search(rf"│\s+{value}\s+-0\.2{'0' * (decimals - 1)}\s+0\.3{'0' * (decimals - 1)} │", matrix)
    assert "0.100 " not in text  # not the default 3 decimals


def test_bad_decimals_on_the_command_line_is_a_usage_error(run_cli):
    r = run_cli("sleep-study", "--decimals", "13")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.splitlines()[-1] == "backprop-tui: error: argument --decimals: expected 0 to 12 decimals, got 13"


def test_train_draws_a_progress_bar_on_a_terminal():
    t = Terminal("train", "xor", "--epochs", "4000")
    assert t.finish() == 0
    text = t.raw.decode()
    bars = re.findall(r"\r\[([#.]{30})\] (\d+)/4000", text)
    assert len(bars) > 10  # redrawn in place as training goes
    done = [int(n) for _, n in bars]
    assert done == sorted(done) and done[-1] == 4000
    assert bars[-1][0] == "#" * 30 and bars[0][0].count("#") < 30
    assert "epoch 4,000  J = " in text and "parameters after training:" in text
