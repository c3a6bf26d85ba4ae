"""Press outputs read from their pixels: backgrounds that stop at the trim, guides on folds."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from handbill.check.findings import Finding

RASTER_DPI = 100
PX_PER_MM = RASTER_DPI / 25.4
PT_PER_MM = 72 / 25.4
INSIDE_MM = 1.0  # the row of pixels just inside the trim that is compared with the bleed
SHORTEST_MM = 5.0  # a coloured stretch at the trim shorter than this is a detail, not a band
INK = 60  # how far from white (the sum over R, G, B) a pixel counts as printed
GUIDE = 40  # how much darker than either side of it a pixel on a fold counts as a drawn line
RGB = tuple[int, int, int]
Pixel = Callable[[float, float], RGB]


def press_findings(path: Path, entry: dict[str, Any], label: str) -> list[Finding]:
    """For a press PDF: every background that touches the trim reaches into the bleed, and
    nothing is drawn along a declared fold inside the trim (the marks are outside the bleed)."""
    if entry.get("mode") != "press":
        return []
    import pypdfium2 as pdfium  # imported here: only checks need the rasteriser

    reader = PdfReader(path)
    bleed_mm = float(entry.get("bleed_mm", 3))
    folds = _declared_folds(entry.get("folds"))
    findings = []
    document = pdfium.PdfDocument(str(path))
    try:
        for index, page in enumerate(reader.pages):
            image = document[index].render(scale=RASTER_DPI / 72).to_pil().convert("RGB")
            crop, trim = page.cropbox, page.trimbox
            # The trim's top left in pixels of the rendered crop box, from its top left.
            at = _Raster(
                image,
                (float(trim.left) - float(crop.left)) / PT_PER_MM * PX_PER_MM,
                (float(crop.top) - float(trim.top)) / PT_PER_MM * PX_PER_MM,
            ).at
            width = float(trim.width) / PT_PER_MM
            height = float(trim.height) / PT_PER_MM
            number = index + 1
            findings += _edges(at, width, height, bleed_mm, label, number)
            xs, ys = folds[index] if index < len(folds) else ((), ())
            findings += _guides(at, width, height, xs, ys, label, number)
    finally:
        document.close()
    return findings


class _Raster:
    """A rendered page's pixels, looked up in mm from the trim's top left corner."""

    def __init__(self, image: Any, left_px: float, top_px: float) -> None:
        self.pixels, self.size = image.load(), image.size
        self.left, self.top = left_px, top_px

    def at(self, x_mm: float, y_mm: float) -> RGB:
        x = min(self.size[0] - 1, max(0, int(self.left + x_mm * PX_PER_MM)))
        y = min(self.size[1] - 1, max(0, int(self.top + y_mm * PX_PER_MM)))
        value: RGB = self.pixels[x, y]
        return value


def _inked(colour: RGB) -> bool:
    return sum(255 - channel for channel in colour) > INK


def _runs(flags: list[bool], step_mm: float) -> Iterator[tuple[float, float]]:
    """The stretches where ``flags`` hold, as (start, end) in mm."""
    start = None
    for i, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            yield start * step_mm, i * step_mm
            start = None


def _edges(
    at: Pixel, width: float, height: float, bleed_mm: float, label: str, page: int
) -> list[Finding]:
    """A coloured strip at an edge of the trim whose colour stops there: white in the bleed."""
    step = 1 / PX_PER_MM
    out = bleed_mm / 2  # the middle of the bleed
    sides: dict[str, tuple[float, Callable[[float], tuple[RGB, RGB]]]] = {
        "top": (width, lambda s: (at(s, INSIDE_MM), at(s, -out))),
        "bottom": (width, lambda s: (at(s, height - INSIDE_MM), at(s, height + out))),
        "left": (height, lambda s: (at(INSIDE_MM, s), at(-out, s))),
        "right": (height, lambda s: (at(width - INSIDE_MM, s), at(width + out, s))),
    }
    findings = []
    for side, (length, pair) in sides.items():
        flags = []
        for i in range(int(length / step)):
            inside, bleed = pair(i * step)
            flags.append(_inked(inside) and not _inked(bleed))
        longest = max(_runs(flags, step), key=lambda run: run[1] - run[0], default=(0.0, 0.0))
        if longest[1] - longest[0] >= SHORTEST_MM:
            findings.append(
                Finding(
                    "error",
                    label,
                    "bleed",
                    f"the colour at the {side} edge stops at the trim "
                    f"({longest[0]:.0f}-{longest[1]:.0f} mm along it), so a cut a little out "
                    f"shows white paper; run it into the bleed (class bleed-{side}, "
                    "see docs/printing.md)",
                    page=page,
                )
            )
    return findings


def _declared_folds(recorded: Any) -> list[tuple[tuple[float, ...], tuple[float, ...]]]:
    """Each page's folds as the manifest records them; anything else there (a manifest that
    came with the folder from elsewhere) counts as no folds."""
    if not isinstance(recorded, list):
        return []
    pages = []
    for page in recorded:
        page = page if isinstance(page, dict) else {}
        xs, ys = page.get("x_mm"), page.get("y_mm")
        pages.append((_numbers(xs), _numbers(ys)))
    return pages


def _numbers(values: Any) -> tuple[float, ...]:
    if not isinstance(values, list):
        return ()
    return tuple(
        float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)
    )


def _guides(
    at: Pixel,
    width: float,
    height: float,
    xs: tuple[float, ...],
    ys: tuple[float, ...],
    label: str,
    page: int,
) -> list[Finding]:
    """A line drawn along a declared fold inside the trim: in press mode the fold is marked
    outside the bleed, and a guide inside would print on every copy."""
    step = 1 / PX_PER_MM
    findings = []
    lines = [("x", x, height) for x in xs if 0 < x < width]
    lines += [("y", y, width) for y in ys if 0 < y < height]
    for axis, where, length in lines:
        drawn = 0
        for i in range(int(length / step)):
            along = i * step
            if axis == "x":
                on = [at(where + d * step, along) for d in (-1, 0, 1)]
                beside = (at(where - 1, along), at(where + 1, along))
            else:
                on = [at(along, where + d * step) for d in (-1, 0, 1)]
                beside = (at(along, where - 1), at(along, where + 1))
            darkest = max(sum(255 - c for c in colour) for colour in on)
            paper = max(sum(255 - c for c in colour) for colour in beside)
            drawn += darkest - paper > GUIDE
        if drawn * step >= 1.0:
            edge = "left" if axis == "x" else "top"
            findings.append(
                Finding(
                    "error",
                    label,
                    "bleed",
                    f"a line is drawn along the fold {where:g} mm from the {edge} edge, inside "
                    "the trim, and would print on every copy; the fold is marked outside the "
                    "bleed, so draw the guide at home only (not under .press)",
                    page=page,
                )
            )
    return findings
