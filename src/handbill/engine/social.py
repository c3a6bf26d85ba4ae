"""Draw a social image: lay its page out, write it as PDF, rasterise it at its exact pixel size."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from weasyprint.document import Document

from handbill.engine.fitting import render_fitted
from handbill.engine.glyphs import check_glyphs
from handbill.engine.inspect import check_page_sizes
from handbill.engine.layout import write_pdf
from handbill.errors import LayoutError
from handbill.kit.loader import Kit
from handbill.kit.social import MIN_TEXT_PX
from handbill.render.social import SocialPage
from handbill.render.templating import RenderedHTML

PDF_PT_PER_PX = 72 / 96  # WeasyPrint's CSS pixel is 1/96 inch; a PDF point 1/72
JPEG_QUALITY = 88  # a photograph's detail without the size of a PNG of it


@dataclass(frozen=True)
class TextBox:
    """A line of text as laid out on the image: its text, its box in pixels and its size."""

    text: str
    left: float
    top: float
    right: float
    bottom: float
    size_px: float


@dataclass(frozen=True)
class DrawnImage:
    """A social image, drawn: the PNG, its size, its text (for checks and alt text), warnings."""

    png: bytes
    width: int
    height: int
    boxes: list[TextBox]
    warnings: list[str]

    def jpeg(self) -> bytes:
        """The picture as a JPEG (for an image with a photograph), with no metadata: the same
        picture always gives the same bytes."""
        from PIL import Image

        out = io.BytesIO()
        with Image.open(io.BytesIO(self.png)) as picture:
            picture.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, subsampling=0)
        return out.getvalue()

    @property
    def text(self) -> str:
        """Every line of text on the image, in reading order, as one paragraph."""
        return " ".join(" ".join(box.text for box in self.boxes).split())


def text_boxes(document: Document) -> list[TextBox]:
    """Every non-blank line of text on the first page, with its box in CSS pixels."""
    boxes = []
    for box in _walk(document.pages[0]._page_box):
        if type(box).__name__ != "TextBox" or not box.text.strip():
            continue
        boxes.append(
            TextBox(
                text=box.text.strip(),
                left=box.position_x,
                top=box.position_y,
                right=box.position_x + box.width,
                bottom=box.position_y + box.height,
                size_px=float(box.style["font_size"]),
            )
        )
    return boxes


def _walk(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from _walk(child)


def draw_social(
    kit: Kit, rendered: RenderedHTML, page: SocialPage, read: dict[str, str]
) -> DrawnImage:
    """Lay ``page`` out (its ``fit()`` boxes at the largest sizes that fit), check what a phone
    shows of it, and rasterise it at exactly its size in pixels."""
    import pypdfium2 as pdfium
    from PIL import Image

    label = page.name
    # One page, whatever the material's own page count.
    one_page = replace(rendered.material, pages=1)
    fitted = render_fitted(kit, RenderedHTML(material=one_page, html=page.html), read)
    document = fitted.document
    check_glyphs(kit, document, label)
    check_page_sizes(document, label)  # a kit's own template could ask for a page of metres
    if len(document.pages) != 1:
        raise LayoutError(
            f"{label}: the image's text runs onto {len(document.pages)} pages; shorten it, or "
            f"check the template's @page size"
        )
    boxes = text_boxes(document)
    warnings = fitted.problems + _phone_problems(page, boxes)
    data = write_pdf(document, page.name, rendered.material.language, label, tagged=False)
    pdf = pdfium.PdfDocument(data)
    try:
        bitmap = pdf[0].render(scale=1 / PDF_PT_PER_PX, may_draw_forms=False)
        picture = bitmap.to_pil().convert("RGB")
    finally:
        pdf.close()
    if picture.size != (page.size.width, page.size.height):  # a template's own @page size
        picture = picture.resize((page.size.width, page.size.height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # No time stamp or other metadata: two builds give the same bytes.
    picture.save(out, "PNG", optimize=False, compress_level=6)
    return DrawnImage(out.getvalue(), page.size.width, page.size.height, boxes, warnings)


def _phone_problems(page: SocialPage, boxes: list[TextBox]) -> list[str]:
    """Text too small to read on a phone, or where platforms put their overlays."""
    problems = []
    left, top, right, bottom = page.size.safe_box
    small = [box for box in boxes if box.size_px < MIN_TEXT_PX - 0.01]
    if small:
        problems.append(
            f"text '{small[0].text[:40]}' is {small[0].size_px:.0f} px, under the {MIN_TEXT_PX} px "
            "a phone screen needs; make it larger in the social template"
        )
    outside = [
        box
        for box in boxes
        if box.left < left - 1
        or box.top < top - 1
        or box.right > right + 1
        or box.bottom > bottom + 1
    ]
    if outside:
        problems.append(
            f"text '{outside[0].text[:40]}' runs outside the part of the {page.size.label} that "
            "platforms leave uncovered; shorten it"
        )
    return problems
