"""`backprop-tui serve`: the page, its websocket, one app per browser; loopback by default.

The server runs as a subprocess on a free port of 127.0.0.1; the test speaks the
protocol of textual-serve's page (tui_backprop/serve.py explains it): JSON text
frames ["resize", {...}] and ["stdin", keys] up, binary frames of terminal output
down, read here with the escape sequences stripped.
"""

from __future__ import annotations

import asyncio
import json
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import HOST, alive, cpu_seconds, free_port, screen_text

aiohttp = pytest.importorskip("aiohttp")

from tui_backprop import serve as serve_module  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RIGHT = "\x1b[C"  # what xterm.js sends for →
STEP_1 = re.compile(r"step\s*1\s*/\s*16")
STEP_2 = re.compile(r"step\s*2\s*/\s*16")
APP_READY = (ROOT / "tui_backprop" / "app" / "__init__.py").exists()


class Terminal:
    """One browser's websocket: keys up, screen output down."""

    closed = False

    def __init__(self, ws) -> None:
        self.ws = ws
        self.raw = b""

    async def send_size(self, width: int, height: int) -> None:
        await self.ws.send_str(json.dumps(["resize", {"width": width, "height": height}]))

    async def press(self, keys: str) -> None:
        await self.ws.send_str(json.dumps(["stdin", keys]))

    async def wait_for(self, pattern: re.Pattern, since: int = 0, timeout: float = 10.0) -> str:
        """Read frames until `pattern` shows in what arrived after byte `since`."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            text = screen_text(self.raw[since:])
            if pattern.search(text):
                return text
            left = end - loop.time()
            if left <= 0:
                pytest.fail(f"{pattern.pattern!r} did not arrive in {timeout} s; the screen text was:\n{text[-1500:]}")
            try:
                msg = await self.ws.receive(timeout=left)
            except TimeoutError:
                continue
            if msg.type == aiohttp.WSMsgType.BINARY:
                self.raw += msg.data
            elif msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                self.closed = True
                pytest.fail(f"the websocket closed before {pattern.pattern!r} arrived: {screen_text(self.raw)[-800:]}")


@pytest.mark.skipif(not APP_READY, reason="the Textual app (tui_backprop/app) is not there yet")
async def test_page_websocket_first_screen_and_a_key(served):
    port = served.port
    page = served.wait_for_page()
    assert "textual.js" in page
    match = re.search(r'data-session-websocket-url="(ws://[^"]+)"', page)
    assert match, "the page names no websocket"
    ws_url = match.group(1)
    assert ws_url.startswith(f"ws://{HOST}:{port}/")  # the page points back at the host the browser used

    async with aiohttp.ClientSession() as http, http.ws_connect(f"{ws_url}?width=120&height=40") as ws:
        term = Terminal(ws)
        await term.send_size(120, 40)
        first = await term.wait_for(STEP_1)
        assert "Sleep and study" in first
        mark = len(term.raw)
        await term.press(RIGHT)
        await term.wait_for(STEP_2, since=mark)

        # A second browser gets its own app: it starts at step 1, whatever the first did.
        async with http.ws_connect(f"{ws_url}?width=120&height=40") as ws2:
            other = Terminal(ws2)
            await other.send_size(120, 40)
            text = await other.wait_for(STEP_1)
            assert not STEP_2.search(text)
            assert len(served.sessions()) == 2
    # Both tabs closed (a close frame each): both apps gone.
    wait_until(lambda: served.sessions() == [], 10, "an app outlived its closed tab")
    served.wait_for_log("(0 connected)")


def test_serve_rejects_a_bad_port_in_one_line():
    for port in ("0", "70000"):
        r = subprocess.run(
            [sys.executable, "-m", "tui_backprop", "serve", "--port", port],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=20,
        )
        assert r.returncode == 2
        assert r.stderr.count("\n") == 1, r.stderr
        assert "1 to 65535" in r.stderr and port in r.stderr


def test_serve_rejects_a_bad_scenario_before_serving():
    r = subprocess.run(
        [sys.executable, "-m", "tui_backprop", "serve", "no-such-scenario", "--port", str(free_port())],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and "no-such-scenario" in r.stderr


@pytest.mark.parametrize(
    "host, loopback",
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.5", False),
        ("example.org", False),
    ],
)
def test_loopback(host, loopback):
    assert serve_module.is_loopback(host) is loopback


def test_url_for_ipv6():
    assert serve_module.url_for("::1", 8000) == "http://[::1]:8000"
    assert serve_module.url_for("127.0.0.1", 80) == "http://127.0.0.1:80"


# --- a class: students who vanish, limits, errors -----------------------------------------------

# A student's browser, as a separate process the test can kill: joins, waits for the first screen
# (or not, with "early"), says so on stdout, then waits to be killed.
STUDENT = textwrap.dedent(
    """
    import asyncio, json, re, sys
    import aiohttp
    sys.path.insert(0, sys.argv[3])
    from conftest import screen_text

    async def main(url, when):
        async with aiohttp.ClientSession() as http, http.ws_connect(url + "?width=100&height=30") as ws:
            await ws.send_str(json.dumps(["resize", {"width": 100, "height": 30}]))
            raw = b""
            while when == "late" and not re.search(r"step\\s*1\\s*/\\s*16", screen_text(raw)):
                msg = await ws.receive()
                raw += msg.data if isinstance(msg.data, bytes) else b""
            print("ready", flush=True)
            await asyncio.sleep(600)

    asyncio.run(main(sys.argv[1], sys.argv[2]))
    """
)


def start_student(served, when: str) -> subprocess.Popen:
    student = subprocess.Popen(
        [sys.executable, "-c", STUDENT, served.ws_url, when, str(ROOT / "tests")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert student.stdout.readline().strip() == "ready", student.stderr.read()
    return student


def wait_until(condition, deadline: float, what: str) -> float:
    """Poll `condition` until true; returns how long it took (no timed assertion: the deadline is a bound)."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > deadline:
            pytest.fail(f"{what} within {deadline} s")
        time.sleep(0.1)
    return time.monotonic() - start


def session_of(served) -> int:
    wait_until(lambda: len(served.sessions()) == 1, 20, "one app process for the student")
    return served.sessions()[0]


@pytest.mark.parametrize("when", ["late", "early"])
def test_a_student_killed_with_sigkill_leaves_no_process_behind(served, when):
    """The websocket client dies without closing anything (SIGKILL), after its first screen or before."""
    served.wait_for_page()
    student = start_student(served, when)
    app = session_of(served)
    served.wait_for_log("joined (1 connected)")
    cpu = [cpu_seconds(app)]
    student.kill()
    student.wait()

    def gone() -> bool:
        try:
            cpu.append(cpu_seconds(app))
        except OSError:
            return True
        return not alive(app)

    wait_until(gone, 30, "the app process did not exit")
    log = served.wait_for_log("left after")
    assert re.search(r"127\.0\.0\.1 left after \d+ s \(0 connected\)", log), log
    assert served.sessions() == []
    # Until it went it did not spin: a spinning process burns about a second of CPU each second.
    assert cpu[-1] - cpu[0] < 0.5, cpu


def test_a_student_whose_browser_stops_answering_is_ended(served):
    """A laptop shut or a network dropped: no close ever arrives; the websocket heartbeat notices."""
    served.wait_for_page()
    student = start_student(served, "late")
    app = session_of(served)
    student.send_signal(signal.SIGSTOP)  # its connection stays open, but nothing answers the pings
    try:
        wait_until(lambda: not alive(app), 45, "the app of a browser that stopped answering did not exit")
        served.wait_for_log("left after")
    finally:
        student.kill()
        student.wait()


def test_every_join_and_leave_is_one_line_with_the_count(served):
    served.wait_for_page()
    first = start_student(served, "late")
    served.wait_for_log("joined (1 connected)")
    second = start_student(served, "late")
    served.wait_for_log("joined (2 connected)")
    first.kill()
    served.wait_for_log("left after")
    second.kill()
    log = served.wait_for_log("(0 connected)")
    lines = [l for l in log.splitlines() if "connected)" in l]
    assert [re.sub(r".* \((\d+) connected\)$", r"\1", l) for l in lines] == ["1", "2", "1", "0"], log
    assert all(l.startswith("backprop-tui: ") for l in lines)


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_the_servers_own_end_ends_every_app(served, how):
    """Stopped (SIGTERM, Ctrl+C's SIGINT) it ends them; killed, they end on their own."""
    served.wait_for_page()
    student = start_student(served, "late")
    app = session_of(served)
    started = [p for p in __import__("conftest").descendants(served.proc.pid)]
    assert len(started) == 2  # the warm process and the student's app
    served.proc.send_signal(how)
    assert served.proc.wait(timeout=15) == (-signal.SIGKILL if how == signal.SIGKILL else 0)
    wait_until(lambda: not any(alive(p) for p in started), 10, "an app process outlived the server")
    assert not alive(app)
    assert ("stopped; every session ended" in served.log) is (how != signal.SIGKILL)
    student.kill()


async def test_the_class_is_full_page_and_no_hang(serve_with):
    served = serve_with("--max-sessions", "1")
    served.wait_for_page()
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(f"{served.ws_url}?width=100&height=30") as ws:
            await Terminal(ws).wait_for(STEP_1)
            # Student 2 asks for the page: told at once the class is full (not a hang, not a blank page).
            async with http.get(served.url) as response:
                assert response.status == 503
                page = await response.text()
            assert "The class is full" in page and "All 1 places" in page
            # A websocket opened anyway (a page loaded just before) says so on the terminal, then closes.
            async with http.ws_connect(f"{served.ws_url}?width=100&height=30") as late:
                msg = await late.receive(timeout=10)
                assert msg.type == aiohttp.WSMsgType.BINARY and b"The class is full (1 students)" in msg.data
                assert (await late.receive(timeout=10)).type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
        served.wait_for_log("left after")
        async with http.get(served.url) as response:  # a place is free again
            assert response.status == 200
    assert "turned 127.0.0.1 away: the class is full" in served.log


async def test_an_idle_session_is_ended(serve_with):
    served = serve_with("--idle-timeout", "0.05")  # 3 s
    served.wait_for_page()
    async with aiohttp.ClientSession() as http, http.ws_connect(f"{served.ws_url}?width=100&height=30") as ws:
        term = Terminal(ws)
        await term.wait_for(STEP_1)
        app = session_of(served)
        await term.press(RIGHT)  # a key resets the clock
        await term.wait_for(STEP_2, since=0)
        loop = asyncio.get_running_loop()
        end = loop.time() + 30
        while loop.time() < end:
            msg = await ws.receive(timeout=30)
            if msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                break
        else:
            pytest.fail("the idle session was not ended")
    log = served.wait_for_log("was idle 3 s: session ended")
    assert "(0 connected)" in log.splitlines()[-1]
    wait_until(lambda: not alive(app), 10, "the idle session's app did not exit")


def test_a_port_in_use_is_one_line_before_any_banner():
    with socket.socket() as taken:
        taken.bind((HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = subprocess.run(
            [sys.executable, "-m", "tui_backprop", "serve", "--port", str(port)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert r.returncode == 1
    assert r.stderr == f"backprop-tui: port {port} is in use; choose another with --port\n"
    assert r.stdout == ""


@pytest.mark.parametrize(
    "args, message",
    [
        (["--max-sessions", "0"], "--max-sessions: expected an integer from 1 to 10000, got 0"),
        (["--idle-timeout", "-1"], "--idle-timeout: expected minutes from 0 (never) to 1440, got -1"),
    ],
)
def test_limits_out_of_range_are_one_line(args, message):
    r = subprocess.run(
        [sys.executable, "-m", "tui_backprop", "serve", *args], cwd=ROOT, capture_output=True, text=True, timeout=30
    )
    assert r.returncode == 2 and r.stderr == f"backprop-tui: {message}\n" and r.stdout == ""


URL = re.compile(r'(?:src|href)\s*=\s*"([^"]+)"|url\(\s*"?([^")]+)|data-session-websocket-url="([^"]+)"')


def test_the_page_loads_nothing_from_other_hosts(served):
    page = served.wait_for_page()
    urls = [next(g for g in m.groups() if g) for m in URL.finditer(page)]
    assert len(urls) >= 5, urls  # stylesheet, script, two fonts, background, websocket
    for url in urls:
        assert url.startswith("/") or url.startswith(f"ws://{HOST}:{served.port}/"), url
        if url.startswith("/"):  # and each is really there
            with urllib.request.urlopen(served.url.rstrip("/") + url, timeout=5) as response:
                assert response.status == 200 and response.read()
    assert "googleapis" not in page and "https://" not in page
    assert "RobotoMono-VariableFont_wght.ttf" in page  # the font the terminal asks for, served here


@pytest.mark.skipif(not APP_READY, reason="the Textual app (tui_backprop/app) is not there yet")
@pytest.mark.parametrize("web", [True, False])
async def test_in_a_browser_the_app_ignores_focus_changes(monkeypatch, web):
    """Each click outside the page's terminal is an AppBlur: in a browser the app stays focused (no restyle)."""
    from textual import events

    from tui_backprop.app import BackpropApp
    from tui_backprop.core import resolve

    monkeypatch.setattr(BackpropApp, "is_web", property(lambda self: web))
    app = BackpropApp(resolve("sleep-study"))
    async with app.run_test(size=(120, 40)) as pilot:
        app.post_message(events.AppBlur())
        await pilot.pause()
        assert app.app_focus is web  # in a terminal, blur works as Textual has it
        app.post_message(events.AppFocus())
        await pilot.pause()
        assert app.app_focus
