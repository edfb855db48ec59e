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
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import HOST, free_port, screen_text

aiohttp = pytest.importorskip("aiohttp")

from tui_backprop import serve as serve_module  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RIGHT = "\x1b[C"  # what xterm.js sends for →
STEP_1 = re.compile(r"step\s*1\s*/\s*16")
STEP_2 = re.compile(r"step\s*2\s*/\s*16")
APP_READY = (ROOT / "tui_backprop" / "app" / "__init__.py").exists()


class Terminal:
    """One browser's websocket: keys up, screen output down."""

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


class FakeServer:
    made: list[FakeServer] = []

    def __init__(self, command, host, port, title, public_url):
        self.command, self.host, self.port, self.public_url = command, host, port, public_url
        FakeServer.made.append(self)

    def serve(self):
        pass


@pytest.fixture
def fake_server(monkeypatch):
    FakeServer.made.clear()
    monkeypatch.setattr(serve_module, "_server_class", lambda: FakeServer)
    return FakeServer.made


def test_loopback_serves_quietly_and_prints_the_url(fake_server, capsys):
    assert serve_module.serve("sleep-study", "127.0.0.1", 8123) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "http://127.0.0.1:8123" in out
    made = fake_server[0]
    assert made.host == "127.0.0.1" and made.port == 8123
    assert made.command.endswith("-m tui_backprop sleep-study")
    assert made.command.startswith(sys.executable.replace(" ", "\\ ")) or sys.executable in made.command


def test_other_hosts_warn_in_one_line(fake_server, capsys):
    assert serve_module.serve(None, "0.0.0.0", 8124) == 0
    out, err = capsys.readouterr()
    assert err.count("\n") == 1

    assert f"students open http://{socket.gethostname()}:8124" in out
    assert "warning" in err and "0.0.0.0" in err and "127.0.0.1" in err
    assert fake_server[0].command.endswith("-m tui_backprop")  # no scenario: the app's default


def test_port_out_of_range_is_one_line(fake_server, capsys):
    assert serve_module.serve(None, "127.0.0.1", 0) == 2
    assert serve_module.serve(None, "127.0.0.1", 65536) == 2
    _out, err = capsys.readouterr()
    assert err.count("\n") == 2 and "expected an integer from 1 to 65535" in err
    assert fake_server == []


def test_the_command_quotes_the_scenario(tmp_path, monkeypatch):
    path = tmp_path / "my lesson.toml"
    path.write_text("")
    monkeypatch.chdir(tmp_path)
    command = serve_module.app_command("my lesson.toml")
    assert command.endswith(f"'{path}'")  # absolute, quoted for the shell textual-serve uses
    assert serve_module.app_command("x; rm -rf /").endswith("'x; rm -rf /'")


def test_url_for_ipv6():
    assert serve_module.url_for("::1", 8000) == "http://[::1]:8000"
    assert serve_module.url_for("127.0.0.1", 80) == "http://127.0.0.1:80"


def test_serve_errors_word_for_word(fake_server, capsys):
    assert serve_module.serve(None, "  ", 8000) == 2
    assert capsys.readouterr().err == "backprop-tui: --host: expected a host name or address, got an empty string\n"
    assert serve_module.serve(None, "127.0.0.1", 70000) == 2
    assert capsys.readouterr().err == "backprop-tui: --port: expected an integer from 1 to 65535, got 70000\n"
    assert fake_server == []


def test_a_port_in_use_is_one_line():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind((HOST, 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = subprocess.run(
            [sys.executable, "-m", "tui_backprop", "serve", "--port", str(port)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert r.returncode == 1
    assert r.stderr == (
        f"backprop-tui: cannot serve on 127.0.0.1:{port}: error while attempting to bind on address "
        f"('127.0.0.1', {port}): address already in use\n"
    )
