"""The tagged-PDF parts of a joined PDF: structure trees carried or made, and XMP metadata.

A tagged PDF (ISO 32000-1 section 14.8) has a structure tree that gives screen readers the
reading order, and a parent tree from each page's marked content back to its elements. When
PDFs are joined (concat.py), a tagged input brings its tree, cut down to the pages taken; an
untagged one (a merge's letters drawn over shared layouts) gets one element per page, holding
all the page draws, in the order it draws it: a letter's shared part, then its sign-off.
"""

from __future__ import annotations

import html
from typing import Any

from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    create_string_object,
)

# What goes round an untagged page's content: one marked-content sequence, MCID 0 on each page.
OPEN_PAGE = b"/Div <</MCID 0>> BDC\n"
CLOSE_PAGE = b"\nEMC\n"


def parent_entries(tree: Any) -> dict[int, Any]:
    """The entries of a parent tree (a number tree: /Nums pairs, or /Kids of number trees)."""
    found: dict[int, Any] = {}
    tree = tree.get_object() if tree is not None else None
    if tree is None:
        return found
    numbers = tree.get("/Nums", ())
    for index in range(0, len(numbers) - 1, 2):
        found[int(numbers[index])] = numbers[index + 1]
    for kid in tree.get("/Kids", ()):
        found.update(parent_entries(kid))
    return found


def top_elements(root: Any) -> tuple[list[Any], list[int]]:
    """The elements under the tree's /Document element (or its root), and the object numbers
    of those above them, which the joined PDF's own root and /Document element replace."""
    kids = _as_list(root.get("/K"))
    above = [root.indirect_reference.idnum] if root.indirect_reference is not None else []
    if len(kids) == 1 and isinstance(kids[0], IndirectObject):
        document: Any = kids[0].get_object()
        if isinstance(document, DictionaryObject) and document.get("/S") == "/Document":
            above.append(kids[0].idnum)
            kids = _as_list(document.get("/K"))
    return kids, above


class Tree:
    """An input's structure tree, read once for every part taken from it (a chunk's letters,
    one by one): nothing in it is changed, so each part is cut from the whole tree."""

    def __init__(self, root: Any) -> None:
        self.kids, self.above = top_elements(root)
        self.entries = parent_entries(root.get("/ParentTree"))
        self._pages: dict[int, frozenset[int]] = {}  # element -> pages its content is on

    def part(self, pages: set[int]) -> tuple[list[Any], dict[int, DictionaryObject]]:
        """The top elements with content on ``pages`` (object numbers), and for each element
        (by object number) that has content elsewhere too, a copy cut down to these pages,
        to be written instead of it."""
        overrides: dict[int, DictionaryObject] = {}
        kept = [self._cut(kid, pages, None, overrides) for kid in self.kids]
        return [kid for kid in kept if kid is not None], overrides

    def _cut(
        self, kid: Any, pages: set[int], page: int | None, overrides: dict[int, DictionaryObject]
    ) -> Any:
        """``kid`` (an element, a marked-content or object reference, or an MCID on ``page``)
        if it has content on ``pages``, cut down to that content; else None."""
        if not self._on(kid, page) & pages:
            return None
        target = kid.get_object() if isinstance(kid, IndirectObject) else kid
        if not isinstance(target, DictionaryObject) or "/S" not in target:
            return kid  # an MCID, /MCR or /OBJR on these pages
        own = target.get("/Pg")
        here = own.idnum if isinstance(own, IndirectObject) else page
        kids = _as_list(target.get("/K"))
        kept = [k for k in (self._cut(k, pages, here, overrides) for k in kids) if k is not None]
        if len(kept) == len(kids) and (own is None or here in pages):
            return kid  # all of it is on these pages
        copy = DictionaryObject(target)
        copy[NameObject("/K")] = ArrayObject(kept)
        if own is not None and here not in pages:
            del copy["/Pg"]  # no content left on it: the page is not in this part
        if isinstance(kid, IndirectObject):
            overrides[kid.idnum] = copy
            return kid
        return copy

    def _on(self, kid: Any, page: int | None) -> frozenset[int]:
        """The pages (object numbers) ``kid`` has content on."""
        if isinstance(kid, int):
            return frozenset([page]) if page is not None else frozenset()
        number = kid.idnum if isinstance(kid, IndirectObject) else None
        if number is not None and number in self._pages:
            return self._pages[number]
        target = kid.get_object() if isinstance(kid, IndirectObject) else kid
        found: frozenset[int] = frozenset()
        if isinstance(target, DictionaryObject):
            own = target.get("/Pg")
            here = own.idnum if isinstance(own, IndirectObject) else page
            if "/S" not in target:  # an /MCR or /OBJR: content on its page
                found = frozenset([here]) if here is not None else frozenset()
            else:
                found = frozenset().union(*(self._on(k, here) for k in _as_list(target.get("/K"))))
        if number is not None:
            self._pages[number] = found
        return found


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, IndirectObject) and not isinstance(value.get_object(), DictionaryObject):
        value = value.get_object()
    return list(value) if isinstance(value, list) else [value]


def page_element(parent: Any, page: Any) -> DictionaryObject:
    """The element holding all of an untagged page's content (marked MCID 0 on it)."""
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/StructElem"),
            NameObject("/S"): NameObject("/Div"),
            NameObject("/P"): parent,
            NameObject("/Pg"): page,
            NameObject("/K"): NumberObject(0),
        }
    )


def marking(data: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


def xmp(title: str, language: str) -> DecodedStreamObject:
    """The XMP metadata stream: the title (as in the Info dictionary) and the language."""
    title_xml = html.escape(title, quote=False)
    language_xml = (
        f"<dc:language><rdf:Bag><rdf:li>{html.escape(language, quote=False)}</rdf:li>"
        "</rdf:Bag></dc:language>"
        if language
        else ""
    )
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title_xml}</rdf:li></rdf:Alt>'
        f"</dc:title>{language_xml}</rdf:Description></rdf:RDF></x:xmpmeta>\n"
        '<?xpacket end="r"?>'
    )
    stream = marking(packet.encode())
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    return stream


def tag_untagged(writer: Any, title: str, language: str) -> None:
    """Tag a pypdf writer's untagged pages in place, as the joiner tags an untagged input (one
    element a page), with the same title, language and metadata: for a letter drawn over a
    shared layout, written on its own without being read back."""
    root, document = writer._add_object(DictionaryObject()), writer._add_object(DictionaryObject())
    opened, closed = writer._add_object(marking(OPEN_PAGE)), writer._add_object(marking(CLOSE_PAGE))
    elements, parents = ArrayObject(), ArrayObject()
    for key, page in enumerate(writer.pages):
        contents = page.raw_get("/Contents") if "/Contents" in page else None
        if contents is None:
            continue  # a blank back: nothing to read
        inner = list(contents) if isinstance(contents, ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject([opened, *inner, closed])
        element = writer._add_object(page_element(document, page.indirect_reference))
        elements.append(element)
        page[NameObject("/StructParents")] = NumberObject(key)
        parents += [NumberObject(key), ArrayObject([element])]
    document.get_object().update(
        {
            NameObject("/Type"): NameObject("/StructElem"),
            NameObject("/S"): NameObject("/Document"),
            NameObject("/P"): root,
            NameObject("/K"): elements,
        }
    )
    root.get_object().update(
        {
            NameObject("/Type"): NameObject("/StructTreeRoot"),
            NameObject("/K"): document,
            NameObject("/ParentTree"): DictionaryObject({NameObject("/Nums"): parents}),
            NameObject("/ParentTreeNextKey"): NumberObject(len(writer.pages)),
        }
    )
    writer._root_object.update(
        catalog_entries(root, writer._add_object(xmp(title, language)), language)
    )
    writer.add_metadata({"/Title": title})


def catalog_entries(root: Any, metadata: Any, language: str) -> dict[Any, Any]:
    """What a tagged, titled PDF's catalog holds beside its pages."""
    entries = {
        NameObject("/StructTreeRoot"): root,
        NameObject("/MarkInfo"): DictionaryObject({NameObject("/Marked"): BooleanObject(True)}),
        NameObject("/ViewerPreferences"): DictionaryObject(
            {NameObject("/DisplayDocTitle"): BooleanObject(True)}
        ),
        NameObject("/Metadata"): metadata,
    }
    if language:
        entries[NameObject("/Lang")] = create_string_object(language)
    return entries
