"""Fillable PDFs: each printed blank of a fill-in field becomes a PDF text field over its line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from weasyprint.document import Document

from handbill.engine.layout import PX_PER_MM, boxes_in, write_pdf_parts

FORM_KEY = "HandbillForm"  # the document information entry naming the form's material


@dataclass(frozen=True)
class Blank:
    """A blank to write on: the field's name, its page (1-based) and the writing area above
    its line(s), in millimetres from the page's top left."""

    field: str
    page: int
    x_mm: float
    y_mm: float
    width_mm: float
    height_mm: float
    lines: int


class _Input:
    """What WeasyPrint's form writer reads of an ``<input>`` (or ``<textarea>``) element: a
    blank's line box is shown to it as one, named after the field."""

    def __init__(self, name: str, lines: int):
        self.attrib = {"name": name, "type": "text", "title": name.replace("_", " ")}
        self.tag = "textarea" if lines > 1 else "input"
        self.text = ""

    def get(self, key: str, default: Any = None) -> Any:
        return self.attrib.get(key, default)


def _classes(box: Any) -> list[str]:
    element = getattr(box, "element", None)
    if element is None or not hasattr(element, "get"):
        return []
    return str(element.get("class") or "").split()


def _blank_boxes(document: Document) -> Iterator[tuple[int, str, list[Any]]]:
    """Each blank on the laid-out pages: its page, field name and the boxes of its lines."""
    for number, page in enumerate(document.pages, start=1):
        for box in boxes_in(page._page_box):
            classes = _classes(box)
            if "field" not in classes or "blank" not in classes or box.element_tag != "span":
                continue
            lines = [
                inner
                for inner in boxes_in(box)
                if inner is not box
                and "blank-line" in _classes(inner)
                and (getattr(inner, "height", 0) or 0) > 0
                and not hasattr(inner, "text")
            ]
            name = str(box.element.get("data-field") or "")
            # The inline box of a blank split over two lines is met twice; its lines once.
            if name and lines:
                yield number, name, list(dict.fromkeys(lines))


def _area(lines: list[Any]) -> tuple[float, float, float, float]:
    """The box (x, y, right, bottom in CSS px) over all of a blank's lines."""
    left = min(line.content_box_x() for line in lines)
    top = min(line.content_box_y() for line in lines)
    right = max(line.content_box_x() + line.width for line in lines)
    bottom = max(line.content_box_y() + line.height for line in lines)
    return left, top, right, bottom


def blanks(document: Document) -> list[Blank]:
    """The blanks left to fill in on the laid-out pages, in page order."""
    found = {}
    for page, name, lines in _blank_boxes(document):
        left, top, right, bottom = _area(lines)
        key = (page, round(left, 1), round(top, 1))
        found[key] = Blank(
            name,
            page,
            round(left / PX_PER_MM, 2),
            round(top / PX_PER_MM, 2),
            round((right - left) / PX_PER_MM, 2),
            round((bottom - top) / PX_PER_MM, 2),
            len(lines),
        )
    return list(found.values())


@contextmanager
def _as_inputs(document: Document) -> Iterator[int]:
    """While the block runs, WeasyPrint's form writer sees each blank as a text field: the
    first line box stands for the field, over the area of all its lines. Undone afterwards,
    so the document writes the printed PDF as before."""
    changed: list[tuple[Any, Any, list[Any]]] = []
    seen: set[int] = set()
    try:
        for number, name, lines in _blank_boxes(document):
            first = lines[0]
            if id(first) in seen:
                continue
            seen.add(id(first))
            inputs = document.pages[number - 1].forms.setdefault(None, [])
            changed.append((first, first.element, inputs))
            first.element = _Input(name, len(lines))
            inputs.append((first, _area(lines)))
        yield len(changed)
    finally:
        for box, element, inputs in changed:
            box.element = element
            box.widget_annotation = None
            inputs[:] = [item for item in inputs if item[0] is not box]


def _one_field_per_name(pdf: Any) -> None:
    """Make the blanks of one field (a name asked for twice) the widgets of one PDF field, so
    that what is typed into one shows in all and the form reads back one value per field."""
    form = pdf.catalog.get("AcroForm")
    if form is None:
        return
    # WeasyPrint's own kinds of PDF object (pydyf's), taken from the form it wrote.
    array, dictionary = type(form["Fields"]), type(form)
    by_name: dict[str, list[Any]] = {}
    for reference in form["Fields"]:
        widget = pdf.objects[int(reference.split()[0])]
        by_name.setdefault(str(widget["T"].string), []).append(widget)
        if "DA" in widget:
            # The text's look as most form fillers read it, "/Font size Tf r g b rg": without
            # WeasyPrint's opacity state ("/a1.0 gs"), which some cannot parse. Size 0: PDF
            # readers shrink what is typed to fit the blank, where a fixed size cut a long
            # answer off at the end of the line.
            text = _OPACITY.sub(b"", _bytes(widget["DA"].string))
            widget["DA"] = type(widget["DA"])(_FONT_SIZE.sub(rb"\1 0 Tf", text))
    fields = array()
    for widgets in by_name.values():
        if len(widgets) == 1:
            fields.append(widgets[0].reference)
            continue
        parent = dictionary({"T": widgets[0]["T"], "Kids": array()})
        for key in _FIELD_KEYS:  # the field's own keys move up; the widgets keep their places
            if key in widgets[0]:
                parent[key] = widgets[0][key]
        pdf.add_object(parent)
        for widget in widgets:
            for key in ("T", *_FIELD_KEYS):
                widget.pop(key, None)
            widget["Parent"] = parent.reference
            parent["Kids"].append(widget.reference)
        fields.append(parent.reference)
    form["Fields"] = fields


_FIELD_KEYS = ("TU", "FT", "Ff", "V", "DA")
_OPACITY = re.compile(rb"/[^\s/]+ gs\s*")
_FONT_SIZE = re.compile(rb"(/\S+) [0-9.]+ Tf")


def _bytes(text: str | bytes) -> bytes:
    return text.encode("latin-1") if isinstance(text, str) else text


def write_form_pdf(
    document: Document, title: str, language: str, material: str, label: str = ""
) -> bytes | None:
    """The PDF as printed, with a text field over each blank (named after its field), and the
    material's name in the document information; None when no blank is left to fill in."""
    metadata = document.metadata
    before = dict(metadata.custom)
    with _as_inputs(document) as count:
        if not count:
            return None
        metadata.custom = {FORM_KEY: material}
        # WeasyPrint embeds a field's font whole, so that any letter typed in can be drawn;
        # but writing the printed PDF cut the document's fonts down to its letters, in place.
        # The form gets fonts of its own.
        printed_fonts, document.fonts = document.fonts, {}
        try:
            return write_pdf_parts(
                document, title, language, label, form=True, finish=_one_field_per_name
            )[0]
        finally:
            metadata.custom = before
            document.fonts = printed_fonts
