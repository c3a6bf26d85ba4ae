"""Joining PDFs page after page: order, text, fonts and links survive; the result is valid."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

import pypdfium2 as pdfium
from pypdf import PdfReader
from weasyprint import HTML

from handbill.pages.concat import concatenate
from pdftools import embedded_font_names, page_texts


def made(tmp_path: Path, name: str, pages: list[str]) -> Path:
    body = "".join(
        f'<p id="{name}-{n}" style="break-before: page">{text}</p>' for n, text in enumerate(pages)
    )
    link = f'<a href="#{name}-{len(pages) - 1}">to the last page</a>'
    path = tmp_path / f"{name}.pdf"
    HTML(string=f"<html><body>{link}{body}</body></html>").write_pdf(path)
    return path


def test_pages_come_in_order_with_their_text_and_fonts(tmp_path: Path) -> None:
    first = made(tmp_path, "a", ["Alpha one", "Alpha two"])
    second = made(tmp_path, "b", ["Beta one"])
    joined = tmp_path / "joined.pdf"
    joined.write_bytes(concatenate_bytes([first, second], "Joined letters", "en-GB"))
    texts = [" ".join(t.split()) for t in page_texts(joined)]
    # Each input starts with its link on a page of its own, then one page per paragraph.
    assert [t.replace("to the last page", "").strip() for t in texts] == [
        "",
        "Alpha one",
        "Alpha two",
        "",
        "Beta one",
    ]
    reader = PdfReader(joined, strict=True)
    assert reader.metadata is not None and reader.metadata.title == "Joined letters"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    # Every font is still embedded, as in the inputs.
    assert embedded_font_names(joined) == embedded_font_names(first) | embedded_font_names(second)
    document = pdfium.PdfDocument(str(joined))
    assert len(document) == 5
    document.close()


def test_an_internal_link_still_points_at_its_own_page(tmp_path: Path) -> None:
    first = made(tmp_path, "a", ["Alpha one", "Alpha two"])
    second = made(tmp_path, "b", ["Beta one", "Beta two"])
    (tmp_path / "j.pdf").write_bytes(concatenate_bytes([first, second]))
    reader = PdfReader(tmp_path / "j.pdf", strict=True)
    pages = [page.indirect_reference.idnum for page in reader.pages]
    for start in (0, 3):  # the link is on the first page of each input
        annotation = reader.pages[start]["/Annots"][0].get_object()
        target = annotation["/Dest"][0] if "/Dest" in annotation else annotation["/A"]["/D"][0]
        assert target.idnum == pages[start + 2]  # its own last page, not the other input's


def concatenate_bytes(paths: Iterable[Path], title: str = "", language: str = "") -> bytes:
    """``concatenate`` into memory."""
    out = io.BytesIO()
    concatenate(paths, out, title, language)
    return out.getvalue()
