"""Fit marks: the ``fit()`` template function's attributes, and reading and resizing them in HTML.

``fit("title", 7.2, 3.1, "em", lines=3)`` writes ``data-fit="title"`` and an inline font size
that carries a CSS comment with everything the engine needs (``/*fit:0:title:7.2:3.1:em:3:0*/``,
and ``:173.3`` after it when the template gives the box's width, ``width_mm=173.3``, and
``:wrap`` with ``wrap=True``), so that the engine can try other sizes by rewriting the HTML,
without running Jinja again.
Pure string work: nothing here lays anything out.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from markupsafe import Markup

from handbill.errors import TemplateError, one_line

UNITS = ("em", "rem", "pt", "mm", "px")
STEP = 0.95  # each size is 5 % smaller than the one before
MAX_RATIO = 4.0  # largest / smallest: at most 29 sizes to choose from
MAX_BOXES = 12  # fit() boxes in one output: each is measured after every layout
MAX_LINES = 20
MAX_WIDTH_MM = 5000.0
EXAMPLE = 'e.g. <h1 {{ fit("title", 7.2, 3.1, "em", lines=3) }}>'

_NAME = re.compile(r"[a-z][a-z0-9-]{0,39}")
_MARK = re.compile(
    r"font-size: (?P<size>[0-9.]+)(?P<unit>[a-z]+); "
    r"/\*fit:(?P<id>\d+):(?P<name>[a-z0-9-]+):(?P<max>[0-9.]+):(?P<min>[0-9.]+):"
    r"(?P<u>[a-z]+):(?P<lines>\d+):(?P<nowrap>[01])(?::(?P<width>[0-9.]+))?"
    r"(?P<wrap>:wrap)?\*/"
)


@dataclass(frozen=True)
class FitMark:
    """One box to fit: its sizes from largest to smallest, and how many lines it may take."""

    id: int
    name: str
    largest: float
    smallest: float
    unit: str
    lines: int
    nowrap: bool
    width_mm: float | None = None  # the width of its text column, when the template knows it
    # At its smallest size the box may take more lines (a handle breaking after a "/"): the
    # last resort, rather than a box that does not fit.
    wrap: bool = False

    @property
    def sizes(self) -> list[float]:
        """The sizes to try, largest first, in about 5 % steps, ending at the smallest."""
        count = math.floor(math.log(self.smallest / self.largest) / math.log(STEP) + 1e-9)
        steps = [round(self.largest * STEP**k, 3) for k in range(count + 1)]
        return [s for s in steps if s > self.smallest] + [self.smallest]

    def size_text(self, step: int) -> str:
        """A size as a volunteer reads it, e.g. "3.1em"."""
        return f"{self.sizes[min(step, len(self.sizes) - 1)]:g}{self.unit}"

    def attributes(self, step: int = 0) -> str:
        size = self.sizes[min(step, len(self.sizes) - 1)]
        width = "" if self.width_mm is None else f":{self.width_mm:g}"
        return (
            f'data-fit="{self.name}" style="font-size: {size:g}{self.unit}; '
            f"/*fit:{self.id}:{self.name}:{self.largest:g}:{self.smallest:g}:{self.unit}:"
            f'{self.lines}:{int(self.nowrap)}{width}{":wrap" if self.wrap else ""}*/"'
        )


def _number(value: object, what: str, name: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = math.nan
    if not 0 < number <= 1000:  # also false for nan
        raise TemplateError(
            f"fit('{name}'): the {what} size '{one_line(str(value), 20)}' must be a number "
            f"above 0 (up to 1000), {EXAMPLE}"
        )
    return number


def make_mark(
    count: int,
    name: object,
    largest: object,
    smallest: object,
    unit: object = "em",
    lines: object = 1,
    nowrap: object = False,
    width_mm: object = None,
    wrap: object = False,
) -> FitMark:
    """Check a fit() call's arguments; ``count`` is how many fit() boxes the output has so far."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise TemplateError(
            f"fit({one_line(repr(name), 40)}): name the box with lower-case letters, digits "
            f"and '-', starting with a letter, {EXAMPLE}"
        )
    if count >= MAX_BOXES:
        raise TemplateError(
            f"fit('{name}'): at most {MAX_BOXES} fitted boxes in one material; use fit() for "
            "titles and headlines, and ordinary CSS sizes for the rest"
        )
    high, low = _number(largest, "largest", name), _number(smallest, "smallest", name)
    if low > high or high / low > MAX_RATIO:
        raise TemplateError(
            f"fit('{name}'): the largest size ({high:g}) must be between the smallest "
            f"({low:g}) and {MAX_RATIO:g} times it, {EXAMPLE}"
        )
    if unit not in UNITS:
        raise TemplateError(
            f"fit('{name}'): unit '{one_line(str(unit), 20)}' is not one of "
            f"{', '.join(UNITS)}, {EXAMPLE}"
        )
    if nowrap:
        lines = 1
    if isinstance(lines, bool) or not isinstance(lines, int) or not 1 <= lines <= MAX_LINES:
        raise TemplateError(
            f"fit('{name}'): lines={one_line(str(lines), 20)} must be a whole number from 1 "
            f"to {MAX_LINES}, {EXAMPLE}"
        )
    if not isinstance(wrap, bool) or (wrap and nowrap):
        raise TemplateError(
            f"fit('{name}'): wrap= is True or False, and not with nowrap=True, e.g. "
            f'fit("{name}", 10, 6, "rem", lines=1, wrap=True)'
        )
    width = _width(width_mm, name)
    return FitMark(count, name, high, low, str(unit), lines, bool(nowrap), width, wrap)


def _width(value: object, name: str) -> float | None:
    """``width_mm``: None, or a width in millimetres (rounded to 0.1 mm, as the mark keeps it)."""
    if value is None:
        return None
    try:
        width = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        width = math.nan
    if isinstance(value, bool) or not 0 < width <= MAX_WIDTH_MM:  # also false for nan
        raise TemplateError(
            f"fit('{name}'): width_mm={one_line(str(value), 20)} must be the width of the "
            f"box's text in millimetres (above 0, up to {MAX_WIDTH_MM:g}), or left out, e.g. "
            f'fit("{name}", 7.2, 3.1, "em", lines=3, width_mm=173.3)'
        )
    return round(width, 1)


class Fitter:
    """The ``fit()`` function of one rendering: numbers its boxes in the order they are made."""

    def __init__(self) -> None:
        self.marks: list[FitMark] = []

    def __call__(self, *args: object, **options: object) -> Markup:
        """fit(name, largest, smallest, unit="em", lines=1, nowrap=False, width_mm=None,
        wrap=False)"""
        mark = make_mark(len(self.marks), *args, **options)
        self.marks.append(mark)
        # The name is checked above (letters, digits, '-') and the numbers are floats.
        return Markup(mark.attributes())  # nosec B704


def _from_match(match: re.Match[str]) -> FitMark:
    return FitMark(
        int(match["id"]),
        match["name"],
        float(match["max"]),
        float(match["min"]),
        match["u"],
        int(match["lines"]),
        match["nowrap"] == "1",
        float(match["width"]) if match["width"] else None,
        bool(match["wrap"]),
    )


def read_marks(html: str) -> list[FitMark]:
    """Every fit mark in the HTML, in order (the sizes they now have are not kept)."""
    return [_from_match(m) for m in _MARK.finditer(html)]


def mark_of_style(style: str) -> int | None:
    """The id of the fit mark in an element's style attribute, or None."""
    match = _MARK.search(style or "")
    return int(match["id"]) if match else None


def with_steps(html: str, steps: dict[int, int]) -> str:
    """The HTML with each marked box at its step (0: largest) from ``steps``; others unchanged."""

    def resize(match: re.Match[str]) -> str:
        mark = _from_match(match)
        if mark.id not in steps:
            return match[0]
        size = mark.sizes[min(steps[mark.id], len(mark.sizes) - 1)]
        return f"font-size: {size:g}{mark.unit}; " + match[0][match[0].index("/*fit:") :]

    return _MARK.sub(resize, html)
