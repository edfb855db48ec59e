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
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=kw.pop("cwd", ROOT),
            **kw,
        )

    return run


# --- the served app (test_serve.py, test_browser.py) -------------------------------------------

HOST = "127.0.0.1"
# CSI, OSC, DCS/PM/APC strings, charset selections and two-byte escapes: what a terminal draws
# around the text.
ANSI = __import__("re").compile(
    r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[()][0-9A-Za-z]|.)"
)


def free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def screen_text(raw: bytes) -> str:
    return ANSI.sub("", raw.decode("utf-8", "replace"))


class Served:
    """`backprop-tui serve sleep-study` on a free loopback port, and its page once it answers."""

    def __init__(self, proc, port: int) -> None:
        self.proc, self.port = proc, port
        self.url = f"http://{HOST}:{port}/"

    def wait_for_page(self, deadline: float = 15.0) -> str:
        import time
        import urllib.request

        start = time.monotonic()
        last = None
        while time.monotonic() - start < deadline:
            if self.proc.poll() is not None:
                _, err = self.proc.communicate()
                pytest.fail(f"server exited with {self.proc.returncode}: {err.decode(errors='replace')[-500:]}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    return response.read().decode("utf-8")
            except OSError as exc:
                last = exc
                time.sleep(0.2)
        pytest.fail(f"no page at {self.url} after {deadline} s: {last}")


@pytest.fixture
def served():
    import os
    import signal
    import subprocess

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui_backprop", "serve", "sleep-study", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        yield Served(proc, port)
    finally:
        # The server and the app processes it started share the session started above.
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        except ProcessLookupError:
            pass
        proc.communicate()


# --- the app never shows a non-finite value (test_app.py, test_stress.py) ----------------------


def app_screen_text(app) -> str:
    """What is on the app's screen, as text: the SVG screenshot without its markup."""
    import re
    from html import unescape

    svg = app.export_screenshot()
    body = re.sub(r"<style.*?</style>", " ", svg, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", "", body)).replace("\xa0", " ")


def nonfinite_shown(app) -> list[str]:
    """Every sign of a NaN or an infinity the app would show, [] when there is none.

    The app draws NaN as `—` and infinity as `∞` (view.fmt), so the words nan/inf are not enough:
    the screen must have neither word nor `∞`, the matrices panel (values only, no prose with
    dashes) no `—`, and the numbers behind the parameter and cost panels must all be finite.
    """
    import re

    import numpy as np

    text = app_screen_text(app)
    found = re.findall(r"\b(?:nan|inf|infinity)\b|∞", text, flags=re.I)
    matrices = app.query_one("#matrices").content.plain
    found += [f"matrices: {glyph}" for glyph in ("—", "∞") if glyph in matrices]
    session = app.session
    params = session.params_at(session.position.epoch)
    found += [f"parameter {name}" for name, v in params.named().items() if not np.isfinite(v).all()]
    found += [f"cost of epoch {i}" for i, c in enumerate(session.costs, 1) if not np.isfinite(c)]
    return found
