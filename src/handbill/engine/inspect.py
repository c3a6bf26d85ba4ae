"""What the laid-out pages hold, read from WeasyPrint's boxes for the preflight and merges:
text runs with their size and colours, text that spills out of its box, where letters start."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from weasyprint.document import Document

from handbill.errors import LayoutError
from handbill.render.letters import ROW

PX_PER_PT = 96 / 72
PX_PER_MM = 96 / 25.4
RGB = tuple[float, float, float]


@dataclass(frozen=True)
class TextRun:
    """A piece of text as drawn: its page, size, weight, colour and the background under it."""

    page: int
    text: str
    size_pt: float
    bold: bool
    colour: RGB  # sRGB over white paper
    background: RGB
    classes: str  # the class attributes of the elements around it, joined


def _over_white(colour: Any) -> RGB:
    """The colour as sRGB channels, blended over white paper by its alpha."""
    alpha = colour.alpha
    srgb = colour.to("srgb").coordinates
    red, green, blue = (min(1.0, max(0.0, c)) * alpha + (1 - alpha) for c in srgb)
    return red, green, blue


def _classes(ancestors: tuple[Any, ...]) -> str:
    return " ".join(
        a.element.get("class") or "" for a in ancestors if getattr(a, "element", None) is not None
    )


def text_runs(document: Document) -> Iterator[TextRun]:
    """Every non-blank piece of text on the pages, in order."""
    for number, page in enumerate(document.pages, start=1):
        for box, ancestors in _walk(page._page_box):
            if type(box).__name__ != "TextBox" or not box.text.strip():
                continue
            background = next(
                (
                    a.style["background_color"]
                    for a in reversed(ancestors)
                    if a.style["background_color"].alpha > 0
                ),
                None,
            )
            yield TextRun(
                page=number,
                text=box.text.strip(),
                size_pt=round(box.style["font_size"] / PX_PER_PT, 1),
                bold=box.style["font_weight"] >= 700,
                colour=_over_white(box.style["color"]),
                background=_over_white(background) if background is not None else (1.0, 1.0, 1.0),
                classes=_classes(ancestors),
            )


def letter_starts(document: Document, numbers: list[int], label: str) -> dict[int, int]:
    """The index of the page each letter of a document of letters starts on, by row number
    (``numbers``, in document order): the first page with a box of its ``merge-letter``
    element, which holds its row number (see render/letters.py). Fixed boxes, running elements
    and footnotes are passed over: kit content in them is no letter."""
    found: dict[int, int] = {}
    for index, page in enumerate(document.pages):
        todo = [page._page_box]
        while todo:
            box = todo.pop()
            if _elsewhere(box):
                continue
            row = _letter_row(box)
            if row is not None:
                found.setdefault(row, index)
            else:
                todo.extend(reversed(getattr(box, "children", ())))
    missing = [number for number in numbers if number not in found]
    if missing:
        raise LayoutError(
            f"{label}: the letter of row {missing[0]} was not laid out: the kit's CSS hides it "
            "(display: none on .merge-letter or on the body); remove that rule"
        )
    for before, after in pairwise(numbers):
        if found[after] <= found[before]:
            raise LayoutError(
                f"{label}: the letters of rows {before} and {after} start on the same page: "
                "the kit's CSS lays letters out side by side or over each other (a float, "
                "position, flex, grid or columns on .merge-letter or on the body); remove that "
                "rule, so that each letter starts on a new sheet"
            )
    return found


def _letter_row(box: Any) -> int | None:
    """The row number of the letter whose element ``box`` is the box of, or None."""
    element = getattr(box, "element", None)
    if element is None or element.tag != "div":
        return None
    if "merge-letter" not in element.get("class", "").split():
        return None
    row = element.get(ROW) or ""
    return int(row) if row.isascii() and row.isdigit() else None


def _elsewhere(box: Any) -> bool:
    """Whether ``box`` is drawn away from its place in the flow: fixed (on every page), a
    running element (in a margin box) or a footnote."""
    return bool(box.style["position"] == "fixed" or box.is_running() or box.is_footnote())


def page_count(document: Document) -> int:
    return len(document.pages)


MAX_PAGE_MM = 1_200  # A0 is 841 x 1,189 mm; no print shop or home printer takes larger


def check_page_sizes(document: Document, label: str) -> None:
    """Refuse pages larger than any paper (a template's own @page can ask for 10 m): every
    later step (sheets, tiles, the preflight's pictures of each page) grows with their area."""
    for number, page in enumerate(document.pages, start=1):
        width, height = page.width / PX_PER_MM, page.height / PX_PER_MM
        if max(width, height) > MAX_PAGE_MM:
            raise LayoutError(
                f"{label}: page {number} is {width:,.0f} x {height:,.0f} mm; at most "
                f"{MAX_PAGE_MM:,} mm a side (A0 is 841 x 1,189 mm). Look for an @page size "
                "in the template or its CSS"
            )


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
    return [
        f"page {number}: '{text[:40]}' {'runs off the page' if off else 'spills out of its box'}"
        for number, text, off, _ in _spills(document)
    ]


def off_page_text(document: Document) -> list[str]:
    """One warning per page with text that runs off the paper (the first piece, and how many
    more): cut off by the printer whatever the reader's PDF viewer shows."""
    first: dict[int, tuple[str, int]] = {}
    for number, text, off, _ in _spills(document):
        if off:
            seen, count = first.get(number, (text, 0))
            first[number] = (seen, count + 1)
    return [
        f"page {number}: '{text[:40]}' runs off the page"
        + (f" (and {count - 1} more)" if count > 1 else "")
        + "; shorten it or make its box larger"
        for number, (text, count) in sorted(first.items())
    ]


def spill_depth(document: Document) -> float | None:
    """How far below its box or page the lowest spilled text reaches, in px (0: none spills);
    None when some text spills sideways or upwards, which a shorter text does not cure."""
    depths = [depth for *_, depth in _spills(document)]
    if any(depth is None for depth in depths):
        return None
    return max((d for d in depths if d is not None), default=0.0)


def _spills(document: Document) -> Iterator[tuple[int, str, bool, float | None]]:
    """Each spilled piece of text: page, text, whether it runs off the page, and how far it
    reaches below its limit (None when it spills sideways or above)."""
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
            if left < -TOLERANCE_PX or top < -TOLERANCE_PX or right > page_w + TOLERANCE_PX:
                yield number, text, True, None
                continue
            if bottom > page_h + TOLERANCE_PX:
                yield number, text, True, bottom - page_h
                continue
            for ancestor in reversed(ancestors):
                style = ancestor.style
                fixed_w = style["width"] != "auto"
                fixed_h = style["height"] != "auto"
                if not (fixed_w or fixed_h) or type(ancestor).__name__ in ("LineBox", "InlineBox"):
                    continue
                a_left, a_top = ancestor.content_box_x(), ancestor.content_box_y()
                a_right, a_bottom = a_left + ancestor.width, a_top + ancestor.height
                if fixed_w and right > a_right + TOLERANCE_PX:
                    yield number, text, False, None
                elif fixed_h and bottom > a_bottom + TOLERANCE_PX:
                    yield number, text, False, bottom - a_bottom
                break


@dataclass(frozen=True)
class Folds:
    """Where one page is folded, in millimetres from the trim's left and top edges."""

    x_mm: tuple[float, ...] = ()  # vertical folds
    y_mm: tuple[float, ...] = ()  # horizontal folds


def fold_lines(document: Document) -> list[Folds]:
    """Each page's folds, as the template declares them: an element with a ``data-fold``
    attribute is a fold along its left edge when it is taller than wide (a zero-width line
    down the sheet), else along its top edge. Read from the layout, so the positions are
    wherever the template's CSS put them, on each side of the sheet."""
    pages = []
    for page in document.pages:
        xs: set[float] = set()
        ys: set[float] = set()
        for box, _ in _walk(page._page_box):
            element = getattr(box, "element", None)
            # Pseudo-elements (a drawn guide's ::before) share their element's attributes.
            if (
                element is None
                or element.get("data-fold") is None
                or "::" in str(getattr(box, "element_tag", ""))
            ):
                continue
            # Only folds across the page: a fold element placed off it marks nothing.
            x, y = box.border_box_x(), box.border_box_y()
            if box.height >= box.width and 0 < x < page.width:
                xs.add(round(x / PX_PER_MM, 2))
            elif box.height < box.width and 0 < y < page.height:
                ys.add(round(y / PX_PER_MM, 2))
        pages.append(Folds(tuple(sorted(xs)), tuple(sorted(ys))))
    return pages
