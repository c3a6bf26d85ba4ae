"""Press PDFs are CMYK PDF/X-4, checked independently of handbill's own code: pypdf's content
parser for colour operators, Ghostscript for ink, zxing-cpp for QR codes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ContentStream

RGB_OPERATORS = {b"rg", b"RG"}
PT_PER_MM = 72 / 25.4


def press_pdfs(out: Path) -> list[Path]:
    return sorted(out.glob("*.press.pdf"))


def colour_spaces(obj: Any) -> str:
    obj = obj.get_object()
    if isinstance(obj, list):
        head = str(obj[0])
        if head == "/ICCBased":
            return {1: "gray", 3: "RGB", 4: "cmyk"}[int(obj[1].get_object()["/N"])]
        if head == "/Indexed":
            return colour_spaces(obj[1])
        return head
    return str(obj)


def drawings(reader: PdfReader) -> list[tuple[Any, Any]]:
    """(content stream, its resources) of every page, form, pattern and soft mask."""
    found, seen = [], set()
    for page in reader.pages:
        found.append((page.get_contents(), page["/Resources"].get_object()))
        stack = [page["/Resources"].get_object()]
        while stack:
            resources = stack.pop()
            inner = [
                *resources.get("/XObject", {}).values(),
                *resources.get("/Pattern", {}).values(),
            ]
            for state in resources.get("/ExtGState", {}).values():
                mask = state.get_object().get("/SMask")
                if mask is not None and mask != "/None":
                    inner.append(mask.get_object()["/G"])
            for ref in inner:
                obj = ref.get_object()
                if id(obj) in seen or obj.get("/Subtype") == "/Image":
                    continue
                seen.add(id(obj))
                resources = obj.get("/Resources", {}).get_object()
                found.append((ContentStream(obj, reader), resources))
                stack.append(resources)
    return found


def test_every_colour_of_every_press_pdf_is_cmyk_or_grey(example_press: Path) -> None:
    for path in press_pdfs(example_press):
        reader = PdfReader(path)
        for contents, resources in drawings(reader):
            spaces = {str(k): colour_spaces(v) for k, v in resources.get("/ColorSpace", {}).items()}
            assert "RGB" not in spaces.values() and "/DeviceRGB" not in spaces.values(), path
            for operands, operator in ContentStream(contents, reader).operations:
                assert operator not in RGB_OPERATORS, (path.name, operator, operands)
                if operator in (b"cs", b"CS"):
                    assert str(operands[0]) in ("/DeviceCMYK", "/DeviceGray", "/Pattern"), path
        for page in reader.pages:
            for image in page.images:
                assert colour_spaces(image.indirect_reference.get_object()["/ColorSpace"]) in (
                    "/DeviceCMYK",
                    "/DeviceGray",
                    "cmyk",
                    "gray",
                ), (path.name, image.name)
            group = page.get("/Group")
            assert group is None or group.get_object().get("/CS") != "/DeviceRGB"


def test_press_pdfs_are_pdf_x4_with_a_fogra39_output_intent(example_press: Path) -> None:
    paths = press_pdfs(example_press)
    assert len(paths) >= 30
    for path in paths:
        assert path.read_bytes().startswith(b"%PDF-1.6")
        reader = PdfReader(path)
        root = reader.trailer["/Root"]
        (intent,) = [i.get_object() for i in root["/OutputIntents"]]
        assert intent["/S"] == "/GTS_PDFX"
        assert intent["/OutputConditionIdentifier"] == "FOGRA39"
        assert intent["/RegistryName"] == "http://www.color.org"
        profile = intent["/DestOutputProfile"].get_object()
        assert profile["/N"] == 4
        assert profile.get_data()[36:40] == b"acsp" and profile.get_data()[16:20] == b"CMYK"
        assert reader.metadata["/GTS_PDFXVersion"] == "PDF/X-4"
        assert reader.metadata["/Trapped"] == "/False"
        assert reader.metadata["/Title"]
        assert len(reader.trailer["/ID"]) == 2
        xmp = root["/Metadata"].get_object().get_data().decode()
        assert 'pdfxid:GTS_PDFXVersion="PDF/X-4"' in xmp
        for page in reader.pages:
            assert "/TrimBox" in page and "/BleedBox" in page and "/Annots" not in page


def test_ink_coverage_stays_under_300_percent_everywhere(example_press: Path) -> None:
    paths = press_pdfs(example_press)
    averages = subprocess.run(
        ["gs", "-q", "-dBATCH", "-dNOPAUSE", "-sDEVICE=inkcov", "-o", "-", *map(str, paths)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert len(averages) == sum(len(PdfReader(p).pages) for p in paths)
    for line in averages:
        c, m, y, k = (float(v) for v in line.split()[:4])
        assert c + m + y + k < 3.0, line
    # The average hides a dark patch: measure every pixel of the separations at 50 dpi.
    for path in paths:
        pages = tiff32nc(path, 50)
        for number, page in enumerate(pages, 1):
            data = page.tobytes()
            highest = max(sum(data[i : i + 4]) for i in range(0, len(data), 4))
            assert highest <= 300 * 255 / 100 + 6, (path.name, number, highest * 100 / 255)


def tiff32nc(path: Path, dpi: int) -> list[Image.Image]:
    """Each page as Ghostscript separates it: a CMYK image, one channel per ink."""
    target = path.with_suffix(".tif")
    subprocess.run(
        [
            "gs",
            "-q",
            "-dBATCH",
            "-dNOPAUSE",
            "-sDEVICE=tiff32nc",
            f"-r{dpi}",
            "-o",
            str(target),
            str(path),
        ],
        check=True,
    )
    image = Image.open(target)
    pages = []
    for index in range(getattr(image, "n_frames", 1)):
        image.seek(index)
        pages.append(image.convert("CMYK").copy())
    return pages


def test_qr_codes_are_black_ink_only_and_decode_from_the_cmyk_page(example_press: Path) -> None:
    manifest = json.loads((example_press / "manifest.json").read_text())
    checked = 0
    for entry in manifest["outputs"]:
        if entry.get("mode") != "press" or not entry.get("qr_codes"):
            continue
        path = example_press / entry["path"]
        pages = tiff32nc(path, 200)
        reader = PdfReader(path)
        for code in entry["qr_codes"]:
            page = pages[code["page"] - 1]
            media, trim = (
                reader.pages[code["page"] - 1].mediabox,
                reader.pages[code["page"] - 1].trimbox,
            )
            # Manifest positions are from the trim's top-left corner; the page adds the slug.
            left_mm = (float(trim.left) - float(media.left)) / PT_PER_MM + code["x_mm"]
            top_mm = (float(media.top) - float(trim.top)) / PT_PER_MM + code["y_mm"]
            box = [
                round(v * 200 / 25.4)
                for v in (left_mm, top_mm, left_mm + code["width_mm"], top_mm + code["width_mm"])
            ]
            area = page.crop(box)
            raw = area.tobytes()
            inked = [tuple(raw[i : i + 4]) for i in range(0, len(raw), 4) if raw[i + 3] > 0]
            assert len(inked) > area.width * area.height * 0.2, entry["path"]
            assert all(c == m == y == 0 for c, m, y, _ in inked), entry["path"]
            # Rendered to pixels from the CMYK page (as a print would show it), the code decodes.
            quiet = 12
            seen = page.crop((box[0] - quiet, box[1] - quiet, box[2] + quiet, box[3] + quiet))
            decoded = zxingcpp.read_barcodes(
                seen.convert("RGB"), formats=zxingcpp.BarcodeFormat.QRCode
            )
            assert [d.text for d in decoded] == [code["url"]], entry["path"]
            checked += 1
    assert checked >= 20


def test_black_text_is_100_percent_k_at_every_size(example_press: Path) -> None:
    """Text drawn in a dark colour uses black ink alone (no rich black that blurs)."""
    for path in press_pdfs(example_press):
        reader = PdfReader(path)
        for contents, _ in drawings(reader):
            fill: list[float] = [0.0]
            for operands, operator in ContentStream(contents, reader).operations:
                if operator == b"k":
                    fill = [float(v) for v in operands]
                elif operator == b"g":
                    fill = [0.0, 0.0, 0.0, 1 - float(operands[0])]
                elif operator in (b"Tj", b"TJ") and len(fill) == 4 and fill[3] >= 0.8:
                    assert fill[:3] == [0.0, 0.0, 0.0], (path.name, fill)


@pytest.mark.parametrize("name", ["placard-a4", "faq"])
def test_press_pdfs_pass_handbills_own_preflight(example_press: Path, name: str) -> None:
    from handbill.check.pdfx import pdfx_findings

    reader = PdfReader(example_press / f"{name}.press.pdf")
    assert pdfx_findings({"mode": "press", "pdf_x": "4"}, name, reader) == []


def test_cmyk_placard_band_runs_into_the_bleed(example_press: Path) -> None:
    """The band's ink is the same just inside the trim and at the bleed's outer edge."""
    path = example_press / "placard-a4.press.pdf"
    page = tiff32nc(path, 100)[0]
    reader = PdfReader(path)
    media, trim = reader.pages[0].mediabox, reader.pages[0].trimbox
    x = round((float(trim.left) + float(trim.width) / 2 - float(media.left)) / 72 * 100)
    top = (float(media.top) - float(trim.top)) / 72 * 100  # the trim's top edge in pixels
    inside = page.getpixel((x, round(top + 4 * 100 / 25.4)))
    edge = page.getpixel((x, round(top - 2.8 * 100 / 25.4)))
    assert sum(inside) > 255, inside  # a band of ink, not paper
    assert all(abs(a - b) <= 3 for a, b in zip(inside, edge, strict=True)), (inside, edge)


def test_preflight_finds_a_qr_code_in_four_inks(example_press: Path, tmp_path: Path) -> None:
    from pypdf import PdfWriter
    from pypdf.generic import NameObject

    from handbill.check.pdfx import pdfx_findings
    from handbill.pages.separation import new_stream

    manifest = json.loads((example_press / "manifest.json").read_text())
    entry = next(e for e in manifest["outputs"] if e["path"] == "placard-a4.press.pdf")
    path = example_press / entry["path"]
    assert pdfx_findings(entry, "placard-a4", PdfReader(path)) == []
    writer = PdfWriter(clone_from=path)
    page = writer.pages[0]
    rich = page.get_contents().get_data().replace(b"0 0 0 1 K", b"0.5 0.4 0.4 1 K")
    page[NameObject("/Contents")] = writer._add_object(new_stream(rich))
    writer.write(tmp_path / "rich.pdf")
    found = pdfx_findings(entry, "placard-a4", PdfReader(tmp_path / "rich.pdf"))
    assert [f.line for f in found] == [
        "placard-a4 p.1: error: pdf: a QR code is printed in four inks: its modules must be "
        "black alone"
    ]
