"""Home sheets appended to the PDF handbill just wrote: the same pixels as sheets made by
reading the PDF back, in a file every reader opens, with the original bytes left as they are."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from weasyprint import HTML

from handbill.engine.incremental import WrittenPDF, written
from handbill.engine.layout import write_pdf_parts
from handbill.kit.paper import parse_paper
from handbill.pages.impose import impose_booklet, impose_n_up
from handbill.render.qr import qr_svg
from pdftools import decode_qr_codes, page_sizes_mm, page_texts


def parts(paper: str, pages: int, proof: bool = False) -> tuple[bytes, WrittenPDF]:
    """A tagged handbill PDF (page N shows "Page N" and a QR code) and where its parts are."""
    code = qr_svg("https://example.org/case", 25, "case")
    mark = "<p style='opacity: 0.3; font-size: 30pt'>PROOF</p>" if proof else ""
    body = "".join(
        f"<section style='break-after: page'><h1>Page {n + 1}</h1>{mark}{code}</section>"
        for n in range(pages)
    )
    css = f"<style>@page {{ size: {parse_paper(paper).css}; margin: 12mm }}</style>"
    document = HTML(string=css + body).render()
    data, found = write_pdf_parts(document, "Test sheet", "en-GB")
    assert found is not None
    return data, found


def pixels(data: bytes) -> list[bytes]:
    document = pdfium.PdfDocument(data)
    try:
        return [page.render(scale=60 / 72).to_pil().tobytes() for page in document]
    finally:
        document.close()


@pytest.mark.parametrize(
    ("paper", "pages", "duplex", "flip"),
    [("A5", 2, True, "short"), ("A6", 1, False, "short"), ("DL", 3, True, "long")],
)
def test_appended_sheets_match_sheets_read_back(
    paper: str, pages: int, duplex: bool, flip: str
) -> None:
    data, found = parts(paper, pages, proof=True)
    appended = impose_n_up(found, duplex, flip)
    read_back = impose_n_up(data, duplex, flip)
    assert appended is not None and read_back is not None
    assert appended[1] == read_back[1]  # the same layout
    assert pixels(appended[0]) == pixels(read_back[0])


def test_appended_file_is_an_update_of_the_original(tmp_path: Path) -> None:
    data, found = parts("A5", 2)
    sheets, _ = impose_n_up(found, duplex=True) or (b"", None)
    assert sheets.startswith(data)  # the original bytes are kept as they are
    # The update's cross-reference stream points back at the original's.
    original_xref = int(data.rsplit(b"startxref", 1)[1].split()[0])
    update = sheets[len(data) :]
    assert re.search(rb"/Type /XRef [^>]*/Prev %d /Root" % original_xref, update)
    path = tmp_path / "a5.home.pdf"
    path.write_bytes(sheets)
    reader = PdfReader(path, strict=True)
    assert page_sizes_mm(path) == [(297.0, 210.0), (297.0, 210.0)]
    # The sheets keep the title and language; they are not tagged, so they do not claim to be.
    assert reader.metadata is not None and reader.metadata.title == "Test sheet"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert "/StructTreeRoot" not in reader.trailer["/Root"]
    assert decode_qr_codes(path).count((2, "https://example.org/case")) == 2
    assert [" ".join(text.split()) for text in page_texts(path)] == [
        "Page 1 Page 1",
        "Page 2 Page 2",
    ]


def test_appended_booklet_matches_booklet_read_back() -> None:
    data, found = parts("A5", 6)
    appended, order = impose_booklet(found)
    read_back, same_order = impose_booklet(data)
    assert order == same_order == [(0, 1), (2, 0), (6, 3), (4, 5)]
    assert pixels(appended) == pixels(read_back)


def test_an_unexpected_layout_is_read_back_instead() -> None:
    document = HTML(string="<p>Plain</p>").render()
    kept: list[object] = []
    data = document.write_pdf(uncompressed_pdf=True, finisher=lambda _, pdf: kept.append(pdf))
    # Without a cross-reference stream there is nothing to append to: the caller reads back.
    assert written(kept[0], data) is None
    assert PdfReader(io.BytesIO(data)).pages[0] is not None
