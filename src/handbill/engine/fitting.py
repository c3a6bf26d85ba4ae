"""Measured fitting: lay out, measure each ``fit()`` box and the pages, and try smaller sizes.

A material is laid out at the largest sizes first; one that fits costs that one layout. From
that layout's measurements the sizes that should fit are predicted in one go, so that most
materials that do not fit cost one layout more: each box with more lines than it may take (or
a one-line box wider than its column) gets the size its words predict (rewrap.py), and when
the pages overflow (a page too many, text spilling out of its box, a ``data-min-mm`` box
squeezed below its minimum), all boxes step down together by as many steps as it takes for the
height they give up to cover the overflow. Only when a prediction falls short do the boxes step
down further, by a binary search over the steps. At most ``MAX_LAYOUTS`` layouts a material.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from weasyprint.document import Document

from handbill.engine.inspect import spill_depth
from handbill.engine.layout import render
from handbill.engine.predict import Shape, overflow_below, saved_height
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
            size.height += child.height
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
                size = boxes.get(mark_id)
                if size is None:
                    top = box.position_y
                    size = boxes[mark_id] = BoxSize(where=(page, top, top + box.margin_height()))
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

    for number, laid in enumerate(document.pages):
        page, right = number, laid._page_box.content_box_x() + laid._page_box.width
        _walk(laid._page_box, found, ())
    short = [(name, mm, least) for name, mm, least in heights.values() if mm + 0.05 < least]
    return Measure(boxes, short, document)


def _too_big(mark: FitMark, size: BoxSize | None) -> bool:
    if size is None:
        return False
    return size.lines > mark.lines or (
        mark.nowrap and bool(size.used) and max(size.used) > size.column + SLACK_PX
    )


def _lines_then(mark: FitMark, size: BoxSize, step: int, target: int) -> int:
    """How many lines a box measured at ``step`` should take at ``target`` (rewrap.py)."""
    if mark.nowrap or size.lines <= 1:
        return size.lines
    scale = mark.sizes[target] / mark.sizes[step] * SAFETY
    return min(size.lines, lines_at(pieces(size.runs, size.column), scale, size.column))


def _predicted_step(mark: FitMark, step: int, size: BoxSize) -> int:
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


def _saved(
    marks: list[FitMark], steps: dict[int, int], trial: dict[int, int], found: Measure
) -> float:
    """The height the boxes measured at ``steps`` should give back at ``trial``."""
    shapes: list[Shape] = []
    for mark in marks:
        size = found.boxes.get(mark.id)
        if size is None or not size.lines or trial[mark.id] == steps[mark.id]:
            continue
        scale = mark.sizes[trial[mark.id]] / mark.sizes[steps[mark.id]]
        lines = _lines_then(mark, size, steps[mark.id], trial[mark.id])
        then = size.height / size.lines * lines * scale
        shapes.append((*size.where, size.height - then))
    return saved_height(shapes)


def _next_steps(
    marks: list[FitMark], steps: dict[int, int], found: Measure, pages: int | None
) -> dict[int, int]:
    """The steps the measured layout says should fit; ``steps`` again when nothing can help.

    Each box with too many lines (or too wide) gets its predicted size; then, if the pages
    overflow, every box steps down together by the fewest steps whose saved height (each box's
    lines at the smaller size, by rewrap.py) covers the overflow.
    """
    last = {mark.id: len(mark.sizes) - 1 for mark in marks}
    trial = dict(steps)
    for mark in marks:
        size = found.boxes.get(mark.id)
        if size is not None and steps[mark.id] < last[mark.id] and _too_big(mark, size):
            trial[mark.id] = _predicted_step(mark, steps[mark.id], size)
    if found.pages_fit(pages):
        return trial
    need = found.overflow(pages)
    room = max((last[k] - v for k, v in trial.items()), default=0)

    def shrunk(extra: int) -> dict[int, int]:
        return {k: min(v + extra, last[k]) for k, v in trial.items()}

    if need is None:  # too wide: no height to go by, so one step at a time
        return shrunk(1 if trial == steps else 0)
    extra = next(
        (e for e in range(room + 1) if _saved(marks, steps, shrunk(e), found) >= need + SLACK_PX),
        room,
    )
    return shrunk(max(extra, 1 if trial == steps else 0))


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
    # Predicted: the sizes the measurements say fit, usually right the first time.
    while layouts <= MAX_PREDICTIONS:
        trial = _next_steps(marks, steps, found, pages)
        if trial == steps:
            break
        steps = trial
        document, warnings, found, html = layout(steps)
    # The predictions fell short: every box steps down by the same number of steps.
    room = max((last[m.id] - steps[m.id] for m in marks), default=0)
    if room and not found.pages_fit(pages):

        def shrunk(extra: int) -> dict[int, int]:
            return {k: min(v + extra, last[k]) for k, v in steps.items()}

        # Try 1, 2, 4, ... steps, then halve the gap.
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
