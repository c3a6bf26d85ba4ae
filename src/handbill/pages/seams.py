"""Where a tiled poster's sheets meet: seams in the gaps of the artwork, tiles of even size.

A poster larger than A4 is printed as tiles that are trimmed and glued edge to overlap strip.
Each seam (a tile's trimmed edge) is placed where it crosses no letter (the gap between two
letters of a hashtag, not through the "4"; the letters' boxes are read from the PDF's text),
and no QR code, within a few millimetres of an even split, so that every tile shows about the
same share of the poster: none is a thin strip that wastes most of its sheet. When the poster
printed a little smaller fits on half the sheets (an A3 on two A4 sheets at about 85 %, where
at full size it takes four, each half empty), it is: see ``choose_tiling``.
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
# A poster may be printed this much smaller, no smaller, to go on fewer sheets: at 80 % an A3
# placard's letters are still 1.15 times their size on the A4 placard.
LEAST_SCALE = 0.8
SCALE_STEP = 0.005
# The poster's headline lettering (a placard's hashtag, an event poster's title): a seam never
# cuts a letter whose line (its font's ascent to descent, about 1.25 times the font size) is
# at least half the tallest on the poster and at least 12 mm (27 pt). Other text may be cut,
# as little as the seams' room allows.
HEADLINE_SHARE = 0.5
DISPLAY_MM = 12.0
A4_SHEETS = ((297.0, 210.0), (210.0, 297.0))  # landscape first: the poster's own way


@dataclass(frozen=True)
class Tiling:
    """Where each column and row of tiles starts on the poster, in mm from its top left, and
    the poster's size."""

    lefts: tuple[float, ...]
    tops: tuple[float, ...]
    width: float
    height: float
    scale: float = 1.0  # the poster on paper: 0.85 prints it at 85 %
    sheet: tuple[float, float] = A4_SHEETS[0]  # width, height in mm

    def extent(self, starts: tuple[float, ...], index: int, length: float, overlap: float) -> float:
        """How much of the poster tile ``index`` shows along one direction, its strip included
        (``overlap`` in mm on paper), in mm of the poster."""
        if index + 1 < len(starts):
            return starts[index + 1] + overlap / self.scale - starts[index]
        return length - starts[index]

    def tile_width(self, column: int, overlap: float) -> float:
        return self.extent(self.lefts, column, self.width, overlap)

    def tile_height(self, row: int, overlap: float) -> float:
        return self.extent(self.tops, row, self.height, overlap)


Span = tuple[float, float]  # from, to: in mm from the poster's left (or top)
# A printed character: left, right, top, bottom in mm from the top left, and its line's height.
Letter = tuple[float, float, float, float, float]


def plan_tiles(
    data: bytes,
    area: tuple[float, float],
    sheet: tuple[float, float],
    overlap: float,
    keep_whole: tuple[tuple[Span, Span], ...] = (),
) -> Tiling:
    """The tiles for the first page of ``data`` at full size over sheets whose printable
    ``area`` is (width, height) mm; seams through the fewest marks near an even split, and
    never across a box of ``keep_whole`` (a QR code: (x span, y span)) where the tiles can
    avoid it."""
    width, height = poster_size(data)
    grid = _full_size_grid((width, height), area, overlap)
    if grid == (1, 1):
        return Tiling((0.0,), (0.0,), width, height, 1.0, sheet)
    letters = _letter_boxes(data, height)
    return _plan(letters, (width, height), area, sheet, overlap, keep_whole, grid, 1.0)


def _full_size_grid(
    size: tuple[float, float], area: tuple[float, float], overlap: float
) -> tuple[int, int]:
    """The columns and rows of full-size tiles it takes to cover the poster."""
    columns = max(1, math.ceil((size[0] - overlap) / (area[0] - overlap)))
    return columns, max(1, math.ceil((size[1] - overlap) / (area[1] - overlap)))


def choose_tiling(
    data: bytes,
    margin: float,
    overlap: float,
    keep_whole: tuple[tuple[Span, Span], ...] = (),
    least_scale: float = LEAST_SCALE,
) -> Tiling:
    """The tiles for the first page of ``data`` over A4 sheets with ``margin`` mm unprinted.

    Full size over landscape sheets, unless the poster printed a little smaller (at least
    ``least_scale``; 1.0 keeps it full size) goes on fewer sheets, either way up, with every
    seam clear of the headline lettering and of ``keep_whole``: then the largest such scale.
    An A3 placard goes on two portrait sheets, not four landscape ones that each print half a
    sheet.
    """
    width, height = poster_size(data)
    full_area = (A4_SHEETS[0][0] - 2 * margin, A4_SHEETS[0][1] - 2 * margin)
    grid = _full_size_grid((width, height), full_area, overlap)
    sheets_at_full = grid[0] * grid[1]
    if sheets_at_full == 1:
        return Tiling((0.0,), (0.0,), width, height, 1.0, A4_SHEETS[0])
    letters = _letter_boxes(data, height)
    candidates = []
    for sheet in A4_SHEETS:
        area = (sheet[0] - 2 * margin, sheet[1] - 2 * margin)
        for columns in range(1, 5):
            for rows in range(1, 5):
                fits = min(
                    (columns * area[0] - (columns - 1) * overlap) / width,
                    (rows * area[1] - (rows - 1) * overlap) / height,
                )
                if columns * rows < sheets_at_full and fits >= least_scale:
                    candidates.append((columns * rows, -min(fits, 1.0), sheet, columns, rows))
    for _, most, sheet, columns, rows in sorted(candidates):
        area = (sheet[0] - 2 * margin, sheet[1] - 2 * margin)
        scale = math.floor(-most / SCALE_STEP + 1e-9) * SCALE_STEP
        while scale >= least_scale - 1e-9:
            plan = _plan(
                letters, (width, height), area, sheet, overlap, keep_whole, (columns, rows), scale
            )
            if _clean(plan, letters, overlap, keep_whole):
                return plan
            scale = round(scale - SCALE_STEP, 4)
    size, sheet = (width, height), A4_SHEETS[0]
    return _plan(letters, size, full_area, sheet, overlap, keep_whole, grid, 1.0)


def poster_size(data: bytes) -> tuple[float, float]:
    """The first page's width and height in mm."""
    page = PdfReader(io.BytesIO(data)).pages[0]
    return float(page.mediabox.width) / PT, float(page.mediabox.height) / PT


def _plan(
    letters: list[Letter],
    size: tuple[float, float],
    area: tuple[float, float],
    sheet: tuple[float, float],
    overlap: float,
    keep_whole: tuple[tuple[Span, Span], ...],
    grid: tuple[int, int],
    scale: float,
) -> Tiling:
    """Seams for a grid of (columns, rows) tiles of the poster at ``scale``; every length
    here in mm of the poster, the paper's (area, sheet, overlap) divided by the scale."""
    width, height = size
    columns, rows = grid
    area = (area[0] / scale, area[1] / scale)
    overlap = overlap / scale
    even_w = (width + (columns - 1) * overlap) / columns
    even_h = (height + (rows - 1) * overlap) / rows
    least = LEAST_SHARE * sheet[0] * sheet[1] / scale**2
    # A seam through display lettering costs far more than any amount of small print.
    headline = headline_size(letters)
    ink_x = [(b[0], b[1], _weight(b, b[3] - b[2], headline)) for b in letters]  # cuts its height
    ink_y = [(b[2], b[3], _weight(b, b[1] - b[0], headline)) for b in letters]
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
    return Tiling(lefts, tops, width, height, round(scale, 4), sheet)


def headline_size(letters: list[Letter]) -> float:
    """The line height from which lettering is the poster's headline, in mm."""
    return max(DISPLAY_MM, HEADLINE_SHARE * max((box[4] for box in letters), default=0.0))


def _weight(box: Letter, cut: float, headline: float) -> float:
    """What cutting a letter costs: the length cut, a thousand times over for the headline."""
    return cut * 1000 if box[4] >= headline else cut


def _clean(
    plan: Tiling,
    letters: list[Letter],
    overlap: float,
    keep_whole: tuple[tuple[Span, Span], ...],
) -> bool:
    """Whether every seam of ``plan`` misses the headline lettering and each box of
    ``keep_whole`` is whole on one tile."""
    display = [b for b in letters if b[4] >= headline_size(letters)]
    down = [(b[0], b[1], 1.0) for b in display]
    across = [(b[2], b[3], 1.0) for b in display]
    if any(_ink_at(down, x) for x in plan.lefts[1:]):
        return False
    if any(_ink_at(across, y) for y in plan.tops[1:]):
        return False
    strip = overlap / plan.scale
    for spans, starts in ((0, plan.lefts), (1, plan.tops)):
        for start, end in (box[spans] for box in keep_whole):
            if any(seam < end and start < seam + strip for seam in starts[1:]):
                return False
    return True


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


def _letter_boxes(data: bytes, height: float) -> list[Letter]:
    """Every printed character's box on the first page: (left, right, top, bottom) in mm from
    the page's top left corner, and the height of its line (ascent to descent: its size)."""
    import pypdfium2 as pdfium  # imported here: only tiled posters need it

    document = pdfium.PdfDocument(data)
    try:
        text = document[0].get_textpage()
        boxes = []
        for index in range(text.count_chars()):
            if text.get_text_range(index, 1).isspace():
                continue
            left, bottom, right, top = (value / PT for value in text.get_charbox(index))
            _, low, _, high = text.get_charbox(index, loose=True)
            if right > left and top > bottom:
                boxes.append((left, right, height - top, height - bottom, (high - low) / PT))
        return boxes
    finally:
        document.close()
