"""End to end in headless Chromium: the served page shows the app, and → moves the stepper.

Debian's chromium (/usr/bin/chromium) driven by Playwright's Python package; never
`playwright install` (it cannot download here). The terminal is drawn on a canvas,
so the test checks both the websocket frames the page receives (the screen text,
escape sequences stripped) and that a screenshot after the key differs from the one
before. Set BACKPROP_SCREENSHOTS=DIR to keep the screenshots.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import HOST, alive, screen_text

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--headless",
]
ROOT = Path(__file__).resolve().parents[1]
STEP_1 = re.compile(r"step\s*1\s*/\s*16")
STEP_2 = re.compile(r"step\s*2\s*/\s*16")

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

pytestmark = [
    pytest.mark.skipif(sync_playwright is None, reason="playwright (the Python package) is not installed"),
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is absent (apt-get install chromium)"),
    pytest.mark.skipif(
        not (ROOT / "tui_backprop" / "app" / "__init__.py").exists(), reason="the Textual app is not there yet"
    ),
]


@pytest.fixture
def server_url(served):
    served.wait_for_page()
    return served.url


class Frames:
    """Everything the page's websockets received, as screen text."""

    def __init__(self) -> None:
        self.raw = b""

    def on_websocket(self, ws) -> None:
        ws.on("framereceived", self.received)

    def received(self, payload) -> None:
        self.raw += payload if isinstance(payload, bytes) else payload.encode("utf-8")

    def text(self, since: int = 0) -> str:
        return screen_text(self.raw[since:])


def wait_for(page, frames: Frames, pattern: re.Pattern, since: int = 0, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not pattern.search(frames.text(since)):
        if time.monotonic() > end:
            pytest.fail(f"{pattern.pattern!r} never arrived; the screen text was:\n{frames.text(since)[-1500:]}")
        page.wait_for_timeout(100)  # lets Playwright deliver the frame events


class OnlyLocal:
    """Lets requests to 127.0.0.1 through and records (and blocks) any other: an offline classroom."""

    def __init__(self) -> None:
        self.elsewhere: list[str] = []

    def __call__(self, route) -> None:
        if route.request.url.startswith(f"http://{HOST}") or route.request.url.startswith(f"ws://{HOST}"):
            route.continue_()
        else:
            self.elsewhere.append(route.request.url)
            route.abort()


def test_arrow_key_in_the_browser_moves_the_stepper(server_url, tmp_path):
    keep = os.environ.get("BACKPROP_SCREENSHOTS")
    shots = Path(keep) if keep else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    frames = Frames()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            only_local = OnlyLocal()
            page.route("**/*", only_local)
            page.on("websocket", frames.on_websocket)
            page.goto(server_url)
            # textual.js marks the body once the app's first bytes have arrived.
            page.wait_for_selector("body.-first-byte", timeout=15_000)
            wait_for(page, frames, STEP_1)
            assert "Sleep and study" in frames.text()
            page.wait_for_timeout(700)  # the terminal fades in (0.3 s) and finishes drawing
            before = page.screenshot(path=str(shots / "browser-step1.png"))

            mark = len(frames.raw)
            page.locator(".xterm-helper-textarea").focus()  # the terminal's keyboard input
            page.keyboard.press("ArrowRight")
            wait_for(page, frames, STEP_2, since=mark)
            page.wait_for_timeout(700)
            after = page.screenshot(path=str(shots / "browser-step2.png"))
            fonts = page.evaluate("document.fonts.check('16px \"Roboto Mono\"')")
        finally:
            browser.close()
    assert before != after, "the page looked the same after →"
    assert only_local.elsewhere == [], only_local.elsewhere
    assert fonts  # the terminal's font, from the server itself


def chromium(tmp_path, *args: str) -> list[str]:
    return [CHROMIUM, *CHROMIUM_ARGS, f"--user-data-dir={tmp_path / 'profile'}", *args]


def test_a_browser_that_loads_the_page_and_exits_leaves_no_process(served, tmp_path):
    """The report's case: headless Chromium takes a screenshot and exits, mid-start or just after."""
    served.wait_for_page()
    for _ in range(3):
        subprocess.run(
            chromium(tmp_path, "--virtual-time-budget=3000", f"--screenshot={tmp_path / 'shot.png'}", served.url),
            capture_output=True,
            timeout=120,
        )
    served.wait_for_log("joined")
    end = time.monotonic() + 30
    while served.sessions() and time.monotonic() < end:
        time.sleep(0.2)
    assert served.sessions() == [], f"app processes left: {served.sessions()}"
    assert "(0 connected)" in served.log.splitlines()[-1]


def test_a_killed_browser_leaves_no_process(served, tmp_path):
    served.wait_for_page()
    browser = subprocess.Popen(
        chromium(tmp_path, served.url), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        served.wait_for_log("joined (1 connected)", deadline=60)
        apps = served.sessions()
        assert len(apps) == 1
    finally:
        os.killpg(browser.pid, signal.SIGKILL)  # the browser and its renderers, at once
        browser.wait()
    end = time.monotonic() + 30
    while alive(apps[0]) and time.monotonic() < end:
        time.sleep(0.2)
    assert not alive(apps[0]), "the app process outlived its browser"
    served.wait_for_log("(0 connected)")
