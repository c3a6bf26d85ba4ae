"""Letters drawn over shared bases as an update of the overlays' PDF: the same pixels as pypdf's
forms drew, in a file pypdf reads, with the base copied once however many letters use it."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML

from handbill.engine.incremental import WrittenPDF
from handbill.engine.layout import write_pdf_parts
from handbill.pages.concat import Part, concatenate
from handbill.pages.impose import as_form, draw_forms
from handbill.pages.overlays import Sheet, draw_sheets

A4 = "<style>@page { size: 210mm 297mm; margin: 20mm }</style>"


def written(body: str) -> tuple[bytes, WrittenPDF]:
    document = HTML(string=A4 + body).render()
    data, found = write_pdf_parts(document, "Letters", "en-GB", tagged=False)
    assert found is not None
    return data, found


def pixels(data: bytes) -> list[bytes]:
    document = pdfium.PdfDocument(data)
    try:
        return [page.render(scale=50 / 72).to_pil().tobytes() for page in document]
    finally:
        document.close()


def test_letters_match_forms_drawn_by_pypdf(tmp_path: Path) -> None:
    """Two letters of two pages over one base (a faint PROOF mark on it), each with its own
    sign-off moved down; the second two-sided, so a blank back follows."""
    base = tmp_path / "base.pdf"
    base.write_bytes(
        written(
            "<p style='opacity: 0.3; font-size: 30pt'>PROOF</p><p>Dear Member,</p>"
            "<p style='break-before: page'>Yours sincerely,</p>"
        )[0]
    )
    data, overlays = written("<p>Ann Lee</p><p style='break-before: page'>Bo Øster</p>")
    matrix = "1 0 0 1 0 -42.5000"
    sheets = [
        Sheet(base, 0),
        Sheet(base, 1, 0, matrix),
        Sheet(base, 0),
        Sheet(base, 1, 1, matrix),
        Sheet(base, 0, blank=True),
    ]
    made, copies = draw_sheets(overlays, sheets)

    # The same letters the way they were made before: pypdf forms in a pypdf writer.
    writer = PdfWriter()
    base_pages, drawn = PdfReader(base).pages, PdfReader(io.BytesIO(data)).pages
    forms = [as_form(writer, page) for page in base_pages]
    for overlay in drawn:
        for index, form in enumerate(forms):
            placed = [(form, "1 0 0 1 0 0")]
            if index == 1:
                placed.append((as_form(writer, overlay), matrix))
            box = base_pages[index].mediabox
            draw_forms(
                writer, writer.add_blank_page(float(box.width), float(box.height)), placed, []
            )
    box = base_pages[0].mediabox
    writer.add_blank_page(float(box.width), float(box.height))
    before = io.BytesIO()
    writer.write(before)
    assert pixels(made) == pixels(before.getvalue())

    reader = PdfReader(io.BytesIO(made))
    assert len(reader.pages) == 5
    assert [round(float(p.mediabox.width), 2) for p in reader.pages] == [595.28] * 5
    assert reader.pages[4].get("/Contents") is None  # the blank back draws nothing
    texts = [page.extract_text() for page in reader.pages]
    assert "Dear Member" in texts[0] and "Dear Member" in texts[2]
    assert "Yours sincerely" in texts[1] and "Ann Lee" in texts[1] and "Bo" not in texts[1]
    assert "Bo Øster" in texts[3] and "Ann Lee" not in texts[3]
    # The base's pages are written once, as two forms the four sheets share.
    forms_used = {page["/Resources"]["/XObject"].raw_get("/P0").idnum for page in reader.pages[:4]}
    assert len(forms_used) == 2
    # Each copy of the base is named by what it copies, for joining (see the test below).
    assert {copies[n] for n in forms_used} == {("form", base, 0), ("form", base, 1)}
    assert all(key[:2] == ("object", base) for n, key in copies.items() if n not in forms_used)
    # The overlays' own bytes are kept as they were, the letters appended after them.
    assert made.startswith(data.rstrip(b"\n"))


def test_chunks_drawing_one_base_share_its_copy_once_joined(tmp_path: Path) -> None:
    """Two chunks of letters over the same base, joined: the base's pages and fonts are written
    once, both chunks' letters drawing them, and every page looks as it did."""
    base = tmp_path / "base.pdf"
    base.write_bytes(written("<p>Dear Member,</p><p>Please come to the meeting.</p>")[0])
    chunks, parts = [], []
    for n, names in enumerate((("Ann Lee", "Bo Tan"), ("Cy Ode", "Di Ray"))):
        overlay = "".join(f"<p style='break-before: page'>{name}</p>" for name in names)
        _, overlays = written(overlay)
        sheets = [Sheet(base, 0, index, "1 0 0 1 0 -40") for index in (0, 1)]
        made, copies = draw_sheets(overlays, sheets)
        chunks.append(tmp_path / f"chunk{n}.pdf")
        chunks[-1].write_bytes(made)
        parts.append(Part(chunks[-1], copies))
    apart, shared = io.BytesIO(), io.BytesIO()
    concatenate(chunks, apart, "Letters", "en-GB")
    concatenate(parts, shared, "Letters", "en-GB")
    assert pixels(shared.getvalue()) == pixels(apart.getvalue())
    reader = PdfReader(shared)
    drawn = [page["/Resources"]["/XObject"].raw_get("/P0").idnum for page in reader.pages]
    assert len(drawn) == 4 and len(set(drawn)) == 1
    assert [page.extract_text().split()[-2:] for page in reader.pages] == [
        ["Ann", "Lee"], ["Bo", "Tan"], ["Cy", "Ode"], ["Di", "Ray"],
    ]  # fmt: skip
    assert len(shared.getvalue()) < len(apart.getvalue()) - 4_000  # the base, its font
