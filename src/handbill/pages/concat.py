"""Join PDFs into one, page after page, holding only one input in memory at a time, tagged."""

from __future__ import annotations

from array import array
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
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

from handbill.pages.plainobjects import PlainObjectsReader
from handbill.pages.structure import (
    CLOSE_PAGE,
    OPEN_PAGE,
    Tree,
    catalog_entries,
    marking,
    page_element,
    xmp,
)

# Page keys that tie a page to its own document: the joined file has its own page tree and
# structure tree (structure.py).
_DROPPED = {"/Parent", "/StructParents"}
# Objects the joined file writes last: catalog, page tree, info, structure tree root, its
# /Document element, XMP metadata.
_CATALOG, _PAGES, _INFO, _ROOT, _DOCUMENT, _METADATA = range(1, 7)


class _Ref(IndirectObject):
    """A reference written with its number in the joined file."""

    def write_to_stream(self, stream: IO[Any], encryption_key: object = None) -> None:
        stream.write(f"{self.idnum} 0 R".encode())


class Source:
    """One input PDF, read once for every part taken from it (a chunk's letters, one by one)."""

    def __init__(self, source: Path | IO[bytes]) -> None:
        # Its objects parsed by a pattern, in a fraction of pypdf's time (plainobjects.py).
        self.reader = PlainObjectsReader(source)
        _explicit_destinations(self.reader)
        catalog: Any = self.reader.trailer["/Root"]
        tree = catalog.get("/StructTreeRoot")
        self.tree = Tree(tree.get_object()) if tree is not None else None


@dataclass(frozen=True)
class Part:
    """An input PDF, and those of its objects that are copies of objects other inputs copy
    too (a merge's base pages, drawn in every chunk): object number -> a key naming what it is
    a copy of. The joined file writes each key's object once, and every input that has it
    refers to that one."""

    path: Path
    copies: Mapping[int, Hashable]


_KEPT = 200_000  # copies remembered at most (a merge of thousands of bases): memory stays bounded


class _Joiner:
    """Writes objects to ``target`` as they come, keeping only their offsets."""

    def __init__(self, target: IO[bytes]):
        self.target = target
        # Machine integers, not a list of Python ones: a 50,000-letter merge writes a few
        # hundred thousand objects, and the joining process should not grow with them.
        self.offsets = array("q", [0] * (_METADATA + 1))
        self.pages = array("q")
        # The /Document element's kids and the parent tree's entries (keys 0, 1, ...), kept as
        # object numbers where they are references (every page of a merge's letters): Python
        # objects here made the joining process grow by 300 bytes a letter, and every worker
        # process started later, a copy of it, with it.
        self.elements = _Refs()
        self.parents = _Refs()
        self.marks: tuple[_Ref, _Ref] | None = None  # streams round an untagged page
        self.numbers: dict[int, int] = {}  # the current input's object numbers -> new ones
        self.overrides: dict[int, PdfObject] = {}  # the current input's objects, cut down
        self.todo: list[tuple[int, PdfObject]] = []
        self.names: dict[str, bytes] = {}  # names as written (escaped): a merge writes few
        self.copies: dict[Hashable, int] = {}  # each Part's copies' keys -> their new numbers
        target.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def number(self) -> int:
        self.offsets.append(0)
        return len(self.offsets) - 1

    def write(self, num: int, obj: PdfObject) -> None:
        self.offsets[num] = self.target.tell()
        out = [b"%d 0 obj\n" % num]
        _dump(obj, out, self.names)
        out.append(b"\nendobj\n")
        self.target.write(b"".join(out))

    def renumber(self, value: Any) -> Any:
        """``value`` with every reference renumbered; what it refers to is queued for writing."""
        if isinstance(value, IndirectObject):
            if value.idnum not in self.numbers:
                self.numbers[value.idnum] = self.number()
                # Not ``or``: a stream whose dictionary is empty is falsy, yet still a stream.
                target = self.overrides.get(value.idnum, value.get_object())
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

    def add(self, source: Path | IO[bytes] | Source | Part, pages: range | None = None) -> None:
        """Append the pages of ``source`` (those in ``pages``, or all), with their part of its
        structure tree, or an element for each page of an untagged PDF."""
        copies: Mapping[int, Hashable] = {}
        if isinstance(source, Part):
            copies = source.copies
            source = source.path
        if not isinstance(source, Source):
            source = Source(source)
            try:
                self._add(source, pages, copies)
            finally:
                # Read for this call alone: its parsed objects refer back to the reader, a
                # cycle that only Python's full collections free, rarely in a process this
                # size; a long merge's main process (and every worker forked from it later)
                # grew with the chunks joined (docs/performance.md).
                vars(source.reader).clear()
            return
        self._add(source, pages, copies)

    def _add(self, source: Source, pages: range | None, copies: Mapping[int, Hashable]) -> None:
        reader, tree = source.reader, source.tree
        self.numbers, self.overrides = {}, {}
        # Copies already written for an earlier input are referred to, not written again.
        self.numbers.update((n, self.copies[k]) for n, k in copies.items() if k in self.copies)
        taken = [
            reader.pages[i] for i in (pages if pages is not None else range(len(reader.pages)))
        ]
        # Pages first, so that a reference to a page (a link's destination) is the page itself.
        own = [self.number() for _ in taken]
        for page, num in zip(taken, own, strict=True):
            if page.indirect_reference is not None:
                self.numbers[page.indirect_reference.idnum] = num
        if tree is not None:
            self._carry(tree, taken, pages is not None)
        for page, num in zip(taken, own, strict=True):
            self.pages.append(num)
            copy = DictionaryObject(
                {key: self.renumber(item) for key, item in page.items() if key not in _DROPPED}
            )
            copy[NameObject("/Parent")] = _Ref(_PAGES, 0, None)
            if "/StructParents" in page and tree is not None:
                copy[NameObject("/StructParents")] = page["/StructParents"]
            elif tree is None and page.get("/Contents") is not None:
                self._mark(copy, page, num)
            self.write(num, copy)
            while self.todo:
                obj_num, obj = self.todo.pop()
                self.write(obj_num, self.renumber(obj))
        for number, key in copies.items():
            if number in self.numbers and len(self.copies) < _KEPT:
                self.copies.setdefault(key, self.numbers[number])

    def _carry(self, tree: Tree, taken: list[Any], part: bool) -> None:
        """Take the input's structure elements (those on ``taken`` if ``part``) under the
        joined /Document element, with new parent tree keys for the pages and links."""
        for num in tree.above:  # the input's root and /Document element: the joined file's own
            self.numbers[num] = _DOCUMENT
        kids = tree.kids
        if part:
            kids, cut = tree.part({p.indirect_reference.idnum for p in taken})
            self.overrides.update(cut)
        for kid in kids:
            self.elements.append(self.renumber(kid))
        for page in taken:
            holders = [page, *(a.get_object() for a in page.get("/Annots", ()))]
            for holder, key in (
                (h, k) for h in holders for k in ("/StructParents", "/StructParent")
            ):
                if key in holder and int(holder[key]) in tree.entries:
                    value = tree.entries[int(holder[key])]
                    holder[NameObject(key)] = NumberObject(len(self.parents))
                    self.parents.append(self.renumber(value))

    def _mark(self, copy: DictionaryObject, page: Any, num: int) -> None:
        """Put all an untagged page draws in one marked-content sequence, with an element."""
        if self.marks is None:
            opened, closed = self.number(), self.number()
            self.write(opened, marking(OPEN_PAGE))
            self.write(closed, marking(CLOSE_PAGE))
            self.marks = (_Ref(opened, 0, None), _Ref(closed, 0, None))
        contents = page["/Contents"]  # one stream, or an array of them
        if isinstance(contents, ArrayObject):
            inner = [self.renumber(part) for part in contents]
        else:
            inner = [copy.raw_get("/Contents")]
        copy[NameObject("/Contents")] = ArrayObject([self.marks[0], *inner, self.marks[1]])
        element = self.number()
        self.write(element, page_element(_Ref(_DOCUMENT, 0, None), _Ref(num, 0, None)))
        self.elements.append(_Ref(element, 0, None))
        copy[NameObject("/StructParents")] = NumberObject(len(self.parents))
        self.parents.append(element, alone=True)

    def close(self, title: str, language: str) -> None:
        # Tagged, titled and in its language, as a single build is (write_pdf's PDF/UA-1).
        catalog = {
            NameObject("/Type"): NameObject("/Catalog"),
            NameObject("/Pages"): _Ref(_PAGES, 0, None),
            **catalog_entries(_Ref(_ROOT, 0, None), _Ref(_METADATA, 0, None), language),
        }
        self.write(_CATALOG, DictionaryObject(catalog))
        kids = ArrayObject(_Ref(num, 0, None) for num in self.pages)
        tree = {
            NameObject("/Type"): NameObject("/Pages"),
            NameObject("/Count"): NumberObject(len(self.pages)),
            NameObject("/Kids"): kids,
        }
        self.write(_PAGES, DictionaryObject(tree))
        self.write(_INFO, DictionaryObject({NameObject("/Title"): create_string_object(title)}))
        numbers = ArrayObject()
        for key, value in enumerate(self.parents.values()):
            numbers += [NumberObject(key), value]
        root = {
            NameObject("/Type"): NameObject("/StructTreeRoot"),
            NameObject("/K"): _Ref(_DOCUMENT, 0, None),
            NameObject("/ParentTree"): DictionaryObject({NameObject("/Nums"): numbers}),
            NameObject("/ParentTreeNextKey"): NumberObject(len(self.parents)),
        }
        self.write(_ROOT, DictionaryObject(root))
        document = {
            NameObject("/Type"): NameObject("/StructElem"),
            NameObject("/S"): NameObject("/Document"),
            NameObject("/P"): _Ref(_ROOT, 0, None),
            NameObject("/K"): ArrayObject(self.elements.values()),
        }
        self.write(_DOCUMENT, DictionaryObject(document))
        self.write(_METADATA, xmp(title, language))
        start = self.target.tell()
        lines = [f"xref\n0 {len(self.offsets)}\n0000000000 65535 f \n"]
        lines += [f"{offset:010d} 00000 n \n" for offset in self.offsets[1:]]
        lines.append(
            f"trailer\n<< /Size {len(self.offsets)} /Root {_CATALOG} 0 R /Info {_INFO} 0 R >>\n"
            f"startxref\n{start}\n%%EOF\n"
        )
        self.target.write("".join(lines).encode())


def _dump(value: Any, out: list[bytes], names: dict[str, bytes]) -> None:
    """Append to ``out`` the bytes pypdf's ``write_to_stream`` writes for ``value``: made here
    for the kinds a merge's objects are mostly made of (names, numbers, references,
    dictionaries, arrays, streams), without a call to a stream for every part, for a sixth of
    the joining's time. ``names`` keeps each name as written, escaped once."""
    kind = type(value)
    if kind is NameObject:
        name = names.get(value)
        if name is None:
            name = names[value] = value.renumber()  # pypdf's own escaping
        out.append(name)
    elif kind is _Ref:
        out.append(b"%d 0 R" % value.idnum)
    elif kind is NumberObject:
        out.append(b"%d" % value)
    elif kind is ArrayObject:
        out.append(b"[")
        for item in value:
            out.append(b" ")
            _dump(item, out, names)
        out.append(b" ]")
    elif kind is DictionaryObject or kind is StreamObject:
        items: dict[Any, Any] = value
        if kind is StreamObject:  # as pypdf writes it: /Length in place, or last
            items = {**value, NameObject("/Length"): NumberObject(len(value._data))}
        out.append(b"<<\n")
        for key, item in items.items():
            if len(key) > 2 and key[1] == "%" and key[-1] == "%":
                continue  # pypdf leaves out such keys
            _dump(key, out, names)
            out.append(b" ")
            _dump(item, out, names)
            out.append(b"\n")
        out.append(b">>")
        if kind is StreamObject:
            out += (b"\nstream\n", value._data, b"\nendstream")
    else:
        value.write_to_stream(_Appender(out))


class _Appender:
    """A stream that appends what is written to a list."""

    def __init__(self, out: list[bytes]) -> None:
        self.write = out.append


class _Refs:
    """A list of PDF values, each reference (or array of one reference) kept as its number."""

    def __init__(self) -> None:
        self.numbers = array("q")  # the reference's number, or -1 for a value in ``others``
        self.alone = array("b")  # 1 where the value is an array of that one reference
        self.others: dict[int, Any] = {}

    def __len__(self) -> int:
        return len(self.numbers)

    def append(self, value: Any, alone: bool = False) -> None:
        """Add ``value``; with ``alone``, ``value`` is an object number and the value is an
        array holding only a reference to it."""
        if alone or isinstance(value, _Ref):
            self.numbers.append(value if alone else value.idnum)
        else:
            self.others[len(self.numbers)] = value
            self.numbers.append(-1)
        self.alone.append(1 if alone else 0)

    def values(self) -> Iterator[Any]:
        for index, (number, alone) in enumerate(zip(self.numbers, self.alone, strict=True)):
            if number < 0:
                yield self.others[index]
            elif alone:
                yield ArrayObject([_Ref(number, 0, None)])
            else:
                yield _Ref(number, 0, None)


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


def concatenate(
    paths: Iterable[Path | IO[bytes] | Source | Part],
    target: IO[bytes],
    title: str,
    language: str,
    pages: range | None = None,
) -> int:
    """Write the pages of ``paths``, in order, as one PDF to ``target``; return the page count.
    ``pages`` takes only those pages of each input (one letter of a chunk).

    pypdf's writer keeps every object of every input until it writes, which for a
    10,000-letter merge is over a gigabyte. Here each input is read, its pages and what they
    use are written out with new object numbers, and it is let go before the next is read.
    """
    joiner = _Joiner(target)
    for path in paths:
        joiner.add(path, pages)
    joiner.close(title, language)
    return len(joiner.pages)
