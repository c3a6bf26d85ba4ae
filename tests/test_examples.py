"""The second example kit (examples/bus-route): another campaign's brand, font, logo and data."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops

from conftest import REPO
from pdftools import decode_qr_codes, embedded_font_names, page_texts

BUS_ROUTE = REPO / "examples" / "bus-route"
# The NHS example's brand colours and the tints its stock CSS once hard-coded. A kit with its own
# palette must show none of them: anti-aliased edges of its own colours may come close in a few
# dozen pixels, while the smallest panel (10 x 10 mm) covers about 250 pixels at 40 dpi.
NHS_COLOURS = {
    "#005eb8": 8,
    "#003087": 8,
    "#ffb81c": 8,
    "#eef4fb": 2,  # flat tints render to within a unit; edges of other colours pass near them
    "#f3f7fc": 2,
}
BUS_PRIMARY = "#00775a"


def rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def pixels_near(image: Image.Image, colour: str, tolerance: int) -> int:
    """How many pixels lie within ``tolerance`` of ``colour`` on every channel."""
    masks = [
        band.point(lambda v, t=t: 255 if abs(v - t) <= tolerance else 0)  # type: ignore[misc]
        for band, t in zip(image.convert("RGB").split(), rgb(colour), strict=True)
    ]
    both = ImageChops.multiply(ImageChops.multiply(masks[0], masks[1]), masks[2])
    histogram = both.histogram()
    return sum(histogram[1:])


@pytest.fixture(scope="module")
def bus_out(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """examples/bus-route built once with the CLI, as its README tells a user to."""
    out = tmp_path_factory.mktemp("bus-route-dist")
    command = [sys.executable, "-m", "handbill", "build", "--no-cache", "--out", str(out)]
    result = subprocess.run(command, cwd=BUS_ROUTE, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "warning" not in (result.stdout + result.stderr).lower(), result.stdout + result.stderr
    yield out


def manifest(out: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((out / "manifest.json").read_text())


def test_every_stock_template_is_used(bus_out: Path) -> None:
    templates = {entry["template"] for entry in manifest(bus_out)["outputs"]}
    stock = {path.stem for path in (REPO / "templates").glob("[!_]*.html")}
    assert templates == stock


def test_check_finds_nothing(bus_out: Path) -> None:
    command = [sys.executable, "-m", "handbill", "check", "--out", str(bus_out)]
    result = subprocess.run(command, cwd=BUS_ROUTE, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "clean" in result.stdout, result.stdout


def test_its_own_font_is_embedded(bus_out: Path) -> None:
    fonts = {name.split("+")[-1] for name in embedded_font_names(bus_out / "faq.pdf")}
    assert fonts and all(name.startswith("Cabin") for name in fonts), fonts


def test_pages_show_its_brand_and_none_of_the_nhs_colours(bus_out: Path) -> None:
    entries = manifest(bus_out)["outputs"]
    seen_primary = 0
    for entry in entries:
        if not entry["path"].endswith(".pdf"):
            continue
        document = pdfium.PdfDocument(str(bus_out / entry["path"]))
        for number, page in enumerate(document, start=1):
            image = page.render(scale=40 / 72).to_pil()
            for colour, tolerance in NHS_COLOURS.items():
                found = pixels_near(image, colour, tolerance)
                assert found < 150, f"{entry['path']} p.{number}: {found} pixels of {colour}"
            seen_primary += pixels_near(image, BUS_PRIMARY, 6)
        document.close()
    assert seen_primary > 10_000


def test_qr_codes_lead_to_its_own_pages(bus_out: Path) -> None:
    # The codes carry short codes on the kit's short base; the redirect table leads on.
    codes = decode_qr_codes(bus_out / "faq.pdf")
    redirects = dict(
        line.split()[:2] for line in (bus_out / "_redirects").read_text().splitlines()[1:]
    )
    short = "https://k27.example.org"
    urls = sorted(redirects[url.removeprefix(short)].split("?")[0] for _, url in codes)
    assert urls == [
        "https://keep27.example.org/consultation",
        "https://keep27.example.org/petition",
    ]


def test_per_area_leaflets_carry_their_area(bus_out: Path) -> None:
    text = " ".join(" ".join(page_texts(bus_out / "leaflet-millbrook.pdf")).split())
    assert "the first Saturday of the month at 11 am" in text
    assert "Millbrook Library, Sample Road" in text
