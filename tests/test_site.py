"""The download page and the local server: self-contained, complete, loopback only, safe paths."""

from __future__ import annotations

import http.client
import json
import socket
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write
from handbill.cli import cli
from handbill.kit import load_kit
from handbill.serve import start
from handbill.site import write_site


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("href", "src"):
            if found.get(name):
                self.refs.append((tag, str(found[name]), found))


@pytest.fixture
def built_site(runner: CliRunner, kit_dir: Path) -> Path:
    result = runner.invoke(cli, ["site", "--kit", str(kit_dir)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith("Wrote ")
    return kit_dir / "dist"


def test_page_lists_every_output_with_working_links(built_site: Path) -> None:
    page = (built_site / "index.html").read_text()
    parser = Links()
    parser.feed(page)
    refs = {ref for _, ref, _ in parser.refs}
    assert refs == {"thumbs/card.png", "thumbs/sheet.png", "card.pdf", "card.home.pdf", "sheet.pdf"}
    for ref in refs:
        assert (built_site / ref).is_file(), ref
    images = [attrs for tag, _, attrs in parser.refs if tag == "img"]
    assert [a["alt"] for a in images] == ["First page of Test card", "First page of Test sheet"]
    assert '<label for="filter">Find a material</label>' in page
    assert '<h2 id="h-organisers">For organisers</h2>' in page


def test_page_is_self_contained(built_site: Path) -> None:
    page = (built_site / "index.html").read_text()
    assert "http://" not in page and "https://" not in page
    assert "<link" not in page and "<script src" not in page
    assert "__handbill/version" not in page  # live reload only under handbill serve


def test_thumbnails_show_the_first_page(built_site: Path) -> None:
    from PIL import Image

    with Image.open(built_site / "thumbs" / "card.png") as image:
        assert image.width == 360
        assert abs(image.height / image.width - 105 / 148) < 0.01  # A6 landscape
        assert image.getextrema() != ((255, 255), (255, 255), (255, 255))  # not blank


def test_site_before_anything_is_built_builds_first(runner: CliRunner, kit_dir: Path) -> None:
    result = runner.invoke(cli, ["site", "--kit", str(kit_dir)])
    assert result.output.startswith("Built 2 PDFs, 2 pages in ")


@pytest.fixture
def served(kit_dir: Path):  # type: ignore[no-untyped-def]
    server, site = start(kit_dir, port=0, poll=0.2)
    yield server, site, kit_dir
    server.shutdown()


def get(server, path: str) -> tuple[int, bytes]:  # type: ignore[no-untyped-def]
    connection = http.client.HTTPConnection(*server.server_address[:2], timeout=10)
    connection.request("GET", path)  # sent as written: no client-side normalising of ../
    response = connection.getresponse()
    return response.status, response.read()


def test_serves_on_loopback_only(served) -> None:  # type: ignore[no-untyped-def]
    server, _, _ = served
    assert server.server_address[0] == "127.0.0.1"
    status, body = get(server, "/")
    assert status == 200 and b"Test sheet" in body and b"__handbill/version" in body


@pytest.mark.parametrize(
    "path",
    [
        "/../handbill.toml",
        "/%2e%2e/handbill.toml",
        "/%252e%252e/handbill.toml",
        "/thumbs/..%2f..%2fhandbill.toml",
        "/..\\handbill.toml",
        "/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc/passwd",
    ],
)
def test_refuses_paths_outside_the_output_folder(served, path: str) -> None:  # type: ignore[no-untyped-def]
    server, _, _ = served
    status, body = get(server, path)
    assert status == 404
    assert b"[campaign]" not in body and b"root:" not in body


def test_refuses_symlinks_out_of_the_output_folder(served) -> None:  # type: ignore[no-untyped-def]
    server, site, kit_dir = served
    (site.out_dir / "toml.txt").symlink_to(kit_dir / "handbill.toml")
    status, body = get(server, "/toml.txt")
    assert status == 404 and b"[campaign]" not in body


def test_edit_rebuilds_and_bumps_the_version(served) -> None:  # type: ignore[no-untyped-def]
    server, _, kit_dir = served
    before = json.loads(get(server, "/__handbill/version")[1])["version"]
    text = (kit_dir / "materials" / "sheet.md").read_text().replace("Test sheet", "Edited sheet")
    write(kit_dir / "materials" / "sheet.md", text)
    deadline = time.time() + 30
    while time.time() < deadline and b"Edited sheet" not in get(server, "/")[1]:
        time.sleep(0.2)
    assert b"Edited sheet" in get(server, "/")[1]
    assert json.loads(get(server, "/__handbill/version")[1])["version"] > before


def test_errors_show_on_the_page(served) -> None:  # type: ignore[no-untyped-def]
    server, _, kit_dir = served
    write(kit_dir / "materials" / "sheet.md", "---\ntemplate: faq\ntitel: T\n---\n")
    deadline = time.time() + 30
    while time.time() < deadline and b"unknown field" not in get(server, "/")[1]:
        time.sleep(0.2)
    page = get(server, "/")[1].decode()
    assert "sheet.md:3: unknown field &#x27;titel&#x27;. Did you mean &#x27;title&#x27;?" in page
    assert 'role="alert"' in page


def test_port_in_use_is_said_before_building(runner: CliRunner, kit_dir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(cli, ["serve", "--kit", str(kit_dir), "--port", str(port)])
    assert result.exit_code == 1
    assert f"cannot serve on port {port} (Address already in use); try --port 8080" in (
        result.output
    )
    assert not (kit_dir / "dist").exists()


def test_kit_loads_after_site_is_written(kit_dir: Path, built_site: Path) -> None:
    # write_site is idempotent: same manifest, same page.
    first = (built_site / "index.html").read_bytes()
    write_site(load_kit(kit_dir), built_site)
    assert (built_site / "index.html").read_bytes() == first
