"""Placards as a phone photo and a home printer see them: a right column big enough to read
in a selfie, and an A3 placard tiled over A4 sheets with seams in the gaps of its artwork."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from PIL import Image

from conftest import REPO
from handbill.build.runner import build
from handbill.engine.fitting import render_fitted
from handbill.engine.inspect import text_runs
from handbill.kit.loader import Kit, load_kit
from handbill.pages.impose import A4
from handbill.pages.printing import TILE_MARGIN_MM
from handbill.pages.seams import choose_tiling
from handbill.render.templating import render_html
from pdftools import decode_qr_codes, page_sizes_mm

PX_PER_MM = 4.0


@pytest.fixture(scope="module")
def kit() -> Kit:
    return load_kit(REPO)


@pytest.fixture(scope="module")
def out(kit: Kit, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("placards")
    report = build(kit, ["placard-a4", "placard-a3"], out_dir=folder, jobs=1)
    assert not report.failures and not report.warnings, (report.failures, report.warnings)
    return folder


def raster(path: Path, page: int = 0) -> Image.Image:
    document = pdfium.PdfDocument(str(path))
    try:
        return document[page].render(scale=PX_PER_MM * 25.4 / 72).to_pil().convert("RGB")
    finally:
        document.close()


def test_the_right_column_reads_in_a_phone_photo(kit: Kit) -> None:
    document = render_fitted(kit, render_html(kit, kit.materials["placard-a4"])).document
    runs = list(text_runs(document))

    def sizes(css_class: str) -> list[float]:
        return [run.size_pt for run in runs if css_class in run.classes.split()]

    assert sizes("handle") and min(sizes("handle")) >= 28, sizes("handle")
    assert min(sizes("campaign-name")) >= 28
    assert min(sizes("network")) >= 14 and min(sizes("qr-title")) >= 14
    captions = [run.size_pt for run in runs if run.text.startswith("999call")]
    assert captions and min(captions) >= 14, captions


def printed_sizes(path: Path) -> dict[str, float]:
    """Each line of text on the first page and its size in points as printed: the font size
    scaled by the text and graphics matrices. Runs one after another on the same baseline at
    the same size are one line (a handle's <wbr> break points split it into runs)."""
    from pypdf import PdfReader

    runs: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if not text.strip():
            return
        printed, baseline = round(size * abs(tm[3]) * abs(cm[3]), 1), round(tm[5], 1)
        if runs and runs[-1][1:] == (printed, baseline):
            runs[-1] = (runs[-1][0] + text, printed, baseline)
        else:
            runs.append((text, printed, baseline))

    PdfReader(path).pages[0].extract_text(visitor_text=visit)
    return {text.strip(): printed for text, printed, _ in runs}


@pytest.mark.parametrize(("name", "scale"), [("placard-a4", 1.0), ("placard-a3", 1.444)])
def test_the_name_and_handles_read_in_a_photo_at_arms_length(
    out: Path, name: str, scale: float
) -> None:
    """The campaign's name and each handle, as printed: 28 pt on A4 (10 mm letters), and as
    much larger on A3 as the sheet is."""
    sizes = printed_sizes(out / f"{name}.pdf")
    for words in ("999 Call for the NHS", "@999CallforNHS", "999CallfortheNHS"):
        assert sizes[words] >= 28 * scale, (words, sizes[words])
        assert sizes[words] <= 30 * scale  # as big as the column allows, no more


def test_a_mastodon_handle_shrinks_onto_one_line_before_it_breaks(tmp_path: Path) -> None:
    import shutil

    from pdftools import pdftotext

    kit_dir = tmp_path / "kit"
    shutil.copytree(REPO / "examples" / "bus-route", kit_dir)
    report = build(load_kit(kit_dir), ["placard"], out_dir=tmp_path / "out", jobs=1)
    assert not report.failures and not report.warnings, (report.failures, report.warnings)
    lines = [line.strip() for line in pdftotext(tmp_path / "out" / "placard.pdf").splitlines()]
    # 26 letters: smaller than 28 pt, on one line rather than broken before its server.
    assert "@keep27@social.example.org" in lines
    size = printed_sizes(tmp_path / "out" / "placard.pdf")["@keep27@social.example.org"]
    assert 17 <= size < 28, size


def test_the_a4_placard_code_is_at_least_50_mm(out: Path) -> None:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest["outputs"] if e["path"] == "placard-a4.pdf")
    assert all(code["width_mm"] >= 50 for code in entry["qr_codes"])


def tiling(out: Path) -> Any:
    data = (out / "placard-a3.pdf").read_bytes()
    return choose_tiling(data, TILE_MARGIN_MM, 10.0)


def printed_box_mm(image: Image.Image) -> tuple[float, float, float, float]:
    """The box of everything printed on a tile's sheet below its label (the top 6.6 mm): the
    tile and its corner marks, which reach 8 pt (2.8 mm) past each corner. In mm."""
    grey = image.convert("L").point(lambda value: 255 if value < 200 else 0)
    top = int(6.6 * PX_PER_MM)
    box = grey.crop((0, top, image.width, image.height)).getbbox()
    assert box is not None
    left, upper, right, lower = box
    return left / PX_PER_MM, (upper + top) / PX_PER_MM, right / PX_PER_MM, lower / PX_PER_MM


def test_a3_goes_on_two_portrait_sheets_each_well_used(out: Path) -> None:
    """Two A4 sheets, not four half-empty ones: the placard at 84 %, each tile covering at
    least two thirds of its sheet, measured on the rendered sheets."""
    home = out / "placard-a3.home.pdf"
    assert page_sizes_mm(home) == [(210.0, 297.0)] * 2
    marks = 8 * 25.4 / 72  # the corner marks' reach past the tile
    shares = []
    for page in range(2):
        left, top, right, bottom = printed_box_mm(raster(home, page))
        assert left == pytest.approx(TILE_MARGIN_MM - marks, abs=0.5)  # from the margin
        assert top == pytest.approx(TILE_MARGIN_MM - marks, abs=0.5)
        shares.append((right - left - 2 * marks) * (bottom - top - 2 * marks) / (A4[0] * A4[1]))
    assert min(shares) >= 0.65, shares
    plan = tiling(out)
    assert (len(plan.tops), len(plan.lefts), plan.sheet) == (1, 2, (210.0, 297.0))
    assert 0.8 <= plan.scale <= 0.85
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest["outputs"] if e["path"] == "placard-a3.home.pdf")
    assert entry["imposition"] == f"tiled 1 x 2 at {plan.scale * 100:.0f} %"
    assert entry["paper"] == {"name": "A4", "width_mm": 210.0, "height_mm": 297.0}


def test_a3_seams_fall_between_the_hashtags_letters(out: Path) -> None:
    """Down each vertical seam, through the hashtag's band, nothing but the band's colour: the
    seam passes between two letters, never through one (as it went through the "4")."""
    plan = tiling(out)
    image = raster(out / "placard-a3.pdf")
    band = image.getpixel((int(20 * PX_PER_MM), int(20 * PX_PER_MM)))  # inside the band, left
    band_rows = [
        y for y in range(0, image.height // 2) if image.getpixel((int(12 * PX_PER_MM), y)) == band
    ]
    assert len(band_rows) > 40 * PX_PER_MM  # the band is found
    for seam in plan.lefts[1:]:
        x = round(seam * PX_PER_MM)
        letters = [
            y for y in band_rows if any(image.getpixel((x + dx, y)) != band for dx in (-1, 0, 1))
        ]
        assert letters == [], (seam, len(letters))


def test_a3_home_sheets_follow_the_plan_and_keep_the_code_whole(out: Path) -> None:
    plan = tiling(out)
    home = out / "placard-a3.home.pdf"
    margin = TILE_MARGIN_MM
    first = raster(home, 0)
    band_y = int((margin + 20 * plan.scale) * PX_PER_MM)
    # Where the first tile's poster ends on its sheet, its glue strip included.
    edge = margin + plan.tile_width(0, 10) * plan.scale
    assert first.getpixel((int((edge - 1) * PX_PER_MM), band_y)) != (255, 255, 255)
    assert first.getpixel((int((edge + 1) * PX_PER_MM), band_y)) == (255, 255, 255)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest["outputs"] if e["path"] == "placard-a3.home.pdf")
    assert len(entry["qr_codes"]) == 1
    assert entry["qr_codes"][0]["width_mm"] >= 60  # 72 mm on the A3, at 84 %
    found = decode_qr_codes(home)
    assert [page for page, _ in found] == [entry["qr_codes"][0]["page"]]


def test_a3_at_full_size_when_the_kit_asks(out: Path, kit: Kit) -> None:
    from dataclasses import replace

    from handbill.pages.printing import home_sheets

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest["outputs"] if e["path"] == "placard-a3.pdf")
    printing = replace(kit.config.printing, poster_tiles="full-size")
    made = home_sheets((out / "placard-a3.pdf").read_bytes(), entry, printing)
    assert made is not None
    assert made[1]["imposition"] == "tiled 2 x 2"
    assert made[1]["paper"] == {"name": "A4 landscape", "width_mm": 297.0, "height_mm": 210.0}
    assert made[1]["qr_codes"][0]["width_mm"] == entry["qr_codes"][0]["width_mm"]  # not scaled
