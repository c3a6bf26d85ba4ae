"""handbill serve against hostile web pages and folders: other Host names, hidden files."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import FIXTURE_KIT, REPO
from handbill.cli import cli
from handbill.publish import serve
from handbill.publish.serve import Server, Site, start
from handbill.signals import INTERRUPTED


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Site]]:
    """The fixture kit, built and served once for the module (no watcher: nothing is edited)."""
    kit = tmp_path_factory.mktemp("serve") / "kit"
    shutil.copytree(FIXTURE_KIT, kit)
    server, site = start(kit, port=0)
    yield server, site
    server.shutdown()
    server.server_close()


def request(
    server: Server, path: str, host: str | None = "", method: str = "GET"
) -> tuple[int, dict[str, str], bytes]:
    """Send ``path`` as written, with this Host header ("" for the right one, None for none)."""
    port = server.server_address[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    if host is not None:
        connection.putheader("Host", host or f"127.0.0.1:{port}")
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), body


@pytest.mark.parametrize(
    "host",
    [
        "evil.example:{port}",
        "evil.example",
        "127.0.0.1.evil.example:{port}",
        "127.0.0.1:1",
        "localhost:1",
        "127.0.0.1",
        "localhost",
        "[::1]:{port}",
        None,
    ],
)
@pytest.mark.parametrize("path", ["/", "/card.pdf", "/__handbill/version"])
def test_other_host_names_are_refused(
    served: tuple[Server, Site], host: str | None, path: str
) -> None:
    # A page on evil.example that points its own name at 127.0.0.1 (DNS rebinding) sends
    # Host: evil.example:PORT; it must learn nothing.
    server, _ = served
    sent = host.format(port=server.server_address[1]) if host else None
    status, _, body = request(server, path, sent)
    assert status == 421
    assert b"Test sheet" not in body and b"%PDF" not in body and b"version" not in body


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost", "LOCALHOST"])
def test_loopback_names_get_the_page_and_the_outputs(
    served: tuple[Server, Site], name: str
) -> None:
    server, _ = served
    host = f"{name}:{server.server_address[1]}"
    for path in ("/", "/index.html"):
        status, headers, body = request(server, path, host)
        assert status == 200 and b"Test sheet" in body and b"__handbill/version" in body
        assert headers["Content-Type"] == "text/html; charset=utf-8"
    status, headers, body = request(server, "/card.pdf", host)
    assert (
        status == 200 and body.startswith(b"%PDF") and headers["Content-Type"] == "application/pdf"
    )
    assert headers["X-Content-Type-Options"] == "nosniff"
    status, headers, body = request(server, "/thumbs/card.png", host)
    assert status == 200 and body.startswith(b"\x89PNG") and headers["Content-Type"] == "image/png"
    status, _, body = request(server, "/__handbill/version", host)
    assert status == 200 and json.loads(body)["version"] == 1


def test_head_gets_the_headers_only(served: tuple[Server, Site]) -> None:
    server, site = served
    status, headers, body = request(server, "/card.pdf", method="HEAD")
    assert status == 200 and body == b""
    assert headers["Content-Length"] == str((site.out_dir / "card.pdf").stat().st_size)


def plant(path: Path, data: bytes = b"SECRET planted") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "path",
    [
        "/.handbill-cache.json",
        "/.handbill-snapshot.json",
        "/%2ehandbill-cache.json",
        "/.handbill-tmp-x.pdf",
        "/.handbill-merge-abc/x.pdf",
        "/.handbill-merge-abc/",
        "/thumbs/.hidden.png",
        "/some-folder/",
        "/some-folder/x.pdf",
        "/thumbs/",
        "/not-listed.pdf",
        "/manifest.json",
        "/card.pdf/",
        "/thumbs//card.png",
        "/private/manifest.json",
        "/private/letter.merge.pdf",
        "/private/",
    ],
)
def test_hidden_files_listings_and_unlisted_files_are_not_found(
    served: tuple[Server, Site], path: str
) -> None:
    server, site = served
    out = site.out_dir
    plant(out / ".handbill-cache.json")
    plant(out / ".handbill-snapshot.json")
    plant(out / "private" / "manifest.json")
    plant(out / "private" / "letter.merge.pdf")
    plant(out / ".handbill-tmp-x.pdf")
    plant(out / ".handbill-merge-abc" / "x.pdf")
    plant(out / "thumbs" / ".hidden.png")
    plant(out / "some-folder" / "x.pdf")
    plant(out / "not-listed.pdf")
    status, _, body = request(server, path)
    assert status == 404
    for secret in (b"SECRET", b"<title>Directory listing", b"card.pdf", b'"outputs"', b"sha256"):
        assert secret not in body


def test_a_hostile_manifest_serves_nothing_but_the_page(served: tuple[Server, Site]) -> None:
    # A manifest that lists the build cache: refused as a whole, so no output is served at all.
    server, site = served
    manifest = site.out_dir / "manifest.json"
    original = manifest.read_bytes()
    data = json.loads(original)
    data["outputs"][0]["path"] = ".handbill-cache.json"
    manifest.write_text(json.dumps(data))
    try:
        assert request(server, "/.handbill-cache.json")[0] == 404
        assert request(server, "/card.pdf")[0] == 404
        assert request(server, "/")[0] == 200
    finally:
        manifest.write_bytes(original)
    assert request(server, "/card.pdf")[0] == 200


def test_kept_html_is_served_without_scripts(served: tuple[Server, Site]) -> None:
    # --keep-html writes the kit's own HTML beside the PDF; served, it must not run scripts on
    # this origin (where it could read everything else the preview serves).
    server, site = served
    manifest = site.out_dir / "manifest.json"
    original = manifest.read_bytes()
    data = json.loads(original)
    data["outputs"].append({"material": "card", "kind": "html", "path": "card.html", "bytes": 9})
    manifest.write_text(json.dumps(data))
    plant(site.out_dir / "card.html", b"<script>fetch('/card.pdf')</script>")
    try:
        status, headers, _ = request(server, "/card.html")
        assert status == 200 and headers["Content-Security-Policy"] == "sandbox"
        assert "Content-Security-Policy" not in request(server, "/")[1]
    finally:
        manifest.write_bytes(original)


def test_symlinked_output_leading_out_is_not_found(served: tuple[Server, Site]) -> None:
    server, site = served
    outside = plant(site.out_dir.parent / "private.txt")
    sheet = site.out_dir / "sheet.pdf"
    original = sheet.read_bytes()
    sheet.unlink()
    sheet.symlink_to(outside)
    try:
        status, _, body = request(server, "/sheet.pdf")
        assert status == 404 and b"SECRET" not in body
    finally:
        sheet.unlink()
        sheet.write_bytes(original)


def handler_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if "process_request_thread" in t.name]


def test_a_cancelled_download_prints_nothing(
    served: tuple[Server, Site], capfd: pytest.CaptureFixture[str]
) -> None:
    server, site = served
    big = site.out_dir / "card.home.pdf"  # listed in the manifest; no other test fetches it
    original = big.read_bytes()
    big.write_bytes(b"%PDF-1.7\n" + os.urandom(32 * 1024 * 1024))
    capfd.readouterr()
    try:
        port = server.server_address[1]
        with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
            client.sendall(
                f"GET /card.home.pdf HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
            )
            assert client.recv(16).startswith(b"HTTP/1.0 200")
            # Close with a reset, as a browser does when a download is cancelled.
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        deadline = time.time() + 20
        while handler_threads() and time.time() < deadline:
            time.sleep(0.05)
        assert not handler_threads()
    finally:
        big.write_bytes(original)
    err = capfd.readouterr().err
    for word in ("Traceback", "BrokenPipe", "ConnectionReset", "Exception occurred"):
        assert word not in err
    assert request(server, "/")[0] == 200  # and the server carries on


def test_the_command_watches_in_the_main_thread(
    runner: CliRunner, kit_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, object] = {}
    real_start = serve.start

    def recording_start(*args: Any, **kwargs: Any) -> tuple[Server, Site]:
        server, site = real_start(*args, **kwargs)
        seen["server"] = server
        return server, site

    def watch(site: Site, *args: object, **kwargs: object) -> None:
        seen["main"] = threading.current_thread() is threading.main_thread()
        seen["site"] = site

    monkeypatch.setattr(serve, "start", recording_start)
    monkeypatch.setattr(serve, "watch", watch)
    result = runner.invoke(cli, ["serve", "--kit", str(kit_dir), "--port", "0"])
    server = seen["server"]
    assert isinstance(server, Server)
    server.shutdown()
    server.server_close()
    assert result.exit_code == 0, result.output
    assert seen["main"] is True and isinstance(seen["site"], Site)
    assert result.output.startswith("Serving http://127.0.0.1:")


def test_ctrl_c_stops_serve_in_one_line(kit_dir: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "handbill", "serve", "--kit", str(kit_dir), "--port", "0"],
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert found, line
        connection = http.client.HTTPConnection("127.0.0.1", int(found[1]), timeout=10)
        connection.request("GET", "/")
        assert connection.getresponse().status == 200
        connection.close()
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 130
    assert stderr.strip().splitlines() == [INTERRUPTED]  # one line, no traceback


def test_packs_the_page_links_are_served_and_no_others(served: tuple[Server, Site]) -> None:
    server, site = served
    run = site.out_dir / "packs" / "stall day"
    listing = {"run": "Stall", "items": [], "sheets_per_file": {"A4-home.pdf": 1}}
    plant(run / "packing-list.json", json.dumps(listing).encode())
    plant(run / "A4-home.pdf", b"%PDF pack")
    plant(run / ".handbill-tmp-1.pdf")
    plant(run / "notes.pdf")  # not in the packing list: not on the page
    status, _, body = request(server, "/packs/stall%20day/A4-home.pdf")
    assert status == 200 and body == b"%PDF pack"
    for path in (
        "/packs/stall%20day/.handbill-tmp-1.pdf",
        "/packs/stall%20day/notes.pdf",
        "/packs/stall%20day/packing-list.json",
        "/packs/",
        "/packs/stall%20day/",
        "/packs/stall%20day/A4-home.pdf/",
    ):
        assert request(server, path)[0] == 404, path


def test_only_this_computers_names_are_answered() -> None:
    assert serve.loopback_hosts(8000) == {"127.0.0.1:8000", "localhost:8000"}
    # A browser leaves the port out of Host when it is 80, the default.
    assert serve.loopback_hosts(80) == {"127.0.0.1:80", "localhost:80", "127.0.0.1", "localhost"}
