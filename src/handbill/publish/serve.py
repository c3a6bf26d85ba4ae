"""``handbill serve``: the download centre on 127.0.0.1, rebuilt and reloaded as the kit changes."""

from __future__ import annotations

import html
import json
import os
import shutil
import stat
import sys
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from handbill.build.runner import build
from handbill.build.writers import output_folder, write_atomic
from handbill.errors import HandbillError
from handbill.kit.loader import load_kit
from handbill.publish.site import page_files, read_outputs, write_site

WATCHED = ("handbill.toml", "materials", "templates", "assets", "data")
LOOPBACK = "127.0.0.1"  # never another interface: a kit can hold unpublished material
VERSION_PATH = "/__handbill/version"
# What a browser does when a download is cancelled or a page is closed mid-load: not an error.
DROPPED = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".txt": "text/plain; charset=utf-8",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".ics": "text/calendar; charset=utf-8",
}


def snapshot(kit_dir: Path) -> dict[str, float]:
    """Modification times of every file a build reads from the kit."""
    times = {}
    for name in WATCHED:
        path = kit_dir / name
        files = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file())
        for file in files if path.exists() else ():
            times[str(file)] = file.stat().st_mtime
    return times


def loopback_hosts(port: int) -> set[str]:
    """The Host headers serve answers: this computer's names, with the port it listens on."""
    names = {f"{LOOPBACK}:{port}", f"localhost:{port}"}
    return names | {LOOPBACK, "localhost"} if port == 80 else names  # browsers leave out :80


class Site:
    """Builds the kit and its page, remembering the version and the last build's errors."""

    def __init__(self, kit_dir: Path, out_dir: Path | None):
        self.kit_dir = kit_dir.resolve()
        self.out_dir = output_folder(self.kit_dir, out_dir)
        self.version = 0
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.seen: dict[str, float] = {}  # the kit as the last build found it

    def rebuild(self) -> None:
        with self.lock:
            try:
                kit = load_kit(self.kit_dir)
                # Before the build reads it: a manifest from elsewhere is refused on the page.
                read_outputs(self.out_dir)
                report = build(kit, out_dir=self.out_dir)
                self.errors = report.failures
                write_site(kit, self.out_dir, live=self.version + 1, errors=self.errors)
            except HandbillError as exc:
                self.errors = [exc.format_message()]
                self._error_page()
            self.version += 1

    def served(self) -> set[str]:
        """The files that may be served, relative to the output folder: the page and its links."""
        try:
            return page_files(self.out_dir)
        except HandbillError:
            return {"index.html"}  # a manifest that is wrong: the page says so, nothing else

    def _error_page(self) -> None:
        # The kit itself does not load (e.g. bad TOML): show the error where the page was.
        self.out_dir.mkdir(parents=True, exist_ok=True)
        from handbill.publish.site import live_reload

        lines = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in self.errors)
        page = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Build failed'
            '</title></head><body><main><section role="alert"><h1>The kit has an error</h1>'
            f"<ul>{lines}</ul><p>Fix it and this page reloads.</p></section></main>"
            f"{live_reload(self.version + 1)}</body></html>"
        )
        # Written whole or not at all: a reload in the middle of it would get half a page.
        write_atomic(self.out_dir / "index.html", page.encode("utf-8"))


class Server(ThreadingHTTPServer):
    """The HTTP server: quiet about dropped connections; ``stopped`` is set by ``shutdown()``."""

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]):
        self.stopped = threading.Event()
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], DROPPED):
            super().handle_error(request, client_address)

    def shutdown(self) -> None:
        self.stopped.set()
        super().shutdown()


class Handler(BaseHTTPRequestHandler):
    """Serves the page, the files it links and the build version: nothing else, to no one else.

    Only requests for 127.0.0.1:PORT or localhost:PORT are answered. A web page the user visits
    could otherwise point a name of its own at 127.0.0.1 (DNS rebinding) and read the preview.
    """

    site: Site
    server: Server

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def handle(self) -> None:
        try:
            super().handle()
        except DROPPED:
            self.close_connection = True  # the browser has gone; there is no one to tell

    def _answer(self, body: bool) -> None:
        if not self._host_allowed():
            port = self.server.server_address[1]
            self.send_error(
                HTTPStatus.MISDIRECTED_REQUEST,
                explain=f"handbill serve answers only http://{LOOPBACK}:{port}/",
            )
            return
        target = self.path.split("?", 1)[0].split("#", 1)[0]
        if target == VERSION_PATH:
            version = {"version": self.site.version, "errors": self.site.errors}
            self._send(HTTPStatus.OK, "application/json", json.dumps(version).encode(), body)
            return
        relative = self._relative(target)
        if relative is None:
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
            return
        self._send_file(relative, body)

    def _host_allowed(self) -> bool:
        hosts = self.headers.get_all("Host") or []
        allowed = loopback_hosts(self.server.server_address[1])
        return len(hosts) == 1 and hosts[0].strip().lower() in allowed

    def _relative(self, target: str) -> str | None:
        """The file this request may have, relative to the output folder, or None.

        Only what the page needs is on the list: never a hidden file or folder (the build cache,
        temporary files), a folder listing, or a file someone else left in the folder.
        """
        if not target.startswith("/"):
            return None
        relative = unquote(target[1:]) or "index.html"  # the page's links are encoded once
        if any(part.startswith(".") or not part for part in relative.split("/")):
            return None
        if relative not in self.site.served():
            return None
        real = os.path.realpath(self.site.out_dir / relative)  # a symbolic link out is refused
        return relative if real.startswith(str(self.site.out_dir) + os.sep) else None

    def _send_file(self, relative: str, body: bool) -> None:
        try:  # O_NONBLOCK: a named pipe planted under a listed name must not hang the thread
            handle = os.open(self.site.out_dir / relative, os.O_RDONLY | os.O_NONBLOCK)
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
            return
        with os.fdopen(handle, "rb") as stream:
            info = os.fstat(handle)
            if not stat.S_ISREG(info.st_mode):
                self.send_error(HTTPStatus.NOT_FOUND, "Not found")
                return
            suffix = Path(relative).suffix.lower()
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", TYPES.get(suffix, "application/octet-stream"))
            self.send_header("Content-Length", str(info.st_size))
            if suffix == ".html" and relative != "index.html":
                # A kept layout (--keep-html) is the kit's HTML: it may look, never run scripts.
                self.send_header("Content-Security-Policy", "sandbox")
            self.end_headers()
            if body:
                shutil.copyfileobj(stream, self.wfile, 1 << 16)

    def _send(self, status: HTTPStatus, kind: str, data: bytes, body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: the terminal shows builds, not every request


def start(
    kit_dir: Path,
    out_dir: Path | None = None,
    port: int = 8000,
    poll: float | None = None,
    on_rebuild: Callable[[Site], None] | None = None,
) -> tuple[Server, Site]:
    """Bind 127.0.0.1:PORT, build, and serve from a background thread.

    The caller then runs ``watch(site)``; the command line does so in its main thread, the only
    one where Python allows a signal timer. Given ``poll``, a background thread watches instead
    (for tests), until ``server.shutdown()``.
    """
    site = Site(kit_dir, out_dir)
    handler = type("SiteHandler", (Handler,), {"site": site})
    try:  # before the first build: a port in use is said at once
        server = Server((LOOPBACK, port), handler)
    except OSError as exc:
        raise HandbillError(
            f"cannot serve on port {port} ({exc.strerror}); try --port 8080"
        ) from exc
    # Taken before the first build, so an edit made while it runs is not missed.
    site.seen = snapshot(site.kit_dir)
    site.rebuild()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    if poll is not None:
        watcher = threading.Thread(
            target=watch, args=(site, poll, on_rebuild, server.stopped), daemon=True
        )
        watcher.start()
    return server, site


def watch(
    site: Site,
    poll: float = 0.5,
    on_rebuild: Callable[[Site], None] | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Rebuild whenever a file of the kit changes, every ``poll`` seconds, until ``stop`` is set."""
    stop = stop or threading.Event()
    while not stop.wait(poll):
        now = snapshot(site.kit_dir)
        if now != site.seen:
            site.seen = now
            site.rebuild()
            if on_rebuild:
                on_rebuild(site)
