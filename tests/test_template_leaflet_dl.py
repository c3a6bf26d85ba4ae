"""The DL tri-fold leaflet: two A4 landscape sides, six 99 x 210 mm panels in letter-fold order."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from conftest import REPO
from handbill.build.runner import build
from handbill.engine.inspect import spilled_text
from handbill.engine.layout import render
from handbill.kit.loader import Kit, load_kit
from handbill.render.templating import render_html
from pdftools import decode_qr_codes, page_sizes_mm, page_texts, pdftotext

NAME = "leaflet-dl"
PX_PER_MM = 96 / 25.4
PANEL_H = 210
# A letter fold: the outside reads inside flap, back cover, front cover; the inside 2, 3, 4.
PANEL_ORDER = [[5, 6, 1], [2, 3, 4]]
# A roll fold: the panel that tucks in (5, with 4 on its back) is 3 mm narrower than the others.
PANEL_WIDTHS = [[97, 100, 100], [100, 100, 97]]


@pytest.fixture(scope="module")
def kit() -> Kit:
    return load_kit(REPO)


@pytest.fixture(scope="module")
def out(kit: Kit, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("leaflet-dl")
    report = build(kit, [NAME], out_dir=folder, jobs=1)
    assert not report.failures, report.failures
    assert not report.warnings, report.warnings
    return folder


@pytest.fixture(scope="module")
def document(kit: Kit) -> Any:
    return render(kit, render_html(kit, kit.materials[NAME]))[0]


def entry(out: Path) -> dict[str, Any]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    found: dict[str, Any] = next(e for e in manifest["outputs"] if e["path"] == f"{NAME}.pdf")
    return found


def boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from boxes(child)


def third_text(path: Path, page: int, third: int) -> str:
    """The text inside one vertical third (0 left, 1 middle, 2 right) of a page, one line."""
    document = pdfium.PdfDocument(str(path))
    try:
        pdf_page = document[page - 1]
        width, height = pdf_page.get_size()
        left, right = width * third / 3, width * (third + 1) / 3
        text = pdf_page.get_textpage().get_text_bounded(left, 0, right, height)
    finally:
        document.close()
    return " ".join(text.split())


def test_leaflet_dl_is_two_a4_landscape_sheets(out: Path) -> None:
    sizes = page_sizes_mm(out / f"{NAME}.pdf")
    assert len(sizes) == 2
    assert all(abs(w - 297) <= 0.5 and abs(h - 210) <= 0.5 for w, h in sizes)
    info = entry(out)
    assert info["pages"] == info["expected_pages"] == 2 and info["duplex"] is True


def test_leaflet_dl_qr_codes_decode_to_the_manifest_urls(out: Path) -> None:
    codes = entry(out)["qr_codes"]
    assert [q["link"] for q in codes] == ["case", "donate"]
    assert all(q["width_mm"] >= 20 for q in codes)
    assert decode_qr_codes(out / f"{NAME}.pdf") == sorted((q["page"], q["url"]) for q in codes)


def test_leaflet_dl_qr_codes_are_on_the_back_cover(out: Path) -> None:
    """Panel 6, the back cover, is the middle panel of the outside (page 1): 97 to 197 mm."""
    left, right = PANEL_WIDTHS[0][0], sum(PANEL_WIDTHS[0][:2])
    for code in entry(out)["qr_codes"]:
        assert code["page"] == 1
        # Inside the middle panel, clear of its 10 mm padding.
        assert code["x_mm"] >= left + 10
        assert code["x_mm"] + code["width_mm"] <= right - 10


def test_leaflet_dl_panels_are_in_letter_fold_order(out: Path) -> None:
    pdf = out / f"{NAME}.pdf"
    expected = {
        (1, 0): ["What has happened since", "£6bn"],  # panel 5, the inside flap
        (1, 1): ["Get involved", "Promoted by 999 Call for the NHS", "#Justice4NHS"],  # 6
        (1, 2): ["Care, not cash limits", "999 CALL FOR THE NHS"],  # panel 1, the front cover
        (2, 0): ["What is an ACO?", "Accountable Care Organisation"],  # panel 2
        (2, 1): ["Why we went to court", "Leigh Day"],  # panel 3
        (2, 2): ["The legal argument", "Health and Social Care Act 2012", "24 April 2018"],
    }
    for (page, third), phrases in expected.items():
        text = third_text(pdf, page, third)
        for phrase in phrases:
            assert phrase in text, (page, third, phrase)
    assert "Care, not cash limits" not in third_text(pdf, 1, 0) + third_text(pdf, 1, 1)
    assert "Promoted by" not in " ".join(third_text(pdf, 2, t) for t in range(3))


def test_leaflet_dl_panels_are_fixed_boxes_with_a_narrower_tuck_in(document: Any) -> None:
    assert len(document.pages) == 2
    for page, order, widths in zip(document.pages, PANEL_ORDER, PANEL_WIDTHS, strict=True):
        panels = [
            b
            for b in boxes(page._page_box)
            if b.element is not None and b.element.get("data-panel") and b.element_tag == "section"
        ]
        assert [int(b.element.get("data-panel")) for b in panels] == order
        for index, panel in enumerate(panels):
            assert panel.margin_width() / PX_PER_MM == pytest.approx(widths[index], abs=0.1)
            assert panel.margin_height() / PX_PER_MM == pytest.approx(PANEL_H, abs=0.1)
            left = sum(widths[:index])
            assert panel.position_x / PX_PER_MM == pytest.approx(left, abs=0.1)
            assert panel.position_y == pytest.approx(0, abs=0.5)
            # At least 10 mm between the sheet edge and any text, on every side.
            assert panel.padding_left / PX_PER_MM >= 10 and panel.padding_right / PX_PER_MM >= 10
            assert panel.padding_top / PX_PER_MM >= 10 and panel.padding_bottom / PX_PER_MM >= 10


def test_leaflet_dl_no_text_spills_out_of_a_panel(document: Any) -> None:
    assert spilled_text(document) == []


def test_leaflet_dl_says_what_it_must(out: Path) -> None:
    pages = [" ".join(t.split()) for t in page_texts(out / f"{NAME}.pdf")]
    for phrase in (
        "Why campaigners took NHS England to court over fixed-budget contracts.",
        "Read about the case",
        "Back the legal fund",
        "Twitter: @999CallforNHS",
        "Printed at home by a supporter.",  # a home copy: the shop did not print it
    ):
        assert phrase in pages[0], phrase
    # Under each code its short address, on one line.
    for code in entry(out)["qr_codes"]:
        assert code["label"] in pages[0], code["label"]
    for phrase in ("Mr Justice Kerr", "When the money runs short, care gets rationed."):
        assert phrase in pages[1], phrase


def test_leaflet_dl_proof_note_fits_on_panel_6(tmp_path: Path) -> None:
    """While the imprint is incomplete, the PROOF note is printed with it on panel 6."""
    config = (REPO / "handbill.toml").read_text(encoding="utf-8")
    (tmp_path / "handbill.toml").write_text(
        re.sub(r'(?m)^printer = ".*"$', 'printer = ""', config), encoding="utf-8"
    )
    (tmp_path / "materials").mkdir()
    shutil.copy(REPO / "materials" / f"{NAME}.md", tmp_path / "materials")
    proof_kit = load_kit(tmp_path)
    rendered = render_html(proof_kit, proof_kit.materials[NAME])
    assert rendered.proof
    assert "PROOF - NOT FOR PRINT: the imprint is incomplete (add printer to" in rendered.html
    document, _ = render(proof_kit, rendered)
    assert len(document.pages) == 2
    assert spilled_text(document) == []


def test_leaflet_dl_dates_keep_together_on_one_line(out: Path) -> None:
    """ "on 24 / April 2018" broke the date across two lines of the pull quote."""
    lines = [" ".join(line.split()) for line in pdftotext(out / f"{NAME}.pdf").splitlines()]
    assert any("24 April" in line for line in lines), [x for x in lines if "April" in x]
    assert not any(line.endswith(" 24") or line.startswith("April") for line in lines)


def text_boxes(path: Path | bytes, page: int) -> list[tuple[str, float, float, float, float]]:
    """Each line of text on a page: its text and box (left, top, right, bottom) in mm from the
    page's top left corner."""
    document = pdfium.PdfDocument(path if isinstance(path, bytes) else str(path))
    try:
        height = document[page].get_size()[1]
        text = document[page].get_textpage()
        found = []
        for index in range(text.count_rects()):
            left, bottom, right, top = text.get_rect(index)
            words = text.get_text_bounded(left, bottom, right, top).strip()
            mm = 25.4 / 72
            found.append(
                (words, left * mm, (height - top) * mm, right * mm, (height - bottom) * mm)
            )
        return found
    finally:
        document.close()


def test_leaflet_dl_home_sheet_says_which_edge_to_flip(out: Path, kit: Kit) -> None:
    """The DL leaflet is already an A4 landscape sheet, printed on both sides: its home copy
    carries the flip note as the 2-up and 3-up sheets do, 5.5 mm from the top, 10 mm from the
    left, in the blank strip above the first panel, clear of the fold marks."""
    home = out / f"{NAME}.home.pdf"
    assert page_sizes_mm(home) == [(297.0, 210.0)] * 2
    note = "Print both sides, flip on short edge; then fold at the dashed marks."
    front = text_boxes(home, 0)
    [(_, left, top, right, bottom)] = [box for box in front if box[0] == note]
    assert left == pytest.approx(10, abs=0.3) and top == pytest.approx(5.5, abs=0.5)
    assert bottom < 8.5 and right < 97 - 2  # above the panels' text, short of the first fold
    others = [box for box in front if box[0] != note]
    assert min(box[2] for box in others) > bottom + 2  # nothing else in its strip
    assert all("flip on" not in box[0] for box in text_boxes(home, 1))  # the front only
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    [sheet] = [e for e in manifest["outputs"] if e["path"] == f"{NAME}.home.pdf"]
    assert sheet["imposition"] == "1-up" and sheet["qr_codes"] == entry(out)["qr_codes"]


def test_leaflet_dl_home_sheet_for_a_long_edge_printer_turns_the_back(out: Path, kit: Kit) -> None:
    from dataclasses import replace

    from handbill.pages.printing import home_sheets

    printing = replace(kit.config.printing, duplex_flip="long")
    made = home_sheets((out / f"{NAME}.pdf").read_bytes(), entry(out), printing, folded=True)
    assert made is not None
    front = [box[0] for box in text_boxes(made[0], 0)]
    assert "Print both sides, flip on long edge; then fold at the dashed marks." in front
    # The back's first heading, at the top left as designed, is at the bottom right when
    # turned, so that the printer's flip on the long edge brings it upright.
    flat = [box for box in text_boxes(out / f"{NAME}.pdf", 1) if box[0] == "What is an ACO?"]
    turned = [box for box in text_boxes(made[0], 1) if box[0] == "What is an ACO?"]
    assert flat and flat[0][1] < 50 and flat[0][2] < 50
    assert turned and turned[0][1] > 297 - 100 and turned[0][2] > 210 - 50
