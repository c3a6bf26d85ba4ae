"""Measured fitting: lay out, measure each ``fit()`` box and the pages, and try smaller sizes.

A material is laid out at the largest sizes first; one that fits costs that one layout. From
that layout's measurements the sizes that should fit are predicted in one go, so that most
materials that do not fit cost one layout more: each box with more lines than it may take (or
a one-line box wider than its column) gets the size its words predict (rewrap.py), and when
the pages overflow (a page too many, text spilling out of its box, a ``data-min-mm`` box
squeezed below its minimum), all boxes step down together by as many steps as it takes for the
height they give up to cover the overflow. Only when a prediction falls short do the boxes step
down further, by a binary search over the steps. At most ``MAX_LAYOUTS`` layouts a material.

Boxes whose width the template gives (``width_mm``) are measured first, on their own, in a
small document (probe.py): the first layout starts at the largest size that fits each of them,
so that a title too long for its largest size costs no layout more.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from weasyprint.document import Document

from handbill.engine.layout import render
from handbill.engine.measure import (
    PX_PER_MM,
    SAFETY,
    SLACK_PX,
    BoxSize,
    Measure,
    measure,
    predicted_step,
    too_big,
)
from handbill.engine.predict import Shape, saved_height
from handbill.engine.probe import Probed, probe
from handbill.engine.rewrap import lines_at, pieces
from handbill.kit.loader import Kit
from handbill.render.fitmarks import FitMark, read_marks, with_steps
from handbill.render.templating import RenderedHTML

MAX_LAYOUTS = 8
MAX_PREDICTIONS = 3  # layouts spent fitting boxes one by one, before the pages are looked at
WIDTH_SLACK_MM = 0.5  # a width_mm this close to the box's real width is right


@dataclass
class Fitted:
    """The fitted layout: the document, WeasyPrint's warnings, and what could not be fitted."""

    document: Document
    warnings: list[str]
    problems: list[str]
    html: str


def _lines_then(mark: FitMark, size: BoxSize, step: int, target: int) -> int:
    """How many lines a box measured at ``step`` should take at ``target`` (rewrap.py)."""
    if mark.nowrap or size.lines <= 1:
        return size.lines
    scale = mark.sizes[target] / mark.sizes[step] * SAFETY
    return min(size.lines, lines_at(pieces(size.runs, size.column), scale, size.column))


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
        if size is not None and steps[mark.id] < last[mark.id] and too_big(mark, size):
            trial[mark.id] = predicted_step(mark, steps[mark.id], size)
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
    # Boxes whose width the template gives start at the largest size that fits them (probe.py).
    probed = probe(kit, rendered, marks, read)
    steps = {mark.id: probed.steps.get(mark.id, 0) for mark in marks}
    html = with_steps(rendered.html, steps) if any(steps.values()) else rendered.html
    document, warnings = render(kit, replace(rendered, html=html), read)
    if not marks and "data-min-mm" not in rendered.html:
        return Fitted(document, warnings, [], rendered.html)  # nothing to measure
    found = measure(document)
    layouts = 1
    notes = _width_notes(marks, found)

    def layout(trial: dict[int, int]) -> tuple[Document, list[str], Measure, str]:
        nonlocal layouts
        layouts += 1
        text = with_steps(rendered.html, trial)
        laid, messages = render(kit, replace(rendered, html=text), read)
        return laid, messages, measure(laid), text

    if not _agrees(marks, steps, probed, found):
        # The probe broke a box's lines otherwise than the page does (its CSS depends on more
        # than the elements it sits in): start again from the largest sizes, as without it.
        steps = {mark.id: 0 for mark in marks}
        document, warnings, found, html = layout(steps)
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
    return Fitted(document, warnings + notes, _problems(marks, steps, found), html)


def _agrees(marks: list[FitMark], steps: dict[int, int], probed: Probed, found: Measure) -> bool:
    """True when every box the probe made smaller has the same lines in the layout: then the
    larger sizes that did not fit in the probe would not fit here either."""
    for mark in marks:
        if not steps[mark.id]:
            continue
        alone, here = probed.sizes.get(mark.id), found.boxes.get(mark.id)
        if alone is None or here is None or alone.lines != here.lines:
            return False
        if any(abs(a - b) > SLACK_PX for a, b in zip(alone.used, here.used, strict=True)):
            return False
    return True


def _width_notes(marks: list[FitMark], found: Measure) -> list[str]:
    """A warning for each ``width_mm`` the layout does not bear out: the probe measured the
    box at the wrong width, which costs a layout and may make the box too small."""
    notes = []
    for mark in marks:
        size = found.boxes.get(mark.id)
        if mark.width_mm is None or size is None or not size.lines:
            continue
        real = size.column / PX_PER_MM
        if abs(real - mark.width_mm) > WIDTH_SLACK_MM:
            notes.append(
                f"{mark.name}: the template's fit() says width_mm={mark.width_mm:g}, but the "
                f"box is {real:.1f} mm wide; set width_mm={real:.1f} in the template, or "
                "leave width_mm out"
            )
    return notes


def _problems(marks: list[FitMark], steps: dict[int, int], found: Measure) -> list[str]:
    """One line for each box that does not fit even at its smallest size."""
    problems = []
    for mark in marks:
        size = found.boxes.get(mark.id)
        if size is None or not too_big(mark, size):
            continue
        if mark.wrap and steps[mark.id] == len(mark.sizes) - 1:
            continue  # more lines at its smallest size is what the template asked for
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
