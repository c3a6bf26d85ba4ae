"""Page work with pypdf: crop marks for press, n-up sheets and poster tiles for home printers."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    RectangleObject,
)

from handbill.engine.incremental import Side, WrittenPDF, append_sides
from handbill.engine.inspect import Folds
from handbill.pages.seams import Tiling, choose_tiling

PT = 72 / 25.4  # points per millimetre
A4 = (210.0, 297.0)
MARK_LENGTH_MM = 5.0
HAIRLINE_PT = 0.25  # the thinnest line print shops accept
FOLD_DASH_PT = 2.0  # fold marks: dashes and gaps of 2 pt
# Between two dimensions ("2 \u00d7 2", "370 \u00d7 261 mm"): the multiplication sign, on
# one line with both.
TIMES = "\u00a0\u00d7\u00a0"


@dataclass(frozen=True)
class Slot:
    """Where one copy of an item goes on a sheet, in millimetres from the sheet's bottom left."""

    x: float
    y: float


@dataclass(frozen=True)
class Layout:
    """How copies of an item fill a sheet: the sheet size, the slots and the cut lines."""

    sheet: tuple[float, float]
    slots: tuple[Slot, ...]
    cuts_x: tuple[float, ...] = ()
    cuts_y: tuple[float, ...] = ()


def n_up_layout(width: float, height: float) -> Layout | None:
    """The A4 layout for an item smaller than A4: A5 2-up, DL 3-up, A6 4-up (centred)."""
    candidates = []
    for sheet in ((A4[1], A4[0]), A4):  # landscape first, then portrait
        # Half a millimetre of tolerance: sizes read back from points are not exact.
        columns, rows = int((sheet[0] + 0.5) // width), int((sheet[1] + 0.5) // height)
        if columns * rows >= 2:
            candidates.append((columns * rows, sheet, columns, rows))
    if not candidates:
        return None
    _, sheet, columns, rows = max(candidates, key=lambda c: c[0])
    left = (sheet[0] - columns * width) / 2
    bottom = (sheet[1] - rows * height) / 2
    slots = tuple(
        Slot(left + c * width, bottom + r * height) for r in range(rows) for c in range(columns)
    )
    cuts_x = tuple(left + c * width for c in range(columns + 1))
    cuts_y = tuple(bottom + r * height for r in range(rows + 1))
    return Layout(sheet, slots, cuts_x, cuts_y)


def as_form(writer: PdfWriter, page: PageObject) -> IndirectObject:
    """The page as a Form XObject in ``writer``, to be drawn any number of times.

    Drawing a form is one ``Do`` operator, where merging pages would parse and copy the whole
    content stream (text, QR code paths) for every copy: the difference between milliseconds
    and a second for a sheet of four A6 cards.
    """
    contents = page.get_contents()
    form = DecodedStreamObject()
    form.set_data(contents.get_data() if contents is not None else b"")
    box = page.mediabox
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(
                FloatObject(v) for v in (box.left, box.bottom, box.right, box.top)
            ),
            NameObject("/Resources"): page["/Resources"].clone(writer),
        }
    )
    if "/Group" in page:  # keep transparency (e.g. the PROOF mark) composited as on the page
        form[NameObject("/Group")] = page["/Group"].clone(writer)
    return writer._add_object(form)


def draw_forms(
    writer: PdfWriter,
    sheet: PageObject,
    placed: list[tuple[IndirectObject, str]],
    after: list[str],
    clip: str = "",
) -> None:
    """Give ``sheet`` a content stream drawing each form under its ``cm`` matrix, then ``after``.

    ``clip`` (a path and ``W n``, in sheet coordinates) limits what of the forms shows.
    """
    names = DictionaryObject()
    commands = ["q", clip] if clip else []
    for number, (form, matrix) in enumerate(placed):
        names[NameObject(f"/P{number}")] = form
        commands.append(f"q {matrix} cm /P{number} Do Q")
    if clip:
        commands.append("Q")
    resources = DictionaryObject({NameObject("/XObject"): names})
    sheet[NameObject("/Resources")] = resources
    stream = DecodedStreamObject()
    stream.set_data("\n".join([*commands, "q", *after, "Q"]).encode("latin-1"))
    sheet[NameObject("/Contents")] = writer._add_object(stream)


def _lines(commands: list[str]) -> ContentStream:
    stream = ContentStream(None, None)
    stream.set_data("\n".join(commands).encode("latin-1"))
    return stream


def _dashed(x1: float, y1: float, x2: float, y2: float, grey: float = 0.6) -> list[str]:
    return [f"{grey} G {HAIRLINE_PT} w [2 2] 0 d {x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l S"]


def one_up_layout(width: float, height: float) -> Layout | None:
    """An A4 landscape item on its own sheet (a DL leaflet folded from A4): one copy, no cuts."""
    if abs(width - A4[1]) > 0.5 or abs(height - A4[0]) > 0.5:
        return None
    return Layout((A4[1], A4[0]), (Slot(0.0, 0.0),))


def impose_n_up(
    source: bytes | WrittenPDF, duplex: bool, flip: str = "short", one_up: bool = False
) -> tuple[bytes, Layout] | None:
    """Fill A4 sheets with copies of each page, with light dashed cut lines between them.

    Each page of the item becomes one sheet side. Copies are identical and the slot grid is
    centred, so a back lands behind its front; on landscape sheets printed "flip on long edge"
    the backs are turned 180 degrees so that they come out the right way up. ``one_up``: an
    A4 landscape item, one copy a sheet (its backs turned the same way).
    """
    opened = _opened(source)
    sizes = page_sizes(opened)
    lay_out = one_up_layout if one_up else n_up_layout
    layout = lay_out(sizes[0][0] / PT, sizes[0][1] / PT)
    if layout is None:
        return None
    sheet_w, sheet_h = layout.sheet[0] * PT, layout.sheet[1] * PT
    cuts = [cmd for x in layout.cuts_x for cmd in _dashed(x * PT, 0, x * PT, sheet_h)]
    cuts += [cmd for y in layout.cuts_y for cmd in _dashed(0, y * PT, sheet_w, y * PT)]
    sides = []
    for number in range(len(sizes)):
        turn = duplex and number % 2 == 1 and flip == "long" and sheet_w > sheet_h
        placed = []
        for slot in layout.slots:
            x, y = slot.x * PT, slot.y * PT
            # Turned backs: rotate 180 degrees about the sheet's centre.
            matrix = (
                f"-1 0 0 -1 {sheet_w - x:.4f} {sheet_h - y:.4f}"
                if turn
                else f"1 0 0 1 {x:.4f} {y:.4f}"
            )
            placed.append((number, matrix))
        sides.append(Side(sheet_w, sheet_h, tuple(placed), tuple(cuts)))
    if duplex and len(sizes) % 2:
        sides.append(Side(sheet_w, sheet_h))  # a blank back, so the next copy starts afresh
    return write_sides(opened, sides), layout


def _opened(source: bytes | WrittenPDF) -> PdfReader | WrittenPDF:
    """The PDF to draw from: as handbill just wrote it, or else read back once with pypdf."""
    return source if isinstance(source, WrittenPDF) else PdfReader(io.BytesIO(source))


def page_sizes(source: PdfReader | WrittenPDF) -> list[tuple[float, float]]:
    """Each page's width and height in points."""
    if isinstance(source, WrittenPDF):
        return source.sizes
    return [(float(page.mediabox.width), float(page.mediabox.height)) for page in source.pages]


def write_sides(source: PdfReader | WrittenPDF, sides: list[Side]) -> bytes:
    """A PDF of ``sides``, drawing the pages of ``source``: appended to it when handbill has
    just written it (incremental.py), else copied into a new file with pypdf."""
    if isinstance(source, WrittenPDF):
        return append_sides(source, sides)
    reader = source
    writer = PdfWriter()
    forms: dict[int, IndirectObject] = {}
    for side in sides:
        sheet = writer.add_blank_page(side.width, side.height)
        if not side.placed and not side.after:
            continue
        for index, _ in side.placed:
            if index not in forms:
                forms[index] = as_form(writer, reader.pages[index])
        placed = [(forms[index], matrix) for index, matrix in side.placed]
        draw_forms(writer, sheet, placed, list(side.after))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def tile(
    data: bytes, overlap_mm: float = 10.0, margin_mm: float = 10.0, plan: Tiling | None = None
) -> tuple[bytes, int, int]:
    """Tile a page larger than A4 over A4 sheets, with an overlap strip to glue.

    Each sheet shows its part of the poster (``plan``: by default as seams.choose_tiling
    decides: the sheets' way up, the scale, seams in the artwork's gaps, tiles of about even
    size) from the top left of the margin that home printers can reach, with the overlap strip
    marked by a dashed line and corner alignment marks. Returns the PDF, and the number of
    rows and columns.
    """
    reader = PdfReader(io.BytesIO(data))
    poster = reader.pages[0]
    if plan is None:
        plan = choose_tiling(data, margin_mm, overlap_mm)
    sheet_w, sheet_h = plan.sheet
    scale = plan.scale
    rows, columns = len(plan.tops), len(plan.lefts)
    writer = PdfWriter()
    form = as_form(writer, poster)
    labels = []
    for row, top_mm in enumerate(plan.tops):  # row 1 is the top of the poster
        for column, left_mm in enumerate(plan.lefts):
            tile_w = plan.tile_width(column, overlap_mm) * scale  # on paper
            tile_h = plan.tile_height(row, overlap_mm) * scale
            sheet = writer.add_blank_page(sheet_w * PT, sheet_h * PT)
            left, top = margin_mm * PT, (sheet_h - margin_mm) * PT
            right, bottom = left + tile_w * PT, top - tile_h * PT
            clip = f"{left:.2f} {bottom:.2f} {tile_w * PT:.2f} {tile_h * PT:.2f} re W n"
            # The poster's point (left_mm, top_mm from its top) at the area's top left corner.
            move_x = margin_mm - left_mm * scale
            move_y = sheet_h - margin_mm - (plan.height - top_mm) * scale
            move = f"{scale:g} 0 0 {scale:g} {move_x * PT:.4f} {move_y * PT:.4f}"
            commands: list[str] = []
            if column < columns - 1:  # the strip the next tile overlaps: glue here
                x = right - overlap_mm * PT
                commands += _dashed(x, bottom, x, top, grey=0.4)
            if row < rows - 1:
                y = bottom + overlap_mm * PT
                commands += _dashed(left, y, right, y, grey=0.4)
            for cx, cy in ((left, bottom), (left, top), (right, bottom), (right, top)):
                commands.append(
                    f"0 G {HAIRLINE_PT} w [] 0 d {cx - 8:.2f} {cy:.2f} m {cx + 8:.2f} {cy:.2f} l S "
                    f"{cx:.2f} {cy - 8:.2f} m {cx:.2f} {cy + 8:.2f} l S"
                )
            draw_forms(writer, sheet, [(form, move)], commands, clip)
            label = f"Tile: row {row + 1}, column {column + 1} of {rows}{TIMES}{columns}"
            if scale < 1:
                joined = f"{plan.width * scale:.0f}{TIMES}{plan.height * scale:.0f}\u00a0mm"
                label += f" · printed at {scale * 100:.0f}%, {joined} when joined"
            if column < columns - 1 or row < rows - 1:
                label += " · the next tile overlaps the dashed strip"
            labels.append(label)
    for sheet, label_page in zip(
        writer.pages, _label_pages(labels, sheet_w, sheet_h, margin_mm), strict=True
    ):
        sheet.merge_page(label_page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), rows, columns


def _label_pages(
    texts: list[str], width_mm: float, height_mm: float, margin_mm: float
) -> list[PageObject]:
    """Pages with one small line of text each in the top margin, set in the bundled font.

    One document for all of them: a WeasyPrint render each cost about 60 ms.
    """
    from html import escape

    from handbill.engine.layout import stock_page_pdf

    data = stock_page_pdf(
        f"<style>@page {{ size: {width_mm}mm {height_mm}mm; margin: 0 }} html {{ font-family: "
        f"'Atkinson Hyperlegible' }} p {{ margin: 0 0 0 {margin_mm}mm; padding-top: "
        f"{margin_mm / 2 - 1.5}mm; font-size: 7pt; color: #555; break-after: page }}</style>"
        + "".join(f"<p>{escape(text)}</p>" for text in texts)
    )
    return list(PdfReader(io.BytesIO(data)).pages)


def add_crop_marks(
    data: bytes,
    bleed_mm: float,
    offset_mm: float,
    folds: Sequence[Folds] = (),
) -> bytes:
    """Enlarge each page to hold crop marks outside the bleed, offset from the trim.

    The TrimBox and BleedBox stay where WeasyPrint put them; the MediaBox grows by
    offset + mark length beyond the bleed, and hairline marks are drawn in line with the trim.
    ``folds`` (one per page) adds dashed fold marks in the same strip, in line with each fold:
    above and below the sheet for a vertical fold, beside it for a horizontal one.
    """
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header  # pypdf would write 1.3, too old for transparency
    extra = (max(offset_mm, bleed_mm) + MARK_LENGTH_MM) * PT
    for number, page in enumerate(writer.pages):
        trim = page.trimbox
        left, bottom = float(trim.left), float(trim.bottom)
        right, top = float(trim.right), float(trim.top)
        page.mediabox = RectangleObject([left - extra, bottom - extra, right + extra, top + extra])
        page.cropbox = page.mediabox
        start = max(offset_mm, bleed_mm) * PT
        end = start + MARK_LENGTH_MM * PT
        commands = ["q", f"0 G {HAIRLINE_PT} w"]
        for x in (left, right):
            commands += [
                f"{x:.2f} {bottom - start:.2f} m {x:.2f} {bottom - end:.2f} l S",
                f"{x:.2f} {top + start:.2f} m {x:.2f} {top + end:.2f} l S",
            ]
        for y in (bottom, top):
            commands += [
                f"{left - start:.2f} {y:.2f} m {left - end:.2f} {y:.2f} l S",
                f"{right + start:.2f} {y:.2f} m {right + end:.2f} {y:.2f} l S",
            ]
        fold = folds[number] if number < len(folds) else Folds()
        # Dashed, where crop marks are solid: a print shop reads them as "fold", not "cut".
        commands.append(f"[{FOLD_DASH_PT:g} {FOLD_DASH_PT:g}] 0 d")
        for x_mm in fold.x_mm:
            x = left + x_mm * PT
            commands += [
                f"{x:.2f} {bottom - start:.2f} m {x:.2f} {bottom - end:.2f} l S",
                f"{x:.2f} {top + start:.2f} m {x:.2f} {top + end:.2f} l S",
            ]
        for y_mm in fold.y_mm:
            y = top - y_mm * PT  # from the top edge down, as the layout measures it
            commands += [
                f"{left - start:.2f} {y:.2f} m {left - end:.2f} {y:.2f} l S",
                f"{right + start:.2f} {y:.2f} m {right + end:.2f} {y:.2f} l S",
            ]
        commands.append("Q")
        page.merge_page(_marks_page(writer, page, commands))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _marks_page(writer: PdfWriter, page: PageObject, commands: list[str]) -> PageObject:
    overlay = PageObject.create_blank_page(
        writer, float(page.mediabox.width), float(page.mediabox.height)
    )
    overlay.mediabox = page.mediabox
    overlay.replace_contents(_lines(commands))
    return overlay


def booklet_order(pages: int) -> list[tuple[int, int]]:
    """Saddle-stitch order: (left, right) page numbers for each sheet side, 0 for a blank.

    Pages are padded to a multiple of 4; sheet 1 carries n,1 on its front and 2,n-1 on its back.
    """
    total = -(-pages // 4) * 4
    sides = []
    for sheet in range(total // 4):
        sides.append((total - 2 * sheet, 2 * sheet + 1))
        sides.append((2 * sheet + 2, total - 2 * sheet - 1))
    return [(left if left <= pages else 0, right if right <= pages else 0) for left, right in sides]


def impose_booklet(source: bytes | WrittenPDF) -> tuple[bytes, list[tuple[int, int]]]:
    """A5 pages as a folded A4 booklet: two pages side by side on each A4 landscape side."""
    opened = _opened(source)
    sizes = page_sizes(opened)
    width, height = sizes[0]
    order = booklet_order(len(sizes))
    fold = tuple(_dashed(width, 0, width, height, grey=0.8))
    sides = [
        Side(
            2 * width,
            height,
            tuple(
                (number - 1, f"1 0 0 1 {slot * width:.4f} 0")
                for slot, number in enumerate(pair)
                if number
            ),
            fold,
        )
        for pair in order
    ]
    return write_sides(opened, sides), order
