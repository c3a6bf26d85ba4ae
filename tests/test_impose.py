"""Page work on real handbill PDFs: n-up sheets, poster tiles, crop marks; vector stays vector."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from weasyprint import HTML

from handbill.kit.paper import parse_paper
from handbill.pages.impose import add_crop_marks, impose_n_up, n_up_layout, tile
from handbill.render.qr import qr_svg
from pdftools import decode_qr_codes, page_sizes_mm, page_texts

MM = 25.4 / 72


def built(kit_dir: Path, tmp_path: Path, paper: str, pages: int = 1) -> bytes:
    """A PDF of the given paper size: page N shows "Page N" and a QR code to the case page."""
    size = parse_paper(paper)
    code = qr_svg("https://example.org/case", 25, "case")
    body = "".join(
        f"<section style='break-after: page'><p>Page {n + 1}</p>{code}</section>"
        for n in range(pages)
    )
    return HTML(
        string=f"<style>@page {{ size: {size.css}; margin: 12mm }}</style>{body}"
    ).write_pdf()


def save(tmp_path: Path, data: bytes, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("size", "sheet", "copies"),
    [((148, 210), (297, 210), 2), ((105, 148), (210, 297), 4), ((99, 210), (297, 210), 3)],
)
def test_layouts(size: tuple[float, float], sheet: tuple[float, float], copies: int) -> None:
    layout = n_up_layout(*size)
    assert layout is not None
    assert layout.sheet == sheet and len(layout.slots) == copies
    # Slots are side by side, centred, inside the sheet; cut lines at their edges.
    for slot in layout.slots:
        assert slot.x >= 0 and slot.x + size[0] <= sheet[0] + 0.01
        assert slot.y >= 0 and slot.y + size[1] <= sheet[1] + 0.01
    assert n_up_layout(210, 297) is None  # A4 is printed as it is


def test_a5_two_up_duplex(kit_dir: Path, tmp_path: Path) -> None:
    data, layout = impose_n_up(built(kit_dir, tmp_path, "A5", pages=2), duplex=True) or (b"", None)
    path = save(tmp_path, data, "a5.home.pdf")
    assert page_sizes_mm(path) == [(297.0, 210.0), (297.0, 210.0)]
    assert layout is not None and [round(s.x, 1) for s in layout.slots] == [0.5, 148.5]
    codes = decode_qr_codes(path)
    assert codes.count((2, "https://example.org/case")) == 2  # the back page's code, twice


def test_a6_four_up(kit_dir: Path, tmp_path: Path) -> None:
    data, _ = impose_n_up(built(kit_dir, tmp_path, "A6"), duplex=False) or (b"", None)
    path = save(tmp_path, data, "a6.home.pdf")
    assert page_sizes_mm(path) == [(210.0, 297.0)]
    assert decode_qr_codes(path) == [(1, "https://example.org/case")] * 4
    page = PdfReader(path).pages[0]
    assert "/Image" not in str(page["/Resources"].get("/XObject", {}))  # vector, not rasterised


def test_dl_three_up_and_a_blank_back(kit_dir: Path, tmp_path: Path) -> None:
    data, layout = impose_n_up(built(kit_dir, tmp_path, "DL", pages=3), duplex=True) or (b"", None)
    path = save(tmp_path, data, "dl.home.pdf")
    assert layout is not None and [round(s.x, 1) for s in layout.slots] == [0.0, 99.0, 198.0]
    assert page_sizes_mm(path) == [(297.0, 210.0)] * 4  # 3 sides and a blank back
    assert decode_qr_codes(path) == sorted([(n, "https://example.org/case") for n in (1, 2, 3)] * 3)
    assert page_texts(path)[3].strip() == ""


def test_long_edge_flip_turns_the_backs(kit_dir: Path, tmp_path: Path) -> None:
    source = built(kit_dir, tmp_path, "A5", pages=2)
    short, _ = impose_n_up(source, duplex=True, flip="short") or (b"", None)
    long_, _ = impose_n_up(source, duplex=True, flip="long") or (b"", None)
    short_back = PdfReader(io.BytesIO(short)).pages[1].get_contents().get_data()
    long_back = PdfReader(io.BytesIO(long_)).pages[1].get_contents().get_data()
    rotated = re.compile(rb"-1 0 0 -1 \S+ \S+ cm /P\d+ Do")  # the copy drawn turned 180 degrees
    assert not rotated.search(short_back) and rotated.search(long_back)


def test_a3_tiled_on_a4(kit_dir: Path, tmp_path: Path) -> None:
    """An A3 poster goes on two A4 sheets, portrait, each printing as much of its sheet as the
    printable area allows: the poster at 88 %, two tiles of 190 mm (less a seam's room)."""
    data, rows, columns = tile(built(kit_dir, tmp_path, "A3 landscape"))
    path = save(tmp_path, data, "a3.home.pdf")
    assert (rows, columns) == (1, 2)
    assert page_sizes_mm(path) == [(210.0, 297.0)] * 2
    assert len(decode_qr_codes(path)) >= 1
    for page in PdfReader(path).pages:  # tiles stay vector: no page was turned into an image
        assert "/Image" not in str(page["/Resources"].get("/XObject", {}))
    labels = [" ".join(text.split()) for text in page_texts(path)]
    assert [label[label.index("Tile:") :][:30] for label in labels] == [
        "Tile: row 1, column 1 of 1 \u00d7 2",
        "Tile: row 1, column 2 of 1 \u00d7 2",
    ]
    # 0.88 x 420 x 297 mm: the size of the poster once the sheets are trimmed and glued.
    assert all("printed at 88%, 370 \u00d7 261 mm when joined" in label for label in labels)
    assert "the next tile overlaps the dashed strip" in labels[0]
    assert "overlaps" not in labels[1]


def test_a3_tiled_full_size_when_asked(kit_dir: Path, tmp_path: Path) -> None:
    from handbill.pages.seams import plan_tiles

    poster = built(kit_dir, tmp_path, "A3 landscape")
    plan = plan_tiles(poster, (277.0, 190.0), (297.0, 210.0), 10.0)
    data, rows, columns = tile(poster, plan=plan)
    path = save(tmp_path, data, "a3.home.pdf")
    assert (rows, columns) == (2, 2)
    assert page_sizes_mm(path) == [(297.0, 210.0)] * 4
    labels = [" ".join(text.split()) for text in page_texts(path)]
    assert [label[label.index("Tile:") :][:30] for label in labels] == [
        "Tile: row 1, column 1 of 2 \u00d7 2",
        "Tile: row 1, column 2 of 2 \u00d7 2",
        "Tile: row 2, column 1 of 2 \u00d7 2",
        "Tile: row 2, column 2 of 2 \u00d7 2",
    ]
    assert "printed at" not in labels[0]


def test_crop_marks_sit_outside_the_bleed(tmp_path: Path) -> None:
    source = HTML(
        string="<style>@page { size: 148mm 210mm; bleed: 3mm }</style><p>x</p>"
    ).write_pdf()
    page = PdfReader(io.BytesIO(add_crop_marks(source, bleed_mm=3, offset_mm=3))).pages[0]

    def box(rect) -> list[float]:  # type: ignore[no-untyped-def]
        return [round(float(v) * MM, 1) for v in rect]

    assert box(page.trimbox) == [0.0, 0.0, 148.0, 210.0]
    assert box(page.bleedbox) == [-3.0, -3.0, 151.0, 213.0]
    assert box(page.mediabox) == [-8.0, -8.0, 156.0, 218.0]  # offset 3 mm + 5 mm marks
    marks = page.get_contents().get_data().decode()
    assert "0.0 -8.50" not in marks  # nothing drawn past the media box
    assert "-8.50 m" in marks or " -8.50 l" in marks or "-22.68" in marks


def test_build_press_mode(kit_dir: Path, tmp_path: Path) -> None:
    from handbill.build.jobs import Options
    from handbill.build.runner import build
    from handbill.kit.loader import load_kit

    report = build(load_kit(kit_dir), ["card"], out_dir=tmp_path, jobs=1, options=Options("press"))
    entry = report.entries[0]
    assert (entry["path"], entry["mode"], entry["bleed_mm"], entry["crop_marks"]) == (
        "card.press.pdf",
        "press",
        3.0,
        True,
    )
    page = PdfReader(tmp_path / "card.press.pdf").pages[0]
    boxes = [
        [round(float(v) * MM, 1) for v in box]
        for box in (page.trimbox, page.bleedbox, page.mediabox)
    ]
    assert boxes == [
        [0.0, 0.0, 148.0, 105.0],
        [-3.0, -3.0, 151.0, 108.0],
        [-8.0, -8.0, 156.0, 113.0],
    ]
    unmarked = build(
        load_kit(kit_dir),
        ["card"],
        out_dir=tmp_path / "u",
        jobs=1,
        options=Options("press", marks=False),
    )
    page = PdfReader(tmp_path / "u" / "card.press.pdf").pages[0]
    assert page.mediabox == page.bleedbox and unmarked.entries[0]["crop_marks"] is False


def test_build_home_sheets_record_every_code(kit_dir: Path, tmp_path: Path) -> None:
    from handbill.build.runner import build
    from handbill.kit.loader import load_kit

    report = build(load_kit(kit_dir), ["card"], out_dir=tmp_path, jobs=1)
    sheets = next(e for e in report.entries if e.get("imposition"))
    assert (sheets["path"], sheets["imposition"], sheets["mode"]) == (
        "card.home.pdf",
        "4-up",
        "home",
    )
    # The A6 landscape card: 2 x 2 copies on an A4 landscape sheet.
    assert sheets["paper"] == {"name": "A4 landscape", "width_mm": 297.0, "height_mm": 210.0}
    assert page_sizes_mm(tmp_path / "card.home.pdf") == [(297.0, 210.0)]
    expected = sorted((code["page"], code["url"]) for code in sheets["qr_codes"])
    assert expected == [(1, "https://example.org/petition")] * 4
    assert decode_qr_codes(tmp_path / "card.home.pdf") == expected


def test_booklet_order_pads_to_four() -> None:
    from handbill.pages.impose import booklet_order

    assert booklet_order(6) == [(0, 1), (2, 0), (6, 3), (4, 5)]  # pages 7 and 8 are blank
    assert booklet_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]


def test_six_page_booklet(kit_dir: Path, tmp_path: Path) -> None:
    from handbill.pages.impose import impose_booklet

    data, _ = impose_booklet(built(kit_dir, tmp_path, "A5", pages=6))
    path = save(tmp_path, data, "booklet.pdf")
    assert page_sizes_mm(path) == [(296.0, 210.0)] * 4  # two A5 pages side by side, 4 sides
    texts = [" ".join(t.split()) for t in page_texts(path)]
    # Sheet 1: (8: blank, 1) then (2, 7: blank); sheet 2: (6, 3) then (4, 5).
    assert texts[0] == "Page 1" and texts[1] == "Page 2"
    assert texts[2] == "Page 6 Page 3" and texts[3] == "Page 4 Page 5"


def test_build_booklet_sheets(kit_dir: Path, tmp_path: Path) -> None:
    from conftest import write
    from handbill.build.runner import build
    from handbill.kit.loader import load_kit

    answers = "\n\n".join(
        f"## Question {n}?\n\n" + "An answer that goes on. " * 25 for n in range(8)
    )
    write(
        kit_dir / "materials" / "sheet.md",
        "---\ntemplate: faq\ntitle: T\npaper: A5\nbooklet: true\nqr: [case]\n---\n"
        f"Lead.\n\n{answers}\n",
    )
    report = build(load_kit(kit_dir), ["sheet"], out_dir=tmp_path, jobs=1)
    single, sheets = report.entries[0], report.entries[1]
    padded = -(-single["pages"] // 4) * 4
    assert single["pages"] >= 3 and sheets["imposition"] == f"booklet of {padded} pages"
    assert page_sizes_mm(tmp_path / "sheet.home.pdf") == [(296.0, 210.0)] * (padded // 2)
    expected = sorted((code["page"], code["url"]) for code in sheets["qr_codes"])
    assert (
        decode_qr_codes(tmp_path / "sheet.home.pdf")
        == expected
        == [(expected[0][0], "https://example.org/case")]
    )


def test_greyscale_variant_has_no_colour(kit_dir: Path, tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    from handbill.build.jobs import Options
    from handbill.build.runner import build
    from handbill.kit.loader import load_kit

    report = build(
        load_kit(kit_dir), ["sheet"], out_dir=tmp_path, jobs=1, options=Options(greyscale=True)
    )
    entry = report.entries[0]
    assert (entry["path"], entry["greyscale"]) == ("sheet.grey.pdf", True)
    image = pdfium.PdfDocument(str(tmp_path / "sheet.grey.pdf"))[0].render(scale=1).to_pil()
    red, green, blue = (channel.tobytes() for channel in image.convert("RGB").split())
    spread = max(max(rgb) - min(rgb) for rgb in zip(red, green, blue, strict=True))
    assert spread <= 8  # every pixel grey: nothing depends on colour
    assert decode_qr_codes(tmp_path / "sheet.grey.pdf") == [
        (1, "https://example.org/case"),
        (1, "https://example.org/donate?from=print"),
    ]
    assert "Test sheet" in page_texts(tmp_path / "sheet.grey.pdf")[0]


def _text_positions(data: bytes) -> list[list[tuple[str, float, float]]]:
    """Each page's text runs with their position in mm from the top left."""
    pages = []
    for page in PdfReader(io.BytesIO(data)).pages:
        height = float(page.mediabox.height)
        runs: list[tuple[str, float, float]] = []

        def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
            if text.strip():
                x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
                y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
                runs.append((text.strip(), x * MM, (height - y) * MM))  # noqa: B023

        page.extract_text(visitor_text=visit)
        pages.append(runs)
    return pages


@pytest.mark.parametrize(("flip", "paper"), [("short", "A5"), ("long", "A5"), ("short", "DL")])
def test_two_sided_landscape_sheets_say_which_edge_to_flip(
    kit_dir: Path, tmp_path: Path, flip: str, paper: str
) -> None:
    from dataclasses import replace

    from handbill.kit.loader import load_kit
    from handbill.pages.printing import home_sheets

    size = parse_paper(paper)
    source = built(kit_dir, tmp_path, paper, pages=2)
    entry = {
        "paper": {"width_mm": size.width_mm, "height_mm": size.height_mm},
        "qr_codes": [],
        "duplex": True,
        "booklet": False,
        "pages": 2,
    }
    printing = replace(load_kit(kit_dir).config.printing, duplex_flip=flip)
    made = home_sheets(source, entry, printing)
    assert made is not None
    front, back = _text_positions(made[0])
    note = f"Print both sides, flip on {flip} edge; then cut on the dashed lines."
    [(x, y)] = [(x, y) for text, x, y in front if text == note]
    # In the sheet's top margin (its baseline y), below the 3-4 mm most home printers cannot
    # print, clear of the item's text (10 mm from every edge at home) and of the first cut line.
    assert x == pytest.approx(10, abs=0.5) and 6.8 < y < 8.5  # the letters' tops at 5.5 mm
    assert all(text != note for text, _, _ in back)  # the front only
    # A one-sided item, or a portrait sheet (A6 4-up), gets no note.
    one_sided = home_sheets(source, {**entry, "duplex": False}, printing)
    assert one_sided is not None
    assert all("flip on" not in text for page in _text_positions(one_sided[0]) for text, *_ in page)
    cards = home_sheets(
        built(kit_dir, tmp_path, "A6", pages=2),
        {**entry, "paper": {"width_mm": 105.0, "height_mm": 148.0}},
        printing,
    )
    assert cards is not None
    assert all("flip on" not in text for page in _text_positions(cards[0]) for text, *_ in page)
