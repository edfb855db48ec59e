import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings as _hypothesis_settings

# On CI (CI=true) the property tests draw the same examples every run, so a landing never hangs on the luck of
# the draw; on a developer's machine they keep exploring, and what they find becomes a test of its own.
_hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")

# The suite pins English words: a developer's Chinese locale must not change them, in this process or in
# the subprocesses it starts (tests/test_i18n.py chooses its languages itself).
for _variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
    if os.environ.get(_variable, "").lower().startswith("zh"):
        os.environ[_variable] = "C.UTF-8"
os.environ.pop("BACKPROP_TUI_LANG", None)


@pytest.fixture(autouse=True)
def _the_locales_language_again():
    """The language is process state: a test that chose one (--lang, a lesson's) leaves the next the locale's."""
    yield
    from tui_backprop import i18n

    if i18n.language() != i18n.resolve(None) or i18n.chosen():
        i18n.start()


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
    """`backprop-tui serve sleep-study ARGS` on a free loopback port: its page once it answers, its log,
    the processes it started."""

    def __init__(self, tmp_path, *args: str) -> None:
        import subprocess

        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}/"
        self.ws_url = f"ws://{HOST}:{self.port}/ws"
        self.out_path, self.err_path = tmp_path / "serve.out", tmp_path / "serve.err"
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tui_backprop", "serve", "sleep-study", "--port", str(self.port), *args],
                cwd=ROOT,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )

    @property
    def log(self) -> str:
        return self.out_path.read_text(encoding="utf-8", errors="replace")

    @property
    def errors(self) -> str:
        return self.err_path.read_text(encoding="utf-8", errors="replace")

    def wait_for_page(self, deadline: float = 15.0) -> str:
        import time
        import urllib.request

        start = time.monotonic()
        last = None
        while time.monotonic() - start < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"server exited with {self.proc.returncode}: {self.errors[-500:]}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    return response.read().decode("utf-8")
            except OSError as exc:
                last = exc
                time.sleep(0.2)
        pytest.fail(f"no page at {self.url} after {deadline} s: {last}")

    def wait_for_log(self, text: str, deadline: float = 20.0) -> str:
        import time

        end = time.monotonic() + deadline
        while text not in self.log:
            if time.monotonic() > end:
                pytest.fail(f"{text!r} never appeared in the server's log:\n{self.log[-1500:]}")
            time.sleep(0.1)
        return self.log

    def sessions(self) -> list[int]:
        """The app processes serving browsers now: below the warm process (the server's child) they are forked from."""
        return [p for p in descendants(self.proc.pid) if parent(p) != self.proc.pid]

    def stop(self) -> None:
        import os
        import signal
        import subprocess

        # The server and the app processes it started share the session started above.
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)
        except ProcessLookupError:
            pass


def descendants(root: int) -> list[int]:
    """Every live process below `root` (zombies excluded), from /proc."""
    import os

    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat[0] != "Z":
            parents[int(entry)] = int(stat[1])
    found, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        kids = [p for p, parent in parents.items() if parent == pid]
        found += kids
        frontier += kids
    return found


def parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return None


def alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting to be reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def cpu_seconds(pid: int) -> float:
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.fixture
def serve_with(tmp_path):
    """Start servers with extra arguments: `serve_with("--max-sessions", "1")`; all stopped at the end."""
    started = []

    def start(*args: str) -> Served:
        served = Served(tmp_path / str(len(started)), *args)
        started.append(served)
        return served

    for sub in range(4):
        (tmp_path / str(sub)).mkdir()
    yield start
    for served in started:
        served.stop()


@pytest.fixture
def served(serve_with):
    return serve_with()


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
