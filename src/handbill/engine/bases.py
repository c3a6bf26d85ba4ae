"""The layout side of a shared-layout merge: marked lines on laid-out pages, and bases.

See overlay.py for the plan. This module reads (and, for a base, edits) WeasyPrint's page boxes,
so that merge/shared.py works with pages and numbers only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import weasyprint.layout

from handbill.engine.layout import boxes_in
from handbill.engine.overlay import MARK

TOLERANCE = 0.01  # px


@dataclass(frozen=True)
class Line:
    """A line of the last blocks: its text and where it is, in CSS px."""

    text: str
    x: float
    y: float
    bottom: float
    look: tuple[Any, ...] = ()  # how its text and block are drawn: fonts, colours, decoration


_LOOK = [
    "color",
    "font_family",
    "font_size",
    "font_weight",
    "font_style",
    "font_stretch",
    "font_variant_caps",
    "letter_spacing",
    "word_spacing",
    "text_decoration_line",
    "text_decoration_color",
    "text_decoration_style",
    "background_color",
    "opacity",
    "visibility",
    "direction",
]


@contextmanager
def without_margin_boxes() -> Iterator[None]:
    """Lay out pages without margin boxes: the overlay pages draw none (OVERLAY_STYLE), and
    WeasyPrint would still make and style all sixteen of them for every page."""
    make = weasyprint.layout.make_margin_boxes
    weasyprint.layout.make_margin_boxes = lambda context, page, state: ()
    try:
        yield
    finally:
        weasyprint.layout.make_margin_boxes = make


def one_page_each(document: Any) -> tuple[Any, dict[int, list[int]]]:
    """The overlay document with each row's letter on a page of its own, and each row's pages.

    Rows are laid out one after another, as many to a page as fit (laying out a page costs
    far more than the few lines on it); each page is then split into one page per row, each
    drawing only that row, in the same place.
    """
    from weasyprint.document import Page

    pages: list[Any] = []
    found: dict[int, list[int]] = {}
    for page in document.pages:
        page_box = page._page_box
        root = page_box.children[0]
        body = root.children[0]
        for letter in body.children:
            element = getattr(letter, "element", None)
            if element is None or "data-merge-row" not in element.attrib:
                continue
            alone = root.copy_with_children([body.copy_with_children([letter]), *root.children[1:]])
            pages.append(Page(page_box.copy_with_children([alone, *page_box.children[1:]])))
            found.setdefault(int(element.attrib["data-merge-row"]), []).append(len(pages) - 1)
    return document.copy(pages), found


def marked_lines(page_box: Any, look: bool = True) -> list[Line]:
    """The lines of the marked (last) blocks on a laid-out page, in order; with ``look``
    false, without how they are drawn (a row's sign-off needs only where its lines are)."""
    lines: list[Line] = []
    for block in _marked(page_box):
        for box in boxes_in(block):
            if type(box).__name__ == "LineBox":
                inside = list(boxes_in(box))
                text = "".join(t.text for t in inside if hasattr(t, "text"))
                drawn = (
                    tuple(tuple(repr(b.style[name]) for name in _LOOK) for b in [block, *inside])
                    if look
                    else ()
                )
                bottom = box.position_y + box.height
                lines.append(Line(text, box.position_x, box.position_y, bottom, drawn))
    return lines


def hide_marked(page_box: Any) -> None:
    """Leave the marked blocks out of the page's drawing (their place stays as it was)."""
    for block in _marked(page_box):
        block.style = block.style.copy()
        block.style["visibility"] = "hidden"
        block.children = []


def content_bottom(page_box: Any) -> float:
    return float(page_box.content_box_y() + page_box.height)


def _marked(box: Any) -> list[Any]:
    element = getattr(box, "element", None)
    marked = element is not None and MARK in element.attrib
    if marked and type(box).__name__ != "LineBox" and not hasattr(box, "text"):
        return [box]
    found = []
    for child in getattr(box, "children", ()):
        found += _marked(child)
    return found


def lines_on(document: Any, index: int, look: bool = True) -> list[Line]:
    """The marked lines on page ``index`` of a laid-out document (see marked_lines)."""
    return marked_lines(document.pages[index]._page_box, look)


def base_of(
    document: Any, indices: list[int], overlays: Any, alone: int
) -> tuple[tuple[int, ...], float, float] | None:
    """A row's letter (pages ``indices`` of ``document``) as a base for others: its pages up to
    the one with the last blocks, their top and the content's bottom; the last blocks are
    hidden from that page's drawing. None when the last blocks laid out on their own (page
    ``alone`` of ``overlays``) differ from those in the letter, or anything is drawn below."""
    with_lines = [i for i in indices if marked_lines(document.pages[i]._page_box)]
    if len(with_lines) != 1:
        return None  # the last blocks are split over pages
    page_box = document.pages[with_lines[0]]._page_box
    lines = marked_lines(page_box)
    if _below(page_box, lines[0].y) or not _same(lines, lines_on(overlays, alone)):
        return None
    if marked_styles(page_box) != marked_styles(overlays.pages[alone]._page_box):
        return None  # e.g. a border from `p + p`, which the blocks alone no longer match
    hide_marked(page_box)
    pages = tuple(i for i in indices if i <= with_lines[0])
    return pages, lines[0].y, content_bottom(page_box)


def marked_styles(page_box: Any) -> list[tuple[str, tuple[str, ...]]]:
    """Every box of the marked blocks on a page with all its computed properties: the lines
    say where the text goes and in which font, this what else is drawn (borders, outlines,
    shadows, backgrounds, list markers) and how. Compared once a base, not once a row."""
    found = []
    for block in _marked(page_box):
        for box in [block, *boxes_in(block)]:
            style = box.style
            found.append((type(box).__name__, tuple(repr(style[name]) for name in PROPERTIES)))
    return found


def _properties() -> list[str]:
    """All of WeasyPrint's properties but the logical ones (``margin_block_start``...), which it
    turns into physical ones (``margin_top``...) when the style is computed."""
    from weasyprint.css.computed_values import PHYSICAL_FUNCTIONS
    from weasyprint.css.properties import INITIAL_VALUES

    logical = {
        find(block="ttb", inline=direction)
        for find in PHYSICAL_FUNCTIONS.values()
        for direction in ("ltr", "rtl")
    }
    return sorted(name for name in INITIAL_VALUES if name not in logical)


PROPERTIES = _properties()


def _below(page_box: Any, top: float) -> bool:
    """Whether anything but the last blocks is drawn at or below ``top`` on the page."""

    def walk(box: Any) -> bool:
        element = getattr(box, "element", None)
        if element is not None and MARK in element.attrib:
            return False
        kind = type(box).__name__
        if kind in ("TextBox", "InlineReplacedBox", "BlockReplacedBox") and box.position_y >= top:
            return True
        if kind == "MarginBox":
            return False
        return any(walk(child) for child in getattr(box, "children", ()))

    return walk(page_box)


def _same(full: list[Line], alone: list[Line]) -> bool:
    """Same lines, words, fonts and colours, left edges and spacing: the same last blocks."""
    if len(full) != len(alone) or not full:
        return False
    return all(
        a.text == b.text
        and a.look == b.look
        and abs(a.x - b.x) < TOLERANCE
        and abs((a.y - full[0].y) - (b.y - alone[0].y)) < TOLERANCE
        for a, b in zip(full, alone, strict=True)
    )
