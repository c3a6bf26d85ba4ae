"""Measured fitting: lay out, measure each ``fit()`` box and the pages, and try smaller sizes.

A material is laid out at the largest sizes first; one that fits costs that one layout. A box
with more lines than it may take (or a one-line box wider than its column) gets a size
predicted from the measurement, and the material is laid out again. When every box fits but
the pages do not (a page too many, text spilling out of its box, a ``data-min-mm`` box squeezed
below its minimum), all boxes step down together, by a binary search over the steps. At most
``MAX_LAYOUTS`` layouts a material.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from weasyprint.document import Document

from handbill.engine.inspect import spilled_text
from handbill.engine.layout import render
from handbill.engine.rewrap import Run, lines_at, pieces
from handbill.kit.loader import Kit
from handbill.render.fitmarks import FitMark, mark_of_style, read_marks, with_steps
from handbill.render.templating import RenderedHTML

PX_PER_MM = 96 / 25.4
MAX_LAYOUTS = 8
MAX_PREDICTIONS = 3  # layouts spent fitting boxes one by one, before the pages are looked at
SLACK_PX = 0.5
SAFETY = 1.02  # predicted widths are estimates: aim 2 % under the width that would just fit
INLINE = ("LineBox", "TextBox", "InlineBox")


@dataclass
class BoxSize:
    """What one fitted box measured: its lines, and the widths of its lines and its column."""

    lines: int = 0
    used: list[float] = field(default_factory=list)  # each line's width
    runs: list[list[Run]] = field(default_factory=list)  # each line's text boxes
    column: float = 0.0  # the width lines may take


@dataclass
class Measure:
    """One layout, measured."""

    boxes: dict[int, BoxSize]
    short: list[tuple[str, float, float]]  # data-min-mm boxes below their minimum: name, mm, min
    document: Document
    spills: bool | None = None  # read only when needed: it walks every box again

    def pages_fit(self, pages: int | None) -> bool:
        if (pages is not None and len(self.document.pages) > pages) or self.short:
            return False
        if self.spills is None:
            self.spills = bool(spilled_text(self.document))
        return not self.spills


@dataclass
class Fitted:
    """The fitted layout: the document, WeasyPrint's warnings, and what could not be fitted."""

    document: Document
    warnings: list[str]
    problems: list[str]
    html: str


def _walk(box: Any, found: Callable[[Any, tuple[Any, ...]], None], above: tuple[Any, ...]) -> None:
    found(box, above)
    for child in getattr(box, "children", ()):
        _walk(child, found, (*above, box))


def _lines(box: Any, size: BoxSize) -> None:
    """Count the lines inside a fitted box (in nested blocks too, e.g. a block <strong>)."""
    for child in getattr(box, "children", ()):
        if type(child).__name__ == "LineBox":
            size.lines += 1
            size.used.append(child.width)
            size.runs.append(_runs(child))
        else:
            _lines(child, size)


def _runs(box: Any) -> list[Run]:
    if type(box).__name__ == "TextBox":
        return [(box.text, box.width)]
    return [run for child in getattr(box, "children", ()) for run in _runs(child)]


def measure(document: Document) -> Measure:
    """Each fitted box's lines and widths, each ``data-min-mm`` box's height, pages and spills."""
    boxes: dict[int, BoxSize] = {}
    heights: dict[Any, tuple[str, float, float]] = {}

    def found(box: Any, above: tuple[Any, ...]) -> None:
        element = getattr(box, "element", None)
        if element is None or box.element_tag != element.tag or type(box).__name__ in INLINE:
            return  # only the principal block box of an element
        if element.get("data-fit"):
            mark_id = mark_of_style(element.get("style") or "")
            if mark_id is not None:
                size = boxes.setdefault(mark_id, BoxSize())
                _lines(box, size)
                # A box that may not wrap grows with its text when nothing holds its width (a
                # flex item): then the room is what is left once it stops poking out of the page.
                poke = max(a.position_x + a.margin_width() for a in (*above[1:], box)) - right
                column = box.width - poke if poke > SLACK_PX else box.width
                size.column = max(size.column, column)
        minimum = element.get("data-min-mm")
        if minimum and element not in heights:
            try:
                least = float(minimum)
            except ValueError:
                return
            name = (element.get("class") or element.tag).split()[0]
            heights[element] = (name, box.border_height() / PX_PER_MM, least)

    for page in document.pages:
        right = page._page_box.content_box_x() + page._page_box.width
        _walk(page._page_box, found, ())
    short = [(name, mm, least) for name, mm, least in heights.values() if mm + 0.05 < least]
    return Measure(boxes, short, document)


def _too_big(mark: FitMark, size: BoxSize | None) -> bool:
    if size is None:
        return False
    return size.lines > mark.lines or (
        mark.nowrap and bool(size.used) and max(size.used) > size.column + SLACK_PX
    )


def _predicted_step(mark: FitMark, step: int, size: BoxSize) -> int:
    """The step whose size the measurement says should fit; always at least one step down."""
    current = mark.sizes[step]
    if mark.nowrap or size.lines <= 1:
        target = current * size.column / max(max(size.used), 1.0) / SAFETY
        best = next((k for k, s in enumerate(mark.sizes) if s <= target), len(mark.sizes) - 1)
    else:
        # Wrap the words again at each smaller size, from their widths now (rewrap.py).
        found = pieces(size.runs)
        best = next(
            (
                k
                for k, s in enumerate(mark.sizes)
                if lines_at(found, s / current * SAFETY, size.column) <= mark.lines
            ),
            len(mark.sizes) - 1,
        )
    return min(max(best, step + 1), len(mark.sizes) - 1)


def render_fitted(kit: Kit, rendered: RenderedHTML, read: dict[str, str] | None = None) -> Fitted:
    """Lay out ``rendered`` with every ``fit()`` box at the largest size that fits."""
    marks = read_marks(rendered.html)
    pages = rendered.material.pages
    document, warnings = render(kit, rendered, read)
    if not marks and "data-min-mm" not in rendered.html:
        return Fitted(document, warnings, [], rendered.html)  # nothing to measure
    found = measure(document)
    steps = {mark.id: 0 for mark in marks}
    html = rendered.html
    layouts = 1

    def layout(trial: dict[int, int]) -> tuple[Document, list[str], Measure, str]:
        nonlocal layouts
        layouts += 1
        text = with_steps(rendered.html, trial)
        laid, messages = render(kit, replace(rendered, html=text), read)
        return laid, messages, measure(laid), text

    last = {mark.id: len(mark.sizes) - 1 for mark in marks}
    # One by one: each box that takes too many lines gets the size its measurement predicts.
    while layouts <= MAX_PREDICTIONS:
        over = [m for m in marks if steps[m.id] < last[m.id] and _too_big(m, found.boxes.get(m.id))]
        if not over:
            break
        for mark in over:
            steps[mark.id] = _predicted_step(mark, steps[mark.id], found.boxes[mark.id])
        document, warnings, found, html = layout(steps)
    # Together: the pages still overflow, so every box steps down by the same number of steps.
    room = max((last[m.id] - steps[m.id] for m in marks), default=0)
    if room and not found.pages_fit(pages):

        def shrunk(extra: int) -> dict[int, int]:
            return {k: min(v + extra, last[k]) for k, v in steps.items()}

        # Most pages overflow by a little: try 1, 2, 4, ... steps, then halve the gap.
        low, high, best = 0, 1, layout(shrunk(1))
        while not best[2].pages_fit(pages) and high < room and layouts < MAX_LAYOUTS:
            low, high = high, min(high * 2, room)
            best = layout(shrunk(high))
        if best[2].pages_fit(pages):  # else even the smallest sizes do not make the pages fit
            while high - low > 1 and layouts < MAX_LAYOUTS:
                middle = (low + high) // 2
                outcome = layout(shrunk(middle))
                if outcome[2].pages_fit(pages):
                    best, high = outcome, middle
                else:
                    low = middle
        document, warnings, found, html = best
        steps = shrunk(high)
    return Fitted(document, warnings, _problems(marks, steps, found), html)


def _problems(marks: list[FitMark], steps: dict[int, int], found: Measure) -> list[str]:
    """One line for each box that does not fit even at its smallest size."""
    problems = []
    for mark in marks:
        size = found.boxes.get(mark.id)
        if size is None or not _too_big(mark, size):
            continue
        smallest = mark.size_text(steps[mark.id])
        if mark.nowrap:
            more = max(size.used) / max(size.column, 1.0) - 1
            problems.append(
                f"{mark.name} does not fit on one line even at {smallest} (it needs "
                f"{more:.0%} more width); shorten it"
            )
        else:
            plural = "s" if mark.lines != 1 else ""
            problems.append(
                f"{mark.name} does not fit in {mark.lines} line{plural} even at {smallest} "
                f"(needs {size.lines}); shorten it or raise lines="
            )
    for name, mm, least in found.short:
        problems.append(
            f"{name} is {mm:.0f} mm tall, less than its {least:g} mm minimum; shorten the text "
            "on its page"
        )
    return problems
