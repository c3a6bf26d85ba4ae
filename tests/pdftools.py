"""Independent checks on PDFs: page sizes with pypdf, QR codes with pypdfium2 + zxing-cpp,
text as poppler's pdftotext extracts it."""

from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import zxingcpp
from pypdf import PdfReader

MM_PER_PT = 25.4 / 72


def page_sizes_mm(path: Path) -> list[tuple[float, float]]:
    reader = PdfReader(path)
    return [
        (
            round(float(p.mediabox.width) * MM_PER_PT, 1),
            round(float(p.mediabox.height) * MM_PER_PT, 1),
        )
        for p in reader.pages
    ]


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def pdftotext(path: Path) -> str:
    """The text as poppler extracts it (Evince, Okular and pdftotext), in reading order."""
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdftotext_pages(path: Path) -> list[str]:
    """Each page's text as poppler extracts it (pdftotext ends every page with a form feed)."""
    return pdftotext(path).split("\f")[:-1]


# Direction marks: pdftotext puts embeddings around runs, sources may hold LRM/RLM.
DIRECTION_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))


def solid(text: str) -> str:
    """The characters in reading order, without whitespace or direction marks: where lines
    break and how an extractor spaces words are layout, not text."""
    return "".join(unicodedata.normalize("NFC", text.translate(DIRECTION_MARKS)).split())


def decode_qr_codes(path: Path, dpi: int = 200) -> list[tuple[int, str]]:
    """(page number, decoded text) for every QR code found on the rasterised pages."""
    found = []
    document = pdfium.PdfDocument(str(path))
    try:
        for number in range(len(document)):
            image = document[number].render(scale=dpi / 72).to_pil()
            for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
                found.append((number + 1, code.text))
    finally:
        document.close()
    return sorted(found)


def embedded_font_names(path: Path) -> set[str]:
    """Base names of fonts whose data is embedded in the PDF (FontFile, FontFile2 or FontFile3)."""
    names = set()
    for page in PdfReader(path).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            if descriptor is None:
                continue
            descriptor = descriptor.get_object()
            if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                names.add(str(font["/BaseFont"]))
    return names


def assert_nothing_names(out: Path, secrets: list[str]) -> None:
    """No file under ``out`` holds any of ``secrets``, in its bytes or in its PDF text."""
    files = [p for p in out.rglob("*") if p.is_file()]
    assert files
    for path in files:
        texts = [path.read_bytes()]
        if path.suffix == ".pdf":
            texts += [text.encode() for text in page_texts(path)]
        for secret in secrets:
            assert not any(secret.encode() in text for text in texts), (path, secret)
            assert secret not in str(path.relative_to(out)), path


def glyph_contours(path: Path, character: str) -> dict[str, int]:
    """For each embedded font that draws ``character``: its base name and the number of
    contours of the glyph drawn (read through the font's ToUnicode map and its glyf table)."""
    import io
    import re

    from fontTools.ttLib import TTFont

    found: dict[str, int] = {}
    target = f"{ord(character):04x}"
    for page in PdfReader(path).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            if not descendants or "/ToUnicode" not in font:
                continue
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            codes = [
                int(code, 16)
                for code, text in re.findall(r"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]+)>", cmap)
                if text.lower() == target
            ]
            descriptor = descendants[0].get_object()["/FontDescriptor"].get_object()
            if not codes or "/FontFile2" not in descriptor:
                continue
            data = descriptor["/FontFile2"].get_object().get_data()
            embedded = TTFont(io.BytesIO(data))
            glyph = embedded["glyf"][embedded.getGlyphOrder()[codes[0]]]  # CIDs are glyph ids
            found[str(font["/BaseFont"])] = glyph.numberOfContours
    return found


def text_runs(path: Path) -> list[tuple[int, str, float, float, float]]:
    """Every run of text drawn: (page number, text, size in pt, x and y in pt from the page's
    bottom left), as pypdf reads the content streams."""
    runs: list[tuple[int, str, float, float, float]] = []
    for number, page in enumerate(PdfReader(path).pages, 1):

        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
            if text.strip():
                scale = abs(tm[3] * cm[3]) or abs(tm[0] * cm[0])
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                runs.append((number, text, round(size * scale, 2), x, y))  # noqa: B023

        page.extract_text(visitor_text=visit)
    return runs


def imprint_lines(path: Path) -> tuple[float, list[str]]:
    """The imprint's type size in pt and its printed lines (the runs from "Promoted by" on, in
    its size, on its page, grouped by baseline)."""
    runs = text_runs(path)
    start = next(i for i, run in enumerate(runs) if "Promoted by" in run[1])
    page, size = runs[start][0], runs[start][2]
    lines: dict[float, list[str]] = {}
    for number, text, run_size, _, y in runs[start:]:
        if number != page or run_size != size:
            break
        lines.setdefault(round(y, 1), []).append(text)
    return size, [" ".join("".join(parts).split()) for parts in lines.values()]


def fonts_drawing(path: Path, word: str) -> set[str]:
    """The base names of the fonts that draw ``word`` (a run of text that holds it)."""
    found: set[str] = set()
    for page in PdfReader(path).pages:

        def visit(text: str, cm: object, tm: object, font: Any, size: float) -> None:
            if word in text and font is not None:
                found.add(str(font["/BaseFont"]).split("+")[-1])

        page.extract_text(visitor_text=visit)
    return found
