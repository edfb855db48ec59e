"""`backprop-tui serve`: the app in a browser, one app process per browser tab (classroom.py).

Checks the arguments and binds the port before printing anything, so a port in use is one line
and exit 1; then serves until Ctrl+C or SIGTERM, and ends every app process on the way out.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import signal
import socket
from contextlib import suppress

from .i18n import _
from .say import PROG, err, say

LOOPBACK_NAMES = ("localhost", "localhost.", "ip6-localhost", "ip6-loopback")
DEFAULT_MAX_SESSIONS = 60
DEFAULT_IDLE_MINUTES = 30.0


def is_loopback(host: str) -> bool:
    """127.x.x.x, ::1 and localhost: reachable only from this machine."""
    host = host.strip().strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_for(host: str, port: int) -> str:
    shown = host.strip("[]")
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def listen(host: str, port: int) -> socket.socket:
    """The server's listening socket; OSError as the one line to print."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise OSError(_("cannot serve on {host}: {reason}").format(host=host, reason=exc.strerror)) from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise OSError(_("port {port} is in use; choose another with --port").format(port=port)) from None
        raise OSError(
            _("cannot serve on {host}: {reason}").format(host=f"{host}:{port}", reason=exc.strerror or exc)
        ) from None
    sock.setblocking(False)
    return sock


def check(port, max_sessions, idle_minutes) -> str | None:
    """What is wrong with the numbers on the command line, if anything (exit 2)."""
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        return _("--port: expected an integer from 1 to 65535, got {found}").format(found=port)
    if not isinstance(max_sessions, int) or not 1 <= max_sessions <= 10_000:
        return _("--max-sessions: expected an integer from 1 to 10000, got {found}").format(found=max_sessions)
    if not 0 <= idle_minutes <= 24 * 60:
        return _("--idle-timeout: expected minutes from 0 (never) to 1440, got {found}").format(
            found=f"{idle_minutes:g}"
        )
    return None


def serve(
    spec: str | None,
    host: str = "127.0.0.1",
    port: int = 8000,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
    idle_minutes: float = DEFAULT_IDLE_MINUTES,
) -> int:
    """Serve the app until interrupted; returns the exit code."""
    problem = check(port, max_sessions, idle_minutes)
    if problem is None and (not host or not host.strip()):
        problem = "--host: expected a host name or address, got an empty string"
    if problem:
        err(problem)
        return 2
    try:
        sock = listen(host, port)
    except OSError as exc:
        err(str(exc))
        return 1
    if not is_loopback(host):
        err(
            _(
                "warning: serving on {host}, not loopback: anyone who can reach this machine "
                "on that address can open the app (use --host 127.0.0.1 to keep it local)"
            ).format(host=host)
        )
    url = url_for(host, port)
    idle = (
        _("sessions idle {minutes} min end").format(minutes=f"{idle_minutes:g}")
        if idle_minutes
        else _("no idle timeout")
    )
    say(
        _("serving {scenario} at {url} (at most {n} students, {idle}; Ctrl+C to stop)").format(
            scenario=spec or _("the default scenario"), url=url, n=max_sessions, idle=idle
        )
    )
    if host.strip("[]") in ("0.0.0.0", "::"):
        # Every interface: not an address a browser can open. The machine's name usually is.
        say(_("students open {url} (or this machine's address)").format(url=url_for(socket.gethostname(), port)))
    with suppress(KeyboardInterrupt):
        asyncio.run(_run(sock, spec, max_sessions, idle_minutes * 60 or None))
    return 0


async def _run(sock: socket.socket, spec: str | None, max_sessions: int, idle_seconds: float | None) -> None:
    from aiohttp import web

    from .classroom import Classroom

    classroom = Classroom(spec, PROG, max_sessions, idle_seconds)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, stop.set)
    runner = web.AppRunner(classroom.web_app(), handle_signals=False, access_log=None, shutdown_timeout=5)
    await runner.setup()
    try:
        await web.SockSite(runner, sock).start()
        await classroom.start()
        await stop.wait()
    finally:
        await classroom.close()
        await runner.cleanup()
        say(_("stopped; every session ended"))
