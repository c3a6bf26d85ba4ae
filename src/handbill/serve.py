"""``handbill serve``: the download centre on 127.0.0.1, rebuilt and reloaded as the kit changes."""

from __future__ import annotations

import html
import json
import os
import threading
import time
from collections.abc import Callable
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from handbill.build import build
from handbill.errors import HandbillError
from handbill.kit import load_kit
from handbill.site import write_site
from handbill.writers import write_atomic

WATCHED = ("handbill.toml", "materials", "templates", "assets", "data")
LOOPBACK = "127.0.0.1"  # never another interface: a kit can hold unpublished material


def snapshot(kit_dir: Path) -> dict[str, float]:
    """Modification times of every file a build reads from the kit."""
    times = {}
    for name in WATCHED:
        path = kit_dir / name
        files = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file())
        for file in files if path.exists() else ():
            times[str(file)] = file.stat().st_mtime
    return times


class Site:
    """Builds the kit and its page, remembering the version and the last build's errors."""

    def __init__(self, kit_dir: Path, out_dir: Path | None):
        self.kit_dir = kit_dir.resolve()
        self.out_dir = (out_dir or self.kit_dir / "dist").resolve()
        self.version = 0
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def rebuild(self) -> None:
        with self.lock:
            try:
                kit = load_kit(self.kit_dir)
                report = build(kit, out_dir=self.out_dir)
                self.errors = report.failures
                write_site(kit, self.out_dir, live=self.version + 1, errors=self.errors)
            except HandbillError as exc:
                self.errors = [exc.format_message()]
                self._error_page()
            self.version += 1

    def _error_page(self) -> None:
        # The kit itself does not load (e.g. bad TOML): show the error where the page was.
        self.out_dir.mkdir(parents=True, exist_ok=True)
        from handbill.site import live_reload

        lines = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in self.errors)
        page = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Build failed'
            '</title></head><body><main><section role="alert"><h1>The kit has an error</h1>'
            f"<ul>{lines}</ul><p>Fix it and this page reloads.</p></section></main>"
            f"{live_reload(self.version + 1)}</body></html>"
        )
        # Written whole or not at all: a reload in the middle of it would get half a page.
        write_atomic(self.out_dir / "index.html", page.encode("utf-8"))


class Handler(SimpleHTTPRequestHandler):
    """Serves files from the output folder only, and the build version for live reload."""

    site: Site

    def do_GET(self) -> None:
        if urlsplit(self.path).path == "/__handbill/version":
            body = json.dumps({"version": self.site.version, "errors": self.site.errors}).encode()
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if not self._inside_output():
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
            return
        super().do_GET()

    def _inside_output(self) -> bool:
        """Refuse anything that would lead outside the output folder, however it is encoded."""
        raw = unquote(unquote(urlsplit(self.path).path))
        if ".." in raw.split("/") or "\\" in raw or "\x00" in raw:
            return False
        target = os.path.realpath(self.translate_path(self.path))
        root = str(self.site.out_dir)
        return target == root or target.startswith(root + os.sep)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: the terminal shows builds, not every request


def start(
    kit_dir: Path,
    out_dir: Path | None = None,
    port: int = 8000,
    poll: float = 0.5,
    on_rebuild: Callable[[Site], None] | None = None,
) -> tuple[ThreadingHTTPServer, Site]:
    """Build, then serve on 127.0.0.1:PORT in a background thread, rebuilding on changes."""
    site = Site(kit_dir, out_dir)
    handler = partial(type("SiteHandler", (Handler,), {"site": site}), directory=str(site.out_dir))
    try:  # before the first build: a port in use is said at once
        server = ThreadingHTTPServer((LOOPBACK, port), handler)
    except OSError as exc:
        raise HandbillError(
            f"cannot serve on port {port} ({exc.strerror}); try --port 8080"
        ) from exc
    # Taken before the first build, so an edit made while it runs is not missed.
    first = snapshot(site.kit_dir)
    site.rebuild()
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def watch() -> None:
        seen = first
        while True:
            time.sleep(poll)
            now = snapshot(site.kit_dir)
            if now != seen:
                seen = now
                site.rebuild()
                if on_rebuild:
                    on_rebuild(site)

    threading.Thread(target=watch, daemon=True).start()
    return server, site
