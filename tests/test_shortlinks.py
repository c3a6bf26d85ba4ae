"""Short QR codes: a short code per output on the kit's short base, and the redirect tables."""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from conftest import write
from handbill.build.redirects import redirects_of
from handbill.build.runner import build
from handbill.check.preflight import check
from handbill.check.qrscan import RASTER_DPI, symbol_modules
from handbill.errors import BuildError, ConfigError
from handbill.kit.links import SHORT_ALPHABET, short_code
from handbill.kit.loader import load_kit
from handbill.render.qr import QUIET_ZONE, qr_matrix
from pdftools import decode_qr_codes, page_texts, pdftotext, text_runs

TABLES = ["_redirects", "redirects.apache.conf", "redirects.csv", "redirects.nginx.conf"]


def with_links(kit_dir: Path, before: str = "", tracking: bool = True) -> None:
    """Put ``before`` at the top of [links]; UTM tracking on unless told otherwise."""
    toml = kit_dir / "handbill.toml"
    text = toml.read_text().replace("[links]\n", "[links]\n" + before)
    if tracking:
        text = text.replace("utm = false", "utm = true")
    toml.write_text(text)


def manifest(kit_dir: Path) -> dict:
    return json.loads((kit_dir / "dist" / "manifest.json").read_text())


def test_codes_carry_a_short_code_that_the_tables_send_to_the_tracked_address(
    kit_dir: Path,
) -> None:
    with_links(kit_dir, 'short_base = "https://go.test/"\n')
    report = build(load_kit(kit_dir), jobs=1)
    assert not report.failures
    recorded = manifest(kit_dir)
    sheet = next(e for e in recorded["outputs"] if e["path"] == "sheet.pdf")
    codes = {code["link"]: code for code in sheet["qr_codes"]}
    assert set(codes) == {"case", "donate"}
    for link, code in codes.items():
        assert re.fullmatch(f"https://go.test/[{SHORT_ALPHABET}]{{5}}", code["url"])
        assert code["url"] == "https://go.test/" + short_code(link, "sheet", "")
        assert code["label"] == code["url"].removeprefix("https://")
        assert code["target"].endswith("utm_campaign=test-campaign&utm_content=sheet")
    assert codes["donate"]["target"].startswith("https://example.org/donate?from=print&utm_")
    # The phone reads the short address; the words under the code are that address, on
    # one line, and the long tracked address is printed nowhere.
    pdf = kit_dir / "dist" / "sheet.pdf"
    assert decode_qr_codes(pdf) == sorted((1, code["url"]) for code in codes.values())
    text = page_texts(pdf)[0]
    assert codes["case"]["label"] in text and "utm_" not in text
    # Short enough for a version 2 symbol: 25 modules across.
    for code in codes.values():
        assert len(qr_matrix(code["url"])) - 2 * QUIET_ZONE == 25

    folder = kit_dir / "dist"
    assert recorded["redirects"] == {
        "netlify": "_redirects",
        "apache": "redirects.apache.conf",
        "nginx": "redirects.nginx.conf",
        "csv": "redirects.csv",
        "count": 3,
    }
    assert sorted(p.name for p in folder.iterdir() if "redirect" in p.name) == TABLES
    case = codes["case"]
    path = case["url"].removeprefix("https://go.test")
    assert f"{path}  {case['target']}  302" in (folder / "_redirects").read_text().splitlines()
    apache = (folder / "redirects.apache.conf").read_text().splitlines()
    assert f'Redirect 302 {path} "{case["target"]}"' in apache
    nginx = (folder / "redirects.nginx.conf").read_text().splitlines()
    assert f'location = {path} {{ return 302 "{case["target"]}"; }}' in nginx
    with (folder / "redirects.csv").open() as file:
        rows = list(csv.DictReader(file))
    assert {
        "short_url": case["url"],
        "target": case["target"],
        "material": "sheet",
        "link": "case",
    } in rows
    assert len(rows) == 3  # sheet: case and donate; card: petition


def test_a_build_of_one_material_keeps_the_others_codes(kit_dir: Path) -> None:
    with_links(kit_dir, 'short_base = "https://go.test/"\n')
    build(load_kit(kit_dir), jobs=1)
    before = (kit_dir / "dist" / "_redirects").read_text()
    build(load_kit(kit_dir), ["card"], jobs=1)
    assert (kit_dir / "dist" / "_redirects").read_text() == before
    assert before.count(" 302") == 3


def test_a_link_can_have_its_own_short_base_or_none(kit_dir: Path) -> None:
    toml = kit_dir / "handbill.toml"
    with_links(kit_dir, 'short_base = "https://go.test/"\n', tracking=False)
    toml.write_text(
        toml.read_text()
        .replace(
            'case = "https://example.org/case"',
            'case = { url = "https://example.org/case", short_base = "https://s.test/c/" }',
        )
        .replace('label = "example.org/give" }', 'label = "example.org/give", short_base = "" }')
    )
    build(load_kit(kit_dir), ["sheet"], jobs=1)
    codes = {c["link"]: c for c in manifest(kit_dir)["outputs"][0]["qr_codes"]}
    assert codes["case"]["url"] == "https://s.test/c/" + short_code("case", "sheet", "")
    assert codes["case"]["target"] == "https://example.org/case"
    # No short base: the code keeps the full address and its own label, and needs no redirect.
    assert (
        codes["donate"]["url"]
        == codes["donate"]["target"]
        == "https://example.org/donate?from=print"
    )
    assert codes["donate"]["label"] == "example.org/give"
    assert (kit_dir / "dist" / "_redirects").read_text().count(" 302") == 1


def test_without_a_short_base_no_tables_are_written_and_old_ones_go(kit_dir: Path) -> None:
    with_links(kit_dir, 'short_base = "https://go.test/"\n')
    build(load_kit(kit_dir), jobs=1)
    toml = kit_dir / "handbill.toml"
    toml.write_text(toml.read_text().replace('short_base = "https://go.test/"\n', ""))
    (kit_dir / "dist" / "notes.csv").write_text("short_url,target\n")  # not handbill's
    build(load_kit(kit_dir), jobs=1)
    recorded = manifest(kit_dir)
    assert "redirects" not in recorded
    assert not [p.name for p in (kit_dir / "dist").iterdir() if "redirect" in p.name]
    sheet = next(e for e in recorded["outputs"] if e["path"] == "sheet.pdf")
    assert sheet["qr_codes"][0]["url"].startswith("https://example.org/case?utm_source=")


@pytest.mark.parametrize(
    ("base", "message"),
    [
        ('"go.test/"', "'go.test/' is not a web address; write it in full, starting with https://"),
        ('"https://go.test"', "'https://go.test' must be a web address ending in '/'"),
        ('"https://go.test/?x=1"', "must be a web address ending in '/', e.g. https://example.uk/"),
    ],
)
def test_a_bad_short_base_is_one_clear_line(kit_dir: Path, base: str, message: str) -> None:
    with_links(kit_dir, f"short_base = {base}\n")
    with pytest.raises(ConfigError) as caught:
        load_kit(kit_dir)
    text = caught.value.format_message()
    assert "Config value 'links.short_base': " in text and message in text


def test_two_targets_on_one_short_address_stop_the_table() -> None:
    def output(material: str, target: str) -> dict:
        code = {"link": "case", "url": "https://go.test/abcde", "target": target}
        return {"material": material, "qr_codes": [code]}

    same = redirects_of([output("a", "https://x.test/1"), output("b", "https://x.test/1")])
    assert len(same) == 1
    with pytest.raises(BuildError) as caught:
        redirects_of([output("a", "https://x.test/1"), output("b", "https://x.test/2")])
    assert caught.value.format_message() == (
        "the QR codes for 'case' in a and 'case' in b got the same short address "
        "https://go.test/abcde; rename one of the two links in handbill.toml [links]"
    )


def test_short_codes_are_stable_and_typeable() -> None:
    code = short_code("case", "leaflet-a5-leeds", "")
    assert code == short_code("case", "leaflet-a5-leeds", "")
    assert code != short_code("case", "leaflet-a5-leeds.cy", "")
    assert len(code) == 5 and not set(code) & set("01ilo")


LONG = "https://example.org/campaigns/2018/our-judicial-review-of-the-contract"


def code_card(kit_dir: Path, width_mm: float, short: bool, distance: str = "") -> list[str]:
    """The qr findings of an A4 card showing one code for LONG ``width_mm`` wide."""
    toml = kit_dir / "handbill.toml"
    text = toml.read_text().replace("[links]\n", f'[links]\nlong = "{LONG}"\n')
    if short:
        text = text.replace("[links]\n", '[links]\nshort_base = "https://go.test/"\n')
    toml.write_text(text)
    front = "---\ntemplate: card\ntitle: Card\npaper: A4\n" + distance + "---\n"
    write(kit_dir / "materials" / "card.md", front)
    write(
        kit_dir / "templates" / "card.html",
        '{% extends "_base.html" %}{% block body %}{{ qr("long", ' + str(width_mm) + ") }}"
        "{% endblock %}",
    )
    found = check(load_kit(kit_dir), ["card"], out_dir=kit_dir / "dist", jobs=1).findings
    return [f.line for f in found if f.check == "qr"]


def test_check_warns_when_modules_are_too_small_for_a_handout(kit_dir: Path) -> None:
    # 71 characters: version 5, 37 modules; 22 mm with its margin is 0.49 mm a module.
    assert len(qr_matrix(LONG)) - 2 * QUIET_ZONE == 37
    assert code_card(kit_dir, 22, short=False) == [
        "card p.1: warning: qr: the QR code for 'long' has 37 modules across 18.0 mm (0.49 mm "
        "each); read from 25 cm each needs 0.50 mm: give the link a short address ([links] "
        "short_base in handbill.toml) or print it at least 19 mm wide without its margin"
    ]


def test_a_short_base_makes_the_same_code_big_enough(kit_dir: Path) -> None:
    assert code_card(kit_dir, 22, short=True) == []


def test_the_scan_distance_sets_the_module_size(kit_dir: Path) -> None:
    assert code_card(kit_dir, 40, short=True, distance="vars:\n  scan_distance_m: 1\n") == [
        "card p.1: warning: qr: the QR code for 'long' has 25 modules across 30.4 mm (1.21 mm "
        "each); read from 100 cm each needs 2.00 mm: print it at least 50 mm wide without its "
        "margin"
    ]


@pytest.mark.parametrize("length", [10, 40, 90, 200])
def test_modules_are_counted_on_the_symbol_itself(length: int) -> None:
    matrix = qr_matrix("https://example.org/" + "a" * length)
    scale = 4  # pixels a module
    image = Image.new("L", (len(matrix) * scale, len(matrix) * scale), 255)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                image.paste(0, (x * scale, y * scale, (x + 1) * scale, (y + 1) * scale))
    edge = QUIET_ZONE * scale
    right = (len(matrix) - QUIET_ZONE) * scale
    assert symbol_modules(image, edge, edge, right) == len(matrix) - 2 * QUIET_ZONE


def label_sizes_pt(path: Path, label: str) -> list[float]:
    """The size in points of each piece of text on page 1 that is part of ``label``."""
    found = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip() and text.strip() in label:
            found.append(size * math.hypot(tm[1], tm[3]) * math.hypot(cm[1], cm[3]))

    PdfReader(path).pages[0].extract_text(visitor_text=visit)
    return found


def test_example_kit_codes_are_small_versions_with_big_modules(example_out: Path) -> None:
    recorded = json.loads((example_out / "manifest.json").read_text())
    targets: dict[str, str] = {}
    for output in recorded["outputs"]:
        codes = output.get("qr_codes") or []
        if not codes or not output["path"].endswith(".pdf"):
            continue
        path = example_out / output["path"]
        urls = {code["url"] for code in codes}
        document = pdfium.PdfDocument(str(path))
        for page in sorted({code["page"] for code in codes}):
            image = document[page - 1].render(scale=RASTER_DPI / 72).to_pil().convert("L")
            symbols = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
            assert symbols, (output["path"], page)
            for symbol in symbols:
                assert symbol.text in urls
                corners = symbol.position
                xs = [corners.top_left.x, corners.top_right.x, corners.bottom_right.x]
                modules = symbol_modules(image, min(xs), corners.top_left.y, max(xs))
                assert modules is not None and modules <= 33, (output["path"], modules)  # v4
                module_mm = (max(xs) - min(xs)) / modules * 25.4 / RASTER_DPI
                assert module_mm >= 0.5, (output["path"], module_mm)
        document.close()
        # Each label on one line of the page's text, never broken at a hyphen or slash.
        lines = pdftotext(path).splitlines()
        for code in codes:
            assert any(code["label"] in line for line in lines), (output["path"], code["label"])
            assert targets.setdefault(code["url"], code["target"]) == code["target"]
            stem = output["path"].removesuffix(".pdf").removesuffix(".home")
            assert code["target"].endswith(f"&utm_content={stem}")
    # One redirect for each short address, to its tracked address.
    table = (example_out / "_redirects").read_text().splitlines()[1:]
    assert sorted(table) == sorted(
        f"{url.removeprefix('https://999call.uk')}  {target}  302"
        for url, target in targets.items()
    )
    assert recorded["redirects"]["count"] == len(targets)


def test_event_addresses_under_their_codes_are_at_least_8_pt(example_out: Path) -> None:
    recorded = json.loads((example_out / "manifest.json").read_text())
    for name in ("event-poster-2018-10-26.pdf", "event-flyer-2018-10-26.pdf"):
        output = next(o for o in recorded["outputs"] if o["path"] == name)
        sizes = label_sizes_pt(example_out / name, output["qr_codes"][0]["label"])
        assert sizes and min(sizes) >= 8, (name, sizes)


def test_the_short_address_under_every_code_is_at_least_8pt(example_out: Path) -> None:
    """It is typed in by hand when the camera fails: it was 7.5 pt on the leaflets and the
    petition."""
    sizes = {}
    for path in sorted(example_out.glob("*.pdf")):
        if path.name.endswith((".press.pdf", ".form.pdf")):
            continue
        found = [size for _, text, size, _, _ in text_runs(path) if text.startswith("999call.uk/")]
        if found:
            sizes[path.name] = min(found)
    assert len(sizes) >= 10, sizes
    assert min(sizes.values()) >= 8, sizes
