"""`backprop-tui serve`: the app in a browser, one app process per browser tab, via textual-serve.

textual-serve's Server answers `GET /` with a page that draws a terminal (xterm.js on
a canvas) and opens the websocket `/ws`. For every websocket it starts the command
below as a new process with TEXTUAL_DRIVER set to Textual's web driver, forwards the
browser's keys (["stdin", data]) and size (["resize", {width, height}]) to it, and
sends its screen output back as binary frames. So each browser has its own session.
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import sys
from pathlib import Path

PROG = "backprop-tui"
LOOPBACK_NAMES = ("localhost", "localhost.", "ip6-localhost", "ip6-loopback")


def is_loopback(host: str) -> bool:
    """127.x.x.x, ::1 and localhost: reachable only from this machine."""
    host = host.strip().strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def app_command(spec: str | None) -> str:
    """The shell command that runs one app process (textual-serve runs it with a shell)."""
    parts = [sys.executable, "-m", "tui_backprop"]
    if spec is not None:
        path = Path(spec)
        # A file given relative to where `serve` was started: make it absolute, so the
        # command does not depend on the app process's working directory.
        parts.append(str(path.resolve()) if path.exists() else spec)
    return " ".join(shlex.quote(p) for p in parts)


def url_for(host: str, port: int) -> str:
    shown = host.strip("[]")
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def _err(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


def _ensure_importable() -> None:
    """Let the app processes import this very package, even when it is not installed."""
    root = str(Path(__file__).resolve().parent.parent)
    current = os.environ.get("PYTHONPATH", "")
    if root not in current.split(os.pathsep):
        os.environ["PYTHONPATH"] = root + (os.pathsep + current if current else "")


def _server_class():
    import aiohttp_jinja2
    from textual_serve.server import Server, to_int

    class BrowserServer(Server):
        """textual-serve's Server, with the page's URLs taken from the request.

        The stock page writes the address the server was bound to into the page; for
        --host 0.0.0.0 that is not an address a student's browser can use. Here the
        page points its websocket and static files at whatever host the browser used.
        """

        @aiohttp_jinja2.template("app_index.html")
        async def handle_index(self, request):
            base = f"{request.scheme}://{request.host}"
            ws_scheme = "wss" if request.scheme == "https" else "ws"
            router = request.app.router
            return {
                "font_size": to_int(request.query.get("fontsize", "16"), 16),
                "app_websocket_url": f"{ws_scheme}://{request.host}{router['websocket'].url_for()}",
                "config": {"static": {"url": f"{base}{router['static'].url_for(filename='/')}".rstrip("/") + "/"}},
                "application": {"name": self.title},
            }

    return BrowserServer


def serve(spec: str | None, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Serve the app until interrupted; returns the exit code."""
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        _err(f"--port: expected an integer from 1 to 65535, got {port}")
        return 2
    if not host or not host.strip():
        _err("--host: expected a host name or address, got an empty string")
        return 2
    if not is_loopback(host):
        _err(
            f"warning: serving on {host}, not loopback: anyone who can reach this machine "
            "on that address can open the app (use --host 127.0.0.1 to keep it local)"
        )

    _ensure_importable()
    url = url_for(host, port)
    server = _server_class()(app_command(spec), host=host, port=port, title=PROG, public_url=url)
    print(f"{PROG}: serving {spec or 'the default scenario'} at {url} (Ctrl+C to stop)", flush=True)
    if host.strip("[]") in ("0.0.0.0", "::"):
        # Every interface: not an address a browser can open. The machine's name usually is.
        import socket

        print(f"{PROG}: students open {url_for(socket.gethostname(), port)} (or this machine's address)", flush=True)
    try:
        server.serve()
    except OSError as exc:
        _err(f"cannot serve on {host}:{port}: {exc.strerror or exc}")
        return 1
    except KeyboardInterrupt:
        return 0
    return 0
