"""Sheets drawn from a PDF handbill has just written, appended to it as an incremental update.

Reading a PDF back to impose its pages costs more than the imposing: pypdf parses every
object of an object stream to reach one page, tagged structure tree and all (20-30 ms a
leaflet). handbill knows where WeasyPrint put each page's parts when it writes the PDF, so the
home sheets are written as an update to the same file instead: the original bytes, then a Form
XObject per page (its content stream's encoded bytes, copied as they are), the sheets, a new
page tree and catalog, and a cross-reference stream whose /Prev points at the original's. The
original pages stay in the file, unreferenced. Every PDF reader follows such updates; it is how
PDF editors save changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

_LENGTH = re.compile(rb"/Length (\d+)")
_FILTER = re.compile(rb"/Filter ?(/\w+|\[[^\]]*\])")


@dataclass(frozen=True)
class SourcePage:
    """One page of a written PDF: what a Form XObject drawing it needs."""

    box: tuple[float, float, float, float]  # the MediaBox: left, bottom, right, top in points
    content: bytes  # the content stream's data, still encoded
    filters: bytes  # e.g. b"/Filter /FlateDecode", or b"" for a plain stream
    resources: bytes  # a reference or a dictionary, as written
    group: bytes | None  # the page's transparency group, if it has one


@dataclass(frozen=True)
class WrittenPDF:
    """A PDF's bytes with where its pages' parts are, so that sheets can be appended to it."""

    data: bytes
    pages: tuple[SourcePage, ...]
    size: int  # the objects are numbered below this
    xref: int  # where the cross-reference stream starts
    info: bytes | None  # the document information dictionary's reference (title, producer)
    ids: bytes | None  # the file identifiers, kept in the update's trailer
    lang: bytes | None  # the catalog's language, kept in the new catalog

    @property
    def sizes(self) -> list[tuple[float, float]]:
        """Each page's width and height in points."""
        return [(p.box[2] - p.box[0], p.box[3] - p.box[1]) for p in self.pages]


@dataclass(frozen=True)
class Side:
    """One sheet side: its size in points, the pages drawn on it (0-based page index and the
    ``cm`` matrix that places it) and PDF operators drawn over them (cut lines, the fold)."""

    width: float
    height: float
    placed: tuple[tuple[int, str], ...] = ()
    after: tuple[str, ...] = ()

    @property
    def commands(self) -> bytes:
        """The side's content stream: each page's form drawn under its matrix, then ``after``."""
        lines = [f"q {matrix} cm /P{n} Do Q" for n, (_, matrix) in enumerate(self.placed)]
        return "\n".join([*lines, "q", *self.after, "Q"]).encode("latin-1")


def written(pdf: Any, data: bytes) -> WrittenPDF | None:
    """The parts of ``data``, just written from the pydyf document ``pdf``.

    None when the file is not laid out as expected (no cross-reference stream, or a page with
    several content streams): the caller then reads the PDF back instead.
    """
    trailer = pdf.objects[-1]  # pydyf writes the cross-reference stream last
    if getattr(trailer, "extra", {}).get("Type") != "/XRef":
        return None
    pages = []
    for number in pdf.pages["Kids"][::3]:
        page = pdf.objects[number]
        contents = page.get("Contents")
        if not isinstance(contents, bytes) or not contents.endswith(b" 0 R"):
            return None
        stream = pdf.objects[int(contents.split()[0])]
        start = data.index(b"\nstream\n", stream.offset) + len(b"\nstream\n")
        head = data[stream.offset : start]
        length = _LENGTH.search(head)
        if length is None:
            return None
        filters = _FILTER.search(head)
        # The box as written (rounded), as a reader of the file sees it.
        left, top, right, bottom = (float(v) for v in _serialised(page["MediaBox"])[1:-1].split())
        pages.append(
            SourcePage(
                box=(min(left, right), min(top, bottom), max(left, right), max(top, bottom)),
                content=data[start : start + int(length[1])],
                filters=b"/Filter " + filters[1] if filters else b"",
                resources=_serialised(page["Resources"]),
                group=_serialised(page["Group"]) if "Group" in page else None,
            )
        )
    return WrittenPDF(
        data=data,
        pages=tuple(pages),
        size=len(pdf.objects),
        xref=pdf.xref_position,
        info=pdf.info.reference if pdf.info else None,
        ids=_serialised(trailer.extra["ID"]) if "ID" in trailer.extra else None,
        lang=_serialised(pdf.catalog["Lang"]) if "Lang" in pdf.catalog else None,
    )


def _serialised(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    if hasattr(value, "data"):  # a pydyf object
        return bytes(value.data)
    return str(value).encode("latin-1")


def append_sides(source: WrittenPDF, sides: Sequence[Side]) -> bytes:
    """``source`` with ``sides`` as its only pages, written as an incremental update."""
    update = Update(source)
    catalog, tree = update.reserve(), update.reserve()
    forms: dict[int, int] = {}
    kids = []
    for side in sides:
        names = []
        for n, (index, _) in enumerate(side.placed):
            if index not in forms:
                forms[index] = update.put(update.reserve(), form_object(source.pages[index]))
            names.append(b"/P%d %d 0 R" % (n, forms[index]))
        page = b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s]" % (
            tree,
            box_number(side.width),
            box_number(side.height),
        )
        if side.placed or side.after:
            contents = update.put(update.reserve(), stream_object(b"", side.commands))
            page += b" /Resources << /XObject << %s >> >> /Contents %d 0 R" % (
                b" ".join(names),
                contents,
            )
        else:  # a blank back
            page += b" /Resources << >>"
        kids.append(update.put(update.reserve(), page + b" >>"))
    references = b" ".join(b"%d 0 R" % kid for kid in kids)
    update.put(tree, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (references, len(kids)))
    lang = b" /Lang " + source.lang if source.lang else b""
    update.put(catalog, b"<< /Type /Catalog /Pages %d 0 R%s >>" % (tree, lang))
    return update.finish(catalog)


class Update:
    """New objects written after the original bytes, and the cross-reference stream to them."""

    def __init__(self, source: WrittenPDF) -> None:
        self.source = source
        self.out = bytearray(source.data)
        if not self.out.endswith(b"\n"):
            self.out += b"\n"
        self.next = source.size
        self.offsets: dict[int, int] = {}

    def reserve(self) -> int:
        self.next += 1
        return self.next - 1

    def put(self, number: int, body: bytes) -> int:
        self.offsets[number] = len(self.out)
        self.out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
        return number

    def finish(self, catalog: int) -> bytes:
        xref = self.reserve()
        self.offsets[xref] = len(self.out)
        width = max(4, (len(self.out).bit_length() + 7) // 8)
        first = self.source.size
        rows = b"".join(
            b"\x01" + self.offsets[number].to_bytes(width, "big") + b"\x00"
            for number in range(first, xref + 1)
        )
        extra = b"/Type /XRef /Size %d /Index [%d %d] /W [1 %d 1] /Prev %d /Root %d 0 R" % (
            xref + 1,
            first,
            xref + 1 - first,
            width,
            self.source.xref,
            catalog,
        )
        if self.source.info:
            extra += b" /Info " + self.source.info
        if self.source.ids:
            extra += b" /ID " + self.source.ids
        self.put(xref, stream_object(extra, rows))
        self.out += b"startxref\n%d\n%%%%EOF\n" % self.offsets[xref]
        return bytes(self.out)


def form_object(page: SourcePage) -> bytes:
    """The page as a Form XObject: its content, resources and group, clipped to its box."""
    entries = b"/Type /XObject /Subtype /Form /BBox [%s] /Resources %s" % (
        b" ".join(box_number(v) for v in page.box),
        page.resources,
    )
    if page.group is not None:  # keep transparency (e.g. the PROOF mark) composited as on the page
        entries += b" /Group " + page.group
    if page.filters:
        entries += b" " + page.filters
    return stream_object(entries, page.content)


def stream_object(entries: bytes, data: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (entries, len(data), data)


def box_number(value: float) -> bytes:
    """A page or form box as precisely as pypdf writes one: rounded to 4 places, a box moves a
    clip edge by a hair, and a hard colour edge there anti-aliases another way."""
    return (f"{value:.6f}".rstrip("0").rstrip(".") or "0").encode()


def _number(value: float) -> bytes:
    return (f"{value:.4f}".rstrip("0").rstrip(".") or "0").encode()
