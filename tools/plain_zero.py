"""Gives the bundled Atkinson Hyperlegible fonts a plain (unslashed) zero, in place.

Atkinson Hyperlegible draws "0" with a slash, so that it cannot be taken for "O" in a code; in a
leaflet's dates, prices and postcodes ("24 April 2018", "£10") the slash reads like a computer
listing. The fonts have no plain alternate (no `zero`-style feature, no `zero.alt` glyph), so
this script draws one: the zero's own outer contour, and one counter in place of the two
half-counters on either side of the slash, the outer contour scaled into the space they fill
(upright first, so an italic keeps its slant). The tabular zero (`zero.tf`) is a reference to
`zero` and follows it. The glyph's hinting instructions are dropped, since they were written
for the slashed outline.

The SIL Open Font License allows modified versions; neither font declares a Reserved Font
Name, so the family keeps its name and the version string says what changed.

Run from the repository: `make fonts` (or `python tools/plain_zero.py FONT.ttf ...`). A font
whose zero has no slash already is left alone, so running it twice changes nothing.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from fontTools.ttLib import TTFont
from fontTools.ttLib.tables import ttProgram
from fontTools.ttLib.tables._g_l_y_f import GlyphCoordinates

NOTE = "plain zero"
Box = tuple[float, float, float, float]


def _contours(glyph: object, glyf: object) -> list[list[tuple[float, float]]]:
    coords, ends, _flags = glyph.getCoordinates(glyf)  # type: ignore[attr-defined]
    out, start = [], 0
    for end in ends:
        out.append([tuple(point) for point in coords[start : end + 1]])
        start = end + 1
    return out


def _box(points: list[tuple[float, float]]) -> Box:
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return min(xs), min(ys), max(xs), max(ys)


def plain_zero(path: Path) -> bool:
    """Rewrites the font at ``path`` with a plain zero; False if its zero had no slash."""
    font = TTFont(path)
    glyf = font["glyf"]
    zero = glyf["zero"]
    if zero.isComposite() or zero.numberOfContours != 3:
        return False
    # Shear to upright, so that the counter is scaled along the letter's own axes.
    slant = math.tan(math.radians(font["post"].italicAngle))

    def upright(point: tuple[float, float]) -> tuple[float, float]:
        return point[0] + point[1] * slant, point[1]

    def sloped(point: tuple[float, float]) -> tuple[float, float]:
        return point[0] - point[1] * slant, point[1]

    outer, *halves = ([upright(p) for p in contour] for contour in _contours(zero, glyf))
    ox0, oy0, ox1, oy1 = _box(outer)
    ix0, iy0, ix1, iy1 = _box([point for half in halves for point in half])
    scale_x, scale_y = (ix1 - ix0) / (ox1 - ox0), (iy1 - iy0) / (oy1 - oy0)
    # Reversed (the first point stays first), so that the counter winds against the outer
    # contour and stays a hole.
    _, _, flags = zero.getCoordinates(glyf)
    outer_flags = list(flags[: len(outer)])
    counter = [
        sloped((ix0 + (x - ox0) * scale_x, iy0 + (y - oy0) * scale_y))
        for x, y in outer[:1] + outer[:0:-1]
    ]
    counter_flags = outer_flags[:1] + outer_flags[:0:-1]
    zero.coordinates = GlyphCoordinates(
        [(round(x), round(y)) for x, y in [sloped(p) for p in outer] + counter]
    )
    zero.endPtsOfContours = [len(outer) - 1, 2 * len(outer) - 1]
    zero.flags = bytearray(outer_flags + counter_flags)
    zero.numberOfContours = 2
    zero.program = ttProgram.Program()
    zero.program.fromBytecode(b"")
    zero.recalcBounds(glyf)
    names = font["name"]
    for record in names.names:
        if record.nameID == 5 and NOTE not in record.toUnicode():
            names.setName(
                f"{record.toUnicode()}; {NOTE}",
                5,
                record.platformID,
                record.platEncID,
                record.langID,
            )
    font.save(path)
    return True


def main(paths: list[str]) -> int:
    for name in paths:
        changed = plain_zero(Path(name))
        print(f"{name}: {'plain zero drawn' if changed else 'zero already plain'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
