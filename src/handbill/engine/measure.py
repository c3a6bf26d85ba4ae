"""Measuring a laid-out fitting: each ``fit()`` box's lines, their widths and its column.

Read by fitting.py after every layout and by probe.py on its small documents; ``too_big`` and
``predicted_step`` say whether a measured box fits and which size its words should fit at.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from weasyprint.document import Document

from handbill.engine.inspect import spill_depth
from handbill.engine.predict import overflow_below
from handbill.engine.rewrap import Run, lines_at, pieces
from handbill.render.fitmarks import FitMark, mark_of_style

PX_PER_MM = 96 / 25.4
SLACK_PX = 0.5
SAFETY = 1.02  # predicted widths are estimates: aim 2 % under the width that would just fit
INLINE = ("LineBox", "TextBox", "InlineBox")


@dataclass
class BoxSize:
    """What one fitted box measured: its lines, their widths and heights, and its column."""

    lines: int = 0
    used: list[float] = field(default_factory=list)  # each line's width
    runs: list[list[Run]] = field(default_factory=list)  # each line's text boxes
    column: float = 0.0  # the width lines may take
    height: float = 0.0  # its lines' heights, added up
    where: tuple[int, float, float] = (0, 0.0, 0.0)  # page, top and bottom of its first part


@dataclass
class Measure:
    """One layout, measured."""

    boxes: dict[int, BoxSize]
    short: list[tuple[str, float, float]]  # data-min-mm boxes below their minimum: name, mm, min
    document: Document
    spills: float | None = -1.0  # spill_depth(), read only when needed: it walks every box again

    def pages_fit(self, pages: int | None) -> bool:
        if (pages is not None and len(self.document.pages) > pages) or self.short:
            return False
        return self._spill() == 0

    def _spill(self) -> float | None:
        if self.spills is not None and self.spills < 0:
            self.spills = spill_depth(self.document)
        return self.spills

    def overflow(self, pages: int | None) -> float | None:
        """How much height (px) the material must give up to fit its pages: 0 when it fits,
        None when that cannot be told (text too wide for its box)."""
        below = 0.0
        if pages is not None and len(self.document.pages) > pages:
            below = overflow_below(self.document, pages)
        spill = self._spill() if not below else 0.0
        if spill is None:
            return None
        deficit = max(((least - mm) * PX_PER_MM for _, mm, least in self.short), default=0.0)
        return below + spill + deficit


def _walk(box: Any, found: Callable[[Any, tuple[Any, ...]], None], above: tuple[Any, ...]) -> None:
    found(box, above)
    for child in getattr(box, "children", ()):
        _walk(child, found, (*above, box))


def count_lines(box: Any, size: BoxSize) -> None:
    """Count the lines inside a fitted box (in nested blocks too, e.g. a block <strong>)."""
    for child in getattr(box, "children", ()):
        if type(child).__name__ == "LineBox":
            size.lines += 1
            size.used.append(child.width)
            size.runs.append(_runs(child))
            size.height += child.height
        else:
            count_lines(child, size)


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
                size = boxes.get(mark_id)
                if size is None:
                    top = box.position_y
                    size = boxes[mark_id] = BoxSize(where=(page, top, top + box.margin_height()))
                count_lines(box, size)
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

    for number, laid in enumerate(document.pages):
        page, right = number, laid._page_box.content_box_x() + laid._page_box.width
        _walk(laid._page_box, found, ())
    short = [(name, mm, least) for name, mm, least in heights.values() if mm + 0.05 < least]
    return Measure(boxes, short, document)


def too_big(mark: FitMark, size: BoxSize | None) -> bool:
    if size is None:
        return False
    return size.lines > mark.lines or (
        mark.nowrap and bool(size.used) and max(size.used) > size.column + SLACK_PX
    )


def predicted_step(mark: FitMark, step: int, size: BoxSize) -> int:
    """The step whose size the measurement says should fit; always at least one step down."""
    current = mark.sizes[step]
    if mark.nowrap or size.lines <= 1:
        target = current * size.column / max(max(size.used), 1.0) / SAFETY
        best = next((k for k, s in enumerate(mark.sizes) if s <= target), len(mark.sizes) - 1)
    else:
        # Wrap the words again at each smaller size, from their widths now (rewrap.py).
        found = pieces(size.runs, size.column)
        best = next(
            (
                k
                for k, s in enumerate(mark.sizes)
                if lines_at(found, s / current * SAFETY, size.column) <= mark.lines
            ),
            len(mark.sizes) - 1,
        )
    return min(max(best, step + 1), len(mark.sizes) - 1)
