"""Print modes: press outputs (bleed, trim and bleed boxes, crop marks), home sheets on A4,
greyscale (the stylesheet in greystyle.py, the colour conversion in greyscale.py)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from handbill.engine.incremental import WrittenPDF
from handbill.engine.inspect import Folds
from handbill.kit.loader import Kit
from handbill.kit.press import PrintSettings
from handbill.pages.flipnote import with_flip_note
from handbill.pages.greyscale import greyscale_pdf
from handbill.pages.greystyle import GREYSCALE_CSS, with_greyscale
from handbill.pages.impose import (
    A4,
    add_crop_marks,
    impose_booklet,
    impose_n_up,
    n_up_layout,
    one_up_layout,
    tile,
)
from handbill.pages.inks import Inks, inks_for
from handbill.pages.pdfx import make_pdfx
from handbill.pages.seams import LEAST_SCALE, Tiling, choose_tiling

TILE_MARGIN_MM = 10.0  # from the sheet edge: as near as home printers can print

# Greyscale lives in its own modules; printing is where the build asks for every print mode.
__all__ = [
    "GREYSCALE_CSS",
    "greyscale_pdf",
    "home_sheets",
    "press_pdf",
    "with_bleed",
    "with_greyscale",
]

_HTML_TAG = re.compile(r"<html\b[^>]*>", re.IGNORECASE)
_CLASS = re.compile(r"""\bclass\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)


def with_bleed(html: str, bleed_mm: float) -> str:
    """The page grows by the bleed on every side; WeasyPrint then sets TrimBox and BleedBox.

    The design is told it is going to press: ``<html class="press">`` and ``--bleed`` (the
    bleed's width), which the bleed-top/-right/-bottom/-left classes of handbill.css use to run
    a box's background to the bleed edge. WeasyPrint's own ``marks: crop`` would draw inside
    the bleed, so handbill draws the marks itself.
    """
    rule = (
        f"<style>@page {{ bleed: {bleed_mm:g}mm; marks: none }} "
        f":root {{ --bleed: {bleed_mm:g}mm }}</style>"
    )
    return _press_class(html.replace("</head>", rule + "</head>", 1))


def _press_class(html: str) -> str:
    """Add ``press`` to the classes of the document's ``<html>`` element."""
    tag = _HTML_TAG.search(html)
    if tag is None:  # no <html> element written out: the parser makes one, without a class
        return html
    found = _CLASS.search(tag.group(0))
    if found is None:
        new = tag.group(0)[:5] + ' class="press"' + tag.group(0)[5:]
    else:
        quote, classes = found.group(1), found.group(2)
        joined = f"{classes} press" if classes.strip() else "press"
        attribute = f"class={quote}{joined}{quote}"
        new = tag.group(0)[: found.start()] + attribute + tag.group(0)[found.end() :]
    return html[: tag.start()] + new + html[tag.end() :]


def press_pdf(
    data: bytes,
    printing: PrintSettings,
    marks: bool,
    inks: Inks | None,
    label: str,
    folds: Sequence[Folds] = (),
) -> bytes:
    """The print shop's PDF: crop marks and, where the template declares folds, fold marks;
    then (with ``inks``) CMYK and PDF/X."""
    if marks:
        data = add_crop_marks(data, printing.bleed_mm, printing.mark_offset_mm, folds)
    if inks is not None:
        data = make_pdfx(data, printing, inks, label)
    return data


def press_inks(kit: Kit, printing: PrintSettings) -> Inks | None:
    """The colour converter for press PDFs, None when they stay RGB (``pdf_x = "none"``)."""
    if printing.pdf_x == "none":
        return None
    brand = kit.config.brand
    given = tuple((_rgb8(brand.colours[name]), inks) for name, inks in sorted(brand.cmyk.items()))
    return inks_for(printing.profile_path, given)


def _rgb8(colour: str) -> tuple[int, int, int]:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def home_sheets(
    source: bytes | WrittenPDF,
    entry: dict[str, Any],
    printing: PrintSettings,
    folded: bool = False,
) -> tuple[bytes, dict[str, Any]] | None:
    """A4 sheets for a home printer, or None when the item is a one-sided or portrait A4 already.

    Smaller items are laid out several to a sheet (A5 2-up, DL 3-up, A6 4-up); larger ones are
    tiled over several sheets; a two-sided A4 landscape item (a DL leaflet ``folded`` in three)
    is one to a sheet, to carry the flip note (and turned backs for ``duplex_flip = "long"``).
    Returns the PDF and the manifest fields that differ.
    """
    width, height = entry["paper"]["width_mm"], entry["paper"]["height_mm"]
    codes = entry["qr_codes"]
    tiled: dict[str, Any] = {}
    if entry.get("booklet"):
        sheets, order = impose_booklet(source)
        where = {
            number: (side, slot)
            for side, pair in enumerate(order, 1)
            for slot, number in enumerate(pair)
            if number
        }
        moved = [
            {
                **code,
                "page": where[code["page"]][0],
                "x_mm": round(where[code["page"]][1] * width + code["x_mm"], 2),
            }
            for code in codes
        ]
        pages, arrangement = len(order), f"booklet of {len(order) * 2} pages"
        sheet = (2 * width, height)
    elif n_up_layout(width, height) is not None or (
        entry.get("duplex") and one_up_layout(width, height) is not None
    ):
        one_up = n_up_layout(width, height) is None
        imposed = impose_n_up(source, entry["duplex"], printing.duplex_flip, one_up)
        assert imposed is not None
        sheets, layout = imposed
        moved = [
            {
                **code,
                "x_mm": round(slot.x + code["x_mm"], 2),
                "y_mm": round(layout.sheet[1] - slot.y - height + code["y_mm"], 2),
            }
            for code in codes
            for slot in layout.slots
        ]
        if printing.duplex_flip == "long" and entry["duplex"] and layout.sheet[0] > layout.sheet[1]:
            moved = [
                _turned(code, layout.sheet) if code["page"] % 2 == 0 else code for code in moved
            ]
        pages, arrangement = entry["pages"], f"{len(layout.slots)}-up"
        sheet = layout.sheet
    elif (
        width > A4[1] + 0.5
        or height > A4[1] + 0.5
        or (width > A4[0] + 0.5 and height > A4[0] + 0.5)
    ):
        data = source.data if isinstance(source, WrittenPDF) else source
        overlap, margin = printing.tile_overlap_mm, TILE_MARGIN_MM
        whole = tuple(
            ((c["x_mm"], c["x_mm"] + c["width_mm"]), (c["y_mm"], c["y_mm"] + c["width_mm"]))
            for c in codes
            if c["page"] == 1
        )
        least = 1.0 if printing.poster_tiles == "full-size" else LEAST_SCALE
        plan = choose_tiling(data, margin, overlap, whole, least)
        sheets, rows, columns = tile(data, overlap, margin, plan)
        moved = _codes_on_tiles(codes, plan, overlap, margin)
        pages, arrangement = rows * columns, f"tiled {rows} x {columns}"
        if plan.scale < 1:
            arrangement += f" at {plan.scale * 100:.0f} %"
        # What the tiles make when joined, for the page and the pack to say ("84 %, 353 x 249
        # mm"): a poster printed smaller than its paper size is no longer "A3".
        tiled = {
            "scale": plan.scale,
            "joined_mm": [round(plan.width * plan.scale, 2), round(plan.height * plan.scale, 2)],
        }
        sheet = plan.sheet
    else:
        return None
    if sheet[0] > sheet[1] and (entry.get("duplex") or entry.get("booklet")):
        # A two-sided landscape sheet comes out upside down on the back when the printer flips
        # on the wrong edge: the front says which edge.
        then = "booklet" if entry.get("booklet") else "cut"
        if arrangement == "1-up":  # one copy a sheet: no cuts; folded, or nothing more to do
            then = "folded" if folded else ""
        sheets = with_flip_note(sheets, printing.duplex_flip, then)
    fields = {
        "mode": "home",
        "imposition": arrangement,
        "paper": {
            "name": "A4" + (" landscape" if sheet[0] > sheet[1] else ""),
            "width_mm": sheet[0],
            "height_mm": sheet[1],
        },
        "pages": pages,
        "expected_pages": None,
        "qr_codes": moved,
        **tiled,
    }
    return sheets, fields


def _turned(code: dict[str, Any], sheet: tuple[float, float]) -> dict[str, Any]:
    """Where a code on a back lands when the back is turned 180 degrees (flip on long edge)."""
    size = code["width_mm"]
    return {
        **code,
        "x_mm": round(sheet[0] - code["x_mm"] - size, 2),
        "y_mm": round(sheet[1] - code["y_mm"] - size, 2),
    }


def _codes_on_tiles(
    codes: list[dict[str, Any]], plan: Tiling, overlap: float, margin: float
) -> list[dict[str, Any]]:
    """Where each QR code lands when the poster is tiled: on every tile that shows all of it,
    at the tiles' scale."""
    placed = []
    scale = plan.scale
    columns = len(plan.lefts)
    for row, top in enumerate(plan.tops):
        for column, left in enumerate(plan.lefts):
            tile_w, tile_h = plan.tile_width(column, overlap), plan.tile_height(row, overlap)
            for code in codes:
                size = code["width_mm"]
                inside = (
                    left <= code["x_mm"]
                    and code["x_mm"] + size <= left + tile_w
                    and top <= code["y_mm"]
                    and code["y_mm"] + size <= top + tile_h
                )
                if inside and code["page"] == 1:
                    placed.append(
                        {
                            **code,
                            "page": row * columns + column + 1,
                            "width_mm": round(size * scale, 2),
                            "x_mm": round((code["x_mm"] - left) * scale + margin, 2),
                            "y_mm": round((code["y_mm"] - top) * scale + margin, 2),
                        }
                    )
    return placed
