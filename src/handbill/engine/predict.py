"""What smaller sizes would give back: how far the pages overflow, and the height boxes save.

Read from one layout, so that fitting can choose sizes for the next in one go (fitting.py).
Both are estimates: fitting lays the material out again at the sizes chosen, to be sure.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from weasyprint.document import Document

SLACK_PX = 0.5
Shape = tuple[int, float, float, float]  # a box's page, top and bottom, and the height it saves


def _flow(box: Any) -> Iterator[Any]:
    """The boxes of a page's content: not its margin boxes (footers), nor boxes placed
    absolutely (a band drawn into the bleed is not content that overflows)."""
    for child in getattr(box, "children", ()):
        if type(child).__name__ == "MarginBox" or child.style["position"] in ("absolute", "fixed"):
            continue
        yield child
        yield from _flow(child)


def overflow_below(document: Document, pages: int) -> float:
    """How far the content runs past the bottom of the last page it may take, in px."""
    last = document.pages[pages - 1]._page_box
    bottom = last.content_box_y() + last.height
    # A flex item that did not fit is laid out whole on that page, poking out below it (and
    # again on the next page): how far it pokes out is the overflow.
    ends = [box.position_y + box.margin_height() for box in _flow(last)]
    poke = max(ends, default=bottom) - bottom
    if poke > SLACK_PX:
        return float(poke)
    # Blocks break between pages instead: the overflow is what the later pages hold.
    spilled = 0.0
    for page in document.pages[pages:]:
        box = page._page_box
        top = box.content_box_y()
        spilled += max((b.position_y + b.margin_height() for b in _flow(box)), default=top) - top
    return spilled


def saved_height(shapes: list[Shape]) -> float:
    """The height boxes give back together: boxes side by side (their tops and bottoms overlap,
    on one page) give back the largest of their savings, boxes above one another the sum."""
    total = 0.0
    page, end, best = -1, 0.0, 0.0
    for where, top, bottom, saving in sorted(shapes):
        if where == page and top < end - SLACK_PX:
            best, end = max(best, saving), max(end, bottom)
        else:
            total += best
            page, end, best = where, bottom, saving
    return total + best
