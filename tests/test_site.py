"""The download page and the local server: self-contained, complete, loopback only, safe paths."""

from __future__ import annotations

import http.client
import json
import re
import socket
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import REPO, write
from handbill.cli import cli
from handbill.errors import HandbillError
from handbill.kit.loader import load_kit
from handbill.kit.vocabcheck import KIT_FILE
from handbill.publish.serve import start
from handbill.publish.site import write_site


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


def rewrite_manifest(out: Path, change: Callable[[dict[str, Any]], object]) -> None:
    manifest = json.loads((out / "manifest.json").read_text())
    change(manifest)
    (out / "manifest.json").write_text(json.dumps(manifest))


def test_manifest_values_cannot_add_markup(kit_dir: Path, built_site: Path) -> None:
    # A manifest from a shipped zip, and a kit from elsewhere: their text lands on the page as
    # text, never as markup, and file names are percent-encoded in links.
    attack = "<img src=x onerror=alert(1)>"

    def change(manifest: dict[str, Any]) -> None:
        for entry in manifest["outputs"]:
            entry["title"] = "<script>alert('title')</script>"
            entry["language"] = '"><script>alert(2)</script>'
            entry["paper"]["name"] = "<b>A6</b>"
            entry["fields"] = {"town": "<script>alert(3)</script>"}
            if entry["path"] == "card.home.pdf":
                entry["imposition"] = attack
            if entry["path"] == "sheet.pdf":
                entry["path"] = "sheet #1 & co.pdf"

    (built_site / "sheet.pdf").rename(built_site / "sheet #1 & co.pdf")
    rewrite_manifest(built_site, change)
    card = kit_dir / "materials" / "card.md"
    card.write_text(card.read_text().replace("title: Test card", 'title: "<script>x</script>"'))
    page = write_site(load_kit(kit_dir), built_site).read_text()
    assert "A4 sheets for any home printer (&lt;img src=x onerror=alert(1)&gt;)" in page
    assert "<h3>&lt;script&gt;x&lt;/script&gt;</h3>" in page
    assert "&lt;b&gt;A6&lt;/b&gt;" in page and "&quot;&gt;&lt;script&gt;alert(2)" in page
    assert "<img src=x" not in page and "<b>" not in page
    assert "<script>alert" not in page and "<script>x" not in page
    assert page.count("<script>") == 1  # the page's own filter script
    parser = Links()
    parser.feed(page)
    refs = {ref for _, ref, _ in parser.refs}
    assert "sheet%20%231%20%26%20co.pdf" in refs and "thumbs/sheet%20%231%20%26%20co.png" in refs


def test_kept_html_is_left_off_the_page(runner: CliRunner, kit_dir: Path) -> None:
    assert runner.invoke(cli, ["build", "--kit", str(kit_dir), "--keep-html", "-q"]).exit_code == 0
    result = runner.invoke(cli, ["site", "--kit", str(kit_dir)])
    assert result.exit_code == 0, result.output
    page = (kit_dir / "dist" / "index.html").read_text()
    assert (kit_dir / "dist" / "card.html").is_file() and "card.html" not in page
    assert 'href="card.pdf"' in page


def test_unknown_kind_is_refused_in_one_line(
    runner: CliRunner, kit_dir: Path, built_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rewrite_manifest(built_site, lambda m: m["outputs"][2].update(kind="exe"))
    monkeypatch.chdir(kit_dir)
    result = runner.invoke(cli, ["site"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: dist/manifest.json: output 3 has an unknown kind 'exe'; "
        "delete the output folder and build again\n"
    )
    assert isinstance(result.exception, SystemExit)  # said and ended, no traceback


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            lambda m: m["outputs"][1].update(pages="x"),
            "output 2 has 'pages': 'x', which is not a page count",
        ),
        (
            lambda m: m["outputs"][1].update(pages=True),
            "output 2 has 'pages': true, which is not a page count",
        ),
        (
            lambda m: m["outputs"][0].update(bytes=-1),
            "output 1 has 'bytes': -1, which is not a size in bytes",
        ),
        (lambda m: m["outputs"][1].pop("path"), "output 2 has no 'path'"),
        (lambda m: m["outputs"][1].pop("kind"), "output 2 has no 'kind'"),
        (lambda m: m["outputs"][1].update(kind=["pdf"]), 'output 2 has an unknown kind ["pdf"]'),
        (
            lambda m: m["outputs"][1].update(path="../card.pdf"),
            "output 2 has the path '../card.pdf', which is not a file name in the output folder",
        ),
        (
            lambda m: m["outputs"][1].update(path="sub/card.pdf"),
            "output 2 has the path 'sub/card.pdf', which is not a file name in the output folder",
        ),
        (
            lambda m: m["outputs"][1].update(path=".handbill-cache.json"),
            "output 2 has the path '.handbill-cache.json', which is not a file name in the "
            "output folder",
        ),
        (
            lambda m: m["outputs"][1].update(path="card.html"),
            "output 2 is a pdf but its path 'card.html' does not end in .pdf",
        ),
        (
            lambda m: m["outputs"][1].update(paper="A4"),
            "output 2 has 'paper': 'A4', which is not an object with a 'name'",
        ),
        (
            lambda m: m["outputs"][0].update(imposition=4),
            "output 1 has 'imposition': 4, which is not text",
        ),
        (
            lambda m: m["outputs"].append("card.pdf"),
            "output 4 is 'card.pdf', not an object with a kind and a path",
        ),
        (lambda m: m.update(outputs={"card": 1}), "'outputs' is {\"card\": 1}, not a list"),
    ],
)
def test_a_wrong_manifest_is_refused_with_what_is_wrong(
    kit_dir: Path,
    built_site: Path,
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[dict[str, Any]], object],
    problem: str,
) -> None:
    rewrite_manifest(built_site, change)
    monkeypatch.chdir(kit_dir)
    with pytest.raises(HandbillError) as raised:
        write_site(load_kit(kit_dir), built_site)
    assert raised.value.format_message() == (
        f"dist/manifest.json: {problem}; delete the output folder and build again"
    )


class RunSection(HTMLParser):
    """The print-run section of the page: each run's heading, and each link's address,
    label, size and the line under it."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.runs: list[str] = []
        self.links: list[dict[str, str]] = []
        self.field = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("aria-labelledby") == "h-packs":
            self.inside = True
        if not self.inside:
            return
        if tag == "h3":
            self.runs.append("")
            self.field = "run"
        elif tag == "a":
            self.links.append({"href": str(found["href"]), "label": "", "size": "", "for": ""})
            self.field = "label"
        elif tag == "span" and found.get("class") == "size":
            self.field = "size"
        elif tag == "p" and found.get("class") == "purpose":
            self.field = "for"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h3", "a", "p", "span"):
            self.field = ""
        if tag == "main":
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self.field == "run":
            self.runs[-1] += data
        elif self.field:
            self.links[-1][self.field] += data


def test_print_runs_lists_each_packs_files_in_words(runner: CliRunner, kit_dir: Path) -> None:
    write(
        kit_dir / "run.toml",
        'name = "Stall day"\n\n[[item]]\nmaterial = "card"\ncopies = 7\n\n'
        '[[item]]\nmaterial = "sheet"\ncopies = 3\n',
    )
    assert (
        runner.invoke(cli, ["pack", str(kit_dir / "run.toml"), "--kit", str(kit_dir)]).exit_code
        == 0
    )
    result = runner.invoke(cli, ["site", "--kit", str(kit_dir)])
    assert result.exit_code == 0, result.output
    out = kit_dir / "dist"
    section = RunSection()
    section.feed((out / "index.html").read_text())
    assert section.runs == ["Stall day"]
    links = {link["href"]: link for link in section.links}
    assert list(links) == [
        "packs/run/cover.pdf",
        "packs/run/packing-list.txt",
        "packs/run/A4-home-landscape.pdf",
        "packs/run/A4-home.pdf",
    ]
    for href, link in links.items():
        size = (out / href).stat().st_size
        assert link["size"] == f"{size / 1024:.0f} KB", (href, link)
    cards, sheets = links["packs/run/A4-home-landscape.pdf"], links["packs/run/A4-home.pdf"]
    assert cards["label"] == "A4 sheets for a home printer, landscape, one-sided"
    assert cards["for"] == "2 sheets, print one-sided. Holds: Test card, 8 copies (4 per sheet)."
    assert sheets["label"] == "A4 sheets for a home printer, one-sided"
    assert sheets["for"] == "3 sheets, print one-sided. Holds: Questions and answers, 3 copies."
    assert links["packs/run/cover.pdf"]["label"] == "Cover sheet and packing list"
    assert "No print-run packs" not in (out / "index.html").read_text()


@pytest.mark.parametrize(
    ("listing", "message"),
    [
        ("{", "not a packing list handbill can read"),
        ('{"items": []}', "has no run name"),
        ('{"run": "x", "items": [], "sheets_per_file": []}', "'sheets_per_file' is not file"),
        ('{"run": "x", "items": [{"file": 3}], "sheets_per_file": {}}', "'items' is not a list"),
        ("{}" + " " * (4 * 1024 * 1024), "larger than 4 MB; make the pack again"),
    ],
)
def test_a_wrong_packing_list_is_refused_in_one_line(
    runner: CliRunner, built_site: Path, kit_dir: Path, listing: str, message: str
) -> None:
    (built_site / "packs" / "stall").mkdir(parents=True)
    (built_site / "packs" / "stall" / "packing-list.json").write_text(listing)
    result = runner.invoke(cli, ["site", "--kit", str(kit_dir)])
    assert result.exit_code == 1
    line = "packs/stall/packing-list.json: " + message
    assert line in result.output and len(result.output.strip().splitlines()) == 1, result.output


class Downloads(HTMLParser):
    """Each material's download links: address, visible label, screen-reader label and the
    how-to-print line under it."""

    def __init__(self) -> None:
        super().__init__()
        self.links: dict[str, dict[str, str]] = {}
        self.current: dict[str, str] | None = None
        self.field = ""
        self.qr: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and "download" in found and not str(found["href"]).startswith("packs/"):
            self.current = {"aria": str(found["aria-label"]), "label": "", "how": ""}
            self.links[str(found["href"])] = self.current
            self.field = "label"
        elif tag == "span" and found.get("class") == "size":
            self.field = ""
        elif tag == "p" and found.get("class") == "how" and self.current is not None:
            self.field = "how"
        elif tag == "p" and found.get("class") == "facts qr":
            self.qr.append("")
            self.field = "qr"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("a", "p"):
            self.field = ""

    def handle_data(self, data: str) -> None:
        if self.field == "qr":
            self.qr[-1] += data
        elif self.field and self.current is not None:
            self.current[self.field] += data


def test_home_press_and_grey_pdfs_say_what_each_is_for(runner: CliRunner, kit_dir: Path) -> None:
    for options in ([], ["--mode", "press"], ["--greyscale"]):
        result = runner.invoke(cli, ["build", "--kit", str(kit_dir), *options])
        assert result.exit_code == 0, result.output
    assert runner.invoke(cli, ["site", "--kit", str(kit_dir)]).exit_code == 0
    page = Downloads()
    page.feed((kit_dir / "dist" / "index.html").read_text())
    labels = {href: link["label"] for href, link in page.links.items()}
    assert labels["card.pdf"] == "PDF on A6 paper, for a printer that takes A6"
    assert labels["card.press.pdf"] == "PDF for a print shop: CMYK PDF/X-4, 3 mm bleed, crop marks"
    assert labels["card.grey.pdf"] == "Greyscale PDF for black-and-white printers and photocopiers"
    assert labels["card.home.pdf"] == "A4 sheets for any home printer (4 copies to a sheet, to cut)"
    assert labels["card.grey.home.pdf"] == (
        "Greyscale A4 sheets for any home printer (4 copies to a sheet, to cut)"
    )
    # No two links of a material read the same, on screen or to a screen reader.
    card = [link for href, link in page.links.items() if href.startswith("card.")]
    assert len({link["label"] for link in card}) == len({link["aria"] for link in card}) == 5
    # A screen reader hears the paper and pages with each link, as the card's facts show them.
    assert page.links["card.press.pdf"]["aria"] == (
        "Download Test card as PDF for a print shop: CMYK PDF/X-4, 3 mm bleed, crop marks "
        "(A6 landscape, 1 page)"
    )
    # The A4 sheets say how to set the printer, as the pack does; a finished PDF does not.
    assert page.links["card.home.pdf"]["how"] == "Print one-sided."
    assert page.links["card.home.pdf"]["aria"].endswith(
        "(4 copies to a sheet, to cut). Print one-sided."
    )
    assert page.links["card.pdf"]["how"] == ""
    # What the QR codes lead to, from the codes printed: the card's petition, the sheet's two.
    assert page.qr == [
        "QR code: Sign the petition",
        "QR codes: Find out more · Donate to the campaign",
    ]


def test_two_sided_home_sheets_say_which_edge_to_flip(kit_dir: Path) -> None:
    from handbill.publish.cards import _links

    sheets = {
        "kind": "pdf",
        "path": "leaflet.home.pdf",
        "bytes": 2048,
        "pages": 2,
        "duplex": True,
        "imposition": "2-up",
        "paper": {"name": "A4 landscape", "width_mm": 297.0, "height_mm": 210.0},
    }
    material = load_kit(kit_dir).materials["sheet"]
    short = _links(material, [sheets], "Leeds", "short")
    assert '<p class="how">Print double-sided, flip on short edge.</p>' in short
    assert (
        'aria-label="Download Test sheet, Leeds as A4 sheets for any home printer (2 copies to a '
        "sheet, to cut)" in (short)
    )
    assert "flip on long edge." in _links(material, [sheets], "", "long")


class PageText(HTMLParser):
    """The words a reader sees: text outside scripts and styles, and the labels read aloud."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip += tag in ("script", "style")
        self.words += [str(v) for k, v in attrs if k in ("aria-label", "alt", "placeholder")]

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.words.append(data)


def test_page_prose_uses_typographic_apostrophes(runner: CliRunner, kit_dir: Path) -> None:
    write(kit_dir / "data" / "events.csv", "date,time,title,venue\n2030-05-04,7pm,Meeting,Hall\n")
    assert runner.invoke(cli, ["site", "--kit", str(kit_dir)]).exit_code == 0
    text = PageText()
    text.feed((kit_dir / "dist" / "index.html").read_text())
    words = " ".join(text.words)
    assert "phone or computer’s calendar" in words  # the calendar section is on the page
    assert re.findall(r"\w'\w", words) == []


@pytest.mark.parametrize(
    "folder", ["materials", "examples/bus-route/materials", "src/handbill/starter/materials"]
)
def test_shipped_descriptions_name_no_kit_files(folder: str) -> None:
    """A description is read by volunteers on the download page: no data/events.csv there."""
    found = []
    for path in sorted((REPO / folder).glob("*.md")):
        line = next(x for x in path.read_text().splitlines() if x.startswith("description:"))
        found.append(line)
        assert not KIT_FILE.search(line), (path, line)
    assert len(found) >= 8


class SearchBox(HTMLParser):
    """The search box's hint and the ids of the page's sections."""

    def __init__(self) -> None:
        super().__init__()
        self.hint = ""
        self.sections: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("id") == "filter":
            self.hint = str(found.get("placeholder"))
        if tag == "section":
            self.sections.append(str(found.get("aria-labelledby") or found.get("class")))


def test_search_hint_is_the_kits_own_and_no_empty_print_runs(built_site: Path) -> None:
    page = SearchBox()
    page.feed((built_site / "index.html").read_text(encoding="utf-8"))
    # The fixture kit: a card (its own template) on A6 and a FAQ sheet on A4, both in English.
    assert page.hint == "e.g. questions and answers, A6"
    # No pack made, so no print-run section (docs/site.md says how to make one).
    assert page.sections == ["h-organisers"]
    assert "RUN.toml" not in (built_site / "index.html").read_text(encoding="utf-8")
