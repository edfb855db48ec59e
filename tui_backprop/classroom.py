"""The classroom server behind `backprop-tui serve`: the page, one app process per browser, the limits.

The page is textual-serve's (xterm.js on a canvas, its script and font from textual-serve's static
files, nothing from other hosts). It opens the websocket `/ws` and sends JSON text frames:
["stdin", keys], ["resize", {width, height}], ["ping", x], ["focus"], ["blur"]; the server answers
with the app's screen output as binary frames. Between the server and an app process runs Textual's
web-driver protocol: a line "__GANGLION__", then packets of one type byte (D data, M meta JSON,
P packed), a 4-byte big-endian length and the payload.

App processes are forked by one warm process (`warm.py`) that has already imported Textual, numpy
and the app, so a student's first screen costs a fork and one paint, not an interpreter start.
textual-serve's own AppService is not used: it never ends the process it started (it writes a
"quit" packet and waits for the process to close its output, with no time limit), and it stops
reading the process's output once a write to a closed websocket fails, so an app writing more
then blocks on the full pipe for good. Here a session ends by closing the app's connection — the
app exits at end of file — and the process is killed if it has not gone two seconds later.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import string
import sys
import tempfile
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import WSMsgType, web

from .i18n import LANGUAGE_VARIABLE, N_, _, chosen, language
from .say import PROG, say

PAGES = Path(__file__).resolve().parent / "page"
EXIT_GRACE = 2.0  # seconds an app process has to exit at end of file before it is killed
OPEN_TIMEOUT = 60.0  # seconds a student's app may take to be forked (the warm process may still be starting)
WARM_MIN_LIFE = 30.0  # a warm process that exits sooner is not restarted
FULL_MESSAGE = N_("The class is full ({limit} students). Reload the page in a minute, or ask your teacher.")


def static_dir() -> Path:
    import textual_serve

    return Path(textual_serve.__file__).resolve().parent / "static"


def _page(name: str) -> string.Template:
    return string.Template((PAGES / name).read_text(encoding="utf-8"))


def _kill(pid: int, pidfd: int | None) -> None:
    with suppress(OSError):
        if pidfd is not None:
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)


@dataclass(eq=False)
class Session:
    """One browser's app process, reached through the connection the warm process forked it for."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    pid: int
    peer: str
    pidfd: int | None = None
    started: float = field(default_factory=time.monotonic)
    last_input: float = field(default_factory=time.monotonic)

    def send(self, kind: bytes, payload: bytes) -> None:
        if not self.writer.is_closing():
            self.writer.write(kind + len(payload).to_bytes(4, "big") + payload)

    def meta(self, data: dict) -> None:
        self.send(b"M", json.dumps(data).encode())

    async def relay_output(self, ws: web.WebSocketResponse) -> None:
        """The app's screen to the browser, until the app closes its end. Output keeps being read after
        the browser has gone, so the app never blocks writing."""
        reader = self.reader
        with suppress(asyncio.IncompleteReadError, ConnectionError):
            while (await reader.readline()) != b"__GANGLION__\n":
                pass
            while True:
                kind = await reader.readexactly(1)
                payload = await reader.readexactly(int.from_bytes(await reader.readexactly(4), "big"))
                if ws.closed:
                    continue
                try:
                    if kind == b"D":
                        await ws.send_bytes(payload)
                    elif kind == b"M" and json.loads(payload).get("type") == "exit":
                        await ws.close()  # the app quit (q): the page shows "Session ended"
                except (ConnectionError, RuntimeError):
                    pass

    async def end(self) -> None:
        """Close the app's connection (it exits at end of file); kill it if it is still there after the grace."""
        with suppress(OSError, RuntimeError):
            if self.writer.can_write_eof():
                self.writer.write_eof()
        if not await self._exited(EXIT_GRACE):
            _kill(self.pid, self.pidfd)
            await self._exited(EXIT_GRACE)
        self.writer.close()
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None

    async def _exited(self, timeout: float) -> bool:
        if self.pidfd is None:  # no pidfd (not Linux): the connection's end of file stands in for the exit
            with suppress(TimeoutError, OSError):
                await asyncio.wait_for(self.reader.read(), timeout)
                return True
            return False
        loop = asyncio.get_running_loop()
        gone = loop.create_future()
        loop.add_reader(self.pidfd, lambda: gone.done() or gone.set_result(True))
        try:
            await asyncio.wait_for(gone, timeout)
            return True
        except TimeoutError:
            return False
        finally:
            loop.remove_reader(self.pidfd)


class Classroom:
    """The aiohttp application: the page, the websocket, the warm process, the limits and the log."""

    def __init__(self, spec: str | None, title: str = PROG, max_sessions: int = 60, idle_timeout: float | None = None):
        self.spec = spec
        self.title = title
        self.max_sessions = max_sessions
        self.idle_timeout = idle_timeout  # seconds, or None
        self.sessions: set[Session] = set()
        self.starting = 0  # websockets whose app is being forked
        self.closing = False
        self._dir = tempfile.mkdtemp(prefix="backprop-tui-")
        self._socket_path = os.path.join(self._dir, "warm.sock")
        self._listener: socket.socket | None = None
        self._warm: asyncio.subprocess.Process | None = None
        self._tasks: set[asyncio.Task] = set()
        self._index = _page("index.html")
        self._full = _page("full.html")

    # --- the warm process ------------------------------------------------------------------------

    async def _start_warm(self) -> None:
        if self._listener is None:
            self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self._listener.bind(self._socket_path)
            self._listener.listen(128)  # connections wait here while the warm process (re)starts
        root = str(Path(__file__).resolve().parent.parent)
        env = dict(os.environ)
        env.update(
            PYTHONPATH=os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p),
            TEXTUAL_FPS="60",
            TEXTUAL_COLOR_SYSTEM="truecolor",
            TERM_PROGRAM="textual",
            # One BLAS thread each: thirty sessions share two cores, and a fork keeps only the forking thread.
            OPENBLAS_NUM_THREADS="1",
            OMP_NUM_THREADS="1",
            MKL_NUM_THREADS="1",
        )
        # --lang reaches the app processes too (without it, they read the locale and the lesson as the server did).
        env.pop(LANGUAGE_VARIABLE, None)
        if chosen():
            env[LANGUAGE_VARIABLE] = language()
        fd = self._listener.fileno()
        self._warm = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tui_backprop.warm",
            str(fd),
            self.spec or "",
            stdin=asyncio.subprocess.PIPE,  # its end of file tells the warm process the server has gone
            stdout=asyncio.subprocess.DEVNULL,
            pass_fds=(fd,),
            env=env,
            start_new_session=True,  # Ctrl+C in the teacher's terminal reaches the server alone
        )
        self._spawn(self._watch_warm(self._warm))

    async def _watch_warm(self, proc: asyncio.subprocess.Process) -> None:
        started = time.monotonic()
        code = await proc.wait()
        if self.closing:
            return
        if time.monotonic() - started < WARM_MIN_LIFE:  # failing at start: starting it again would only loop
            say(f"the app's warm process failed (exit {code}); no student can join until the server is restarted")
            return
        say(f"the app's warm process exited ({code}); starting it again")
        await self._start_warm()

    def _spawn(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _open_session(self, width: int, height: int, peer: str) -> Session:
        reader, writer = await asyncio.open_unix_connection(self._socket_path)
        writer.write(json.dumps({"width": width, "height": height}).encode() + b"\n")
        try:
            pid = int(await asyncio.wait_for(reader.readline(), OPEN_TIMEOUT))
        except (TimeoutError, ValueError):
            writer.close()
            raise
        pidfd = None
        with suppress(AttributeError, OSError):
            pidfd = os.pidfd_open(pid)
        return Session(reader, writer, pid, peer, pidfd)

    # --- HTTP ------------------------------------------------------------------------------------

    @property
    def count(self) -> int:
        return len(self.sessions) + self.starting

    def full(self) -> bool:
        return self.count >= self.max_sessions

    def _log(self, message: str) -> None:
        say(f"{time.strftime('%H:%M:%S')} {message} ({self.count} connected)")

    async def handle_index(self, request: web.Request) -> web.Response:
        if self.full():
            self._log(f"turned {request.remote} away: the class is full")
            return web.Response(
                text=self._full.substitute(
                    lang=_("en"),
                    title=self.title,
                    full=_("the class is full"),
                    heading=_("The class is full"),
                    taken=_("All {limit} places of this {title} class are taken.").format(
                        limit=self.max_sessions, title=self.title
                    ),
                    again=_("Try again in a minute — reload this page — or ask your teacher."),
                ),
                status=503,
                content_type="text/html",
                headers={"Retry-After": "60"},
            )
        host = request.host  # the address the browser used: right for --host 0.0.0.0 too
        ws_scheme = "wss" if request.scheme == "https" else "ws"
        font_size = request.query.get("fontsize", "16")
        page = self._index.substitute(
            title=_("{prog}: backpropagation, step by step").format(prog=self.title),  # the tab's and the intro's
            lang=_("en"),
            starting=_("starting…"),
            ended=_("Session ended."),
            restart=_("Restart"),
            static="/static/",
            ws_url=f"{ws_scheme}://{host}/ws",
            font_size=int(font_size) if font_size.isdigit() and 6 <= int(font_size) <= 64 else 16,
        )
        return web.Response(text=page, content_type="text/html")

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=15)  # a browser that vanishes without closing fails its ping
        await ws.prepare(request)
        peer = request.remote or "?"
        if self.full() or self.closing:
            await ws.send_bytes(f"\r\n  {_(FULL_MESSAGE).format(limit=self.max_sessions)}\r\n".encode())
            await ws.close()
            self._log(f"turned {peer} away: the class is full")
            return ws
        width = _dimension(request.query.get("width"), 80)
        height = _dimension(request.query.get("height"), 24)
        self.starting += 1
        try:
            session = await self._open_session(width, height, peer)
        except (OSError, ValueError, TimeoutError) as exc:
            self.starting -= 1
            say(f"could not start an app for {peer}: {exc or type(exc).__name__}")
            await ws.close()
            return ws
        self.starting -= 1
        self.sessions.add(session)
        self._log(f"{peer} joined")
        output = asyncio.get_running_loop().create_task(session.relay_output(ws))
        reason = "left"
        try:
            reason = await self._relay_input(ws, session, output)
        finally:
            self.sessions.discard(session)
            output.cancel()
            await session.end()
            with suppress(Exception):
                await ws.close()
            self._log(f"{peer} {reason} after {_duration(time.monotonic() - session.started)}")
        return ws

    async def _relay_input(self, ws: web.WebSocketResponse, session: Session, output: asyncio.Task) -> str:
        """The browser's keys and size to the app, until the browser or the app goes; says which."""
        receive = asyncio.ensure_future(ws.receive())
        try:
            while True:
                timeout = None
                if self.idle_timeout is not None:
                    timeout = max(0.0, session.last_input + self.idle_timeout - time.monotonic())
                done, _pending = await asyncio.wait(
                    {receive, output}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
                )
                if output in done:
                    return "quit the app"
                if not done:
                    await ws.close(message=b"idle")
                    return f"was idle {_duration(self.idle_timeout)}: session ended"
                message = receive.result()
                if message.type != WSMsgType.TEXT:
                    if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                        return "left"
                    receive = asyncio.ensure_future(ws.receive())
                    continue
                receive = asyncio.ensure_future(ws.receive())
                self._forward(ws, session, message.data)
        finally:
            receive.cancel()

    def _forward(self, ws: web.WebSocketResponse, session: Session, text: str) -> None:
        try:
            kind, *rest = json.loads(text)
        except (ValueError, TypeError):
            return
        data = rest[0] if rest else None
        if kind == "stdin" and isinstance(data, str):
            session.last_input = time.monotonic()
            session.send(b"D", data.encode("utf-8"))
        elif kind == "resize" and isinstance(data, dict):
            session.last_input = time.monotonic()
            session.meta(
                {
                    "type": "resize",
                    "width": _dimension(data.get("width"), 80),
                    "height": _dimension(data.get("height"), 24),
                }
            )
        elif kind in ("focus", "blur"):
            session.meta({"type": kind})
        elif kind == "ping":
            self._spawn(ws.send_json(["pong", data]))

    # --- life --------------------------------------------------------------------------------------

    def web_app(self) -> web.Application:
        app = web.Application()
        app.add_routes(
            [
                web.get("/", self.handle_index),
                web.get("/ws", self.handle_websocket),
                web.static("/static", static_dir()),
            ]
        )
        return app

    async def start(self) -> None:
        await self._start_warm()

    async def close(self) -> None:
        """End every session and the warm process: nothing outlives the server."""
        self.closing = True
        for session in list(self.sessions):
            _kill(session.pid, session.pidfd)
        if self._warm is not None and self._warm.returncode is None:
            with suppress(ProcessLookupError):
                self._warm.kill()
            await self._warm.wait()
        with suppress(OSError):
            if self._listener is not None:
                self._listener.close()
            os.unlink(self._socket_path)
            os.rmdir(self._dir)


def _dimension(value, default: int) -> int:
    """A terminal size from the browser: a whole number of cells, kept within reason."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return min(max(number, 10), 1000)


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min"
