"""The warm process behind `backprop-tui serve`: one per server, forking an app process per browser.

Started by the server (``python -m tui_backprop.warm FD SPEC``) with a listening Unix socket as fd FD
and a pipe as stdin whose end of file means the server is gone. It imports Textual, numpy and the
app and loads the scenario once; then every connection is forked into a session: the child makes the
connection its stdin and stdout and runs the app with Textual's web driver, speaking the packet
protocol textual-serve's AppService speaks (the server relays it to the browser's websocket). A fork
costs milliseconds and shares the imported code with the warm process, where a fresh interpreter
costs a second of CPU and its own copy of everything.

The connection starts with one JSON line from the server, ``{"width": W, "height": H}``; the child
answers with its process id on one line, then the app's output follows.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import selectors
import signal
import socket
import sys
from contextlib import suppress

from textual.drivers.web_driver import WebDriver


class SessionDriver(WebDriver):
    """Textual's web driver, made to end when its session ends, whatever the app is doing.

    Stock, the driver's input thread just returns at end of file, and the app lives on with no one
    to draw for; and SIGTERM only asks the app's event loop to exit, which a process blocked writing
    to a full pipe never gets to.
    """

    def start_application_mode(self) -> None:
        super().start_application_mode()
        # Back to the default action: SIGTERM ends the process even while it is blocked.
        asyncio.get_running_loop().remove_signal_handler(signal.SIGTERM)

    def run_input_thread(self) -> None:
        super().run_input_thread()
        if not self.exit_event.is_set():
            os._exit(0)  # the server closed the connection: the student has gone


def _read_line(conn: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(256)
        if not chunk or len(data) > 4096:
            os._exit(0)
        data += chunk
    return data


def _session(conn: socket.socket, scenario) -> None:
    """In the forked child: run one app on the connection, then exit without the parent's clean-up."""
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        size = json.loads(_read_line(conn))
        conn.sendall(f"{os.getpid()}\n".encode())
        os.dup2(conn.fileno(), 0)
        os.dup2(conn.fileno(), 1)
        conn.close()
        os.environ["COLUMNS"], os.environ["ROWS"] = str(int(size["width"])), str(int(size["height"]))
        from .app import BackpropApp

        app = BackpropApp(scenario)
        app.driver_class = SessionDriver
        gc.enable()
        app.run()
        code = app.return_code or 0
    except BaseException:  # never back into the parent's accept loop
        code = 1
    os._exit(code)


def warm_up(scenario) -> None:
    """Run the app once headless and step it: what a first screen and the first keys import and cache
    is then already in every fork (a cold first → costs a few hundred milliseconds)."""
    from .app import BackpropApp

    async def steps() -> None:
        async with BackpropApp(scenario).run_test(size=(120, 40)) as pilot:
            for key in ("right", "right", "right", "left", "end", "home"):
                await pilot.press(key)

    asyncio.run(steps())


def serve_forever(listen_fd: int, spec: str | None) -> None:
    from .core import resolve

    scenario = resolve(spec)
    warm_up(scenario)
    listener = socket.socket(fileno=listen_fd)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # forked sessions are reaped by the kernel
    gc.collect()
    gc.freeze()  # what is imported lives on in every fork: keep the collector from touching (copying) it
    gc.disable()
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ)
    sel.register(0, selectors.EVENT_READ)
    while True:
        for key, _ in sel.select():
            if key.fileobj == 0:
                return  # stdin at end of file: the server has gone
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            if os.fork() == 0:
                sel.close()
                listener.close()
                _session(conn, scenario)
            conn.close()


def main() -> None:
    from .i18n import LANGUAGE_VARIABLE, start

    start(os.environ.get(LANGUAGE_VARIABLE) or None)  # the server's --lang, if it had one
    with suppress(KeyboardInterrupt):
        serve_forever(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] else None)


if __name__ == "__main__":
    main()
