"""Where a tiled poster's sheets meet: seams in the gaps of the artwork, tiles of even size.

A poster larger than A4 is printed as tiles that are trimmed and glued edge to overlap strip.
Each seam (a tile's trimmed edge) is placed where it crosses no letter (the gap between two
letters of a hashtag, not through the "4"; the letters' boxes are read from the PDF's text),
and no QR code, within a few millimetres of an even split, so that every tile shows about the
same share of the poster: none is a thin strip that wastes most of its sheet.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from pypdf import PdfReader

PT = 72 / 25.4  # points per millimetre
STEP_MM = 0.25  # candidate seams are tried this far apart
CLEARANCE_MM = 1.0  # a seam this near a letter's box cuts it: scissors stray, curves bulge
# Each tile shows at least this share of its sheet (when an even split allows it).
LEAST_SHARE = 0.5


@dataclass(frozen=True)
class Tiling:
    """Where each column and row of tiles starts on the poster, in mm from its top left, and
    the poster's size."""

    lefts: tuple[float, ...]
    tops: tuple[float, ...]
    width: float
    height: float

    def extent(self, starts: tuple[float, ...], index: int, length: float, overlap: float) -> float:
        """How much of the poster tile ``index`` shows along one direction, its strip included."""
        if index + 1 < len(starts):
            return starts[index + 1] + overlap - starts[index]
        return length - starts[index]

    def tile_width(self, column: int, overlap: float) -> float:
        return self.extent(self.lefts, column, self.width, overlap)

    def tile_height(self, row: int, overlap: float) -> float:
        return self.extent(self.tops, row, self.height, overlap)


Span = tuple[float, float]  # from, to: in mm from the poster's left (or top)


def plan_tiles(
    data: bytes,
    area: tuple[float, float],
    sheet: tuple[float, float],
    overlap: float,
    keep_whole: tuple[tuple[Span, Span], ...] = (),
) -> Tiling:
    """The tiles for the first page of ``data`` over sheets whose printable ``area`` is
    (width, height) mm; seams through the fewest marks near an even split, and never across
    a box of ``keep_whole`` (a QR code: (x span, y span)) where the tiles can avoid it."""
    page = PdfReader(io.BytesIO(data)).pages[0]
    width, height = float(page.mediabox.width) / PT, float(page.mediabox.height) / PT
    columns = max(1, math.ceil((width - overlap) / (area[0] - overlap)))
    rows = max(1, math.ceil((height - overlap) / (area[1] - overlap)))
    even_w = (width + (columns - 1) * overlap) / columns
    even_h = (height + (rows - 1) * overlap) / rows
    least = LEAST_SHARE * sheet[0] * sheet[1]
    if columns == rows == 1:
        return Tiling((0.0,), (0.0,), width, height)
    letters = _letter_boxes(data, height)
    ink_x = [(box[0], box[1], box[3] - box[2]) for box in letters]  # a seam cuts its height
    ink_y = [(box[2], box[3], box[1] - box[0]) for box in letters]
    # A seam may move from the even split as far as the tiles stay within the printable area
    # and, against the other direction's even size, above their least share of the sheet.
    room_x = max(0.0, min(area[0] - even_w, even_w - least / even_h))
    xs, ys = tuple(box[0] for box in keep_whole), tuple(box[1] for box in keep_whole)
    lefts = _seams(columns, even_w, overlap, (room_x, area[0] - even_w), ink_x, xs)
    narrowest = min(
        Tiling(lefts, (0.0,), width, height).tile_width(c, overlap) for c in range(columns)
    )
    room_y = max(0.0, min(area[1] - even_h, even_h - least / narrowest))
    tops = _seams(rows, even_h, overlap, (room_y, area[1] - even_h), ink_y, ys)
    return Tiling(lefts, tops, width, height)


def _seams(
    count: int,
    even: float,
    overlap: float,
    room: tuple[float, float],
    ink: list[tuple[float, float, float]],
    keep_whole: tuple[Span, ...],
) -> tuple[float, ...]:
    """Each tile's start: the seam between tiles k-1 and k near k * (even - overlap), moved to
    where it cuts the least lettering, then the farthest from the nearest letter, then the
    nearer to the even split. No tile grows
    or shrinks by more than ``room``: (what keeps every tile above its share of the sheet, what
    the printable area allows); a QR code is kept whole within the second if the first cannot."""
    starts = [0.0]
    moved = 0.0  # how far the previous seam moved from its even place
    for k in range(1, count):
        nominal = k * (even - overlap)

        def around(reach: float, nominal: float = nominal, moved: float = moved) -> list[float]:
            low, high = max(-reach, moved - reach), min(reach, moved + reach)
            steps = range(math.ceil(low / STEP_MM), math.floor(high / STEP_MM) + 1)
            return [nominal + i * STEP_MM for i in steps]

        def clear(seam: float) -> bool:  # the glued strip [seam, seam + overlap] too
            return all(seam + overlap <= start or seam >= end for start, end in keep_whole)

        candidates = [x for x in around(room[0]) if clear(x)]
        candidates = candidates or [x for x in around(room[1]) if clear(x)] or around(room[0])
        best = min(
            candidates, key=lambda x: (_ink_at(ink, x), -_clearance(ink, x), abs(x - nominal))
        )
        starts.append(best)
        moved = best - nominal
    return tuple(round(start, 2) for start in starts)


def _ink_at(ink: list[tuple[float, float, float]], position_mm: float) -> float:
    """How much lettering a seam at ``position_mm`` cuts: the sizes of the letters it crosses."""
    return sum(
        size for start, end, size in ink if start - CLEARANCE_MM < position_mm < end + CLEARANCE_MM
    )


def _clearance(ink: list[tuple[float, float, float]], position_mm: float) -> float:
    """How far a seam is from the nearest letter, up to 2 mm: in the middle of a gap, scissors
    that stray a little still miss both letters."""
    gaps = [max(start - position_mm, position_mm - end) for start, end, _ in ink]
    return min([2.0, *(gap for gap in gaps if gap >= 0)])


def _letter_boxes(data: bytes, height: float) -> list[tuple[float, float, float, float]]:
    """Every printed character's box on the first page: (left, right, top, bottom) in mm from
    the page's top left corner."""
    import pypdfium2 as pdfium  # imported here: only tiled posters need it

    document = pdfium.PdfDocument(data)
    try:
        text = document[0].get_textpage()
        boxes = []
        for index in range(text.count_chars()):
            if text.get_text_range(index, 1).isspace():
                continue
            left, bottom, right, top = (value / PT for value in text.get_charbox(index))
            if right > left and top > bottom:
                boxes.append((left, right, height - top, height - bottom))
        return boxes
    finally:
        document.close()
