"""Join PDFs into one, page after page, holding only one input in memory at a time."""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
    create_string_object,
)

# Page keys that tie a page to its own document: the joined file has its own page tree, and
# the inputs' structure trees are not carried over.
_DROPPED = {"/Parent", "/StructParents"}


class _Ref(IndirectObject):
    """A reference written with its number in the joined file."""

    def write_to_stream(self, stream: IO[Any], encryption_key: object = None) -> None:
        stream.write(f"{self.idnum} 0 R".encode())


class _Joiner:
    """Writes objects to ``target`` as they come, keeping only their offsets."""

    def __init__(self, target: IO[bytes]):
        self.target = target
        # Machine integers, not a list of Python ones: a 50,000-letter merge writes a few
        # hundred thousand objects, and the joining process should not grow with them.
        self.offsets = array("q", [0, 0, 0, 0])  # 1: catalog, 2: page tree, 3: info, last
        self.pages = array("q")
        self.numbers: dict[int, int] = {}  # the current input's object numbers -> new ones
        self.todo: list[tuple[int, PdfObject]] = []
        target.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def number(self) -> int:
        self.offsets.append(0)
        return len(self.offsets) - 1

    def write(self, num: int, obj: PdfObject) -> None:
        self.offsets[num] = self.target.tell()
        self.target.write(f"{num} 0 obj\n".encode())
        obj.write_to_stream(self.target)
        self.target.write(b"\nendobj\n")

    def renumber(self, value: Any) -> Any:
        """``value`` with every reference renumbered; what it refers to is queued for writing."""
        if isinstance(value, IndirectObject):
            if value.idnum not in self.numbers:
                self.numbers[value.idnum] = self.number()
                # Not ``or``: a stream whose dictionary is empty is falsy, yet still a stream.
                target = value.get_object()
                self.todo.append(
                    (self.numbers[value.idnum], NullObject() if target is None else target)
                )
            return _Ref(self.numbers[value.idnum], 0, None)
        if isinstance(value, StreamObject):
            copy = StreamObject()
            copy._data = value._data  # still encoded: its /Filter is copied with it
            copy.update({key: self.renumber(item) for key, item in value.items()})
            return copy
        if isinstance(value, DictionaryObject):
            return DictionaryObject({key: self.renumber(item) for key, item in value.items()})
        if isinstance(value, ArrayObject):
            return ArrayObject(self.renumber(item) for item in value)
        return value

    def add(self, path: Path) -> None:
        reader = PdfReader(path)
        self.numbers = {}
        # Pages first, so that a reference to a page (a link's destination) is the page itself.
        own = [self.number() for _ in reader.pages]
        for page, num in zip(reader.pages, own, strict=True):
            if page.indirect_reference is not None:
                self.numbers[page.indirect_reference.idnum] = num
        _explicit_destinations(reader)
        for page, num in zip(reader.pages, own, strict=True):
            self.pages.append(num)
            copy = DictionaryObject(
                {key: self.renumber(item) for key, item in page.items() if key not in _DROPPED}
            )
            copy[NameObject("/Parent")] = _Ref(2, 0, None)
            self.write(num, copy)
            while self.todo:
                obj_num, obj = self.todo.pop()
                self.write(obj_num, self.renumber(obj))

    def close(self, title: str, language: str) -> None:
        catalog = {
            NameObject("/Type"): NameObject("/Catalog"),
            NameObject("/Pages"): _Ref(2, 0, None),
        }
        if language:
            catalog[NameObject("/Lang")] = create_string_object(language)
        self.write(1, DictionaryObject(catalog))
        kids = ArrayObject(_Ref(num, 0, None) for num in self.pages)
        tree = {
            NameObject("/Type"): NameObject("/Pages"),
            NameObject("/Count"): NumberObject(len(self.pages)),
            NameObject("/Kids"): kids,
        }
        self.write(2, DictionaryObject(tree))
        self.write(3, DictionaryObject({NameObject("/Title"): create_string_object(title)}))
        start = self.target.tell()
        lines = [f"xref\n0 {len(self.offsets)}\n0000000000 65535 f \n"]
        lines += [f"{offset:010d} 00000 n \n" for offset in self.offsets[1:]]
        lines.append(
            f"trailer\n<< /Size {len(self.offsets)} /Root 1 0 R /Info 3 0 R >>\n"
            f"startxref\n{start}\n%%EOF\n"
        )
        self.target.write("".join(lines).encode())


def _explicit_destinations(reader: PdfReader) -> None:
    """Turn links to named destinations (kept in the catalog, which is not copied) into links
    to the page and position themselves."""
    named = reader.named_destinations
    for page in reader.pages:
        for ref in page.get("/Annots", ()):
            annotation = ref.get_object()
            name = annotation.get("/Dest")
            if isinstance(name, str) and name in named:
                target = named[name]
                left, top = (NullObject() if v is None else v for v in (target.left, target.top))
                annotation[NameObject("/Dest")] = ArrayObject(
                    [target.page, NameObject("/XYZ"), left, top, NumberObject(0)]
                )


def concatenate(paths: Iterable[Path], target: IO[bytes], title: str, language: str) -> int:
    """Write the pages of ``paths``, in order, as one PDF to ``target``; return the page count.

    pypdf's writer keeps every object of every input until it writes, which for a
    10,000-letter merge is over a gigabyte. Here each input is read, its pages and what they
    use are written out with new object numbers, and it is let go before the next is read.
    """
    joiner = _Joiner(target)
    for path in paths:
        joiner.add(path)
    joiner.close(title, language)
    return len(joiner.pages)
