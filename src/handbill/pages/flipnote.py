"""The flip note: which edge to flip a two-sided landscape sheet on, printed on its front."""

from __future__ import annotations

import functools
import io
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    RectangleObject,
)

PT = 72 / 25.4  # points per millimetre

# What to do with a two-sided landscape sheet once printed, by how it was laid out.
AFTERWARDS = {
    "cut": "; then cut on the dashed lines",
    "booklet": "; then fold on the dashed line",
    "folded": "; then fold at the dashed marks",
    "": "",
}


def flip_note(flip: str, then: str = "cut") -> str:
    """The instruction on the front of a two-sided landscape sheet: which edge to flip on,
    then ``then`` (a key of AFTERWARDS)."""
    return f"Print both sides, flip on {flip} edge{AFTERWARDS[then]}."


@functools.lru_cache(maxsize=8)
def _note_page(text: str, width_mm: float, height_mm: float) -> bytes:
    """A page with ``text`` in its top margin, laid out once per process and size."""
    from html import escape

    from handbill.engine.layout import stock_page_pdf

    # 5.5 mm from the top edge (home printers cannot print the first 3-5 mm) and 10 mm
    # from the left, in the strip that every item laid out
    # for home printers leaves blank (their text keeps 10 mm from the edge): away from the
    # content, inside what most printers reach, and clear of the first cut line.
    return stock_page_pdf(
        f"<style>@page {{ size: {width_mm}mm {height_mm}mm; margin: 0 }} html {{ font-family: "
        f"'Atkinson Hyperlegible' }} p {{ margin: 0 0 0 10mm; padding-top: 5.5mm; "
        f"font-size: 6.5pt; line-height: 1; color: #555 }}</style><p>{escape(text)}</p>"
    )


def with_flip_note(data: bytes, flip: str, then: str = "cut") -> bytes:
    """Put the flip instruction on the front of every sheet of a two-sided PDF.

    The note is one form XObject drawn on each front: merging its page into every sheet
    (pypdf's merge_page) would parse and rewrite each sheet's whole drawing."""
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter(clone_from=reader)
    first = writer.pages[0]
    width, height = float(first.mediabox.width) / PT, float(first.mediabox.height) / PT
    text = flip_note(flip, then)
    note: Any = PdfReader(io.BytesIO(_note_page(text, round(width, 2), round(height, 2)))).pages[0]
    form = DecodedStreamObject()
    form.set_data(note.get_contents().get_data())
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): RectangleObject(note.mediabox),
            NameObject("/Resources"): note["/Resources"].get_object().clone(writer),
        }
    )
    reference = writer._add_object(form.flate_encode())
    drawing = DecodedStreamObject()
    drawing.set_data(b"\nq /HbFlipNote Do Q\n")  # a stream of its own: start on a new token
    call = writer._add_object(drawing)
    for page in writer.pages[::2]:
        resources: Any = page["/Resources"].get_object()
        if "/XObject" not in resources:
            resources[NameObject("/XObject")] = DictionaryObject()
        resources["/XObject"].get_object()[NameObject("/HbFlipNote")] = reference
        contents: Any = page["/Contents"]
        held: Any = contents.get_object()
        if isinstance(held, ArrayObject):
            before = list(held)
        else:  # a stream must be an indirect object to sit in an array of contents
            before = [
                contents if isinstance(contents, IndirectObject) else writer._add_object(held)
            ]
        page[NameObject("/Contents")] = ArrayObject([*before, call])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
