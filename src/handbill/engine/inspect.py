"""Overflow on the laid-out pages: text that spills out of a fixed-size box or off the page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from weasyprint.document import Document

PX_PER_MM = 96 / 25.4
TOLERANCE_PX = 1.0


def _walk(box: Any, ancestors: tuple[Any, ...] = ()) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    yield box, ancestors
    for child in getattr(box, "children", ()):
        yield from _walk(child, (*ancestors, box))


def spilled_text(document: Document) -> list[str]:
    """Describe every piece of text drawn outside its block's box or outside the page.

    A TextBox is checked against the nearest ancestor block that has a fixed width or height
    (placard boxes, leaflet panels) and against the page's content area.
    """
    problems = []
    for number, page in enumerate(document.pages, start=1):
        root = page._page_box
        page_w, page_h = root.margin_width(), root.margin_height()
        for box, ancestors in _walk(root):
            if type(box).__name__ != "TextBox":
                continue
            text = box.text.strip()
            if not text:
                continue
            left, top = box.position_x, box.position_y
            right, bottom = left + box.width, top + box.height
            if (
                left < -TOLERANCE_PX
                or top < -TOLERANCE_PX
                or right > page_w + TOLERANCE_PX
                or (bottom > page_h + TOLERANCE_PX)
            ):
                problems.append(f"page {number}: '{text[:40]}' runs off the page")
                continue
            for ancestor in reversed(ancestors):
                style = ancestor.style
                fixed_w = style["width"] != "auto"
                fixed_h = style["height"] != "auto"
                if not (fixed_w or fixed_h) or type(ancestor).__name__ in ("LineBox", "InlineBox"):
                    continue
                a_left, a_top = ancestor.content_box_x(), ancestor.content_box_y()
                a_right, a_bottom = a_left + ancestor.width, a_top + ancestor.height
                if (fixed_w and right > a_right + TOLERANCE_PX) or (
                    fixed_h and bottom > a_bottom + TOLERANCE_PX
                ):
                    problems.append(f"page {number}: '{text[:40]}' spills out of its box")
                break
    return problems
