"""Letters drawn as a shared base page with an overlay on top, written without pypdf's writer.

A shared-layout merge (merge/shared.py) draws each letter as its group's base pages, the last
with the row's own sign-off drawn over it. Made with pypdf's reader and writer, that cost about
a millisecond a letter: every overlay page parsed, its content stream decoded, its resources
cloned, and all of it written out again. Here the overlays' PDF, just written by WeasyPrint, is
kept as it is, and the letters are appended to it as an incremental update (as the home sheets
are, engine/incremental.py): a Form XObject per overlay page (its content stream's encoded bytes,
copied, and the resources all its pages share), the base pages as forms copied once from their
own PDF, and a page per sheet drawing one over the other. The overlay document's own pages stay
in the file, unreferenced; joining the chunks (concat.py) copies only what the new pages use.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NullObject,
    PdfObject,
    StreamObject,
)

from handbill.engine.incremental import Update, WrittenPDF, box_number, form_object, stream_object


@dataclass(frozen=True)
class Sheet:
    """One page of the letters: page ``index`` of the base PDF ``base``, with page ``overlay``
    of the overlays' PDF drawn over it under the ``cm`` matrix ``matrix``; or, if ``blank``,
    an empty page of the same size (the back of a two-sided letter's last sheet)."""

    base: Path
    index: int
    overlay: int | None = None
    matrix: str = ""
    blank: bool = False


class _Ref(IndirectObject):
    """A reference written with its number in the update."""

    def write_to_stream(self, stream: IO[Any], encryption_key: object = None) -> None:
        stream.write(b"%d 0 R" % self.idnum)


class _Copier:
    """Objects of the base PDFs written into the update, each once, with new numbers."""

    def __init__(self, update: Update) -> None:
        self.update = update
        self.readers: dict[Path, PdfReader] = {}
        self.numbers: dict[tuple[Path, int], int] = {}
        self.forms: dict[tuple[Path, int], tuple[int, tuple[float, float]]] = {}

    def form(self, path: Path, index: int) -> tuple[int, tuple[float, float]]:
        """Page ``index`` of ``path`` as a Form XObject in the update, and the page's size."""
        if (path, index) not in self.forms:
            reader = self.readers.get(path)
            if reader is None:
                reader = self.readers[path] = PdfReader(path)
            page = reader.pages[index]
            box = page.mediabox
            entries = b"/Type /XObject /Subtype /Form /BBox [%s] /Resources %s" % (
                b" ".join(box_number(float(v)) for v in (box.left, box.bottom, box.right, box.top)),
                self._serialised(path, page.raw_get("/Resources")),
            )
            if "/Group" in page:  # keep transparency (the PROOF mark) composited as on the page
                entries += b" /Group " + self._serialised(path, page.raw_get("/Group"))
            contents = page.get_contents()
            data = contents.get_data() if contents is not None else b""
            number = self.update.put(self.update.reserve(), stream_object(entries, data))
            self.forms[(path, index)] = (number, (float(box.width), float(box.height)))
        return self.forms[(path, index)]

    def _serialised(self, path: Path, value: Any) -> bytes:
        out = io.BytesIO()
        self._renumbered(path, value).write_to_stream(out)
        return out.getvalue()

    def _renumbered(self, path: Path, value: Any) -> Any:
        """``value`` with every reference renumbered; what it refers to is written once."""
        if isinstance(value, IndirectObject):
            key = (path, value.idnum)
            if key not in self.numbers:
                self.numbers[key] = number = self.update.reserve()
                target: PdfObject | None = value.get_object()
                self.update.put(
                    number, self._serialised(path, NullObject() if target is None else target)
                )
            return _Ref(self.numbers[key], 0, None)
        if isinstance(value, StreamObject):
            copy = StreamObject()
            copy._data = value._data  # still encoded: its /Filter is copied with it
            copy.update({k: self._renumbered(path, item) for k, item in value.items()})
            return copy
        if isinstance(value, DictionaryObject):
            return DictionaryObject({k: self._renumbered(path, v) for k, v in value.items()})
        if isinstance(value, ArrayObject):
            return ArrayObject(self._renumbered(path, item) for item in value)
        return value


def draw_sheets(overlays: WrittenPDF, sheets: Iterable[Sheet]) -> tuple[bytes, dict[int, Any]]:
    """``overlays`` with ``sheets`` as its only pages, written as an incremental update; and
    the objects copied from the base PDFs, by number, each with a key naming what it is a copy
    of, the same in every chunk that copies it (see concat.Part)."""
    update = Update(overlays)
    catalog, tree = update.reserve(), update.reserve()
    copier = _Copier(update)
    kids = []
    for sheet in sheets:
        form, (width, height) = copier.form(sheet.base, sheet.index)
        page = b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s]" % (
            tree,
            box_number(width),
            box_number(height),
        )
        if sheet.blank:
            kids.append(update.put(update.reserve(), page + b" /Resources << >> >>"))
            continue
        names = b"/P0 %d 0 R" % form
        commands = [b"q 1 0 0 1 0 0 cm /P0 Do Q"]
        if sheet.overlay is not None:
            drawn = form_object(overlays.pages[sheet.overlay])
            names += b" /P1 %d 0 R" % update.put(update.reserve(), drawn)
            commands.append(b"q %s cm /P1 Do Q" % sheet.matrix.encode("ascii"))
        # The same operators as pages/impose.py's draw_forms, which drew them before.
        content = update.put(update.reserve(), stream_object(b"", b"\n".join([*commands, b"q\nQ"])))
        page += b" /Resources << /XObject << %s >> >> /Contents %d 0 R >>" % (names, content)
        kids.append(update.put(update.reserve(), page))
    references = b" ".join(b"%d 0 R" % kid for kid in kids)
    update.put(tree, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (references, len(kids)))
    update.put(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % tree)
    copies = {number: ("form", *key) for key, (number, _) in copier.forms.items()}
    copies.update((number, ("object", *key)) for key, number in copier.numbers.items())
    return update.finish(catalog), copies
